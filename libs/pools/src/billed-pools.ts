import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface BilledPoolSize {
  effectiveAt: Date;
  memoryMiB: number;
  vcpus: number;
  diskGiB: number;
  transferGB: number;
}

/** A pool as billing sees it: every pool that existed at some point of a period, deleted ones included. */
export interface BilledPool {
  id: string;
  customerId: string;
  name: string;
  kind: 'shared' | 'dedicated';
  billing: 'transfer' | 'p95';
  /** Dedicated pools: the monthly price (decimal string, major units); null = not billed. */
  monthlyPrice: string | null;
  hostId: string | null;
  createdAt: Date;
  deletedAt: Date | null;
  /** Oldest first; a deleted pool ends with an all-zero row at its deletion. */
  sizes: BilledPoolSize[];
}

/**
 * The pools read model billing uses (billing does not read the pools tables by name):
 * the pools of a period and the customers that had any.
 */
@Injectable()
export class BilledPools {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** When the first pool got its first size (carve's clock); undefined while no pool has one. */
  async firstSizedAt(): Promise<Date | undefined> {
    const [row]: { at: Date | null }[] = await this.db.query(`SELECT min(effective_at) AS at FROM pool_size_changes`);
    return row?.at ? new Date(row.at) : undefined;
  }

  /**
   * Pools that had a size at some instant of [start, end), with their whole size history.
   * Existence is read from the size history (effective times come from carve's clock),
   * not from the rows' creation stamps. `customerId`: one customer's or several customers' pools only.
   */
  async during(start: Date, end: Date, customerId?: string | readonly string[]): Promise<BilledPool[]> {
    const customers = customerId === undefined ? null : typeof customerId === 'string' ? [customerId] : [...customerId];
    const pools: Record<string, unknown>[] = await this.db.query(
      `SELECT p.id, p.customer_id, p.name, p.kind, p.billing, p.monthly_price::text AS monthly_price, p.host_id, p.created_at, p.deleted_at
         FROM pools p
        WHERE ($3::uuid[] IS NULL OR p.customer_id = ANY($3::uuid[]))
          AND EXISTS (SELECT 1 FROM pool_size_changes c WHERE c.pool_id = p.id AND c.effective_at < $2)
          AND (p.deleted_at IS NULL OR p.deleted_at > $1)
        ORDER BY p.customer_id, p.created_at, p.id`,
      [start, end, customers],
    );
    if (pools.length === 0) return [];
    const sizes: Record<string, unknown>[] = await this.db.query(
      `SELECT pool_id, effective_at, memory_mib, vcpus, disk_gib, transfer_gb FROM pool_size_changes WHERE pool_id = ANY($1::uuid[]) ORDER BY effective_at, id`,
      [pools.map((p) => p.id)],
    );
    const byPool = new Map<string, BilledPoolSize[]>();
    for (const s of sizes) {
      const list = byPool.get(s.pool_id as string) ?? [];
      list.push({ effectiveAt: new Date(s.effective_at as Date), memoryMiB: Number(s.memory_mib), vcpus: Number(s.vcpus), diskGiB: Number(s.disk_gib), transferGB: Number(s.transfer_gb) });
      byPool.set(s.pool_id as string, list);
    }
    return pools.map((p) => ({
      id: p.id as string,
      customerId: p.customer_id as string,
      name: p.name as string,
      kind: p.kind as BilledPool['kind'],
      billing: p.billing as BilledPool['billing'],
      monthlyPrice: (p.monthly_price as string | null) ?? null,
      hostId: (p.host_id as string | null) ?? null,
      createdAt: new Date(p.created_at as Date),
      deletedAt: p.deleted_at ? new Date(p.deleted_at as Date) : null,
      sizes: byPool.get(p.id as string) ?? [],
    }));
  }
}
