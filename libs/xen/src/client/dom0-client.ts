import { filesystemTypeCommand, FilesystemType, makeFilesystemCommand } from '../commands/filesystem.commands';
import { lvCreateCommand, lvDevicePath, lvExtendCommand, lvListQuery, lvRemoveCommand, vgSpaceQuery } from '../commands/lvm.commands';
import { meteringReadingQuery } from '../commands/metering-reading.query';
import type { DomainConfigVariant } from '../commands/rescue-domain.commands';
import { domainConfigExistsCommand, readDomainConfigCommand, removeDomainConfigCommand, writeDomainConfigCommand } from '../commands/write-file.commands';
import { growFilesystemOfflineCommand, installImageCommand } from '../agent/procedure-commands';
import {
  xlBlockAttachCommand,
  xlBlockDetachCommand,
  xlCreateCommand,
  xlDestroyCommand,
  xlMemSetCommand,
  xlRebootCommand,
  xlSchedCredit2SetCommand,
  SchedCredit2Settings,
  xlShutdownCommand,
  xlVcpuSetCommand,
} from '../commands/xl-domain.commands';
import { xlInfoQuery, xlListLongQuery, xlListQuery, xlSchedCredit2ListQuery } from '../commands/xl-read.queries';
import { xenstoreRemoveVifRateCommand, xenstoreWriteVifRateCommand } from '../commands/xenstore.commands';
import { validateVifRateMbit, vifRateMbitOf } from '../domain-config/domain-limits';
import { DomainSpec } from '../domain-config/domain-spec';
import { parseDomainConfig } from '../domain-config/parse-domain-config';
import { renderDomainConfig } from '../domain-config/render-domain-config';
import { XenArgumentError } from '../errors/xen-argument.error';
import { LvEntry, VgSpace } from '../parsers/lvm.parser';
import { MeteringReading } from '../parsers/metering-reading.parser';
import { SchedCredit2Entry } from '../parsers/sched-credit2.parser';
import { XlInfo } from '../parsers/xl-info.parser';
import { XlDomainDetail } from '../parsers/xl-list-long.parser';
import { XlListEntry } from '../parsers/xl-list.parser';
import { validateDomainName, validateLvName, validatePositiveInteger, validateVdev, Vdev } from '../shell/argument-validators';
import type { Dom0Executor } from '../ssh/dom0-executor';
import { SshConnectionPool } from '../ssh/ssh-connection-pool';
import { AgentExecutor } from '../agent/agent-executor';
import type { Dom0Target } from '../ssh/dom0-target';
import { CommandTimeoutError } from '../ssh/dom0-transport.errors';
import { failureFor } from './dom0-failure.mapper';
import { Dom0OperationError } from './dom0-operation.error';
import { Dom0Runner } from './dom0-runner';
import type { InstallImageOptions } from './install-image';
import { sameDevice } from './same-device';
import { CounterSample, sampleCounters } from './sample-counters';
import { Dom0VolumeStreams } from './volume-streams';

const GiB = 1024 ** 3;

export interface Dom0ClientOptions {
  /** The volume group DomU disks live in. Default `vg0`. */
  readonly volumeGroup?: string;
  /** Per-command timeout; the executor's default when absent. */
  readonly commandTimeoutMs?: number;
}

export interface MakeFilesystemInodes {
  /** ext3/ext4 only: a fixed inode count (`-N`). */
  readonly inodes?: number;
  /** ext3/ext4 only: one inode per this many bytes (`-i`). */
  readonly bytesPerInode?: number;
}

export interface GrowVolumeResult {
  /** Whether this call extended the LV (false: it already had the size). */
  readonly grown: boolean;
  readonly sizeBytes: number;
  /**
   * - `grown`: no domain had the volume, the Dom0 grew the filesystem offline.
   * - `guest-must-grow`: a running domain has the volume. Linux blkback announces
   *   the new size to the running guest by itself; the guest must then run
   *   `resize2fs` / `xfs_growfs` / `btrfs filesystem resize max` itself (the Dom0
   *   must never mount a filesystem a guest has mounted). Show this to the customer.
   * - `not-requested`: no filesystem type was given; only the LV was grown.
   */
  readonly filesystem: 'grown' | 'guest-must-grow' | 'not-requested';
}

