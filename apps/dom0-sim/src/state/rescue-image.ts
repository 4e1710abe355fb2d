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

/**
 * A state file saved before hosts had a rescue image gets one (the operator installs it once
 * per host); a host that has the directory keeps what is in it, removed files included.
 */
export function upgradeRescueImage(state: { files: Record<string, string>; dirs: string[] }): void {
  if (state.dirs.includes(RESCUE_DIR)) return;
  state.dirs.push(RESCUE_DIR);
  for (const [path, content] of Object.entries(RESCUE_FILES)) state.files[path] ??= content;
}
