import { DeviceCounters, parseDeviceCounters } from '../parsers/device-counters.parser';
import { validateNonNegativeInteger, validateVdev, Vdev, vdevNumber } from '../shell/argument-validators';
import { XenArgumentError } from '../errors/xen-argument.error';
import { buildCommand } from './build-command';
import { Dom0Query, queryAsVerb } from './dom0-command';

export interface VbdRef {
  readonly domid: number;
  readonly vdev: Vdev;
}

export interface VifRef {
  readonly domid: number;
  readonly devid: number;
}

/**
 * All VBD and vif counters of the given devices in one round trip: `grep -r .`
 * prints each statistics file as `path:value`. A device that vanished (domain
 * gone) makes grep print an error on stderr and exit 2; the lines of the
 * others are still on stdout and parse.
 */
export function deviceCountersQuery(vbds: readonly VbdRef[], vifs: readonly VifRef[]): Dom0Query<DeviceCounters> {
  if (vbds.length + vifs.length === 0) throw new XenArgumentError('devices', 'name at least one vbd or vif');
  const dirs = [
    ...vbds.map((v, i) => {
      const domid = validateNonNegativeInteger(v.domid, `vbds[${i}].domid`);
      return `/sys/bus/xen-backend/devices/vbd-${domid}-${vdevNumber(validateVdev(v.vdev, `vbds[${i}].vdev`))}/statistics`;
    }),
    ...vifs.map((v, i) => `/sys/class/net/vif${validateNonNegativeInteger(v.domid, `vifs[${i}].domid`)}.${validateNonNegativeInteger(v.devid, `vifs[${i}].devid`)}/statistics`),
  ];
  return queryAsVerb('device-counters.read', { vbds: vbds.map((v) => ({ ...v })), vifs: vifs.map((v) => ({ ...v })) }, { command: buildCommand(['grep', '-r', '.', ...dirs], 'read VBD and vif counters'), parse: parseDeviceCounters });
}