export interface AttachDiskOptions {
  /** Block device on the Dom0, e.g. `/dev/vg0/web1-data`. */
  readonly device: string;
  readonly vdev: Vdev;
  readonly access?: 'w' | 'r';
}

export type ShutdownOutcome = 'absent' | 'shut-down' | 'destroyed-after-timeout';

/**
 * A typed client for one Dom0: each method names an operation, runs the
 * validated, quoted commands of @carve/xen over the executor (SSH), and returns
 * parsed values. Every mutating method checks before it acts, so a job retried
 * or resumed after a crash repeats it without duplicating or destroying anything.
 *
 * Errors: transport errors pass through untouched (`transient` says whether a
 * retry can help); known Xen/LVM refusals become Dom0OperationError
 * (`transient: false`, a stable `code`); other non-zero exits are the
 * transport's CommandFailedError; bad arguments throw XenArgumentError before
 * anything runs.
 *
 * Domain configs: a written config applies at the next `xl create` (stop, then
 * start). `xl reboot` and a guest-initiated reboot keep the running
 * configuration, as xl does (it reloads the live config, not the file).
 */
export class Dom0Client {
  private readonly runner: Dom0Runner;
  private readonly vg: string;

  private readonly executor: Dom0Executor;

  /** A bare connection pool is spoken to through the hosts' agents (one AgentExecutor per pool). */
  constructor(executor: Dom0Executor, target: Dom0Target, options: Dom0ClientOptions = {}) {
    this.executor = executor instanceof SshConnectionPool ? agentExecutorFor(executor) : executor;
    this.runner = new Dom0Runner(this.executor, target, options.commandTimeoutMs);
    this.vg = options.volumeGroup ?? 'vg0';
  }

  get hostId(): string {
    return this.runner.hostId;
  }

  // ---- volumes -------------------------------------------------------------

  volumeGroupSpace(): Promise<VgSpace> {
    return this.runner.query(vgSpaceQuery(this.vg));
  }

  listVolumes(): Promise<LvEntry[]> {
    return this.runner.query(lvListQuery(this.vg));
  }

  async volume(name: string): Promise<LvEntry | null> {
    const lv = validateLvName(name, 'name');
    return (await this.listVolumes()).find((entry) => entry.name === lv) ?? null;
  }

  async volumeExists(name: string): Promise<boolean> {
    return (await this.volume(name)) !== null;
  }

  /** Volumes' bytes streamed out and in, and their checksums (a move copies volumes through the worker). */
  volumeStreams(): Dom0VolumeStreams {
    return new Dom0VolumeStreams(this.executor, this.runner.target, this.vg);
  }

  /** `/dev/<vg>/<name>`, the path disk specs and mkfs use. */
  volumeDevice(name: string): string {
    return lvDevicePath({ vg: this.vg, lv: name });
  }

  /** No-op when the LV exists with exactly this size; `volume_size_mismatch` when it exists with another. */
  async createVolume(name: string, sizeGiB: number): Promise<{ created: boolean; device: string }> {
    const command = lvCreateCommand({ vg: this.vg, lv: name, sizeGiB, wipeSignatures: true });
    const device = this.volumeDevice(name);
    const existing = await this.volume(name);
    if (existing) {
      if (existing.sizeBytes === sizeGiB * GiB) return { created: false, device };
      throw new Dom0OperationError('volume_size_mismatch', this.hostId, command.description, `${this.vg}/${name} exists with ${existing.sizeBytes / GiB} GiB`);
    }
    await this.runner.run(command);
    return { created: true, device };
  }

