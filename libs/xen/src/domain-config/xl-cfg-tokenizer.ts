import { XenParseError } from '../errors/xen-parse.error';

// A tokenizer for the xl.cfg language (libxlu_cfg_l.l): `key = value` settings
// separated by newlines or `;`, values are strings in either quote style,
// numbers, or `[ ... ]` lists that may span lines; `#` starts a comment.

export type CfgValue = string | readonly string[];

export interface CfgSetting {
  readonly key: string;
  readonly value: CfgValue;
  /** 1-based line where the setting starts. */
  readonly line: number;
}

interface Token {
  readonly kind: 'word' | 'string' | '[' | ']' | ',' | '=' | 'end';
  readonly text: string;
  readonly line: number;
}

const PARSER = 'xl.cfg';

function tokenize(text: string, lines: readonly string[]): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const fail = (reason: string, at = line): never => {
    throw new XenParseError(PARSER, at, lines[at - 1] ?? '', reason);
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\n' || c === ';') {
      tokens.push({ kind: 'end', text: c, line });
      if (c === '\n') line += 1;
      i += 1;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i += 1;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      const newline = text.indexOf('\n', i + 1);
      if (close < 0 || (newline >= 0 && newline < close)) fail('unterminated string');
      let value = text.slice(i + 1, close);
      // libxlu unescapes backslash sequences inside double quotes only.
      if (c === '"') value = value.replace(/\\(.)/g, '$1');
      tokens.push({ kind: 'string', text: value, line });
      i = close + 1;
    } else if (c === '[' || c === ']' || c === ',' || c === '=') {
      tokens.push({ kind: c, text: c, line });
      i += 1;
    } else {
      const match = /^[A-Za-z0-9_.+-]+/.exec(text.slice(i, i + 256));
      if (!match) fail(`unexpected character ${JSON.stringify(c)}`);
      else {
        tokens.push({ kind: 'word', text: match[0], line });
        i += match[0].length;
      }
    }
  }
  tokens.push({ kind: 'end', text: '', line });
  return tokens;
}

/** Read every setting; a later setting of the same key wins, as in xl. */
export function readCfgSettings(text: string): CfgSetting[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const tokens = tokenize(text, lines);
  const settings: CfgSetting[] = [];
  let pos = 0;
  const peek = (): Token => tokens[pos];
  const next = (): Token => tokens[Math.min(pos++, tokens.length - 1)];
  const fail = (token: Token, reason: string): never => {
    throw new XenParseError(PARSER, token.line, lines[token.line - 1] ?? '', reason);
  };
  const skipNewlines = (): void => {
    while (peek().kind === 'end' && peek().text === '\n') pos += 1;
  };

  while (pos < tokens.length - 1) {
    const first = next();
    if (first.kind === 'end') continue;
    if (first.kind !== 'word' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(first.text)) fail(first, 'expected a setting name');
    if (next().kind !== '=') fail(first, `expected "=" after ${first.text}`);
    const valueToken = next();
    let value: CfgValue;
    if (valueToken.kind === 'string' || valueToken.kind === 'word') {
      value = valueToken.text;
    } else if (valueToken.kind === '[') {
      const items: string[] = [];
      skipNewlines();
      while (peek().kind !== ']') {
        const item = next();
        if (item.kind !== 'string' && item.kind !== 'word') fail(item, 'expected a list item or "]"');
        items.push(item.text);
        skipNewlines();
        if (peek().kind === ',') {
          pos += 1;
          skipNewlines();
        } else if (peek().kind !== ']') {
          fail(peek(), 'expected "," or "]" in list');
        }
      }
      pos += 1;
      value = items;
    } else {
      value = fail(valueToken, `expected a value for ${first.text}`);
    }
    const end = next();
    if (end.kind !== 'end') fail(end, 'expected end of line after value');
    settings.push({ key: first.text, value, line: first.line });
  }
  return settings;
}
