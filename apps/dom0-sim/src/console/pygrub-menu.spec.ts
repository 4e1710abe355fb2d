import { GuestConsole } from './guest-console';
import type { GuestFacts } from './guest-shell';
import { PygrubMenu, type Ticker } from './pygrub-menu';

/** A ticker the test fires by hand: no real second passes in these tests. */
function manualTicker(): { ticker: Ticker; tick(): void; running(): boolean } {
  let current: (() => void) | undefined;
  return {
    ticker: (tick) => {
      current = tick;
      return () => (current = undefined);
    },
    tick: () => current?.(),
    running: () => current !== undefined,
  };
}

const ENTRIES = ['Debian GNU/Linux 13 (trixie) (root on xvda)', 'Debian GNU/Linux 12 (bookworm) (root on xvdb)'];

function menu(timeoutSeconds: number, elapsedSeconds = 0) {
  const clock = manualTicker();
  let screen = '';
  const booted: number[] = [];
  const m = new PygrubMenu({ entries: ENTRIES, timeoutSeconds, elapsedSeconds, draw: (t) => (screen += t), boot: (i) => booted.push(i), ticker: clock.ticker });
  m.start();
  return { m, clock, booted, screen: () => screen };
}

const [REVERSE, NORMAL] = ['\x1b[7m', '\x1b[0m'];

/** The entry drawn highlighted (reverse video) in the last full draw. */
function highlighted(screen: string): string | undefined {
  const lastDraw = screen.slice(screen.lastIndexOf('pyGRUB'));
  const from = lastDraw.indexOf(REVERSE);
  return from < 0 ? undefined : lastDraw.slice(from + REVERSE.length, lastDraw.indexOf(NORMAL, from)).trim();
}

describe('pygrub menu', () => {
  it('counts down once a second and boots the default entry when the timeout runs out', () => {
    const { m, clock, booted, screen } = menu(3);
    expect(screen()).toContain('Will boot selected entry in  3 seconds');
    expect(highlighted(screen())).toBe(ENTRIES[0]);
    clock.tick();
    // Only the countdown line is rewritten, in place: row 11 below the title, the box of two entries and the help text.
    expect(screen()).toContain('\x1b[11;1H     Will boot selected entry in  2 seconds');
    clock.tick();
    expect(booted).toEqual([]);
    clock.tick();
    expect(screen()).toContain('Will boot selected entry in  0 seconds');
    expect(booted).toEqual([0]);
    expect(m.booted).toBe(true);
    expect(clock.running()).toBe(false);
    expect(m.key('\r')).toBe(false); // keys after boot belong to the guest
  });

  it('joins the countdown late, and boots at once when the timeout already ran out', () => {
    expect(menu(5, 2.7).screen()).toContain('Will boot selected entry in  3 seconds');
    const late = menu(5, 12);
    expect(late.booted).toEqual([0]);
    expect(late.clock.running()).toBe(false);
    expect(menu(0).booted).toEqual([0]);
  });

  it('moves the selection with ESC [ B / ESC [ A, ESC O B and j/k, bounded at both ends, and Enter boots it', () => {
    const { m, booted, screen } = menu(5);
    m.key('\x1b[B');
    expect(highlighted(screen())).toBe(ENTRIES[1]);
    m.key('j\x1b[B'); // already at the bottom: no wrap
    expect(highlighted(screen())).toBe(ENTRIES[1]);
    m.key('\x1b[A');
    expect(highlighted(screen())).toBe(ENTRIES[0]);
    m.key('k');
    expect(highlighted(screen())).toBe(ENTRIES[0]);
    m.key('j');
    expect(highlighted(screen())).toBe(ENTRIES[1]);
    m.key('k\x1bOB');
    expect(highlighted(screen())).toBe(ENTRIES[1]);
    expect(booted).toEqual([]);
    m.key('\r');
    expect(booted).toEqual([1]);
  });

  it('reads an escape sequence split across reads', () => {
    const { m, booted } = menu(5);
    m.key('\x1b');
    m.key('[');
    m.key('B');
    m.key('\n');
    expect(booted).toEqual([1]);
  });

  it('stops the countdown for good at any key, and waits for Enter after that', () => {
    const { m, clock, booted, screen } = menu(2);
    m.key('x');
    expect(clock.running()).toBe(false);
    const afterKey = screen().slice(screen().lastIndexOf('pyGRUB'));
    expect(afterKey).not.toContain('Will boot selected entry');
    clock.tick();
    clock.tick();
    expect(booted).toEqual([]);
    m.key('\r');
    expect(booted).toEqual([0]);
  });

  it('waits for a key forever with timeout -1', () => {
    const { m, clock, booted, screen } = menu(-1);
    expect(clock.running()).toBe(false);
    expect(screen()).not.toContain('Will boot selected entry');
    m.key('\x1b[B\r');
    expect(booted).toEqual([1]);
  });
});

