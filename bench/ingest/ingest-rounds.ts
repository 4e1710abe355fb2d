/**
 * The measured path: for each collection interval, every host's reading text is parsed
 * (parseMeteringReading) and handed to UsageIngest.ingestHostReading, a few hosts at once
 * as the collector runs them; the next interval starts when every host of this one is in.
 */
import type { UsageIngest } from '@carve/metering';
import { parseMeteringReading } from '@carve/xen';
import { runLimited } from '../timing';
import { BenchFleet, BenchHost, VOLUME_GROUP } from './bench-fleet';
import { renderReading } from './reading-text';

export const INTERVAL_MS = 60_000;

/** When host `host` is read in interval `interval` after `startMs`: the host's own offset, and a little jitter. */
export function readingTime(startMs: number, host: BenchHost, interval: number): number {
  return startMs + interval * INTERVAL_MS + host.readOffsetMs + ((interval * 37 + host.index * 11) % 150);
}

export interface Round {
  interval: number;
  texts: { host: BenchHost; text: string }[];
}

/** The fleet's next interval, as text: counters grow by one interval, then every host prints its reading. */
export function nextRound(fleet: BenchFleet, startMs: number, interval: number): Round {
  fleet.advance();
  return { interval, texts: fleet.hosts.map((host) => ({ host, text: renderReading(host, readingTime(startMs, host, interval)) })) };
}

export interface IngestTotals {
  wallMs: number;
  hostReadings: number;
  domainReadings: number;
  spans: number;
  gaps: number;
  losses: number;
  duplicates: number;
  /** Time spent in parseMeteringReading, summed over readings (it runs on the event loop, one at a time). */
  parseMs: number;
}

export async function ingestRounds(ingest: UsageIngest, rounds: readonly Round[], hostsAtOnce: number): Promise<IngestTotals> {
  const totals: IngestTotals = { wallMs: 0, hostReadings: 0, domainReadings: 0, spans: 0, gaps: 0, losses: 0, duplicates: 0, parseMs: 0 };
  const started = process.hrtime.bigint();
  for (const round of rounds) {
    await runLimited(round.texts.length, hostsAtOnce, async (i) => {
      const { host, text } = round.texts[i]!;
      const parseStart = process.hrtime.bigint();
      const reading = parseMeteringReading(text, VOLUME_GROUP);
      totals.parseMs += Number(process.hrtime.bigint() - parseStart) / 1e6;
      const result = await ingest.ingestHostReading(host.id, reading, host.domains.map((d) => d.server), INTERVAL_MS);
      totals.hostReadings += 1;
      totals.domainReadings += reading.domains.length;
      totals.spans += result.spans;
      totals.gaps += result.gaps;
      totals.losses += result.losses;
      if (result.duplicate) totals.duplicates += 1;
    });
  }
  totals.wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  return totals;
}
