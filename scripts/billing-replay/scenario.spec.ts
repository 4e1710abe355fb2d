import { replayEvents } from './replay-events';
import { parseScenario, ScenarioError } from './scenario';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PRICES = {
  effectiveFrom: '2026-01-01T00:00:00Z',
  currency: 'AUD',
  ramGibMonth: '5.00',
  vcpuMonth: '4.00',
  diskGibMonth: '0.08',
  transferGbMonth: '0.002',
  transferOverageGb: '0.10',
  cpuHour: '0.015',
  includedCpuHoursPerVcpuMonth: '200',
  ioGb: '0.02',
  includedIoGbPerDiskGibMonth: '10',
  bandwidthMbitMonth: '1.50',
};
const USAGE = { from: '2026-10-01T00:00:00Z', to: '2026-10-01T01:00:00Z', cpuSeconds: '1800.5', bytesRead: '1000000', bytesWritten: '2000000', netOutBytes: '3000000', netInBytes: '400000' };

function scenario(): Json {
  return {
    timeZone: 'Australia/Melbourne',
    period: '2026-10',
    priceBook: [{ ...PRICES }],
    customers: [
      {
        name: 'acme',
        taxRate: '0.10',
        pools: [
          {
            name: 'web',
            billing: 'transfer',
            sizes: [
              { at: '2026-09-20T00:00:00Z', ramMib: 4096, vcpus: 4, diskGib: 80, transferGb: 2000 },
              { at: '2026-10-15T03:00:00Z', deleted: true },
            ],
            servers: [{ name: 'web1', usage: [{ ...USAGE }] }],
          },
        ],
        dedicated: [{ name: 'box1', from: '2026-10-10T00:00:00Z', to: null, monthlyPrice: '120.00' }],
      },
    ],
  };
}

function problemWith(change: (s: Json) => void): string {
  const s = scenario();
  change(s);
  try {
    parseScenario(JSON.stringify(s));
  } catch (error) {
    if (error instanceof ScenarioError) return error.message;
    throw error;
  }
  throw new Error('the scenario was accepted');
}

