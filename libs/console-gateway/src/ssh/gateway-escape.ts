/**
 * The gateway's own keys, read from what the SSH client types: Ctrl-] starts an escape,
 * then `q` (or `.`) leaves, `k` takes the keyboard, `?` shows the help. Ctrl-] itself is
 * never passed on: `xl console` takes it as "detach", which would end everyone's stream.
 * (OpenSSH's own `~.` still works as usual: the client handles it before we see it.)
 */
export const ESCAPE = 0x1d;

export type GatewayAction = { kind: 'send'; bytes: Buffer } | { kind: 'quit' } | { kind: 'take-keyboard' } | { kind: 'help' };

export const GATEWAY_HELP = 'Ctrl-] then q leaves, Ctrl-] then k takes the keyboard, Ctrl-] then ? shows this (or ~. as usual with OpenSSH)';

export class GatewayEscapeReader {
  private afterEscape = false;

  /** The actions one chunk of input means, in order; an escape split across chunks carries over. */
  read(chunk: Buffer): GatewayAction[] {
    const actions: GatewayAction[] = [];
    let start = 0;
    const flush = (end: number) => {
      if (end > start) actions.push({ kind: 'send', bytes: chunk.subarray(start, end) });
    };
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.afterEscape) {
        this.afterEscape = false;
        start = i + 1;
        const key = String.fromCharCode(byte).toLowerCase();
        if (key === 'q' || key === '.') {
          actions.push({ kind: 'quit' });
          return actions;
        }
        if (key === 'k') actions.push({ kind: 'take-keyboard' });
        else if (key === '?') actions.push({ kind: 'help' });
        // Anything else after Ctrl-] is dropped with it: a mistyped escape types nothing.
        continue;
      }
      if (byte === ESCAPE) {
        flush(i);
        this.afterEscape = true;
        start = i + 1;
      }
    }
    flush(chunk.length);
    return actions;
  }
}
