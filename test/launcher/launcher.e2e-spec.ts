import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TEST_REDIS_URL, clearRedisPrefix, uniqueName, type TestDatabase } from '@carve/testing';
import { ephemeralPort } from '../../scripts/launcher/ports';
import { httpGet, isAlive, launcherEnv, LauncherProcess } from './launcher-process';

jest.setTimeout(180_000);

interface HostRow {
  name: string;
  sshAddress: string;
  sshPort: number;
  hostKeyFingerprint: string;
  monthlyCostMinor: number;
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('npm start against the machine PostgreSQL and Redis', () => {
  let db: TestDatabase;
  let dataDir: string;
  let port: number;
  const prefix = uniqueName('launch').slice(0, 32);
  const launchers: LauncherProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    dataDir = mkdtempSync(join(tmpdir(), 'carve-launcher-'));
    port = await ephemeralPort();
  });

  // A test that fails midway must not leave carve holding the port for the next one.
  afterEach(async () => {
    await Promise.all(launchers.map((l) => l.stop()));
  });

  afterAll(async () => {
    launchers.forEach((l) => l.kill());
    await db.drop();
    await clearRedisPrefix(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  function launch(): LauncherProcess {
    const launcher = new LauncherProcess(
      launcherEnv({ DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, PORT: String(port), CARVE_SIM_HOSTS: '1', CARVE_DATA_DIR: dataDir }),
    );
    launchers.push(launcher);
    return launcher;
  }

  it('migrates, prints the token, serves /health and lists the registered simulated host; SIGTERM stops everything', async () => {
    const launcher = launch();
    await launcher.waitFor(/carve is running/);
    // The banner arrives in pieces: wait for its last line before reading the whole of it.
    await launcher.waitFor(/curl -H "Authorization: Bearer \$TOKEN" http:\/\/127\.0\.0\.1:\d+\/v1\/hosts/);
    const [, token] = await launcher.waitFor(/export TOKEN=(carve_[a-z0-9]{8}_[A-Za-z0-9]{32})/);
    const [, simPort, fingerprint] = await launcher.waitFor(/simulated Dom0 sim-1 on 127\.0\.0\.1:(\d+) \((SHA256:[A-Za-z0-9+/]{43})\): registered in the inventory/);
    const apiPid = Number((await launcher.waitFor(/api started \(pid (\d+)\)/))[1]);
    const workerPid = Number((await launcher.waitFor(/worker started \(pid (\d+)\)/))[1]);
    expect(launcher.text).toMatch(/Migration \w+ has been executed successfully/);
    expect(launcher.text).toContain(`http://127.0.0.1:${port}/docs`);
    expect(launcher.text).toContain(`Console (web): http://127.0.0.1:${port}/console/SERVER-ID#token=$TOKEN`);
    expect(launcher.text).toMatch(/Console \(SSH\): ssh -p \d+ SERVERNAME@127\.0\.0\.1 /);
    expect(launcher.text).toContain(`curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:${port}/v1/hosts`);

    expect((await httpGet(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const hosts = await httpGet(`http://127.0.0.1:${port}/v1/hosts`, token);
    expect(hosts.status).toBe(200);
    const items = (hosts.body as { items: HostRow[] }).items;
    expect(items).toEqual([
      expect.objectContaining({ name: 'sim-1', sshAddress: '127.0.0.1', sshPort: Number(simPort), hostKeyFingerprint: fingerprint, monthlyCostMinor: 4900 }),
    ]);

    const credentialsFile = join(dataDir, 'credentials.json');
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(credentialsFile, 'utf8'))).toMatchObject({ apiUrl: `http://127.0.0.1:${port}`, token });
    expect(statSync(join(dataDir, 'ssh', 'id_ed25519')).mode & 0o777).toBe(0o600);

    expect(await launcher.stop()).toEqual({ code: 0, signal: null });
    expect(launcher.text).toContain('[carve] stopped');
    expect(isAlive(apiPid)).toBe(false);
    expect(isAlive(workerPid)).toBe(false);
    expect(await refusesConnections(port)).toBe(true);
    expect(await refusesConnections(Number(simPort))).toBe(true);
  });

  it('on a second start keeps the operator, the simulated host and its fingerprint', async () => {
    const first = launchers[0].text;
    const [, fingerprint] = first.match(/sim-1 on 127\.0\.0\.1:\d+ \((SHA256:\S+)\)/) ?? [];
    const launcher = launch();
    await launcher.waitFor(/carve is running/);
    expect(launcher.text).toContain('bootstrap operator exists; its token is saved in');
    expect(launcher.text).toMatch(/migrations: No migrations are pending/);
    expect(launcher.text).not.toMatch(/export TOKEN=carve_/);
    const [, simPort] = await launcher.waitFor(/simulated Dom0 sim-1 on 127\.0\.0\.1:(\d+) \(([^)]+)\): (already in the inventory|inventory entry updated)/);
    expect(launcher.text).toContain(fingerprint);

    const token = (JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { token: string }).token;
    const hosts = await httpGet(`http://127.0.0.1:${port}/v1/hosts`, token);
    expect((hosts.body as { items: HostRow[] }).items).toEqual([expect.objectContaining({ name: 'sim-1', sshPort: Number(simPort), hostKeyFingerprint: fingerprint })]);
    expect(await launcher.stop()).toEqual({ code: 0, signal: null });
  });

  it('stops everything and exits non-zero when the API dies under it', async () => {
    const launcher = launch();
    await launcher.waitFor(/carve is running/);
    const apiPid = Number((await launcher.waitFor(/api started \(pid (\d+)\)/))[1]);
    const workerPid = Number((await launcher.waitFor(/worker started \(pid (\d+)\)/))[1]);
    const simPort = Number((await launcher.waitFor(/sim-1 on 127\.0\.0\.1:(\d+)/))[1]);
    process.kill(apiPid, 'SIGKILL');
    expect(await launcher.exited).toEqual({ code: 1, signal: null });
    expect(launcher.text).toContain('[carve] error: the api exited unexpectedly (killed by SIGKILL)');
    expect(isAlive(workerPid)).toBe(false);
    expect(await refusesConnections(simPort)).toBe(true);
  });
});

describe('npm start refusing to start', () => {
  let holder: Server;
  let busyPort: number;
  let dataDir: string;

  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen({ port: 0, host: '127.0.0.1' }, () => resolve()));
    busyPort = (holder.address() as { port: number }).port;
    dataDir = mkdtempSync(join(tmpdir(), 'carve-launcher-'));
  });

  afterAll(async () => {
    await new Promise((resolve) => holder.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports a busy PORT with what to do, without a stack trace, and exits non-zero', async () => {
    const launcher = new LauncherProcess(
      launcherEnv({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', REDIS_URL: TEST_REDIS_URL, PORT: String(busyPort), CARVE_DATA_DIR: dataDir }),
    );
    const exit = await launcher.exited;
    expect(exit.code).toBe(1);
    expect(launcher.text).toContain(`port ${busyPort} on 127.0.0.1 is already in use`);
    expect(launcher.text).toMatch(/what to do: .*PORT=\d+ npm start/);
    expect(launcher.text).not.toMatch(/^\s+at /m);
  });

  it('names a malformed setting and exits non-zero before starting anything', async () => {
    const launcher = new LauncherProcess(launcherEnv({ CARVE_SIM_HOSTS: 'two', PORT: 'eighty', CARVE_DATA_DIR: join(dataDir, 'never') }));
    const exit = await launcher.exited;
    expect(exit.code).toBe(1);
    expect(launcher.text).toContain('PORT');
    expect(launcher.text).not.toContain('starting');
    expect(launcher.text).not.toMatch(/^\s+at /m);
  });
});
