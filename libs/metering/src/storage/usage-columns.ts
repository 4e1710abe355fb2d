import { UsageCounter, USAGE_COUNTERS } from '../usage';

/** The column of each counter, the same in raw spans and in every rollup. */
export const COUNTER_COLUMNS: Readonly<Record<UsageCounter, string>> = {
  cpuMs: 'cpu_ms',
  readRequests: 'read_requests',
  writeRequests: 'write_requests',
  readBytes: 'read_bytes',
  writeBytes: 'write_bytes',
  ooRequests: 'oo_requests',
  netOutBytes: 'net_out_bytes',
  netInBytes: 'net_in_bytes',
  readTicksMs: 'read_ticks_ms',
  writeTicksMs: 'write_ticks_ms',
  queueTicksMs: 'queue_ticks_ms',
};

export const COUNTER_COLUMN_LIST = USAGE_COUNTERS.map((c) => COUNTER_COLUMNS[c]);

export const ROLLUP_TABLES = { fiveMinutes: 'usage_5m', hour: 'usage_1h', day: 'usage_1d' } as const;
export type RollupTable = (typeof ROLLUP_TABLES)[keyof typeof ROLLUP_TABLES];
export const ROLLUP_BUCKET_MS: Readonly<Record<RollupTable, number>> = { usage_5m: 300_000, usage_1h: 3_600_000, usage_1d: 86_400_000 };
