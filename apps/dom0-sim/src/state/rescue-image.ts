/**
 * The operator's rescue system on each simulated host: a kernel and an initramfs at the
 * paths carve's rescue config names by default (CARVE_RESCUE_KERNEL, CARVE_RESCUE_RAMDISK).
 * The contents are markers: `xl create` only needs the files to exist, as xc_dom does.
 */
export const RESCUE_DIR = '/var/lib/carve/rescue';

export const RESCUE_FILES: Record<string, string> = {
  [`${RESCUE_DIR}/vmlinuz`]: 'carve-sim rescue kernel (Debian 12 live, linux 6.1)\n',
  [`${RESCUE_DIR}/initrd.img`]: 'carve-sim rescue initramfs (live-boot, openssh-server)\n',
};