describe('parseScenario', () => {
  it("reads the issue's example: the period in its zone, sizes, usage in whole milliseconds, rentals", () => {
    const s = parseScenario(JSON.stringify(scenario()));
    expect(s.period).toMatchObject({ month: '2026-10', timeZone: 'Australia/Melbourne', start: Date.parse('2026-09-30T14:00:00Z'), end: Date.parse('2026-10-31T13:00:00Z') });
    const [acme] = s.customers;
    expect(acme!.pools[0]!.sizes.map((c) => c.size)).toEqual([{ memoryMiB: 4096, vcpus: 4, diskGiB: 80, transferGB: 2000 }, null]);
    expect(acme!.pools[0]!.servers[0]!.usage[0]).toMatchObject({ cpuMs: 1_800_500, readBytes: 1_000_000, writeBytes: 2_000_000, netOutBytes: 3_000_000, netInBytes: 400_000, memoryMiB: 0 });
    expect(acme!.dedicated[0]).toMatchObject({ name: 'box1', to: null, monthlyPrice: '120.00' });
  });

  it('accepts fields the format does not know, and leaves out optional lists and the zone (UTC)', () => {
    const s = scenario();
    s.note = 'audit 2026';
    s.customers[0].pools[0].servers[0].usage[0].host = 'h1';
    delete s.customers[0].dedicated;
    delete s.timeZone;
    const parsed = parseScenario(JSON.stringify(s));
    expect(parsed.timeZone).toBe('UTC');
    expect(parsed.customers[0]!.dedicated).toEqual([]);
  });

  it.each<[string, (s: Json) => void, string]>([
    ['the root', (s) => (s.customers = 5), 'customers: must be a list, got 5'],
    ['a bad zone', (s) => (s.timeZone = 'Mars/Olympus'), 'timeZone: must be an IANA time zone such as "UTC" or "Australia/Melbourne", got "Mars/Olympus"'],
    ['a bad period', (s) => (s.period = '2026-13'), 'period: must be a month as YYYY-MM, like "2026-10", got "2026-13"'],
    ['a missing period', (s) => delete s.period, 'period: is required'],
    ['an instant without offset', (s) => (s.customers[0].pools[0].sizes[1].at = '2026-10-15T03:00:00'), 'customers[0].pools[0].sizes[1].at: not an ISO 8601 instant'],
    ['a date that does not exist', (s) => (s.customers[0].dedicated[0].from = '2026-02-30T00:00:00Z'), 'customers[0].dedicated[0].from: not an ISO 8601 instant'],
    ['a negative price', (s) => (s.priceBook[0].ioGb = '-0.02'), 'priceBook[0].ioGb: must not be negative'],
    ['a price as a JSON number', (s) => (s.priceBook[0].ramGibMonth = 5), 'priceBook[0].ramGibMonth: must be a string'],
    ['an unknown currency', (s) => (s.priceBook[0].currency = 'XYZ'), 'priceBook[0].currency: must be an ISO 4217 currency code'],
    ['a missing price', (s) => delete s.priceBook[0].bandwidthMbitMonth, 'priceBook[0].bandwidthMbitMonth: is required'],
    ['two versions at one instant', (s) => s.priceBook.push({ ...PRICES, effectiveFrom: '2026-01-01T11:00:00+11:00' }), 'priceBook[1].effectiveFrom: is the same instant as priceBook[0].effectiveFrom'],
    ['no version at the period end', (s) => (s.priceBook[0].effectiveFrom = '2026-11-01T00:00:00Z'), 'priceBook: no version is in force at the end of 2026-10'],
    ['a tax rate of 1', (s) => (s.customers[0].taxRate = '1'), 'customers[0].taxRate: must be a decimal string from 0 up to but not including 1'],
    ['a missing tax rate', (s) => delete s.customers[0].taxRate, 'customers[0].taxRate: is required'],
    ['an unknown billing mode', (s) => (s.customers[0].pools[0].billing = '95th'), 'customers[0].pools[0].billing: must be one of transfer, p95, got "95th"'],
    ['a fractional size', (s) => (s.customers[0].pools[0].sizes[0].diskGib = 80.5), 'customers[0].pools[0].sizes[0].diskGib: must be a whole number, got 80.5'],
    ['a size too large for carve', (s) => (s.customers[0].pools[0].sizes[0].ramMib = 2 ** 31), 'customers[0].pools[0].sizes[0].ramMib: must be at most 2147483647'],
    ['sizes out of order', (s) => (s.customers[0].pools[0].sizes[1].at = '2026-09-01T00:00:00Z'), 'customers[0].pools[0].sizes[1].at: must be after customers[0].pools[0].sizes[0].at'],
    ['a pool created deleted', (s) => (s.customers[0].pools[0].sizes = [{ at: '2026-10-01T00:00:00Z', deleted: true }]), 'customers[0].pools[0].sizes[0]: the first entry creates the pool'],
    ['a size after the deletion', (s) => s.customers[0].pools[0].sizes.push({ at: '2026-10-20T00:00:00Z', ramMib: 1, vcpus: 1, diskGib: 1, transferGb: 1 }), 'customers[0].pools[0].sizes[2]: comes after the pool\'s deletion'],
    ['deleted with sizes', (s) => (s.customers[0].pools[0].sizes[1].vcpus = 2), 'customers[0].pools[0].sizes[1].vcpus: must not be given with deleted: true'],
    ['no sizes', (s) => (s.customers[0].pools[0].sizes = []), 'customers[0].pools[0].sizes: must hold at least the size'],
    ['CPU seconds with 4 decimals', (s) => (s.customers[0].pools[0].servers[0].usage[0].cpuSeconds = '0.0001'), 'customers[0].pools[0].servers[0].usage[0].cpuSeconds: has 4 decimals; carve stores CPU time in whole milliseconds'],
    ['negative CPU seconds', (s) => (s.customers[0].pools[0].servers[0].usage[0].cpuSeconds = '-1'), 'customers[0].pools[0].servers[0].usage[0].cpuSeconds: must not be negative'],
    ['CPU seconds as a number', (s) => (s.customers[0].pools[0].servers[0].usage[0].cpuSeconds = 1800.5), 'customers[0].pools[0].servers[0].usage[0].cpuSeconds: must be a decimal string'],
    ['bytes as a JSON number', (s) => (s.customers[0].pools[0].servers[0].usage[0].bytesRead = 1000000), 'customers[0].pools[0].servers[0].usage[0].bytesRead: must be a string of digits'],
    ['negative bytes', (s) => (s.customers[0].pools[0].servers[0].usage[0].netOutBytes = '-3'), 'customers[0].pools[0].servers[0].usage[0].netOutBytes: must not be negative'],
    ['bytes with a point', (s) => (s.customers[0].pools[0].servers[0].usage[0].netInBytes = '4.5'), 'customers[0].pools[0].servers[0].usage[0].netInBytes: must be a whole number of bytes'],
    ['bytes past 2^53', (s) => (s.customers[0].pools[0].servers[0].usage[0].bytesWritten = '9007199254740993'), 'customers[0].pools[0].servers[0].usage[0].bytesWritten: must be at most 9007199254740991'],
    ['an empty span', (s) => (s.customers[0].pools[0].servers[0].usage[0].to = USAGE.from), 'customers[0].pools[0].servers[0].usage[0].to: must be after from'],
    [
      'overlapping usage of one server',
      (s) => s.customers[0].pools[0].servers[0].usage.push({ ...USAGE, from: '2026-10-01T00:30:00Z', to: '2026-10-01T01:30:00Z' }),
      'customers[0].pools[0].servers[0].usage[1].from: overlaps customers[0].pools[0].servers[0].usage[0]',
    ],
    ['two servers of one name', (s) => s.customers[0].pools[0].servers.push({ name: 'web1' }), 'customers[0].pools[0].servers[1].name: "web1" is already the name of customers[0].pools[0].servers[0]'],
    ['a rental named like a pool', (s) => (s.customers[0].dedicated[0].name = 'WEB'), 'customers[0].dedicated[0].name: "WEB" is already the name of customers[0].pools[0]'],
    ['two customers of one name', (s) => s.customers.push({ name: 'Acme', taxRate: '0' }), 'customers[1].name: "Acme" is already the name of customers[0]'],
    ['a name with a newline', (s) => (s.customers[0].name = 'ac\nme'), 'customers[0].name: must not contain control'],
    ['a rental without its end', (s) => delete s.customers[0].dedicated[0].to, 'customers[0].dedicated[0].to: is required'],
    ['a rental ending before it starts', (s) => (s.customers[0].dedicated[0].to = '2026-10-01T00:00:00Z'), 'customers[0].dedicated[0].to: must be after from'],
    ['a negative monthly price', (s) => (s.customers[0].dedicated[0].monthlyPrice = '-120.00'), 'customers[0].dedicated[0].monthlyPrice: must not be negative'],
  ])('refuses %s, naming the field', (_what, change, message) => {
    expect(problemWith(change)).toContain(message);
  });

  it('refuses text that is not JSON, or JSON that is not an object', () => {
    expect(() => parseScenario('{"period":')).toThrow(/^\(file\): is not valid JSON: /);
    expect(() => parseScenario('[1]')).toThrow('(file): must be a JSON object, got [1]');
  });
});

