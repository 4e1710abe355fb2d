import type { LvEntry, XlListEntry } from '@carve/xen';
import type { DriftObservation } from './drift-observation';
import type { HostServerView } from './host-view';

export interface HostListing {
  domains: XlListEntry[];
  volumes: LvEntry[];
}

/** States whose domain and volumes are being built or removed right now. */
const TRANSITIONAL = new Set(['pending', 'provisioning', 'deleting', 'entering_rescue', 'leaving_rescue']);
/** States whose domain should be up: the server's own system, or the rescue system under the same name. */
const SHOULD_RUN = new Set(['running', 'rescue']);
/** States that own nothing on the host: a failed create has been undone, a deleted server is gone. */
const OWNS_NOTHING = new Set(['failed', 'deleted']);
const DEAD_DOMAIN = new Set(['shutdown', 'crashed']);

/** Servers whose half-built or half-removed leftovers must not be reported. */
function guarded(server: HostServerView): boolean {
  return server.inFlux || server.recentlyDeleted || TRANSITIONAL.has(server.state);
}

/**
 * Compares one host's `xl list` and `lvs` with carve's servers on it. Pure: the caller
 * reads both sides (the host first, then the database, so anything a job finished in
 * between shows as in flux rather than as drift).
 */
export function detectHostDrift(hostId: string, listing: HostListing, servers: HostServerView[]): DriftObservation[] {
  const knownDomains = new Set<string>();
  const ownedVolumes = new Set<string>();
  for (const server of servers) {
    const isGuarded = guarded(server);
    if (isGuarded || !OWNS_NOTHING.has(server.state)) knownDomains.add(server.domainName);
    for (const disk of server.disks) {
      if (isGuarded || (!OWNS_NOTHING.has(server.state) && disk.state !== 'removed')) ownedVolumes.add(disk.volumeName);
    }
  }

  const found: DriftObservation[] = [];
  for (const domain of listing.domains) {
    if (domain.domid === 0 || domain.name === 'Domain-0' || knownDomains.has(domain.name)) continue;
    found.push({
      hostId,
      kind: 'unknown_domain',
      subject: domain.name,
      details: { domid: domain.domid, state: domain.state.summary, memoryMiB: domain.memoryMiB, vcpus: domain.vcpus },
    });
  }

  const domainsByName = new Map(listing.domains.map((d) => [d.name, d]));
  for (const server of servers) {
    if (!SHOULD_RUN.has(server.state) || guarded(server)) continue;
    const domain = domainsByName.get(server.domainName);
    if (domain && !DEAD_DOMAIN.has(domain.state.summary)) continue;
    found.push({
      hostId,
      kind: 'server_not_running',
      subject: server.id,
      details: { serverId: server.id, customerId: server.customerId, domainName: server.domainName, observed: domain ? domain.state.summary : 'absent' },
    });
  }

  for (const volume of listing.volumes) {
    if (ownedVolumes.has(volume.name)) continue;
    found.push({ hostId, kind: 'orphan_volume', subject: volume.name, details: { sizeBytes: volume.sizeBytes } });
  }
  return found;
}
