import { endOf, failer, OutputLine, outputLines, toDecimal, toSafeInteger } from './output-lines';

export interface XlInfo {
  /** Every `key: value` line, as printed. */
  readonly values: Readonly<Record<string, string>>;
  readonly host?: string;
  readonly release?: string;
  readonly nrCpus: number;
  readonly nrNodes?: number;
  readonly coresPerSocket?: number;
  readonly threadsPerCore?: number;
  readonly cpuMhz?: number;
  readonly totalMemoryMiB: number;
  /** What can still be given to DomUs. */
  readonly freeMemoryMiB: number;
  readonly xenMajor?: number;
  readonly xenMinor?: number;
  readonly xenVersion?: string;
  readonly xenScheduler?: string;
  readonly xenCommandline?: string;
  /** From `dom0_mem=` on the Xen command line, when present. */
  readonly dom0MemoryMiB?: number;
  readonly dom0MaxMemoryMiB?: number;
}

const PARSER = 'xl info';
const KEY_VALUE = /^([a-z0-9_]+)\s*:\s?(.*)$/;
const UNIT_TO_MIB: Record<string, number> = { B: 1 / (1 << 20), K: 1 / 1024, M: 1, G: 1024, T: 1 << 20 };

/** `4096M`, `4G`, `524288K` (no unit = bytes, as Xen's parse_size_and_unit). */
function sizeToMiB(text: string): number | undefined {
  const m = /^(\d+)([BKMGT]?)$/i.exec(text);
  if (!m) return undefined;
  const mib = Number(m[1]) * UNIT_TO_MIB[(m[2] || 'B').toUpperCase()];
  return Number.isFinite(mib) ? Math.floor(mib) : undefined;
}

/** `dom0_mem=4096M,max:4096M` (also `min:`), anywhere on the Xen command line. */
export function parseDom0Mem(commandline: string): { memoryMiB?: number; maxMemoryMiB?: number } {
  const option = /(?:^|\s)dom0_mem=(\S+)/.exec(commandline);
  if (!option) return {};
  const result: { memoryMiB?: number; maxMemoryMiB?: number } = {};
  for (const part of option[1].split(',')) {
    if (part.startsWith('max:')) result.maxMemoryMiB = sizeToMiB(part.slice(4));
    else if (!part.includes(':')) result.memoryMiB = sizeToMiB(part);
  }
  return result;
}

export function parseXlInfo(stdout: string): XlInfo {
  const fail = failer(PARSER);
  const values: Record<string, string> = {};
  const lineOf: Record<string, OutputLine> = {};
  for (const line of outputLines(stdout)) {
    const m = KEY_VALUE.exec(line.text) ?? fail(line, 'expected "key : value"');
    values[m[1]] = m[2].trim();
    lineOf[m[1]] = line;
  }
  const end = endOf(stdout);
  const required = (key: string, read: (t: string, f: (r: string) => never, what: string) => number): number => {
    const text = values[key];
    if (text === undefined) return fail(end, `missing ${key}`);
    return read(text, (r) => fail(lineOf[key], r), key);
  };
  const optional = (key: string, read: (t: string, f: (r: string) => never, what: string) => number): number | undefined =>
    values[key] === undefined ? undefined : read(values[key], (r) => fail(lineOf[key], r), key);
  const dom0 = parseDom0Mem(values.xen_commandline ?? '');
  return {
    values,
    host: values.host,
    release: values.release,
    nrCpus: required('nr_cpus', toSafeInteger),
    nrNodes: optional('nr_nodes', toSafeInteger),
    coresPerSocket: optional('cores_per_socket', toSafeInteger),
    threadsPerCore: optional('threads_per_core', toSafeInteger),
    cpuMhz: optional('cpu_mhz', toDecimal),
    totalMemoryMiB: required('total_memory', toSafeInteger),
    freeMemoryMiB: required('free_memory', toSafeInteger),
    xenMajor: optional('xen_major', toSafeInteger),
    xenMinor: optional('xen_minor', toSafeInteger),
    xenVersion: values.xen_version,
    xenScheduler: values.xen_scheduler,
    xenCommandline: values.xen_commandline,
    ...(dom0.memoryMiB !== undefined ? { dom0MemoryMiB: dom0.memoryMiB } : {}),
    ...(dom0.maxMemoryMiB !== undefined ? { dom0MaxMemoryMiB: dom0.maxMemoryMiB } : {}),
  };
}

/** `xl info free_memory` prints only the value. */
export function parseXlInfoValue(stdout: string): string {
  const lines = outputLines(stdout);
  if (lines.length !== 1) return failer('xl info <key>')(lines[1] ?? endOf(stdout), `expected exactly one value line, got ${lines.length}`);
  return lines[0].text.trim();
}

export function parseXlInfoInteger(stdout: string): number {
  const lines = outputLines(stdout);
  const value = parseXlInfoValue(stdout);
  return toSafeInteger(value, (r) => failer('xl info <key>')(lines[0], r), 'value');
}
