// npm run billing:replay end to end: scenario files through the real CLI (a child process
// with its own fresh database), each invoice checked against a plain decimal calculation
// of the rules as issue 9 states them, written here without carve's billing code.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from '@carve/testing';
import Decimal from 'decimal.js';
import { Client } from 'pg';

const D = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_UP });
type Dec = InstanceType<typeof D>;
const ROOT = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'billing-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function replay(input: { file: string } | { stdin: string }): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, TEST_POSTGRES_URL, REDIS_URL: TEST_REDIS_URL };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'scripts/billing-replay.ts', 'file' in input ? input.file : '-'], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end('stdin' in input ? input.stdin : undefined);
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The replay's output as JSON; a failed replay fails the test with what it said. */
function printed(run: Run): Json {
  if (run.code !== 0) throw new Error(`billing:replay exited with ${run.code}:\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

function scenarioFile(name: string, scenario: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}

/** The replay's database must be gone afterwards. */
async function expectDropped(stderr: string): Promise<void> {
  const name = /database (carve_replay_[0-9a-f]+) created/.exec(stderr)?.[1];
  expect(name).toBeDefined();
  expect(stderr).toContain(`database ${name} dropped`);
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    expect((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount).toBe(0);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------
// The rules of issue 9, item 2, as a plain calculation on decimals.
// ---------------------------------------------------------------------------------------

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const ms = (iso: string) => Date.parse(iso);
const FIVE_MINUTES = 300_000;

/** The period's bounds are written out per scenario (the zone's offsets looked up by hand), not computed with carve's code. */
function expectedInvoices(scenario: Json, period: { start: string; end: string }, digits: number): Json[] {
  const start = ms(period.start);
  const end = ms(period.end);
  const length = new D(end - start);
  const versions = [...scenario.priceBook].sort((a: Json, b: Json) => ms(a.effectiveFrom) - ms(b.effectiveFrom));
  const versionAt = (at: number) => versions.filter((v: Json) => ms(v.effectiveFrom) <= at).at(-1)!;
  const atEnd = versionAt(end - 1); // usage: the version in force at the period's last instant
  const money = (x: Dec) => x.toDecimalPlaces(digits, D.ROUND_HALF_UP);
  const out: Json[] = [];

  for (const customer of scenario.customers) {
    const lines: { pool: string; kind: string; amount: Dec }[] = [];
    for (const pool of customer.pools ?? []) {
      const changes = pool.sizes.map((s: Json) => ({ at: ms(s.at), size: s.deleted ? null : s }));
      const cuts = [...new Set([start, end, ...changes.map((c: Json) => c.at), ...versions.map((v: Json) => ms(v.effectiveFrom))].filter((t) => t >= start && t <= end))].sort((a, b) => a - b);
      const kinds: [string, (s: Json) => Dec, string][] = [
        ['ram', (s) => new D(s.ramMib).div(1024), 'ramGibMonth'],
        ['vcpu', (s) => new D(s.vcpus), 'vcpuMonth'],
        ['disk', (s) => new D(s.diskGib), 'diskGibMonth'],
        ['transfer-allowance', (s) => new D(s.transferGb), 'transferGbMonth'],
      ];
      const months: Record<string, Dec> = {};
      for (const [kind, size, price] of kinds) {
        months[kind] = new D(0);
        if (kind === 'transfer-allowance' && pool.billing === 'p95') continue;
        const byVersion = new Map<Json, Dec>();
        for (let i = 0; i + 1 < cuts.length; i++) {
          const [a, b] = [cuts[i]!, cuts[i + 1]!];
          const current = changes.filter((c: Json) => c.at <= a).at(-1);
          if (!current?.size) continue;
          const v = versionAt(a);
          const q = size(current.size).mul(b - a).div(length);
          byVersion.set(v, (byVersion.get(v) ?? new D(0)).add(q));
        }
        for (const [v, q] of byVersion) {
          months[kind] = months[kind]!.add(q);
          if (!q.isZero()) lines.push({ pool: pool.name, kind, amount: money(q.mul(v[price])) });
        }
      }
      // Usage inside the period; an entry crossing a bound counts in proportion to time.
      const used = { cpu: new D(0), io: new D(0), out: new D(0) };
      const buckets = new Map<number, { in: Dec; out: Dec }>();
      for (const server of pool.servers ?? []) {
        for (const u of server.usage ?? []) {
          const [from, to] = [ms(u.from), ms(u.to)];
          const overlap = Math.min(to, end) - Math.max(from, start);
          if (overlap <= 0) continue;
          const share = new D(overlap).div(to - from);
          used.cpu = used.cpu.add(new D(u.cpuSeconds).mul(share));
          used.io = used.io.add(new D(u.bytesRead).add(u.bytesWritten).mul(share));
          used.out = used.out.add(new D(u.netOutBytes).mul(share));
          if (pool.billing === 'p95') {
            if (to - from !== FIVE_MINUTES || from % FIVE_MINUTES !== 0) throw new Error('this calculation takes p95 usage as clock-aligned 5-minute entries');
            const b = buckets.get(from) ?? { in: new D(0), out: new D(0) };
            buckets.set(from, { in: b.in.add(u.netInBytes), out: b.out.add(u.netOutBytes) });
          }
        }
      }
      const overage = (kind: string, quantity: Dec, price: string) => {
        if (quantity.gt(0)) lines.push({ pool: pool.name, kind, amount: money(quantity.mul(price)) });
      };
      overage('cpu-overage', used.cpu.div(3600).sub(new D(atEnd.includedCpuHoursPerVcpuMonth).mul(months.vcpu!)), atEnd.cpuHour);
      overage('io-overage', used.io.div(1e9).sub(new D(atEnd.includedIoGbPerDiskGibMonth).mul(months.disk!)), atEnd.ioGb);
      if (pool.billing === 'transfer') {
        overage('transfer-overage', used.out.div(1e9).sub(months['transfer-allowance']!), atEnd.transferOverageGb);
      } else {
        const rates = [...buckets.values()].map((b) => D.max(b.in, b.out).mul(8).div(300).div(1e6)).sort((a, b) => a.cmp(b));
        if (rates.length > 0) overage('bandwidth-p95', rates[Math.ceil(0.95 * rates.length) - 1]!, atEnd.bandwidthMbitMonth);
      }
    }
    for (const rental of customer.dedicated ?? []) {
      const overlap = Math.min(rental.to === null ? end : ms(rental.to), end) - Math.max(ms(rental.from), start);
      if (overlap > 0) lines.push({ pool: rental.name, kind: 'dedicated', amount: money(new D(overlap).div(length).mul(rental.monthlyPrice)) });
    }
    if (lines.length === 0) continue;
    const subtotal = lines.reduce((sum, l) => sum.add(l.amount), new D(0));
    const tax = money(subtotal.mul(customer.taxRate));
    out.push({
      customer: customer.name,
      currency: atEnd.currency,
      subtotal: subtotal.toFixed(digits),
      tax: tax.toFixed(digits),
      total: subtotal.add(tax).toFixed(digits),
      lines: lines.map((l) => ({ pool: l.pool, kind: l.kind, amount: l.amount.toFixed(digits) })),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------

/** The example, as written there. */
const README_SCENARIO = {
  timeZone: 'Australia/Melbourne',
  period: '2026-10',
  priceBook: [
    {
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
    },
  ],
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
          servers: [
            {
              name: 'web1',
              usage: [{ from: '2026-10-01T00:00:00Z', to: '2026-10-01T01:00:00Z', cpuSeconds: '1800.5', bytesRead: '1000000', bytesWritten: '2000000', netOutBytes: '3000000', netInBytes: '400000' }],
            },
          ],
        },
      ],
      dedicated: [{ name: 'box1', from: '2026-10-10T00:00:00Z', to: null, monthlyPrice: '120.00' }],
    },
  ],
};
/** Melbourne: AEST (+10) on 1 October, AEDT (+11) from 4 October 02:00 to the end of the month. */
const MELBOURNE_OCTOBER_2026 = { start: '2026-09-30T14:00:00Z', end: '2026-10-31T13:00:00Z' };

/** Deterministic noise. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const EUR_V1 = {
  currency: 'EUR',
  ramGibMonth: '4.50',
  vcpuMonth: '3.25',
  diskGibMonth: '0.07',
  transferGbMonth: '0.001',
  transferOverageGb: '0.05',
  cpuHour: '0.012',
  includedCpuHoursPerVcpuMonth: '150',
  ioGb: '0.015',
  includedIoGbPerDiskGibMonth: '4',
  bandwidthMbitMonth: '0.90',
};

/**
 * Europe/Berlin, March 2027 (clocks go forward on the 28th): a p95 pool fed 5-minute
 * entries by two servers (one all month with an hour missing, one for three days) and
 * resized mid-month; a price change on the 15th (recurring lines split by version, usage
 * priced at the later one); a version starting exactly at the period's end (not used);
 * a transfer pool created and deleted inside the month with usage before its creation
 * and a gap span across the period's start; a dedicated rental ending mid-month; a
 * customer whose only pool ended before the month (no invoice).
 */
function secondScenario(): Json {
  const start = ms('2027-02-28T23:00:00Z');
  const end = ms('2027-03-31T22:00:00Z');
  const next = random(42);
  const edge = (from: number, to: number, skip: (i: number) => boolean, scale: number) => {
    const usage: Json[] = [];
    for (let at = from, i = 0; at < to; at += FIVE_MINUTES, i++) {
      if (skip(i)) continue;
      const daily = 0.5 + 0.5 * Math.sin((2 * Math.PI * (at % 86_400_000)) / 86_400_000);
      usage.push({
        from: new Date(at).toISOString(),
        to: new Date(at + FIVE_MINUTES).toISOString(),
        cpuSeconds: (Math.floor(next() * 2_000_000) / 1000).toFixed(3),
        bytesRead: String(Math.floor(next() * 200_000_000)),
        bytesWritten: String(Math.floor(next() * 150_000_000)),
        netOutBytes: String(Math.floor(scale * (daily * 2_500_000_000 + next() * 600_000_000))),
        netInBytes: String(Math.floor(scale * next() * 1_800_000_000)),
      });
    }
    return usage;
  };
  const hourly = (from: string, hours: number) =>
    Array.from({ length: hours }, (_, h) => ({
      from: new Date(ms(from) + h * 3_600_000).toISOString(),
      to: new Date(ms(from) + (h + 1) * 3_600_000).toISOString(),
      cpuSeconds: '2400.125',
      bytesRead: '1500000001',
      bytesWritten: '700000000',
      netOutBytes: '1000000000',
      netInBytes: '90000000',
    }));
  return {
    timeZone: 'Europe/Berlin',
    period: '2027-03',
    comment: 'fields the format does not know are accepted',
    priceBook: [
      { effectiveFrom: '2026-01-01T00:00:00Z', ...EUR_V1 },
      { effectiveFrom: '2027-03-15T00:00:00+01:00', ...EUR_V1, ramGibMonth: '5.10', vcpuMonth: '3.40', cpuHour: '0.02', ioGb: '0.021', bandwidthMbitMonth: '1.10', transferOverageGb: '0.065' },
      { effectiveFrom: '2027-04-01T00:00:00+02:00', ...EUR_V1, ramGibMonth: '99', cpuHour: '9', bandwidthMbitMonth: '99' },
    ],
    customers: [
      {
        name: 'globex',
        taxRate: '0.19',
        pools: [
          {
            name: 'cdn',
            billing: 'p95',
            sizes: [
              { at: '2027-02-01T00:00:00Z', ramMib: 8192, vcpus: 8, diskGib: 200, transferGb: 0 },
              { at: '2027-03-20T12:00:00Z', ramMib: 16384, vcpus: 12, diskGib: 200, transferGb: 0 },
            ],
            servers: [
              { name: 'edge1', usage: edge(start, end, (i) => i >= 1000 && i < 1012, 1) },
              { name: 'edge2', note: 'extra field', usage: edge(ms('2027-03-10T00:00:00Z'), ms('2027-03-13T00:00:00Z'), () => false, 0.6) },
            ],
          },
        ],
      },
      {
        name: 'initech',
        taxRate: '0',
        pools: [
          {
            name: 'db',
            billing: 'transfer',
            sizes: [
              { at: '2027-03-05T06:30:00Z', ramMib: 6144, vcpus: 2, diskGib: 120, transferGb: 100 },
              { at: '2027-03-25T00:00:00Z', deleted: true },
            ],
            servers: [
              {
                name: 'db1',
                usage: [
                  // A gap span across the period's start: half of it belongs to March.
                  { from: '2027-02-28T22:00:00Z', to: '2027-03-01T00:00:00Z', cpuSeconds: '7200.002', bytesRead: '4000000000', bytesWritten: '2000000000', netOutBytes: '80000000000', netInBytes: '6' },
                  ...hourly('2027-03-02T00:00:00Z', 24 * 20),
                ],
              },
            ],
          },
        ],
        dedicated: [{ name: 'rack7', from: '2027-02-10T00:00:00Z', to: '2027-03-18T09:15:00Z', monthlyPrice: '899.99' }],
      },
      {
        name: 'hooli',
        taxRate: '0.19',
        pools: [{ name: 'old', billing: 'transfer', sizes: [{ at: '2027-01-01T00:00:00Z', ramMib: 1024, vcpus: 1, diskGib: 10, transferGb: 10 }, { at: '2027-02-01T00:00:00Z', deleted: true }] }],
        dedicated: [],
      },
    ],
  };
}
const BERLIN_MARCH_2027 = { start: '2027-02-28T23:00:00Z', end: '2027-03-31T22:00:00Z' };

/** JPY (no minor unit), February of a leap year in UTC, a resize, CPU beyond what is included, a rental all month. */
const JPY_SCENARIO = {
  period: '2028-02',
  priceBook: [
    {
      effectiveFrom: '2027-12-01T00:00:00Z',
      currency: 'JPY',
      ramGibMonth: '700',
      vcpuMonth: '550',
      diskGibMonth: '11',
      transferGbMonth: '0.3',
      transferOverageGb: '15',
      cpuHour: '2.1',
      includedCpuHoursPerVcpuMonth: '20',
      ioGb: '3',
      includedIoGbPerDiskGibMonth: '5',
      bandwidthMbitMonth: '210',
    },
  ],
  customers: [
    {
      name: 'yamada',
      taxRate: '0.10',
      pools: [
        {
          name: 'app',
          billing: 'transfer',
          sizes: [
            { at: '2028-02-10T08:00:00Z', ramMib: 3072, vcpus: 3, diskGib: 50, transferGb: 500 },
            { at: '2028-02-20T00:00:00Z', ramMib: 6144, vcpus: 3, diskGib: 50, transferGb: 500 },
          ],
          servers: [
            {
              name: 'app1',
              usage: Array.from({ length: 24 * 19 }, (_, h) => ({
                from: new Date(ms('2028-02-10T08:00:00Z') + h * 3_600_000).toISOString(),
                to: new Date(ms('2028-02-10T08:00:00Z') + (h + 1) * 3_600_000).toISOString(),
                cpuSeconds: '3599.999',
                bytesRead: '300000000',
                bytesWritten: '100000000',
                netOutBytes: '2000000000',
                netInBytes: '1',
              })),
            },
          ],
        },
      ],
      dedicated: [{ name: 'metal1', from: '2028-01-01T00:00:00Z', to: null, monthlyPrice: '15000' }],
    },
  ],
};
const UTC_FEBRUARY_2028 = { start: '2028-02-01T00:00:00Z', end: '2028-03-01T00:00:00Z' };

// ---------------------------------------------------------------------------------------

jest.setTimeout(60_000);

describe('npm run billing:replay', () => {
  // The three replays run at once, each in its own database.
  const second = secondScenario();
  let started: Promise<[Run, Run, Run]> | undefined;
  const runs = () => (started ??= Promise.all([replay({ file: scenarioFile('readme.json', README_SCENARIO) }), replay({ stdin: JSON.stringify(second) }), replay({ file: scenarioFile('jpy.json', JPY_SCENARIO) })]));

  it("replays the issue's example (Melbourne, October 2026) to the invoice the rules give", async () => {
    const [run] = await runs();
    const out = printed(run);
    expect(run.stderr).not.toMatch(/error|warning/i);
    expect(out).toEqual({ invoices: expectedInvoices(README_SCENARIO, MELBOURNE_OCTOBER_2026, 2) });
    // Worked by hand: web had its size for 349 of the month's 743 hours, box1 for 517.
    expect(out.invoices).toEqual([
      {
        customer: 'acme',
        currency: 'AUD',
        subtotal: '105.30',
        tax: '10.53',
        total: '115.83',
        lines: [
          { pool: 'web', kind: 'ram', amount: '9.39' },
          { pool: 'web', kind: 'vcpu', amount: '7.52' },
          { pool: 'web', kind: 'disk', amount: '3.01' },
          { pool: 'web', kind: 'transfer-allowance', amount: '1.88' },
          { pool: 'box1', kind: 'dedicated', amount: '83.50' },
        ],
      },
    ]);
    await expectDropped(run.stderr);
  });

  it('replays a p95 pool of 5-minute entries, a mid-month price change and a deleted pool (from stdin)', async () => {
    const [, run] = await runs();
    const out = printed(run);
    expect(out).toEqual({ invoices: expectedInvoices(second, BERLIN_MARCH_2027, 2) });
    // What the scenario is there to show, so a calculation that went wrong the same way as carve would still be caught.
    const [globex, initech] = out.invoices;
    expect(out.invoices.map((i: Json) => i.customer)).toEqual(['globex', 'initech']);
    expect(globex.lines.map((l: Json) => l.kind)).toEqual(['ram', 'ram', 'vcpu', 'vcpu', 'disk', 'disk', 'cpu-overage', 'io-overage', 'bandwidth-p95']);
    expect(initech.lines.map((l: Json) => `${l.pool} ${l.kind}`)).toEqual([
      ...['ram', 'ram', 'vcpu', 'vcpu', 'disk', 'disk', 'transfer-allowance', 'transfer-allowance', 'cpu-overage', 'io-overage', 'transfer-overage'].map((k) => `db ${k}`),
      'rack7 dedicated',
    ]);
    expect(initech.tax).toBe('0.00');
    await expectDropped(run.stderr);
  });

  it('replays JPY amounts without decimals', async () => {
    const [, , run] = await runs();
    const out = printed(run);
    expect(out).toEqual({ invoices: expectedInvoices(JPY_SCENARIO, UTC_FEBRUARY_2028, 0) });
    const [invoice] = out.invoices;
    expect(invoice.currency).toBe('JPY');
    expect([invoice.subtotal, invoice.tax, invoice.total, ...invoice.lines.map((l: Json) => l.amount)].every((a: string) => /^\d+$/.test(a))).toBe(true);
    expect(invoice.lines.map((l: Json) => l.kind)).toEqual(['ram', 'vcpu', 'disk', 'transfer-allowance', 'cpu-overage', 'io-overage', 'transfer-overage', 'dedicated']);
    await expectDropped(run.stderr);
  });

  describe('a malformed scenario: exit 1, one line naming the field, nothing on stdout, no database left', () => {
    const broken = (change: (s: Json) => void): string => {
      const s = structuredClone(README_SCENARIO) as Json;
      change(s);
      return JSON.stringify(s);
    };
    it.each([
      ['not JSON', '{"period": "2026-10",', /^billing:replay: stdin: is not valid JSON: /],
      ['a bad instant', broken((s) => (s.customers[0].pools[0].sizes[1].at = '15 Oct 2026')), /^billing:replay: customers\[0\]\.pools\[0\]\.sizes\[1\]\.at: not an ISO 8601 instant/],
      ['a missing field', broken((s) => delete s.customers[0].pools[0].servers[0].usage[0].netInBytes), /^billing:replay: customers\[0\]\.pools\[0\]\.servers\[0\]\.usage\[0\]\.netInBytes: is required$/],
      ['a negative number', broken((s) => (s.customers[0].pools[0].sizes[0].vcpus = -4)), /^billing:replay: customers\[0\]\.pools\[0\]\.sizes\[0\]\.vcpus: must not be negative/],
      ['an unknown currency', broken((s) => (s.priceBook[0].currency = 'EUX')), /^billing:replay: priceBook\[0\]\.currency: must be an ISO 4217 currency code/],
      ['CPU seconds finer than a millisecond', broken((s) => (s.customers[0].pools[0].servers[0].usage[0].cpuSeconds = '1800.5004')), /^billing:replay: customers\[0\]\.pools\[0\]\.servers\[0\]\.usage\[0\]\.cpuSeconds: has 4 decimals; .*rounding/],
    ])('%s', async (_what, stdin, message) => {
      const run = await replay({ stdin });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
      expect(run.stderr).not.toContain('carve_replay_'); // refused before any database was made
    });
  });

  it('answers a scenario carve refuses halfway with one line naming where, and drops the database all the same', async () => {
    const s = structuredClone(README_SCENARIO) as Json;
    s.priceBook.push({ ...s.priceBook[0], effectiveFrom: '2026-10-20T00:00:00Z', currency: 'NZD' });
    const run = await replay({ file: scenarioFile('two-currencies.json', s) });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    // The price book refuses a currency that changes inside a period, so the replay stops at that version, naming it.
    expect(run.stderr).toMatch(/^billing:replay: priceBook\[1\]: currency_change_mid_period: /m);
    expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    await expectDropped(run.stderr);
  });

  it('says how to call it when the arguments are wrong', async () => {
    const env = { ...process.env };
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'scripts/billing-replay.ts'], { cwd: ROOT, env });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(2);
    expect(stderr).toContain('usage: npm run billing:replay -- FILE');
  });
});
