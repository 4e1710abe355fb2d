/**
 * The baseline: the same invoice totals as one plain SQL statement over the same tables
 * (pools and their size history, the price book, the customers' tax rates, usage_1h), by
 * the README's rules for a period in a whole-hour zone: recurring lines per (pool, kind,
 * price version) prorated to the millisecond, usage lines per pool beyond what the pool's
 * size includes priced at the version in force at the period's end, dedicated rentals at
 * their monthly price; each line rounded half up once to the minor unit (2 digits: the
 * bench's currency is EUR), tax rounded once on the subtotal. Numerators are exact
 * integers times decimal prices, divided once, so rounding sees the exact value (PostgreSQL
 * keeps at least 16 fraction digits in a division). 95th-percentile pools are not covered:
 * the bench has none.
 */
import { Client } from 'pg';
import type { BillingPeriod } from '@carve/billing';

export interface SqlTotals {
  customerId: string;
  subtotalMinor: bigint;
  taxMinor: bigint;
  totalMinor: bigint;
  lines: number;
}

const SQL = `
WITH billed_pools AS (
  SELECT p.id, p.customer_id, p.kind, p.billing, p.monthly_price, p.deleted_at
    FROM pools p
   WHERE EXISTS (SELECT 1 FROM pool_size_changes c WHERE c.pool_id = p.id AND c.effective_at < $2)
     AND (p.deleted_at IS NULL OR p.deleted_at > $1)
), size_spans AS (
  SELECT c.pool_id, c.memory_mib, c.vcpus, c.disk_gib, c.transfer_gb,
         greatest(c.effective_at, $1) AS a,
         least(coalesce(lead(c.effective_at) OVER (PARTITION BY c.pool_id ORDER BY c.effective_at, c.id), $2), $2) AS b
    FROM pool_size_changes c JOIN billed_pools p ON p.id = c.pool_id AND p.kind = 'shared'
), versions AS (
  SELECT v.*, coalesce(lead(v.effective_from) OVER (ORDER BY v.effective_from), 'infinity') AS effective_to FROM price_book_versions v
), segments AS (
  SELECT s.pool_id, v.id AS version_id, s.memory_mib, s.vcpus, s.disk_gib, s.transfer_gb,
         (extract(epoch FROM least(s.b, v.effective_to) - greatest(s.a, v.effective_from)) * 1000) AS ms
    FROM size_spans s JOIN versions v ON v.effective_from < s.b AND v.effective_to > s.a
   WHERE s.b > s.a
), recurring AS (
  SELECT g.pool_id, g.version_id, sum(g.memory_mib * g.ms) AS ram_mib_ms, sum(g.vcpus * g.ms) AS vcpu_ms,
         sum(g.disk_gib * g.ms) AS disk_ms, sum(g.transfer_gb * g.ms) AS transfer_ms
    FROM segments g GROUP BY g.pool_id, g.version_id
), recurring_lines AS (
  SELECT p.customer_id, l.amount_minor
    FROM recurring r JOIN versions v ON v.id = r.version_id JOIN billed_pools p ON p.id = r.pool_id
   CROSS JOIN LATERAL (VALUES
     (r.ram_mib_ms, round(r.ram_mib_ms * v.ram_gib_month * 100 / (1024 * $3::numeric))),
     (r.vcpu_ms, round(r.vcpu_ms * v.vcpu_month * 100 / $3::numeric)),
     (r.disk_ms, round(r.disk_ms * v.disk_gib_month * 100 / $3::numeric)),
     (CASE WHEN p.billing = 'transfer' THEN r.transfer_ms ELSE 0 END, round(r.transfer_ms * v.transfer_gb_month * 100 / $3::numeric))
   ) AS l (quantity, amount_minor)
   WHERE l.quantity > 0
), included AS (
  SELECT pool_id, sum(vcpu_ms) AS vcpu_ms, sum(disk_ms) AS disk_ms, sum(transfer_ms) AS transfer_ms FROM recurring GROUP BY pool_id
), used AS (
  SELECT pool_id, sum(cpu_ms) AS cpu_ms, sum(read_bytes) + sum(write_bytes) AS io_bytes, sum(net_out_bytes) AS net_out_bytes
    FROM usage_1h WHERE bucket_start >= $1 AND bucket_start < $2 GROUP BY pool_id
), end_version AS (
  SELECT * FROM price_book_versions WHERE effective_from <= $2::timestamptz - interval '1 millisecond' ORDER BY effective_from DESC LIMIT 1
), usage_lines AS (
  SELECT p.customer_id, l.amount_minor
    FROM billed_pools p JOIN used u ON u.pool_id = p.id
    LEFT JOIN included i ON i.pool_id = p.id
   CROSS JOIN end_version e
   CROSS JOIN LATERAL (VALUES
     (u.cpu_ms * $3::numeric - e.included_cpu_hours_per_vcpu_month * 3600000 * coalesce(i.vcpu_ms, 0), e.cpu_hour, 3600000 * $3::numeric),
     (u.io_bytes * $3::numeric - e.included_io_gb_per_disk_gib_month * 1000000000 * coalesce(i.disk_ms, 0), e.io_gb, 1000000000 * $3::numeric),
     (CASE WHEN p.billing = 'transfer' THEN u.net_out_bytes * $3::numeric - 1000000000 * coalesce(i.transfer_ms, 0) ELSE 0 END, e.transfer_overage_gb, 1000000000 * $3::numeric)
   ) AS x (excess, price, per)
   CROSS JOIN LATERAL (SELECT round(x.excess * x.price * 100 / x.per) AS amount_minor) l
   WHERE p.kind = 'shared' AND x.excess > 0
), dedicated_lines AS (
  SELECT p.customer_id, round(extract(epoch FROM least(coalesce(p.deleted_at, 'infinity'), $2) - greatest(f.first_at, $1)) * 1000 * p.monthly_price * 100 / $3::numeric) AS amount_minor
    FROM billed_pools p CROSS JOIN LATERAL (SELECT min(effective_at) AS first_at FROM pool_size_changes c WHERE c.pool_id = p.id) f
   WHERE p.kind = 'dedicated' AND p.monthly_price IS NOT NULL AND least(coalesce(p.deleted_at, 'infinity'), $2) > greatest(f.first_at, $1)
), lines AS (
  SELECT * FROM recurring_lines UNION ALL SELECT * FROM usage_lines UNION ALL SELECT * FROM dedicated_lines
), subtotals AS (
  SELECT customer_id, sum(amount_minor) AS subtotal_minor, count(*) AS lines FROM lines GROUP BY customer_id
)
SELECT s.customer_id, s.subtotal_minor::text AS subtotal_minor, round(s.subtotal_minor * c.tax_rate)::text AS tax_minor,
       (s.subtotal_minor + round(s.subtotal_minor * c.tax_rate))::text AS total_minor, s.lines::int AS lines
  FROM subtotals s JOIN customers c ON c.id = s.customer_id`;

/** Per-customer totals by the baseline statement, on a connection of its own. */
export async function sqlTotals(url: string, period: BillingPeriod): Promise<Map<string, SqlTotals>> {
  const client = new Client({ connectionString: url, application_name: 'carve bench:invoice sql' });
  await client.connect();
  try {
    const { rows } = await client.query(SQL, [new Date(period.start), new Date(period.end), String(period.seconds * 1000n)]);
    return new Map(
      (rows as { customer_id: string; subtotal_minor: string; tax_minor: string; total_minor: string; lines: number }[]).map((r) => [
        r.customer_id,
        { customerId: r.customer_id, subtotalMinor: BigInt(r.subtotal_minor), taxMinor: BigInt(r.tax_minor), totalMinor: BigInt(r.total_minor), lines: r.lines },
      ]),
    );
  } finally {
    await client.end();
  }
}
