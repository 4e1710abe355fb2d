import type { Readable, Writable } from 'node:stream';
import type { FaultRules } from './faults';
import type { SimHostState } from './state/host-state';
import type { SimTimeSource } from './state/sim-clock';

/** Everything a command handler may read or change on one simulated host. */
export interface SimRuntime {
  state: SimHostState;
  readonly clock: SimTimeSource;
  readonly faults: FaultRules;
  /**
   * Sleep `simSeconds` of simulated time (real time divided by the time factor,
   * capped at simSeconds real seconds); returns early when `closed` aborts.
   */
  sleepSim(simSeconds: number, closed?: AbortSignal): Promise<void>;
  /** Replace the state (reset, reload). */
  replaceState(state: SimHostState): void;
  /** Called by `carve-sim reset`: a fresh host with the original shape. */
  freshState(): SimHostState;
}

/** The stdin of the exec channel, read to EOF on demand (only `cat > PATH` asks for it). */
export type StdinReader = () => Promise<string>;

export interface CommandInput {
  runtime: SimRuntime;
  /** Words after the command name. */
  args: string[];
  redirectOut?: string;
  readStdin: StdinReader;
  /** Aborts when the client closes the exec channel. */
  closed?: AbortSignal;
  /** The exec channel itself, for commands that stream (dd of a volume to stdout or from stdin). */
  streams?: ExecStreams;
}

/** An exec channel's stdin and stdout as streams, with the channel's flow control. */
export interface ExecStreams {
  stdin: Readable;
  stdout: Writable;
}
