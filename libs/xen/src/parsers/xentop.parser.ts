import { DomainState, parseXentopState } from './domain-state';
import { failer, OutputLine, outputLines, toDecimal, toSafeInteger } from './output-lines';

export interface XentopDomain {
  /** Cut to 10 characters unless xentop ran with -f. */
  readonly name: string;
  readonly stateText: string;
  readonly state: DomainState;
  /** Whole seconds, truncated. */
  readonly cpuSeconds: number;
  /** % of ONE physical CPU since the previous iteration (0 in the first). */
  readonly cpuPercent: number;
  readonly memKiB: number;
  readonly memPercent: number;
  /** null for `no limit` (Dom0 without dom0_mem=...,max:). */
  readonly maxMemKiB: number | null;
  readonly maxMemPercent: number | null;
  readonly vcpus: number;
  readonly nets: number;
  /** KiB Dom0 sent TO the guest (guest receive). */
  readonly netTxKiB: number;
  /** KiB Dom0 received FROM the guest (guest transmit). */
  readonly netRxKiB: number;
  readonly vbds: number;
  /** VBD counters are null when xentop printed `-` (all reads failed). */
  readonly vbdOo: number | null;
  readonly vbdRd: number | null;
  readonly vbdWr: number | null;
  readonly vbdRsect: number | null;
  readonly vbdWsect: number | null;
  readonly ssid: number | null;
}

export interface XentopSample {
  /** How many iterations the output held; the domains are from the last. */
  readonly iterations: number;
  readonly domains: readonly XentopDomain[];
}

