// Medium tests: the pool against the Dom0 simulator and its fault commands.
import { SimHost, startSimHost } from '@carve/dom0-sim';
import { generateEd25519KeyPair } from '../../../testing/src/sshd';
import {
  AuthenticationFailedError,
  CommandTimeoutError,
  ConnectionDroppedError,
  Dom0Target,
  HostKeyMismatchError,
  run,
  SshConnectionPool,
} from '.';

const clientKey = generateEd25519KeyPair('carve-sim-client');
let sim: SimHost;
let pool: SshConnectionPool;

beforeAll(async () => {
  // The pool itself is under test, with raw lines: log in with the simulator's admin key (carve's key reaches only the agent).
  sim = await startSimHost({ port: 0, authorizedKeys: [generateEd25519KeyPair('carve').public], adminKey: clientKey });
});

beforeEach(() => {
  pool = new SshConnectionPool();
});

afterEach(async () => {
  await pool.close();
  sim.clearFaults();
});

afterAll(async () => {
  await sim.close();
});

function target(overrides: Partial<Dom0Target> = {}): Dom0Target {
  return {
    hostId: 'sim-1',
    address: '127.0.0.1',
    port: sim.port,
    username: 'root',
    privateKey: clientKey.private,
    expectedHostKeyFingerprint: sim.hostKeyFingerprint,
    ...overrides,
  };
}

describe('SshConnectionPool against the Dom0 simulator', () => {
  it('runs xl list on a pinned host', async () => {
    const result = await run(pool, target(), { line: 'xl list', description: 'list domains' });
    expect(result.stdout).toMatch(/^Name\s+ID\s+Mem\s+VCPUs\tState\tTime\(s\)\n/);
    expect(result.stdout).toContain('Domain-0');
  });

  it('refuses a simulator whose host key is not the registered one', async () => {
    const other = generateEd25519KeyPair();
    const impostor = await startSimHost({ port: 0, authorizedKeys: [clientKey.public], hostKey: other.private });
    try {
      const attempt = pool.exec(target({ port: impostor.port }), { line: 'xl list' });
      await expect(attempt).rejects.toBeInstanceOf(HostKeyMismatchError);
      await expect(attempt).rejects.toMatchObject({
        expectedFingerprint: sim.hostKeyFingerprint,
        receivedFingerprint: impostor.hostKeyFingerprint,
      });
    } finally {
      await impostor.close();
    }
  });

  it('reports a key the simulator does not accept as AuthenticationFailedError', async () => {
    const attempt = pool.exec(target({ privateKey: generateEd25519KeyPair().private }), { line: 'xl list' });
    await expect(attempt).rejects.toBeInstanceOf(AuthenticationFailedError);
  });

  it('times out a command the simulator delays, and runs the next one', async () => {
    await run(pool, target(), { line: "carve-sim delay --match 'xl info' --ms 1000 --count 1" });
    const slow = pool.exec(target(), { line: 'xl info' }, { timeoutMs: 200 });
    await expect(slow).rejects.toBeInstanceOf(CommandTimeoutError);
    const next = await run(pool, target(), { line: 'xl info' });
    expect(next.stdout).toMatch(/^host\s+: /m);
  });

  it('fails a command whose connection the simulator drops, and reconnects for the next', async () => {
    await run(pool, target(), { line: "carve-sim drop --match 'xl uptime' --count 1" });
    const dropped = pool.exec(target(), { line: 'xl uptime' });
    await expect(dropped).rejects.toBeInstanceOf(ConnectionDroppedError);
    const next = await run(pool, target(), { line: 'xl uptime' });
    expect(next.stdout).toContain('Domain-0');
    expect(pool.stats('sim-1')).toMatchObject({ connectionsOpened: 2, openChannels: 0 });
  });

  it('runs 30 concurrent commands over one connection with at most 8 channels', async () => {
    await run(pool, target(), { line: "carve-sim delay --match 'xl vcpu-list' --ms 100" });
    const results = await Promise.all(Array.from({ length: 30 }, () => run(pool, target(), { line: 'xl vcpu-list' })));
    expect(results).toHaveLength(30);
    expect(pool.stats('sim-1')?.connectionsOpened).toBe(1);
    expect(pool.stats('sim-1')?.peakOpenChannels).toBeLessThanOrEqual(8);
    expect(pool.stats('sim-1')?.peakOpenChannels).toBeGreaterThan(1);
  });
});
