import { FieldProblem } from '@carve/core';

/**
 * PostgreSQL text cannot hold U+0000: such a string would fail at INSERT time as a 500.
 * Finds every string in a request body or query that contains one, by dotted path.
 */
export function nulCharacterProblems(value: unknown, path: string): FieldProblem[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [{ field: path, message: 'must not contain NUL characters' }] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => nulCharacterProblems(inner, path ? `${path}.${key}` : key));
}
