// The server console in a browser, end to end: tickets over HTTP, the WebSocket on a real
// listening API, the hub's `xl console` over real SSH to a simulated Dom0.
import type { AddressInfo } from 'node:net';
import { Clock } from '@carve/core';
import { createApiApp } from '../apps/api/src/api-app';
import { SimClient } from '../apps/dom0-sim/src/testing/sim-client';
import { isRefusal, openConsole, type ConsoleClient, type ConsoleRefusal } from './support/console-client';
import { createUser } from './support/fixtures';
import { expectProblem } from './support/problem-assertions';
import { customerWithPool, expectStatus, orderBody, Stack, startStack, TenantWithPool, waitForJob } from './support/stack';

let stack: Stack;
let baseUrl: string;
let a: TenantWithPool;
let b: TenantWithPool;
/** `name` is the guest's hostname (carve writes it onto the root), `domainName` the Dom0's name for it. */
let serverA: { id: string; name: string; domainName: string };
let serverB: { id: string; name: string; domainName: string };
let ssh: SimClient;

async function orderRunning(tenant: TenantWithPool): Promise<{ id: string; name: string; domainName: string }> {
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId) });
  expectStatus(ordered, 202);
  return { ...ordered.body.server, job: ordered.body.job.id };
}

async function ticket(serverId: string, token: string): Promise<string> {
  const res = await stack.api.request('POST', `/v1/servers/${serverId}/console-tickets`, { token });
  expectStatus(res, 201);
  return res.body.ticket;
}

async function connected(serverId: string, token: string, base = baseUrl): Promise<ConsoleClient> {
  const c = await openConsole(base, serverId, await ticket(serverId, token));
  if (isRefusal(c)) throw new Error(`console refused: ${c.status} ${c.text}`);
  return c;
}

async function refused(pending: Promise<ConsoleClient | ConsoleRefusal>): Promise<ConsoleRefusal> {
  const c = await pending;
  if (!isRefusal(c)) {
    c.ws.close();
    throw new Error('the console opened; it should have been refused');
  }
  return c;
}

async function domainRunning(domainName: string): Promise<boolean> {
  return (await ssh.exec(`xl list ${domainName}`)).exitCode === 0;
}

async function listen(app: Stack['api']['app']): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

beforeAll(async () => {
  stack = await startStack({ hosts: 1 });
  baseUrl = await listen(stack.api.app);
  [a, b] = await Promise.all([
    customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 }),
    customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 }),
  ]);
  const [orderedA, orderedB] = await Promise.all([orderRunning(a), orderRunning(b)]);
  for (const [tenant, ordered] of [[a, orderedA], [b, orderedB]] as const) {
    expect((await waitForJob(stack.api, tenant.token, (ordered as unknown as { job: string }).job)).status).toBe('succeeded');
  }
  serverA = orderedA;
  serverB = orderedB;
  ssh = await SimClient.connect(stack.hosts[0]!.sim.port, stack.hosts[0]!.sim.adminPrivateKey);
}, 120_000);

afterAll(async () => {
  if (ssh) {
    const closed = ssh.closed();
    ssh.end();
    await closed;
  }
  await stack?.close();
});

