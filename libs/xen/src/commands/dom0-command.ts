/**
 * One command to run on a Dom0. `line` is the exact shell command line with
 * every argument validated and quoted; `stdin`, when present, is written to the
 * command's standard input (how files are written: `cat > <path>`).
 */
export interface Dom0Command {
  readonly line: string;
  readonly stdin?: string;
  readonly description: string;
}

/**
 * A read-only operation: the command plus the parser for its stdout, so a
 * client can run `query.command` and hand the output to `query.parse`.
 */
export interface Dom0Query<T> {
  readonly command: Dom0Command;
  readonly parse: (stdout: string) => T;
}
