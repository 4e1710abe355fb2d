import { makeDirectoryCommand, mountCommand, mountpointCommand, umountCommand } from '../commands/mount.commands';
import { Dom0Runner } from './dom0-runner';

/**
 * Mount `device` on `<mountRoot>/<name>`, run `work`, and always unmount.
 * The directory is fixed per volume, not random, so a retry after a crashed
 * worker finds the stale mount and takes it over instead of mounting twice.
 */
export async function withMountedVolume<T>(runner: Dom0Runner, device: string, mountRoot: string, name: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = workDirectory(mountRoot, name);
  await runner.run(makeDirectoryCommand(dir));
  if (await runner.check(mountpointCommand(dir), [32])) await runner.run(umountCommand(dir));
  await runner.run(mountCommand(device, dir));
  let result: T;
  try {
    result = await work(dir);
  } catch (error) {
    // Unmount, but let the failure that stopped the work be the one reported.
    await runner.run(umountCommand(dir)).catch(() => undefined);
    throw error;
  }
  await runner.run(umountCommand(dir));
  return result;
}

/** carve's own place to mount a volume while it works on it: fixed per volume. */
function workDirectory(mountRoot: string, name: string): string {
  return `${mountRoot}/${name.replace(/[^A-Za-z0-9_.+-]/g, '_')}`;
}

/**
 * Unmounts a volume left on carve's work directory by a worker that died mid-work.
 * Only that directory is touched: a mount anywhere else is someone else's and stays.
 */
export async function releaseStaleWorkMount(runner: Dom0Runner, mountRoot: string, name: string): Promise<boolean> {
  const dir = workDirectory(mountRoot, name);
  if (!(await runner.check(mountpointCommand(dir), [1, 32]))) return false;
  await runner.run(umountCommand(dir));
  return true;
}
