// The agent core against real processes: stub xl/lvcreate executables on PATH, real sh and sleep.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { createHash, randomUUID } from 'node:crypto';
import { registerVerb } from '@carve/xen';
import { AgentCore } from './agent-core';
import { Journal } from './journal';
import { ObjectLocks } from './object-locks';
import { runAgentSession } from './agent-session';
import { LocalHostRunner } from './host-runner';
import { newOwner } from './owner';
import type { AgentResult } from './protocol';

let dir: string;
let bin: string;
let stateDir: string;
const originalPath = process.env.PATH;

function stub(name: string, script: string): void {
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
}

const log = (): string[] => (existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').trim().split('\n').filter(Boolean) : []);
const id = (): string => randomUUID();
// Jest's process.env is the test's own copy: child processes get the stubs' PATH explicitly.
const stubEnv = (): Record<string, string | undefined> => ({ ...process.env, PATH: `${bin}:${originalPath}` });

/** Polls `condition` (no fixed sleeps in assertions: a loaded machine only makes it slower). */
async function until(condition: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'carve-agent-spec-'));
  bin = join(dir, 'bin');
  stateDir = join(dir, 'state');
  mkdirSync(bin);
  // xl list: log a line, wait for the test's go-ahead file when asked to, print a listing.
  stub('xl', `echo "xl $*" >> ${dir}/log\nwhile [ -e ${dir}/hold ]; do sleep 0.02; done\necho "Name ID Mem VCPUs State Time(s)"`);
  // lvcreate: log start and end around a pause, so overlapping runs show as start,start.
  stub('lvcreate', `echo "start $*" >> ${dir}/log\nwhile [ -e ${dir}/hold-lv ]; do sleep 0.02; done\necho "end $*" >> ${dir}/log\necho '  Logical volume created.'`);
  // Test-only verb: a shell with a background child, the process tree a timeout must kill whole.
  registerVerb({
    name: 'test.sleep-tree',
    kind: 'command',
    build: () => ({ line: 'sh -c sleep...', argv: ['sh', '-c', `sleep 60 & echo $! > ${dir}/child.pid; echo $$ > ${dir}/shell.pid; wait`], description: 'sleep in a tree' }),
    locks: () => [],
    defaultTimeoutMs: 60_000,
    maxTimeoutMs: 120_000,
  });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const core = (): AgentCore => new AgentCore({ stateDir, runner: new LocalHostRunner(stubEnv()) });

