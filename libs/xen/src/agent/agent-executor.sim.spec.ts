// AgentExecutor against the simulator: carve's key reaches the agent only; a host without one is refused with how to upgrade.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { generateEd25519KeyPair, startSimHost, type SimHost } from '@carve/dom0-sim';
import { classifyError } from '@carve/jobs';
import { Dom0Client } from '../client/dom0-client';
import { lvListQuery } from '../commands/lvm.commands';
import { AgentOutdatedError, AgentRefusedError } from '../ssh/dom0-transport.errors';
import { run } from '../ssh/run-command';
import { SshConnectionPool } from '../ssh/ssh-connection-pool';
import type { Dom0Target } from '../ssh/dom0-target';
import { AgentExecutor } from './agent-executor';

const carveKey = generateEd25519KeyPair();
let sim: SimHost;
let pool: SshConnectionPool;

beforeAll(async () => {
  sim = await startSimHost({ port: 0, authorizedKeys: [carveKey.public] });
  pool = new SshConnectionPool();
});

afterAll(async () => {
  await pool.close();
  await sim.close();
});

const target = (overrides: Partial<Dom0Target> = {}): Dom0Target => ({
  hostId: 'agent-spec',
  address: '127.0.0.1',
  port: sim.port,
  username: 'root',
  privateKey: carveKey.private,
  expectedHostKeyFingerprint: sim.hostKeyFingerprint,
  ...overrides,
});

it("runs verbs through one serve channel and answers each request by its id", async () => {
  const agent = new AgentExecutor(pool);
  const results = await Promise.all([1, 2, 3].map(() => agent.exec(target(), lvListQuery('vg0').command)));
  for (const result of results) expect(result).toMatchObject({ exitCode: 0 });
  expect(await new Dom0Client(pool, target()).volumeGroupSpace()).toMatchObject({ sizeBytes: expect.any(Number) });
});

it('sends a fractional timeout (derived from a size and a rate) as whole milliseconds, which the agent accepts', async () => {
  const agent = new AgentExecutor(pool);
  expect(await agent.exec(target(), lvListQuery('vg0').command, { timeoutMs: (6 * 1024 ** 3) / 150_000 })).toMatchObject({ exitCode: 0 });
});

it("refuses a raw command line with carve's key, on the agent (exit 2) and before sending (no verb)", async () => {
  await expect(run(pool, target({ hostId: 'agent-spec-raw' }), { line: 'id' })).rejects.toMatchObject({ exitCode: 2, stderr: expect.stringContaining('refused') });
  await expect(run(pool, target({ hostId: 'agent-spec-raw' }), { line: "carve-sim fail --match 'lvs' --exit 1 --stderr x" })).rejects.toMatchObject({ exitCode: 2 });
  await expect(new AgentExecutor(pool).exec(target(), { line: 'lvs vg0' })).rejects.toBeInstanceOf(AgentRefusedError);
});

it('refuses a host that has no agent with how to install one, in serve and call mode', async () => {
  // The admin key gets raw lines: there `carve-agent` is not a command, as on a Dom0 without the agent.
  const bare = target({ hostId: 'agent-spec-bare', privateKey: sim.adminPrivateKey });
  for (const mode of ['serve', 'call'] as const) {
    const error = await new AgentExecutor(pool, { mode }).exec(bare, lvListQuery('vg0').command).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentOutdatedError);
    expect(error).toMatchObject({ transient: false, message: expect.stringContaining('POST /v1/hosts/:id/agent') });
    // A job on such a host fails at once, not after retries, with the code and how to upgrade.
    expect(classifyError(error)).toEqual({ transient: false, code: 'agent_outdated', message: expect.stringContaining('POST /v1/hosts/:id/agent') });
  }
});

it('call mode runs one request per exec', async () => {
  const result = await new AgentExecutor(pool, { mode: 'call' }).exec(target({ hostId: 'agent-spec-call' }), lvListQuery('vg0').command);
  expect(result).toMatchObject({ exitCode: 0 });
});
