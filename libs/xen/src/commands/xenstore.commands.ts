// A running vif's rate limit, changed in place through xenstore. libxl writes the vif's
// `rate=` from xl.cfg to the backend node as "BYTES,USECS" (bytes of credit per interval);
// Linux netback reads that node when the vif connects (xen_net_read_rate) and, since it
// registers a watch on it (xen_register_credit_watch), again whenever it changes: writing
// the node changes the rate of a running vif, and removing it lifts the limit.
import { validateNonNegativeInteger, validatePositiveInteger } from '../shell/argument-validators';
import { validateVifRateMbit } from '../domain-config/domain-limits';
import { buildCommand } from './build-command';
import { asVerb, type Dom0Command } from './dom0-command';

/** libxl's default credit interval for a vif `rate=` without `@interval`: 50 ms. */
export const VIF_RATE_INTERVAL_USECS = 50_000;

/** Dom0 is the backend of every vif carve makes. */
const BACKEND_DOMID = 0;
/** A domid is below DOMID_FIRST_RESERVED (0x7FF0). */
const DOMID_MAX = 0x7fef;
/** netback's handle is a vif's index in the domain's list; no domain has thousands. */
const DEVID_MAX = 4095;

/** `/local/domain/0/backend/vif/DOMID/DEVID/rate`, the node netback watches. */
export function vifRateNode(domid: number, devid: number): string {
  const dom = validatePositiveInteger(domid, 'domid', DOMID_MAX);
  const dev = validateNonNegativeInteger(devid, 'devid', DEVID_MAX);
  return `/local/domain/${BACKEND_DOMID}/backend/vif/${dom}/${dev}/rate`;
}

/** What libxl would write for `rate=NMb/s`: whole bytes of credit per 50 ms interval. */
export function vifRateNodeValue(rateMbit: number): string {
  const mbit = validateVifRateMbit(rateMbit, 'rateMbit');
  const bytesPerInterval = Math.round((mbit * 1e6 * VIF_RATE_INTERVAL_USECS) / 8 / 1e6);
  return `${bytesPerInterval},${VIF_RATE_INTERVAL_USECS}`;
}

/** `xenstore-write` of a running vif's rate; netback applies it at once. */
export function xenstoreWriteVifRateCommand(domid: number, devid: number, rateMbit: number): Dom0Command {
  const node = vifRateNode(domid, devid);
  return asVerb(
    'xenstore.vif-rate-write',
    { domid, devid, rateMbit },
    buildCommand(['xenstore-write', node, vifRateNodeValue(rateMbit)], `set the rate of vif ${domid}.${devid} to ${rateMbit} Mbit/s live`),
  );
}

/** `xenstore-rm` of a running vif's rate node: netback reads no rate, so the vif is unlimited. */
export function xenstoreRemoveVifRateCommand(domid: number, devid: number): Dom0Command {
  const node = vifRateNode(domid, devid);
  return asVerb('xenstore.vif-rate-remove', { domid, devid }, buildCommand(['xenstore-rm', node], `lift the rate limit of vif ${domid}.${devid} live`));
}
