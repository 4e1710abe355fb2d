/** Characters that no POSIX shell treats specially anywhere in a word. */
const BARE_WORD = /^[A-Za-z0-9_./:=@%+,-]+$/;

/**
 * Quote one argument for a POSIX shell. Safe words stay bare so command lines
 * read naturally in logs; everything else is single-quoted, the only quoting in
 * which nothing (no `$`, backtick or backslash) is interpreted. A single quote
 * inside is written as `'\''` (close, escaped quote, reopen).
 */
export function shellQuote(arg: string): string {
  if (arg.length > 0 && BARE_WORD.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Join already-validated arguments into one command line, quoting each. */
export function shellJoin(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}
