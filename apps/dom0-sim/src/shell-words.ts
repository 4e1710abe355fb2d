/**
 * Splits a command line the way a POSIX shell would: words, single and double
 * quotes, backslash escapes, an output redirect `> PATH`, and (parseCommandList)
 * `;` between commands. Nothing is evaluated; pipes, `&&`/`||`, background
 * jobs and substitutions are refused. Globbing is left to the caller: a word
 * with an unquoted `*` or `?` carries its pattern in `globs`.
 */
export interface ParsedCommand {
  /** Leading `NAME=value` assignments, e.g. `LC_ALL=C`. */
  env: Record<string, string>;
  words: string[];
  redirectOut?: string;
  /**
   * Present when a word holds an unquoted `*` or `?`: per word, the anchored
   * regular expression source it matches as a pathname (undefined for plain
   * words), quoted parts matching literally as in bash.
   */
  globs?: (string | undefined)[];
}

export type ShellParse = { ok: true; command: ParsedCommand } | { ok: false; stderr: string; exitCode: number };
export type ShellListParse = { ok: true; commands: ParsedCommand[] } | { ok: false; stderr: string; exitCode: number };
type ShellError = { ok: false; stderr: string; exitCode: number };

interface Token {
  text: string;
  /** `>`, `;` or `;;` */
  op?: string;
  glob?: string;
}

const OPERATORS = new Set([';', '|', '&', '<', '(', ')', '`']);
const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/g;
const literal = (text: string): string => text.replace(REGEX_SPECIAL, '\\$&');

/** One simple command; a `;` is refused like any other list. */
export function parseShellWords(line: string): ShellParse {
  const tokens = tokenize(line, false);
  if (!Array.isArray(tokens)) return tokens;
  const command = buildCommand(tokens);
  return 'ok' in command ? command : { ok: true, command };
}

/** Commands separated by `;`, run one after the other (a trailing `;` is allowed, an empty command is not). */
export function parseCommandList(line: string): ShellListParse {
  const tokens = tokenize(line, true);
  if (!Array.isArray(tokens)) return tokens;
  const commands: ParsedCommand[] = [];
  let current: Token[] = [];
  for (const token of tokens) {
    if (token.op !== ';' && token.op !== ';;') {
      current.push(token);
      continue;
    }
    if (current.length === 0 || token.op === ';;') return syntaxError(token.op);
    const command = buildCommand(current);
    if ('ok' in command) return command;
    commands.push(command);
    current = [];
  }
  if (current.length > 0) {
    const command = buildCommand(current);
    if ('ok' in command) return command;
    commands.push(command);
  }
  return { ok: true, commands };
}

function tokenize(line: string, lists: boolean): Token[] | ShellError {
  const tokens: Token[] = [];
  let current = '';
  let pattern = '';
  let globbed = false;
  let inWord = false;
  let i = 0;
  const push = (): void => {
    if (inWord) tokens.push({ text: current, ...(globbed ? { glob: `^${pattern}$` } : {}) });
    current = '';
    pattern = '';
    globbed = false;
    inWord = false;
  };
  const add = (text: string): void => {
    current += text;
    pattern += literal(text);
    inWord = true;
  };
  while (i < line.length) {
    const ch = line[i];
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      push();
      i += 1;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return unexpectedEof("'");
      add(line.slice(i + 1, end));
      i = end + 1;
    } else if (ch === '"') {
      inWord = true;
      i += 1;
      for (;;) {
        if (i >= line.length) return unexpectedEof('"');
        const c = line[i];
        if (c === '"') break;
        if (c === '\\' && i + 1 < line.length && '$`"\\\n'.includes(line[i + 1])) {
          if (line[i + 1] !== '\n') add(line[i + 1]);
          i += 2;
        } else if (c === '$' || c === '`') {
          return refused(line, lists);
        } else {
          add(c);
          i += 1;
        }
      }
      i += 1;
    } else if (ch === '\\') {
      if (i + 1 < line.length && line[i + 1] !== '\n') add(line[i + 1]);
      inWord = true;
      i += 2;
    } else if (ch === '>') {
      push();
      tokens.push({ text: '>', op: '>' });
      i += 1;
    } else if (ch === ';' && lists) {
      push();
      const double = line[i + 1] === ';';
      tokens.push({ text: double ? ';;' : ';', op: double ? ';;' : ';' });
      i += double ? 2 : 1;
    } else if (OPERATORS.has(ch) || (ch === '$' && '({'.includes(line[i + 1] ?? ''))) {
      return refused(line, lists);
    } else if (ch === '#' && !inWord) {
      break;
    } else if (ch === '*' || ch === '?') {
      current += ch;
      pattern += ch === '*' ? '[^/]*' : '[^/]';
      globbed = true;
      inWord = true;
      i += 1;
    } else {
      add(ch);
      i += 1;
    }
  }
  push();
  return tokens;
}

function buildCommand(tokens: Token[]): ParsedCommand | ShellError {
  const env: Record<string, string> = {};
  const words: string[] = [];
  const globs: (string | undefined)[] = [];
  let redirectOut: string | undefined;
  for (let t = 0; t < tokens.length; t += 1) {
    const token = tokens[t];
    if (token.op === '>') {
      const target = tokens[t + 1];
      if (!target || target.op) return syntaxError(target?.op ?? 'newline');
      redirectOut = target.text;
      t += 1;
    } else if (words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(token.text)) {
      const eq = token.text.indexOf('=');
      env[token.text.slice(0, eq)] = token.text.slice(eq + 1);
    } else {
      words.push(token.text);
      globs.push(token.glob);
    }
  }
  return {
    env,
    words,
    ...(redirectOut !== undefined ? { redirectOut } : {}),
    ...(globs.some((g) => g !== undefined) ? { globs } : {}),
  };
}

function syntaxError(token: string): ShellError {
  return { ok: false, stderr: `bash: -c: line 1: syntax error near unexpected token \`${token}'\n`, exitCode: 2 };
}

function unexpectedEof(quote: string): ShellError {
  return { ok: false, stderr: `bash: -c: line 1: unexpected EOF while looking for matching \`${quote}'\n`, exitCode: 2 };
}

function refused(line: string, lists: boolean): ShellError {
  const what = lists ? 'simple commands and `;` lists are simulated (no pipes, &&, ||, background jobs or substitutions)' : 'simple commands are simulated (no pipes, lists or substitutions)';
  return { ok: false, stderr: `carve-sim: only ${what}: ${line}\n`, exitCode: 2 };
}
