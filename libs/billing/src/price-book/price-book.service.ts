import { Inject, Injectable } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { FieldProblem, ForbiddenError, InvalidInputError, NotFoundError } from '@carve/core';
import { pgConstraint, pgErrorCode, PG_UNIQUE_VIOLATION } from '@carve/database';
import type { Actor } from '@carve/tenancy';
import { EntityManager } from 'typeorm';
import { billingPeriod, monthContaining } from '../rules/billing-period';
import { PRICE_KEYS, PriceKey, PriceVersion } from '../rules/price-versions';
import { currencyProblem, parseInstant, priceProblem } from './billing-text';
import { CurrencyChangeMidPeriodError, DuplicateEffectiveFromError, PeriodFinalisedError } from './price-book.errors';
import { PriceBookRepository, StoredPriceVersion } from './price-book.repository';

/** A new version as the operator writes it (the API body, a replay scenario's priceBook entry). */
export type NewPriceVersion = { effectiveFrom: string; currency: string } & Record<PriceKey, string>;

/** Every problem with a new version, each naming its field; the version as stored values when there is none. */
export function parseNewPriceVersion(input: Record<string, unknown>): { effectiveFrom: Date; currency: string; prices: Record<PriceKey, string> } {
  const problems: FieldProblem[] = [];
  const instant = parseInstant(input.effectiveFrom);
  if ('problem' in instant) problems.push({ field: 'effectiveFrom', message: instant.problem });
  const currency = currencyProblem(input.currency);
  if (currency) problems.push({ field: 'currency', message: currency });
  for (const key of PRICE_KEYS) {
    const problem = priceProblem(input[key]);
    if (problem) problems.push({ field: key, message: problem });
  }
  if (problems.length > 0 || 'problem' in instant) throw new InvalidInputError(problems);
  return {
    effectiveFrom: new Date(instant.at),
    currency: input.currency as string,
    prices: Object.fromEntries(PRICE_KEYS.map((key) => [key, input[key] as string])) as Record<PriceKey, string>,
  };
}

const asRuleVersion = (v: StoredPriceVersion): PriceVersion => ({ id: v.id, effectiveFrom: v.effectiveFrom.getTime(), currency: v.currency, prices: v.prices });

/**
 * The operator's price book: versions effective from an instant, each in force until the
 * next one's. Versions are immutable; a later one replaces an earlier from its
 * effectiveFrom, and none may take effect before the end of a period with final invoices.
 * A currency changes only from the first instant of a billing period (BILLING_TIME_ZONE),
 * so every period is priced in one currency.
 */
@Injectable()
export class PriceBook {
  constructor(
    private readonly book: PriceBookRepository,
    @Inject(CarveConfig) private readonly config: Pick<CarveConfig, 'billingTimeZone'>,
  ) {}

  /** Oldest first, as the operator reads them. */
  list(): Promise<StoredPriceVersion[]> {
    return this.book.list();
  }

  async get(id: string): Promise<StoredPriceVersion> {
    const version = await this.book.findById(id);
    if (!version) throw new NotFoundError('price book version', id);
    return version;
  }

  /** Every version, oldest first, in the billing rules' terms (for the invoice preview and anything that does not finalise). */
  async versions(): Promise<PriceVersion[]> {
    return (await this.book.list()).map(asRuleVersion);
  }

  /**
   * As versions(), read in manager's transaction with new versions held off until it ends.
   * The invoice run calls this in the transaction that finalises a period: a version
   * added meanwhile waits, then sees those invoices final and is refused if it would change them.
   */
  async versionsForFinalising(manager: EntityManager): Promise<PriceVersion[]> {
    await this.book.holdOffNewVersions(manager);
    return (await this.book.listIn(manager)).map(asRuleVersion);
  }

  async create(actor: Actor, input: NewPriceVersion): Promise<StoredPriceVersion> {
    if (actor.customerId !== null) throw new ForbiddenError('Only the operator sets prices.');
    const version = parseNewPriceVersion(input);
    try {
      return await this.book.transaction(async (manager) => {
        await this.book.lockForNewVersion(manager);
        await this.refuseInFinalisedPeriod(manager, version.effectiveFrom);
        this.refuseCurrencyChangeMidPeriod(await this.book.listIn(manager), version.effectiveFrom, version.currency);
        return this.book.insert(manager, { ...version, createdByUserId: actor.userId });
      });
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION && pgConstraint(error) === 'price_book_versions_effective_from_key') throw new DuplicateEffectiveFromError(version.effectiveFrom);
      throw error;
    }
  }

  /** The latest finalised period ends where its zone's month ends; a version effective before that would reprice it. */
  private async refuseInFinalisedPeriod(manager: EntityManager, effectiveFrom: Date): Promise<void> {
    let latest: { period: string; timeZone: string; end: number } | undefined;
    for (const { period, timeZone } of await this.book.latestFinalisedPeriods(manager)) {
      const { end } = billingPeriod(period, timeZone);
      if (!latest || end > latest.end) latest = { period, timeZone, end };
    }
    if (latest && effectiveFrom.getTime() < latest.end) throw new PeriodFinalisedError(effectiveFrom, latest.period, latest.timeZone, new Date(latest.end));
  }

  /**
   * The new version against its neighbours in the book: where the currency changes (from
   * the version before to it, or from it to the version after) the change must fall on a
   * period's first instant, else that period would be priced in two currencies.
   */
  private refuseCurrencyChangeMidPeriod(existing: readonly StoredPriceVersion[], effectiveFrom: Date, currency: string): void {
    const at = effectiveFrom.getTime();
    const before = existing.filter((v) => v.effectiveFrom.getTime() < at).at(-1);
    const after = existing.find((v) => v.effectiveFrom.getTime() > at);
    const timeZone = this.config.billingTimeZone;
    const refuse = (other: StoredPriceVersion, changeAt: number) => {
      const period = billingPeriod(monthContaining(changeAt, timeZone), timeZone);
      throw new CurrencyChangeMidPeriodError({ effectiveFrom, currency, other, changeAt: new Date(changeAt), periodStart: new Date(period.start), nextPeriodStart: new Date(period.end), timeZone });
    };
    if (before && before.currency !== currency && !this.startsPeriod(at)) refuse(before, at);
    if (after && after.currency !== currency && !this.startsPeriod(after.effectiveFrom.getTime())) refuse(after, after.effectiveFrom.getTime());
  }

  private startsPeriod(at: number): boolean {
    const timeZone = this.config.billingTimeZone;
    return billingPeriod(monthContaining(at, timeZone), timeZone).start === at;
  }
}
