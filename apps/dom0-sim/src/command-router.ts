import { fail, type CommandResult } from './command-result';
import { carveSim } from './commands/carve-sim.command';
import { cat, grep, hostname, mkdir, rm, tar, test, uname } from './commands/files.command';
import { blkid, btrfs, e2fsck, mkfsDynamic, mkfsExt, mkswap, mount, mountpoint, resize2fs, umount, xfsGrowfs } from './commands/fs.command';
import { lvcreate, lvextend, lvremove, lvs, pvs, vgs } from './commands/lvm.command';
import { dd, sha256sum } from './commands/dd.command';
import { date, echo } from './commands/shell-builtins.command';
import { xentop } from './commands/xentop.command';
import { xl } from './commands/xl.command';
import { xenstoreRead, xenstoreRm, xenstoreWrite } from './commands/xenstore.command';
import { expandPathnames } from './shell-glob';
import type { CommandInput, SimRuntime } from './sim-runtime';
import { parseCommandList, parseShellWords, type ParsedCommand } from './shell-words';
import { ExecClock } from './state/sim-clock';
import { sysfsFiles, sysfsPaths } from './state/sysfs';

type Handler = (input: CommandInput) => CommandResult | Promise<CommandResult>;

const COMMANDS: Record<string, Handler> = {
  xl,
  xentop,
  'xenstore-read': xenstoreRead,
  'xenstore-write': xenstoreWrite,
  'xenstore-rm': xenstoreRm,
  vgs,
  lvs,
  pvs,
  lvcreate,
  lvextend,
  lvremove,
  'mkfs.ext3': mkfsExt('ext3'),
  'mkfs.ext4': mkfsExt('ext4'),
  'mkfs.xfs': mkfsDynamic('xfs'),
  'mkfs.btrfs': mkfsDynamic('btrfs'),
  mkswap,
  resize2fs,
  e2fsck,
  mountpoint,
  blkid,
  xfs_growfs: xfsGrowfs,
  btrfs,
  mount,
  umount,
  mkdir,
  tar,
  cat,
  rm,
  test,
  grep,
  hostname,
  uname,
  echo,
  date,
  true: () => ({ stdout: '', stderr: '', exitCode: 0 }),
  dd,
  sha256sum,
  'carve-sim': carveSim,
};

/** Whether the command is the simulator's own control command (never subject to faults). */
export function isSimControl(line: string): boolean {
  const parsed = parseShellWords(line);
  return parsed.ok && parsed.command.words[0] === 'carve-sim';
}

/**
 * Run one exec request's command line against the host: its `;`-separated
 * commands in turn, as bash -c would (stdout and stderr each in order, the
 * exit code of the last). The whole line sees one simulated instant, moved on
 * only by the sleeps of its commands (ExecClock).
 */
export async function runCommandLine(line: string, base: Omit<CommandInput, 'args'>): Promise<CommandResult> {
  const parsed = parseCommandList(line);
  if (!parsed.ok) return { stdout: '', stderr: parsed.stderr, exitCode: parsed.exitCode };
  const runtime = execRuntime(base.runtime);
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  for (const command of parsed.commands) {
    const result = await runCommand(command, { ...base, runtime });
    stdout += result.stdout;
    stderr += result.stderr;
    exitCode = result.exitCode;
  }
  return { stdout, stderr, exitCode };
}

async function runCommand(command: ParsedCommand, base: Omit<CommandInput, 'args'>): Promise<CommandResult> {
  const { runtime } = base;
  const words = expandPathnames(command, () => sysfsPaths(sysfsFiles(runtime.state, runtime.clock.now())));
  const { redirectOut } = command;
  if (words.length === 0) return { stdout: '', stderr: '', exitCode: 0 };
  // Absolute paths such as /usr/sbin/xl run the same tool.
  const name = words[0].replace(/^\/(usr\/)?s?bin\//, '');
  const handler = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!handler) return fail(`bash: line 1: ${words[0]}: command not found\n`, 127);
  if (redirectOut !== undefined && name !== 'cat') return fail(`carve-sim: output redirection is simulated only for \`cat > PATH\`\n`, 2);
  return handler({ ...base, args: words.slice(1), ...(redirectOut !== undefined ? { redirectOut } : {}) });
}

/** The host as one exec request sees it: the same state, its own held clock. */
export function execRuntime(host: SimRuntime): SimRuntime {
  const clock = new ExecClock(host.clock);
  return {
    get state() {
      return host.state;
    },
    set state(state) {
      host.state = state;
    },
    clock,
    faults: host.faults,
    async sleepSim(simSeconds, closed) {
      await host.sleepSim(simSeconds, closed);
      clock.catchUp();
    },
    replaceState: (state) => host.replaceState(state),
    freshState: () => host.freshState(),
  };
}
