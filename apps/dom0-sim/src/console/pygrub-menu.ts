/**
 * pygrub's menu loop (tools/pygrub/src/pygrub, Grub.run_main) as the simulated console
 * plays it: the entries with the selected one highlighted, a "Will boot selected entry in
 * %2d seconds" line counting down once a second, up/down moving the selection (bounded at
 * both ends, no wrap), Enter booting the selected entry at once, and any key stopping the
 * countdown for good (pygrub sets mytime = -1 and blanks the line). When the countdown
 * reaches zero the selected entry (the default, unless someone moved it) boots.
 *
 * The countdown runs in real seconds, as pygrub's curses getch(1000 ms) does: the
 * simulator's accelerated clock is for counters and uptimes, and a person picks an entry
 * at human speed.
 */

/** Fires `tick` once a second until cancelled; injected so the unit spec drives it by hand. */
export type Ticker = (tick: () => void) => () => void;

export const realTicker: Ticker = (tick) => {
  const timer = setInterval(tick, 1000);
  // A countdown nobody watches must not keep the simulator's process alive.
  timer.unref();
  return () => clearInterval(timer);
};

export interface PygrubMenuOptions {
  /** One line per entry, in menu order; entry 0 is the default. */
  entries: readonly string[];
  /** From the guest's grub.cfg `set timeout=N`; -1 waits for a key forever. */
  timeoutSeconds: number;
  /** Whole seconds the menu has already been up (a console attached late joins the countdown). */
  elapsedSeconds: number;
  /** Writes to the console. */
  draw(text: string): void;
  /** Called once with the index of the entry to boot. */
  boot(index: number): void;
  ticker?: Ticker;
}

const WIDTH = 74;
/** Rows above the entries: the title and the box's top edge. */
const ENTRIES_ROW = 3;

export class PygrubMenu {
  private selected = 0;
  /** Seconds left; undefined once a key stopped the countdown (or there is none). */
  private remaining: number | undefined;
  private stopTicker: (() => void) | undefined;
  /** An escape sequence split across reads (ESC, then `[`, then `A`). */
  private pendingEscape = '';
  private done = false;

  constructor(private readonly options: PygrubMenuOptions) {
    this.remaining = options.timeoutSeconds < 0 ? undefined : Math.max(0, options.timeoutSeconds - Math.max(0, Math.floor(options.elapsedSeconds)));
  }

  /** Draws the menu and starts the countdown; boots straight away when the timeout already ran out. */
  start(): void {
    this.options.draw(`\x1b[2J\x1b[H${this.screen()}`);
    if (this.remaining === 0) return this.finish();
    if (this.remaining !== undefined) this.stopTicker = (this.options.ticker ?? realTicker)(() => this.tick());
  }

  get booted(): boolean {
    return this.done;
  }

  /** Keystrokes while the menu is up; false once it has booted (the caller passes keys on to the guest). */
  key(text: string): boolean {
    if (this.done) return false;
    for (const ch of text) {
      if (this.done) break;
      this.one(ch);
    }
    return true;
  }

  private one(ch: string): void {
    if (this.pendingEscape !== '' || ch === '\x1b') {
      this.pendingEscape += ch;
      // ESC [ A / ESC O A (application cursor mode) are up; B is down.
      const seq = this.pendingEscape;
      const cursor = seq[1] === '[' || seq[1] === 'O';
      if (seq.length === 1 || (seq.length === 2 && cursor)) return;
      this.pendingEscape = '';
      this.stopCountdown();
      if (cursor && seq[2] === 'A') return this.move(-1);
      if (cursor && seq[2] === 'B') return this.move(1);
      return this.redraw();
    }
    this.stopCountdown();
    if (ch === '\r' || ch === '\n') return this.finish();
    if (ch === 'k') return this.move(-1);
    if (ch === 'j') return this.move(1);
    // 'e', 'a' and 'c' (edit, kernel arguments, command line) are not simulated: like any other key they only stop the countdown.
    this.redraw();
  }

  private move(by: number): void {
    this.selected = Math.min(this.options.entries.length - 1, Math.max(0, this.selected + by));
    this.redraw();
  }

  private tick(): void {
    if (this.done || this.remaining === undefined) return;
    this.remaining -= 1;
    this.options.draw(`\x1b[${this.countdownRow()};1H${this.countdownLine()}`);
    if (this.remaining <= 0) this.finish();
  }

  private stopCountdown(): void {
    this.remaining = undefined;
    this.stopTicker?.();
    this.stopTicker = undefined;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.stopTicker?.();
    this.stopTicker = undefined;
    this.options.boot(this.selected);
  }

  private redraw(): void {
    this.options.draw(`\x1b[H${this.screen()}`);
  }

  private countdownRow(): number {
    return ENTRIES_ROW + this.options.entries.length + 6;
  }

  private countdownLine(): string {
    const text = this.remaining === undefined ? '' : `Will boot selected entry in ${String(this.remaining).padStart(2)} seconds`;
    return `     ${text}`.padEnd(80);
  }

  private screen(): string {
    const entry = (text: string, selected: boolean): string => {
      const body = ` ${text}`.padEnd(WIDTH).slice(0, WIDTH);
      return ` \u2502${selected ? `\x1b[7m${body}\x1b[0m` : body}\u2502\r\n`;
    };
    return [
      '    pyGRUB  version 0.6\r\n',
      ` \u250c${'\u2500'.repeat(WIDTH)}\u2510\r\n`,
      ...this.options.entries.map((text, i) => entry(text, i === this.selected)),
      ` \u2514${'\u2500'.repeat(WIDTH)}\u2518\r\n`,
      '     Use the ^ and v keys to select which entry is highlighted.\r\n',
      '     Press enter to boot the selected OS, \'e\' to edit the\r\n',
      '     commands before booting, \'a\' to modify the kernel arguments\r\n',
      '     before booting, or \'c\' for a command line.\r\n',
      '\r\n',
      `${this.countdownLine()}\r\n`,
    ].join('');
  }
}
