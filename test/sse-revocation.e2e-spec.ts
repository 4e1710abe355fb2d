// A job's event stream outlives the request that authenticated it: it must end when its token stops working.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JobEvents, JobRepository } from '@carve/jobs';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { createCustomer, createUser, TestCustomer } from './support/fixtures';

/** Far below the 25 s heartbeat: only the token re-check can end a quiet stream this soon. */
const ENDS_WITHIN_MS = 6000;

interface Frame {
  event: string;
  data: Record<string, unknown>;
}

interface EventStream {
  status: number;
  frames: Frame[];
  /** Resolves with the time the server ended the stream. */
  ended: Promise<number>;
  next(predicate: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  close(): void;
}

let api: ApiHarness;
let baseUrl: string;
let customer: TestCustomer;
const open: EventStream[] = [];

beforeAll(async () => {
  api = await startApiHarness();
  await api.app.listen(0, '127.0.0.1');
  const address = api.app.getHttpServer().address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${address.port}`;
  customer = await createCustomer(api);
});
afterEach(() => {
  for (const stream of open.splice(0)) stream.close();
});
afterAll(() => api.close());

/** A queued job of the customer's (no worker runs here, so it stays unfinished and its stream open). */
async function queuedJob(): Promise<string> {
  const jobs = api.app.get(JobRepository);
  const job = await api.db.transaction((manager) =>
    jobs.insert({ customerId: customer.id, serverId: null, hostId: null, type: 'server.reboot', params: {}, requestedByUserId: null }, manager),
  );
  return job.id;
}

async function newToken(options: { expiresAt?: Date } = {}): Promise<{ token: string; id: string }> {
  const issued = await api.request('POST', '/v1/tokens', { token: customer.adminToken, body: { name: 'stream', expiresAt: options.expiresAt?.toISOString() } });
  expect(issued.status).toBe(201);
  return { token: issued.body.token, id: issued.body.id };
}

/** GET /v1/jobs/:id/events over a real socket, reading frames as they arrive. */
function openEvents(jobId: string, token: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}/v1/jobs/${jobId}/events`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      const frames: Frame[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const raw = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(raw)?.[1] ?? 'message';
          const data = /^data: (.+)$/m.exec(raw)?.[1];
          frames.push({ event, data: data ? JSON.parse(data) : {} });
        }
        for (const wake of [...waiters]) wake();
      });
      const ended = new Promise<number>((done) => {
        res.on('end', () => done(Date.now()));
        res.on('close', () => done(Date.now()));
      });
      const stream: EventStream = {
        status: res.statusCode ?? 0,
        frames,
        ended,
        next(predicate, timeoutMs = ENDS_WITHIN_MS) {
          return new Promise((found, missing) => {
            const check = () => {
              const frame = frames.find(predicate);
              if (!frame) return;
              waiters.delete(check);
              clearTimeout(timer);
              found(frame);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              missing(new Error(`no such frame within ${timeoutMs} ms; got ${JSON.stringify(frames.map((f) => f.event))}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close: () => req.destroy(),
      };
      open.push(stream);
      resolve(stream);
    });
    req.end();
  });
}

/** What `promise` gives, or `otherwise` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, otherwise: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(otherwise), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The stream ends on its own within ENDS_WITHIN_MS of `since`, and its last frame is the error. */
async function expectEndsWithError(stream: EventStream, since: number): Promise<Frame['data']> {
  const endedAt = await within(stream.ended, ENDS_WITHIN_MS + 1000, -1);
  expect(endedAt).toBeGreaterThan(0);
  expect(endedAt - since).toBeLessThan(ENDS_WITHIN_MS);
  const last = stream.frames[stream.frames.length - 1]!;
  expect(last.event).toBe('error');
  return last.data;
}

describe('GET /v1/jobs/:id/events after the token stops working', () => {
  it('ends a quiet stream within seconds of the token being revoked through the API, while another token keeps its stream', async () => {
    const jobId = await queuedJob();
    const doomed = await newToken();
    const kept = await newToken();
    const stream = await openEvents(jobId, doomed.token);
    const other = await openEvents(jobId, kept.token);
    expect(stream.status).toBe(200);
    await stream.next((f) => f.event === 'job');
    await other.next((f) => f.event === 'job');

    const revoked = await api.request('DELETE', `/v1/tokens/${doomed.id}`, { token: customer.adminToken });
    expect(revoked.status).toBe(200);
    const data = await expectEndsWithError(stream, Date.now());
    expect(data).toMatchObject({ status: 401, code: 'unauthenticated', title: expect.any(String), detail: expect.stringMatching(/revoked/) });
    expect(stream.frames.map((f) => f.event)).toEqual(['job', 'error']);

    // The same job, another token: still streaming.
    const stillOpen = await within(other.ended.then(() => false), 500, true);
    expect(stillOpen).toBe(true);
    expect(other.frames.map((f) => f.event)).toEqual(['job']);
  });

  it('sends no further job event once the token is revoked, even when the job changes at once', async () => {
    const jobId = await queuedJob();
    const doomed = await newToken();
    const stream = await openEvents(jobId, doomed.token);
    await stream.next((f) => f.event === 'job');
    expect((await api.request('DELETE', `/v1/tokens/${doomed.id}`, { token: customer.adminToken })).status).toBe(200);
    const since = Date.now();
    await api.app.get(JobRepository).update(jobId, { attempts: 1 });
    await api.app.get(JobEvents).publish(jobId);
    await expectEndsWithError(stream, since);
    expect(stream.frames.map((f) => f.event)).toEqual(['job', 'error']);
  });

  it('ends when the token expires', async () => {
    const jobId = await queuedJob();
    const expiresAt = new Date(Date.now() + 2000);
    const shortLived = await newToken({ expiresAt });
    const stream = await openEvents(jobId, shortLived.token);
    await stream.next((f) => f.event === 'job');
    const data = await expectEndsWithError(stream, expiresAt.getTime());
    expect(data).toMatchObject({ status: 401, code: 'unauthenticated', detail: expect.stringMatching(/expired/) });
  });

  it("ends when the token's user is deleted", async () => {
    const jobId = await queuedJob();
    const viewer = await createUser(api, customer.adminToken, 'viewer');
    const stream = await openEvents(jobId, viewer.token);
    await stream.next((f) => f.event === 'job');
    expect((await api.request('DELETE', `/v1/users/${viewer.id}`, { token: customer.adminToken })).status).toBeLessThan(300);
    const data = await expectEndsWithError(stream, Date.now());
    expect(data).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('ends when the account is suspended', async () => {
    const suspended = await createCustomer(api);
    const jobs = api.app.get(JobRepository);
    const job = await api.db.transaction((m) => jobs.insert({ customerId: suspended.id, serverId: null, hostId: null, type: 'server.reboot', params: {}, requestedByUserId: null }, m));
    const stream = await openEvents(job.id, suspended.adminToken);
    await stream.next((f) => f.event === 'job');
    expect((await api.request('PATCH', `/v1/customers/${suspended.id}`, { body: { status: 'suspended' } })).status).toBe(200);
    const data = await expectEndsWithError(stream, Date.now());
    expect(data).toMatchObject({ status: 403, code: 'account_suspended' });
  });
});
