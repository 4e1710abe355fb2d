import type { Server } from '../server.entity';

/**
 * The guest's host name: the server name made into one RFC 1123 label (lower case,
 * anything else becomes a hyphen), so a name carve accepts never fails the install.
 */
export function hostnameFor(server: Pick<Server, 'name' | 'id'>): string {
  const label = server.name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return label === '' ? `server-${server.id.replace(/-/g, '').slice(0, 8)}` : label;
}
