import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleGatewayServer, ConsoleSessionPolicy } from '@carve/console-gateway';
import { Client, utils } from 'ssh2';
import { SimClient } from '../apps/dom0-sim/src/testing/sim-client';
import { isRefusal, openConsole } from './support/console-client';
import { customerWithPool, expectStatus, orderBody, Stack, startStack, TenantWithPool, waitForJob } from './support/stack';

/**
 * The SSH console gateway end to end: ssh2's client (and once OpenSSH's ssh) against the
 * gateway the API runs, which relays the simulated Dom0's `xl console` of a real server
 * built by the worker.
 */
let stack: Stack;
let dir: string;
let port: number;
let hostKeyFingerprint: string;
let knownHostsLine: string;

interface Tenant extends TenantWithPool {
  adminId: string;
}

interface Keypair {
  id: string;
  privateKey: string;
}

let acme: Tenant;
let rival: Tenant;
let acmeKey: Keypair;
let rivalKey: Keypair;
let acmeViewer: { id: string; token: string; key: Keypair };
let web: { id: string; name: string };
let db1: { id: string; name: string };
let rivalServer: { id: string; name: string };

const WAIT_MS = 60_000;
jest.setTimeout(4 * WAIT_MS);

async function tenant(): Promise<Tenant> {
  const t = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 });
  const users = await stack.api.request('GET', '/v1/users', { token: t.token });
  return { ...t, adminId: users.body.items[0].id };
}

async function registerKey(userId: string, token: string): Promise<Keypair> {
  const pair = utils.generateKeyPairSync('ed25519');
  const res = await stack.api.request('POST', `/v1/users/${userId}/ssh-keys`, { token, body: { name: 'gateway test', publicKey: pair.public } });
  expectStatus(res, 201);
  return { id: res.body.id, privateKey: pair.private };
}

async function server(t: Tenant, name: string): Promise<{ id: string; name: string }> {
  const ordered = await stack.api.request('POST', '/v1/servers', { token: t.token, body: orderBody(stack, t.poolId, { name, disks: [{ label: 'root', sizeGiB: 5, filesystem: 'ext4', role: 'root' }] }) });
  expectStatus(ordered, 202);
  const job = await waitForJob(stack.api, t.token, ordered.body.job.id);
  if (job.status !== 'succeeded') throw new Error(`ordering ${name} failed: ${JSON.stringify(job)}`);
  return { id: ordered.body.server.id, name };
}

interface Shell {
  output(): string;
  waitFor(pattern: RegExp | string): Promise<void>;
  type(text: string): void;
  /** The exit status the gateway sent, when the channel closes. */
  exited: Promise<number | null>;
  end(): void;
  /** Cuts the TCP connection without any SSH goodbye, as a client that crashed or lost its network. */
  drop(): void;
}

/** A gateway login with ssh2's client, the host key checked against what the API shows. */
function gatewayShell(username: string, key: Keypair): Promise<Shell> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let text = '';
    const waiters: { test: () => boolean; done: () => void }[] = [];
    const check = () => {
      for (const w of [...waiters]) {
        if (!w.test()) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.done();
      }
    };
    client.on('error', reject);
    client.on('ready', () => {
      client.shell({ term: 'xterm', cols: 80, rows: 24 }, (error, stream) => {
        if (error) return reject(error);
        const exited = new Promise<number | null>((done) => {
          let code: number | null = null;
          stream.on('exit', (c: number | null) => (code = c));
          stream.on('close', () => {
            client.end();
            done(code);
          });
        });
        stream.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          check();
        });
        resolve({
          output: () => text,
          waitFor: (pattern) =>
            new Promise<void>((done, fail) => {
              const test = () => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
              if (test()) return done();
              const timer = setTimeout(() => fail(new Error(`never saw ${String(pattern)}; output so far:\n${text}`)), WAIT_MS);
              waiters.push({ test, done: () => (clearTimeout(timer), done()) });
              void exited.then(() => setImmediate(() => waiters.some((w) => w.test === test) && fail(new Error(`closed before ${String(pattern)}; output:\n${text}`))));
            }),
          type: (typed) => stream.write(typed),
          exited,
          end: () => stream.end(),
          drop: () => client.destroy(),
        });
      });
    });
    client.connect({
      host: '127.0.0.1',
      port,
      username,
      privateKey: key.privateKey,
      debug: process.env.GW_DEBUG ? (m: string) => process.stderr.write(`${m}\n`) : undefined,
      hostVerifier: (hostKey: Buffer) => `SHA256:${createHash('sha256').update(hostKey).digest('base64').replace(/=+$/, '')}` === hostKeyFingerprint,
    });
  });
}

