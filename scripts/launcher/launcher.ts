import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureBootstrapOperator } from '@carve/tenancy';
import type { SimHost } from '@carve/dom0-sim';
import { killNow, startApp, describeExit, type AppProcess } from './child-processes';
import { credentialsPath, saveCredentials } from './credentials';
import { describeDatabaseUrl, openDatabase, runPendingMigrations } from './database';
import { startEmbeddedPostgres } from './embedded-postgres';
import { waitForHealth } from './health';
import { LaunchError } from './launch-error';
import { readLauncherOptions, type LauncherOptions } from './launcher-options';
import { findFreePort, isPortFree } from './ports';
import { banner, say, step, warn } from './progress';
import { startRedisServer } from './redis-server';
import { ShutdownStack } from './services';
import { startSimHosts } from './sim-hosts';
import { ensureSshClientKey, readSshClientKey } from './ssh-client-key';
import { StopRequested, StopSignal } from './stop-signal';

/** Where the app entry points live, relative to the repository root. */
const API_ENTRY = 'apps/api/src/main.ts';
const WORKER_ENTRY = 'apps/worker/src/main.ts';

async function checkApiPort(options: LauncherOptions): Promise<void> {
  const { port, host } = options.config;
  if (await isPortFree(port, host)) return;
  const alternative = (await findFreePort(port + 1, host)) ?? port + 1;
  throw new LaunchError(
    `port ${port} on ${host} is already in use, so the API cannot listen there (is carve already running?)`,
    `Stop whatever holds it (see: ss -ltnp 'sport = :${port}'), or start on another port: PORT=${alternative} npm start`,
  );
}

/** The URL a person on this machine can paste: a wildcard bind address is reachable on loopback. */
function reachableBaseUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : `./${rel}`;
}

/**
 * `npm start`: brings up whatever carve needs that is not configured (PostgreSQL, Redis),
 * migrates, makes the bootstrap operator, starts simulated Dom0 hosts, then the API and the
 * worker; stays in the foreground until a signal or a crash, then stops it all in reverse order.
 * Resolves with the process exit code.
 */
