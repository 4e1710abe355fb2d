/**
 * The replay scenario file (issue 9, item 6): what it may hold, read strictly. Every
 * problem is one ScenarioError naming the field by its path in the file
 * (`customers[0].pools[1].sizes[2].at`). Fields the format does not know are ignored, so
 * a scenario may carry notes; a known field that is missing, of the wrong type, negative
 * or more precise than carve stores is refused, never rounded or defaulted.
 */
import { displayNameProblem } from '@carve/core';
import { assertTimeZone, BillingPeriod, billingPeriod, currencyProblem, INSTANT_FORMAT, parseInstant, PRICE_KEYS, PriceKey, priceProblem, taxRateProblem, versionAt } from '@carve/billing';
import { POOL_BILLING_MODES, PoolBillingMode, PoolSizes } from '@carve/pools';

export class ScenarioError extends Error {
  constructor(
    /** Where in the file: `customers[0].pools[1].sizes[2].at`; `(file)` for the file as a whole. */
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'ScenarioError';
  }
}

export interface ScenarioPriceVersion {
  path: string;
  /** As written (the price book parses it again). */
  effectiveFrom: string;
  at: number;
  currency: string;
  prices: Record<PriceKey, string>;
}

/** A pool's size from `at` on; null: deleted. */
export interface ScenarioSizeChange {
  path: string;
  at: number;
  size: PoolSizes | null;
}

export interface ScenarioUsage {
  path: string;
  from: number;
  to: number;
  cpuMs: number;
  readBytes: number;
  writeBytes: number;
  netOutBytes: number;
  netInBytes: number;
  /** Optional in the file (`memoryMib`): what the server held; billing does not use it. */
  memoryMiB: number;
}

export interface ScenarioServer {
  path: string;
  name: string;
  usage: ScenarioUsage[];
}

export interface ScenarioPool {
  path: string;
  name: string;
  billing: PoolBillingMode;
  /** Oldest first; the first one creates the pool. */
  sizes: ScenarioSizeChange[];
  servers: ScenarioServer[];
}

export interface ScenarioRental {
  path: string;
  name: string;
  from: number;
  to: number | null;
  monthlyPrice: string;
}

export interface ScenarioCustomer {
  path: string;
  name: string;
  taxRate: string;
  pools: ScenarioPool[];
  dedicated: ScenarioRental[];
}

export interface Scenario {
  timeZone: string;
  period: BillingPeriod;
  priceBook: ScenarioPriceVersion[];
  customers: ScenarioCustomer[];
}

type Json = Record<string, unknown>;

/** PostgreSQL integer columns hold pool sizes. */
const MAX_SIZE = 2_147_483_647;
/** The scenario's usage entries longer than this are stored as gap spans (right in total, shown as estimated). */
export const GAP_AFTER_MS = 15 * 60_000;

const SIZE_FIELDS: { key: string; size: keyof PoolSizes }[] = [
  { key: 'ramMib', size: 'memoryMiB' },
  { key: 'vcpus', size: 'vcpus' },
  { key: 'diskGib', size: 'diskGiB' },
  { key: 'transferGb', size: 'transferGB' },
];
const BYTE_FIELDS = [
  { key: 'bytesRead', counter: 'readBytes' },
  { key: 'bytesWritten', counter: 'writeBytes' },
  { key: 'netOutBytes', counter: 'netOutBytes' },
  { key: 'netInBytes', counter: 'netInBytes' },
] as const;