describe('guest console behind the pygrub menu', () => {
  const facts = (vdev: string): GuestFacts => ({
    hostname: `web1-${vdev}`,
    osRelease: 'PRETTY_NAME="Debian"\n',
    vcpus: 1,
    uptimeSeconds: () => 0,
    now: () => 0,
    root: { vdev, target: `/dev/vg0/${vdev}`, prettyName: 'Debian', hostname: 'web1' },
    cmdline: `root=/dev/${vdev} ro console=hvc0`,
    rootMount: { source: `/dev/${vdev}`, fstype: 'ext4' },
  });

  it('boots the picked root: its boot log, /proc/cmdline and findmnt /; keys typed with the booting Enter are lost', () => {
    const clock = manualTicker();
    const vdevs = ['xvda', 'xvdb'];
    const console = new GuestConsole({
      menu: { entries: ENTRIES, timeoutSeconds: 5, elapsedSeconds: 0, ticker: clock.ticker },
      kernel: (entry) => ({ facts: facts(vdevs[entry]!), log: `Command line: ${facts(vdevs[entry]!).cmdline}\r\n` }),
    });
    let screen = '';
    console.attach((b) => (screen += b.toString('utf8')));
    expect(console.guest).toBeUndefined();
    expect(screen).not.toContain('login:');
    console.type(Buffer.from('j\rroot\r'));
    expect(console.guest?.root?.vdev).toBe('xvdb');
    expect(screen).toContain('Command line: root=/dev/xvdb ro console=hvc0\r\nweb1-xvdb login: ');
    expect(screen.slice(screen.lastIndexOf('login: '))).toBe('login: ');
    console.type(Buffer.from('root\rpw\rcat /proc/cmdline\rfindmnt /\rmount\r'));
    expect(screen).toContain('cat /proc/cmdline\r\nroot=/dev/xvdb ro console=hvc0\r\n');
    expect(screen).toMatch(/findmnt \/\r\nTARGET SOURCE +FSTYPE +OPTIONS\r\n\/ +\/dev\/xvdb +ext4 +rw,relatime\r\n/);
    expect(screen).toContain('mount\r\n/dev/xvdb on / type ext4 (rw,relatime)\r\n');
    expect(clock.running()).toBe(false);
  });

  it('boots the default root when the countdown runs out, and keeps it selected when a key stopped the countdown', () => {
    const make = () => {
      const clock = manualTicker();
      const console = new GuestConsole({
        menu: { entries: ENTRIES, timeoutSeconds: 1, elapsedSeconds: 0, ticker: clock.ticker },
        kernel: (entry) => ({ facts: facts(['xvda', 'xvdb'][entry]!), log: '' }),
      });
      return { clock, console };
    };
    const untouched = make();
    untouched.clock.tick();
    expect(untouched.console.guest?.root?.vdev).toBe('xvda');

    const stopped = make();
    stopped.console.type(Buffer.from('x'));
    stopped.clock.tick();
    expect(stopped.console.guest).toBeUndefined();
    stopped.console.type(Buffer.from('\r'));
    expect(stopped.console.guest?.root?.vdev).toBe('xvda');
  });
});
