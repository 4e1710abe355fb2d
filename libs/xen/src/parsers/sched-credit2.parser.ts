import { failer, outputLines, toSafeInteger } from './output-lines';

export interface SchedCredit2Entry {
  readonly pool: string;
  readonly name: string;
  readonly domid: number;
  readonly weight: number;
  /** % of one pCPU, 0 = no cap. */
  readonly cap: number;
}

const POOL = /^Cpupool (\S+): ratelimit=(\d+)us/;
const HEADER = /^Name\s+ID\s+Weight\s+Cap$/;
const ROW = /^(.*\S)\s+(\d+)\s+(\d+)\s+(\d+)$/;

/** The listing form of `xl sched-credit2`: per cpupool a `Cpupool` line, a header and rows. */
export function parseSchedCredit2(stdout: string): SchedCredit2Entry[] {
  const fail = failer('xl sched-credit2');
  let pool: string | undefined;
  const entries: SchedCredit2Entry[] = [];
  for (const line of outputLines(stdout)) {
    const text = line.text.trim();
    const poolMatch = POOL.exec(text);
    if (poolMatch) {
      pool = poolMatch[1];
      continue;
    }
    if (HEADER.test(text)) continue;
    const at = (reason: string): never => fail(line, reason);
    const m = ROW.exec(text) ?? at('expected NAME ID WEIGHT CAP');
    if (pool === undefined) at('row before any "Cpupool" line');
    entries.push({ pool: pool as string, name: m[1], domid: toSafeInteger(m[2], at, 'ID'), weight: toSafeInteger(m[3], at, 'Weight'), cap: toSafeInteger(m[4], at, 'Cap') });
  }
  return entries;
}
