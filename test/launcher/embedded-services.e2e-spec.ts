import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ephemeralPort } from '../../scripts/launcher/ports';
import { httpGet, isAlive, launcherEnv, LauncherProcess } from './launcher-process';

jest.setTimeout(180_000);

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

/** The bare-machine path: no DATABASE_URL, no REDIS_URL; npm start runs its own PostgreSQL and redis-server. */
describe('npm start with nothing configured', () => {
  let dataDir: string;
  let launcher: LauncherProcess | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'carve-embedded-'));
    // As root, PostgreSQL runs as the postgres user, which must be able to enter the data dir.
    chmodSync(dataDir, 0o755);
  });

  afterAll(() => {
    launcher?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts embedded PostgreSQL and Redis under the data dir, serves the API, and stops both on SIGTERM', async () => {
    const port = await ephemeralPort();
    launcher = new LauncherProcess(launcherEnv({ PORT: String(port), CARVE_SIM_HOSTS: '0', CARVE_DATA_DIR: dataDir, REDIS_PREFIX: 'carve' }));
    await launcher.waitFor(/carve is running/);
    const [, token] = await launcher.waitFor(/export TOKEN=(carve_\S+)/);
    const pgPort = Number((await launcher.waitFor(/PostgreSQL ready on 127\.0\.0\.1:(\d+)/))[1]);
    const redisPort = Number((await launcher.waitFor(/Redis ready on 127\.0\.0\.1:(\d+)/))[1]);
    const postmasterPid = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);

    const health = await httpGet(`http://127.0.0.1:${port}/health`);
    expect(health).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok' }) });
    const hosts = await httpGet(`http://127.0.0.1:${port}/v1/hosts`, token);
    expect(hosts).toEqual({ status: 200, body: expect.objectContaining({ items: [] }) });

    expect(await launcher.stop()).toEqual({ code: 0, signal: null });
    expect(isAlive(postmasterPid)).toBe(false);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(await refusesConnections(pgPort)).toBe(true);
    expect(await refusesConnections(redisPort)).toBe(true);
  });
});