  /**
   * Grow the LV to `sizeGiB` (no-op when it already has that size), then, when
   * `filesystem` is given, its filesystem: offline by the Dom0 when no domain
   * has the volume, otherwise left to the guest (see GrowVolumeResult).
   * A volume larger than asked is `shrink_refused`: volumes only grow.
   */
  async growVolume(name: string, sizeGiB: number, filesystem?: FilesystemType): Promise<GrowVolumeResult> {
    const command = lvExtendCommand({ vg: this.vg, lv: name, sizeGiB });
    const existing = await this.volume(name);
    if (!existing) throw new Dom0OperationError('volume_not_found', this.hostId, command.description, `${this.vg}/${name} does not exist`);
    const wanted = sizeGiB * GiB;
    if (existing.sizeBytes > wanted) {
      throw new Dom0OperationError('shrink_refused', this.hostId, command.description, `${this.vg}/${name} has ${existing.sizeBytes / GiB} GiB; volumes only grow`);
    }
    const grown = existing.sizeBytes < wanted;
    if (grown) await this.runner.run(command);
    if (filesystem === undefined) return { grown, sizeBytes: wanted, filesystem: 'not-requested' };
    const device = this.volumeDevice(name);
    if ((await this.domainUsing(device)) !== undefined) return { grown, sizeBytes: wanted, filesystem: 'guest-must-grow' };
    await this.runner.run(growFilesystemOfflineCommand({ device, type: filesystem, name }));
    return { grown, sizeBytes: wanted, filesystem: 'grown' };
  }

  /**
   * No-op when the LV is absent; `volume_in_use` while a domain or a foreign mount has it.
   * A mount on carve's own work directory (a worker died mid image install) is released first.
   */
  async removeVolume(name: string): Promise<{ removed: boolean }> {
    const command = lvRemoveCommand({ vg: this.vg, lv: name });
    if (!(await this.volumeExists(name))) return { removed: false };
    // The agent's lv.remove releases a stale work mount of carve's on the volume first.
    await this.runner.run(command);
    return { removed: true };
  }

  /**
   * mkfs, unless the device already holds a filesystem of this type (then a
   * no-op: making it again would wipe it). Another filesystem there is
   * `filesystem_mismatch`: carve never formats over something it did not expect.
   */
  async makeFilesystem(device: string, type: FilesystemType, options: MakeFilesystemInodes = {}): Promise<{ made: boolean }> {
    if (options.inodes !== undefined && options.bytesPerInode !== undefined) {
      throw new XenArgumentError('inodes', 'give an inode count or bytes per inode, not both');
    }
    const inodes = options.inodes !== undefined ? { count: options.inodes } : options.bytesPerInode !== undefined ? { bytesPerInode: options.bytesPerInode } : undefined;
    const command = makeFilesystemCommand({ device, type, ...(inodes ? { inodes } : {}) });
    const current = await this.filesystemType(device);
    if (current === type) return { made: false };
    if (current !== null) throw new Dom0OperationError('filesystem_mismatch', this.hostId, command.description, `${device} already holds ${current}`);
    await this.runner.run(command);
    return { made: true };
  }

  /** The filesystem signature on a device (`ext4`, `swap`, ...), or null when it holds none. */
  async filesystemType(device: string): Promise<string | null> {
    const result = await this.runner.run(filesystemTypeCommand(device), { okExitCodes: [0, 2] });
    const type = result.stdout.trim();
    return result.exitCode === 0 && type !== '' ? type : null;
  }

  /** Mount the root volume, unpack the image, write hostname, fstab and root's authorized_keys, unmount (always). */
  async installImage(options: InstallImageOptions): Promise<void> {
    // One agent procedure, under the volume's lock: the running-domain check, mount, unpack, files, unmount.
    await this.runner.run(installImageCommand(options));
  }

  // ---- domain configs ------------------------------------------------------

  /**
   * Writes /etc/xen/<name>.cfg (variant `rescue`: /etc/xen/<name>.rescue.cfg, the rescue
   * system's, kept apart so the normal config is never touched by a rescue); no-op when
   * the file already has exactly this content.
   */
  async writeDomainConfig(spec: DomainSpec, variant: DomainConfigVariant = 'normal'): Promise<{ changed: boolean }> {
    const command = writeDomainConfigCommand(spec, variant);
    if ((await this.readDomainConfigText(spec.name, variant)) === renderDomainConfig(spec)) return { changed: false };
    await this.runner.run(command);
    return { changed: true };
  }

