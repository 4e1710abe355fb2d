import { describe, expect, it } from '@jest/globals';
import { xlSchedCredit2SetCommand } from '../commands/xl-domain.commands';
import { xlSchedCredit2ListQuery } from '../commands/xl-read.queries';
import { XenArgumentError } from '../errors/xen-argument.error';
import { parseError } from '../parsers/expect-parse-error';
import { parseXlListLong } from '../parsers/xl-list-long.parser';
import { CPU_WEIGHT_DEFAULT, maxCpuCapPercent, validateCpuCapPercent, validateCpuWeight, validateVifRateMbit, vifRateMbitOf } from './domain-limits';
import { DomainSpec } from './domain-spec';
import { parseDomainConfig } from './parse-domain-config';
import { renderDomainConfig } from './render-domain-config';

function argumentError(run: () => unknown): XenArgumentError {
  try {
    run();
  } catch (error) {
    if (error instanceof XenArgumentError) return error;
    throw error;
  }
  throw new Error('expected a XenArgumentError');
}

describe('limit validators', () => {
  it('bounds the cap by the vCPUs: 0 (none) up to 100% of one CPU per vCPU', () => {
    expect(maxCpuCapPercent(4)).toBe(400);
    expect(validateCpuCapPercent(0, 1)).toBe(0);
    expect(validateCpuCapPercent(400, 4)).toBe(400);
    expect(argumentError(() => validateCpuCapPercent(401, 4, 'cpuCapPercent'))).toMatchObject({ field: 'cpuCapPercent', reason: 'must be at most 400' });
    for (const bad of [-1, 1.5, '50', null, Number.NaN]) expect(() => validateCpuCapPercent(bad, 4)).toThrow(XenArgumentError);
  });

  it('takes weights 1..65535 and whole Mbit/s rates 1..100000', () => {
    expect(validateCpuWeight(CPU_WEIGHT_DEFAULT)).toBe(256);
    expect(validateCpuWeight(65535)).toBe(65535);
    for (const bad of [0, 65536, 2.5, '512']) expect(() => validateCpuWeight(bad)).toThrow(XenArgumentError);
    expect(validateVifRateMbit(100)).toBe(100);
    for (const bad of [0, 100_001, 0.5, '100Mb/s']) expect(() => validateVifRateMbit(bad)).toThrow(XenArgumentError);
  });
});

describe('xl sched-credit2', () => {
  it('builds the set command from validated, quoted arguments', () => {
    expect(xlSchedCredit2SetCommand('web1', { weight: 512, capPercent: 150 }).line).toBe('xl sched-credit2 -d web1 -w 512 -c 150');
    expect(xlSchedCredit2SetCommand(7, { weight: 1 }).line).toBe('xl sched-credit2 -d 7 -w 1');
    // Nothing typed reaches the shell: names that are not domain names never get as far as quoting.
    for (const name of ['web1; reboot', '-w', '$(id)', 'a b', '']) {
      expect(argumentError(() => xlSchedCredit2SetCommand(name, { weight: 256 })).field).toBe('domain');
    }
    expect(argumentError(() => xlSchedCredit2SetCommand('web1', { capPercent: -1 })).field).toBe('capPercent');
    expect(argumentError(() => xlSchedCredit2SetCommand('web1', { weight: 0 })).field).toBe('weight');
  });

  it('reads the listing as the simulator and xl print it (%-33s %4s %6s %4s), long names and several pools included', () => {
    const row = (name: string, id: number, weight: number, cap: number) => `${name.padEnd(33)} ${String(id).padStart(4)} ${String(weight).padStart(6)} ${String(cap).padStart(4)}`;
    const header = `${'Name'.padEnd(33)} ${'ID'.padStart(4)} ${'Weight'.padStart(6)} ${'Cap'.padStart(4)}`;
    const long = 'c0ffee-shop-backend-0123456789abcdef-xyz';
    const text = ['Cpupool Pool-0: ratelimit=1000us', header, row('Domain-0', 0, 256, 0), row('web1', 12, 512, 150), 'Cpupool quiet: ratelimit=500us', header, row(long, 1043, 65535, 2400), ''].join('\n');
    expect(xlSchedCredit2ListQuery().parse(text)).toEqual([
      { pool: 'Pool-0', name: 'Domain-0', domid: 0, weight: 256, cap: 0 },
      { pool: 'Pool-0', name: 'web1', domid: 12, weight: 512, cap: 150 },
      { pool: 'quiet', name: long, domid: 1043, weight: 65535, cap: 2400 },
    ]);
  });

  it('refuses a row it cannot read, naming the line, instead of guessing a cap', () => {
    const parse = xlSchedCredit2ListQuery().parse;
    expect(parseError(parse, 'Cpupool Pool-0: ratelimit=1000us\nweb1                                 3    512\n')).toMatchObject({ parser: 'xl sched-credit2', lineNumber: 2 });
    expect(parseError(parse, 'web1 3 512 0\n').reason).toMatch(/before any "Cpupool"/);
  });
});

describe('vif rate', () => {
  const spec: DomainSpec = {
    name: 'web1',
    type: 'pvh',
    memoryMiB: 1024,
    maxMemoryMiB: 1024,
    vcpus: 2,
    maxVcpus: 2,
    cpuWeight: 512,
    capPercent: 150,
    boot: { bootloader: 'pygrub' },
    disks: [{ target: '/dev/vg0/web1-root', vdev: 'xvda', access: 'w' }],
    vifs: [{ mac: '00:16:3e:5a:01:02', bridge: 'xenbr0', rateMbitPerSec: 100 }],
    onPoweroff: 'destroy',
    onReboot: 'restart',
    onCrash: 'restart',
  };

  it('is written into the domain config with cap and weight, and read back', () => {
    const text = renderDomainConfig(spec);
    expect(text).toContain("vif  = [ 'mac=00:16:3e:5a:01:02,bridge=xenbr0,rate=100Mb/s' ]");
    expect(text).toMatch(/^cpu_weight = 512$/m);
    expect(text).toMatch(/^cap {8}= 150$/m);
    expect(parseDomainConfig(text)).toEqual(spec);
    const unlimited = renderDomainConfig({ ...spec, vifs: [{ mac: '00:16:3e:5a:01:02', bridge: 'xenbr0' }] });
    expect(unlimited).not.toContain('rate=');
  });

  it('reads the running limit from xl list -l (bytes per interval) in Mbit/s', () => {
    expect(vifRateMbitOf({ rateBytesPerInterval: 625_000, rateIntervalUsecs: 50_000 })).toBe(100);
    expect(vifRateMbitOf({ rateBytesPerInterval: 12_500, rateIntervalUsecs: 10_000 })).toBe(10);
    expect(vifRateMbitOf({ mac: '00:16:3e:5a:01:02' })).toBeNull();
    const [detail] = parseXlListLong(
      JSON.stringify([{ domid: 4, config: { c_info: { name: 'web1' }, b_info: {}, nics: [{ devid: 0, mac: '00:16:3e:5a:01:02', rate_bytes_per_interval: 62500, rate_interval_usecs: 50000 }] } }]),
    );
    expect(detail!.nics.map(vifRateMbitOf)).toEqual([10]);
  });
});
