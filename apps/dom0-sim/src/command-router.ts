import { fail, type CommandResult } from './command-result';
import { carveSim } from './commands/carve-sim.command';
import { cat, grep, hostname, mkdir, rm, tar, test, uname } from './commands/files.command';
import { blkid, btrfs, e2fsck, mkfsDynamic, mkfsExt, mkswap, mount, mountpoint, resize2fs, umount, xfsGrowfs } from './commands/fs.command';
import { lvcreate, lvextend, lvremove, lvs, vgs } from './commands/lvm.command';
import { xentop } from './commands/xentop.command';
import { xl } from './commands/xl.command';
import type { CommandInput } from './sim-runtime';
import { parseShellWords } from './shell-words';

type Handler = (input: CommandInput) => CommandResult | Promise<CommandResult>;

const COMMANDS: Record<string, Handler> = {
  xl,
  xentop,
  vgs,
  lvs,
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
  true: () => ({ stdout: '', stderr: '', exitCode: 0 }),
  'carve-sim': carveSim,
};

/** Whether the command is the simulator's own control command (never subject to faults). */
export function isSimControl(line: string): boolean {
  const parsed = parseShellWords(line);
  return parsed.ok && parsed.command.words[0] === 'carve-sim';
}

/** Run one exec request's command line against the host. */
export async function runCommandLine(line: string, base: Omit<CommandInput, 'args'>): Promise<CommandResult> {
  const parsed = parseShellWords(line);
  if (!parsed.ok) return { stdout: '', stderr: parsed.stderr, exitCode: parsed.exitCode };
  const { words, redirectOut } = parsed.command;
  if (words.length === 0) return { stdout: '', stderr: '', exitCode: 0 };
  // Absolute paths such as /usr/sbin/xl run the same tool.
  const name = words[0].replace(/^\/(usr\/)?s?bin\//, '');
  const handler = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!handler) return fail(`bash: line 1: ${words[0]}: command not found\n`, 127);
  if (redirectOut !== undefined && name !== 'cat') return fail(`carve-sim: output redirection is simulated only for \`cat > PATH\`\n`, 2);
  return handler({ ...base, args: words.slice(1), ...(redirectOut !== undefined ? { redirectOut } : {}) });
}
