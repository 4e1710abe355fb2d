import { parseArgs } from 'node:util';
import { PROFILE_NAMES, type ProfileName } from './usage-profiles';

export interface SeedOptions {
  /** How many servers to seed (picked or created); ignored when serverIds are given. */
  servers: number;
  days: number;
  /** Where the history ends (exclusive, an hour boundary); undefined: the start of the current hour. */
  end?: number;
  /** Seed only this customer's servers (created, with synthetic servers, when it does not exist). */
  customer?: string;
  /** Seed exactly these servers. */
  serverIds: string[];
  /** Decides every profile, curve and noise draw: the same seed writes the same usage. */
  seed: number;
  /** Spans per UsageIngest.ingestSpans call (whole hours of a server, so a little more). */
  batchSpans: number;
  /** Ingest calls in flight at once. */
  concurrency: number;
  /** Workload profiles chosen for servers by id (the others draw theirs from the seed). */
  profiles: ReadonlyMap<string, ProfileName>;
  /** Give each seeded server's pool its first size from the window's start, so past months bill (demos). */
  poolsFromStart: boolean;
}

export type SeedCommand = { help: true } | { help: false; options: SeedOptions };

export class SeedOptionsError extends Error {}

export const DEFAULTS = { servers: 20, days: 30, seed: 1, batchSpans: 2000, concurrency: 2 } as const;
export const MAX_DAYS = 400;

export const HELP = `npm run seed:usage -- [options]

Writes realistic usage history for servers through carve's metering ingest path
(UsageIngest.ingestSpans), so graphs, benchmarks and billing have months of data.
Hourly spans for days older than 2 days, 60-second spans for the last 2 days; each
server gets a workload profile (web, cpu-bound, io-heavy, network-heavy, idle) with a
daily curve in its users' time zone, weekday/weekend differences, noise and now and
then a few minutes of missed readings (a gap span).

Which servers:
  --servers N         the N most recently created running servers (default ${DEFAULTS.servers}); when
                      there are fewer, synthetic ones are created: customers "seed customer K",
                      each with a synthetic host dedicated to it (retired, so nothing tries to
                      reach it) and up to 20 running servers in a dedicated pool on it
  --customer NAME     only that customer's servers; it gets synthetic servers (and is created)
                      when it has fewer than N running servers
  --server ID         exactly this server (repeat for more); nothing is created

History:
  --days D            days of history up to --end (default ${DEFAULTS.days}, at most ${MAX_DAYS} and within
                      METERING_1H_RETENTION_MONTHS, since the hourly rollup is how a rerun knows
                      what it wrote)
  --end ISO           where it ends, e.g. 2026-03-01T00:00Z (rounded down to the hour; default:
                      the start of the current hour; not in the future)
  --seed S            the same seed writes the same usage (default ${DEFAULTS.seed})
  --profile ID=NAME   this server's workload profile (${PROFILE_NAMES.join(', ')}) instead
                      of the one the seed draws (repeat for more servers)
  --pools-from-start  backdates the first size of each seeded server's pool to the start of
                      the history (when it is later), so the pools existed, and bill, in the
                      months the history covers; for demos and trials, never on a live carve
                      whose invoices matter

Writing:
  --batch SPANS       spans per ingest call (default ${DEFAULTS.batchSpans})
  --concurrency C     ingest calls at once (default ${DEFAULTS.concurrency})
  -h, --help          this text

Running it again writes nothing twice: hours that already hold usage for a server are
skipped (so it can be stopped with Ctrl-C and resumed, or extended with more --days),
and so are hours the worker has metered or will meter (from its last reading on).

Cost: a server-year is about 11,600 spans, and the ingest path adds each hourly span to
twelve 5-minute rollup rows (about 105,000 per server-year, dropped by the worker after
METERING_5M_RETENTION_DAYS); expect 5 to 15 s per server-year on a 2-core machine.

Database: DATABASE_URL (and REDIS_URL), or else the embedded PostgreSQL and Redis of
npm start in CARVE_DATA_DIR (default ./.data), started for the run when npm start is
not running.

Examples:
  npm run seed:usage -- --servers 100 --days 30
  npm run seed:usage -- --customer "Acme GmbH" --servers 5 --days 365 --seed 7
  npm run seed:usage -- --server 0b6c6c53-3f0e-4d43-9a4b-2f3c2e1d7a10 --days 7`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOUR_MS = 3_600_000;