const child = (path: string, key: string | number): string => (typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`);
const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};
const iso = (at: number) => new Date(at).toISOString();

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ScenarioError(path || '(file)', `must be a JSON object, got ${shown(value)}`);
  return value as Json;
}

function has(o: Json, key: string): boolean {
  return Object.hasOwn(o, key) && o[key] !== undefined;
}

function required(o: Json, key: string, path: string): unknown {
  if (!has(o, key)) throw new ScenarioError(child(path, key), 'is required');
  return o[key];
}

function list(o: Json, key: string, path: string, optional: boolean): unknown[] {
  if (optional && !has(o, key)) return [];
  const value = required(o, key, path);
  if (!Array.isArray(value)) throw new ScenarioError(child(path, key), `must be a list, got ${shown(value)}`);
  return value;
}

function string(o: Json, key: string, path: string): string {
  const value = required(o, key, path);
  if (typeof value !== 'string') throw new ScenarioError(child(path, key), `must be a string, got ${shown(value)}`);
  return value;
}

function name(o: Json, key: string, path: string, maxLength: number): string {
  const value = required(o, key, path);
  const problem = displayNameProblem(value, { maxLength });
  if (problem) throw new ScenarioError(child(path, key), problem);
  return value as string;
}

function instant(o: Json, key: string, path: string): number {
  const value = required(o, key, path);
  const parsed = parseInstant(value);
  if ('problem' in parsed) throw new ScenarioError(child(path, key), `not an ISO 8601 instant: expected ${INSTANT_FORMAT}, got ${shown(value)}`);
  return parsed.at;
}

/** A JSON integer, 0 <= n <= max. */
function count(o: Json, key: string, path: string, max: number): number {
  const value = required(o, key, path);
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ScenarioError(child(path, key), `must be a whole number, got ${shown(value)}`);
  if (value < 0) throw new ScenarioError(child(path, key), `must not be negative, got ${value}`);
  if (value > max) throw new ScenarioError(child(path, key), `must be at most ${max}, got ${value}`);
  return value;
}

/** Usage counters are strings so that no count passes through a float: "1000000". */
function integerString(o: Json, key: string, path: string): number {
  const value = required(o, key, path);
  const at = child(path, key);
  if (typeof value !== 'string') throw new ScenarioError(at, `must be a string of digits like "1000000" (a JSON number could lose digits), got ${shown(value)}`);
  if (/^\s*-/.test(value)) throw new ScenarioError(at, `must not be negative, got ${shown(value)}`);
  if (!/^\d+$/.test(value)) throw new ScenarioError(at, `must be a whole number of bytes written as digits, like "1000000", got ${shown(value)}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new ScenarioError(at, `must be at most ${Number.MAX_SAFE_INTEGER} (2^53 - 1), got ${shown(value)}`);
  return n;
}

/** CPU seconds with at most 3 decimals, stored as whole milliseconds: "1800.5" is 1800500 ms. */
function cpuMillis(o: Json, key: string, path: string): number {
  const value = required(o, key, path);
  const at = child(path, key);
  if (typeof value !== 'string') throw new ScenarioError(at, `must be a decimal string like "1800.5", got ${shown(value)}`);
  if (/^\s*-/.test(value)) throw new ScenarioError(at, `must not be negative, got ${shown(value)}`);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) throw new ScenarioError(at, `must be a decimal number of seconds like "1800.5" (digits, an optional point and decimals), got ${shown(value)}`);
  const decimals = m[2] ?? '';
  if (decimals.length > 3) {
    throw new ScenarioError(at, `has ${decimals.length} decimals; carve stores CPU time in whole milliseconds (3 decimals at most), and rounding billing input would change the invoice silently. Got ${shown(value)}`);
  }
  const ms = Number(m[1]) * 1000 + Number(decimals.padEnd(3, '0'));
  if (!Number.isSafeInteger(ms)) throw new ScenarioError(at, `is more milliseconds than carve can count exactly (2^53 - 1), got ${shown(value)}`);
  return ms;
}

function checkProblem(path: string, problem: string | undefined): void {
  if (problem) throw new ScenarioError(path, problem);
}

function parsePriceVersion(value: unknown, path: string): ScenarioPriceVersion {
  const o = object(value, path);
  const at = instant(o, 'effectiveFrom', path);
  checkProblem(child(path, 'currency'), currencyProblem(required(o, 'currency', path)));
  for (const key of PRICE_KEYS) checkProblem(child(path, key), priceProblem(required(o, key, path)));
  return {
    path,
    effectiveFrom: o.effectiveFrom as string,
    at,
    currency: o.currency as string,
    prices: Object.fromEntries(PRICE_KEYS.map((key) => [key, o[key] as string])) as Record<PriceKey, string>,
  };
}

