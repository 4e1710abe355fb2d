import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PRICE_KEYS, PriceKey } from '../rules/price-versions';

/** A price book version as stored: prices exactly as the operator wrote them (numeric keeps their scale). */
export interface StoredPriceVersion {
  id: string;
  effectiveFrom: Date;
  currency: string;
  prices: Record<PriceKey, string>;
  createdAt: Date;
  createdByUserId: string | null;
}

export interface NewStoredPriceVersion {
  effectiveFrom: Date;
  currency: string;
  prices: Record<PriceKey, string>;
  createdByUserId: string | null;
}

/** A period with final invoices, in the zone they were issued in. */
export interface FinalisedPeriod {
  period: string;
  timeZone: string;
}

/** `ramGibMonth` -> `ram_gib_month`: the migration names one column per price key this way. */
const column = (key: PriceKey) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const PRICE_COLUMNS = PRICE_KEYS.map(column);
const SELECT = `SELECT id, effective_from, currency, ${PRICE_COLUMNS.map((c) => `${c}::text AS ${c}`).join(', ')}, created_at, created_by_user_id FROM price_book_versions`;

function toVersion(row: Record<string, unknown>): StoredPriceVersion {
  return {
    id: row.id as string,
    effectiveFrom: new Date(row.effective_from as Date),
    currency: row.currency as string,
    prices: Object.fromEntries(PRICE_KEYS.map((key) => [key, row[column(key)] as string])) as Record<PriceKey, string>,
    createdAt: new Date(row.created_at as Date),
    createdByUserId: (row.created_by_user_id as string | null) ?? null,
  };
}

/**
 * price_book_versions (and, to keep finalised periods unchanged, which periods have
 * final invoices). Versions are the operator's, one catalog for every customer: no
 * tenant scope. Rows are only ever inserted.
 */
@Injectable()
export class PriceBookRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Oldest first. */
  async list(): Promise<StoredPriceVersion[]> {
    return this.listIn(this.db.manager);
  }

  async listIn(manager: EntityManager): Promise<StoredPriceVersion[]> {
    const rows: Record<string, unknown>[] = await manager.query(`${SELECT} ORDER BY effective_from ASC`);
    return rows.map(toVersion);
  }

  async findById(id: string): Promise<StoredPriceVersion | null> {
    const rows: Record<string, unknown>[] = await this.db.query(`${SELECT} WHERE id = $1`, [id]);
    return rows[0] ? toVersion(rows[0]) : null;
  }

  /**
   * Holds off new versions until manager's transaction ends (SHARE: readers and other
   * holders go on). Whoever finalises invoices takes it before reading the versions.
   */
  async holdOffNewVersions(manager: EntityManager): Promise<void> {
    await manager.query('LOCK TABLE price_book_versions IN SHARE MODE');
  }

  /**
   * Taken before a version is checked and inserted (SHARE ROW EXCLUSIVE: conflicts with
   * itself and with holdOffNewVersions), so the check sees every invoice finalised before
   * it and no invoice is finalised with the version book changing under it.
   */
  async lockForNewVersion(manager: EntityManager): Promise<void> {
    await manager.query('LOCK TABLE price_book_versions IN SHARE ROW EXCLUSIVE MODE');
  }

  /** The latest period (YYYY-MM) with any final invoice, once per time zone it was issued in; empty when nothing is final. */
  async latestFinalisedPeriods(manager: EntityManager): Promise<FinalisedPeriod[]> {
    const rows: { period: string; time_zone: string }[] = await manager.query(
      `SELECT DISTINCT period, time_zone FROM invoices
        WHERE status = 'final' AND period = (SELECT max(period) FROM invoices WHERE status = 'final')
        ORDER BY time_zone`,
    );
    return rows.map((r) => ({ period: r.period, timeZone: r.time_zone }));
  }

  async insert(manager: EntityManager, version: NewStoredPriceVersion): Promise<StoredPriceVersion> {
    const values = PRICE_KEYS.map((key) => version.prices[key]);
    const rows: Record<string, unknown>[] = await manager.query(
      `INSERT INTO price_book_versions (effective_from, currency, ${PRICE_COLUMNS.join(', ')}, created_by_user_id)
       VALUES ($1, $2, ${PRICE_COLUMNS.map((_, i) => `$${i + 3}::numeric`).join(', ')}, $${PRICE_COLUMNS.length + 3})
       RETURNING id, effective_from, currency, ${PRICE_COLUMNS.map((c) => `${c}::text AS ${c}`).join(', ')}, created_at, created_by_user_id`,
      [version.effectiveFrom, version.currency, ...values, version.createdByUserId],
    );
    return toVersion(rows[0]!);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
