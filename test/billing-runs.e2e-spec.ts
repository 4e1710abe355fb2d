// Invoice runs end to end on real PostgreSQL and Redis: reruns, concurrent runs, a run killed
// with SIGKILL halfway, late readings, the worker's schedule and the price book's refusals.
// Usage goes in through UsageIngest.ingestSpans, carve's clock is set to each instant.
import { ChildProcess, spawn } from 'node:child_process';
import type { INestApplicationContext } from '@nestjs/common';
import { InvoiceRow, InvoiceRuns, PriceBook } from '@carve/billing';
import { BilledPools } from '@carve/pools';
import { RedisConnection } from '@carve/redis';
import { BillingRunScheduler } from '../apps/worker/src/billing/billing-run.scheduler';
import { BillingHarness, billingContext, startBillingHarness } from './support/billing-harness';

let h: BillingHarness;
const others: INestApplicationContext[] = [];
const children: ChildProcess[] = [];
const customers: Record<string, string> = {};
const pools: Record<string, string> = {};
const SIZE = { memoryMiB: 4096, vcpus: 2, diskGiB: 50, transferGB: 100 };

/** Every final invoice's sequence, in order, and the sequence's next value: gapless means 1..n and n + 1. */
async function numbering(): Promise<{ sequences: number[]; next: number }> {
  const rows: { sequence: string }[] = await h.db.query(`SELECT sequence FROM invoices WHERE status = 'final' ORDER BY sequence`);
  const [{ next_value }] = await h.db.query(`SELECT next_value FROM billing_sequences WHERE name = 'invoice'`);
  return { sequences: rows.map((r) => Number(r.sequence)), next: Number(next_value) };
}

async function expectGapless(): Promise<number> {
  const { sequences, next } = await numbering();
  expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i + 1));
  expect(next).toBe(sequences.length + 1);
  return sequences.length;
}

async function invoicesOf(period: string): Promise<{ customer_id: string; status: string; count: number }[]> {
  return h.db.query(`SELECT customer_id, status, count(*)::int AS count FROM invoices WHERE period = $1 GROUP BY customer_id, status ORDER BY customer_id`, [period]);
}

const byCustomer = (invoices: InvoiceRow[], name: string) => invoices.find((i) => i.customerId === customers[name]);

/** The invoice run in a process of its own (test/support/billing-run-child.ts); resolves with its stdout once `until` appears, or when it exits. */
function runInChild(period: string, clockAt: string, hangAfter: number, until: string): Promise<{ child: ChildProcess; output: string }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'test/support/billing-run-child.ts', period, clockAt, String(hangAfter)], {
    env: { ...process.env, ...h.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(until)) resolve({ child, output });
    });
    child.on('exit', (code, signal) => (output.includes(until) ? resolve({ child, output }) : reject(new Error(`child exited (${code ?? signal}) before "${until}": ${output}`))));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

beforeAll(async () => {
  h = await startBillingHarness({ at: '2026-01-01T00:00:00Z' });
  // Nothing included: every CPU hour is billed, so each reading shows on the invoice.
  await h.priceVersion('2026-01-01T00:00:00Z', 'EUR', { includedCpuHoursPerVcpuMonth: '0' });
  h.at('2026-02-20T00:00:00Z');
  for (const name of ['alpha', 'bravo', 'charlie', 'delta']) customers[name] = await h.customer(name, '0.10');
  pools.alpha = await h.sharedPool(customers.alpha!, 'alpha-web', SIZE);
  pools.bravo = await h.sharedPool(customers.bravo!, 'bravo-edge', SIZE, 'p95');
  pools.charlie = await h.sharedPool(customers.charlie!, 'charlie-db', SIZE);
  pools.delta = await h.sharedPool(customers.delta!, 'delta-old', SIZE);
  h.at('2026-02-27T00:00:00Z');
  await h.removePool(pools.delta!);
  // March: alpha uses 50 CPU hours; delta's pool, deleted in February, still has an hour of March usage (a server's last span).
  h.at('2026-03-10T01:00:00Z');
  await h.usage(customers.alpha!, pools.alpha!, 'web1', [{ from: '2026-03-10T00:00:00Z', to: '2026-03-10T01:00:00Z', cpuSeconds: 180_000 }]);
  h.at('2026-03-01T01:00:00Z');
  await h.usage(customers.delta!, pools.delta!, 'old1', [{ from: '2026-03-01T00:00:00Z', to: '2026-03-01T01:00:00Z', cpuSeconds: 36_000 }]);
}, 60_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(children.map(exited));
  for (const app of others) await app.close();
  await h?.close();
});