function parseSizeChange(value: unknown, path: string): ScenarioSizeChange {
  const o = object(value, path);
  const at = instant(o, 'at', path);
  if (has(o, 'deleted') && typeof o.deleted !== 'boolean') throw new ScenarioError(child(path, 'deleted'), `must be true or false, got ${shown(o.deleted)}`);
  if (o.deleted === true) {
    const sized = SIZE_FIELDS.find((f) => has(o, f.key));
    if (sized) throw new ScenarioError(child(path, sized.key), 'must not be given with deleted: true (a deleted pool has no size)');
    return { path, at, size: null };
  }
  const size = {} as PoolSizes;
  for (const f of SIZE_FIELDS) size[f.size] = count(o, f.key, path, MAX_SIZE);
  return { path, at, size };
}

function parseUsage(value: unknown, path: string): ScenarioUsage {
  const o = object(value, path);
  const from = instant(o, 'from', path);
  const to = instant(o, 'to', path);
  if (to <= from) throw new ScenarioError(child(path, 'to'), `must be after from (${iso(from)}), got ${iso(to)}`);
  const cpuMs = cpuMillis(o, 'cpuSeconds', path);
  const bytes = Object.fromEntries(BYTE_FIELDS.map((f) => [f.counter, integerString(o, f.key, path)])) as Record<(typeof BYTE_FIELDS)[number]['counter'], number>;
  const memoryMiB = has(o, 'memoryMib') ? count(o, 'memoryMib', path, MAX_SIZE) : 0;
  return { path, from, to, cpuMs, ...bytes, memoryMiB };
}

function parseServer(value: unknown, path: string): ScenarioServer {
  const o = object(value, path);
  const server: ScenarioServer = { path, name: name(o, 'name', path, 100), usage: list(o, 'usage', path, true).map((u, i) => parseUsage(u, child(child(path, 'usage'), i))) };
  // carve keeps one span per (server, start) and a server cannot use the same second twice: overlapping entries would be dropped or double-counted.
  const sorted = [...server.usage].sort((a, b) => a.from - b.from || a.to - b.to);
  for (let i = 1; i < sorted.length; i++) {
    const [before, entry] = [sorted[i - 1]!, sorted[i]!];
    if (entry.from < before.to) throw new ScenarioError(child(entry.path, 'from'), `overlaps ${before.path} (${iso(before.from)} - ${iso(before.to)}): a server's usage entries must not overlap`);
  }
  return server;
}

function parsePool(value: unknown, path: string): ScenarioPool {
  const o = object(value, path);
  const poolName = name(o, 'name', path, 63);
  const billing = required(o, 'billing', path);
  if (!(POOL_BILLING_MODES as readonly unknown[]).includes(billing)) throw new ScenarioError(child(path, 'billing'), `must be one of ${POOL_BILLING_MODES.join(', ')}, got ${shown(billing)}`);
  const sizesPath = child(path, 'sizes');
  const sizes = list(o, 'sizes', path, false).map((s, i) => parseSizeChange(s, child(sizesPath, i)));
  if (sizes.length === 0) throw new ScenarioError(sizesPath, 'must hold at least the size the pool was created with');
  if (sizes[0]!.size === null) throw new ScenarioError(sizes[0]!.path, 'the first entry creates the pool: it needs sizes, not deleted: true');
  for (let i = 1; i < sizes.length; i++) {
    if (sizes[i]!.at <= sizes[i - 1]!.at) throw new ScenarioError(child(sizes[i]!.path, 'at'), `must be after ${sizes[i - 1]!.path}.at (${iso(sizes[i - 1]!.at)}): sizes are listed oldest first`);
    if (sizes[i - 1]!.size === null) throw new ScenarioError(sizes[i]!.path, `comes after the pool's deletion (${sizes[i - 1]!.path}); a deleted pool does not come back (add another pool)`);
  }
  const servers = list(o, 'servers', path, true).map((s, i) => parseServer(s, child(child(path, 'servers'), i)));
  unique(servers, 'servers');
  return { path, name: poolName, billing: billing as PoolBillingMode, sizes, servers };
}

