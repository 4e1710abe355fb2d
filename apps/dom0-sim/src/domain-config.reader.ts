/**
 * The simulator's ONE reading of an xl.cfg. libs/xen's parseDomainConfig is the
 * shared reader, but it is not exported from @carve/xen yet; when it is, replace
 * the body of readDomainConfig with a call to it and map its DomainSpec here.
 */
export interface SimDomainConfig {
  name: string;
  type: 'pv' | 'pvh' | 'hvm';
  memoryMiB: number;
  maxMemMiB: number;
  vcpus: number;
  maxVcpus: number;
  cpuWeight: number;
  capPercent: number;
  bootloader?: string;
  kernel?: string;
  disks: { target: string; vdev: string; access: 'r' | 'w' }[];
  vifs: { mac: string; bridge: string; rateMbitPerSec?: number }[];
  onPoweroff: string;
  onReboot: string;
  onCrash: string;
}

export type ConfigRead = { ok: true; config: SimDomainConfig } | { ok: false; line: number; reason: string };

type Value = string | string[];

function readSettings(text: string): Map<string, { value: Value; line: number }> | { line: number; reason: string } {
  const settings = new Map<string, { value: Value; line: number }>();
  // Join continuation lines of lists, then read `key = value` statements.
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const startLine = i + 1;
    let stmt = stripComment(lines[i]).trim();
    if (stmt === '') continue;
    while (stmt.includes('[') && !stmt.includes(']') && i + 1 < lines.length) {
      i += 1;
      stmt += ` ${stripComment(lines[i]).trim()}`;
    }
    for (const part of stmt.split(';').map((s) => s.trim()).filter(Boolean)) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$/.exec(part);
      if (!m) return { line: startLine, reason: `syntax error near \`${part}'` };
      const raw = m[2].trim();
      if (raw.startsWith('[')) {
        if (!raw.endsWith(']')) return { line: startLine, reason: 'unterminated list' };
        const items = [...raw.slice(1, -1).matchAll(/'([^']*)'|"([^"]*)"/g)].map((x) => x[1] ?? x[2]);
        settings.set(m[1], { value: items, line: startLine });
      } else {
        const q = /^'([^']*)'$|^"([^"]*)"$/.exec(raw);
        settings.set(m[1], { value: q ? (q[1] ?? q[2]) : raw, line: startLine });
      }
    }
  }
  return settings;
}

function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

export function parseDiskSpec(text: string): { target: string; vdev: string; access: 'r' | 'w' } | undefined {
  const parts = text.split(',').map((p) => p.trim());
  let target: string | undefined;
  let vdev: string | undefined;
  let access = 'w';
  const positional: string[] = [];
  for (let i = 0; i < parts.length; i += 1) {
    const [key, ...rest] = parts[i].split('=');
    if (rest.length > 0 && key === 'target') {
      target = [rest.join('='), ...parts.slice(i + 1)].join(',');
      break;
    }
    if (rest.length > 0 && key === 'vdev') vdev = rest.join('=');
    else if (rest.length > 0 && key === 'access') access = rest.join('=');
    else if (rest.length === 0 && parts[i] !== '') positional.push(parts[i]);
  }
  if (target === undefined) target = positional.shift();
  if (positional[0] && /^(raw|qcow2?|vhd|qed)$/.test(positional[0])) positional.shift();
  vdev ??= positional.shift();
  access = positional.shift() ?? access;
  if (!target || !vdev) return undefined;
  return { target: target.replace(/^(phy|file|raw):/, ''), vdev, access: access.startsWith('r') && access !== 'rw' ? 'r' : 'w' };
}

function parseRate(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([GMK]?)([Bb])\/s/.exec(text);
  if (!m) return undefined;
  const mult: Record<string, number> = { G: 1e3, M: 1, K: 1e-3, '': 1e-6 };
  return Number(m[1]) * mult[m[2]] * (m[3] === 'B' ? 8 : 1);
}

export function readDomainConfig(text: string): ConfigRead {
  const settings = readSettings(text);
  if (!(settings instanceof Map)) return { ok: false, ...settings };
  const str = (k: string): string | undefined => {
    const v = settings.get(k)?.value;
    return typeof v === 'string' ? v : undefined;
  };
  const list = (k: string): string[] => {
    const v = settings.get(k)?.value;
    return v === undefined ? [] : typeof v === 'string' ? [v] : v;
  };
  const int = (k: string, fallback: number): number => {
    const v = str(k);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : fallback;
  };
  const name = str('name');
  if (!name) return { ok: false, line: 1, reason: 'domain name must be specified' };
  const type = str('type') ?? (str('builder') === 'hvm' ? 'hvm' : 'pv');
  if (type !== 'pv' && type !== 'pvh' && type !== 'hvm') return { ok: false, line: settings.get('type')?.line ?? 1, reason: `Invalid domain type ${type}.` };
  const memoryMiB = int('memory', 128);
  const vcpus = int('vcpus', 1);
  const disks = [];
  for (const d of list('disk')) {
    const spec = parseDiskSpec(d);
    if (!spec) return { ok: false, line: settings.get('disk')?.line ?? 1, reason: `Invalid disk specification: ${d}` };
    disks.push(spec);
  }
  const vifs = list('vif').map((v) => {
    const fields = new Map(v.split(',').map((p) => p.trim().split('=') as [string, string]));
    const rate = fields.get('rate');
    const rateMbitPerSec = rate ? parseRate(rate) : undefined;
    return { mac: (fields.get('mac') ?? '00:16:3e:00:00:00').toLowerCase(), bridge: fields.get('bridge') ?? 'xenbr0', ...(rateMbitPerSec !== undefined ? { rateMbitPerSec } : {}) };
  });
  const bootloader = str('bootloader');
  const kernel = str('kernel');
  return {
    ok: true,
    config: {
      name,
      type,
      memoryMiB,
      maxMemMiB: Math.max(int('maxmem', memoryMiB), memoryMiB),
      vcpus,
      maxVcpus: Math.max(int('maxvcpus', vcpus), vcpus),
      cpuWeight: int('cpu_weight', 256),
      capPercent: int('cap', 0),
      ...(bootloader !== undefined ? { bootloader } : {}),
      ...(kernel !== undefined ? { kernel } : {}),
      disks,
      vifs,
      onPoweroff: str('on_poweroff') ?? 'destroy',
      onReboot: str('on_reboot') ?? 'restart',
      onCrash: str('on_crash') ?? 'destroy',
    },
  };
}
