// Invoices, invoice runs, the accountant's CSV, credit notes and the margin report through
// the real HTTP stack, on a November 2026 seeded through carve's own services with carve's
// clock set to the seeding instants (the one fake: the clock).
import { randomUUID } from 'node:crypto';
import { Clock } from '@carve/core';
import { UsageIngest, ZERO_COUNTERS } from '@carve/metering';
import { ApiHarness, startApiHarness, TestResponse } from './support/api-harness';
import { createCustomer, createHost, TestCustomer } from './support/fixtures';
import { expectProblem, problemFields } from './support/problem-assertions';

const MONTH = '2026-11';
const NOV_1 = Date.UTC(2026, 10, 1);
const DEC_1 = Date.UTC(2026, 11, 1);
const HOUR = 3_600_000;

let api: ApiHarness;
let a: TestCustomer;
let b: TestCustomer;
let hosts: { h1: string; h2: string; h3: string };
let invoiceA: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON
let invoiceB: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON

async function ok(pending: Promise<TestResponse>, status = 0): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON
  const res = await pending;
  if (res.status >= 300 || (status && res.status !== status)) throw new Error(`setup failed: ${res.status} ${res.text}`);
  return res.body;
}

/** Hourly spans of one (synthetic) server of a pool on a host; the usage tables take any server id. */
function spans(customerId: string, poolId: string, hostId: string, from: number, hours: number, memoryMiB: number) {
  return {
    server: { id: randomUUID(), customerId, poolId },
    hostId,
    spans: Array.from({ length: hours }, (_, i) => ({ from: from + i * HOUR, to: from + (i + 1) * HOUR, kind: 'measured' as const, memoryMiB, usage: { ...ZERO_COUNTERS, cpuMs: 60_000 } })),
  };
}

function lineOf(invoice: Record<string, any>, kind: string, pool?: string): { n: number; amount: string } { // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON
  const line = (invoice.lines as { n: number; kind: string; pool: string; amount: string }[]).find((l) => l.kind === kind && (pool === undefined || l.pool === pool));
  if (!line) throw new Error(`no ${kind} line on ${invoice.number}`);
  return line;
}

beforeAll(async () => {
  api = await startApiHarness();
  a = await createCustomer(api);
  b = await createCustomer(api);
  await ok(api.request('PATCH', `/v1/customers/${a.id}`, { body: { taxRate: '0.19' } }));
  await ok(api.request('PATCH', `/v1/customers/${b.id}`, { body: { taxRate: '0.10' } }));
  for (const c of [a, b]) await ok(api.request('PUT', `/v1/customers/${c.id}/pool-ceiling`, { body: { memoryMiB: 16384, vcpus: 16, diskGiB: 400, transferGB: 1000 } }));
  await ok(
    api.request('POST', '/v1/price-book', {
      body: {
        effectiveFrom: '2026-01-01T00:00:00Z', currency: 'EUR', ramGibMonth: '5.00', vcpuMonth: '4.00', diskGibMonth: '0.08', transferGbMonth: '0.002', transferOverageGb: '0.10',
        cpuHour: '0.015', includedCpuHoursPerVcpuMonth: '200', ioGb: '0.02', includedIoGbPerDiskGibMonth: '10', bandwidthMbitMonth: '1.50',
      },
    }),
  );
  // Hosts: two shared ones (h2 registered mid-month) and one dedicated to A. Registration stamps
  // come from the database, not carve's clock, so they are set back here.
  hosts = {
    h1: (await createHost(api, { name: 'h1-shared', monthlyCostMinor: 10000, currency: 'EUR' })).id,
    h2: (await createHost(api, { name: 'h2-shared', monthlyCostMinor: 6000, currency: 'EUR' })).id,
    h3: (await createHost(api, { name: 'h3-dedicated', monthlyCostMinor: 4900, currency: 'EUR', dedicatedCustomerId: a.id })).id,
  };
  await api.db.query(`UPDATE hosts SET created_at = $2 WHERE id = ANY($1::uuid[])`, [[hosts.h1, hosts.h3], new Date(Date.UTC(2026, 9, 1))]);
  await api.db.query(`UPDATE hosts SET created_at = $2 WHERE id = $1`, [hosts.h2, new Date(Date.UTC(2026, 10, 16))]);

  const clock = jest.spyOn(api.app.get(Clock), 'now').mockReturnValue(new Date(NOV_1));
  try {
    const web = await ok(api.request('POST', '/v1/pools', { token: a.adminToken, body: { name: 'web', kind: 'shared', memoryMiB: 4096, vcpus: 2, diskGiB: 50, transferGB: 100 } }));
    const box = await ok(api.request('POST', '/v1/pools', { token: a.adminToken, body: { name: 'box', kind: 'dedicated', hostId: hosts.h3 } }));
    await ok(api.request('PATCH', `/v1/pools/${box.id}`, { body: { monthlyPrice: '150.00' } }));
    await ok(api.request('POST', '/v1/pools', { token: b.adminToken, body: { name: 'small', kind: 'shared', memoryMiB: 1024, vcpus: 1, diskGiB: 10, transferGB: 10 } }));
    // web's servers held 1 GiB on h1 and 3 GiB on h2 for the same ten hours: a quarter and three quarters of its memory-time.
    const from = Date.UTC(2026, 10, 20);
    clock.mockReturnValue(new Date(from + 11 * HOUR));
    await api.app.get(UsageIngest).ingestSpans([spans(a.id, web.id, hosts.h1, from, 10, 1024), spans(a.id, web.id, hosts.h2, from, 10, 3072)]);
  } finally {
    clock.mockRestore();
  }
  const run = await ok(api.request('POST', '/v1/billing/runs', { body: { period: MONTH } }));
  invoiceA = run.invoices.find((i: { customerId: string }) => i.customerId === a.id);
  invoiceB = run.invoices.find((i: { customerId: string }) => i.customerId === b.id);
});
afterAll(() => api.close());