function parseRental(value: unknown, path: string): ScenarioRental {
  const o = object(value, path);
  const rentalName = name(o, 'name', path, 63);
  const from = instant(o, 'from', path);
  // `to` must be there, null while the box is still rented: a misspelt key must not read as "rented for ever".
  const to = required(o, 'to', path) === null ? null : instant(o, 'to', path);
  if (to !== null && to <= from) throw new ScenarioError(child(path, 'to'), `must be after from (${iso(from)}), got ${iso(to)}`);
  checkProblem(child(path, 'monthlyPrice'), priceProblem(required(o, 'monthlyPrice', path)));
  return { path, name: rentalName, from, to, monthlyPrice: o.monthlyPrice as string };
}

function parseCustomer(value: unknown, path: string): ScenarioCustomer {
  const o = object(value, path);
  const customerName = name(o, 'name', path, 100);
  checkProblem(child(path, 'taxRate'), taxRateProblem(required(o, 'taxRate', path)));
  const pools = list(o, 'pools', path, true).map((p, i) => parsePool(p, child(child(path, 'pools'), i)));
  const dedicated = list(o, 'dedicated', path, true).map((d, i) => parseRental(d, child(child(path, 'dedicated'), i)));
  // Invoice lines name pools and rentals: one name, one thing (carve compares pool names without case).
  unique([...pools, ...dedicated], 'pools and dedicated rentals');
  return { path, name: customerName, taxRate: o.taxRate as string, pools, dedicated };
}

function unique(items: readonly { name: string; path: string }[], what: string): void {
  const seen = new Map<string, string>();
  for (const item of items) {
    const key = item.name.toLowerCase();
    const first = seen.get(key);
    if (first) throw new ScenarioError(child(item.path, 'name'), `${shown(item.name)} is already the name of ${first}: ${what} need distinct names (case does not count)`);
    seen.set(key, item.path);
  }
}

/** The scenario in a file's text; throws ScenarioError for the first problem found. */
export function parseScenario(text: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError('(file)', `is not valid JSON: ${(error as Error).message}`);
  }
  const o = object(json, '');
  let timeZone = 'UTC';
  if (has(o, 'timeZone')) {
    timeZone = string(o, 'timeZone', '');
    try {
      assertTimeZone(timeZone);
      if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(timeZone)) throw new RangeError();
    } catch {
      throw new ScenarioError('timeZone', `must be an IANA time zone such as "UTC" or "Australia/Melbourne", got ${shown(timeZone)}`);
    }
  }
  const month = string(o, 'period', '');
  let period: BillingPeriod;
  try {
    period = billingPeriod(month, timeZone);
  } catch {
    throw new ScenarioError('period', `must be a month as YYYY-MM, like "2026-10", got ${shown(month)}`);
  }
  const priceBook = list(o, 'priceBook', '', false).map((v, i) => parsePriceVersion(v, `priceBook[${i}]`));
  const seen = new Map<number, string>();
  for (const v of priceBook) {
    const first = seen.get(v.at);
    if (first) throw new ScenarioError(`${v.path}.effectiveFrom`, `is the same instant as ${first}.effectiveFrom (${iso(v.at)}): two versions cannot take effect at once`);
    seen.set(v.at, v.path);
  }
  const atEnd = versionAt(priceBook.map((v) => ({ id: v.path, effectiveFrom: v.at, currency: v.currency, prices: v.prices })), period.end - 1);
  if (!atEnd) throw new ScenarioError('priceBook', `no version is in force at the end of ${month} (${timeZone}, ${iso(period.end)}), and usage is priced with that one: add a version effective before it`);
  const customers = list(o, 'customers', '', false).map((c, i) => parseCustomer(c, `customers[${i}]`));
  unique(customers, 'customers');
  return { timeZone, period, priceBook, customers };
}