  /** The config as carve reads it, or null when there is no file. Throws XenParseError for a file it cannot read. */
  async readDomainConfig(name: string, variant: DomainConfigVariant = 'normal'): Promise<DomainSpec | null> {
    const text = await this.readDomainConfigText(name, variant);
    return text === null ? null : parseDomainConfig(text);
  }

  async removeDomainConfig(name: string, variant: DomainConfigVariant = 'normal'): Promise<{ removed: boolean }> {
    if (!(await this.runner.check(domainConfigExistsCommand(name, variant)))) return { removed: false };
    await this.runner.run(removeDomainConfigCommand(name, variant));
    return { removed: true };
  }

  private async readDomainConfigText(name: string, variant: DomainConfigVariant = 'normal'): Promise<string | null> {
    const result = await this.runner.run(readDomainConfigCommand(name, variant), { okExitCodes: [0, 1] });
    if (result.exitCode === 0) return result.stdout;
    if (result.stderr.includes('No such file or directory')) return null;
    throw failureFor(this.hostId, `read ${variant === 'rescue' ? 'rescue' : 'domain'} config of ${name}`, result.exitCode, result.stderr, result.stdout);
  }

  // ---- domains -------------------------------------------------------------

  /** `xl list`, Domain-0 included. */
  listDomains(): Promise<XlListEntry[]> {
    return this.runner.query(xlListQuery());
  }

  /** `xl list -l`: DomUs with their disks and nics as libxl holds them now. */
  listDomainDetails(): Promise<XlDomainDetail[]> {
    return this.runner.query(xlListLongQuery());
  }

  /** The domain's entry in `xl list -l` (disks, nics, how it booted), or null when it is not running. */
  async domainDetail(name: string): Promise<XlDomainDetail | null> {
    const wanted = validateDomainName(name, 'name');
    return (await this.listDomainDetails()).find((d) => d.name === wanted) ?? null;
  }

  async domainByName(name: string): Promise<XlListEntry | null> {
    const wanted = validateDomainName(name, 'name');
    return (await this.listDomains()).find((d) => d.name === wanted) ?? null;
  }

  /**
   * `xl create /etc/xen/<name>.cfg` (variant `rescue`: from the rescue config); no-op when
   * the domain is there and alive. A crashed or shut-down leftover of the same name is destroyed first.
   */
  async createDomain(name: string, variant: DomainConfigVariant = 'normal'): Promise<{ created: boolean; domid: number }> {
    const command = xlCreateCommand(name, variant);
    const existing = await this.domainByName(name);
    if (existing && existing.state.summary !== 'crashed' && existing.state.summary !== 'shutdown') return { created: false, domid: existing.domid };
    if (existing) await this.destroyDomain(name);
    await this.runner.run(command);
    const started = await this.domainByName(name);
    if (!started) throw new Dom0OperationError('domain_not_found', this.hostId, command.description, `${name} is not listed after xl create`);
    return { created: true, domid: started.domid };
  }

  /**
   * Graceful shutdown (`xl shutdown -w`), waiting at most `timeoutMs`; then
   * `xl destroy` if the guest has not gone. No-op when the domain is absent.
   */
  async shutdownDomain(name: string, options: { timeoutMs: number }): Promise<{ outcome: ShutdownOutcome }> {
    const command = xlShutdownCommand(name);
    validatePositiveInteger(options.timeoutMs, 'timeoutMs');
    if (!(await this.domainByName(name))) return { outcome: 'absent' };
    try {
      await this.runner.run(command, { timeoutMs: options.timeoutMs });
    } catch (error) {
      if (error instanceof CommandTimeoutError) {
        await this.destroyDomain(name);
        return { outcome: 'destroyed-after-timeout' };
      }
      if (error instanceof Dom0OperationError && error.code === 'domain_not_found') return { outcome: 'absent' };
      throw error;
    }
    // on_poweroff = "preserve" keeps a shut-down domain listed; it still holds its memory.
    if (await this.domainByName(name)) await this.destroyDomain(name);
    return { outcome: 'shut-down' };
  }