/** Logs in and says how it went: refused at authentication, or the channel's output and exit status. */
async function attempt(username: string, key: Keypair): Promise<{ refused: string } | { output: string; code: number | null }> {
  try {
    const shell = await gatewayShell(username, key);
    const code = await shell.exited;
    return { output: shell.output(), code };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

/** Waits until every console session has ended (a test's closes land asynchronously); a failed test's leftovers are closed after a while, so one failure does not fail the rest. */
async function noSessionsLeft(): Promise<void> {
  const policy = stack.api.app.get(ConsoleSessionPolicy);
  for (let waited = 0; policy.openSessions().length > 0; waited += 50) {
    if (waited > 10_000) for (const s of policy.openSessions()) s.close();
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function auditOf(sessionAction: string, serverId: string): Promise<{ actor_user_id: string; actor_token_id: string | null; customer_id: string; details: Record<string, unknown> }[]> {
  return stack.api.db.query(`SELECT actor_user_id, actor_token_id, customer_id, details FROM audit_events WHERE action = $1 AND object_id = $2 ORDER BY created_at`, [sessionAction, serverId]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'carve-gateway-'));
  stack = await startStack({
    hosts: 1,
    env: {
      CARVE_CONSOLE_GATEWAY_PORT: '0',
      CARVE_CONSOLE_GATEWAY_HOST_KEY_PATH: join(dir, 'host_key'),
      CARVE_CONSOLE_SESSIONS_PER_SERVER: '2',
      CARVE_CONSOLE_SESSIONS_PER_TENANT: '3',
      CARVE_CONSOLE_RECHECK_SECONDS: '1',
    },
  });
  port = (await stack.api.app.get(ConsoleGatewayServer).listen(0, '127.0.0.1')).port;
  const info = await stack.api.request('GET', '/v1/console-gateway');
  expectStatus(info, 200);
  ({ hostKeyFingerprint, knownHostsLine } = info.body);
  acme = await tenant();
  rival = await tenant();
  acmeKey = await registerKey(acme.adminId, acme.token);
  rivalKey = await registerKey(rival.adminId, rival.token);
  const viewer = await stack.api.request('POST', '/v1/users', { token: acme.token, body: { name: 'Vic', email: `vic-${Date.now()}@example.com`, role: 'viewer' } });
  const viewerToken = await stack.api.request('POST', '/v1/tokens', { token: acme.token, body: { name: 'vic', userId: viewer.body.id } });
  acmeViewer = { id: viewer.body.id, token: viewerToken.body.token, key: await registerKey(viewer.body.id, viewerToken.body.token) };
  web = await server(acme, 'web');
  db1 = await server(acme, 'db1');
  rivalServer = await server(rival, 'shop');
}, 240_000);

afterAll(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(noSessionsLeft);

describe('the API shows where the gateway is and its host key', () => {
  it('answers port, fingerprint and a known_hosts line, the same key a client is shown', async () => {
    const info = await stack.api.request('GET', '/v1/console-gateway', { token: acme.token });
    expect(info.body).toMatchObject({ enabled: true, host: '127.0.0.1', port, hostKeyFingerprint: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/) });
    expect(info.body.knownHostsLine).toBe(`[127.0.0.1]:${port} ${info.body.hostKey}`);
    // gatewayShell's hostVerifier accepts only this fingerprint: a login that works proves the client saw it.
    const shell = await gatewayShell('web', acmeKey);
    await shell.waitFor('login: ');
    shell.end();
    await shell.exited;
  });
});

describe('a customer reaches a server console', () => {
  it('by name: banner, boot log and login prompt, a typed command answered, audited with kind, address and duration', async () => {
    const shell = await gatewayShell('web', acmeKey);
    await shell.waitFor('login: ');
    expect(shell.output()).toContain(`[carve] Console of web (${web.id}). Ctrl-] then q leaves`);
    expect(shell.output()).toMatch(/Debian|Linux/);
    shell.type('root\r');
    await shell.waitFor('Password: ');
    shell.type('anything\r');
    await shell.waitFor(/root@[^:]+:~# $/);
    shell.type('echo hello-gateway\r');
    // The guest's answer on a line of its own, after the echoed command line.
    await shell.waitFor('\r\nhello-gateway\r\n');
    shell.type('\x1dq');
    expect(await shell.exited).toBe(0);
    await noSessionsLeft();

    const opened = await auditOf('console.open', web.id);
    const closed = await auditOf('console.close', web.id);
    expect(opened.at(-1)).toMatchObject({ actor_user_id: acme.adminId, actor_token_id: null, customer_id: acme.customerId, details: { kind: 'ssh', remoteAddress: '127.0.0.1', serverName: 'web', userId: acme.adminId, readOnly: false } });
    expect(closed.at(-1)).toMatchObject({ customer_id: acme.customerId, details: { kind: 'ssh', endReason: 'closed', durationSeconds: expect.any(Number) } });
    expect(closed.at(-1)!.details.sessionId).toBe(opened.at(-1)!.details.sessionId);
    // The customer reads it in its own trail as one of its users (no token: the key logged in).
    const trail = await stack.api.request('GET', `/v1/audit-events?objectId=${web.id}&action=console.close`, { token: acme.token });
    expectStatus(trail, 200);
    expect(trail.body.items[0]).toMatchObject({ action: 'console.close', actor: { kind: 'customer', userId: acme.adminId }, details: { kind: 'ssh', endReason: 'closed' } });
  });

  it('by server id, in any case', async () => {
    const shell = await gatewayShell(db1.id.toUpperCase(), acmeKey);
    await shell.waitFor('login: ');
    expect(shell.output()).toContain(`Console of db1 (${db1.id})`);
    shell.end();
    await shell.exited;
  });

  it("answers another tenant's server name or id exactly as a missing one", async () => {
    const otherName = await attempt(rivalServer.name, acmeKey);
    const missingName = await attempt('nosuchserver', acmeKey);
    const otherId = await attempt(rivalServer.id, acmeKey);
    const missingId = await attempt('0b0c4d6e-8f6a-4c4e-9a59-4b0d2e1f3a77', acmeKey);
    const scrub = (r: typeof otherName, login: string) => ('output' in r ? { ...r, output: r.output.split(login).join('LOGIN') } : r);
    expect(scrub(otherName, rivalServer.name)).toEqual(scrub(missingName, 'nosuchserver'));
    expect(scrub(otherId, rivalServer.id)).toEqual(scrub(missingId, '0b0c4d6e-8f6a-4c4e-9a59-4b0d2e1f3a77'));
    expect(scrub(otherName, rivalServer.name)).toEqual({ output: '[carve] There is no server "LOGIN" in your account. Log in as SERVERNAME@ or SERVER-ID@ this gateway.\r\n', code: 1 });
    // The rival itself gets in with its own key, and no audit entry was made for the refused ones.
    const own = await gatewayShell(rivalServer.name, rivalKey);
    await own.waitFor('login: ');
    own.end();
    await own.exited;
    expect((await auditOf('console.open', rivalServer.id)).map((e) => e.actor_user_id)).toEqual([rival.adminId]);
  });

  it("lets an operator's key reach any tenant's server by id (not by name), audited in that tenant's trail without the operator's id", async () => {
    const operatorId = (await stack.api.request('GET', '/v1/users')).body.items[0].id as string;
    const operatorKey = await registerKey(operatorId, stack.api.operatorToken);
    const byId = await gatewayShell(rivalServer.id, operatorKey);
    await byId.waitFor('login: ');
    expect(byId.output()).toContain(`Console of shop (${rivalServer.id})`);
    byId.end();
    await byId.exited;
    expect(await attempt(rivalServer.name, operatorKey)).toMatchObject({ code: 1, output: expect.stringContaining('There is no server "shop" in your account') });
    await noSessionsLeft();
    expect((await auditOf('console.open', rivalServer.id)).at(-1)).toMatchObject({ actor_user_id: operatorId, customer_id: rival.customerId, details: { by: 'operator' } });
    expect((await auditOf('console.open', rivalServer.id)).at(-1)!.details.userId).toBeUndefined();
  });

  it('runs no commands: `ssh gateway cmd` is told so and exits 2, with no console session opened', async () => {
    const result = await new Promise<{ stderr: string; code: number | null }>((resolve, reject) => {
      const client = new Client();
      client.on('error', reject);
      client.on('ready', () =>
        client.exec('cat /etc/passwd', (error, stream) => {
          if (error) return reject(error);
          let stderr = '';
          let code: number | null = null;
          stream.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
          stream.on('data', () => undefined);
          stream.on('exit', (c: number | null) => (code = c));
          stream.on('close', () => {
            client.end();
            resolve({ stderr, code });
          });
        }),
      );
      client.connect({ host: '127.0.0.1', port, username: 'web', privateKey: acmeKey.privateKey, hostVerifier: () => true });
    });
    expect(result).toEqual({ stderr: expect.stringContaining('The console gateway runs no commands'), code: 2 });
    expect(stack.api.app.get(ConsoleSessionPolicy).openSessions()).toEqual([]);
  });

  it('refuses a key nobody registered at authentication', async () => {
    const stranger = { id: 'none', privateKey: utils.generateKeyPairSync('ed25519').private };
    const result = await attempt('web', stranger);
    expect(result).toEqual({ refused: expect.stringMatching(/authentication methods failed/) });
  });
});

describe('who may type', () => {
  it("lets a viewer watch but not type: the admin's line reaches the console, the viewer's never does", async () => {
    const admin = await gatewayShell('web', acmeKey);
    const viewer = await gatewayShell('web', acmeViewer.key);
    await viewer.waitFor('read-only (viewer)');
    await viewer.waitFor('login: ');
    viewer.type('viewer-typed\r');
    await viewer.waitFor('This console is read-only for you (viewer)');
    admin.type('admin-typed\r');
    await viewer.waitFor('admin-typed');
    await admin.waitFor('Password: ');
    expect(admin.output()).not.toContain('viewer-typed');
    expect(viewer.output().split('[carve] This console is read-only')[1]).not.toContain('viewer-typed');
    viewer.type('\x1dk');
    await viewer.waitFor('[carve] This console is read-only for you (viewer).\r\n');
    admin.end();
    viewer.end();
    await Promise.all([admin.exited, viewer.exited]);
  });
});

describe('limits', () => {
  it('refuses a session past the per-server cap, then past the per-tenant cap, with a clear message', async () => {
    const first = await gatewayShell('web', acmeKey);
    const second = await gatewayShell('web', acmeKey);
    await Promise.all([first.waitFor('login: '), second.waitFor('login: ')]);
    const third = await attempt('web', acmeKey);
    expect(third).toEqual({ output: '[carve] This server already has 2 console sessions open (the most one server may have); close one and try again.\r\n', code: 1 });

    const onDb = await gatewayShell('db1', acmeKey);
    await onDb.waitFor('login: ');
    const fourth = await attempt('db1', acmeKey);
    expect(fourth).toEqual({ output: '[carve] Your account already has 3 console sessions open (the most one account may have); close one and try again.\r\n', code: 1 });
    // Another tenant is not held back by acme's sessions.
    const rivals = await gatewayShell(rivalServer.name, rivalKey);
    await rivals.waitFor('login: ');
    for (const s of [first, second, onDb, rivals]) s.end();
    await Promise.all([first.exited, second.exited, onDb.exited, rivals.exited]);
    await noSessionsLeft();
    // With the others closed there is room again.
    const again = await gatewayShell('web', acmeKey);
    await again.waitFor('login: ');
    again.end();
    await again.exited;
  });

  it('closes a console nobody typed into for the idle time', async () => {
    const config = stack.api.config as { consoleIdleSeconds: number };
    const before = config.consoleIdleSeconds;
    config.consoleIdleSeconds = 1;
    try {
      const shell = await gatewayShell('web', acmeKey);
      await shell.waitFor('login: ');
      await shell.waitFor('[carve] Console closed: Closed after 1 s without typing.');
      expect(await shell.exited).toBe(1);
    } finally {
      config.consoleIdleSeconds = before;
    }
    await noSessionsLeft();
    expect((await auditOf('console.close', web.id)).at(-1)!.details).toMatchObject({ endReason: 'idle' });
  });
});

describe('web and SSH sessions under one set of rules', () => {
  it('counts a web console against the same per-server cap, refuses the extra one before upgrading, and audits it as kind web', async () => {
    await stack.api.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(stack.api.app.getHttpServer().address() as AddressInfo).port}`;
    const ticket = async () => {
      const res = await stack.api.request('POST', `/v1/servers/${web.id}/console-tickets`, { token: acme.token });
      expectStatus(res, 201);
      return res.body.ticket as string;
    };
    const overSsh = await gatewayShell('web', acmeKey);
    await overSsh.waitFor('login: ');
    const inBrowser = await openConsole(base, web.id, await ticket());
    if (isRefusal(inBrowser)) throw new Error(`web console refused: ${inBrowser.text}`);
    await inBrowser.waitFor('login: ');
    // Both viewers see one screen: what the SSH viewer types shows in the browser.
    overSsh.type('root\r');
    await inBrowser.waitFor('Password: ');

    const third = await openConsole(base, web.id, await ticket());
    expect(isRefusal(third) && { status: third.status, code: third.body.code }).toEqual({ status: 429, code: 'console_session_limit' });

    inBrowser.ws.close();
    overSsh.end();
    await Promise.all([inBrowser.closed, overSsh.exited]);
    await noSessionsLeft();
    const webEvents = (await auditOf('console.close', web.id)).filter((e) => e.details.kind === 'web');
    expect(webEvents.at(-1)).toMatchObject({ actor_user_id: acme.adminId, actor_token_id: expect.any(String), details: { remoteAddress: '127.0.0.1', endReason: 'closed' } });
  });
});

describe('revocation', () => {
  it('ends the gateway session a key opened when the key is removed through the API', async () => {
    const key = await registerKey(acme.adminId, acme.token);
    const shell = await gatewayShell('web', key);
    await shell.waitFor('login: ');
    expectStatus(await stack.api.request('DELETE', `/v1/users/${acme.adminId}/ssh-keys/${key.id}`, { token: acme.token }), 204);
    await shell.waitFor('[carve] Console closed: The SSH key this session logged in with was removed');
    expect(await shell.exited).toBe(1);
    expect(await attempt('web', key)).toEqual({ refused: expect.stringMatching(/authentication methods failed/) });
  });

  it('ends it too when the key disappears behind this process (another API removed it): the periodic check', async () => {
    const key = await registerKey(acme.adminId, acme.token);
    const shell = await gatewayShell('web', key);
    await shell.waitFor('login: ');
    await stack.api.db.query('DELETE FROM user_ssh_keys WHERE id = $1', [key.id]);
    await shell.waitFor('[carve] Console closed: The SSH key this session logged in with was removed, or its user may no longer log in.');
    expect(await shell.exited).toBe(1);
  });

  it('ends a web session when the token that opened it is revoked', async () => {
    const issued = await stack.api.request('POST', '/v1/tokens', { token: acme.token, body: { name: 'console page' } });
    const policy = stack.api.app.get(ConsoleSessionPolicy);
    // As the web console opens one once its ticket checked out.
    const session = await policy.openForServer(web.id, { userId: acme.adminId, customerId: acme.customerId, kind: 'web', remoteAddress: '127.0.0.1', canType: true, tokenId: issued.body.id });
    expectStatus(await stack.api.request('DELETE', `/v1/tokens/${issued.body.id}`, { token: acme.token }), 200);
    expect(await session.ended).toEqual({ reason: 'revoked', message: expect.stringMatching(/revoked/) });
    await noSessionsLeft();
    expect((await auditOf('console.close', web.id)).at(-1)).toMatchObject({ actor_token_id: issued.body.id, details: { kind: 'web', endReason: 'revoked' } });
  });
});

describe('restarts', () => {
  it('ends the session of a client that vanishes mid-stream, while the console keeps printing', async () => {
    const watcher = await gatewayShell('web', acmeKey);
    const vanishing = await gatewayShell('web', acmeKey);
    await Promise.all([watcher.waitFor('login: '), vanishing.waitFor('login: ')]);
    vanishing.drop();
    // Output keeps flowing to the vanished session's channel until the gateway notices.
    for (let i = 0; i < 5; i++) watcher.type(`line${i}\r`);
    await watcher.waitFor('line4');
    const policy = stack.api.app.get(ConsoleSessionPolicy);
    while (policy.openSessions().length > 1) await new Promise((r) => setTimeout(r, 50));
    watcher.end();
    expect(await watcher.exited).toBe(0);
  });

  it('ends gateway sessions cleanly when the gateway stops, leaves the domain running, and serves the console again after', async () => {
    const gateway = stack.api.app.get(ConsoleGatewayServer);
    const shell = await gatewayShell('web', acmeKey);
    await shell.waitFor('login: ');
    await gateway.close();
    await shell.waitFor('[carve] Console closed: The console gateway is restarting; connect again in a moment.');
    expect(await shell.exited).toBe(1);
    await noSessionsLeft();
    expect((await auditOf('console.close', web.id)).at(-1)!.details).toMatchObject({ endReason: 'shutdown' });

    const dom0 = await SimClient.connect(stack.hosts[0]!.sim.port, stack.hosts[0]!.sim.adminPrivateKey);
    try {
      const domains = await dom0.exec('xl list');
      expect(domains.stdout).toMatch(new RegExp(`^web-${web.id.replace(/-/g, '').slice(0, 8)}\\s`, 'm'));
    } finally {
      dom0.end();
    }

    expect((await gateway.listen(port, '127.0.0.1')).port).toBe(port);
    const again = await gatewayShell('web', acmeKey);
    await again.waitFor('login: ');
    again.end();
    await again.exited;
  });
});

describe("OpenSSH's ssh client", () => {
  it('logs in with -p PORT SERVERNAME@127.0.0.1, the host key pinned in known_hosts, types a line, leaves with Ctrl-] q', async () => {
    const keyFile = join(dir, 'id_ed25519');
    writeFileSync(keyFile, acmeKey.privateKey, { mode: 0o600 });
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `${knownHostsLine}\n`);
    const ssh = spawn(
      'ssh',
      ['-tt', '-F', '/dev/null', '-i', keyFile, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-p', String(port), 'web@127.0.0.1'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    ssh.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const seen = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`ssh never printed ${text}: ${out} / ${err}`)), WAIT_MS);
        const look = () => {
          if (out.includes(text)) {
            clearTimeout(timer);
            ssh.stdout.off('data', onData);
            resolve();
          }
        };
        const onData = (c: Buffer) => {
          out += c.toString();
          look();
        };
        ssh.stdout.on('data', onData);
        look();
      });
    const exited = new Promise<number | null>((resolve) => ssh.on('close', (code) => resolve(code)));
    await seen('login: ');
    expect(out).toContain('[carve] Console of web');
    ssh.stdin.write('root\r');
    await seen('Password: ');
    ssh.stdin.write('x\r');
    await seen(':~# ');
    ssh.stdin.write('echo from-openssh\r');
    await seen('\r\nfrom-openssh\r\n');
    ssh.stdin.write('\x1dq');
    expect(await exited).toBe(0);
    expect(err).not.toMatch(/WARNING|Host key verification failed/);
  });
});