const PARSER = 'xentop';
const COLUMNS = ['NAME', 'STATE', 'CPU(sec)', 'CPU(%)', 'MEM(k)', 'MEM(%)', 'MAXMEM(k)', 'MAXMEM(%)', 'VCPUS', 'NETS', 'NETTX(k)', 'NETRX(k)', 'VBDS', 'VBD_OO', 'VBD_RD', 'VBD_WR', 'VBD_RSECT', 'VBD_WSECT', 'SSID'] as const;
type Column = (typeof COLUMNS)[number];
/** Lines printed by -x, -n and -v under a domain row. */
const DETAIL = /^\s*(VBD |Net\d+ |VCPUs\()/;

function isHeader(line: OutputLine): boolean {
  return /^NAME\s+STATE\s/.test(line.text.trim());
}

function parseHeader(line: OutputLine, fail: (l: OutputLine, r: string) => never): string[] {
  const header = line.text.trim().split(/\s+/);
  for (const column of header) {
    if (!(COLUMNS as readonly string[]).includes(column)) fail(line, `unknown column ${column}`);
  }
  for (const required of ['NAME', 'STATE', 'CPU(sec)', 'CPU(%)', 'MEM(k)', 'MAXMEM(k)'] as const) {
    if (!header.includes(required)) fail(line, `missing column ${required}`);
  }
  return header;
}

function parseRow(line: OutputLine, header: readonly string[], fail: (l: OutputLine, r: string) => never): XentopDomain {
  const at = (reason: string): never => fail(line, reason);
  const tokens = line.text.trim().split(/\s+/);
  // `no limit` is the one value with a space; it sits in MAXMEM(k), 13th from the right with SSID.
  const maxMemFromRight = header.length - header.indexOf('MAXMEM(k)');
  const i = tokens.length - maxMemFromRight;
  if (tokens[i] === 'limit' && tokens[i - 1] === 'no') tokens.splice(i - 1, 2, 'no limit');
  const valueColumns = header.length - 1;
  if (tokens.length < header.length) return at(`expected ${header.length} columns, got ${tokens.length}`);
  const values = new Map<string, string>();
  header.slice(1).forEach((column, k) => values.set(column, tokens[tokens.length - valueColumns + k]));
  const name = tokens.slice(0, tokens.length - valueColumns).join(' ');
  const get = (column: Column): string => values.get(column) ?? at(`missing column ${column}`);
  const has = (column: Column): boolean => values.has(column);
  const int = (column: Column): number => toSafeInteger(get(column), at, column);
  const dec = (column: Column): number => toDecimal(get(column), at, column);
  const counter = (column: Column): number | null => (!has(column) || get(column) === '-' ? null : int(column));
  const stateText = get('STATE');
  const maxMem = get('MAXMEM(k)');
  const maxMemPct = get('MAXMEM(%)');
  return {
    name,
    stateText,
    state: parseXentopState(stateText) ?? at(`state ${JSON.stringify(stateText)} is not six letters dsbcpr`),
    cpuSeconds: int('CPU(sec)'),
    cpuPercent: dec('CPU(%)'),
    memKiB: int('MEM(k)'),
    memPercent: dec('MEM(%)'),
    maxMemKiB: maxMem === 'no limit' ? null : int('MAXMEM(k)'),
    maxMemPercent: maxMemPct === 'n/a' ? null : dec('MAXMEM(%)'),
    vcpus: int('VCPUS'),
    nets: int('NETS'),
    netTxKiB: int('NETTX(k)'),
    netRxKiB: int('NETRX(k)'),
    vbds: int('VBDS'),
    vbdOo: counter('VBD_OO'),
    vbdRd: counter('VBD_RD'),
    vbdWr: counter('VBD_WR'),
    vbdRsect: counter('VBD_RSECT'),
    vbdWsect: counter('VBD_WSECT'),
    ssid: counter('SSID'),
  };
}

/** One header line and the rows printed under it (detail lines dropped). */
interface Block {
  readonly header: readonly string[];
  readonly rows: XentopDomain[];
}

/** strcasecmp: ASCII letters folded, then byte order. */
function compareNames(a: string, b: string): number {
  const fold = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const x = fold(a);
  const y = fold(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * With -r every header holds one row, so headers no longer mark iterations.
 * Each iteration lists every domain once, sorted by name (strcasecmp), so a
 * row that sorts before the previous one, or repeats its name, starts the
 * next iteration. Without -f names are cut to their first 10 characters, and
 * two such names may be equal within one iteration: an equal 10-character
 * name is kept in the same iteration (an iteration always holds Domain-0 too,
 * so a lone 10-character domain repeated is not a real case).
 */
function splitRepeatedHeaderIterations(rows: readonly XentopDomain[]): XentopDomain[][] {
  const iterations: XentopDomain[][] = [];
  let previous: XentopDomain | undefined;
  for (const row of rows) {
    const order = previous === undefined ? -1 : compareNames(row.name, previous.name);
    const startsIteration = previous === undefined || order < 0 || (order === 0 && row.name.length !== 10);
    if (startsIteration) iterations.push([row]);
    else iterations[iterations.length - 1].push(row);
    previous = row;
  }
  return iterations;
}

/**
 * `xentop -b -i N`: header + rows per iteration, no separator; with -r a header
 * before every row. Reads the last iteration (the first has CPU(%) 0.0).
 * Columns are found by the header names, from the right, so widened columns
 * and full (-f) names both read.
 */
export function parseXentop(stdout: string): XentopSample {
  const fail = failer(PARSER);
  const lines = outputLines(stdout);
  if (!lines.some(isHeader)) return fail(lines[0], 'no xentop header (NAME STATE ...) found');
  if (!isHeader(lines[0])) return fail(lines[0], 'expected the xentop header before any row');
  const blocks: Block[] = [];
  for (const line of lines) {
    if (isHeader(line)) {
      blocks.push({ header: parseHeader(line, fail), rows: [] });
    } else if (!DETAIL.test(line.text)) {
      const block = blocks[blocks.length - 1];
      block.rows.push(parseRow(line, block.header, fail));
    }
  }
  // Without -r an iteration with several domains has them all under one header.
  if (!blocks.every((block) => block.rows.length === 1)) {
    return { iterations: blocks.length, domains: blocks[blocks.length - 1].rows };
  }
  const iterations = splitRepeatedHeaderIterations(blocks.flatMap((block) => block.rows));
  return { iterations: iterations.length, domains: iterations[iterations.length - 1] };
}