  /** `xl destroy`; no-op when the domain is absent. */
  async destroyDomain(name: string): Promise<{ destroyed: boolean }> {
    const command = xlDestroyCommand(name);
    if (!(await this.domainByName(name))) return { destroyed: false };
    try {
      await this.runner.run(command);
    } catch (error) {
      // Gone between the check and the destroy (a shutdown finishing): the goal is met.
      if (error instanceof Dom0OperationError && error.code === 'domain_not_found') return { destroyed: false };
      throw error;
    }
    return { destroyed: true };
  }

  /**
   * `xl reboot`. Pass `ifDomid` (the domid read before the job's first
   * attempt) to make a retry a no-op: a rebooted domain has a new domid. On a
   * real host the new domid appears once the guest has restarted, so the
   * returned domid may still be the old one.
   */
  async rebootDomain(name: string, options: { ifDomid?: number } = {}): Promise<{ rebooted: boolean; domid: number }> {
    const command = xlRebootCommand(name);
    const domain = await this.requireDomain(name, command.description);
    if (options.ifDomid !== undefined && domain.domid !== options.ifDomid) return { rebooted: false, domid: domain.domid };
    await this.runner.run(command);
    const after = await this.domainByName(name);
    return { rebooted: true, domid: after?.domid ?? domain.domid };
  }

  /** Live `xl mem-set`; no-op when the domain already has that memory. `above_maxmem`: write the config and apply at the next start instead. */
  async setMemory(name: string, memoryMiB: number): Promise<{ changed: boolean }> {
    const command = xlMemSetCommand(name, memoryMiB);
    const domain = await this.requireDomain(name, command.description);
    if (domain.memoryMiB === memoryMiB) return { changed: false };
    await this.runner.run(command);
    return { changed: true };
  }

  /** Live `xl vcpu-set`; no-op when that many vCPUs are online. `above_maxvcpus`: config and next start instead. */
  async setVcpus(name: string, vcpus: number): Promise<{ changed: boolean }> {
    const command = xlVcpuSetCommand(name, vcpus);
    const domain = await this.requireDomain(name, command.description);
    if (domain.vcpus === vcpus) return { changed: false };
    await this.runner.run(command);
    return { changed: true };
  }

  /** `xl sched-credit2`: the credit2 weight and cap of every domain, Domain-0 included. */
  listSchedCredit2(): Promise<SchedCredit2Entry[]> {
    return this.runner.query(xlSchedCredit2ListQuery());
  }

  /** `xl sched-credit2 -d NAME -w W -c CAP`; no-op when the domain already has both. `domain_not_found` when it is not running. */
  async setSchedCredit2(name: string, settings: SchedCredit2Settings): Promise<{ changed: boolean }> {
    const command = xlSchedCredit2SetCommand(name, settings);
    const entry = (await this.listSchedCredit2()).find((e) => e.name === name);
    if (!entry) throw new Dom0OperationError('domain_not_found', this.hostId, command.description, `${name} is not running`);
    const weightHeld = settings.weight === undefined || entry.weight === settings.weight;
    const capHeld = settings.capPercent === undefined || entry.cap === settings.capPercent;
    if (weightHeld && capHeld) return { changed: false };
    await this.runner.run(command);
    return { changed: true };
  }

  /** The rate limit (Mbit/s, null = none) of each vif of the running domain, in devid order; null when the domain is not running. */
  async vifRatesMbit(name: string): Promise<(number | null)[] | null> {
    const wanted = validateDomainName(name, 'name');
    const detail = (await this.listDomainDetails()).find((d) => d.name === wanted);
    return detail ? detail.nics.map(vifRateMbitOf) : null;
  }

