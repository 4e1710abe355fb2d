import type { Host } from '@carve/inventory';
import type { LvEntry, XlListEntry } from '@carve/xen';

/**
 * What the reconciler needs to see on a Dom0: `xl list` and `lvs` of the host's volume
 * group. The worker implements it over its pooled SSH connections; the library never
 * opens SSH itself. Any rejection counts as "host unreachable" for that pass.
 */
export abstract class HostProbe {
  abstract listDomains(host: Host): Promise<XlListEntry[]>;
  abstract listVolumes(host: Host): Promise<LvEntry[]>;
}
