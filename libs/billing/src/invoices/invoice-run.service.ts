import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CarveConfig } from '@carve/config';
import { Clock, ConflictError, InvalidInputError } from '@carve/core';
import { DataSource } from 'typeorm';
import { PriceBook } from '../price-book/price-book.service';
import { BillingPeriod, billingPeriod, previousMonth } from '../rules/billing-period';
import type { ComputedInvoice, ComputedLine } from '../rules/invoice-rules';
import { computeOrExplain } from './compute-or-explain';
import { Rational } from '../rules/rational';
import { BillingInputs, BillingSource } from './billing-inputs';
import { InvoiceLineRow, InvoiceRepository, InvoiceRow, NewInvoice } from './invoice.repository';
import { lateUsageAdjustments } from './late-usage-adjustments';

export interface InvoiceRunResult {
  runId: string;
  period: string;
  timeZone: string;
  status: 'finished';
  /** Every final invoice of the period, in number order: the same list however often the run is asked for. */
  invoices: InvoiceRow[];
  /** Invoices this call issued (0 when the period was already invoiced). */
  issued: number;
}

export const USAGE_KINDS = ['cpu-overage', 'io-overage', 'transfer-overage', 'bandwidth-p95'] as const;

/** A computed line as stored: exact quantity and price, the period it belongs to. */
export function toLineRow(line: ComputedLine, n: number, period: string, adjustment = false): InvoiceLineRow {
  return {
    n,
    subjectId: line.subjectId,
    subjectName: line.subjectName,
    kind: line.kind,
    priceVersionId: line.priceVersionId,
    quantity: line.quantity.toFixed(12),
    unit: line.unit,
    unitPrice: line.unitPrice.toFixed(12),
    amountMinor: line.amountMinor,
    period,
    adjustment,
    sources: line.sources,
  };
}

