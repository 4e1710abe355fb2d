import type { Dom0Command, VerbArgs } from '../commands/dom0-command';
import { XenArgumentError } from '../errors/xen-argument.error';
import type { Dom0Runner } from '../client/dom0-runner';
import type { ExecResult } from '../ssh/dom0-executor';

/**
 * - `command`: one fixed argv (or a file write) built by a libs/xen builder.
 * - `procedure`: several steps run by the agent (metering reading, image install), each a builder's command.
 * - `stream-read` / `stream-write`: one argv whose stdout / stdin is the channel's raw bytes (volume copies).
 *   An interactive verb (`console.attach`) registers as `stream-read` with its stdin forwarded too.
 */
export type VerbKind = 'command' | 'procedure' | 'stream-read' | 'stream-write';

/** What an agent-side procedure may use: a runner for local commands (typed failures) and directory listings (sysfs). */
export interface ProcedureContext {
  readonly runner: Dom0Runner;
  /** Where the agent mounts a guest filesystem it works on; fixed by the agent, never by a request. */
  readonly mountRoot: string;
  listDirectory(path: string): Promise<string[]>;
}

export interface VerbDefinition {
  readonly name: string;
  readonly kind: VerbKind;
  /**
   * The command, rebuilt from `args` with the builder's own validators (XenArgumentError for bad
   * input). For a procedure: its display command, which also validates the args.
   */
  build(args: VerbArgs): Dom0Command;
  /** Procedures only: the steps. Throws Dom0OperationError / CommandFailedError as the client would. */
  run?(context: ProcedureContext, args: VerbArgs): Promise<ExecResult>;
  /** The objects the operation changes (`volume:/dev/vg0/a`, `domain:web1`); held exclusively while it runs. */
  locks(args: VerbArgs): string[];
  readonly defaultTimeoutMs: number;
  readonly maxTimeoutMs: number;
  /** stream-read only: the channel's stdin goes to the command too, and the command ends when the channel does (a console). */
  readonly interactive?: boolean;
  /**
   * The verb only reads the host (lists, info, counters, checksums, the metering reading): the
   * agent keeps no journal entry for it and a repeated id reads again. Its locks still apply.
   * Never set on a verb that changes anything: that would drop its protection against running twice.
   */
  readonly readOnly?: boolean;
}

const registry = new Map<string, VerbDefinition>();

/** Adds a verb; a name is registered once (a second registration is a programming error). */
export function registerVerb(definition: VerbDefinition): void {
  if (registry.has(definition.name)) throw new Error(`agent verb ${definition.name} is registered twice`);
  if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/.test(definition.name)) throw new Error(`agent verb name ${definition.name} is not lower-case dotted words`);
  registry.set(definition.name, definition);
}

export function findVerb(name: string): VerbDefinition | undefined {
  return registry.get(name);
}

export function verbNames(): string[] {
  return [...registry.keys()].sort();
}

/** JSON args are untyped: each field is checked by the builder; this only makes sure there is an object to read. */
export function requireArgs(args: unknown): VerbArgs {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new XenArgumentError('args', 'must be a JSON object', args);
  return args as VerbArgs;
}
