import { XenArgumentError } from '../errors/xen-argument.error';

// Validators run before quoting: quoting keeps the shell from interpreting an
// argument, validation keeps the tool from misreading it (a leading dash is an
// option to lvcreate, a comma splits an xl disk spec, `..` escapes /etc/xen).

const DOMAIN_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/i;
/** LVM's own charset (lib/misc/lvm-string.c), without a leading dash or plus. */
const LVM_NAME = /^[A-Za-z0-9_.][A-Za-z0-9_.+-]{0,126}$/;
/** Suffixes LVM reserves for its hidden sub-volumes; lvcreate refuses names containing them. */
const LV_RESERVED = ['_cdata', '_cmeta', '_corig', '_mimage', '_mlog', '_pmspare', '_rimage', '_rmeta', '_tdata', '_tmeta', '_vorigin', '_vdata'];
const VDEV = /^xvd[a-z]$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
/** Linux IFNAMSIZ is 16 including the NUL. */
const BRIDGE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;
const SIZE_WITH_UNIT = /^([1-9][0-9]{0,15})([bkmgtBKMGT])$/;

export type Vdev = `xvd${string}`;

function requireString(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new XenArgumentError(field, 'must be a string', value);
  return value;
}

export function validateDomainName(value: unknown, field = 'domainName'): string {
  const name = requireString(field, value);
  if (!DOMAIN_NAME.test(name)) {
    throw new XenArgumentError(field, 'must be 1-63 letters, digits, dots, dashes or underscores, starting with a letter or digit', value);
  }
  return name;
}

/** A domain for xl: its name, or a numeric domid (the simulator and xl accept both). */
export function validateDomainRef(value: unknown, field = 'domain'): string {
  if (typeof value === 'number') return String(validateNonNegativeInteger(value, field));
  return validateDomainName(value, field);
}

function validateLvmName(field: string, value: unknown): string {
  const name = requireString(field, value);
  if (!LVM_NAME.test(name) || name === '.' || name === '..') {
    throw new XenArgumentError(field, 'must be 1-127 of A-Z a-z 0-9 + _ . -, not starting with - or +, not . or ..', value);
  }
  return name;
}

export function validateVgName(value: unknown, field = 'vgName'): string {
  return validateLvmName(field, value);
}

export function validateLvName(value: unknown, field = 'lvName'): string {
  const name = validateLvmName(field, value);
  if (name.startsWith('snapshot') || name.startsWith('pvmove')) {
    throw new XenArgumentError(field, 'names starting with "snapshot" or "pvmove" are reserved by LVM', value);
  }
  const reserved = LV_RESERVED.find((s) => name.includes(s));
  if (reserved) throw new XenArgumentError(field, `contains "${reserved}", reserved by LVM`, value);
  return name;
}

export function validatePositiveInteger(value: unknown, field: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new XenArgumentError(field, 'must be a positive integer', value);
  }
  if (value > max) throw new XenArgumentError(field, `must be at most ${max}`, value);
  return value;
}

export function validateNonNegativeInteger(value: unknown, field: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new XenArgumentError(field, 'must be a non-negative integer', value);
  }
  if (value > max) throw new XenArgumentError(field, `must be at most ${max}`, value);
  return value;
}

/** A size as LVM and xl write it: a positive integer and one unit letter, e.g. `10G`, `512m`. */
export function validateSizeWithUnit(value: unknown, field = 'size'): string {
  const text = requireString(field, value);
  if (!SIZE_WITH_UNIT.test(text)) throw new XenArgumentError(field, 'must be a positive integer followed by one of b k m g t', value);
  return text;
}

export function validateVdev(value: unknown, field = 'vdev'): Vdev {
  const vdev = requireString(field, value);
  if (!VDEV.test(vdev)) throw new XenArgumentError(field, 'must be xvda..xvdz', value);
  return vdev as Vdev;
}

export function validateMac(value: unknown, field = 'mac'): string {
  const mac = requireString(field, value);
  if (!MAC.test(mac)) throw new XenArgumentError(field, 'must be six colon-separated hex octets', value);
  return mac.toLowerCase();
}

export function validateBridgeName(value: unknown, field = 'bridge'): string {
  const bridge = requireString(field, value);
  if (!BRIDGE.test(bridge)) throw new XenArgumentError(field, 'must be 1-15 of A-Z a-z 0-9 _ . -, not starting with - or .', value);
  return bridge;
}

/** An absolute path with no `..` segment and no control characters. */
export function validateAbsolutePath(value: unknown, field = 'path'): string {
  const path = requireString(field, value);
  if (!path.startsWith('/')) throw new XenArgumentError(field, 'must be absolute', value);
  if (path.split('/').includes('..')) throw new XenArgumentError(field, 'must not contain a .. segment', value);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) throw new XenArgumentError(field, 'must not contain control characters', value);
  return path;
}

/** xvda is 51712 (major 202, minor 0); each letter adds 16 minors for partitions. */
export function vdevNumber(vdev: Vdev): number {
  return 51712 + (validateVdev(vdev).charCodeAt(3) - 'a'.charCodeAt(0)) * 16;
}

export function vdevFromNumber(devnum: number): Vdev | undefined {
  const index = (devnum - 51712) / 16;
  if (!Number.isInteger(index) || index < 0 || index > 25) return undefined;
  return `xvd${String.fromCharCode(97 + index)}`;
}
