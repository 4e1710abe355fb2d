import { validateAbsolutePath } from '../shell/argument-validators';
import { buildCommand } from './build-command';
import { Dom0Command } from './dom0-command';

/** `test -e PATH`: exit 0 when it exists, 1 when not. */
export function pathExistsCommand(path: string): Dom0Command {
  const target = validateAbsolutePath(path, 'path');
  return buildCommand(['test', '-e', target], `check whether ${target} exists`);
}

/** `cat PATH`: the content on stdout; exit 1 with `No such file or directory` when absent. */
export function readFileCommand(path: string): Dom0Command {
  const target = validateAbsolutePath(path, 'path');
  return buildCommand(['cat', target], `read ${target}`);
}

/** `rm -f PATH`: succeeds when the file is already gone. */
export function removeFileCommand(path: string): Dom0Command {
  const target = validateAbsolutePath(path, 'path');
  return buildCommand(['rm', '-f', target], `remove ${target}`);
}

/** Unpack a root filesystem archive (`.tar.gz`) into a mounted directory. */
export function extractArchiveCommand(archive: string, directory: string): Dom0Command {
  const source = validateAbsolutePath(archive, 'archive');
  const dir = validateAbsolutePath(directory, 'directory');
  // --numeric-owner: the archive's uids are the guest's; the Dom0's /etc/passwd must not remap them.
  return buildCommand(['tar', '--numeric-owner', '-xzf', source, '-C', dir], `unpack ${source} into ${dir}`);
}