describe('replayEvents', () => {
  it('orders events in time, prices before pools at one instant; usage arrives when its span ends, and not before its pool exists', () => {
    const s = scenario();
    s.customers[0].pools[0].servers[0].usage.push({ ...USAGE, from: '2026-09-01T00:00:00Z', to: '2026-09-01T01:00:00Z' });
    s.priceBook.push({ ...PRICES, effectiveFrom: '2026-09-20T00:00:00Z' });
    const events = replayEvents(parseScenario(JSON.stringify(s)));
    expect(events.map((e) => [e.type, new Date(e.at).toISOString(), e.path])).toEqual([
      ['price-version', '2026-01-01T00:00:00.000Z', 'priceBook[0]'],
      ['price-version', '2026-09-20T00:00:00.000Z', 'priceBook[1]'],
      ['pool-size', '2026-09-20T00:00:00.000Z', 'customers[0].pools[0].sizes[0]'],
      ['usage', '2026-09-20T00:00:00.000Z', 'customers[0].pools[0].servers[0].usage[1]'],
      ['usage', '2026-10-01T01:00:00.000Z', 'customers[0].pools[0].servers[0].usage[0]'],
      ['rental-start', '2026-10-10T00:00:00.000Z', 'customers[0].dedicated[0]'],
      ['pool-size', '2026-10-15T03:00:00.000Z', 'customers[0].pools[0].sizes[1]'],
    ]);
  });
});
