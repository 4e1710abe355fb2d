import type { DataSource } from 'typeorm';
import type { TestResponse } from './api-harness';

/**
 * Asserts an RFC 9457 problem response: the status, the stable code, the content type and
 * every member carve promises. Returns the body for further checks (fields, detail).
 */
export function expectProblem(res: TestResponse, status: number, code: string): Record<string, unknown> {
  const summary = `${res.status} ${res.text.slice(0, 500)}`;
  expect({ status: res.status, code: res.body?.code, summary }).toEqual({ status, code, summary });
  expectProblemShape(res);
  return res.body as Record<string, unknown>;
}

/** Any error response: problem+json with type, title, status, detail and code, never a 5xx. */
export function expectProblemShape(res: TestResponse): void {
  expect(res.status).toBeLessThan(500);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(
    expect.objectContaining({ type: expect.any(String), title: expect.any(String), status: res.status, detail: expect.any(String), code: expect.any(String) }),
  );
}

/** The distinct failing field names a 400 reported (a field may fail several rules). */
export function problemFields(res: TestResponse): string[] {
  return [...new Set(((res.body?.fields ?? []) as { field: string }[]).map((f) => f.field))];
}

/** Every row of the tables carve owns, to prove a rejected request changed nothing. */
export async function snapshotTables(db: DataSource, tables = ['customers', 'users', 'api_tokens', 'hosts']): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    // last_used_at moves on every authenticated request; it is not a change the caller made.
    const rows: Record<string, unknown>[] = await db.query(`SELECT * FROM ${table} ORDER BY id`);
    out[table] = rows.map(({ last_used_at: _ignored, ...rest }) => rest);
  }
  return out;
}
