import type { ParsedCommand } from './shell-words';

/**
 * Bash pathname expansion of a parsed command's words, for patterns under
 * /sys (the simulator's virtual files; other paths stay as typed): matches in
 * byte order, as in the C locale, and an unmatched pattern stays literal so
 * the command reports the missing file itself.
 */
export function expandPathnames(command: ParsedCommand, paths: () => ReadonlySet<string>): string[] {
  const { globs } = command;
  if (!globs) return command.words;
  let known: ReadonlySet<string> | undefined;
  return command.words.flatMap((word, i) => {
    const glob = globs[i];
    if (glob === undefined || !word.startsWith('/sys/')) return [word];
    known ??= paths();
    const regex = new RegExp(glob);
    const matches = [...known].filter((p) => regex.test(p)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return matches.length > 0 ? matches : [word];
  });
}
