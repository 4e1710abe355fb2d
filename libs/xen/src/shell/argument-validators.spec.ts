import { describe, expect, it } from '@jest/globals';
import { XenArgumentError } from '../errors/xen-argument.error';
import {
  validateAbsolutePath,
  validateBridgeName,
  validateDomainName,
  validateLvName,
  validateMac,
  validatePositiveInteger,
  validateSizeWithUnit,
  validateVdev,
  validateVgName,
  vdevFromNumber,
  vdevNumber,
} from './argument-validators';

function rejection(fn: () => unknown): XenArgumentError {
  try {
    fn();
  } catch (error) {
    if (error instanceof XenArgumentError) return error;
    throw error;
  }
  throw new Error('expected a XenArgumentError');
}

describe('argument validators', () => {
  it('accepts domain names with dots, dashes and underscores', () => {
    for (const name of ['web1', 'db.example.com', 'a_b-c', 'X', 'a'.repeat(63)]) expect(validateDomainName(name)).toBe(name);
  });

  it('refuses domain names that could be options or shell text', () => {
    for (const name of ['', '-web1', '.hidden', 'a b', 'a;b', 'a'.repeat(64), 'web1\n']) {
      const error = rejection(() => validateDomainName(name, 'name'));
      expect(error.field).toBe('name');
      expect(error.code).toBe('XEN_ARGUMENT_INVALID');
    }
    expect(rejection(() => validateDomainName(42)).reason).toMatch(/string/);
  });

  it('checks LV and VG names against LVM rules', () => {
    expect(validateLvName('web1-root')).toBe('web1-root');
    expect(validateVgName('vg0')).toBe('vg0');
    for (const name of ['-x', '..', '.', 'snapshot1', 'a_tmeta', 'a/b', 'a b', '']) expect(() => validateLvName(name)).toThrow(XenArgumentError);
    expect(() => validateVgName('vg 0')).toThrow(XenArgumentError);
  });

  it('checks sizes', () => {
    expect(validatePositiveInteger(10, 'sizeGiB')).toBe(10);
    for (const v of [0, -1, 1.5, NaN, Infinity, '10']) expect(() => validatePositiveInteger(v, 'sizeGiB')).toThrow(XenArgumentError);
    expect(() => validatePositiveInteger(70000, 'weight', 65535)).toThrow(/at most 65535/);
    expect(validateSizeWithUnit('10G')).toBe('10G');
    for (const v of ['0G', '10', '10GB', '-1G', '1.5G']) expect(() => validateSizeWithUnit(v)).toThrow(XenArgumentError);
  });

  it('checks device letters and maps them to vdev numbers', () => {
    expect(validateVdev('xvdz')).toBe('xvdz');
    for (const v of ['xvd', 'xvdaa', 'sda', 'xvdA']) expect(() => validateVdev(v)).toThrow(XenArgumentError);
    expect(vdevNumber('xvda')).toBe(51712);
    expect(vdevNumber('xvdb')).toBe(51728);
    expect(vdevNumber('xvdc')).toBe(51744);
    expect(vdevFromNumber(51744)).toBe('xvdc');
    expect(vdevFromNumber(51713)).toBeUndefined();
  });

  it('checks MACs, bridges and paths', () => {
    expect(validateMac('00:16:3E:5A:01:02')).toBe('00:16:3e:5a:01:02');
    expect(() => validateMac('00:16:3e:5a:01')).toThrow(XenArgumentError);
    expect(validateBridgeName('xenbr0')).toBe('xenbr0');
    expect(() => validateBridgeName('a-very-long-bridge-name')).toThrow(XenArgumentError);
    expect(() => validateBridgeName('-br')).toThrow(XenArgumentError);
    expect(validateAbsolutePath('/etc/xen/web1.cfg')).toBe('/etc/xen/web1.cfg');
    for (const p of ['etc/xen', '/etc/../root', '/a/..', '/a\nb']) expect(() => validateAbsolutePath(p)).toThrow(XenArgumentError);
  });
});
