import type { INestApplicationContext } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { UsageCoverage, UsageIngest } from '@carve/metering';
import { PoolRepository } from '@carve/pools';
import { ExistingUsage } from './existing-usage';
import { SeedFleet } from './seed-fleet';
import { SeedOptions, SeedOptionsError } from './seed-options';
import { formatCount, formatDuration, progressLine } from './seed-progress';
import { SeedTotals, SeedWriter } from './seed-writer';
import { SeedWindow, seedWindow, spansInWindow } from './span-plan';
import { DAY_MS, HOUR_MS } from './usage-profiles';

export interface SeedSummary {
  servers: number;
  created: number;
  window: SeedWindow;
  totals: SeedTotals;
  elapsedMs: number;
  /** Stopped by the signal before every server was written. */
  interrupted: boolean;
}

export interface SeedRunIo {
  say(line: string): void;
  now?: () => number;
  /** Aborting finishes the ingest calls in flight and writes nothing after them. */
  signal?: AbortSignal;
  progressEveryMs?: number;
}

/** The window the options ask for, refused when it reaches past the hourly rollup's retention (how a rerun knows what is written). */
export function windowFor(options: Pick<SeedOptions, 'days' | 'end'>, config: CarveConfig, now: number): SeedWindow {
  const end = options.end ?? Math.floor(now / HOUR_MS) * HOUR_MS;
  const window = seedWindow(end, options.days);
  const months = config.meteringRetention.hourlyMonths;
  const oldest = now - months * 31 * DAY_MS;
  if (window.start < oldest) {
    const most = Math.floor((end - oldest) / DAY_MS);
    throw new SeedOptionsError(
      `--days ${options.days} up to ${new Date(end).toISOString()} reaches back past the hourly rollup's retention (METERING_1H_RETENTION_MONTHS=${months}): ` +
        `the worker would drop those hours, and a second run could not tell they were written. Use --days ${Math.max(1, most)} or less, or a later --end.`,
    );
  }
  return window;
}

/** Picks (or makes) the servers and writes their usage through UsageIngest.ingestSpans. */
export async function runSeedUsage(app: INestApplicationContext, options: SeedOptions, io: SeedRunIo): Promise<SeedSummary> {
  const now = io.now ?? Date.now;
  const window = windowFor(options, app.get(CarveConfig), now());
  const chosen = await new SeedFleet(app, io.say).choose(options);
  const plan = { servers: chosen.servers.length, spans: chosen.servers.length * spansInWindow(window) };
  io.say(
    `seeding ${formatCount(plan.servers)} server(s)${chosen.created > 0 ? ` (${chosen.created} made now)` : ''} from ${new Date(window.start).toISOString()} to ${new Date(window.end).toISOString()}: ` +
      (window.minutesFrom > window.start ? `hourly spans until ${new Date(window.minutesFrom).toISOString()}, then ` : '') +
      `60-second spans; up to ${formatCount(plan.spans)} spans, seed ${options.seed}`,
  );
  const writer = new SeedWriter(app.get(UsageIngest), new ExistingUsage(app.get(UsageCoverage)), {
    seed: options.seed,
    window,
    batchSpans: options.batchSpans,
    concurrency: options.concurrency,
    profiles: options.profiles,
  });

  const onAbort = () => writer.stop();
  io.signal?.addEventListener('abort', onAbort);
  const started = now();
  const timer = setInterval(() => io.say(progressLine(writer.totals, plan, now() - started)), io.progressEveryMs ?? 5000);
  timer.unref();
  try {
    const totals = await writer.write(chosen.servers);
    const elapsedMs = now() - started;
    io.say(progressLine(totals, plan, elapsedMs));
    const interrupted = writer.stopped && totals.serversDone < plan.servers;
    // Last, once the usage is in: a scheduled invoice run that sees the pools' new past then sees its usage too.
    if (options.poolsFromStart && !interrupted) {
      const poolIds = [...new Set(chosen.servers.map((s) => s.poolId))];
      const moved = await app.get(PoolRepository).backdateFirstSizes(poolIds, new Date(window.start));
      io.say(`--pools-from-start: ${moved} of ${poolIds.length} pool(s) now have their first size from ${new Date(window.start).toISOString()}`);
    }
    io.say(
      `${interrupted ? 'stopped' : 'done'} in ${formatDuration(elapsedMs)}: ${formatCount(totals.spansAdded)} spans written in ${formatCount(totals.ingestCalls)} ingest calls` +
        (interrupted ? '; run the same command again to go on' : ''),
    );
    return { servers: plan.servers, created: chosen.created, window, totals, elapsedMs, interrupted };
  } finally {
    clearInterval(timer);
    io.signal?.removeEventListener('abort', onAbort);
  }
}
