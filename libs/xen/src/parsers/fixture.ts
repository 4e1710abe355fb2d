import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Read a sample from libs/xen/test-fixtures (specs only). */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, '..', '..', 'test-fixtures', name), 'utf8');
}