describe('invoices', () => {
  it('issues the seeded month exactly (full-month sizes, the dedicated rental, tax half up once)', () => {
    expect(invoiceA).toMatchObject({ period: MONTH, currency: 'EUR', taxRate: '0.19', subtotal: '182.20', tax: '34.62', total: '216.82', creditNotes: [] });
    expect(invoiceA.number).toMatch(/^INV-2026-\d{6}$/);
    expect(Object.fromEntries(invoiceA.lines.map((l: { pool: string; kind: string; amount: string }) => [`${l.pool} ${l.kind}`, l.amount]))).toEqual({
      'web ram': '20.00',
      'web vcpu': '8.00',
      'web disk': '4.00',
      'web transfer-allowance': '0.20',
      'box dedicated': '150.00',
    });
    // 9.82 x 0.10 = 0.982 -> 0.98
    expect(invoiceB).toMatchObject({ subtotal: '9.82', tax: '0.98', total: '10.80' });
  });

  it('lists and shows a customer its own invoices only', async () => {
    const list = await api.request('GET', '/v1/invoices', { token: a.adminToken });
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([invoiceA.id]);
    const got = await api.request('GET', `/v1/invoices/${invoiceA.id}`, { token: a.adminToken });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: invoiceA.id, number: invoiceA.number, total: '216.82' });
    for (const path of ['', '.pdf', '.html', '/lines/1/sources']) {
      expectProblem(await api.request('GET', `/v1/invoices/${invoiceA.id}${path}`, { token: b.adminToken }), 404, 'not_found');
    }
    const operatorList = await api.request('GET', `/v1/invoices?period=${MONTH}`);
    expect(operatorList.body.items.map((i: { id: string }) => i.id).sort()).toEqual([invoiceA.id, invoiceB.id].sort());
  });

  it('renders the invoice as a PDF and as a web page', async () => {
    const pdf = await api.request('GET', `/v1/invoices/${invoiceA.id}.pdf`, { token: a.adminToken });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.text.startsWith('%PDF')).toBe(true);
    expect(pdf.headers['content-disposition']).toContain(`${invoiceA.number}.pdf`);
    const html = await api.request('GET', `/v1/invoices/${invoiceA.id}.html`, { token: a.adminToken });
    expect(html.status).toBe(200);
    expect(String(html.headers['content-type'])).toMatch(/^text\/html/);
    expect(html.text).toContain(invoiceA.number);
    expect(html.text).toContain('216.82');
  });

  it('traces a line to its sources; a line that does not exist is 404, a line that is not a number 400', async () => {
    const ram = lineOf(invoiceA, 'ram');
    const sources = await api.request('GET', `/v1/invoices/${invoiceA.id}/lines/${ram.n}/sources`, { token: a.adminToken });
    expect(sources.status).toBe(200);
    expect(sources.body).toMatchObject({ invoiceId: invoiceA.id, n: ram.n, kind: 'ram', period: MONTH });
    expect(sources.body.sources).toBeDefined();
    expectProblem(await api.request('GET', `/v1/invoices/${invoiceA.id}/lines/99/sources`, { token: a.adminToken }), 404, 'not_found');
    const bad = await api.request('GET', `/v1/invoices/${invoiceA.id}/lines/x/sources`, { token: a.adminToken });
    expectProblem(bad, 400, 'validation_failed');
    expect(problemFields(bad)).toEqual(['path.n']);
  });
});

