import { GUEST_KERNEL_RELEASE } from './boot-screen';
import { runGuestCommand, type GuestFacts } from './guest-shell';
import { PygrubMenu, type PygrubMenuOptions } from './pygrub-menu';

/** Bytes kept per domain for a later `xl console` (xenconsoled keeps a ring of the guest's output too). */
export const CONSOLE_BUFFER_BYTES = 64 * 1024;

type Phase = 'login' | 'password' | 'shell';

/** How the domain boots: through pygrub's menu or straight into a kernel, and what the kernel brings up. */
export interface ConsoleBoot {
  /** pygrub's menu when the domain boots through it; absent for a direct kernel boot (rescue). */
  menu?: Omit<PygrubMenuOptions, 'draw' | 'boot'>;
  /** The guest's facts and boot log once the kernel starts from menu entry `entry` (0 without a menu). */
  kernel(entry: number): { facts: GuestFacts; log: string };
}

/**
 * One domain's console: the screen so far (a ring of recent output), the attached
 * readers, and the guest side: pygrub's menu first (pygrub-menu.ts; the entry picked
 * decides the root the guest runs from), then a getty that takes `root` with any password and a shell
 * of a few commands (guest-shell.ts). The guest echoes what is typed, as a tty does,
 * except a password.
 */
export class GuestConsole {
  private buffer = Buffer.alloc(0);
  private readonly readers = new Set<(bytes: Buffer) => void>();
  private phase: Phase = 'login';
  private line = '';
  private user = '';
  private facts!: GuestFacts;
  private readonly menu: PygrubMenu | undefined;

  constructor(boot: ConsoleBoot) {
    if (!boot.menu) {
      this.menu = undefined;
      this.startKernel(boot, 0, '');
      return;
    }
    this.menu = new PygrubMenu({ ...boot.menu, draw: (text) => this.emit(text), boot: (entry) => this.startKernel(boot, entry, '\x1b[2J\x1b[H') });
    this.menu.start();
  }

  /** The guest's facts once its kernel runs; undefined while pygrub's menu is still up. */
  get guest(): GuestFacts | undefined {
    return this.menu && !this.menu.booted ? undefined : this.facts;
  }

  /** The recent output, then every new byte, to `reader` until the returned function is called. */
  attach(reader: (bytes: Buffer) => void): () => void {
    if (this.buffer.length > 0) reader(this.buffer);
    this.readers.add(reader);
    return () => this.readers.delete(reader);
  }

  /** Keystrokes from an attached `xl console`. */
  type(bytes: Buffer): void {
    // Keys typed after the one that booted pygrub's entry are lost, as they are on a real
    // host: they went to pygrub's pty, not the guest's console.
    if (this.menu?.key(bytes.toString('utf8'))) return;
    for (const ch of bytes.toString('utf8')) this.key(ch);
  }

  private startKernel(boot: ConsoleBoot, entry: number, clear: string): void {
    const { facts, log } = boot.kernel(entry);
    this.facts = facts;
    this.emit(`${clear}${log}${this.loginPrompt()}`);
  }

  private key(ch: string): void {
    if (ch === '\r' || ch === '\n') return this.enter();
    if (ch === '\x7f' || ch === '\b') {
      if (this.line.length === 0) return;
      this.line = this.line.slice(0, -1);
      if (this.phase !== 'password') this.emit('\b \b');
      return;
    }
    if (ch === '\x03') {
      this.line = '';
      this.emit(`^C\r\n${this.prompt()}`);
      return;
    }
    if (ch < ' ') return;
    this.line += ch;
    if (this.phase !== 'password') this.emit(ch);
  }

  private enter(): void {
    const typed = this.line;
    this.line = '';
    this.emit('\r\n');
    if (this.phase === 'login') {
      if (typed.trim() === '') return this.emit(this.loginPrompt());
      this.user = typed.trim();
      this.phase = 'password';
      return this.emit('Password: ');
    }
    if (this.phase === 'password') {
      if (this.user !== 'root') {
        this.phase = 'login';
        return this.emit(`\r\nLogin incorrect\r\n${this.loginPrompt()}`);
      }
      this.phase = 'shell';
      return this.emit(`Linux ${this.facts.hostname} ${GUEST_KERNEL_RELEASE} #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 x86_64\r\n\r\n${this.prompt()}`);
    }
    const outcome = runGuestCommand(typed, this.facts);
    if ('exit' in outcome) {
      this.phase = 'login';
      return this.emit(`logout\r\n\r\n${this.loginPrompt()}`);
    }
    this.emit(`${outcome.output}${this.prompt()}`);
  }

  private loginPrompt(): string {
    return `${this.facts.hostname} login: `;
  }

  private prompt(): string {
    if (this.phase === 'login') return this.loginPrompt();
    if (this.phase === 'password') return 'Password: ';
    return `root@${this.facts.hostname}:~# `;
  }

  private emit(text: string): void {
    if (text === '') return;
    const bytes = Buffer.from(text, 'utf8');
    const joined = Buffer.concat([this.buffer, bytes]);
    this.buffer = joined.length > CONSOLE_BUFFER_BYTES ? joined.subarray(joined.length - CONSOLE_BUFFER_BYTES) : joined;
    for (const reader of this.readers) reader(bytes);
  }
}
