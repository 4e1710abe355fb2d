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
 * argv run in turn behind its `@@section` marker. The sysfs globs the shell used to
 * expand are listed by the agent (sorted, as a shell sorts them), then read by grep.
 */
export async function readMetering(context: ProcedureContext, volumeGroup: string): Promise<ExecResult> {
  const vg = validateVgName(volumeGroup, 'volumeGroup');
  const [xlList, xentop, lvs, pvs, block, vif, end] = METERING_MARKERS;
  let stdout = '';
  let stderr = '';
  const step = async (argv: string[]): Promise<void> => {
    const result = await context.runner.exec({ line: argv.join(' '), argv, description: `metering: ${argv[0]}` });
    stdout += result.stdout;
    stderr += result.stderr;
  };
  const grepFiles = async (paths: string[]): Promise<void> => {
    if (paths.length > 0) await step(['grep', '-H', '.', ...paths]);
  };
  await step(['date', '+%s.%N']);
  stdout += `${xlList}\n`;
  await step(['xl', 'list']);
  stdout += `${xentop}\n`;
  await step(['xentop', '-b', '-f', '-i', '1']);
  stdout += `${lvs}\n`;
  await step(['lvs', '--noheadings', '--separator', '|', '-o', 'lv_name,lv_kernel_minor', vg]);
  stdout += `${pvs}\n`;
  await step(['pvs', '--noheadings', '--separator', '|', '-o', 'pv_name,vg_name']);
  stdout += `${block}\n`;
  const disks = (await context.listDirectory('/sys/class/block')).sort();
  await grepFiles(disks.map((d) => `/sys/class/block/${d}/stat`));
  stdout += `${vif}\n`;
  const vifs = (await context.listDirectory('/sys/class/net')).filter((n) => n.startsWith('vif')).sort();
  await grepFiles([...vifs.map((v) => `/sys/class/net/${v}/statistics/rx_bytes`), ...vifs.map((v) => `/sys/class/net/${v}/statistics/tx_bytes`)]);
  stdout += `${end}\n`;
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
