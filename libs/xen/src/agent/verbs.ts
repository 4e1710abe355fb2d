// Every agent verb, each defined by the libs/xen builder carve's client uses, so the
// agent validates a request with exactly the code that built it.
import type { Dom0Command, VerbArgs } from '../commands/dom0-command';
import { deviceCountersQuery, type VbdRef, type VifRef } from '../commands/device-counters.query';
import { filesystemTypeCommand, makeFilesystemCommand, type FilesystemType, type MakeFilesystemOptions } from '../commands/filesystem.commands';
import { lvCreateCommand, lvDevicePath, lvExtendCommand, lvListQuery, lvRemoveCommand, vgSpaceQuery, type LvCreateOptions, type LvExtendOptions } from '../commands/lvm.commands';
import { meteringReadingQuery } from '../commands/metering-reading.query';
import { ddReadCommand, ddWriteCommand, volumeChecksumQuery } from '../commands/volume-stream.commands';
import { domainConfigExistsCommand, readDomainConfigCommand, removeDomainConfigCommand, variantOf, writeDomainConfigCommand } from '../commands/write-file.commands';
import type { DomainConfigVariant } from '../commands/rescue-domain.commands';
import {
  xlBlockAttachCommand,
  xlBlockDetachCommand,
  xlCreateCommand,
  xlDestroyCommand,
  xlMemSetCommand,
  xlRebootCommand,
  xlSchedCredit2SetCommand,
  xlShutdownCommand,
  xlVcpuSetCommand,
  type BlockAttachOptions,
  type DomainRef,
  type SchedCredit2Settings,
} from '../commands/xl-domain.commands';
import {
  xentopQuery,
  xlInfoQuery,
  xlInfoValueQuery,
  xlListLongQuery,
  xlListQuery,
  xlSchedCredit2ListQuery,
  xlUptimeQuery,
  xlUptimeShortQuery,
  xlVcpuListQuery,
  type XentopOptions,
} from '../commands/xl-read.queries';
import { xlConsoleCommand } from '../commands/xl-console.commands';
import { xenstoreRemoveVifRateCommand, xenstoreWriteVifRateCommand } from '../commands/xenstore.commands';
import type { InstallImageOptions } from '../client/install-image';
import type { DomainSpec } from '../domain-config/domain-spec';
import type { Vdev } from '../shell/argument-validators';
import { XenArgumentError } from '../errors/xen-argument.error';
import { registerVerb, requireArgs, type ProcedureContext, type VerbDefinition, type VerbKind } from './agent-verb';
import { growFilesystemOfflineCommand, installImageCommand } from './procedure-commands';
import { growFilesystemHere, installImageHere, readMetering, removeVolumeHere } from './procedures';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Quick commands: a default of two minutes, at most thirty. */
const QUICK = { defaultTimeoutMs: 2 * MINUTE, maxTimeoutMs: 30 * MINUTE };
/** Unpacking an image or checking a big filesystem. */
const LONG = { defaultTimeoutMs: 30 * MINUTE, maxTimeoutMs: 6 * HOUR };
/** A quick query: it changes nothing on the host, so the agent journals none of it. */
const READ = { ...QUICK, readOnly: true };
/** A whole volume through the network. */
const STREAM = { defaultTimeoutMs: 6 * HOUR, maxTimeoutMs: 48 * HOUR };

// JSON args are read as the builder's parameter type: the builder checks every field it uses.
type A<T> = VerbArgs & T;
const none = (): string[] => [];
const volumeOf = (a: VerbArgs): string[] => [`volume:${lvDevicePath({ vg: a.vg as string, lv: a.lv as string })}`];
const deviceOf = (a: VerbArgs): string[] => [`volume:${String(a.device)}`];
const domainOf = (a: VerbArgs): string[] => [`domain:${String(a.domain ?? a.name)}`];
const configOf = (a: VerbArgs): string[] => [`domain-config:${String(a.name ?? (a.spec as { name?: unknown } | undefined)?.name)}`];

