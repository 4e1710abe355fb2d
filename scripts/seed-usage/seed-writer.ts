import type { SpanBatch, UsageIngest } from '@carve/metering';
import type { SeedServer } from './seed-fleet';
import { ExistingUsage, leaveAlone } from './existing-usage';
import { SeedWindow, seedHours } from './span-plan';
import { traitsFor, type ProfileName } from './usage-profiles';

export interface SeedTotals {
  serversDone: number;
  /** Spans handed to UsageIngest.ingestSpans. */
  spansSent: number;
  /** Of those, the ones it stored (the others were there already). */
  spansAdded: number;
  /** Server-hours not written because usage was there already (or the collector covers them). */
  hoursSkipped: number;
  /** Spans those hours would have had, for the ETA. */
  spansSkipped: number;
  ingestCalls: number;
}

export interface SeedWriterSettings {
  seed: number;
  window: SeedWindow;
  batchSpans: number;
  concurrency: number;
  /** Profiles chosen by server id; the others are drawn from the seed. */
  profiles?: ReadonlyMap<string, ProfileName>;
}

/** Servers whose existing usage is read in one query. */
const SERVERS_PER_LOOKUP = 25;

/**
 * Feeds the servers' hours to UsageIngest.ingestSpans in batches of whole hours, with a
 * few calls in flight. Each server goes through one lane, so two calls never touch the
 * same server's rollup rows. stop() lets the calls in flight finish and writes nothing
 * after them: what is written is whole hours, which the next run skips.
 */
export class SeedWriter {
  readonly totals: SeedTotals = { serversDone: 0, spansSent: 0, spansAdded: 0, hoursSkipped: 0, spansSkipped: 0, ingestCalls: 0 };
  private stopping = false;

  constructor(
    private readonly ingest: UsageIngest,
    private readonly existing: ExistingUsage,
    private readonly settings: SeedWriterSettings,
  ) {}

  stop(): void {
    this.stopping = true;
  }

  get stopped(): boolean {
    return this.stopping;
  }

  async write(servers: readonly SeedServer[]): Promise<SeedTotals> {
    // Small enough that every lane gets servers when there are few of them.
    const perChunk = Math.max(1, Math.min(SERVERS_PER_LOOKUP, Math.ceil(servers.length / this.settings.concurrency)));
    const chunks: SeedServer[][] = [];
    for (let i = 0; i < servers.length; i += perChunk) chunks.push(servers.slice(i, i + perChunk));
    const lanes = Array.from({ length: Math.min(this.settings.concurrency, chunks.length) }, () => this.lane(chunks));
    // One failed call stops the others at their next batch; the first error is the one reported.
    const stopOthers = (error: unknown): never => {
      this.stopping = true;
      throw error;
    };
    const results = await Promise.allSettled(lanes.map((lane) => lane.catch(stopOthers)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return this.totals;
  }

  private async lane(chunks: SeedServer[][]): Promise<void> {
    const { seed, window, batchSpans } = this.settings;
    let batch: SpanBatch[] = [];
    let size = 0;
    const flush = async () => {
      if (size === 0) return;
      const sent = size;
      const pending = batch;
      batch = [];
      size = 0;
      const added = await this.ingest.ingestSpans(pending);
      this.totals.spansSent += sent;
      this.totals.spansAdded += added;
      this.totals.ingestCalls += 1;
    };
    for (let chunk = chunks.shift(); chunk && !this.stopping; chunk = chunks.shift()) {
      const existing = await this.existing.of(chunk.map((s) => s.id), window);
      for (const server of chunk) {
        if (this.stopping) break;
        const traits = traitsFor(seed, server, this.settings.profiles?.get(server.id));
        const usage = existing.get(server.id);
        const skip = (hour: number) => {
          if (!leaveAlone(usage, hour)) return false;
          this.totals.hoursSkipped += 1;
          this.totals.spansSkipped += hour < window.minutesFrom ? 1 : 60;
          return true;
        };
        let current: SpanBatch | undefined;
        for (const { spans } of seedHours(traits, window, skip)) {
          if (!current) {
            current = { server: { id: server.id, customerId: server.customerId, poolId: server.poolId }, hostId: server.hostId, spans: [] };
            batch.push(current);
          }
          for (const span of spans) current.spans.push(span);
          size += spans.length;
          if (size >= batchSpans) {
            await flush();
            current = undefined;
            if (this.stopping) break;
          }
        }
        if (!this.stopping) this.totals.serversDone += 1;
      }
    }
    await flush();
  }
}
