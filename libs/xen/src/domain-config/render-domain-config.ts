import { DomainSpec, isPygrubBoot, VifSpec } from './domain-spec';
import { validateDomainSpec } from './validate-domain-spec';

function pad(key: string): string {
  return key.padEnd(11);
}

/** xl parses the rate with strtoul, so a fractional Mbit/s is written in Kb/s. */
export function formatVifRate(rateMbitPerSec: number): string {
  if (Number.isInteger(rateMbitPerSec)) return `${rateMbitPerSec}Mb/s`;
  return `${Math.max(1, Math.round(rateMbitPerSec * 1000))}Kb/s`;
}

function vifSpec(vif: VifSpec): string {
  const parts = [`mac=${vif.mac.toLowerCase()}`, `bridge=${vif.bridge}`];
  if (vif.rateMbitPerSec !== undefined) parts.push(`rate=${formatVifRate(vif.rateMbitPerSec)}`);
  return `'${parts.join(',')}'`;
}

/** The xl.cfg text for a DomU, in the layout of xen-reference.md. Validates first. */
export function renderDomainConfig(spec: DomainSpec): string {
  validateDomainSpec(spec);
  const lines = [
    `${pad('name')}= "${spec.name}"`,
    `${pad('type')}= "${spec.type}"`,
    `${pad('memory')}= ${spec.memoryMiB}`,
    `${pad('maxmem')}= ${spec.maxMemoryMiB}`,
    `${pad('vcpus')}= ${spec.vcpus}`,
    `${pad('maxvcpus')}= ${spec.maxVcpus}`,
    `${pad('cpu_weight')}= ${spec.cpuWeight}`,
    `${pad('cap')}= ${spec.capPercent}`,
  ];
  if (isPygrubBoot(spec.boot)) {
    lines.push(`${pad('bootloader')}= "${spec.boot.bootloader}"`);
  } else {
    lines.push(`${pad('kernel')}= "${spec.boot.kernel}"`);
    if (spec.boot.ramdisk !== undefined) lines.push(`${pad('ramdisk')}= "${spec.boot.ramdisk}"`);
    if (spec.boot.cmdline !== undefined) lines.push(`${pad('cmdline')}= "${spec.boot.cmdline}"`);
  }
  lines.push(`disk = [ ${spec.disks.map((d) => `'phy:${d.target},${d.vdev},${d.access}'`).join(', ')} ]`);
  lines.push(`vif  = [ ${spec.vifs.map(vifSpec).join(', ')} ]`);
  lines.push(`on_poweroff = "${spec.onPoweroff}"`, `on_reboot   = "${spec.onReboot}"`, `on_crash    = "${spec.onCrash}"`);
  return lines.join('\n') + '\n';
}
