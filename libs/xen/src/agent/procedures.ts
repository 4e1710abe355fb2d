// The agent's multi-step operations: the same procedure code Dom0Client used to
// run over SSH, now run by the agent on the Dom0 over its local runner.
import { xlListLongQuery } from '../commands/xl-read.queries';
import type { FilesystemType } from '../commands/filesystem.commands';
import { lvRemoveCommand } from '../commands/lvm.commands';
import { growFilesystemOffline } from '../client/grow-filesystem';
import { installImage, type InstallImageOptions } from '../client/install-image';
import { releaseStaleWorkMount } from '../client/mounted-volume';
import { sameDevice } from '../client/same-device';
import { METERING_MARKERS } from '../parsers/metering-reading.parser';
import { validateVgName } from '../shell/argument-validators';
import type { ExecResult } from '../ssh/dom0-executor';
import type { ProcedureContext } from './agent-verb';

const OK: ExecResult = { exitCode: 0, stdout: '', stderr: '' };

/**
 * The metering reading as meteringReadingQuery's line would print it: each tool's
 * argv behind its `@@section` marker. The sysfs globs the shell used to expand are
 * listed by the agent (sorted, as a shell sorts them), then read by grep.
 *
 * The counters are read right after the clock, before xl list, xentop and the LVM
 * tools: the collector caps a disk's io_ticks delta at the clock's delta, so a
 * clock taken a second or two (lvs and pvs scanning, waiting for LVM's lock) before
 * the stats, and a different second or two each time, read saturated disks as
 * 80-95% busy. Output stays in marker order; lvs and pvs only name devices.
 */
export async function readMetering(context: ProcedureContext, volumeGroup: string): Promise<ExecResult> {
  const vg = validateVgName(volumeGroup, 'volumeGroup');
  const [xlList, xentop, lvs, pvs, block, vif, end] = METERING_MARKERS;
  let stderr = '';
  const step = async (argv: string[]): Promise<string> => {
    const result = await context.runner.exec({ line: argv.join(' '), argv, description: `metering: ${argv[0]}` });
    stderr += result.stderr;
    return result.stdout;
  };
  const grepFiles = async (paths: string[]): Promise<string> => (paths.length > 0 ? step(['grep', '-H', '.', ...paths]) : '');
  // Listed before the clock is read, so nothing but the reads themselves separates the clock from the stats.
  const disks = (await context.listDirectory('/sys/class/block')).sort();
  const vifs = (await context.listDirectory('/sys/class/net')).filter((n) => n.startsWith('vif')).sort();
  const clock = await step(['date', '+%s.%N']);
  const blockStats = await grepFiles(disks.map((d) => `/sys/class/block/${d}/stat`));
  const vifBytes = await grepFiles([...vifs.map((v) => `/sys/class/net/${v}/statistics/rx_bytes`), ...vifs.map((v) => `/sys/class/net/${v}/statistics/tx_bytes`)]);
  const domains = await step(['xl', 'list']);
  const top = await step(['xentop', '-b', '-f', '-i', '1']);
  const volumes = await step(['lvs', '--noheadings', '--separator', '|', '-o', 'lv_name,lv_kernel_minor', vg]);
  const physical = await step(['pvs', '--noheadings', '--separator', '|', '-o', 'pv_name,vg_name']);
  const stdout = [clock, `${xlList}\n`, domains, `${xentop}\n`, top, `${lvs}\n`, volumes, `${pvs}\n`, physical, `${block}\n`, blockStats, `${vif}\n`, vifBytes, `${end}\n`].join('');
  return { exitCode: 0, stdout, stderr };
}

/** installImage with the running-domain check made here, in the same locked operation. */
export async function installImageHere(context: ProcedureContext, options: InstallImageOptions): Promise<ExecResult> {
  await installImage(context.runner, context.mountRoot, options, async (device) => {
    const domains = await context.runner.query(xlListLongQuery());
    return domains.find((d) => d.disks.some((disk) => disk.pdevPath !== undefined && sameDevice(disk.pdevPath, device)))?.name;
  });
  return OK;
}

export async function growFilesystemHere(context: ProcedureContext, options: { device: string; type: FilesystemType; name: string }): Promise<ExecResult> {
  await growFilesystemOffline(context.runner, options.device, options.type, context.mountRoot, options.name);
  return OK;
}

/** lvremove, after releasing carve's own work mount of the volume (a worker that died mid image install left it). */
export async function removeVolumeHere(context: ProcedureContext, ref: { vg: string; lv: string }): Promise<ExecResult> {
  const command = lvRemoveCommand(ref);
  await releaseStaleWorkMount(context.runner, context.mountRoot, ref.lv);
  return context.runner.run(command);
}
