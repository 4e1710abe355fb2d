import { resolve } from 'node:path';
import { ConfigError, loadConfig, type CarveConfig } from '@carve/config';
import { LaunchError } from './launch-error';

/** Simulated hosts when CARVE_SIM_HOSTS is unset: the demo dedicates one to a customer and moves a noisy server between the other two. */
export const DEFAULT_SIM_HOSTS = 3;

export interface LauncherOptions {
  /** Where embedded services, simulated hosts, keys and credentials live (CARVE_DATA_DIR, default ./.data). */
  dataDir: string;
  /** Simulated Dom0 hosts to start and register (CARVE_SIM_HOSTS, default 3: the demo dedicates one to a customer and moves a server between the two shared ones; 0 for production). */
  simHosts: number;
  /** DATABASE_URL as given; undefined means "start an embedded PostgreSQL". */
  databaseUrl?: string;
  /** REDIS_URL as given; undefined means "start redis-server". */
  redisUrl?: string;
  /** Everything else carve reads, validated now so a typo fails before any service starts. */
  config: CarveConfig;
}

// Stand-ins that pass loadConfig's URL checks while the real services are not started yet.
const PLACEHOLDER_DATABASE_URL = 'postgres://carve@127.0.0.1:5432/carve';
const PLACEHOLDER_REDIS_URL = 'redis://127.0.0.1:6379';

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The launcher is the one other place that reads process.env: it decides what to start before carve's config can load. */
export function readLauncherOptions(env: Record<string, string | undefined>): LauncherOptions {
  const databaseUrl = blankToUndefined(env.DATABASE_URL);
  const redisUrl = blankToUndefined(env.REDIS_URL);
  let config: CarveConfig;
  try {
    config = loadConfig({ ...env, DATABASE_URL: databaseUrl ?? PLACEHOLDER_DATABASE_URL, REDIS_URL: redisUrl ?? PLACEHOLDER_REDIS_URL });
  } catch (error) {
    if (error instanceof ConfigError) throw new LaunchError(error.message, 'Fix or unset the variables named above, then run npm start again.');
    throw error;
  }
  const simRaw = blankToUndefined(env.CARVE_SIM_HOSTS) ?? String(DEFAULT_SIM_HOSTS);
  if (!/^\d{1,2}$/.test(simRaw)) {
    throw new LaunchError(`CARVE_SIM_HOSTS is "${simRaw}"`, 'Set CARVE_SIM_HOSTS to a whole number from 0 to 99 (0 starts no simulated hosts).');
  }
  return {
    dataDir: resolve(blankToUndefined(env.CARVE_DATA_DIR) ?? '.data'),
    simHosts: Number(simRaw),
    databaseUrl,
    redisUrl,
    config,
  };
}
