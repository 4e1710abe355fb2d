import { InvalidInputError } from '@carve/core';

/** PATCH bodies may clear only the fields that can be empty; null anywhere else is an input error, not a database error. */
export function rejectNulls<T extends object>(body: T, clearable: (keyof T)[]): T {
  const fields = Object.entries(body)
    .filter(([key, value]) => value === null && !clearable.includes(key as keyof T))
    .map(([field]) => ({ field, message: 'cannot be null' }));
  if (fields.length > 0) throw new InvalidInputError(fields);
  return body;
}