describe('AgentCore', () => {
  it('refuses unknown verbs, bad args and bad ids before anything runs', async () => {
    const agent = core();
    const before = log().length;
    expect(await agent.handle({ id: id(), verb: 'sh', args: { c: 'id' } })).toMatchObject({ status: 'refused', error: { code: 'unknown_verb' } });
    expect(await agent.handle({ id: id(), verb: 'lv.create', args: { vg: 'vg0', lv: 'x;id', sizeGiB: 1 } })).toMatchObject({ status: 'refused', error: { code: 'bad_args' } });
    expect(await agent.handle({ id: id(), verb: 'lv.create', args: { vg: 'vg0', lv: '$(reboot)', sizeGiB: 1 } })).toMatchObject({ status: 'refused', error: { code: 'bad_args' } });
    expect(await agent.handle({ id: id(), verb: 'xl.info-value', args: { key: 'x; id' } })).toMatchObject({ status: 'refused', error: { code: 'bad_args' } });
    // mkfs only on a logical volume, never another disk of the Dom0.
    expect(await agent.handle({ id: id(), verb: 'fs.make', args: { device: '/dev/sda', type: 'ext4' } })).toMatchObject({ status: 'refused', error: { code: 'bad_args' } });
    expect(await agent.handle({ id: id(), verb: 'domain-config.read', args: { name: '../shadow' } })).toMatchObject({ status: 'refused', error: { code: 'bad_args' } });
    expect(await agent.handle({ id: id(), verb: 'domain-config.read', args: { name: 'web1', variant: '../../etc/shadow' } })).toMatchObject({ status: 'refused', error: { code: 'bad_args' } });
    expect(await agent.handle({ id: '../../etc/passwd', verb: 'xl.list', args: {} })).toMatchObject({ status: 'refused', error: { code: 'bad_request' } });
    expect(await agent.handle({ id: id(), verb: 'volume.read', args: { vg: 'vg0', lv: 'a' } })).toMatchObject({ status: 'refused', error: { code: 'wrong_mode' } });
    expect(await agent.handle('not json')).toMatchObject({ status: 'refused' });
    expect(log().length).toBe(before);
  });

  it('runs a repeated id once and answers the repeat with the first result; the same id with other args is refused', async () => {
    const agent = core();
    const request = { id: id(), verb: 'lv.create', args: { vg: 'vg0', lv: 'once', sizeGiB: 1 } };
    const first = await agent.handle(request);
    expect(first).toMatchObject({ status: 'ok', exitCode: 0 });
    expect(await core().handle({ ...request, args: { sizeGiB: 1, lv: 'once', vg: 'vg0' } })).toEqual(first);
    expect(log().filter((l) => l === 'start -n once -L 1G vg0')).toHaveLength(1);
    expect(await agent.handle({ ...request, args: { vg: 'vg0', lv: 'other', sizeGiB: 1 } })).toMatchObject({ status: 'refused', error: { code: 'id_reused' } });
  });

  it('a repeat that arrives while the first still runs waits for its result', async () => {
    const owner = newOwner();
    const a = new AgentCore({ stateDir, runner: new LocalHostRunner(stubEnv()), owner });
    const b = new AgentCore({ stateDir, runner: new LocalHostRunner(stubEnv()), owner });
    writeFileSync(join(dir, 'hold'), '');
    // A verb that changes state (queries are not journalled): xl destroy.
    const request = { id: id(), verb: 'xl.destroy', args: { domain: 'web1' } };
    const before = log().filter((l) => l === 'xl destroy web1').length;
    const first = a.handle(request);
    await until(() => log().filter((l) => l === 'xl destroy web1').length === before + 1, 'xl to start');
    const second = b.handle(request);
    rmSync(join(dir, 'hold'));
    const [r1, r2] = await Promise.all([first, second]);
    expect(r1).toMatchObject({ status: 'ok' });
    expect(r2).toEqual(r1);
    expect(log().filter((l) => l === 'xl destroy web1').length).toBe(before + 1);
  });

  it('a query is not journalled: a repeated id reads again, and leaves no journal entry', async () => {
    const agent = core();
    const request = { id: id(), verb: 'xl.list', args: {} };
    const before = log().filter((l) => l === 'xl list').length;
    expect(await agent.handle(request)).toMatchObject({ status: 'ok', stdout: expect.stringContaining('Name ID') });
    expect(await agent.handle(request)).toMatchObject({ status: 'ok' });
    expect(log().filter((l) => l === 'xl list').length).toBe(before + 2);
    expect(existsSync(join(stateDir, 'journal', `${request.id}.json`))).toBe(false);
  });

  it('two requests on the same volume never overlap; on different volumes they run side by side', async () => {
    const agent = core();
    writeFileSync(join(dir, 'hold-lv'), '');
    const same = [1, 2].map(() => agent.handle({ id: id(), verb: 'lv.create', args: { vg: 'vg0', lv: 'shared', sizeGiB: 1 } }));
    const other = agent.handle({ id: id(), verb: 'lv.create', args: { vg: 'vg0', lv: 'elsewhere', sizeGiB: 1 } });
    // One of the shared pair and the other volume start; the second of the pair waits for the lock.
    await until(() => log().includes('start -n shared -L 1G vg0') && log().includes('start -n elsewhere -L 1G vg0'), 'both volumes to start');
    expect(log().filter((l) => l === 'start -n shared -L 1G vg0')).toHaveLength(1);
    rmSync(join(dir, 'hold-lv'));
    await Promise.all([...same, other]);
    const shared = log().filter((l) => l.endsWith('-n shared -L 1G vg0'));
    expect(shared).toEqual(['start -n shared -L 1G vg0', 'end -n shared -L 1G vg0', 'start -n shared -L 1G vg0', 'end -n shared -L 1G vg0']);
  });

  it('prunes finished journal entries older than the retention, keeps newer ones', async () => {
    const journalDir = join(dir, 'prune-journal');
    const owner = newOwner();
    const journal = new Journal(journalDir, owner);
    const finishedRequest = (n: string) => ({ id: `prune-${n}-${randomUUID()}`, verb: 'xl.list', args: {} });
    const [old, fresh] = [finishedRequest('old'), finishedRequest('new')];
    for (const r of [old, fresh]) {
      expect(await journal.start(r, Date.now())).toEqual({ kind: 'run' });
      await journal.finish(r, { id: r.id, status: 'ok', exitCode: 0, stdout: '', stderr: '' });
    }
    const dayAndMore = (Date.now() - 25 * 60 * 60 * 1000) / 1000;
    utimesSync(join(journalDir, `${old.id}.json`), dayAndMore, dayAndMore);
    expect(await journal.prune()).toBe(1);
    expect(existsSync(join(journalDir, `${old.id}.json`))).toBe(false);
    expect(await journal.start(fresh, Date.now())).toMatchObject({ kind: 'done' });
  });

  it('breaks a lock whose owner died, and one left empty by a creator that died before writing it', async () => {
    const locksDir = join(dir, 'stale-locks');
    // An owner in this process that is not the live instance counts as dead (an earlier, closed agent).
    await new ObjectLocks(locksDir, newOwner()).acquire(['volume:/dev/vg0/stale'], new AbortController().signal);
    const live = new ObjectLocks(locksDir, newOwner());
    await (await live.acquire(['volume:/dev/vg0/stale'], AbortSignal.timeout(10_000)))();
    const empty = join(locksDir, `${createHash('sha256').update('volume:/dev/vg0/empty').digest('hex').slice(0, 32)}.lock`);
    writeFileSync(empty, '');
    const longAgo = (Date.now() - 60_000) / 1000;
    utimesSync(empty, longAgo, longAgo);
    await (await live.acquire(['volume:/dev/vg0/empty'], AbortSignal.timeout(10_000)))();
    expect(readdirSync(locksDir)).toEqual([]);
  });

  it('kills the whole process group of a verb that overruns its timeout and reports timed_out', async () => {
    const result = await core().handle({ id: id(), verb: 'test.sleep-tree', args: {}, timeoutMs: 500 });
    expect(result).toMatchObject({ status: 'timed_out', error: { code: 'timed_out' } });
    const child = Number(readFileSync(join(dir, 'child.pid'), 'utf8'));
    const shell = Number(readFileSync(join(dir, 'shell.pid'), 'utf8'));
    await until(() => !alive(child) && !alive(shell), 'the sleep and its shell to die');
  });
});

