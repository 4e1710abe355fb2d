import { FieldProblem } from '@carve/core';
import { validateAbsolutePath, XenArgumentError } from '@carve/xen';

export const ARCHIVE_EXTENSIONS = ['.tar.gz', '.tar.xz'] as const;

/**
 * Characters that never need shell quoting. The path is quoted anyway when the worker
 * runs tar on a Dom0; refusing everything else keeps surprises (spaces, globs, quotes,
 * `$(...)`) out of the catalog in the first place.
 */
const SHELL_SAFE = /^[A-Za-z0-9._+/-]+$/;
const MAX_LENGTH = 255;

/** Problems with an image archive path, as field problems under `field`; none when it is usable. */
export function archivePathProblems(value: string, field = 'archivePath'): FieldProblem[] {
  try {
    validateAbsolutePath(value, field);
  } catch (error) {
    if (error instanceof XenArgumentError) return [{ field, message: error.reason }];
    throw error;
  }
  const problems: string[] = [];
  if (value.length > MAX_LENGTH) problems.push(`must be at most ${MAX_LENGTH} characters`);
  if (!SHELL_SAFE.test(value)) problems.push('may contain only letters, digits and . _ + / -');
  if (value.split('/').includes('.')) problems.push('must not contain a . segment');
  if (value.includes('//')) problems.push('must not contain an empty segment (//)');
  if (!ARCHIVE_EXTENSIONS.some((ext) => value.endsWith(ext) && value.length > ext.length && !value.endsWith(`/${ext}`))) {
    problems.push(`must name a ${ARCHIVE_EXTENSIONS.join(' or ')} file`);
  }
  return problems.map((message) => ({ field, message }));
}
