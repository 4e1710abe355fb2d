import { XenParseError } from '../errors/xen-parse.error';
import { DomainState, parseXlState } from './domain-state';

export interface XmDomain {
  /** Absent for a domain xend knows but is not running. */
  readonly domid: number | null;
  readonly name: string;
  readonly cpuTimeSeconds: number;
  /** Unix epoch seconds when the domain started; null when not running. */
  readonly startTime: number | null;
  readonly memoryMiB: number;
  readonly maxMemoryMiB: number | null;
  readonly stateText: string;
  readonly state: DomainState;
}

const PARSER = 'xm list --long';
type Sxp = { readonly atom: string; readonly line: number } | { readonly list: Sxp[]; readonly line: number };

function tokenize(text: string, fail: (line: number, reason: string) => never): Sxp[] {
  const root: Sxp[] = [];
  const stack: { list: Sxp[]; line: number }[] = [];
  let current = root;
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line += 1;
      i += 1;
    } else if (/\s/.test(c)) {
      i += 1;
    } else if (c === '(') {
      const node = { list: [] as Sxp[], line };
      current.push(node);
      stack.push(node);
      current = node.list;
      i += 1;
    } else if (c === ')') {
      if (stack.length === 0) fail(line, 'unbalanced ")"');
      stack.pop();
      current = stack.length > 0 ? stack[stack.length - 1].list : root;
      i += 1;
    } else if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      if (close < 0) fail(line, 'unterminated string');
      const value = text.slice(i + 1, close);
      current.push({ atom: value, line });
      line += value.split('\n').length - 1;
      i = close + 1;
    } else {
      const m = /^[^\s()'"]+/.exec(text.slice(i, i + 4096));
      const atom = m ? m[0] : c;
      current.push({ atom, line });
      i += atom.length;
    }
  }
  if (stack.length > 0) fail(stack[stack.length - 1].line, 'unclosed "("');
  return root;
}

/**
 * The old xend `xm list --long` SXP: one `(domain (key value) ...)` per domain,
 * keys in no fixed order. Reads the fields the CPU summary needs.
 */
export function parseXmListLong(stdout: string): XmDomain[] {
  const lines = stdout.split('\n').map((l) => l.replace(/\s+$/, ''));
  const fail = (line: number, reason: string): never => {
    throw new XenParseError(PARSER, line, lines[line - 1] ?? '', reason);
  };
  // Stray log lines are blanked so line numbers stay true.
  const text = lines.map((l) => (/^(libxl|xc|Error)\s*:/.test(l) ? '' : l)).join('\n');
  const domains = tokenize(text, fail).map((node) => {
    if (!('list' in node)) return fail(node.line, `unexpected ${JSON.stringify(node.atom)} outside (domain ...)`);
    const [head, ...fields] = node.list;
    if (!head || !('atom' in head) || head.atom !== 'domain') return fail(node.line, 'expected (domain ...)');
    const values = new Map<string, { value: string; line: number }>();
    for (const field of fields) {
      if (!('list' in field)) continue;
      const [key, value] = field.list;
      if (key && 'atom' in key && value && 'atom' in value) values.set(key.atom, { value: value.atom, line: value.line });
    }
    const get = (key: string): { value: string; line: number } | undefined => values.get(key);
    const need = (key: string): { value: string; line: number } => get(key) ?? fail(node.line, `(domain ...) has no ${key}`);
    const num = (key: string, pattern: RegExp): number | null => {
      const entry = get(key);
      if (entry === undefined) return null;
      if (!pattern.test(entry.value)) return fail(entry.line, `${key} ${JSON.stringify(entry.value)} is not a number`);
      const value = Number(entry.value);
      return Number.isFinite(value) ? value : fail(entry.line, `${key} is out of range`);
    };
    const decimal = /^\d+(\.\d+)?$/;
    const integer = /^\d+$/;
    const state = need('state');
    const memory = num('memory', integer) ?? fail(node.line, '(domain ...) has no memory');
    return {
      domid: num('domid', integer),
      name: need('name').value,
      cpuTimeSeconds: num('cpu_time', decimal) ?? 0,
      startTime: num('start_time', decimal),
      memoryMiB: memory,
      maxMemoryMiB: num('maxmem', integer),
      stateText: state.value,
      state: parseXlState(state.value) ?? fail(state.line, `state ${JSON.stringify(state.value)} is not six letters rbpscd`),
    };
  });
  return domains;
}
