/** `npm run bench:collect -- --hosts N --domains D --intervals I --interval-seconds S --warmup W --sim-processes P [--hosts-at-once K]` */
export interface CollectOptions {
  hosts: number;
  domains: number;
  /** Consecutive intervals measured (CPU, memory, every host read), after the warm-up. */
  intervals: number;
  /** METERING_INTERVAL_SECONDS for the worker (carve accepts 10 or more). */
  intervalSeconds: number;
  /** Intervals before the measured ones: SSH connections opened, first readings (they only set cursors). */
  warmup: number;
  /** Processes the simulated hosts are split over (each is one Node thread: one alone bounds how fast 1,000 hosts answer). */
  simProcesses: number;
  /** METERING_HOSTS_AT_ONCE; carve's default when not given. */
  hostsAtOnce?: number;
}

export const USAGE = 'use --hosts N (1000) --domains D (50) --intervals I (30) --interval-seconds S (60, at least 10) --warmup W (2, at least 1) --sim-processes P (2) [--hosts-at-once K]';

export function parseCollectOptions(argv: readonly string[]): CollectOptions {
  const options: CollectOptions = { hosts: 1000, domains: 50, intervals: 30, intervalSeconds: 60, warmup: 2, simProcesses: 2 };
  const keys: Record<string, keyof CollectOptions> = {
    '--hosts': 'hosts',
    '--domains': 'domains',
    '--intervals': 'intervals',
    '--interval-seconds': 'intervalSeconds',
    '--warmup': 'warmup',
    '--sim-processes': 'simProcesses',
    '--hosts-at-once': 'hostsAtOnce',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const key = keys[flag];
    const value = argv[i + 1];
    if (!key) throw new Error(`unknown argument ${flag}; ${USAGE}`);
    if (value === undefined || !/^\d{1,5}$/.test(value) || Number(value) < 1) throw new Error(`${flag} needs a whole number of at least 1; ${USAGE}`);
    options[key] = Number(value);
  }
  if (options.intervalSeconds < 10) throw new Error('--interval-seconds must be 10 or more (carve refuses METERING_INTERVAL_SECONDS below 10)');
  if (options.domains > 50) throw new Error('--domains is at most 50 (a host of the bench fleet holds 50 servers of 1 vCPU, 1 GiB and 10 GiB)');
  if (options.simProcesses > options.hosts) options.simProcesses = options.hosts;
  if (options.intervals < 2) throw new Error('--intervals must be at least 2 (memory over intervals needs a first and a last)');
  return options;
}