function lockKey(period: string): string {
  return BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update(`carve:invoice-run:${period}`).digest('hex').slice(0, 16)}`)).toString();
}

/**
 * The monthly invoice run. One run per period at a time (a PostgreSQL advisory lock: a
 * second run waits, then finds the work done); each customer's invoice is computed,
 * stored as a draft and finalised with the next number in one transaction, so a run
 * killed halfway and run again issues each invoice exactly once with no gap in the numbers.
 */
@Injectable()
export class InvoiceRuns {
  private readonly logger = new Logger('billing');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CarveConfig) private readonly config: CarveConfig,
    private readonly inputs: BillingInputs,
    private readonly invoices: InvoiceRepository,
    private readonly priceBook: PriceBook,
    private readonly clock: Clock,
  ) {}

  periodOf(month: string): BillingPeriod {
    try {
      return billingPeriod(month, this.config.billingTimeZone);
    } catch (error) {
      throw new InvalidInputError([{ field: 'period', message: (error as Error).message }]);
    }
  }

  async run(month: string, trigger: 'scheduled' | 'api' | 'replay'): Promise<InvoiceRunResult> {
    const period = this.periodOf(month);
    if (this.clock.now().getTime() < period.end) {
      throw new ConflictError('period_not_over', `${month} (${period.timeZone}) has not ended yet; GET /v1/invoices/preview estimates it so far.`, { period: month });
    }
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock($1::bigint)`, [lockKey(month)]);
      try {
        return await this.runLocked(period, trigger);
      } finally {
        await runner.query(`SELECT pg_advisory_unlock($1::bigint)`, [lockKey(month)]);
      }
    } finally {
      await runner.release();
    }
  }

  private async runLocked(period: BillingPeriod, trigger: string): Promise<InvoiceRunResult> {
    const [run] = await this.db.query(
      `INSERT INTO invoice_runs (period, time_zone, status, trigger) VALUES ($1, $2, 'running', $3)
       ON CONFLICT (period) DO UPDATE SET status = CASE WHEN invoice_runs.status = 'finished' THEN 'finished' ELSE 'running' END, error = NULL
       RETURNING id, status`,
      [period.month, period.timeZone, trigger],
    );
    let issued = 0;
    if (run.status !== 'finished') {
      const started = Date.now();
      try {
        const customers = await this.customersToInvoice(period);
        this.logger.log(`invoice run ${period.month} (${period.timeZone}, ${trigger}): ${customers.length} customers`);
        const fiveMinuteKeptFrom = this.inputs.fiveMinuteUsageKeptFrom(this.clock.now());
        const earlier = billingPeriod(previousMonth(period.month), period.timeZone);
        const windows = [await this.inputs.usageWindow(period)];
        let analyzeAt = 0;
        for (let from = 0; from < customers.length; from += INPUT_BATCH) {
          if (issued >= analyzeAt) {
            await this.analyzeInvoiceTables();
            analyzeAt = Math.max(INPUT_BATCH, 2 * issued);
          }
          const batch = customers.slice(from, from + INPUT_BATCH);
          const billedEarlier = await this.invoices.billedForCustomers(batch, earlier.month);
          if (windows.length === 1 && [...billedEarlier.values()].some((lines) => lines.length > 0) && hourOrFiveMinuteAligned(earlier)) {
            windows.push(await this.inputs.usageWindow(earlier));
          }
          const source = await this.inputs.batch(batch, period.end, windows);
          for (let at = 0, size = 1; at < batch.length; at += size, size = Math.min(2 * size, PER_TRANSACTION)) {
            const chunk = batch.slice(at, at + size);
            for (const { customerId, number } of await this.issueChunk(chunk, { period, runId: run.id, fiveMinuteKeptFrom, source, billedEarlier })) {
              issued += 1;
              this.logger.debug(`invoice run ${period.month}: ${number} issued to customer ${customerId}`);
            }
          }
          const done = from + batch.length;
          if (done % 500 === 0) this.logger.log(`invoice run ${period.month}: ${done}/${customers.length} customers, ${issued} issued`);
        }
        await this.db.query(`UPDATE invoice_runs SET status = 'finished', finished_at = now(), invoices = (SELECT count(*) FROM invoices WHERE period = $1 AND status = 'final') WHERE id = $2`, [period.month, run.id]);
        this.logger.log(`invoice run ${period.month} finished: ${issued} invoice(s) issued in ${Date.now() - started} ms`);
      } catch (error) {
        await this.db.query(`UPDATE invoice_runs SET status = 'failed', error = $2 WHERE id = $1`, [run.id, (error as Error).message]);
        this.logger.error(`invoice run ${period.month} failed after ${issued} invoice(s): ${(error as Error).message}`);
        throw error;
      }
    }
    return { runId: run.id, period: period.month, timeZone: period.timeZone, status: 'finished', invoices: await this.invoices.finalOfPeriod(period.month), issued };
  }

  /**
   * Statistics for the invoice tables as a run fills them. Autovacuum may be off or late,
   * and the per-line checks (the foreign key, the final-lines trigger) keep plans made while
   * the tables were nearly empty (sequential scans of invoices) until the tables are analyzed.
   */
  private async analyzeInvoiceTables(): Promise<void> {
    await this.db.query('ANALYZE invoices, invoice_lines');
  }

  /** Everyone with a pool or usage in the period, and everyone invoiced for the period before (their late readings are billed on this one). */
  private async customersToInvoice(period: BillingPeriod): Promise<string[]> {
    const current = await this.inputs.customersOf(period);
    const earlier = await this.invoices.finalOfPeriod(previousMonth(period.month));
    return [...new Set([...current, ...earlier.map((i) => i.customerId)])].sort();
  }

  /**
   * Issues the invoices of a few customers in one transaction; answers the numbers it
   * issued, in customer order. Should any customer fail, the transaction is rolled back and
   * the customers are issued one per transaction, so those before the failing one are
   * issued and the run fails at it, as it would one customer at a time.
   */
  private async issueChunk(customerIds: readonly string[], context: IssueContext): Promise<{ customerId: string; number: string }[]> {
    if (customerIds.length === 1) return this.issue(customerIds, context);
    try {
      return await this.issue(customerIds, context);
    } catch {
      const out: { customerId: string; number: string }[] = [];
      for (const customerId of customerIds) out.push(...(await this.issue([customerId], context)));
      return out;
    }
  }

  /**
   * Computes, drafts and finalises the customers' invoices, except those final already, all
   * in one transaction. The price versions are read in that transaction under PriceBook's
   * hold on new versions: a version added meanwhile waits for the commit, then finds this
   * period finalised and is refused, so an invoice is never finalised with prices the book
   * no longer agrees with. The numbers are taken in the same transaction, one invoice after
   * the other in customer order: a run killed halfway leaves every invoice of the
   * transaction undone and no gap.
   */
  private async issue(customerIds: readonly string[], context: IssueContext): Promise<{ customerId: string; number: string }[]> {
    const { period, runId, fiveMinuteKeptFrom, source, billedEarlier } = context;
    let issued: { customerId: string; number: string }[] = [];
    // The transaction answers the numbers it issued (null for none).
    await this.invoices.transaction(async (manager) => {
      issued = [];
      const existing = await this.invoices.forCustomersPeriod(manager, customerIds, period.month);
      const open = customerIds.filter((id) => existing.get(id)?.status !== 'final');
      if (open.length === 0) return null;
      const prices = await this.priceBook.versionsForFinalising(manager);
      const drafts: { invoice: NewInvoice; lines: InvoiceLineRow[] }[] = [];
      for (const customerId of open) {
        const { input } = await this.inputs.forCustomer(customerId, period, prices, period.end, source);
        const computed = computeOrExplain(input);
        const adjustments = await lateUsageAdjustments({
          inputs: this.inputs,
          invoices: this.invoices,
          customerId,
          period,
          prices,
          currency: computed.currency,
          fiveMinuteKeptFrom,
          source,
          billed: billedEarlier.get(customerId),
        });
        for (const note of adjustments.notes) this.logger.warn(`invoice run ${period.month}, customer ${customerId}: ${note}`);
        const lines = [...computed.lines.map((l, i) => toLineRow(l, i + 1, period.month)), ...adjustments.lines.map((a, i) => ({ ...a, n: computed.lines.length + i + 1 }))];
        if (lines.length === 0) continue;
        const totals = totalsOf(computed, lines);
        drafts.push({
          invoice: {
            customerId,
            period: period.month,
            timeZone: period.timeZone,
            periodStart: new Date(period.start),
            periodEnd: new Date(period.end),
            currency: computed.currency,
            taxRate: input.taxRate,
            subtotalMinor: totals.subtotalMinor,
            taxMinor: totals.taxMinor,
            totalMinor: totals.totalMinor,
            runId,
          },
          lines,
        });
      }
      await this.invoices.deleteDrafts(
        manager,
        open.flatMap((id) => existing.get(id)?.id ?? []),
      );
      const ids = await this.invoices.insertDrafts(manager, drafts);
      const issuedAt = this.clock.now();
      for (const [i, id] of ids.entries()) {
        const invoice = await this.invoices.finalise(manager, id, issuedAt);
        issued.push({ customerId: drafts[i]!.invoice.customerId, number: invoice.number! });
      }
      return issued.length > 0 ? issued.map((i) => i.number) : null;
    });
    return issued;
  }
}

