// What a rescue boot is made of: the operator's rescue image (kernel + initramfs on each
// host), the server's own disks, vif and limits, and a kernel command line that carries the
// network setup and the customer's SSH keys into the rescue system.
import type { DomainSpec, XlDomainDetail } from '@carve/xen';
import { MAX_GUEST_CMDLINE_BYTES } from '@carve/xen';
import type { ServerDisk } from '../server-disk.entity';
import type { Server } from '../server.entity';
import { configDisks, domainSpecFor } from '../handlers/domain-spec-for';
import { hostnameFor } from '../handlers/hostname-for';

/** Where the rescue system lives on every host, and the arguments the operator's image needs (CARVE_RESCUE_*). */
export interface RescueImage {
  readonly kernel: string;
  readonly ramdisk: string;
  /** e.g. `boot=live console=hvc0` for a Debian live initramfs. */
  readonly cmdline: string;
}

export const DEFAULT_RESCUE_IMAGE: RescueImage = {
  kernel: '/var/lib/carve/rescue/vmlinuz',
  ramdisk: '/var/lib/carve/rescue/initrd.img',
  cmdline: 'boot=live console=hvc0',
};

/** The kernel parameter the rescue image reads the keys from: base64 of authorized_keys lines. */
export const RESCUE_KEYS_PARAMETER = 'carve.ssh_keys';

/**
 * The keys the rescue system authorises for root: the server's own (given at order) and
 * every key of the customer's users, as `type base64` without comments (they cost
 * command-line bytes and the rescue system has no use for them), each once, in that order.
 */
export function rescueKeys(serverKeys: readonly string[], userKeys: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of [...serverKeys, ...userKeys]) {
    const [type, blob] = line.trim().split(/\s+/);
    if (!type || !blob) continue;
    const key = `${type} ${blob}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(key);
  }
  return out;
}

/**
 * The rescue system's command line. Networking is the kernel's `ip=` (Documentation/
 * filesystems/nfs/nfsroot.rst: client:server:gw:netmask:hostname:device:autoconf), which
 * Debian's initramfs-tools and live-boot both read: DHCP on the only vif, with the server's
 * host name (carve hands out no static addresses; the guest's normal system uses DHCP too).
 * The keys are base64 (no quotes, spaces or backslashes, so xl.cfg and the kernel take them as
 * one word).
 */
export function rescueCmdline(image: RescueImage, server: Pick<Server, 'name' | 'id'>, keys: readonly string[]): string {
  const parts = [image.cmdline.trim(), `ip=::::${hostnameFor(server)}::dhcp`];
  if (keys.length > 0) parts.push(`${RESCUE_KEYS_PARAMETER}=${Buffer.from(`${keys.join('\n')}\n`, 'utf8').toString('base64')}`);
  return parts.filter((p) => p !== '').join(' ');
}

/** Why this rescue cannot boot, or null: Xen cuts a PV command line past 1023 bytes, and cut keys would lock the customer out. */
export function rescueCmdlineProblem(cmdline: string): string | null {
  const bytes = Buffer.byteLength(cmdline, 'utf8');
  if (bytes <= MAX_GUEST_CMDLINE_BYTES) return null;
  return `the rescue system's kernel command line would be ${bytes} bytes with these SSH keys; Xen allows ${MAX_GUEST_CMDLINE_BYTES}. Remove keys (an ed25519 key takes about 110 bytes, a 4096-bit RSA key about 950) and ask again`;
}

/**
 * The rescue domain: the normal config's name, size, limits, vif and every disk at the same
 * vdev in the same order, booted PV from the rescue kernel instead of pygrub.
 */
export function rescueDomainSpecFor(server: Server, disks: readonly ServerDisk[], volumeGroup: string, image: RescueImage, keys: readonly string[]): DomainSpec {
  const normal = domainSpecFor(server, configDisks(disks), volumeGroup);
  return { ...normal, type: 'pv', boot: { kernel: image.kernel, ramdisk: image.ramdisk, cmdline: rescueCmdline(image, server, keys) } };
}

/** Whether the running domain is the rescue system: booted from a kernel, not by pygrub (the normal config's bootloader). */
export function isRescueBoot(detail: Pick<XlDomainDetail, 'kernel' | 'bootloader'>): boolean {
  return detail.kernel !== undefined && detail.bootloader === undefined;
}
