import { XenArgumentError } from '../errors/xen-argument.error';
import { XenParseError } from '../errors/xen-parse.error';
import { Vdev } from '../shell/argument-validators';
import { DOMAIN_ACTIONS, DiskSpec, DomainAction, DomainSpec, DomainType, KernelBoot, VifSpec } from './domain-spec';
import { validateDomainSpec } from './validate-domain-spec';
import { CfgSetting, CfgValue, readCfgSettings } from './xl-cfg-tokenizer';

const PARSER = 'xl.cfg';
const DISK_FORMATS = new Set(['raw', 'qcow', 'qcow2', 'vhd', 'qed', 'empty']);
const DISK_KEYS = new Set(['format', 'vdev', 'access', 'devtype', 'backend', 'backendtype', 'script', 'discard', 'no-discard']);

type Fail = (reason: string) => never;

/** The parts of a disk spec carve uses, from either the positional or the key=value form. */
export function parseDiskSpec(text: string, fail: Fail): DiskSpec {
  let target: string | undefined;
  let vdev: string | undefined;
  let access = 'w';
  const positional: string[] = [];
  const parts = text.split(',');
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i].trim();
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : '';
    if (key === 'target') {
      // target= swallows the rest, commas included (xl-disk-configuration).
      target = [part.slice(eq + 1), ...parts.slice(i + 1)].join(',');
      break;
    } else if (DISK_KEYS.has(key)) {
      if (key === 'vdev') vdev = part.slice(eq + 1);
      if (key === 'access') access = part.slice(eq + 1);
    } else if (part !== '') {
      positional.push(part);
    }
  }
  if (positional.length > 0 && target === undefined) target = positional.shift();
  if (positional.length > 0 && DISK_FORMATS.has(positional[0])) positional.shift();
  if (positional.length > 0 && vdev === undefined) vdev = positional.shift();
  if (positional.length > 0) access = positional.shift() ?? access;
  if (target === undefined) fail(`disk ${JSON.stringify(text)} has no target`);
  // Deprecated prefixes: `phy:`, `file:`, or a format such as `raw:`.
  const bareTarget = (target as string).replace(/^(phy|file|tap|tap2|aio|raw|qcow2?|vhd|qed):(aio:)?/, '');
  const vdevName = (vdev ?? '').replace(/:cdrom$/, '');
  if (!/^xvd[a-z]$/.test(vdevName)) fail(`disk ${JSON.stringify(text)}: vdev must be xvda..xvdz`);
  const mode = access === 'w' || access === 'rw' ? 'w' : access === 'r' || access === 'ro' ? 'r' : fail(`disk ${JSON.stringify(text)}: access must be r or w`);
  return { target: bareTarget, vdev: vdevName as Vdev, access: mode };
}

const RATE = /^(\d+(?:\.\d+)?)([GMK]?)([Bb])\/s(@\d+[mu]?s)?$/;
const RATE_MULTIPLIER: Record<string, number> = { G: 1e3, M: 1, K: 1e-3, '': 1e-6 };

/** `rate=N{G,M,K}{B,b}/s[@interval]`, decimal multipliers, B = bytes. */
export function parseVifRate(text: string, fail: Fail): number {
  const match = RATE.exec(text);
  if (!match) return fail(`vif rate ${JSON.stringify(text)} is not N{G,M,K}{B,b}/s`);
  const mbit = Number(match[1]) * RATE_MULTIPLIER[match[2]] * (match[3] === 'B' ? 8 : 1);
  if (!Number.isFinite(mbit) || mbit <= 0) return fail(`vif rate ${JSON.stringify(text)} is not positive`);
  return Math.round(mbit * 1e6) / 1e6;
}

export function parseVifSpec(text: string, fail: Fail): VifSpec {
  const fields = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const mac = fields.get('mac');
  if (mac === undefined) return fail(`vif ${JSON.stringify(text)} has no mac`);
  const rate = fields.get('rate');
  return {
    mac: mac.toLowerCase(),
    bridge: fields.get('bridge') ?? 'xenbr0',
    ...(rate !== undefined ? { rateMbitPerSec: parseVifRate(rate, fail) } : {}),
  };
}

/**
 * Read an xl.cfg into a DomainSpec. Tolerant of comments, quote styles, spacing,
 * `;` separators and multi-line lists; fills xl's defaults for omitted settings.
 * Throws XenParseError naming the line it could not use.
 */
