import type { GuestRoot } from './boot-screen';
import { GUEST_KERNEL_RELEASE } from './boot-screen';

/** What the guest's tiny shell can read about itself. */
export interface GuestFacts {
  hostname: string;
  osRelease: string;
  vcpus: number;
  /** Simulated seconds since the domain started. */
  uptimeSeconds(): number;
  /** Simulated unix seconds now. */
  now(): number;
  root: GuestRoot | undefined;
  /** The kernel command line it booted with (/proc/cmdline). */
  cmdline: string;
  /** What is mounted at /: the root pygrub booted (/dev/xvdb, ext4), or a live system's overlay. */
  rootMount: { source: string; fstype: string };
}

function findmnt(facts: GuestFacts, args: readonly string[]): string {
  const { source, fstype } = facts.rootMount;
  if (args.length > 1 || (args.length === 1 && args[0] !== '/')) return '';
  const [srcW, fsW] = [Math.max(6, source.length), Math.max(6, fstype.length)];
  return [`TARGET ${'SOURCE'.padEnd(srcW)} ${'FSTYPE'.padEnd(fsW)} OPTIONS`, `/      ${source.padEnd(srcW)} ${fstype.padEnd(fsW)} rw,relatime`].join('\n');
}

function mountTable(facts: GuestFacts): string {
  const { source, fstype } = facts.rootMount;
  return [
    `${source} on / type ${fstype} (rw,relatime)`,
    'proc on /proc type proc (rw,nosuid,nodev,noexec,relatime)',
    'sysfs on /sys type sysfs (rw,nosuid,nodev,noexec,relatime)',
    'devtmpfs on /dev type devtmpfs (rw,nosuid,relatime,mode=755)',
    'tmpfs on /run type tmpfs (rw,nosuid,nodev,noexec,relatime,mode=755)',
  ].join('\n');
}

export type ShellOutcome = { output: string } | { exit: true };

function uptimeLine(facts: GuestFacts): string {
  const now = new Date(facts.now() * 1000);
  const clock = now.toISOString().slice(11, 19);
  const up = facts.uptimeSeconds();
  const minutes = Math.floor(up / 60);
  const span = minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
  return ` ${clock} up ${span},  1 user,  load average: 0.00, 0.00, 0.00`;
}

/**
 * The few commands the simulated guest answers at its root prompt. Words are split on
 * blanks only (no quoting, no expansion): this is a screen to type at, not a shell.
 */
export function runGuestCommand(line: string, facts: GuestFacts): ShellOutcome {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  const [cmd, ...args] = words;
  const out = (text: string): ShellOutcome => ({ output: text === '' ? '' : `${text.replace(/\n/g, '\r\n')}\r\n` });
  switch (cmd) {
    case undefined:
      return out('');
    case 'exit':
    case 'logout':
      return { exit: true };
    case 'echo':
      return out(args.join(' '));
    case 'hostname':
      return out(facts.hostname);
    case 'uptime':
      return out(uptimeLine(facts));
    case 'uname':
      if (args.includes('-a')) return out(`Linux ${facts.hostname} ${GUEST_KERNEL_RELEASE} #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64 GNU/Linux`);
      if (args.includes('-r')) return out(GUEST_KERNEL_RELEASE);
      return out('Linux');
    case 'nproc':
      return out(String(facts.vcpus));
    case 'cat':
      if (args.length === 1 && args[0] === '/etc/os-release') return out(facts.osRelease.replace(/\n$/, ''));
      if (args.length === 1 && args[0] === '/etc/hostname') return out(facts.hostname);
      if (args.length === 1 && args[0] === '/proc/cmdline') return out(facts.cmdline);
      return out(args.map((a) => `cat: ${a}: No such file or directory`).join('\n'));
    case 'findmnt':
      return out(findmnt(facts, args));
    case 'mount':
      return out(mountTable(facts));
    default:
      return out(`-bash: ${cmd}: command not found`);
  }
}
