import { CarveError, FieldProblem, hasLoneSurrogate } from '@carve/core';
import sjson from 'secure-json-parse';

/**
 * Shape limits for request bodies, far above anything a carve request needs (an order
 * nests four levels deep) and far below what makes the recursive stages after parsing
 * (class-transformer, class-validator, the NUL scan) overflow the stack.
 */
export const JSON_BODY_LIMITS = { maxDepth: 32, maxArrayLength: 1000, maxObjectKeys: 200 } as const;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function tooComplex(detail: string, field: string, message: string, limit: Record<string, number>): CarveError {
  return new CarveError('body_too_complex', 400, 'Request body too complex', detail, { fields: [{ field, message }], limits: limit });
}

function malformed(message: string): CarveError {
  return new CarveError('malformed_json', 400, 'Malformed JSON', `The request body is not valid JSON: ${message}.`, {
    fields: [{ field: 'body', message }],
  });
}

/** The media type parameter `charset`, if any: only UTF-8 JSON is accepted (RFC 8259 section 8.1). */
export function assertUtf8Charset(contentType: string | undefined): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw new CarveError('unsupported_media_type', 415, 'Unsupported media type', `Send request bodies as application/json in UTF-8, not charset ${charset}.`, {
      fields: [{ field: 'header.content-type', message: 'charset must be utf-8' }],
    });
  }
}

/**
 * Nesting depth of JSON text, measured on the text itself before parsing, so a 3,000-deep
 * body costs one linear scan and never reaches a recursive stage.
 */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return false;
}

/** Walks the parsed value without recursion: array and object sizes, and strings that are not well-formed Unicode. */
function shapeProblem(root: unknown): CarveError | undefined {
  const stack: [unknown, string][] = [[root, '']];
  const invalidText: FieldProblem[] = [];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    const name = path === '' ? 'body' : path;
    if (typeof value === 'string') {
      // A lone surrogate would be stored as U+FFFD: what was saved would differ from what was sent and echoed.
      if (hasLoneSurrogate(value)) invalidText.push({ field: name, message: 'must be well-formed Unicode (no lone surrogates)' });
    } else if (Array.isArray(value)) {
      if (value.length > JSON_BODY_LIMITS.maxArrayLength) {
        return tooComplex(`An array in the body has more than ${JSON_BODY_LIMITS.maxArrayLength} elements.`, name, `must have at most ${JSON_BODY_LIMITS.maxArrayLength} elements`, {
          maxArrayLength: JSON_BODY_LIMITS.maxArrayLength,
        });
      }
      value.forEach((item, index) => stack.push([item, path === '' ? String(index) : `${path}.${index}`]));
    } else if (typeof value === 'object' && value !== null) {
      const keys = Object.keys(value);
      if (keys.length > JSON_BODY_LIMITS.maxObjectKeys) {
        return tooComplex(`An object in the body has more than ${JSON_BODY_LIMITS.maxObjectKeys} keys.`, name, `must have at most ${JSON_BODY_LIMITS.maxObjectKeys} keys`, {
          maxObjectKeys: JSON_BODY_LIMITS.maxObjectKeys,
        });
      }
      for (const key of keys) {
        if (hasLoneSurrogate(key)) invalidText.push({ field: name, message: 'has a key that is not well-formed Unicode' });
        stack.push([(value as Record<string, unknown>)[key], path === '' ? key : `${path}.${key}`]);
      }
    }
  }
  if (invalidText.length > 0) {
    return new CarveError('validation_failed', 400, 'Invalid request', 'The request has invalid fields; see `fields`.', { fields: invalidText });
  }
  return undefined;
}

/**
 * The API's only JSON body parser: UTF-8 only, bounded depth, array length and key count,
 * prototype poisoning refused, strings well-formed. Runs before validation and
 * transformation, so no later stage sees a body it could choke on.
 */
export function parseJsonBody(contentType: string | undefined, raw: Buffer): unknown {
  assertUtf8Charset(contentType);
  let text: string;
  try {
    text = UTF8.decode(raw);
  } catch {
    throw malformed('it is not valid UTF-8');
  }
  if (text.trim() === '') throw malformed('the body is empty');
  if (jsonDepthExceeds(text, JSON_BODY_LIMITS.maxDepth)) {
    throw tooComplex(`The body nests objects and arrays more than ${JSON_BODY_LIMITS.maxDepth} levels deep.`, 'body', `must nest at most ${JSON_BODY_LIMITS.maxDepth} levels`, {
      maxDepth: JSON_BODY_LIMITS.maxDepth,
    });
  }
  let parsed: unknown;
  try {
    parsed = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw malformed((error as Error).message.includes('prototype') ? 'it sets a forbidden prototype property' : 'check quoting and commas');
  }
  const problem = shapeProblem(parsed);
  if (problem) throw problem;
  return parsed;
}