export function parseDomainConfig(text: string): DomainSpec {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const settings = new Map<string, CfgSetting>();
  for (const s of readCfgSettings(text)) settings.set(s.key, s);

  const failAt = (line: number, reason: string): never => {
    throw new XenParseError(PARSER, line, lines[line - 1] ?? '', reason);
  };
  const lastLine = Math.max(1, lines.length - (lines[lines.length - 1] === '' ? 1 : 0));
  const str = (key: string): string | undefined => {
    const s = settings.get(key);
    if (s === undefined) return undefined;
    if (typeof s.value !== 'string') return failAt(s.line, `${key} must be a single value, not a list`);
    return s.value;
  };
  const list = (key: string): { items: readonly string[]; fail: Fail } => {
    const s = settings.get(key);
    if (s === undefined) return { items: [], fail: (r) => failAt(lastLine, r) };
    const value: CfgValue = s.value;
    return { items: typeof value === 'string' ? [value] : value, fail: (r) => failAt(s.line, r) };
  };
  const int = (key: string, fallback?: number): number => {
    const text = str(key);
    if (text === undefined) return fallback ?? failAt(lastLine, `missing setting ${key}`);
    if (!/^\d{1,15}$/.test(text)) return failAt(settings.get(key)?.line ?? lastLine, `${key} must be a non-negative integer`);
    return Number(text);
  };
  const action = (key: string, fallback: DomainAction): DomainAction => {
    const text = str(key) ?? fallback;
    if (!(DOMAIN_ACTIONS as readonly string[]).includes(text)) return failAt(settings.get(key)?.line ?? lastLine, `${key} ${JSON.stringify(text)} is not a known action`);
    return text as DomainAction;
  };

  const name = str('name') ?? failAt(lastLine, 'missing setting name');
  const typeText = str('type') ?? (str('builder') === 'hvm' ? 'hvm' : 'pv');
  if (typeText !== 'pv' && typeText !== 'pvh') failAt(settings.get('type')?.line ?? settings.get('builder')?.line ?? lastLine, `type ${JSON.stringify(typeText)} is not pv or pvh`);
  const memoryMiB = int('memory', 128);
  const vcpus = int('vcpus', 1);

  const bootloader = str('bootloader');
  let boot: DomainSpec['boot'];
  if (bootloader !== undefined) {
    if (!/(^|\/)pygrub$/.test(bootloader)) failAt(settings.get('bootloader')?.line ?? lastLine, `bootloader ${JSON.stringify(bootloader)} is not pygrub`);
    boot = { bootloader: 'pygrub' };
  } else {
    const kernel = str('kernel') ?? failAt(lastLine, 'neither bootloader nor kernel is set');
    const ramdisk = str('ramdisk');
    // Legacy root= and extra= make up the command line when cmdline is absent.
    const root = str('root');
    const extra = str('extra');
    const cmdline = str('cmdline') ?? (root !== undefined || extra !== undefined ? [root && `root=${root}`, extra].filter(Boolean).join(' ') : undefined);
    const kernelBoot: KernelBoot = { kernel, ...(ramdisk !== undefined ? { ramdisk } : {}), ...(cmdline !== undefined ? { cmdline } : {}) };
    boot = kernelBoot;
  }

  const disk = list('disk');
  const vif = list('vif');
  const spec: DomainSpec = {
    name,
    type: typeText as DomainType,
    memoryMiB,
    maxMemoryMiB: int('maxmem', memoryMiB),
    vcpus,
    maxVcpus: int('maxvcpus', vcpus),
    cpuWeight: int('cpu_weight', 256),
    capPercent: int('cap', 0),
    boot,
    disks: disk.items.map((d) => parseDiskSpec(d, disk.fail)),
    vifs: vif.items.map((v) => parseVifSpec(v, vif.fail)),
    onPoweroff: action('on_poweroff', 'destroy'),
    onReboot: action('on_reboot', 'restart'),
    onCrash: action('on_crash', 'destroy'),
  };
  try {
    return validateDomainSpec(spec);
  } catch (error) {
    if (!(error instanceof XenArgumentError)) throw error;
    const key = fieldToKey(error.field);
    return failAt(settings.get(key)?.line ?? lastLine, error.message);
  }
}

function fieldToKey(field: string): string {
  const base = field.replace(/\[.*$/, '');
  const keys: Record<string, string> = {
    name: 'name', type: 'type', memoryMiB: 'memory', maxMemoryMiB: 'maxmem', vcpus: 'vcpus', maxVcpus: 'maxvcpus',
    cpuWeight: 'cpu_weight', capPercent: 'cap', bootloader: 'bootloader', kernel: 'kernel', ramdisk: 'ramdisk', cmdline: 'cmdline',
    disks: 'disk', vifs: 'vif', onPoweroff: 'on_poweroff', onReboot: 'on_reboot', onCrash: 'on_crash',
  };
  return keys[base] ?? base;
}