describe('invoice runs', () => {
  it('refuses a period that has not ended, and issues nothing', async () => {
    h.at('2026-03-31T23:59:59Z');
    await expect(h.runs.run('2026-03', 'api')).rejects.toMatchObject({ status: 409, code: 'period_not_over' });
    expect(await invoicesOf('2026-03')).toEqual([]);
  });

  it('issues a period once through POST /v1/billing/runs: a rerun creates nothing and answers the same invoices', async () => {
    h.at('2026-04-01T03:00:00Z');
    const first = await h.http('POST', '/v1/billing/runs', { period: '2026-03' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ period: '2026-03', timeZone: 'UTC', status: 'finished', issued: 4 });
    expect(first.body.invoices.map((i: { number: string }) => i.number)).toEqual(['INV-2026-000001', 'INV-2026-000002', 'INV-2026-000003', 'INV-2026-000004']);
    const rowsBefore = await h.db.query(`SELECT (SELECT count(*) FROM invoices)::int AS invoices, (SELECT count(*) FROM invoice_lines)::int AS lines`);

    h.at('2026-04-02T00:00:00Z');
    const again = await h.http('POST', '/v1/billing/runs', { period: '2026-03' });
    expect(again.status).toBe(200);
    expect({ ...again.body, issued: 4 }).toEqual(first.body);
    expect(again.body.issued).toBe(0);
    // And from the service, as the worker's schedule calls it.
    const service = await h.runs.run('2026-03', 'scheduled');
    expect({ issued: service.issued, runId: service.runId, ids: service.invoices.map((i) => i.id) }).toEqual({ issued: 0, runId: first.body.runId, ids: first.body.invoices.map((i: { id: string }) => i.id) });
    expect(await h.db.query(`SELECT (SELECT count(*) FROM invoices)::int AS invoices, (SELECT count(*) FROM invoice_lines)::int AS lines`)).toEqual(rowsBefore);
    await expectGapless();

    // alpha: 50 CPU hours at 0.015 = 0.75 beside its recurring lines.
    const alpha = await h.lines(byCustomer(service.invoices, 'alpha')!.id);
    expect(alpha.find((l) => l.kind === 'cpu-overage')).toMatchObject({ quantity: '50.000000000000', amountMinor: 75n, period: '2026-03', adjustment: false });
    expect(alpha.map((l) => l.kind)).toEqual(expect.arrayContaining(['ram', 'vcpu', 'disk', 'transfer-allowance']));
  });

  it('bills the usage of a pool that had no size in the period: usage lines, no recurring ones', async () => {
    const [delta] = (await h.runs.run('2026-03', 'api')).invoices.filter((i) => i.customerId === customers.delta);
    expect(delta).toBeDefined();
    const lines = await h.lines(delta!.id);
    // 10 CPU hours at 0.015, nothing included without a size.
    expect(lines.map((l) => ({ kind: l.kind, subjectId: l.subjectId, amountMinor: l.amountMinor }))).toEqual([{ kind: 'cpu-overage', subjectId: pools.delta, amountMinor: 15n }]);
    expect(delta).toMatchObject({ subtotalMinor: 15n, taxMinor: 2n, totalMinor: 17n });
  });

  it('settles runs of one period at once: one does the work, all answer the same invoices, numbers without a gap', async () => {
    h.at('2026-05-01T03:00:00Z');
    // Two requests to the API and a run from another process's worth of connections (its own DataSource and pool).
    const second = await billingContext(h.env, Date.parse('2026-05-01T03:00:00Z'));
    others.push(second.app);
    const [a, b, c] = await Promise.all([h.http('POST', '/v1/billing/runs', { period: '2026-04' }), h.http('POST', '/v1/billing/runs', { period: '2026-04' }), second.app.get(InvoiceRuns).run('2026-04', 'api')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    // delta had nothing in April: its March invoice is looked at for late readings, and none came, so it gets no invoice.
    expect([a.body.issued, b.body.issued, c.issued].sort()).toEqual([0, 0, 3]);
    const ids = c.invoices.map((i) => i.id);
    expect(a.body.invoices.map((i: { id: string }) => i.id)).toEqual(ids);
    expect(b.body.invoices.map((i: { id: string }) => i.id)).toEqual(ids);
    expect((await invoicesOf('2026-04')).map((r) => [r.customer_id, r.status, r.count])).toEqual(
      [customers.alpha, customers.bravo, customers.charlie].sort().map((id) => [id, 'final', 1]),
    );
    expect(await expectGapless()).toBe(7);
  });

  it('issues each invoice exactly once, with no gap, when a run killed with SIGKILL halfway is run again', async () => {
    // May's usage: alpha 50 CPU hours; bravo five 5-minute intervals of 30 MB out (0.8 Mbit/s, its 95th percentile).
    h.at('2026-05-10T01:00:00Z');
    await h.usage(customers.alpha!, pools.alpha!, 'web1', [{ from: '2026-05-10T00:00:00Z', to: '2026-05-10T01:00:00Z', cpuSeconds: 180_000 }]);
    await h.usage(
      customers.bravo!,
      pools.bravo!,
      'edge1',
      Array.from({ length: 5 }, (_, i) => ({ from: Date.parse('2026-05-20T00:00:00Z') + i * 300_000, to: Date.parse('2026-05-20T00:05:00Z') + i * 300_000, netOutBytes: 30_000_000 })),
    );

    // The child commits one invoice, then stops inside the next one's transaction (number taken, not committed): killed there.
    const { child, output } = await runInChild('2026-05', '2026-06-01T03:00:00Z', 1, 'hanging before commit');
    expect(output).toMatch(/^committed INV-2026-000008 \(1\)\nhanging before commit of INV-2026-000009\n$/);
    child.kill('SIGKILL');
    await exited(child);
    expect((await invoicesOf('2026-05')).map((r) => [r.status, r.count])).toEqual([['final', 1]]);
    const [{ status }] = await h.db.query(`SELECT status FROM invoice_runs WHERE period = '2026-05'`);
    expect(status).toBe('running');

    // Restarted (a process of its own again): the two others are issued, numbers go on from 9.
    const restarted = await runInChild('2026-05', '2026-06-01T04:00:00Z', -1, 'run finished');
    await exited(restarted.child);
    expect(restarted.output).toContain('run finished: 2 issued');
    h.at('2026-06-01T05:00:00Z');
    const run = await h.runs.run('2026-05', 'api');
    expect(run.issued).toBe(0);
    expect(run.invoices.map((i) => i.number)).toEqual(['INV-2026-000008', 'INV-2026-000009', 'INV-2026-000010']);
    expect((await invoicesOf('2026-05')).map((r) => [r.customer_id, r.status, r.count])).toEqual(
      [customers.alpha, customers.bravo, customers.charlie].sort().map((id) => [id, 'final', 1]),
    );
    expect(await expectGapless()).toBe(10);
    const [{ status: after }] = await h.db.query(`SELECT status FROM invoice_runs WHERE period = '2026-05'`);
    expect(after).toBe('finished');
  }, 120_000);

  it("bills readings that arrive after finalisation on the next period's invoice, as adjustment lines naming their period", async () => {
    const may = await h.runs.run('2026-05', 'api');
    const alphaMay = await h.lines(byCustomer(may.invoices, 'alpha')!.id);
    expect(alphaMay.find((l) => l.kind === 'cpu-overage')).toMatchObject({ amountMinor: 75n });
    const bravoMay = await h.lines(byCustomer(may.invoices, 'bravo')!.id);
    expect(bravoMay.find((l) => l.kind === 'bandwidth-p95')).toMatchObject({ quantity: '0.800000000000', amountMinor: 120n });

    // Three hours after May was invoiced, readings of its last hour come in: alpha 100 more CPU hours, bravo 10 CPU hours and a 3 GB burst.
    h.at('2026-06-01T06:00:00Z');
    await h.usage(customers.alpha!, pools.alpha!, 'web1', [{ from: '2026-05-31T22:00:00Z', to: '2026-05-31T23:00:00Z', cpuSeconds: 360_000 }]);
    await h.usage(customers.bravo!, pools.bravo!, 'edge1', [{ from: '2026-05-31T23:00:00Z', to: '2026-05-31T23:05:00Z', cpuSeconds: 36_000, netOutBytes: 3_000_000_000 }]);
    // May's invoices are final and stay as they were.
    expect((await h.runs.run('2026-05', 'api')).invoices).toEqual(may.invoices);
    expect(await h.lines(byCustomer(may.invoices, 'alpha')!.id)).toEqual(alphaMay);

    h.at('2026-07-01T03:00:00Z');
    const june = await h.runs.run('2026-06', 'api');
    expect(june.issued).toBe(3);
    const alphaJune = await h.lines(byCustomer(june.invoices, 'alpha')!.id);
    const adjustments = alphaJune.filter((l) => l.adjustment);
    // 150 CPU hours now at 0.015 = 2.25, of which 0.75 was billed: 1.50 more, for May.
    expect(adjustments).toEqual([
      expect.objectContaining({ kind: 'cpu-overage', period: '2026-05', quantity: '100.000000000000', amountMinor: 150n, subjectId: pools.alpha, sources: expect.objectContaining({ adjustment: { period: '2026-05', billedMinor: '75', nowMinor: '225' } }) }),
    ]);
    expect(alphaJune.filter((l) => !l.adjustment).every((l) => l.period === '2026-06')).toBe(true);
    const alphaInvoice = byCustomer(june.invoices, 'alpha')!;
    expect(alphaInvoice.subtotalMinor).toBe(alphaJune.reduce((sum, l) => sum + l.amountMinor, 0n));

    // bravo: the CPU hours are adjusted; its 95th percentile stands as billed, May's 5-minute data being past retention in part (see late-usage-adjustments.ts).
    const bravoJune = await h.lines(byCustomer(june.invoices, 'bravo')!.id);
    expect(bravoJune.filter((l) => l.adjustment).map((l) => ({ kind: l.kind, period: l.period, amountMinor: l.amountMinor }))).toEqual([{ kind: 'cpu-overage', period: '2026-05', amountMinor: 15n }]);
    await expectGapless();
  });

  it('refuses a price version in a finalised period through HTTP (409 naming effectiveFrom), and takes one from its end on', async () => {
    const before = await h.db.query(`SELECT count(*)::int AS count FROM price_book_versions`);
    const body = (effectiveFrom: string) => ({ effectiveFrom, currency: 'EUR', ...{ ramGibMonth: '6.00', vcpuMonth: '4.00', diskGibMonth: '0.08', transferGbMonth: '0.002', transferOverageGb: '0.10', cpuHour: '0.015', includedCpuHoursPerVcpuMonth: '0', ioGb: '0.02', includedIoGbPerDiskGibMonth: '10', bandwidthMbitMonth: '1.50' } });
    for (const effectiveFrom of ['2026-05-15T00:00:00Z', '2026-06-30T23:59:59Z', '2026-03-01T00:00:00Z']) {
      const res = await h.http('POST', '/v1/price-book', body(effectiveFrom));
      expect({ status: res.status, code: res.body?.code, fields: res.body?.fields }).toEqual({ status: 409, code: 'period_finalised', fields: [{ field: 'effectiveFrom', message: expect.stringContaining('2026-06') }] });
    }
    expect(await h.db.query(`SELECT count(*)::int AS count FROM price_book_versions`)).toEqual(before);
    // A currency change inside a period that is not final is refused too: a period is priced in one currency.
    const mixed = await h.http('POST', '/v1/price-book', { ...body('2026-07-10T00:00:00Z'), currency: 'AUD' });
    expect({ status: mixed.status, code: mixed.body?.code, field: mixed.body?.fields?.[0]?.field }).toEqual({ status: 409, code: 'currency_change_mid_period', field: 'effectiveFrom' });
    expect((await h.http('POST', '/v1/price-book', body('2026-07-01T00:00:00Z'))).status).toBe(201);
  });

  it('runs each period from the worker once, after its end plus the collection window, whichever worker checks', async () => {
    const second = await billingContext(h.env, 0);
    others.push(second.app);
    const a = new BillingRunScheduler(h.config, h.runs, h.app.get(BilledPools), h.app.get(RedisConnection), h.clock);
    // Another worker process: its own connections, the same clock instant.
    const b = new BillingRunScheduler(second.config, second.app.get(InvoiceRuns), second.app.get(BilledPools), second.app.get(RedisConnection), second.clock);
    const at = (instant: string) => {
      h.at(instant);
      second.clock.set(Date.parse(instant));
    };
    expect(h.config.billingCollectionWindowMinutes).toBe(120);

    at('2026-07-31T23:59:59Z');
    // The last period ended is June, long due: a worker checking now runs it, and a run of an invoiced period issues nothing.
    expect(await a.check()).toEqual({ status: 'ran', period: '2026-06', issued: 0, invoices: 3 });
    expect(await b.check()).toMatchObject({ status: 'claimed', period: '2026-06', by: 'done' });
    at('2026-08-01T01:59:59Z');
    expect(await a.check()).toEqual({ status: 'not-due', period: '2026-07', dueAt: new Date('2026-08-01T02:00:00Z') });
    expect(await b.check()).toMatchObject({ status: 'not-due', period: '2026-07' });
    expect(await invoicesOf('2026-07')).toEqual([]);

    at('2026-08-01T02:00:00Z');
    const [ra, rb] = await Promise.all([a.check(), b.check()]);
    expect([ra.status, rb.status].sort()).toEqual(['claimed', 'ran']);
    expect([ra, rb].find((r) => r.status === 'ran')).toEqual({ status: 'ran', period: '2026-07', issued: 3, invoices: 3 });
    at('2026-08-01T02:01:00Z');
    expect(await a.check()).toMatchObject({ status: 'claimed', period: '2026-07', by: 'done' });
    at('2026-08-20T00:00:00Z');
    expect(await b.check()).toMatchObject({ status: 'claimed', period: '2026-07', by: 'done' });
    expect((await invoicesOf('2026-07')).map((r) => [r.status, r.count])).toEqual([
      ['final', 1],
      ['final', 1],
      ['final', 1],
    ]);
    const [run] = await h.db.query(`SELECT trigger, status FROM invoice_runs WHERE period = '2026-07'`);
    expect(run).toEqual({ trigger: 'scheduled', status: 'finished' });
    await expectGapless();
  });

  it('leaves a period that ended before any pool had a size to on-demand runs, recording nothing', async () => {
    const [{ first }] = await h.db.query(`SELECT min(effective_at) AS first FROM pool_size_changes`);
    const firstSized = new Date(first);
    // Two hours into the month of the first size: the month before it is due, and ended before any pool existed.
    const monthStart = Date.UTC(firstSized.getUTCFullYear(), firstSized.getUTCMonth(), 1);
    const period = new Date(monthStart - 1).toISOString().slice(0, 7);
    h.at(new Date(monthStart + 2 * 3_600_000 + 1).toISOString());
    const scheduler = new BillingRunScheduler(h.config, h.runs, h.app.get(BilledPools), h.app.get(RedisConnection), h.clock);
    expect(await scheduler.check()).toEqual({ status: 'before-first-pool', period });
    expect(await h.db.query(`SELECT count(*)::int AS count FROM invoice_runs WHERE period = $1`, [period])).toEqual([{ count: 0 }]);
  });

  it('finalises with the price versions of its own transaction: a version added during the run is used by every invoice or refused', async () => {
    h.at('2026-09-01T03:00:00Z');
    const book = h.app.get(PriceBook);
    const [run, added] = await Promise.allSettled([
      h.runs.run('2026-08', 'api'),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return book.create(h.operator, { effectiveFrom: '2026-08-15T00:00:00Z', currency: 'EUR', ramGibMonth: '9.00', vcpuMonth: '4.00', diskGibMonth: '0.08', transferGbMonth: '0.002', transferOverageGb: '0.10', cpuHour: '0.015', includedCpuHoursPerVcpuMonth: '0', ioGb: '0.02', includedIoGbPerDiskGibMonth: '10', bandwidthMbitMonth: '1.50' });
      })(),
    ]);
    expect(run.status).toBe('fulfilled');
    const invoices = (run as PromiseFulfilledResult<Awaited<ReturnType<InvoiceRuns['run']>>>).value.invoices;
    expect(invoices).toHaveLength(3);
    const ramLines = await Promise.all(invoices.map(async (i) => (await h.lines(i.id)).filter((l) => l.kind === 'ram').length));
    if (added.status === 'fulfilled') {
      // Added before any August invoice was final: every one splits its RAM at the new version.
      expect(ramLines).toEqual([2, 2, 2]);
    } else {
      expect(added.reason).toMatchObject({ code: 'period_finalised' });
      expect(ramLines).toEqual([1, 1, 1]);
      const [{ count }] = await h.db.query(`SELECT count(*)::int AS count FROM price_book_versions WHERE effective_from = '2026-08-15T00:00:00Z'`);
      expect(count).toBe(0);
    }
    await expectGapless();
  });

  it('changes currency from a period start: late readings of the period billed in the old one are not mixed into the new one', async () => {
    h.at('2026-09-10T00:00:00Z');
    await h.priceVersion('2026-10-01T00:00:00Z', 'AUD', { includedCpuHoursPerVcpuMonth: '0' });
    h.at('2026-10-01T03:00:00Z');
    const september = await h.runs.run('2026-09', 'api');
    expect(september.invoices.map((i) => i.currency)).toEqual(['EUR', 'EUR', 'EUR']);
    h.at('2026-10-01T05:00:00Z');
    await h.usage(customers.alpha!, pools.alpha!, 'web1', [{ from: '2026-09-30T22:00:00Z', to: '2026-09-30T23:00:00Z', cpuSeconds: 360_000 }]);

    h.at('2026-11-01T03:00:00Z');
    const october = await h.runs.run('2026-10', 'api');
    expect(october.issued).toBe(3);
    expect(october.invoices.map((i) => i.currency)).toEqual(['AUD', 'AUD', 'AUD']);
    const alpha = await h.lines(byCustomer(october.invoices, 'alpha')!.id);
    expect(alpha.filter((l) => l.adjustment)).toEqual([]);
    expect(alpha.every((l) => l.period === '2026-10')).toBe(true);
    await expectGapless();
  });
});