function integer(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new SeedOptionsError(`--${name} is "${text}"; give a whole number from ${min} to ${max}`);
  }
  return Number(text);
}

/** An instant with a date and a zone, rounded down to its hour. */
function endOf(text: string | undefined, now: number): number | undefined {
  if (text === undefined) return undefined;
  // A date alone is UTC midnight; a time needs its zone, so the same command means the same instant everywhere.
  const at = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/i.test(text) ? Date.parse(text.toUpperCase()) : Number.NaN;
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (Number.isNaN(at) || new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) throw new SeedOptionsError(`--end is "${text}"; give an ISO 8601 instant with its zone, like 2026-03-01T00:00Z or 2026-03-01T08:00+01:00, or a date like 2026-03-01 (UTC)`);
  const end = Math.floor(at / HOUR_MS) * HOUR_MS;
  if (end > now) throw new SeedOptionsError(`--end ${text} is in the future; usage history ends at the latest at the start of the current hour`);
  return end;
}

export function parseSeedArgs(argv: readonly string[], now: number = Date.now()): SeedCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        servers: { type: 'string' },
        days: { type: 'string' },
        end: { type: 'string' },
        customer: { type: 'string' },
        server: { type: 'string', multiple: true },
        seed: { type: 'string' },
        profile: { type: 'string', multiple: true },
        'pools-from-start': { type: 'boolean' },
        batch: { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new SeedOptionsError(`${error instanceof Error ? error.message : String(error)} (see --help)`);
  }
  const v = parsed.values;
  if (v.help) return { help: true };
  const serverIds = [...new Set((v.server ?? []).map((id) => id.toLowerCase()))];
  const bad = serverIds.find((id) => !UUID.test(id));
  if (bad !== undefined) throw new SeedOptionsError(`--server "${bad}" is not a server id (a UUID)`);
  if (serverIds.length > 0 && (v.servers !== undefined || v.customer !== undefined)) {
    throw new SeedOptionsError('--server names the servers to seed; leave out --servers and --customer with it');
  }
  if (v.customer !== undefined && v.customer.trim() === '') throw new SeedOptionsError('--customer needs a customer name');
  const profiles = new Map<string, ProfileName>();
  for (const text of v.profile ?? []) {
    const [id, name] = text.split('=');
    if (id === undefined || !UUID.test(id) || name === undefined || !(PROFILE_NAMES as readonly string[]).includes(name)) {
      throw new SeedOptionsError(`--profile "${text}" is not SERVER_ID=PROFILE with a profile among ${PROFILE_NAMES.join(', ')}`);
    }
    profiles.set(id.toLowerCase(), name as ProfileName);
  }
  return {
    help: false,
    options: {
      servers: serverIds.length > 0 ? serverIds.length : integer('servers', v.servers, DEFAULTS.servers, 1, 100_000),
      days: integer('days', v.days, DEFAULTS.days, 1, MAX_DAYS),
      end: endOf(v.end, now),
      customer: v.customer?.trim(),
      serverIds,
      seed: integer('seed', v.seed, DEFAULTS.seed, 0, 0xffff_ffff),
      batchSpans: integer('batch', v.batch, DEFAULTS.batchSpans, 60, 100_000),
      concurrency: integer('concurrency', v.concurrency, DEFAULTS.concurrency, 1, 8),
      profiles,
      poolsFromStart: v['pools-from-start'] === true,
    },
  };
}
