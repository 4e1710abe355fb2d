import { extractArchiveCommand, pathExistsCommand } from '../commands/file.commands';
import { makeDirectoryCommand } from '../commands/mount.commands';
import { writeFileCommand } from '../commands/write-file.commands';
import { XenArgumentError } from '../errors/xen-argument.error';
import { validateAbsolutePath } from '../shell/argument-validators';
import { Dom0OperationError } from './dom0-operation.error';
import { Dom0Runner } from './dom0-runner';
import { withMountedVolume } from './mounted-volume';

export interface InstallImageOptions {
  /** The root LV, e.g. `/dev/vg0/web1-root`, already holding its filesystem. */
  readonly rootDevice: string;
  /** A root filesystem `.tar.gz` on the Dom0, e.g. `/var/lib/carve/images/debian-12.tar.gz`. */
  readonly imageArchive: string;
  readonly hostname: string;
  /** The guest's /etc/fstab, complete. */
  readonly fstab: string;
  /** OpenSSH public key lines for root. */
  readonly authorizedKeys: readonly string[];
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Checks every field, JSON-typed input included (the agent receives these as request args). */
export function validateInstallImageOptions(options: InstallImageOptions): void {
  if (typeof options.fstab !== 'string') throw new XenArgumentError('fstab', 'must be a string', options.fstab);
  if (!Array.isArray(options.authorizedKeys)) throw new XenArgumentError('authorizedKeys', 'must be a list of public key lines', options.authorizedKeys);
  validateAbsolutePath(options.rootDevice, 'rootDevice');
  validateAbsolutePath(options.imageArchive, 'imageArchive');
  if (typeof options.hostname !== 'string' || !HOSTNAME.test(options.hostname)) throw new XenArgumentError('hostname', 'must be an RFC 1123 host name', options.hostname);
  options.authorizedKeys.forEach((key, i) => {
    if (typeof key !== 'string' || !/^\S+ \S+( [^\n\r]*)?$/.test(key)) throw new XenArgumentError(`authorizedKeys[${i}]`, 'must be one OpenSSH public key line', key);
  });
}

/**
 * Unpack the image onto the root volume and write what makes it this server.
 * Safe to repeat before the first boot: the archive is unpacked again over the
 * same files and the three files are rewritten with the same content. Refused
 * with `device_busy` when a domain has the volume, since the Dom0 must never
 * mount a filesystem a running guest has mounted.
 */
export async function installImage(runner: Dom0Runner, mountRoot: string, options: InstallImageOptions, usedBy: (device: string) => Promise<string | undefined>): Promise<void> {
  validateInstallImageOptions(options);
  const operation = `install ${options.imageArchive} on ${options.rootDevice}`;
  const domain = await usedBy(options.rootDevice);
  if (domain !== undefined) throw new Dom0OperationError('device_busy', runner.hostId, operation, `domain ${domain} has ${options.rootDevice} attached`);
  if (!(await runner.check(pathExistsCommand(options.imageArchive)))) {
    throw new Dom0OperationError('image_missing', runner.hostId, operation, `${options.imageArchive} is not on the host`);
  }
  const name = options.rootDevice.slice(options.rootDevice.lastIndexOf('/') + 1);
  await withMountedVolume(runner, options.rootDevice, mountRoot, name, async (dir) => {
    await runner.run(extractArchiveCommand(options.imageArchive, dir));
    await runner.run(makeDirectoryCommand(`${dir}/etc`));
    await runner.run(writeFileCommand(`${dir}/etc/hostname`, `${options.hostname}\n`));
    await runner.run(writeFileCommand(`${dir}/etc/fstab`, options.fstab.endsWith('\n') ? options.fstab : `${options.fstab}\n`));
    await runner.run(makeDirectoryCommand(`${dir}/root/.ssh`));
    await runner.run(writeFileCommand(`${dir}/root/.ssh/authorized_keys`, options.authorizedKeys.map((k) => `${k}\n`).join('')));
  });
}
