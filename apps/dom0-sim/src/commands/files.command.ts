import { fail, ok, type CommandResult } from '../command-result';
import { KERNEL_RELEASE } from '../format/xl-info.format';
import type { CommandInput } from '../sim-runtime';
import { readImageManifest } from '../state/os-images';
import { isSysfsPath, sysfsDirExists, sysfsFiles } from '../state/sysfs';
import { isDirectory, locate, lvForDevice, makeDirectories, normalizePath, parentOf, readFile, removeFile, writeFile } from '../state/vfs';

/** `cat PATH...`, or `cat > PATH` writing the channel's stdin. */
export async function cat(input: CommandInput): Promise<CommandResult> {
  const { state } = input.runtime;
  if (input.redirectOut !== undefined) {
    const path = normalizePath(input.redirectOut);
    if (isDirectory(state, path)) return fail(`bash: line 1: ${input.redirectOut}: Is a directory\n`);
    if (!isDirectory(state, parentOf(path))) return fail(`bash: line 1: ${input.redirectOut}: No such file or directory\n`);
    const content = await input.readStdin();
    writeFile(state, path, content);
    return ok();
  }
  let stdout = '';
  let stderr = '';
  const sys = input.args.some(isSysfsPath) ? sysfsFiles(state, input.runtime.clock.now()) : undefined;
  for (const arg of input.args.filter((a) => !a.startsWith('-'))) {
    const path = normalizePath(arg);
    const content = sys?.get(path) !== undefined ? `${sys.get(path)}\n` : readFile(state, path);
    if (content !== undefined) stdout += content;
    else if (isDirectory(state, path) || (sys && sysfsDirExists(sys, path))) stderr += `cat: ${arg}: Is a directory\n`;
    else stderr += `cat: ${arg}: No such file or directory\n`;
  }
  return { stdout, stderr, exitCode: stderr ? 1 : 0 };
}

export function rm(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const force = input.args.some((a) => /^-[a-zA-Z]*f/.test(a));
  let stderr = '';
  for (const arg of input.args.filter((a) => !a.startsWith('-'))) {
    if (removeFile(state, arg)) continue;
    if (isDirectory(state, arg)) stderr += `rm: cannot remove '${arg}': Is a directory\n`;
    else if (!force) stderr += `rm: cannot remove '${arg}': No such file or directory\n`;
  }
  return { stdout: '', stderr, exitCode: stderr ? 1 : 0 };
}

export function mkdir(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const parents = input.args.some((a) => a === '-p' || a === '--parents');
  let stderr = '';
  for (const arg of input.args.filter((a) => !a.startsWith('-'))) {
    const path = normalizePath(arg);
    if (!parents) {
      if (isDirectory(state, path) || readFile(state, path) !== undefined) {
        stderr += `mkdir: cannot create directory '${arg}': File exists\n`;
        continue;
      }
      if (!isDirectory(state, parentOf(path))) {
        stderr += `mkdir: cannot create directory '${arg}': No such file or directory\n`;
        continue;
      }
    }
    const blocked = makeDirectories(state, path);
    if (blocked !== undefined) stderr += `mkdir: cannot create directory '${arg}': Not a directory\n`;
  }
  return { stdout: '', stderr, exitCode: stderr ? 1 : 0 };
}

/** `test -e|-f|-d|-b PATH`: exit status only. */
export function test(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const [op, arg] = input.args;
  if (arg === undefined) return { stdout: '', stderr: '', exitCode: op === undefined || op === '' ? 1 : 0 };
  const path = normalizePath(arg);
  const isDev = lvForDevice(state, path) !== undefined;
  const sys = isSysfsPath(path) ? sysfsFiles(state, input.runtime.clock.now()) : undefined;
  const isFile = readFile(state, path) !== undefined || sys?.has(path) === true;
  const isDir = isDirectory(state, path) || (sys !== undefined && sysfsDirExists(sys, path)) || path === `/dev/${state.vg.name}`;
  const results: Record<string, boolean> = { '-e': isDev || isFile || isDir, '-f': isFile, '-d': isDir, '-b': isDev, '-s': isFile && (readFile(state, path) ?? 'x').length > 0 };
  if (!(op in results)) return fail(`bash: line 1: test: ${op}: unary operator expected\n`, 2);
  return { stdout: '', stderr: '', exitCode: results[op] ? 0 : 1 };
}

