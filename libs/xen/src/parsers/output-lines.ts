import { XenParseError } from '../errors/xen-parse.error';

export interface OutputLine {
  /** 1-based line number in the original output. */
  readonly number: number;
  /** The line without CR or trailing whitespace. */
  readonly text: string;
}

/**
 * libxl and libxc log to stderr, but a transport that merges the streams (or a
 * pty) puts them in stdout; LVM does the same with WARNING lines.
 */
const STRAY = /^(libxl|libxc|xc|xencall|xenforeignmemory|xentoollog)\s*:|^\s*WARNING:/;

/** Non-blank, non-stray lines with their original numbers. */
export function outputLines(stdout: string): OutputLine[] {
  return stdout
    .split('\n')
    .map((raw, i) => ({ number: i + 1, text: raw.replace(/\s+$/, '') }))
    .filter((line) => line.text.trim() !== '' && !STRAY.test(line.text));
}

/** Throwing helper bound to one parser name. */
export function failer(parser: string) {
  return (line: OutputLine | undefined, reason: string): never => {
    throw new XenParseError(parser, line?.number ?? 1, line?.text ?? '', reason);
  };
}

/** A failer for a missing line: points past the last line of the output. */
export function endOf(stdout: string): OutputLine {
  const lines = stdout.split('\n');
  const count = lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  return { number: Math.max(1, count), text: lines[Math.max(0, count - 1)]?.replace(/\s+$/, '') ?? '' };
}

/** Decimal integer that fits a JS number exactly; never NaN. */
export function toSafeInteger(text: string, fail: (reason: string) => never, what: string): number {
  if (!/^\d+$/.test(text)) return fail(`${what} ${JSON.stringify(text)} is not an unsigned integer`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) return fail(`${what} ${text} is larger than 2^53`);
  return value;
}

/** Unsigned decimal with an optional fraction (`%f` output); never NaN. */
export function toDecimal(text: string, fail: (reason: string) => never, what: string): number {
  if (!/^\d+(\.\d+)?$/.test(text)) return fail(`${what} ${JSON.stringify(text)} is not a number`);
  const value = Number(text);
  if (!Number.isFinite(value)) return fail(`${what} ${text} is out of range`);
  return value;
}