describe("the accountant's CSV", () => {
  it('exports one row per line of the period, with a header, as an attachment', async () => {
    const res = await api.request('GET', `/v1/invoices.csv?period=${MONTH}`);
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="invoices-${MONTH}.csv"`);
    const rows = res.text.split('\r\n').filter((r) => r !== '');
    expect(rows[0]!.startsWith('invoice_number,issued_at,customer_id')).toBe(true);
    expect(rows).toHaveLength(1 + invoiceA.lines.length + invoiceB.lines.length);
    expect(rows.filter((r) => r.startsWith(`${invoiceA.number},`))).toHaveLength(5);
    expect(rows.filter((r) => r.startsWith(`${invoiceB.number},`))).toHaveLength(4);
  });

  it('is the operator\'s, and names a bad period', async () => {
    expectProblem(await api.request('GET', `/v1/invoices.csv?period=${MONTH}`, { token: a.adminToken }), 403, 'forbidden');
    for (const query of ['?period=2026-13', '?period=November', '']) {
      const res = await api.request('GET', `/v1/invoices.csv${query}`);
      expectProblem(res, 400, 'validation_failed');
      expect(problemFields(res)).toEqual(['query.period']);
    }
  });
});

describe('invoice runs', () => {
  it('lists runs newest first with their period, state, times and counts, paged', async () => {
    // October: nothing was billable then, so the run finishes with no invoices.
    expect((await ok(api.request('POST', '/v1/billing/runs', { body: { period: '2026-10' } }))).issued).toBe(0);
    const res = await api.request('GET', '/v1/billing/runs');
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: { period: string; status: string; invoices: number }) => [r.period, r.status, r.invoices])).toEqual([
      ['2026-10', 'finished', 0],
      [MONTH, 'finished', 2],
    ]);
    const [, november] = res.body.items;
    expect(november).toMatchObject({ timeZone: 'UTC', trigger: 'api', error: null });
    expect(Date.parse(november.finishedAt)).toBeGreaterThanOrEqual(Date.parse(november.startedAt));
    const first = await api.request('GET', '/v1/billing/runs?limit=1');
    expect(first.body.items.map((r: { period: string }) => r.period)).toEqual(['2026-10']);
    const second = await api.request('GET', `/v1/billing/runs?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((r: { period: string }) => r.period)).toEqual([MONTH]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("is the operator's; a bad limit is 400 naming it", async () => {
    expectProblem(await api.request('GET', '/v1/billing/runs', { token: a.adminToken }), 403, 'forbidden');
    const bad = await api.request('GET', '/v1/billing/runs?limit=0');
    expectProblem(bad, 400, 'validation_failed');
    expect(problemFields(bad)).toEqual(['query.limit']);
  });
});

describe('credit notes', () => {
  const credit = (invoiceId: string, body: unknown, token?: string) => api.request('POST', `/v1/invoices/${invoiceId}/credit-notes`, { body, token });
  const sequences = async () => (await api.db.query(`SELECT sequence::int AS s FROM credit_notes ORDER BY sequence`)).map((r: { s: number }) => r.s);

  it('credits part of a line and a free line, tax at the invoice rate rounded half up once, numbered CN-', async () => {
    const ram = lineOf(invoiceA, 'ram');
    const res = await credit(invoiceA.id, { reason: 'Outage on 14 November', lines: [{ invoiceLine: ram.n, amount: '5.00' }, { description: 'Goodwill', amount: '1.25' }] });
    expect(res.status).toBe(201);
    // 6.25 x 0.19 = 1.1875 -> 1.19
    expect(res.body).toMatchObject({ invoiceId: invoiceA.id, invoiceNumber: invoiceA.number, customerId: a.id, currency: 'EUR', taxRate: '0.19', subtotal: '6.25', tax: '1.19', total: '7.44' });
    expect(res.body.number).toBe('CN-2026-000001');
    expect(res.body.lines).toEqual([
      { n: 1, invoiceLine: ram.n, description: `Credit on line ${ram.n}: web, RAM`, amount: '5.00' },
      { n: 2, invoiceLine: null, description: 'Goodwill', amount: '1.25' },
    ]);
  });

  it('refuses more than a line or the invoice has left (409), without using a number, then takes exactly what is left', async () => {
    const ram = lineOf(invoiceA, 'ram');
    const over = await credit(invoiceA.id, { reason: 'Too much', lines: [{ invoiceLine: ram.n, amount: '15.01' }] });
    expectProblem(over, 409, 'credit_exceeds_invoice');
    expect(problemFields(over)).toEqual(['lines.0.amount']);
    expect(over.body.fields[0].message).toContain('15.00 EUR left');
    const beyondInvoice = await credit(invoiceB.id, { reason: 'Everything and more', lines: [{ description: 'Refund', amount: '9.83' }] });
    expectProblem(beyondInvoice, 409, 'credit_exceeds_invoice');
    expect(problemFields(beyondInvoice)).toEqual(['lines']);
    const rest = await credit(invoiceA.id, { reason: 'The rest of the RAM', lines: [{ invoiceLine: ram.n, amount: '15' }] });
    expect(rest.status).toBe(201);
    expect(rest.body.number).toBe('CN-2026-000002');
    expectProblem(await credit(invoiceA.id, { reason: 'Once more', lines: [{ invoiceLine: ram.n, amount: '0.01' }] }), 409, 'credit_exceeds_invoice');
    expect(await sequences()).toEqual([1, 2]);
  });

  it('lets only one of two concurrent notes take what a line has left, and the numbers stay gapless', async () => {
    const vcpu = lineOf(invoiceA, 'vcpu');
    const both = await Promise.all([1, 2].map(() => credit(invoiceA.id, { reason: 'Race', lines: [{ invoiceLine: vcpu.n, amount: '5.00' }] })));
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await sequences()).toEqual([1, 2, 3]);
  });

  it('keeps issued notes immutable in the database', async () => {
    await expect(api.db.query(`UPDATE credit_notes SET reason = 'changed'`)).rejects.toThrow(/immutable/);
    await expect(api.db.query(`DELETE FROM credit_note_lines`)).rejects.toThrow(/immutable/);
  });

  it('shows customers their own notes, on the invoice and in the list; another tenant gets 404', async () => {
    const listA = await api.request('GET', '/v1/credit-notes', { token: a.adminToken });
    expect(listA.status).toBe(200);
    expect(listA.body.items.map((n: { number: string }) => n.number)).toEqual(['CN-2026-000003', 'CN-2026-000002', 'CN-2026-000001']);
    const first = listA.body.items[2];
    expect((await api.request('GET', `/v1/credit-notes/${first.id}`, { token: a.adminToken })).body).toMatchObject({ number: 'CN-2026-000001', total: '7.44' });
    expectProblem(await api.request('GET', `/v1/credit-notes/${first.id}`, { token: b.adminToken }), 404, 'not_found');
    expect((await api.request('GET', '/v1/credit-notes', { token: b.adminToken })).body.items).toEqual([]);
    expect((await api.request('GET', `/v1/credit-notes?customerId=${a.id}`, { token: b.adminToken })).body.items).toEqual([]);
    const invoice = await api.request('GET', `/v1/invoices/${invoiceA.id}`, { token: a.adminToken });
    expect(invoice.body.creditNotes.map((n: { number: string; total: string }) => [n.number, n.total])).toEqual([
      ['CN-2026-000001', '7.44'],
      ['CN-2026-000002', '17.85'],
      ['CN-2026-000003', '5.95'],
    ]);
    // The invoice itself is unchanged: notes correct it, they do not edit it.
    expect(invoice.body.total).toBe('216.82');
  });

  it("is the operator's to issue; bad input is 400 naming the field", async () => {
    const ram = lineOf(invoiceA, 'ram');
    expectProblem(await credit(invoiceA.id, { reason: 'Mine', lines: [{ invoiceLine: ram.n, amount: '1.00' }] }, a.adminToken), 403, 'forbidden');
    expectProblem(await credit(randomUUID(), { reason: 'Nobody', lines: [{ description: 'x', amount: '1.00' }] }), 404, 'not_found');
    const cases: [unknown, string[]][] = [
      [{ reason: 'No lines', lines: [] }, ['lines']],
      [{ lines: [{ description: 'x', amount: '1.00' }] }, ['reason']],
      [{ reason: 'Too precise', lines: [{ invoiceLine: ram.n, amount: '1.001' }] }, ['lines.0.amount']],
      [{ reason: 'Negative', lines: [{ invoiceLine: ram.n, amount: '-1.00' }] }, ['lines.0.amount']],
      [{ reason: 'No such line', lines: [{ invoiceLine: 99, amount: '1.00' }] }, ['lines.0.invoiceLine']],
      [{ reason: 'Free line without words', lines: [{ amount: '1.00' }] }, ['lines.0.description']],
      [{ reason: 'Line zero', lines: [{ invoiceLine: 0, amount: '1.00' }] }, ['lines.0.invoiceLine']],
    ];
    for (const [body, fields] of cases) {
      const res = await credit(invoiceB.id, body);
      expectProblem(res, 400, 'validation_failed');
      expect({ body, fields: problemFields(res) }).toEqual({ body, fields });
    }
    expect(await sequences()).toEqual([1, 2, 3]);
  });
});

describe('the margin report', () => {
  it('attributes each host its dedicated rentals and its share of pool charges, against its prorated monthly cost', async () => {
    const res = await api.request('GET', `/v1/reports/margin?month=${MONTH}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ month: MONTH, timeZone: 'UTC', periodStart: new Date(NOV_1).toISOString(), periodEnd: new Date(DEC_1).toISOString(), currency: 'EUR', invoices: 2 });
    // web's lines (20.00 + 8.00 + 4.00 + 0.20 = 32.20) split 1:3 by memory-time; small's (9.82) ran nowhere.
    const web = ['ram', 'vcpu', 'disk', 'transfer-allowance'].reduce((sum, kind) => sum + Math.round(Number(lineOf(invoiceA, kind, 'web').amount) * 100), 0);
    expect(web).toBe(3220);
    const byName = Object.fromEntries(
      res.body.hosts.map((h: Record<string, unknown>) => [h.name, [h.dedicatedRevenue, h.poolRevenue, h.revenue, h.cost, h.costShare, h.prorated, h.margin]]),
    );
    expect(byName).toEqual({
      'h1-shared': ['0.00', '8.05', '8.05', '100.00', '1', false, '-91.95'],
      'h2-shared': ['0.00', '24.15', '24.15', '30.00', '0.5', true, '-5.85'],
      'h3-dedicated': ['150.00', '0.00', '150.00', '49.00', '1', false, '101.00'],
    });
    expect(res.body.hosts.find((h: { name: string }) => h.name === 'h2-shared').note).toContain('2026-11-16T00:00:00.000Z');
    expect(res.body.unattributedRevenue).toBe('9.82');
    // Everything billed for the month before tax: 182.20 + 9.82.
    expect(res.body.totals).toEqual({ revenue: '192.02', cost: '179.00', margin: '13.02', note: null });
  });

  it('still shows the costs of a month without invoices, and leaves out hosts registered after it', async () => {
    const res = await api.request('GET', '/v1/reports/margin?month=2026-10');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ month: '2026-10', currency: null, invoices: 0, unattributedRevenue: '0.00', totals: { revenue: '0.00', cost: '149.00', margin: '-149.00', note: null } });
    expect(res.body.hosts.map((h: { name: string; revenue: string; cost: string; margin: string }) => [h.name, h.revenue, h.cost, h.margin])).toEqual([
      ['h1-shared', '0.00', '100.00', '-100.00'],
      ['h3-dedicated', '0.00', '49.00', '-49.00'],
    ]);
  });

  it("is the operator's; a bad month is 400 naming month, a month not over 409", async () => {
    expectProblem(await api.request('GET', `/v1/reports/margin?month=${MONTH}`, { token: a.adminToken }), 403, 'forbidden');
    for (const query of ['?month=2026-13', '?month=2026-1', '?month=', '']) {
      const res = await api.request('GET', `/v1/reports/margin${query}`);
      expectProblem(res, 400, 'validation_failed');
      expect(problemFields(res)).toEqual(['query.month']);
    }
    expectProblem(await api.request('GET', '/v1/reports/margin?month=2099-01'), 409, 'period_not_over');
  });
});
