/**
 * One command to run on a Dom0. `argv` is the exact argument vector (run without
 * a shell by the Dom0 agent); `line` is the same command quoted for display, logs
 * and the job's step record. `verb` and `args` name the operation as the agent
 * knows it: the agent rebuilds the command from them with the same builder, so
 * it validates every argument itself (libs/xen/src/agent/verbs.ts).
 */
export interface Dom0Command {
  readonly line: string;
  readonly argv?: readonly string[];
  readonly verb?: string;
  readonly args?: VerbArgs;
  readonly stdin?: string;
  /** Set instead of argv when the command writes `stdin` to this file (writeFileCommand). */
  readonly writeTo?: string;
  readonly description: string;
}

/** A verb's typed input as it travels in JSON. */
export type VerbArgs = Readonly<Record<string, unknown>>;

/**
 * A read-only operation: the command plus the parser for its stdout, so a
 * client can run `query.command` and hand the output to `query.parse`.
 */
export interface Dom0Query<T> {
  readonly command: Dom0Command;
  readonly parse: (stdout: string) => T;
}

/** The builder's command, named as the agent verb `verb` with `args`. */
export function asVerb(verb: string, args: VerbArgs, command: Dom0Command): Dom0Command {
  return { ...command, verb, args };
}

export function queryAsVerb<T>(verb: string, args: VerbArgs, query: Dom0Query<T>): Dom0Query<T> {
  return { command: asVerb(verb, args, query.command), parse: query.parse };
}
