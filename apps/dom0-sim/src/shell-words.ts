/**
 * Splits one simple command line the way a POSIX shell would: words, single and
 * double quotes, backslash escapes, and an output redirect `> PATH`. Nothing is
 * expanded or evaluated; pipes, lists and substitutions are refused.
 */
export interface ParsedCommand {
  /** Leading `NAME=value` assignments, e.g. `LC_ALL=C`. */
  env: Record<string, string>;
  words: string[];
  redirectOut?: string;
}

export type ShellParse = { ok: true; command: ParsedCommand } | { ok: false; stderr: string; exitCode: number };

const OPERATORS = new Set([';', '|', '&', '<', '(', ')', '`']);

export function parseShellWords(line: string): ShellParse {
  const tokens: { text: string; op: boolean }[] = [];
  let current = '';
  let inWord = false;
  let i = 0;
  const push = (): void => {
    if (inWord) tokens.push({ text: current, op: false });
    current = '';
    inWord = false;
  };
  while (i < line.length) {
    const ch = line[i];
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      push();
      i += 1;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return unexpectedEof("'");
      current += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      inWord = true;
      i += 1;
      for (;;) {
        if (i >= line.length) return unexpectedEof('"');
        const c = line[i];
        if (c === '"') break;
        if (c === '\\' && i + 1 < line.length && '$`"\\\n'.includes(line[i + 1])) {
          if (line[i + 1] !== '\n') current += line[i + 1];
          i += 2;
        } else if (c === '$' || c === '`') {
          return refused(line);
        } else {
          current += c;
          i += 1;
        }
      }
      i += 1;
    } else if (ch === '\\') {
      if (i + 1 < line.length && line[i + 1] !== '\n') current += line[i + 1];
      inWord = true;
      i += 2;
    } else if (ch === '>') {
      push();
      tokens.push({ text: '>', op: true });
      i += 1;
    } else if (OPERATORS.has(ch) || (ch === '$' && '({'.includes(line[i + 1] ?? ''))) {
      return refused(line);
    } else if (ch === '#' && !inWord) {
      break;
    } else {
      current += ch;
      inWord = true;
      i += 1;
    }
  }
  push();

  const env: Record<string, string> = {};
  const words: string[] = [];
  let redirectOut: string | undefined;
  for (let t = 0; t < tokens.length; t += 1) {
    const token = tokens[t];
    if (token.op) {
      const target = tokens[t + 1];
      if (!target || target.op) return { ok: false, stderr: "bash: -c: line 1: syntax error near unexpected token `newline'\n", exitCode: 2 };
      redirectOut = target.text;
      t += 1;
    } else if (words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(token.text)) {
      const eq = token.text.indexOf('=');
      env[token.text.slice(0, eq)] = token.text.slice(eq + 1);
    } else {
      words.push(token.text);
    }
  }
  return { ok: true, command: { env, words, ...(redirectOut !== undefined ? { redirectOut } : {}) } };
}

function unexpectedEof(quote: string): ShellParse {
  return { ok: false, stderr: `bash: -c: line 1: unexpected EOF while looking for matching \`${quote}'\n`, exitCode: 2 };
}

function refused(line: string): ShellParse {
  return { ok: false, stderr: `carve-sim: only simple commands are simulated (no pipes, lists or substitutions): ${line}\n`, exitCode: 2 };
}
