import { failer, outputLines, toSafeInteger } from './output-lines';

export interface XlUptimeEntry {
  readonly name: string;
  readonly domid: number;
  readonly uptimeSeconds: number;
}

export interface XlShortUptimeEntry {
  readonly name: string;
  readonly domid: number;
  /** Host wall-clock time as printed, `HH:MM:SS`. */
  readonly currentTime: string;
  /** Minute resolution: `-s` prints no seconds. */
  readonly uptimeSeconds: number;
}

const HEADER = /^Name\s+ID\s+Uptime$/;
/** `12 days,  3:04:05`, `1 day, 22:00:07`, ` 9:59:01` after NAME and ID. */
const ROW = /^(.*\S)\s+(\d+)\s+(?:(\d+) days?,\s+)?(\d+):(\d{2}):(\d{2})$/;
/** ` 14:27:33 up 12 days,  3:04, Domain-0 (0)` */
const SHORT_ROW = /^(\d{1,2}:\d{2}:\d{2}) up\s+(?:(\d+) days?,\s+)?(\d+):(\d{2}), (.*\S) \((\d+)\)$/;

export function parseXlUptime(stdout: string): XlUptimeEntry[] {
  const fail = failer('xl uptime');
  const lines = outputLines(stdout);
  if (lines.length === 0) return fail(undefined, 'no output: expected the xl uptime header');
  if (!HEADER.test(lines[0].text.trim())) return fail(lines[0], 'expected the header "Name ID Uptime"');
  return lines.slice(1).map((line) => {
    const at = (reason: string): never => fail(line, reason);
    const m = ROW.exec(line.text.trim()) ?? at('expected NAME ID [N day(s), ]H:MM:SS');
    const [days, hours, minutes, seconds] = [m[3] ?? '0', m[4], m[5], m[6]].map((t) => toSafeInteger(t, at, 'uptime field'));
    if (minutes > 59 || seconds > 59) at('minutes and seconds must be below 60');
    return { name: m[1], domid: toSafeInteger(m[2], at, 'ID'), uptimeSeconds: ((days * 24 + hours) * 60 + minutes) * 60 + seconds };
  });
}

export function parseXlUptimeShort(stdout: string): XlShortUptimeEntry[] {
  const fail = failer('xl uptime -s');
  return outputLines(stdout).map((line) => {
    const at = (reason: string): never => fail(line, reason);
    const m = SHORT_ROW.exec(line.text.trim()) ?? at('expected "HH:MM:SS up [N days, ]H:MM, NAME (ID)"');
    const [days, hours, minutes] = [m[2] ?? '0', m[3], m[4]].map((t) => toSafeInteger(t, at, 'uptime field'));
    if (minutes > 59) at('minutes must be below 60');
    return { name: m[5], domid: toSafeInteger(m[6], at, 'ID'), currentTime: m[1], uptimeSeconds: ((days * 24 + hours) * 60 + minutes) * 60 };
  });
}