function define<T>(
  name: string,
  kind: VerbKind,
  build: (args: A<T>) => Dom0Command,
  locks: (args: A<T>) => string[],
  timeouts: { defaultTimeoutMs: number; maxTimeoutMs: number; interactive?: boolean; readOnly?: boolean },
  run?: (context: ProcedureContext, args: A<T>) => ReturnType<NonNullable<VerbDefinition['run']>>,
): void {
  registerVerb({
    name,
    kind,
    build: (args) => build(requireArgs(args) as A<T>),
    locks: (args) => locks(args as A<T>),
    ...timeouts,
    ...(run ? { run: (context: ProcedureContext, args: VerbArgs) => run(context, args as A<T>) } : {}),
  });
}

function registerBuiltInVerbs(): void {
  // volume group and logical volumes
  define<{ vg: string }>('vg.space', 'command', (a) => vgSpaceQuery(a.vg).command, none, READ);
  define<{ vg: string }>('lv.list', 'command', (a) => lvListQuery(a.vg).command, none, READ);
  define<LvCreateOptions>('lv.create', 'command', (a) => lvCreateCommand(a), volumeOf, QUICK);
  define<LvExtendOptions>('lv.extend', 'command', (a) => lvExtendCommand(a), volumeOf, QUICK);
  define<{ vg: string; lv: string }>('lv.remove', 'procedure', (a) => lvRemoveCommand(a), volumeOf, QUICK, removeVolumeHere);

  // filesystems and images
  // Filesystem verbs touch logical volumes only (/dev/VG/LV), never another block device of the Dom0.
  define<MakeFilesystemOptions>('fs.make', 'command', (a) => makeFilesystemCommand({ ...a, device: lvDevice(a.device, 'device') }), deviceOf, LONG);
  define<{ device: string }>('fs.type', 'command', (a) => filesystemTypeCommand(lvDevice(a.device, 'device')), none, READ);
  define<{ device: string; type: FilesystemType; name: string }>('fs.grow-offline', 'procedure', (a) => growFilesystemOfflineCommand({ ...a, device: lvDevice(a.device, 'device') }), deviceOf, LONG, growFilesystemHere);
  define<InstallImageOptions>('image.install', 'procedure', (a) => installImageCommand({ ...a, rootDevice: lvDevice(a.rootDevice, 'rootDevice') }), (a) => [`volume:${String(a.rootDevice)}`], LONG, installImageHere);

  // domain configs: /etc/xen/<validated name>.cfg only
  define<{ spec: DomainSpec; variant?: DomainConfigVariant }>('domain-config.write', 'command', (a) => writeDomainConfigCommand(a.spec, variantOf(a.variant)), configOf, QUICK);
  define<{ name: string; variant?: DomainConfigVariant }>('domain-config.read', 'command', (a) => readDomainConfigCommand(a.name, variantOf(a.variant)), none, READ);
  define<{ name: string; variant?: DomainConfigVariant }>('domain-config.exists', 'command', (a) => domainConfigExistsCommand(a.name, variantOf(a.variant)), none, READ);
  define<{ name: string; variant?: DomainConfigVariant }>('domain-config.remove', 'command', (a) => removeDomainConfigCommand(a.name, variantOf(a.variant)), configOf, QUICK);

  // domain lifecycle and live limits
  define<{ name: string; variant?: DomainConfigVariant }>('xl.create', 'command', (a) => xlCreateCommand(a.name, variantOf(a.variant)), domainOf, QUICK);
  define<{ domain: DomainRef }>('xl.shutdown', 'command', (a) => xlShutdownCommand(a.domain), domainOf, QUICK);
  define<{ domain: DomainRef }>('xl.destroy', 'command', (a) => xlDestroyCommand(a.domain), domainOf, QUICK);
  define<{ domain: DomainRef }>('xl.reboot', 'command', (a) => xlRebootCommand(a.domain), domainOf, QUICK);
  define<{ domain: DomainRef; memoryMiB: number }>('xl.mem-set', 'command', (a) => xlMemSetCommand(a.domain, a.memoryMiB), domainOf, QUICK);
  define<{ domain: DomainRef; vcpus: number }>('xl.vcpu-set', 'command', (a) => xlVcpuSetCommand(a.domain, a.vcpus), domainOf, QUICK);
  define<{ domain: DomainRef; settings: SchedCredit2Settings }>('xl.sched-credit2-set', 'command', (a) => xlSchedCredit2SetCommand(a.domain, settingsOf(a.settings)), domainOf, QUICK);
  define<{ domain: DomainRef; disk: BlockAttachOptions }>('xl.block-attach', 'command', (a) => xlBlockAttachCommand(a.domain, diskOf(a.disk)), domainOf, QUICK);
  define<{ domain: DomainRef; vdev: Vdev }>('xl.block-detach', 'command', (a) => xlBlockDetachCommand(a.domain, a.vdev), domainOf, QUICK);
  define<{ domid: number; devid: number; rateMbit: number }>('xenstore.vif-rate-write', 'command', (a) => xenstoreWriteVifRateCommand(a.domid, a.devid, a.rateMbit), (a) => [`domain:${String(a.domid)}`], QUICK);
  define<{ domid: number; devid: number }>('xenstore.vif-rate-remove', 'command', (a) => xenstoreRemoveVifRateCommand(a.domid, a.devid), (a) => [`domain:${String(a.domid)}`], QUICK);

  // reads
  define('xl.list', 'command', () => xlListQuery().command, none, READ);
  define('xl.list-long', 'command', () => xlListLongQuery().command, none, READ);
  define('xl.uptime', 'command', () => xlUptimeQuery().command, none, READ);
  define('xl.uptime-short', 'command', () => xlUptimeShortQuery().command, none, READ);
  define('xl.info', 'command', () => xlInfoQuery().command, none, READ);
  define<{ key: string }>('xl.info-value', 'command', (a) => xlInfoValueQuery(a.key).command, none, READ);
  define('xl.vcpu-list', 'command', () => xlVcpuListQuery().command, none, READ);
  define('xl.sched-credit2-list', 'command', () => xlSchedCredit2ListQuery().command, none, READ);
  define<XentopOptions>('xentop', 'command', (a) => xentopQuery(a).command, none, READ);
  define<{ vbds: VbdRef[]; vifs: VifRef[] }>('device-counters.read', 'command', (a) => deviceCountersQuery(listOf(a.vbds, 'vbds'), listOf(a.vifs, 'vifs')).command, none, READ);
  define<{ volumeGroup: string }>('metering.read', 'procedure', (a) => meteringReadingQuery(a.volumeGroup).command, none, READ, (c, a) => readMetering(c, a.volumeGroup));

  // volume bytes (a move copies volumes through the worker)
  define<{ vg: string; lv: string }>('volume.checksum', 'command', (a) => volumeChecksumQuery(a).command, volumeOf, { ...LONG, readOnly: true });
  define<{ vg: string; lv: string }>('volume.read', 'stream-read', (a) => ddReadCommand(a), volumeOf, STREAM);
  define<{ vg: string; lv: string }>('volume.write', 'stream-write', (a) => ddWriteCommand(a), volumeOf, STREAM);

  // a domain's PV console, both ways, while the channel is open (no lock: watching a console changes nothing)
  define<{ name: string }>('console.attach', 'stream-read', (a) => xlConsoleCommand(a.name), none, { ...STREAM, interactive: true });
}

/** `/dev/VG/LV` with both names as LVM accepts them; any other device is refused. */
function lvDevice(value: unknown, field: string): string {
  const match = typeof value === 'string' ? /^\/dev\/([^/]+)\/([^/]+)$/.exec(value) : null;
  if (!match) throw new XenArgumentError(field, 'must be a logical volume, /dev/VG/LV', value);
  return lvDevicePath({ vg: match[1]!, lv: match[2]! });
}

function settingsOf(value: unknown): SchedCredit2Settings {
  const settings = requireArgs(value);
  return { ...(settings.weight !== undefined ? { weight: settings.weight as number } : {}), ...(settings.capPercent !== undefined ? { capPercent: settings.capPercent as number } : {}) };
}

function diskOf(value: unknown): BlockAttachOptions {
  const disk = requireArgs(value);
  return { target: disk.target as string, vdev: disk.vdev as Vdev, access: disk.access as 'w' | 'r' };
}

function listOf<T>(value: unknown, field: string): T[] {
  if (!Array.isArray(value)) throw new XenArgumentError(field, 'must be a list', value);
  return value.map((v) => requireArgs(v) as T);
}

registerBuiltInVerbs();

export { findVerb, registerVerb, verbNames } from './agent-verb';