describe('carve-agent sessions', () => {
  it('refuses anything but its own modes, and runs nothing for them', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const text: string[] = [];
    err.on('data', (c: Buffer) => text.push(c.toString()));
    for (const line of ['id', 'sh -c id', 'cat /etc/shadow', 'carve-agent serve; id', 'carve-agent version extra', 'carve-agent stream-read', '', undefined]) {
      expect(await runAgentSession(core(), line, { stdin: new PassThrough(), stdout: out, stderr: err })).toBe(2);
    }
    expect(text.join('')).toContain('refused');
  });

  it('serve answers several requests at once, each by its id, after a hello with the version and verbs', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const lines: string[] = [];
    let buffered = '';
    stdout.on('data', (c: Buffer) => {
      buffered += c.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts);
    });
    const session = runAgentSession(core(), 'carve-agent serve', { stdin, stdout, stderr: new PassThrough() });
    const ids = [id(), id(), id()];
    stdin.write(`${JSON.stringify({ id: ids[0], verb: 'xl.list', args: {} })}\n${JSON.stringify({ id: ids[1], verb: 'lv.create', args: { vg: 'vg0', lv: 'served', sizeGiB: 2 } })}\n`);
    stdin.end(`${JSON.stringify({ id: ids[2], verb: 'rm', args: {} })}\n`);
    expect(await session).toBe(0);
    const hello = JSON.parse(lines[0]!);
    expect(hello).toMatchObject({ agent: 'carve-agent', version: expect.any(Number) });
    expect(hello.verbs).toEqual(expect.arrayContaining(['lv.list', 'xl.list', 'metering.read', 'volume.read']));
    const results = new Map(lines.slice(1).map((l) => [JSON.parse(l).id, JSON.parse(l) as AgentResult]));
    expect(results.get(ids[0])).toMatchObject({ status: 'ok', stdout: expect.stringContaining('Name ID') });
    expect(results.get(ids[1])).toMatchObject({ status: 'ok' });
    expect(results.get(ids[2])).toMatchObject({ status: 'refused' });
  });

  it('a request whose serve process lost its connection (SIGHUP, stdin gone) still finishes; a second process given the same id waits and gets its result', async () => {
    const main = resolve(__dirname, '../../../apps/dom0-agent/src/main.ts');
    const env = { ...stubEnv(), CARVE_AGENT_STATE_DIR: stateDir, SSH_ORIGINAL_COMMAND: 'carve-agent serve' };
    writeFileSync(join(dir, 'hold'), '');
    const before = log().filter((l) => l === 'xl destroy web1').length;
    const request = { id: id(), verb: 'xl.destroy', args: { domain: 'web1' } };
    const first: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', main], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    first.stdin!.write(`${JSON.stringify(request)}\n`);
    await until(() => log().filter((l) => l === 'xl destroy web1').length === before + 1, 'the first agent to start xl', 60_000);
    first.kill('SIGHUP');
    first.stdin!.destroy();
    first.stdout!.destroy();
    const second = spawn(process.execPath, ['-r', '@swc-node/register', main], { env: { ...env, SSH_ORIGINAL_COMMAND: 'carve-agent call' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let answer = '';
    second.stdout!.on('data', (c: Buffer) => (answer += c.toString()));
    second.stdin!.end(JSON.stringify(request));
    const secondExit = new Promise<number | null>((r) => second.on('close', (code) => r(code)));
    const firstExit = new Promise<number | null>((r) => first.on('close', (code) => r(code)));
    // The second agent is waiting on the journal entry; let the first finish.
    await until(() => existsSync(join(stateDir, 'journal', `${request.id}.json`)), 'the journal entry');
    rmSync(join(dir, 'hold'));
    expect(await secondExit).toBe(0);
    expect(await firstExit).toBe(0);
    expect(JSON.parse(answer)).toMatchObject({ id: request.id, status: 'ok', stdout: expect.stringContaining('Name ID') });
    expect(log().filter((l) => l === 'xl destroy web1').length).toBe(before + 1);
  }, 120_000);
});
