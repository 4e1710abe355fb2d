// Webhooks end to end: endpoints through the HTTP API, the worker app (two of them, so
// attempts are claimed across workers) sending every event to a real HTTP receiver on
// 127.0.0.1 that checks each signature itself and fails first attempts on purpose; URL
// refusals under the default rules; and host.io.dominated raised from a simulated host
// where one io-heavy server takes the disks, delivered like any other event.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventService, type EventKind } from '@carve/events';
import { HostRepository } from '@carve/inventory';
import { HostCollector } from '@carve/metering';
import { IoDominanceScheduler } from '../apps/worker/src/io-fairness/io-dominance.scheduler';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { createCustomer } from './support/fixtures';
import { expectProblem, problemFields } from './support/problem-assertions';
import { customerWithPool, expectStatus, orderBody, Stack, startStack, waitForJob } from './support/stack';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API JSON
type Json = any;

interface Received {
  path: string;
  webhookId: string;
  eventId: string;
  timestamp: number;
  body: string;
  at: number;
  answered: number | 'hung';
  signatureValid: boolean;
}

/** The receiver: verifies every request's signature on its own (HMAC over "<timestamp>.<raw body>"), then answers as planned per (path, event). */
class Receiver {
  readonly received: Received[] = [];
  /** Per `${path} ${eventId}`: how the first attempts are answered, in order; then 200. */
  readonly plan = new Map<string, ('fail' | 'hang')[]>();
  readonly secrets = new Map<string, string>();
  private server: Server;
  private readonly held = new Set<() => void>();
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const webhookId = String(req.headers['carve-webhook-id']);
        const eventId = String(req.headers['carve-event-id']);
        const timestamp = Number(req.headers['carve-timestamp']);
        const signatureValid = this.verify(webhookId, String(req.headers['carve-timestamp']), String(req.headers['carve-signature']), body);
        const path = req.url ?? '';
        const entry: Received = { path, webhookId, eventId, timestamp, body, at: Date.now(), answered: 200, signatureValid };
        this.received.push(entry);
        if (!signatureValid) return void res.writeHead(401).end('bad signature');
        if (path === '/hooks/down') return void (entry.answered = 503, res.writeHead(503).end('down for maintenance'));
        const next = this.plan.get(`${path} ${eventId}`)?.shift();
        if (next === 'fail') return void (entry.answered = 500, res.writeHead(500).end('try later'));
        if (next === 'hang') {
          entry.answered = 'hung';
          const release = () => res.destroy();
          this.held.add(release);
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private verify(webhookId: string, timestamp: string, signature: string, body: string): boolean {
    const secret = this.secrets.get(webhookId);
    if (!secret || !/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
    const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  of(webhookId: string, eventId?: string): Received[] {
    return this.received.filter((r) => r.webhookId === webhookId && (eventId === undefined || r.eventId === eventId));
  }

  async close(): Promise<void> {
    for (const release of this.held) release();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let stack: Stack;
let secondWorker: INestApplicationContext;
const receiver = new Receiver();

beforeAll(async () => {
  await receiver.start();
  stack = await startStack({
    hosts: 1,
    sim: { startAt: Date.now() / 1000 - 3 * 3600 },
    env: {
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRY_BASE_SECONDS: '1',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_POLL_MS: '100',
      METERING_INTERVAL_SECONDS: '0',
      IO_DOMINANCE_INTERVAL_SECONDS: '0',
    },
  });
  // A second worker process's worth of the worker app on the same database and Redis.
  secondWorker = await NestFactory.createApplicationContext(WorkerModule.forRoot(stack.api.config), { logger: false });
  await secondWorker.init();
}, 120_000);
afterAll(async () => {
  await secondWorker?.close();
  await stack?.close();
  await receiver.close();
});

async function createWebhook(body: Record<string, unknown>): Promise<Json> {
  const res = await stack.api.request('POST', '/v1/webhooks', { body });
  expectStatus(res, 201);
  receiver.secrets.set(res.body.id, res.body.secret);
  return res.body;
}

async function raise(kind: EventKind, data: object): Promise<string> {
  const subjectId = randomUUID();
  expect(await stack.api.app.get(EventService, { strict: false }).raise({ customerId: null, kind, subjectType: 'server', subjectId, data } as never)).toBe(true);
  const [{ id }] = await stack.api.db.query(`SELECT id FROM events WHERE subject_id = $1`, [subjectId]);
  return id;
}

async function deliveries(webhookId: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  do {
    const res = await stack.api.request('GET', `/v1/webhooks/${webhookId}/deliveries?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
    expectStatus(res, 200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

/** Until every delivery of the webhooks (at least `count` of them in all) has succeeded or failed. */
async function settled(webhookIds: string[], count: number, timeoutMs = 30_000): Promise<Map<string, Json[]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = new Map<string, Json[]>();
    for (const id of webhookIds) all.set(id, await deliveries(id));
    const flat = [...all.values()].flat();
    if (flat.length >= count && flat.every((d) => d.status !== 'pending')) return all;
    if (Date.now() > deadline) throw new Error(`deliveries not settled: ${JSON.stringify(flat.map((d) => [d.eventKind, d.status, d.attempts, d.lastError]))}`);
    await sleep(200);
  }
}

describe('/v1/webhooks', () => {
  it('creates an endpoint, shows its secret once, lists and gets it without, and refuses bad input naming the field', async () => {
    const made = await createWebhook({ url: `${receiver.base}/hooks/listed`, events: ['pool.transfer.80', '*'] });
    expect(made).toEqual({ id: expect.any(String), url: `${receiver.base}/hooks/listed`, events: ['*'], createdAt: expect.any(String), secret: expect.stringMatching(/^whsec_/) });
    const got = await stack.api.request('GET', `/v1/webhooks/${made.id}`);
    expect(got.body).toEqual({ id: made.id, url: made.url, events: ['*'], createdAt: made.createdAt });
    const listed = await stack.api.request('GET', '/v1/webhooks?limit=100');
    expect(listed.body.items).toContainEqual(got.body);
    expect(listed.text).not.toContain(made.secret);

    const given = await createWebhook({ url: `${receiver.base}/hooks/listed`, events: ['host.io.dominated'], secret: 'a-secret-of-my-own-choosing-1234' });
    expect(given.secret).toBe('a-secret-of-my-own-choosing-1234');

    for (const [body, field] of [
      [{ url: `${receiver.base}/x`, events: ['pool.exploded'] }, 'events'],
      [{ url: `${receiver.base}/x`, events: [] }, 'events'],
      [{ url: `${receiver.base}/x`, events: ['*'], secret: 'short' }, 'secret'],
      [{ url: 'not a url', events: ['*'] }, 'url'],
      [{ events: ['*'] }, 'url'],
    ] as const) {
      const res = await stack.api.request('POST', '/v1/webhooks', { body });
      expectProblem(res, 400, 'validation_failed');
      expect(problemFields(res).map((f) => f.replace(/\.\d+$/, ''))).toEqual([field]);
    }
    for (const [method, path] of [['GET', ''], ['GET', '/deliveries'], ['DELETE', '']]) {
      expectProblem(await stack.api.request(method, `/v1/webhooks/${randomUUID()}${path}`), 404, 'not_found');
    }
    const customer = await createCustomer(stack.api);
    expectProblem(await stack.api.request('GET', `/v1/webhooks/${made.id}/deliveries`, { token: customer.adminToken }), 403, 'forbidden');

    expect((await stack.api.request('DELETE', `/v1/webhooks/${made.id}`)).status).toBe(204);
    expect((await stack.api.request('DELETE', `/v1/webhooks/${given.id}`)).status).toBe(204);
    expectProblem(await stack.api.request('GET', `/v1/webhooks/${made.id}`), 404, 'not_found');
  });
});

describe('delivery', () => {
  let all: Json;
  let transfers: Json;
  let down: Json;
  const ids: Record<string, string> = {};
  const quick: string[] = [];
  let settledDeliveries: Map<string, Json[]>;

  beforeAll(async () => {
    ids.before = await raise('server.move.succeeded', { jobId: randomUUID(), fromHostId: randomUUID(), toHostId: randomUUID(), bytesCopied: 1, seconds: 1 });
    await sleep(5);
    all = await createWebhook({ url: `${receiver.base}/hooks/all`, events: ['*'] });
    transfers = await createWebhook({ url: `${receiver.base}/hooks/transfers`, events: ['pool.transfer.80'] });
    down = await createWebhook({ url: `${receiver.base}/hooks/down`, events: ['server.move.failed'] });
    await sleep(5);
    ids.failing = await raise('pool.transfer.80', { month: '2026-12', usedBytes: 8, allowanceBytes: 10, percent: 80 });
    ids.hanging = await raise('pool.transfer.100', { month: '2026-12', usedBytes: 10, allowanceBytes: 10, percent: 100 });
    ids.down = await raise('server.move.failed', { jobId: randomUUID(), fromHostId: randomUUID(), toHostId: randomUUID(), reason: 'target unreachable' });
    receiver.plan.set(`/hooks/all ${ids.failing}`, ['fail', 'fail']);
    receiver.plan.set(`/hooks/transfers ${ids.failing}`, ['fail']);
    receiver.plan.set(`/hooks/all ${ids.hanging}`, ['hang']);
    for (let i = 0; i < 12; i++) quick.push(await raise('server.move.succeeded', { jobId: randomUUID(), fromHostId: randomUUID(), toHostId: randomUUID(), bytesCopied: i, seconds: 1 }));
    // all: 3 + 12; transfers: 1; down: 1.
    settledDeliveries = await settled([all.id, transfers.id, down.id], 17);
  }, 60_000);

  it('sends each event once to every webhook that wants its kind, created before it, with a signature the receiver verifies', () => {
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    const ok = (webhookId: string) => receiver.of(webhookId).filter((r) => r.answered === 200);
    expect(ok(all.id).map((r) => r.eventId).sort()).toEqual([ids.failing, ids.hanging, ids.down, ...quick].sort());
    expect(ok(transfers.id).map((r) => r.eventId)).toEqual([ids.failing]);
    expect(receiver.of(down.id).map((r) => r.eventId)).toEqual([ids.down, ids.down, ids.down]);
    expect(receiver.received.some((r) => r.eventId === ids.before)).toBe(false);
    // Across two workers, each attempt reached the receiver once.
    for (const id of quick) expect(receiver.of(all.id, id)).toHaveLength(1);
  });

  it('posts the event as GET /v1/events shows it, with the webhook, event and timestamp headers', async () => {
    const [first] = receiver.of(all.id, quick[0]).filter((r) => r.answered === 200);
    expect(first!.timestamp).toBeGreaterThan(Date.now() / 1000 - 120);
    const events = await stack.api.request('GET', '/v1/events?limit=100&kind=server.move.succeeded');
    const listed = events.body.items.find((e: Json) => e.id === quick[0]);
    expect(JSON.parse(first!.body)).toEqual({ id: quick[0], kind: 'server.move.succeeded', createdAt: listed.occurredAt, customerId: null, subjectType: 'server', subjectId: listed.subjectId, data: listed.data });
  });

  it('retries a failed attempt after 1 s, then 2 s (base x 2^n), and a timed-out one, and shows each delivery with its attempts and last answer', () => {
    const attempts = receiver.of(all.id, ids.failing);
    expect(attempts.map((r) => r.answered)).toEqual([500, 500, 200]);
    const gaps = [attempts[1]!.at - attempts[0]!.at, attempts[2]!.at - attempts[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(900);
    expect(gaps[1]).toBeGreaterThanOrEqual(1900);
    expect(gaps[1]).toBeLessThan(6000);
    expect(receiver.of(all.id, ids.hanging).map((r) => r.answered)).toEqual(['hung', 200]);

    const byEvent = new Map(settledDeliveries.get(all.id)!.map((d: Json) => [d.eventId, d]));
    expect(byEvent.get(ids.failing)).toEqual({
      id: expect.any(String),
      eventId: ids.failing,
      eventKind: 'pool.transfer.80',
      status: 'succeeded',
      attempts: 3,
      nextAttemptAt: null,
      lastAttemptAt: expect.any(String),
      responseCode: 200,
      responseExcerpt: 'ok',
      lastError: null,
      deliveredAt: expect.any(String),
      createdAt: expect.any(String),
    });
    expect(byEvent.get(ids.hanging)).toMatchObject({ status: 'succeeded', attempts: 2, responseCode: 200 });
    expect(byEvent.get(quick[3])).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(settledDeliveries.get(transfers.id)).toEqual([expect.objectContaining({ eventId: ids.failing, status: 'succeeded', attempts: 2 })]);
  });

  it('gives up after the last attempt, keeping the answer', () => {
    expect(settledDeliveries.get(down.id)).toEqual([
      expect.objectContaining({ eventId: ids.down, status: 'failed', attempts: 3, nextAttemptAt: null, responseCode: 503, responseExcerpt: 'down for maintenance', lastError: 'the endpoint answered HTTP 503', deliveredAt: null }),
    ]);
  });

  it('sends nothing more to a deleted webhook', async () => {
    expect((await stack.api.request('DELETE', `/v1/webhooks/${transfers.id}`)).status).toBe(204);
    expectProblem(await stack.api.request('GET', `/v1/webhooks/${transfers.id}/deliveries`), 404, 'not_found');
    const later = await raise('pool.transfer.80', { month: '2027-01', usedBytes: 8, allowanceBytes: 10, percent: 80 });
    await settled([all.id], 16);
    expect(receiver.of(all.id, later)).toHaveLength(1);
    expect(receiver.of(transfers.id, later)).toHaveLength(0);
    const [{ count }] = await stack.api.db.query(`SELECT count(*)::int AS count FROM webhook_deliveries WHERE webhook_id = $1`, [transfers.id]);
    expect(count).toBe(0);
  });
});

describe('URL rules by default (https only, public addresses only)', () => {
  let strict: ApiHarness;
  beforeAll(async () => {
    strict = await startApiHarness();
  });
  afterAll(() => strict?.close());

  it.each([
    ['http://hooks.example.com/carve', /https/],
    ['https://127.0.0.1/carve', /loopback/],
    ['https://10.1.2.3/carve', /private/],
    ['https://192.168.0.10/carve', /private/],
    ['https://169.254.169.254/latest/meta-data/', /metadata/],
    ['https://100.64.0.1/carve', /carrier-grade NAT/],
    ['https://[::1]/carve', /loopback/],
    ['https://[fd00::1]/carve', /unique-local/],
    ['https://[::ffff:127.0.0.1]/carve', /loopback/],
    ['https://localhost/carve', /localhost resolves to .*loopback/],
    ['https://admin:pw@hooks.example.com/carve', /user name/],
  ])('refuses %s with a 400 naming url', async (url, message) => {
    const res = await strict.request('POST', '/v1/webhooks', { body: { url, events: ['*'] } });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.fields).toEqual([{ field: 'url', message: expect.stringMatching(message) }]);
    const [{ count }] = await strict.db.query(`SELECT count(*)::int AS count FROM webhooks`);
    expect(count).toBe(0);
  });

  it('accepts https to a public address', async () => {
    expectStatus(await strict.request('POST', '/v1/webhooks', { body: { url: 'https://203.0.113.10/carve', events: ['*'] } }), 201);
  });
});

describe('host.io.dominated', () => {
  const INTERVAL_MS = 60_000;
  let hostId: string;
  let noisy: { serverId: string; domainName: string };
  let quiet: { serverId: string; domainName: string; token: string };
  let hook: Json;

  async function server(name: string) {
    const tenant = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 });
    const order = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { name }) });
    expectStatus(order, 202);
    expect((await waitForJob(stack.api, tenant.token, order.body.job.id)).status).toBe('succeeded');
    return { serverId: order.body.server.id as string, domainName: order.body.server.domainName as string, token: tenant.token };
  }

  async function collect(count: number): Promise<void> {
    const collector = stack.worker!.get(HostCollector);
    const host = (await stack.worker!.get(HostRepository).findById(hostId))!;
    for (let i = 0; i < count; i++) {
      expect((await collector.collect(host, INTERVAL_MS)).status).toBe('collected');
      await sleep(1000);
    }
  }

  beforeAll(async () => {
    hostId = stack.hosts[0]!.id;
    hook = await createWebhook({ url: `${receiver.base}/hooks/io`, events: ['host.io.dominated'] });
    noisy = await server('noisy');
    quiet = await server('quiet');
    const sim = stack.hosts[0]!.sim;
    expect(sim.setWorkload(quiet.domainName, 'web')).toBe(true);
    await collect(4);
    expect(sim.setWorkload(noisy.domainName, 'io-heavy')).toBe(true);
    await collect(20);
    expect(sim.setWorkload(noisy.domainName, 'idle')).toBe(true);
    await collect(3);
  }, 180_000);

  it('is raised once for the window one server dominated beyond the host policy (15 minutes), operator only, and delivered signed', async () => {
    const schedulers = [stack.worker!.get(IoDominanceScheduler), secondWorker.get(IoDominanceScheduler)];
    const interval = Math.floor(Date.now() / 300_000);
    const [a, b] = await Promise.all(schedulers.map((s) => s.run(interval, 300_000)));
    // Each host is checked by one worker in an interval.
    expect([a!.checked, b!.checked].sort()).toEqual([0, 1]);
    const raised = [...a!.raised, ...b!.raised];
    expect(raised).toEqual([{ hostId, serverId: noisy.serverId, from: expect.any(String) }]);
    // A later check sees the same window and raises nothing new.
    expect((await schedulers[0]!.run(interval + 1, 300_000)).raised).toEqual([]);

    const events = (await stack.api.request('GET', '/v1/events?kind=host.io.dominated&limit=100')).body.items;
    expect(events).toEqual([expect.objectContaining({ customerId: null, subjectType: 'host', subjectId: hostId, data: expect.objectContaining({ serverId: noisy.serverId, from: raised[0]!.from }) })]);
    const data = events[0].data;
    expect(data.share).toBeGreaterThanOrEqual(0.5);
    expect(Date.parse(data.to) - Date.parse(data.from)).toBeGreaterThanOrEqual(15 * 60_000);
    expect((await stack.api.request('GET', '/v1/events?kind=host.io.dominated', { token: quiet.token })).body.items).toEqual([]);

    const [delivery] = (await settled([hook.id], 1)).get(hook.id)!;
    expect(delivery).toMatchObject({ eventId: events[0].id, status: 'succeeded', attempts: 1 });
    const received = receiver.of(hook.id, events[0].id);
    expect(received).toHaveLength(1);
    expect(received[0]!.signatureValid).toBe(true);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ kind: 'host.io.dominated', subjectId: hostId, data });
  });
});
