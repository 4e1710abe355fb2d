import type { DiskState, ServerState } from '@carve/servers';

/** carve's view of one host, as the drift detector compares it with `xl list` and `lvs`. */
export interface HostServerView {
  id: string;
  customerId: string;
  domainName: string;
  state: ServerState;
  /**
   * An unfinished job, or one that finished after the host was looked at: its domain and
   * volumes may be half built or half removed, so they are neither unknown nor orphans.
   */
  inFlux: boolean;
  /** Deleted within the grace window: what the delete removed may still show in a listing taken moments earlier. */
  recentlyDeleted: boolean;
  disks: { id: string; volumeName: string; state: DiskState }[];
}
