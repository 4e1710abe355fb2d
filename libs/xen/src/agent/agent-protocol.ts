// The wire format between carve and the Dom0 agent (carve-agent). Shared by the
// agent (libs/dom0-agent) and carve's client (AgentExecutor), so both read one definition.
import type { VerbArgs } from '../commands/dom0-command';

/**
 * The agent's protocol version. Bump it when a verb is added or changes; carve
 * refuses hosts whose agent reports less than MIN_AGENT_VERSION.
 */
export const AGENT_VERSION = 1;
export const MIN_AGENT_VERSION = 1;

/** Request ids become journal file names: no path characters. */
export const REQUEST_ID = /^[A-Za-z0-9_-]{8,100}$/;

export interface AgentRequest {
  readonly id: string;
  readonly verb: string;
  readonly args: VerbArgs;
  /** Capped by the verb's maximum; the verb's default when absent. */
  readonly timeoutMs?: number;
}

export type AgentStatus = 'ok' | 'failed' | 'timed_out' | 'refused';

export interface AgentResult {
  readonly id: string;
  readonly status: AgentStatus;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Set for refused and timed_out, and for failures the agent itself named (a Dom0OperationError code such as `image_missing`). */
  readonly error?: { readonly code: string; readonly message: string };
}

/** What `carve-agent version` prints, and the first line `carve-agent serve` writes. */
export interface AgentHello {
  readonly agent: 'carve-agent';
  readonly version: number;
  readonly verbs: readonly string[];
  /** `serve`, `call`, `version`, `stream-read`, `stream-write`. */
  readonly modes: readonly string[];
}

/** The command line that runs a verb's stream on its own channel. */
export function streamCommandLine(mode: 'stream-read' | 'stream-write', request: Omit<AgentRequest, 'timeoutMs'>): string {
  return `carve-agent ${mode} ${JSON.stringify(request)}`;
}
