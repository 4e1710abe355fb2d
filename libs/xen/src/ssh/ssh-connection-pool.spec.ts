// Medium tests: the pool against a real OpenSSH sshd on loopback.
import { createServer } from 'node:net';
import { RunningSshd, startSshd } from '../../../testing/src/sshd';
import {
  ChannelOpenFailedError,
  CommandFailedError,
  CommandTimeoutError,
  ConnectionDroppedError,
  Dom0Target,
  HostUnreachableError,
  run,
  SshConnectionPool,
  TransportClosedError,
} from '.';

let sshd: RunningSshd;
const pools: SshConnectionPool[] = [];

beforeAll(async () => {
  sshd = await startSshd();
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

afterAll(async () => {
  await sshd.stop();
});

function newPool(options: ConstructorParameters<typeof SshConnectionPool>[0] = {}): SshConnectionPool {
  const pool = new SshConnectionPool(options);
  pools.push(pool);
  return pool;
}

function target(overrides: Partial<Dom0Target> = {}): Dom0Target {
  return {
    hostId: 'dom0-a',
    address: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKey: sshd.clientPrivateKey,
    expectedHostKeyFingerprint: sshd.hostKeyFingerprint,
    ...overrides,
  };
}

function acceptedLogins(logs: string): number {
  return logs.split('\n').filter((line) => line.startsWith('Accepted publickey')).length;
}

describe('SshConnectionPool against OpenSSH sshd', () => {
  it('returns exit code, stdout and stderr of a command', async () => {
    const pool = newPool();
    const result = await pool.exec(target(), { line: 'echo out; echo err >&2; exit 3' });
    expect(result).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('delivers stdin to the command', async () => {
    const pool = newPool();
    const file = `${sshd.dir}/stdin-${process.pid}.cfg`;
    const content = 'name = "web1"\nmemory = 2048\n';
    const written = await pool.exec(target(), { line: `cat > ${file}`, stdin: content });
    expect(written.exitCode).toBe(0);
    const readBack = await pool.exec(target(), { line: `cat ${file}` });
    expect(readBack.stdout).toBe(content);
  });

  it('run() throws CommandFailedError with exit code and stderr on a non-zero exit', async () => {
    const pool = newPool();
    const failure = run(pool, target(), {
      line: 'echo "lvcreate: Volume group vg0 has insufficient free space" >&2; exit 5',
      description: 'create LV',
    });
    await expect(failure).rejects.toBeInstanceOf(CommandFailedError);
    await expect(failure).rejects.toMatchObject({
      code: 'DOM0_COMMAND_FAILED',
      transient: false,
      exitCode: 5,
      stderr: 'lvcreate: Volume group vg0 has insufficient free space\n',
    });
    await expect(run(pool, target(), { line: 'echo fine' })).resolves.toMatchObject({ stdout: 'fine\n' });
  });

  it('runs 30 concurrent commands through one connection with at most 8 channels open', async () => {
    const before = acceptedLogins(sshd.logs());
    const pool = newPool();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => pool.exec(target(), { line: `sleep 0.2; echo ${i}` })),
    );
    expect(results.map((result) => result.stdout)).toEqual(Array.from({ length: 30 }, (_, i) => `${i}\n`));
    const stats = pool.stats('dom0-a');
    expect(stats?.connectionsOpened).toBe(1);
    expect(stats?.peakOpenChannels).toBeLessThanOrEqual(8);
    expect(stats?.peakOpenChannels).toBeGreaterThan(1);
    expect(stats?.openChannels).toBe(0);
    expect(acceptedLogins(sshd.logs()) - before).toBe(1);
  });

  it('shows why the limit exists: past MaxSessions (10) sshd refuses channels', async () => {
    const pool = newPool({ maxChannelsPerHost: 20 });
    await pool.exec(target(), { line: 'true' }); // connect first, so all 20 requests hit one session
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => pool.exec(target(), { line: 'sleep 1' })),
    );
    const refused = outcomes.filter(
      (outcome) => outcome.status === 'rejected' && outcome.reason instanceof ChannelOpenFailedError,
    );
    expect(refused.length).toBeGreaterThan(0);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled').length).toBeLessThanOrEqual(10);
  });

  it('shares one connect attempt between concurrent first uses', async () => {
    const before = acceptedLogins(sshd.logs());
    const pool = newPool();
    await Promise.all(Array.from({ length: 5 }, () => pool.exec(target(), { line: 'true' })));
    expect(pool.stats('dom0-a')?.connectionsOpened).toBe(1);
    expect(acceptedLogins(sshd.logs()) - before).toBe(1);
  });

  it('fails a command whose connection is killed, and rebuilds the connection for the next', async () => {
    const pool = newPool();
    await pool.exec(target(), { line: 'true' });
    // $PPID is the sshd process serving this connection; killing it drops the TCP session.
    const killed = pool.exec(target(), { line: 'kill -9 $PPID; sleep 5' });
    await expect(killed).rejects.toBeInstanceOf(ConnectionDroppedError);
    await expect(killed).rejects.toMatchObject({ code: 'DOM0_CONNECTION_DROPPED', transient: true });

    const next = await pool.exec(target(), { line: 'echo again' });
    expect(next.stdout).toBe('again\n');
    expect(pool.stats('dom0-a')).toMatchObject({ connectionsOpened: 2, openChannels: 0, connected: true });
  });

  it('times a command out, closes its channel, and keeps the connection usable', async () => {
    const pool = newPool({ maxChannelsPerHost: 1 });
    const marker = `carve-timeout-${process.pid}-${Date.now()}`;
    // OpenSSH ignores signal requests in root sessions (no privilege separation
    // after a root login), so what ends the command is the closed channel: its
    // next write fails. A command that prints keeps showing whether it is gone.
    const slow = pool.exec(
      target(),
      { line: `while :; do echo ${marker}; sleep 0.1; done`, description: 'chatty loop' },
      { timeoutMs: 300 },
    );
    await expect(slow).rejects.toBeInstanceOf(CommandTimeoutError);
    await expect(slow).rejects.toMatchObject({ code: 'DOM0_COMMAND_TIMEOUT', transient: true, timeoutMs: 300 });

    // With one slot, each check only runs once the timed-out channel has closed.
    // The brackets keep pgrep from matching its own command line.
    const stillRunning = `pgrep -f '[${marker[0]}]${marker.slice(1)}' || echo gone`;
    await waitForAsync(async () => (await pool.exec(target(), { line: stillRunning })).stdout === 'gone\n');
    expect(pool.stats('dom0-a')?.connectionsOpened).toBe(1);
  });

  it('reports a closed port as HostUnreachableError (transient)', async () => {
    const port = await closedPort();
    const pool = newPool();
    const attempt = pool.exec(target({ hostId: 'dom0-closed', port }), { line: 'true' });
    await expect(attempt).rejects.toBeInstanceOf(HostUnreachableError);
    await expect(attempt).rejects.toMatchObject({ code: 'DOM0_HOST_UNREACHABLE', transient: true, hostId: 'dom0-closed' });
    await expect(attempt).rejects.toThrow(/ECONNREFUSED/);
  });

  it('reports a host that never speaks SSH within the connect timeout as unreachable', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const pool = newPool({ connectTimeoutMs: 300 });
      const attempt = pool.exec(target({ hostId: 'dom0-silent', port }), { line: 'true' });
      await expect(attempt).rejects.toBeInstanceOf(HostUnreachableError);
    } finally {
      silent.close();
      // Close the half-open sockets ssh2 left behind so the server can finish closing.
      await new Promise((resolve) => setImmediate(resolve));
    }
  });

  it('refuses work after close()', async () => {
    const pool = newPool();
    await pool.exec(target(), { line: 'true' });
    await pool.close();
    await expect(pool.exec(target(), { line: 'true' })).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('closes a connection left idle, then reconnects on demand', async () => {
    const pool = newPool({ idleTimeoutMs: 100 });
    await pool.exec(target(), { line: 'true' });
    await waitFor(() => pool.stats('dom0-a')?.connected === false);
    await pool.exec(target(), { line: 'true' });
    expect(pool.stats('dom0-a')?.connectionsOpened).toBe(2);
  });

  it('keeps a separate connection per host', async () => {
    const pool = newPool();
    await pool.exec(target({ hostId: 'dom0-a' }), { line: 'true' });
    await pool.exec(target({ hostId: 'dom0-b' }), { line: 'true' });
    expect(pool.stats('dom0-a')?.connectionsOpened).toBe(1);
    expect(pool.stats('dom0-b')?.connectionsOpened).toBe(1);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function waitForAsync(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