describe('late readings are recomputed only from data metering still keeps', () => {
  // Kolkata's months start at 18:30 UTC, so a period's usage totals come from 5-minute rows, like every 95th percentile.
  it.each([
    ['the default 35 days, May run past April\'s 5-minute retention: April stands as billed', undefined, []],
    [
      '90 days of 5-minute data: the CPU hours and the new 95th percentile are adjusted',
      '90',
      [
        { kind: 'cpu-overage', period: '2026-04', amountMinor: 15n },
        { kind: 'bandwidth-p95', period: '2026-04', amountMinor: 11880n },
      ],
    ],
  ])('%s', async (_title, retentionDays, expected) => {
    const k = await startBillingHarness({ timeZone: 'Asia/Kolkata', at: '2026-01-01T00:00:00Z', env: retentionDays ? { METERING_5M_RETENTION_DAYS: retentionDays } : {} });
    try {
      await k.priceVersion('2025-12-31T18:30:00Z', 'EUR', { includedCpuHoursPerVcpuMonth: '0' });
      k.at('2026-03-20T00:00:00Z');
      const customerId = await k.customer('kilo');
      const poolId = await k.sharedPool(customerId, 'kilo-edge', SIZE, 'p95');
      k.at('2026-04-10T01:00:00Z');
      const burst = (i: number, bytes: number) => ({ from: Date.parse('2026-04-10T00:00:00Z') + i * 300_000, to: Date.parse('2026-04-10T00:05:00Z') + i * 300_000, netOutBytes: bytes });
      await k.usage(customerId, poolId, 'edge1', [0, 1, 2, 3, 4].map((i) => burst(i, 30_000_000)));
      k.at('2026-05-01T00:00:00Z');
      const april = await k.runs.run('2026-04', 'api');
      const billed = await k.lines(april.invoices[0]!.id);
      expect(billed.find((l) => l.kind === 'bandwidth-p95')).toMatchObject({ amountMinor: 120n });
      expect(billed.find((l) => l.kind === 'cpu-overage')).toBeUndefined();

      // An hour after April was invoiced, its last readings: 10 CPU hours and a 3 GB burst (80 Mbit/s), April's last half hour in Kolkata.
      k.at('2026-05-01T01:00:00Z');
      await k.usage(customerId, poolId, 'edge1', [{ from: '2026-04-30T18:00:00Z', to: '2026-04-30T18:05:00Z', cpuSeconds: 36_000, netOutBytes: 3_000_000_000 }]);
      k.at('2026-06-01T00:00:00Z');
      const may = await k.runs.run('2026-05', 'api');
      expect(may.issued).toBe(1);
      const lines = await k.lines(may.invoices[0]!.id);
      expect(lines.filter((l) => l.adjustment).map((l) => ({ kind: l.kind, period: l.period, amountMinor: l.amountMinor }))).toEqual(expected);
      expect(lines.filter((l) => !l.adjustment).map((l) => l.kind).sort()).toEqual(['disk', 'ram', 'vcpu']);
    } finally {
      await k.close();
    }
  }, 60_000);
});
