// The agent as OpenSSH's forced command for a key (`restrict,command="... node carve-agent.js"`),
// the bundle `npm run agent:build` makes, stub xl/vgs/lvs/lvcreate/lvextend on its PATH: what
// that key can and cannot do, proved through a real sshd and the stubs' own log of what ran.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client, ClientChannel } from 'ssh2';
import { buildAgentBundle } from '@carve/agent-install';
import { generateEd25519KeyPair, KeyPairText, RunningSshd, startSshd } from '@carve/testing';
import { AgentStubs, installAgentStubs } from './support/agent-stubs';

jest.setTimeout(120_000);

/** The node the forced command runs: `node` on PATH, or e.g. a Node 18 binary to check the bundle against Debian 12's runtime. */
const AGENT_NODE = process.env.CARVE_AGENT_TEST_NODE ?? 'node';

let sshd: RunningSshd;
let dir: string;
let stubs: AgentStubs;
let key: KeyPairText;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'carve-agent-openssh-'));
  stubs = installAgentStubs(join(dir, 'stubs'));
  const bundle = join(dir, 'carve-agent.js');
  await buildAgentBundle(bundle);
  mkdirSync(join(dir, 'state'), { mode: 0o700 });
  sshd = await startSshd();
  key = generateEd25519KeyPair('agent-test');
  // The only line: this key runs the agent and nothing else (the sshd's own test key is gone).
  const forced = `PATH=${stubs.binDir}:/usr/bin:/bin CARVE_AGENT_STATE_DIR=${join(dir, 'state')} exec ${AGENT_NODE} ${bundle}`;
  writeFileSync(join(sshd.dir, 'authorized_keys'), `restrict,command="${forced}" ${key.public}\n`);
});

afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => stubs.reset());

function connect(): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({ host: sshd.host, port: sshd.port, username: sshd.username, privateKey: key.private, hostVerifier: () => true });
  });
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function collect(channel: ClientChannel, stdin?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let code: number | null = null;
    channel.on('data', (c: Buffer) => (stdout += c.toString()));
    channel.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    channel.on('exit', (c: number | null) => (code = c));
    channel.on('close', () => resolve({ code, stdout, stderr }));
    channel.end(stdin);
  });
}

async function run(line: string, stdin?: string): Promise<Outcome> {
  const client = await connect();
  try {
    const channel = await new Promise<ClientChannel>((resolve, reject) => client.exec(line, (e, c) => (e ? reject(e) : resolve(c))));
    return await collect(channel, stdin);
  } finally {
    client.end();
  }
}

/** `carve-agent call`: one request on stdin, its result on stdout. */
async function call(request: object): Promise<Record<string, unknown>> {
  const out = await run('carve-agent call', JSON.stringify(request));
  return JSON.parse(out.stdout) as Record<string, unknown>;
}

/** `carve-agent serve` on one channel of its own connection: requests in, results out by id. */
async function serve(): Promise<{ client: Client; send(request: { id: string }): Promise<Record<string, unknown>>; hello: Record<string, unknown> }> {
  const client = await connect();
  const channel = await new Promise<ClientChannel>((resolve, reject) => client.exec('carve-agent serve', (e, c) => (e ? reject(e) : resolve(c))));
  const waiting = new Map<string, (result: Record<string, unknown>) => void>();
  let helloSeen: (hello: Record<string, unknown>) => void = () => undefined;
  const hello = new Promise<Record<string, unknown>>((resolve) => (helloSeen = resolve));
  let first = true;
  createInterface({ input: channel }).on('line', (line) => {
    const message = JSON.parse(line) as Record<string, unknown>;
    if (first) {
      first = false;
      helloSeen(message);
      return;
    }
    waiting.get(message.id as string)?.(message);
  });
  return {
    client,
    hello: await hello,
    send(request) {
      const answer = new Promise<Record<string, unknown>>((resolve) => waiting.set(request.id, resolve));
      channel.write(`${JSON.stringify(request)}\n`);
      return answer;
    },
  };
}