it('shows the pygrub menu with both roots, the boot log and a login prompt, answers a typed command, and gives a second viewer the same bytes', async () => {
  const first = await connected(serverA.id, a.token);
  await first.waitFor(`${serverA.name} login: `);
  expect(first.controls[0]).toMatchObject({ type: 'status', canType: true, typist: true, viewers: 1 });
  const screen = first.text();
  expect(screen).toContain('pyGRUB  version 0.6');
  expect(screen).toMatch(/Debian GNU\/Linux 12 \(bookworm\), with Linux [^\r]* \(root on xvda\)/);
  expect(screen).toMatch(/Debian GNU\/Linux 12 \(bookworm\), with Linux [^\r]* \(root on xvdb\)/);
  expect(screen).toContain('Booting paravirtualized kernel on Xen');

  const second = await connected(serverA.id, a.token);
  await second.waitFor('login: ');
  expect(second.text()).toContain('pyGRUB'); // the late joiner gets the screen so far
  expect(second.controls[0]).toMatchObject({ type: 'status', canType: true, typist: false, viewers: 2 });

  const [m1, m2] = [first.text().length, second.text().length];
  first.type('root\rsecret\rcat /etc/os-release\r');
  const prompt = `root@${serverA.name}:~# `;
  await first.waitFor(new RegExp(`PRETTY_NAME="Debian GNU/Linux 12 \\(bookworm\\)"[\\s\\S]*${prompt.replace(/[.$]/g, '\\$&')}$`), m1);
  await second.waitFor(/bookworm[\s\S]*# $/, m2);
  expect(second.text().slice(m2)).toBe(first.text().slice(m1));
  expect(first.text().slice(m1)).not.toContain('secret');

  // The second viewer's keys are refused until it takes the keyboard; then the first one's are.
  second.type('echo ignored\r');
  await second.waitForControl((c) => c.type === 'error' && String(c.message).includes('take-keyboard'));
  second.ws.send(JSON.stringify({ type: 'take-keyboard' }));
  await first.waitForControl((c) => c.type === 'status' && c.typist === false);
  await second.waitForControl((c) => c.type === 'status' && c.typist === true);
  const m3 = first.text().length;
  second.type('hostname\r');
  await first.waitFor(`hostname\r\n${serverA.name}\r\n${prompt}`, m3);
  expect(first.text().slice(m3)).not.toContain('ignored');

  first.ws.close(1000);
  second.ws.close(1000);
  expect((await first.closed).code).toBe(1000);
  await second.closed;
  expect(await domainRunning(serverA.domainName)).toBe(true);
});

it('lets a customer viewer watch read-only', async () => {
  const viewer = await createUser(stack.api, a.token, 'viewer');
  const watching = await connected(serverA.id, viewer.token);
  await watching.waitForControl((c) => c.type === 'status');
  expect(watching.controls[0]).toMatchObject({ canType: false, typist: false });
  watching.type('reboot\r');
  await watching.waitForControl((c) => c.type === 'error' && c.message === 'you watch this console read-only');
  watching.ws.send(JSON.stringify({ type: 'take-keyboard' }));
  const errors = () => watching.controls.filter((x) => x.type === 'error');
  await watching.waitForControl((c) => errors().indexOf(c) === 1);
  expect(errors()[1]).toEqual({ type: 'error', message: 'you watch this console read-only' });
  expect(watching.text()).not.toContain('reboot');
  watching.ws.close();
  await watching.closed;
});

it('refuses used, stolen, expired, other-server and revoked-token tickets, and another tenant\'s server like a missing one, before upgrading', async () => {
  // Used: a ticket opens one connection.
  const once = await ticket(serverA.id, a.token);
  const opened = await openConsole(baseUrl, serverA.id, once);
  if (isRefusal(opened)) throw new Error(opened.text);
  const reused = await refused(openConsole(baseUrl, serverA.id, once));
  expect(reused).toMatchObject({ status: 401, body: { code: 'console_ticket_refused', instance: `/v1/servers/${serverA.id}/console` } });
  expect(reused.text).not.toContain(once);
  opened.ws.close();

  // Stolen: B's ticket at A's server is a 404, exactly like a server that does not exist.
  const stolen = await refused(openConsole(baseUrl, serverA.id, await ticket(serverB.id, b.token)));
  const missing = await refused(openConsole(baseUrl, '00000000-0000-4000-8000-000000000000', await ticket(serverB.id, b.token)));
  expect(stolen.status).toBe(404);
  expect({ ...stolen.body, instance: undefined, detail: undefined }).toEqual({ ...missing.body, instance: undefined, detail: undefined });
  expect((await stack.api.request('POST', `/v1/servers/${serverA.id}/console-tickets`, { token: b.token })).status).toBe(404);
  // A ticket sent along with another user's token.
  const viewer = await createUser(stack.api, a.token, 'viewer');
  const otherUser = await refused(openConsole(baseUrl, serverA.id, await ticket(serverA.id, a.token), { authorization: `Bearer ${viewer.token}` }));
  expect(otherUser.body).toMatchObject({ status: 401, detail: expect.stringContaining('belongs to another user') });

  // Another server: the operator sees both servers, the ticket names one.
  const forB = await refused(openConsole(baseUrl, serverA.id, await ticket(serverB.id, stack.api.operatorToken)));
  expect(forB.body).toMatchObject({ status: 401, code: 'console_ticket_refused', detail: expect.stringContaining('another server') });

  // Expired: 60 s on the API's clock.
  const late = await ticket(serverA.id, a.token);
  const clock = jest.spyOn(stack.api.app.get(Clock), 'now').mockReturnValue(new Date(Date.now() + 61_000));
  try {
    const expired = await refused(openConsole(baseUrl, serverA.id, late));
    expect(expired.body).toMatchObject({ status: 401, detail: expect.stringContaining('expired') });
  } finally {
    clock.mockRestore();
  }

  // Revoked: the token the ticket came through no longer works.
  const admin2 = await createUser(stack.api, a.token, 'admin');
  const beforeRevoke = await ticket(serverA.id, admin2.token);
  expectStatus(await stack.api.request('DELETE', `/v1/tokens/${admin2.tokenId}`, { token: a.token }), 200);
  const revoked = await refused(openConsole(baseUrl, serverA.id, beforeRevoke));
  expect(revoked.body).toMatchObject({ status: 401, code: 'unauthenticated', detail: expect.stringContaining('revoked') });

  expect((await refused(openConsole(baseUrl, serverA.id, ''))).status).toBe(401);
  expect((await refused(openConsole(baseUrl, 'not-a-uuid', 'ct_x'))).status).toBe(404);
  // A plain GET is told to upgrade; another tenant's id is a 404 there too.
  expectProblem(await stack.api.request('GET', `/v1/servers/${serverA.id}/console`, { token: a.token }), 426, 'upgrade_required');
  expectProblem(await stack.api.request('GET', `/v1/servers/${serverA.id}/console`, { token: b.token }), 404, 'not_found');
  expect(await domainRunning(serverA.domainName)).toBe(true);
});

it('ends an open session when its token is revoked', async () => {
  const admin2 = await createUser(stack.api, a.token, 'admin');
  const session = await connected(serverA.id, admin2.token);
  await session.waitFor('login: ');
  expectStatus(await stack.api.request('DELETE', `/v1/tokens/${admin2.tokenId}`, { token: a.token }), 200);
  expect(await session.closed).toEqual({ code: 4001, reason: expect.stringContaining('revoked') });
  expect(session.controls.at(-1)).toMatchObject({ type: 'ended', reason: 'revoked' });
  expect(await domainRunning(serverA.domainName)).toBe(true);
});

it('caps web sessions per server (429 before upgrading) and audits each one with who, from where and how long', async () => {
  const open: ConsoleClient[] = [];
  for (let i = 0; i < stack.api.config.consoleSessionsPerServer; i++) open.push(await connected(serverA.id, a.token));
  const over = await refused(openConsole(baseUrl, serverA.id, await ticket(serverA.id, a.token)));
  expect(over.body).toMatchObject({ status: 429, code: 'console_session_limit', scope: 'server' });
  for (const c of open) c.ws.close(1000);
  await Promise.all(open.map((c) => c.closed));
  const sessionId = String(open[0]!.controls[0]!.sessionId);

  const closedEvent = async () => {
    const events = await stack.api.request('GET', `/v1/audit-events?objectId=${serverA.id}&action=console.close&limit=100`, { token: a.token });
    expectStatus(events, 200);
    return (events.body.items as { details: Record<string, unknown> }[]).find((e) => e.details.sessionId === sessionId);
  };
  // The close is written when the session's end settles; follow it through the API.
  let closed = await closedEvent();
  while (!closed) closed = await new Promise((r) => setImmediate(r)).then(closedEvent);
  expect(closed.details).toMatchObject({ kind: 'web', remoteAddress: '127.0.0.1', endReason: 'closed', readOnly: false, durationSeconds: expect.any(Number) });
  const opened = await stack.api.request('GET', `/v1/audit-events?objectId=${serverA.id}&action=console.open&limit=100`, { token: a.token });
  expect((opened.body.items as { details: Record<string, unknown> }[]).some((e) => e.details.sessionId === sessionId)).toBe(true);
});

it('refuses a ticket for a server that is not running', async () => {
  const stopped = await stack.api.request('POST', `/v1/servers/${serverB.id}/stop`, { token: b.token, body: {} });
  expectStatus(stopped, 202);
  expect((await waitForJob(stack.api, b.token, stopped.body.job.id)).status).toBe('succeeded');
  expectProblem(await stack.api.request('POST', `/v1/servers/${serverB.id}/console-tickets`, { token: b.token }), 409, 'server_not_running');
});

it('an API restart ends the session cleanly, the domain keeps running, and the next API serves the console again', async () => {
  const other = await createApiApp(stack.api.config);
  const otherUrl = await listen(other.app);
  const session = await connected(serverA.id, a.token, otherUrl);
  await session.waitFor('login: ');
  await other.app.close();
  expect(await session.closed).toEqual({ code: 1012, reason: expect.stringContaining('restarting') });
  expect(session.controls.at(-1)).toMatchObject({ type: 'ended', reason: 'shutdown' });
  expect(await domainRunning(serverA.domainName)).toBe(true);

  const next = await createApiApp(stack.api.config);
  try {
    const again = await connected(serverA.id, a.token, await listen(next.app));
    await again.waitFor('login: ');
    again.ws.close();
    await again.closed;
  } finally {
    await next.app.close();
  }
  expect(await domainRunning(serverA.domainName)).toBe(true);
});