/** `tar -xzf ARCHIVE -C DIR`: unpacks a simulated image and marks the filesystem as holding that OS. */
export function tar(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  let archive: string | undefined;
  let dir = '/root';
  let extract = false;
  for (let i = 0; i < input.args.length; i += 1) {
    const a = input.args[i];
    if (a === '-C' || a === '--directory') dir = input.args[++i] ?? dir;
    else if (/^-?[a-zA-Z]+$/.test(a) && (a.startsWith('-') || i === 0)) {
      if (a.includes('x')) extract = true;
      if (a.endsWith('f')) archive = input.args[++i];
    } else if (a.startsWith('--file=')) archive = a.slice(7);
  }
  if (!extract || archive === undefined) return fail("tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\nTry 'tar --help' or 'tar --usage' for more information.\n", 2);
  const content = readFile(state, archive);
  if (content === undefined) {
    return fail(`tar (child): ${archive}: Cannot open: No such file or directory\ntar (child): Error is not recoverable: exiting now\ntar: Child returned status 2\ntar: Error is not recoverable: exiting now\n`, 2);
  }
  if (!isDirectory(state, dir)) return fail(`tar: ${dir}: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n`, 2);
  const manifest = readImageManifest(content);
  if (!manifest) return fail('\ngzip: stdin: not in gzip format\ntar: Child returned status 1\ntar: Error is not recoverable: exiting now\n', 2);
  const base = normalizePath(dir);
  for (const [path, body] of Object.entries(manifest.files)) {
    const target = normalizePath(`${base}/${path}`);
    makeDirectories(state, parentOf(target));
    writeFile(state, target, body);
  }
  const { fs } = locate(state, base);
  if (fs) fs.osImage = manifest.carveSimImage;
  return ok();
}

/**
 * `grep [-r] [-H|-h] PATTERN PATH...` over files and the virtual sysfs; `.` matches every non-empty line.
 * Lines carry their file name with -H, or with -r or several paths unless -h says otherwise.
 */
export function grep(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const flags = input.args.filter((a) => /^-[a-zA-Z]+$/.test(a)).join('');
  const rest = input.args.filter((a) => !/^-[a-zA-Z]+$/.test(a));
  const [pattern, ...dirs] = rest;
  if (pattern === undefined) return fail("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n", 2);
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch {
    return fail('grep: Unmatched ( or \\(\n', 2);
  }
  const recursive = flags.includes('r') || flags.includes('R');
  const sys = sysfsFiles(state, input.runtime.clock.now());
  let stdout = '';
  let stderr = '';
  for (const arg of dirs) {
    const path = normalizePath(arg);
    const files: [string, string][] = [];
    if (isSysfsPath(path)) {
      if (sys.has(path)) files.push([path, sys.get(path) as string]);
      else if (sysfsDirExists(sys, path)) {
        if (!recursive) stderr += `grep: ${arg}: Is a directory\n`;
        else for (const [p, v] of [...sys].sort(([a], [b]) => (a < b ? -1 : 1))) if (p.startsWith(`${path}/`)) files.push([p, v]);
      } else stderr += `grep: ${arg}: No such file or directory\n`;
    } else {
      const content = readFile(state, path);
      if (content !== undefined) files.push([path, content]);
      else stderr += `grep: ${arg}: No such file or directory\n`;
    }
    const prefix = flags.includes('H') || (!flags.includes('h') && (recursive || dirs.length > 1));
    for (const [p, content] of files) {
      const shown = arg.endsWith('/') || p === path ? p : `${arg}${p.slice(path.length)}`;
      for (const line of content.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '')) {
        if (regex.test(line)) stdout += prefix ? `${shown}:${line}\n` : `${line}\n`;
      }
    }
  }
  return { stdout, stderr, exitCode: stderr ? 2 : stdout ? 0 : 1 };
}

export const hostname = (input: CommandInput): CommandResult => ok(`${input.runtime.state.hostname}\n`);

export function uname(input: CommandInput): CommandResult {
  const a = input.args.join('');
  if (a.includes('r') && !a.includes('a')) return ok(`${KERNEL_RELEASE}\n`);
  if (a.includes('a')) return ok(`Linux ${input.runtime.state.hostname} ${KERNEL_RELEASE} #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64 GNU/Linux\n`);
  return ok('Linux\n');
}
