// Commands for the agent's procedures: each names a verb whose steps the agent
// runs itself. The line is for logs and the job's step record.
import { asVerb, Dom0Command } from '../commands/dom0-command';
import { FILESYSTEM_TYPES, FilesystemType } from '../commands/filesystem.commands';
import { validateInstallImageOptions, type InstallImageOptions } from '../client/install-image';
import { XenArgumentError } from '../errors/xen-argument.error';
import { shellJoin } from '../shell/shell-quote';
import { validateAbsolutePath, validateLvName } from '../shell/argument-validators';

export function installImageCommand(options: InstallImageOptions): Dom0Command {
  validateInstallImageOptions(options);
  const args = { rootDevice: options.rootDevice, imageArchive: options.imageArchive, hostname: options.hostname, fstab: options.fstab, authorizedKeys: [...options.authorizedKeys] };
  return asVerb('image.install', args, {
    line: shellJoin(['carve-agent', 'image.install', options.rootDevice, options.imageArchive, options.hostname]),
    description: `install ${options.imageArchive} on ${options.rootDevice}`,
  });
}

export interface GrowFilesystemOfflineOptions {
  readonly device: string;
  readonly type: FilesystemType;
  /** The volume's name: its work mount directory under the agent's mount root. */
  readonly name: string;
}

export function growFilesystemOfflineCommand(options: GrowFilesystemOfflineOptions): Dom0Command {
  const device = validateAbsolutePath(options.device, 'device');
  if (!FILESYSTEM_TYPES.includes(options.type)) throw new XenArgumentError('type', `must be one of ${FILESYSTEM_TYPES.join(', ')}`, options.type);
  const name = validateLvName(options.name, 'name');
  return asVerb('fs.grow-offline', { device, type: options.type, name }, {
    line: shellJoin(['carve-agent', 'fs.grow-offline', device, options.type]),
    description: `grow the ${options.type} filesystem on ${device} to fill its volume`,
  });
}
