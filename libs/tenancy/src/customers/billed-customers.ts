import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface BilledCustomer {
  id: string;
  name: string;
  contactEmail: string | null;
  /** Decimal string, e.g. "0.10". */
  taxRate: string;
}

/** The customers read model billing uses: who is invoiced and at which tax rate. */
@Injectable()
export class BilledCustomers {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async byIds(ids: readonly string[]): Promise<Map<string, BilledCustomer>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; name: string; contact_email: string | null; tax_rate: string }[] = await this.db.query(
      `SELECT id, name, contact_email, tax_rate::text AS tax_rate FROM customers WHERE id = ANY($1::uuid[])`,
      [[...ids]],
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, contactEmail: r.contact_email, taxRate: r.tax_rate }]));
  }
}