interface IssueContext {
  period: BillingPeriod;
  runId: string;
  fiveMinuteKeptFrom: number;
  source: BillingSource;
  /** Customer id -> every line billed so far for the period before. */
  billedEarlier: Map<string, InvoiceLineRow[]>;
}

/** Customers whose inputs are read together (a few statements per batch instead of several per customer). */
const INPUT_BATCH = 500;
/**
 * Customers finalised per transaction: 1, 2, 4, ... up to 64 in each batch, so the first
 * invoices of a run (and of a restarted one) commit one by one and a long run commits in
 * few transactions.
 */
const PER_TRANSACTION = 64;

/** Whether a period's usage can be summed from rollups at all (else reading it is refused, as per customer). */
function hourOrFiveMinuteAligned(period: BillingPeriod): boolean {
  return period.start % 300_000 === 0 && period.end % 300_000 === 0;
}

/** Subtotal over every line (adjustments included), tax rounded half up once on it. */
function totalsOf(computed: ComputedInvoice, lines: readonly InvoiceLineRow[]): { subtotalMinor: bigint; taxMinor: bigint; totalMinor: bigint } {
  const subtotalMinor = lines.reduce((sum, l) => sum + l.amountMinor, 0n);
  const taxMinor = Rational.of(subtotalMinor).mul(computed.taxRate).roundToUnits(0);
  return { subtotalMinor, taxMinor, totalMinor: subtotalMinor + taxMinor };
}
