import { XenParseError } from '../errors/xen-parse.error';

/** Run a parser that must fail and return its typed error (specs only). */
export function parseError(parse: (text: string) => unknown, text: string): XenParseError {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof XenParseError) return error;
    throw error;
  }
  throw new Error('expected a XenParseError');
}