/** Waits for something another process does; fails with `what` if it never happens. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1200; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never happened: ${what}`);
}

const id = (): string => `req-${randomUUID()}`;

/** Gone, or a zombie nobody reaped (the container's pid 1 may not): either way not running. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('carve-agent as the forced command of a key', () => {
  it('answers version with its hello', async () => {
    const out = await run('carve-agent version');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ agent: 'carve-agent', version: expect.any(Number), verbs: expect.arrayContaining(['lv.create', 'xl.list']), modes: expect.arrayContaining(['serve', 'call']) });
  });

  it('refuses arbitrary commands, a shell and an interactive login, and runs nothing', async () => {
    for (const line of ['id', "sh -c 'id'", 'cat /etc/shadow', 'carve-agent version; id', 'carve-agent version && cat /etc/shadow', 'xl list', '/bin/bash', 'scp -t /root']) {
      const out = await run(line);
      expect({ line, code: out.code, uid: /uid=\d+|root:/.test(out.stdout), refused: out.stderr.includes('refused') }).toEqual({ line, code: 2, uid: false, refused: true });
    }
    const client = await connect();
    try {
      const shell = await new Promise<ClientChannel>((resolve, reject) => client.shell(false, (e, c) => (e ? reject(e) : resolve(c))));
      const out = await collect(shell, 'id\n');
      expect(out.stdout).not.toMatch(/uid=\d+/);
      expect(out.code).toBe(2);
    } finally {
      client.end();
    }
    expect(stubs.runs()).toEqual([]);
  });

  it('refuses shell metacharacters in arguments before anything runs', async () => {
    const hostile = ['web1;id', '$(id)', '`id`', 'a b', 'x|id', 'x&&id', "x'id", 'x\nid', '../../etc/shadow'];
    for (const lv of hostile) {
      const result = await call({ id: id(), verb: 'lv.create', args: { vg: 'vg0', lv, sizeGiB: 5 } });
      expect({ lv, status: result.status, code: (result.error as { code: string }).code }).toEqual({ lv, status: 'refused', code: 'bad_args' });
    }
    const vg = await call({ id: id(), verb: 'vg.space', args: { vg: 'vg0 && id' } });
    expect(vg.status).toBe('refused');
    expect(stubs.runs()).toEqual([]);
  });

  it('refuses unknown verbs and malformed requests', async () => {
    for (const request of [{ id: id(), verb: 'sh', args: { c: 'id' } }, { id: id(), verb: 'exec', args: {} }, { id: 'short', verb: 'xl.list', args: {} }, { id: id(), verb: 'xl.list', args: [] }]) {
      const result = await call(request);
      expect({ request, status: result.status }).toEqual({ request, status: 'refused' });
    }
    expect((await call({ id: id(), verb: 'sh', args: {} })).error).toMatchObject({ code: 'unknown_verb' });
    expect(stubs.runs()).toEqual([]);
  });

  it('runs a verb as a fixed argv on the stubbed Dom0 and returns its output', async () => {
    const result = await call({ id: id(), verb: 'lv.create', args: { vg: 'vg0', lv: 'web1-data', sizeGiB: 5 } });
    expect(result).toMatchObject({ status: 'ok', exitCode: 0, stdout: expect.stringContaining('"web1-data" created') });
    expect(stubs.runs().map((r) => [r.program, ...r.argv])).toEqual([['lvcreate', '-n', 'web1-data', '-L', '5G', 'vg0']]);
  });

  it('has port forwarding and a pty refused by sshd (restrict)', async () => {
    const client = await connect();
    try {
      const forward = await new Promise<Error | undefined>((resolve) => client.forwardOut('127.0.0.1', 0, '127.0.0.1', sshd.port, (error) => resolve(error ?? undefined)));
      expect(forward).toBeInstanceOf(Error);
      const pty = await new Promise<Error | undefined>((resolve) => client.exec('carve-agent version', { pty: true }, (error, channel) => {
        if (error) return resolve(error);
        channel.close();
        resolve(undefined);
      }));
      expect(pty).toBeInstanceOf(Error);
    } finally {
      client.end();
    }
    expect(sshd.logs()).toContain('refused local port forward');
  });

  it('kills the whole process tree of a verb that overruns its timeout and reports timed_out', async () => {
    stubs.setMode('lvcreate', 'hang');
    const result = await call({ id: id(), verb: 'lv.create', args: { vg: 'vg0', lv: 'web1-hang', sizeGiB: 1 }, timeoutMs: 1000 });
    expect(result).toMatchObject({ status: 'timed_out' });
    const pids = stubs.hungPids();
    expect(pids).toBeDefined();
    await until(() => !running(pids!.child) && !running(pids!.grandchild), `the stub ${pids!.child} and its grandchild sleep ${pids!.grandchild} are killed`);
    expect(stubs.runs()).toHaveLength(1);
  });

  it('runs a request id once when it is sent twice', async () => {
    const request = { id: id(), verb: 'lv.create', args: { vg: 'vg0', lv: 'web1-once', sizeGiB: 2 } };
    const first = await call(request);
    const second = await call(request);
    expect(first.status).toBe('ok');
    expect(second).toEqual(first);
    expect(stubs.runs()).toHaveLength(1);
  });

  it('runs a request id once when the connection dropped mid-operation and the request is sent again', async () => {
    stubs.setMode('lvcreate', 'gate');
    const request = { id: id(), verb: 'lv.create', args: { vg: 'vg0', lv: 'web1-dropped', sizeGiB: 2 } };
    const before = await serve();
    void before.send(request);
    await until(() => stubs.runs().length === 1, 'the first send started lvcreate');
    // The TCP connection goes away under the running request, as when the worker dies.
    before.client.destroy();
    const after = await serve();
    const again = after.send(request);
    stubs.openGate();
    const result = await again;
    after.client.end();
    expect(result).toMatchObject({ id: request.id, status: 'ok', stdout: expect.stringContaining('"web1-dropped" created') });
    expect(await call(request)).toMatchObject({ status: 'ok' });
    const runs = stubs.runs();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.endNs).toBeDefined();
  });

  it('never overlaps two requests on the same volume, from two connections at once', async () => {
    stubs.setMode('lvextend', 'slow');
    const one = await serve();
    const two = await serve();
    const grow = (by: number) => ({ id: id(), verb: 'lv.extend', args: { vg: 'vg0', lv: 'web1-root', growByGiB: by } });
    const results = await Promise.all([one.send(grow(1)), two.send(grow(2)), one.send(grow(3)), two.send(grow(4))]);
    one.client.end();
    two.client.end();
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    const runs = stubs.runs();
    expect(runs).toHaveLength(4);
    for (let i = 1; i < runs.length; i += 1) {
      const previous = runs[i - 1]!;
      const current = runs[i]!;
      expect({ previousEnd: previous.endNs! <= current.startNs }).toEqual({ previousEnd: true });
    }
  });
});
