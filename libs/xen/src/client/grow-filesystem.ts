import { checkFilesystemCommand, FilesystemType, growFilesystemCommand, makeFilesystemCommand } from '../commands/filesystem.commands';
import { Dom0Runner } from './dom0-runner';
import { withMountedVolume } from './mounted-volume';

/**
 * Grow the filesystem of a volume NO domain has open to fill the volume.
 * Repeating it is harmless: each tool finds nothing to do the second time.
 * - ext3/ext4: `e2fsck -f` first (resize2fs refuses an unmounted filesystem
 *   mounted since its last check), then `resize2fs` on the device.
 * - xfs/btrfs grow only while mounted: mount on the Dom0, grow, unmount.
 * - swap holds nothing across a stop: `mkswap` again over the whole volume
 *   (new UUID; carve's fstab names the device, not the UUID).
 */
export async function growFilesystemOffline(runner: Dom0Runner, device: string, type: FilesystemType, mountRoot: string, name: string): Promise<void> {
  if (type === 'ext3' || type === 'ext4') {
    await runner.run(checkFilesystemCommand(device), { okExitCodes: [0, 1] });
    await runner.run(growFilesystemCommand({ type, device }));
    return;
  }
  if (type === 'xfs' || type === 'btrfs') {
    await withMountedVolume(runner, device, mountRoot, name, (dir) => runner.run(growFilesystemCommand({ type, mountPoint: dir })));
    return;
  }
  await runner.run(makeFilesystemCommand({ device, type: 'swap' }));
}
