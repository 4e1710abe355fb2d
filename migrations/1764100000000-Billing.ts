import { MigrationInterface, QueryRunner } from 'typeorm';

const PRICE_COLUMNS = [
  'ram_gib_month',
  'vcpu_month',
  'disk_gib_month',
  'transfer_gb_month',
  'transfer_overage_gb',
  'cpu_hour',
  'included_cpu_hours_per_vcpu_month',
  'io_gb',
  'included_io_gb_per_disk_gib_month',
  'bandwidth_mbit_month',
];

/** Refuses every change to a finalised document: issued invoices and credit notes are kept exactly as sent. */
const IMMUTABLE = `
CREATE FUNCTION billing_refuse_change_of_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status = 'draft' THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' AND OLD.status = 'draft' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'finalised % % cannot be changed', TG_TABLE_NAME, OLD.id USING ERRCODE = 'P0001';
END $$;
CREATE FUNCTION billing_refuse_change_of_final_lines() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE parent_status text;
BEGIN
  SELECT status INTO parent_status FROM invoices WHERE id = COALESCE(NEW.invoice_id, OLD.invoice_id);
  IF parent_status = 'final' THEN
    RAISE EXCEPTION 'lines of a finalised invoice cannot be changed' USING ERRCODE = 'P0001';
  END IF;
  RETURN COALESCE(NEW, OLD);
END $$;
CREATE FUNCTION billing_refuse_any_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME USING ERRCODE = 'P0001';
END $$;
`;

/**
 * Billing (libs/billing owns these tables, plus the columns it adds to customers and
 * pools): the price book, invoice runs, invoices and their lines, credit notes, and the
 * gapless number sequences. Finalised invoices and every credit note are immutable: the
 * database refuses updates and deletes.
 */
export class Billing1764100000000 implements MigrationInterface {
  name = 'Billing1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE price_book_versions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      effective_from timestamptz NOT NULL UNIQUE,
      currency char(3) NOT NULL,
      ${PRICE_COLUMNS.map((c) => `${c} numeric NOT NULL CHECK (${c} >= 0)`).join(',\n      ')},
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by_user_id uuid
    )`);
    await q.query(`ALTER TABLE customers ADD COLUMN tax_rate numeric NOT NULL DEFAULT 0 CHECK (tax_rate >= 0 AND tax_rate < 1)`);
    await q.query(`ALTER TABLE pools ADD COLUMN billing text NOT NULL DEFAULT 'transfer' CHECK (billing IN ('transfer', 'p95'))`);
    await q.query(`ALTER TABLE pools ADD COLUMN monthly_price numeric CHECK (monthly_price >= 0)`);

    await q.query(`CREATE TABLE billing_sequences (name text PRIMARY KEY, next_value bigint NOT NULL)`);
    await q.query(`INSERT INTO billing_sequences (name, next_value) VALUES ('invoice', 1), ('credit_note', 1)`);

    await q.query(`CREATE TABLE invoice_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      period text NOT NULL UNIQUE,
      time_zone text NOT NULL,
      status text NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
      trigger text NOT NULL,
      invoices integer NOT NULL DEFAULT 0,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      error text
    )`);

    await q.query(`CREATE TABLE invoices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      number text UNIQUE,
      sequence bigint UNIQUE,
      customer_id uuid NOT NULL REFERENCES customers (id),
      period text NOT NULL,
      time_zone text NOT NULL,
      period_start timestamptz NOT NULL,
      period_end timestamptz NOT NULL,
      currency char(3) NOT NULL,
      tax_rate numeric NOT NULL,
      subtotal_minor bigint NOT NULL,
      tax_minor bigint NOT NULL,
      total_minor bigint NOT NULL,
      status text NOT NULL CHECK (status IN ('draft', 'final')),
      run_id uuid REFERENCES invoice_runs (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      issued_at timestamptz,
      UNIQUE (customer_id, period),
      CHECK (status = 'draft' OR (number IS NOT NULL AND issued_at IS NOT NULL))
    )`);
    await q.query(`CREATE INDEX invoices_customer ON invoices (customer_id, created_at DESC, id DESC)`);
    await q.query(`CREATE TABLE invoice_lines (
      invoice_id uuid NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
      n integer NOT NULL,
      subject_id uuid,
      subject_name text NOT NULL,
      kind text NOT NULL,
      price_version_id uuid REFERENCES price_book_versions (id),
      quantity numeric NOT NULL,
      unit text NOT NULL,
      unit_price numeric NOT NULL,
      amount_minor bigint NOT NULL,
      period text NOT NULL,
      adjustment boolean NOT NULL DEFAULT false,
      sources jsonb NOT NULL,
      PRIMARY KEY (invoice_id, n)
    )`);

    await q.query(`CREATE TABLE credit_notes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      number text NOT NULL UNIQUE,
      sequence bigint NOT NULL UNIQUE,
      invoice_id uuid NOT NULL REFERENCES invoices (id),
      customer_id uuid NOT NULL REFERENCES customers (id),
      reason text NOT NULL,
      currency char(3) NOT NULL,
      subtotal_minor bigint NOT NULL,
      tax_minor bigint NOT NULL,
      total_minor bigint NOT NULL,
      status text NOT NULL DEFAULT 'final' CHECK (status = 'final'),
      issued_at timestamptz NOT NULL DEFAULT now(),
      issued_by_user_id uuid
    )`);
    await q.query(`CREATE TABLE credit_note_lines (
      credit_note_id uuid NOT NULL REFERENCES credit_notes (id),
      n integer NOT NULL,
      description text NOT NULL,
      invoice_line integer,
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      PRIMARY KEY (credit_note_id, n)
    )`);

    await q.query(IMMUTABLE);
    await q.query(`CREATE TRIGGER invoices_final_immutable BEFORE UPDATE OR DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION billing_refuse_change_of_final()`);
    await q.query(`CREATE TRIGGER invoice_lines_final_immutable BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines FOR EACH ROW EXECUTE FUNCTION billing_refuse_change_of_final_lines()`);
    await q.query(`CREATE TRIGGER credit_notes_immutable BEFORE UPDATE OR DELETE ON credit_notes FOR EACH ROW EXECUTE FUNCTION billing_refuse_any_change()`);
    await q.query(`CREATE TRIGGER credit_note_lines_immutable BEFORE UPDATE OR DELETE ON credit_note_lines FOR EACH ROW EXECUTE FUNCTION billing_refuse_any_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['credit_note_lines', 'credit_notes', 'invoice_lines', 'invoices', 'invoice_runs', 'billing_sequences', 'price_book_versions']) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`DROP FUNCTION billing_refuse_change_of_final(), billing_refuse_change_of_final_lines(), billing_refuse_any_change()`);
    await q.query(`ALTER TABLE pools DROP COLUMN monthly_price, DROP COLUMN billing`);
    await q.query(`ALTER TABLE customers DROP COLUMN tax_rate`);
  }
}
