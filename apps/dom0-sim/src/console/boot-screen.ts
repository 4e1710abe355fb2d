import type { SimDomain, SimHostState } from '../state/host-state';
import { lvForDevice } from '../state/vfs';

/** What the guest's root filesystem says about itself, read from the simulated volume. */
export interface GuestRoot {
  vdev: string;
  target: string;
  prettyName: string;
  hostname: string;
}

const KERNEL = '6.1.0-28-amd64';
export const GUEST_KERNEL_RELEASE = KERNEL;

function prettyNameOf(osRelease: string | undefined): string | undefined {
  const m = osRelease?.match(/^PRETTY_NAME="([^"]*)"/m);
  return m?.[1];
}

/** The roots pygrub lists: the first two disks (carve puts both roots first, the active one at xvda) that hold an OS. */
export function guestRoots(state: SimHostState, domain: SimDomain): GuestRoot[] {
  const roots: GuestRoot[] = [];
  for (const disk of domain.disks.slice(0, 2)) {
    const files = lvForDevice(state, disk.target)?.filesystem?.files;
    const prettyName = prettyNameOf(files?.['/etc/os-release']);
    if (prettyName === undefined) continue;
    const hostname = files?.['/etc/hostname']?.trim();
    roots.push({ vdev: disk.vdev, target: disk.target, prettyName, hostname: hostname && hostname !== 'localhost' ? hostname : domain.name });
  }
  return roots;
}

/** The guest's /etc/os-release from the root it booted, or a Debian default when the root holds none. */
export function osReleaseOf(state: SimHostState, root: GuestRoot | undefined): string {
  const files = root ? lvForDevice(state, root.target)?.filesystem?.files : undefined;
  return files?.['/etc/os-release'] ?? 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
}

/** pygrub's entry lines: one per root, the first (xvda, the active root) the default. */
export function pygrubEntries(roots: readonly GuestRoot[]): string[] {
  const entries = roots.length > 0 ? roots : [{ vdev: 'xvda', prettyName: 'Debian GNU/Linux' }];
  return entries.map((r) => `${r.prettyName}, with Linux ${KERNEL} (root on ${r.vdev})`);
}

/** Debian's update-grub writes `set timeout=5`; pygrub waits that long. */
export const DEFAULT_PYGRUB_TIMEOUT_SECONDS = 5;

/** The menu timeout pygrub reads from the default root's /boot/grub/grub.cfg (`set timeout=N`, -1 = wait for a key). */
export function pygrubTimeoutOf(state: SimHostState, root: GuestRoot | undefined): number {
  const cfg = root ? lvForDevice(state, root.target)?.filesystem?.files?.['/boot/grub/grub.cfg'] : undefined;
  const m = cfg?.match(/^\s*set\s+timeout=["']?(-?\d+)/m);
  return m ? Number(m[1]) : DEFAULT_PYGRUB_TIMEOUT_SECONDS;
}

/** The kernel command line the guest booted with: pygrub's entry for its root, or the config's for a direct kernel boot. */
export function kernelCmdline(domain: SimDomain, root: GuestRoot | undefined): string {
  return domain.kernel !== undefined ? (domain.cmdline ?? '') : `root=/dev/${root?.vdev ?? 'xvda'} ro console=hvc0`;
}

/** A domain booted by pygrub from its root shows the menu first; a direct kernel boot (rescue) goes straight to the kernel. */
export function bootsThroughPygrub(domain: SimDomain): boolean {
  return domain.kernel === undefined && (domain.bootloader ?? 'pygrub').endsWith('pygrub');
}

/** A short Debian boot log up to the getty's banner. */
export function bootLog(domain: SimDomain, root: GuestRoot | undefined): string {
  const vdev = root?.vdev ?? 'xvda';
  const cmdline = kernelCmdline(domain, root);
  const lines = [
    `[    0.000000] Linux version ${KERNEL} (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1`,
    `[    0.000000] Command line: ${cmdline}`,
    '[    0.000000] Booting paravirtualized kernel on Xen',
    `[    0.000000] Xen version: 4.17.5 (preserve-AD)`,
    `[    0.004000] Memory: ${domain.memoryMiB * 1024}K available`,
    `[    0.012000] smpboot: Allowing ${domain.maxVcpus} CPUs, 0 hotplug CPUs`,
    '[    0.412000] xen_netfront: Initialising Xen virtual ethernet driver',
    ...domain.disks.map((d, i) => `[    0.${String(520_000 + i * 4_000)}] blkfront: ${d.vdev}: flush diskcache: enabled; persistent grants: enabled; indirect descriptors: enabled;`),
    `[    1.104000] EXT4-fs (${vdev}): mounted filesystem with ordered data mode. Quota mode: none.`,
    '[    1.320000] systemd[1]: Inserted module \'autofs4\'',
    `[    1.356000] systemd[1]: Hostname set to <${root?.hostname ?? domain.name}>.`,
    '[  OK  ] Started systemd-journald.service - Journal Service.',
    '[  OK  ] Finished systemd-fsck-root.service - File System Check on Root Device.',
    '[  OK  ] Reached target local-fs.target - Local File Systems.',
    '[  OK  ] Started networking.service - Raise network interfaces.',
    '[  OK  ] Started ssh.service - OpenBSD Secure Shell server.',
    '[  OK  ] Started serial-getty@hvc0.service - Serial Getty on hvc0.',
    '[  OK  ] Reached target multi-user.target - Multi-User System.',
    '',
    `${root?.prettyName ?? 'Debian GNU/Linux 12'} ${root?.hostname ?? domain.name} hvc0`,
    '',
    '',
  ];
  return lines.join('\r\n');
}
