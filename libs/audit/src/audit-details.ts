/**
 * Shrinks a request body into the small details an audit event keeps: secrets are
 * dropped by name (a token must never land in the audit trail, which customers read),
 * long strings are trimmed, deep or wide structures are cut off.
 */
const SECRET_KEY = /token|secret|password|passphrase|private.?key|authorization|credential/i;
const MAX_STRING = 200;
const MAX_ITEMS = 20;
const MAX_DEPTH = 4;

export function auditDetails(value: unknown): Record<string, unknown> {
  const shrunk = shrink(value, 0);
  return typeof shrunk === 'object' && shrunk !== null && !Array.isArray(shrunk) ? (shrunk as Record<string, unknown>) : {};
}

function shrink(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} chars)` : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return '…';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => shrink(item, depth + 1));
    return value.length > MAX_ITEMS ? [...items, `… ${value.length - MAX_ITEMS} more`] : items;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value).slice(0, MAX_ITEMS)) {
      if (SECRET_KEY.test(key) || inner === undefined) continue;
      out[key] = shrink(inner, depth + 1);
    }
    return out;
  }
  // Functions, symbols, bigints: nothing a JSON body holds.
  return undefined;
}
