import type { SeedTotals } from './seed-writer';

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** One line of progress: servers done, spans written, rate and the time left at that rate. */
export function progressLine(totals: SeedTotals, plan: { servers: number; spans: number }, elapsedMs: number): string {
  const finished = totals.serversDone >= plan.servers;
  // Gap spans make a server's hours a few spans short of the plan: finished is 100%.
  const done = finished ? plan.spans : Math.min(plan.spans, totals.spansSent + totals.spansSkipped);
  const rate = elapsedMs > 0 ? totals.spansSent / (elapsedMs / 1000) : 0;
  const left = plan.spans - done;
  const eta = left === 0 ? '0 s' : rate > 0 ? formatDuration((left / rate) * 1000) : '?';
  const already = totals.spansSent - totals.spansAdded;
  return (
    `${formatCount(totals.serversDone)}/${formatCount(plan.servers)} servers, ${formatCount(totals.spansAdded)} spans written` +
    (already > 0 ? ` (${formatCount(already)} were there already)` : '') +
    (totals.hoursSkipped > 0 ? `, ${formatCount(totals.hoursSkipped)} server-hours skipped` : '') +
    `, ${formatCount(rate)} spans/s, ${((100 * done) / Math.max(1, plan.spans)).toFixed(1)}%, ETA ${eta}`
  );
}