export async function runLauncher(repoRoot: string, env: NodeJS.ProcessEnv): Promise<number> {
  const stack = new ShutdownStack();
  const apps: AppProcess[] = [];
  const hardStops: (() => void)[] = [() => killNow(apps)];
  const signal = new StopSignal(() => hardStops.forEach((f) => f()), say);
  process.on('exit', () => hardStops.forEach((f) => f()));
  const checkpoint = (): void => {
    if (signal.stopping) throw new StopRequested();
  };
  /** Settles with a reason when a process carve depends on dies while running. */
  const crashes: Promise<string>[] = [];

  try {
    const options = readLauncherOptions(env);
    await checkApiPort(options);
    mkdirSync(options.dataDir, { recursive: true });
    say(`data directory: ${displayPath(options.dataDir)}`);

    let databaseUrl = options.databaseUrl;
    if (databaseUrl) {
      say(`using PostgreSQL from DATABASE_URL (${describeDatabaseUrl(databaseUrl)})`);
    } else {
      say('DATABASE_URL is unset: starting an embedded PostgreSQL (set DATABASE_URL to use your own)');
      const pg = await step('embedded PostgreSQL', () => startEmbeddedPostgres(options.dataDir));
      stack.push({ name: 'PostgreSQL', stop: () => pg.stop() });
      crashes.push(pg.exited);
      databaseUrl = pg.url;
      say(`PostgreSQL ready on 127.0.0.1:${pg.port} (data in ${displayPath(join(options.dataDir, 'postgres'))})`);
    }
    checkpoint();

    let redisUrl = options.redisUrl;
    if (redisUrl) {
      say('using Redis from REDIS_URL');
    } else {
      say('REDIS_URL is unset: starting redis-server (set REDIS_URL to use your own)');
      const redis = await step('Redis', () => startRedisServer(options.dataDir));
      stack.push({ name: 'Redis', stop: () => redis.stop() });
      hardStops.push(() => redis.process.kill('SIGKILL'));
      crashes.push(redis.exited);
      redisUrl = redis.url;
      say(`Redis ready on 127.0.0.1:${redis.port}`);
    }
    checkpoint();

    const db = await openDatabase(databaseUrl);
    stack.push({ name: 'launcher database connection', stop: () => (db.isInitialized ? db.destroy() : Promise.resolve()) });
    const executed = await step('running pending migrations', () => runPendingMigrations(db));
    say(executed === 0 ? 'schema is up to date' : `${executed} migration(s) applied`);
    checkpoint();

    const baseUrl = reachableBaseUrl(options.config.host, options.config.port);
    const bootstrap = await ensureBootstrapOperator(db, options.config.bootstrapToken);
    const saved = saveCredentials(options.dataDir, baseUrl, bootstrap.token);
    const credentialsFile = displayPath(credentialsPath(options.dataDir));
    if (bootstrap.created) {
      say(`bootstrap operator created${options.config.bootstrapToken ? ' with the token from CARVE_BOOTSTRAP_TOKEN' : ''}; token saved to ${credentialsFile} (mode 0600)`);
    } else {
      if (options.config.bootstrapToken) warn('CARVE_BOOTSTRAP_TOKEN is ignored: an operator already exists in this database');
      say(saved.token ? `bootstrap operator exists; its token is saved in ${credentialsFile}` : `bootstrap operator exists; its token was printed on the first start (it is not in ${credentialsFile})`);
    }

    const sshKey = env.CARVE_SSH_PRIVATE_KEY_PATH ? readSshClientKey(env.CARVE_SSH_PRIVATE_KEY_PATH) : ensureSshClientKey(options.dataDir);
    if ('created' in sshKey && sshKey.created) say(`made carve's SSH key ${displayPath(sshKey.privateKeyPath)}`);
    say(`carve's SSH public key (authorize it for root on each Dom0): ${sshKey.publicKey}`);

    if (options.simHosts > 0) {
      const sims: SimHost[] = await step(`starting ${options.simHosts} simulated Dom0 host(s) (CARVE_SIM_HOSTS=0 turns them off)`, () =>
        startSimHosts({ count: options.simHosts, dataDir: options.dataDir, authorizedKey: sshKey.publicKey, db }),
      );
      stack.push({ name: 'simulated Dom0 hosts', stop: () => Promise.all(sims.map((s) => s.close())) });
    }
    await db.destroy();
    checkpoint();

    const childEnv: NodeJS.ProcessEnv = {
      ...env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      PORT: String(options.config.port),
      HOST: options.config.host,
      CARVE_SSH_PRIVATE_KEY_PATH: sshKey.privateKeyPath,
    };
    for (const [name, entry] of [['api', API_ENTRY], ['worker', WORKER_ENTRY]] as const) {
      const app = startApp(name, entry, { cwd: repoRoot, env: childEnv });
      apps.push(app);
      say(`${name} started (pid ${app.child.pid})`);
      crashes.push(app.exited.then((exit) => `the ${name} exited unexpectedly (${describeExit(exit)})`));
    }
    stack.push({ name: 'api and worker', stop: () => Promise.all(apps.map((a) => a.stop())) });

    const crashed = Promise.race(crashes);
    const stopped = signal.requested.then(() => 'stop requested');
    await step(`waiting for ${baseUrl}/health`, () => waitForHealth(baseUrl, Promise.race([crashed, stopped])));

    banner([
      `carve is running`,
      `API:           ${baseUrl}`,
      `OpenAPI docs:  ${baseUrl}/docs`,
      // The page takes the token from the URL fragment, which the browser never sends to the server.
      `Console (web): ${baseUrl}/console/SERVER-ID#token=$TOKEN`,
      ...(options.config.consoleGatewayPort > 0
        ? [`Console (SSH): ssh -p ${options.config.consoleGatewayPort} SERVERNAME@${options.config.consoleGatewayHost} (host key: GET ${baseUrl}/v1/console-gateway)`]
        : []),
      ...(bootstrap.created && bootstrap.token
        ? ['', 'Bootstrap operator token (shown once; also saved in ' + credentialsFile + '):', `  ${bootstrap.token}`, '', `export TOKEN=${bootstrap.token}`]
        : saved.token
          ? ['', `export TOKEN=$(node -p "require('${credentialsPath(options.dataDir)}').token")`]
          : ['', 'export TOKEN=<the operator token printed on the first start>']),
      `curl -H "Authorization: Bearer $TOKEN" ${baseUrl}/v1/hosts`,
      '',
      'Ctrl-C stops carve and everything npm start started.',
    ]);

    const outcome = await Promise.race([crashed.then((reason) => ({ crash: reason })), signal.requested.then(() => ({ crash: undefined }))]);
    if (outcome.crash) {
      console.error(`[carve] error: ${outcome.crash}; stopping everything. The lines above say why.`);
      await stack.stopAll(say);
      console.error('[carve] stopped after the failure above; fix it and run npm start again');
      return 1;
    }
    await stack.stopAll(say);
    say('stopped');
    return 0;
  } catch (error) {
    if (error instanceof StopRequested || (error instanceof LaunchError && signal.stopping)) {
      await stack.stopAll(say);
      say('stopped');
      return 0;
    }
    if (error instanceof LaunchError) {
      console.error(`[carve] error: ${error.message}`);
      console.error(`[carve] what to do: ${error.hint}`);
    } else {
      console.error('[carve] unexpected error (a bug in the launcher):', error);
    }
    await stack.stopAll(say);
    return 1;
  }
}
