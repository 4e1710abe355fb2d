/** Why a domain shut down (xl's shutdown_reason_letters "-rscwS"). */
export type ShutdownReason = 'poweroff' | 'reboot' | 'suspend' | 'crash' | 'watchdog' | 'soft_reset';

/**
 * The flags behind xl's six-letter state, plus one summary word. `runnable`
 * means no flag is set: a vCPU waiting for a pCPU (`------`).
 */
export interface DomainState {
  readonly running: boolean;
  readonly blocked: boolean;
  readonly paused: boolean;
  readonly shutdown: boolean;
  readonly shutdownReason: ShutdownReason | null;
  readonly crashed: boolean;
  readonly dying: boolean;
  readonly summary: 'running' | 'blocked' | 'paused' | 'shutdown' | 'crashed' | 'dying' | 'runnable';
}

const REASONS: Record<string, ShutdownReason> = { '-': 'poweroff', r: 'reboot', s: 'suspend', c: 'crash', w: 'watchdog', S: 'soft_reset' };

function summarize(flags: Omit<DomainState, 'summary'>): DomainState['summary'] {
  if (flags.dying) return 'dying';
  if (flags.crashed) return 'crashed';
  if (flags.shutdown) return 'shutdown';
  if (flags.paused) return 'paused';
  if (flags.running) return 'running';
  if (flags.blocked) return 'blocked';
  return 'runnable';
}

/** xl list / xm list order: r b p s <reason> d. Returns undefined when the text is not a state. */
export function parseXlState(text: string): DomainState | undefined {
  if (!/^[r-][b-][p-][s-][-rscwS][d-]$/.test(text)) return undefined;
  const shutdown = text[3] === 's';
  // The reason column is only meaningful once the domain has shut down ('-' then means poweroff).
  const shutdownReason = shutdown ? REASONS[text[4]] : text[4] === 'c' ? 'crash' : null;
  const flags = {
    running: text[0] === 'r',
    blocked: text[1] === 'b',
    paused: text[2] === 'p',
    shutdown,
    shutdownReason,
    crashed: shutdownReason === 'crash',
    dying: text[5] === 'd',
  };
  return { ...flags, summary: summarize(flags) };
}

/** xentop order: d s b c p r (tools/xentop/xentop.c compare_state). */
export function parseXentopState(text: string): DomainState | undefined {
  if (!/^[d-][s-][b-][c-][p-][r-]$/.test(text)) return undefined;
  const crashed = text[3] === 'c';
  const shutdown = text[1] === 's';
  const flags = {
    running: text[5] === 'r',
    blocked: text[2] === 'b',
    paused: text[4] === 'p',
    shutdown,
    // xentop shows no reason letter; a crash is the one reason it tells apart.
    shutdownReason: crashed ? ('crash' as const) : null,
    crashed,
    dying: text[0] === 'd',
  };
  return { ...flags, summary: summarize(flags) };
}
