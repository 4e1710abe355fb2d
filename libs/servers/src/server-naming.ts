/**
 * Names on the Dom0. Customers pick server names freely within their account, so the
 * domain name adds the server id's first 8 hex digits to stay unique on a shared host;
 * LV names add the disk label. Both stay within xl's and LVM's name rules.
 */
export function domainNameFor(serverName: string, serverId: string): string {
  return `${serverName}-${serverId.replace(/-/g, '').slice(0, 8)}`;
}

export function volumeNameFor(domainName: string, diskLabel: string): string {
  return `${domainName}-${diskLabel}`;
}

/** Xen's virtual device for a disk position: xvda, xvdb, ... */
export function vdevFor(position: number): string {
  if (position < 0 || position > 25) throw new RangeError(`disk position ${position} has no xvd letter`);
  return `xvd${String.fromCharCode(97 + position)}`;
}

/** Memory Xen needs beyond the guest's own for each domain (page tables, shadow), counted against the host. */
export const DOMAIN_OVERHEAD_MIB = 2;