  /**
   * Gives every vif of the running domain the rate (Mbit/s; null: no limit) now, through its
   * xenstore backend node, which netback watches. Check before act: a vif that already has
   * it is left alone. Null when the domain is not running; else its domid and the devids changed.
   */
  async setVifRatesLive(name: string, rateMbit: number | null): Promise<{ domid: number; changed: number[] } | null> {
    const wanted = validateDomainName(name, 'name');
    if (rateMbit !== null) validateVifRateMbit(rateMbit, 'rateMbit');
    const detail = (await this.listDomainDetails()).find((d) => d.name === wanted);
    if (!detail) return null;
    const changed: number[] = [];
    for (const [index, nic] of detail.nics.entries()) {
      if (vifRateMbitOf(nic) === rateMbit) continue;
      const devid = nic.devid ?? index;
      await this.runner.run(rateMbit === null ? xenstoreRemoveVifRateCommand(detail.domid, devid) : xenstoreWriteVifRateCommand(detail.domid, devid, rateMbit));
      changed.push(devid);
    }
    return { domid: detail.domid, changed };
  }

  /** `xl block-attach`; no-op when that device is already attached as that vdev; `vdev_in_use` when another is. */
  async attachDisk(name: string, disk: AttachDiskOptions): Promise<{ attached: boolean }> {
    const command = xlBlockAttachCommand(name, { target: disk.device, vdev: disk.vdev, access: disk.access ?? 'w' });
    const detail = await this.requireDetail(name, command.description);
    const present = detail.disks.find((d) => d.vdev === disk.vdev);
    if (present) {
      if (present.pdevPath !== undefined && sameDevice(present.pdevPath, disk.device)) return { attached: false };
      throw new Dom0OperationError('vdev_in_use', this.hostId, command.description, `${disk.vdev} of ${name} is ${present.pdevPath ?? 'another device'}`);
    }
    await this.runner.run(command);
    return { attached: true };
  }

  /** `xl block-detach`; no-op when the domain is not running or has no such disk. */
  async detachDisk(name: string, vdev: Vdev): Promise<{ detached: boolean }> {
    const command = xlBlockDetachCommand(name, validateVdev(vdev));
    const detail = (await this.listDomainDetails()).find((d) => d.name === name);
    if (!detail || !detail.disks.some((d) => d.vdev === vdev)) return { detached: false };
    await this.runner.run(command);
    return { detached: true };
  }

  // ---- host ----------------------------------------------------------------

  /** `xl info`: CPUs, total and free memory (MiB), dom0_mem, Xen version. */
  hostInfo(): Promise<XlInfo> {
    return this.runner.query(xlInfoQuery());
  }

  /** xentop (full names, two iterations) plus the sysfs VBD and vif counters of every DomU, for metering. */
  sampleCounters(): Promise<CounterSample> {
    return sampleCounters(this.runner);
  }

  /**
   * One metering reading in one round trip: clock, domains (CPU, memory, VBD
   * totals, vif bytes), the volume group's LVs, PVs and their disks with
   * their block stats. Rejects with XenParseError, never a partial reading.
   */
  async readMetering(volumeGroup: string = this.vg): Promise<MeteringReading> {
    return this.runner.query(meteringReadingQuery(volumeGroup));
  }

  // ---- helpers -------------------------------------------------------------

  /** The running domain with `device` among its disks, if any. */
  private async domainUsing(device: string): Promise<string | undefined> {
    return (await this.listDomainDetails()).find((d) => d.disks.some((disk) => disk.pdevPath !== undefined && sameDevice(disk.pdevPath, device)))?.name;
  }

  private async requireDomain(name: string, operation: string): Promise<XlListEntry> {
    const domain = await this.domainByName(name);
    if (!domain) throw new Dom0OperationError('domain_not_found', this.hostId, operation, `${name} is not running`);
    return domain;
  }

  private async requireDetail(name: string, operation: string): Promise<XlDomainDetail> {
    const detail = (await this.listDomainDetails()).find((d) => d.name === name);
    if (!detail) throw new Dom0OperationError('domain_not_found', this.hostId, operation, `${name} is not running`);
    return detail;
  }
}

const agentExecutors = new WeakMap<SshConnectionPool, AgentExecutor>();

/** The pool's agent executor: one per pool, so every client on it shares each host's serve channel. */
export function agentExecutorFor(pool: SshConnectionPool): AgentExecutor {
  let executor = agentExecutors.get(pool);
  if (!executor) {
    executor = new AgentExecutor(pool);
    agentExecutors.set(pool, executor);
  }
  return executor;
}
