import { XenArgumentError } from '../errors/xen-argument.error';
import {
  validateAbsolutePath,
  validateBridgeName,
  validateDomainName,
  validateMac,
  validateNonNegativeInteger,
  validatePositiveInteger,
  validateVdev,
} from '../shell/argument-validators';
import { DOMAIN_ACTIONS, DomainSpec, isPygrubBoot, MAX_GUEST_CMDLINE_BYTES } from './domain-spec';

/** xl.cfg strings are quoted; a path that needs quoting inside a quoted disk spec is refused. */
const CFG_PATH = /^\/[A-Za-z0-9_.+/=:@-]*$/;
/** Kernel command lines go inside double quotes in xl.cfg. */
// eslint-disable-next-line no-control-regex
const CFG_CMDLINE = /^[^"\\\u0000-\u001f\u007f]*$/;

function cfgPath(value: unknown, field: string): string {
  const path = validateAbsolutePath(value, field);
  if (!CFG_PATH.test(path)) throw new XenArgumentError(field, 'may only contain A-Z a-z 0-9 _ . + / = : @ -', value);
  return path;
}

/** Throws XenArgumentError naming the first field that cannot be written to xl.cfg. */
export function validateDomainSpec(spec: DomainSpec): DomainSpec {
  validateDomainName(spec.name, 'name');
  if (spec.type !== 'pv' && spec.type !== 'pvh') throw new XenArgumentError('type', 'must be pv or pvh', spec.type);
  validatePositiveInteger(spec.memoryMiB, 'memoryMiB');
  validatePositiveInteger(spec.maxMemoryMiB, 'maxMemoryMiB');
  if (spec.maxMemoryMiB < spec.memoryMiB) throw new XenArgumentError('maxMemoryMiB', 'must be >= memoryMiB', spec.maxMemoryMiB);
  validatePositiveInteger(spec.vcpus, 'vcpus', 512);
  validatePositiveInteger(spec.maxVcpus, 'maxVcpus', 512);
  if (spec.maxVcpus < spec.vcpus) throw new XenArgumentError('maxVcpus', 'must be >= vcpus', spec.maxVcpus);
  validatePositiveInteger(spec.cpuWeight, 'cpuWeight', 65535);
  validateNonNegativeInteger(spec.capPercent, 'capPercent', 100 * 512);
  if (isPygrubBoot(spec.boot)) {
    if (spec.boot.bootloader !== 'pygrub') throw new XenArgumentError('bootloader', 'must be pygrub', spec.boot.bootloader);
  } else {
    cfgPath(spec.boot.kernel, 'kernel');
    if (spec.boot.ramdisk !== undefined) cfgPath(spec.boot.ramdisk, 'ramdisk');
    if (spec.boot.cmdline !== undefined && !CFG_CMDLINE.test(spec.boot.cmdline)) {
      throw new XenArgumentError('cmdline', 'must not contain double quotes, backslashes or control characters', spec.boot.cmdline);
    }
    if (spec.boot.cmdline !== undefined && Buffer.byteLength(spec.boot.cmdline, 'utf8') > MAX_GUEST_CMDLINE_BYTES) {
      throw new XenArgumentError('cmdline', `must be at most ${MAX_GUEST_CMDLINE_BYTES} bytes (Xen cuts a longer one)`, spec.boot.cmdline.length);
    }
  }
  if (spec.disks.length === 0) throw new XenArgumentError('disks', 'at least one disk is needed to boot');
  const vdevs = new Set<string>();
  spec.disks.forEach((disk, i) => {
    cfgPath(disk.target, `disks[${i}].target`);
    validateVdev(disk.vdev, `disks[${i}].vdev`);
    if (vdevs.has(disk.vdev)) throw new XenArgumentError(`disks[${i}].vdev`, 'is used twice', disk.vdev);
    vdevs.add(disk.vdev);
    if (disk.access !== 'w' && disk.access !== 'r') throw new XenArgumentError(`disks[${i}].access`, 'must be w or r', disk.access);
  });
  spec.vifs.forEach((vif, i) => {
    validateMac(vif.mac, `vifs[${i}].mac`);
    validateBridgeName(vif.bridge, `vifs[${i}].bridge`);
    const rate = vif.rateMbitPerSec;
    if (rate !== undefined && (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > 1e6)) {
      throw new XenArgumentError(`vifs[${i}].rateMbitPerSec`, 'must be a positive number of Mbit/s', rate);
    }
  });
  for (const [field, action] of [['onPoweroff', spec.onPoweroff], ['onReboot', spec.onReboot], ['onCrash', spec.onCrash]] as const) {
    if (!DOMAIN_ACTIONS.includes(action)) throw new XenArgumentError(field, `must be one of ${DOMAIN_ACTIONS.join(', ')}`, action);
  }
  return spec;
}
