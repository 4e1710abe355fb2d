import type { CarveApi } from './carve-api';
import type { CreatedCustomer, HostView, ImageView, IssuedToken, Page, PoolView } from './api-types';
import type { DemoContext } from './demo-context';
import { textTable } from './text-table';

export interface DemoCustomer {
  id: string;
  name: string;
  /** This customer's admin, talking to the API with its own token. */
  api: CarveApi;
}

export const DEMO_IMAGE = { name: 'debian-12', archivePath: '/var/lib/carve/images/debian-12.tar.gz', description: 'Debian 12 (bookworm), minimal' };

/** Every page of a list: the demo's carve is small, but a reused one grows with each run. */
export async function listAll<T>(api: CarveApi, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page: Page<T> = await api.get<Page<T>>(`${path}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

export async function showHosts(ctx: DemoContext): Promise<HostView[]> {
  const hosts = await listAll<HostView>(ctx.operator, '/v1/hosts');
  const dedicatedTo = new Map<string, string>();
  for (const id of new Set(hosts.flatMap((h) => (h.dedicatedCustomerId ? [h.dedicatedCustomerId] : [])))) {
    dedicatedTo.set(id, (await ctx.operator.get<{ name: string }>(`/v1/customers/${id}`)).name);
  }
  ctx.narrator.detail(
    hosts.length === 0
      ? 'no hosts registered: register a Dom0 at POST /v1/hosts (npm start registers simulated ones)'
      : textTable(
          ['host', 'status', 'dedicated to', 'servers'],
          hosts.map((h) => [h.name, h.status, h.dedicatedCustomerId ? (dedicatedTo.get(h.dedicatedCustomerId) ?? h.dedicatedCustomerId) : '-', String(h.serverCount)]),
          [3],
        ),
  );
  return hosts;
}

/** A customer with its first admin user, and a token for that admin (shown once by the API). */
export async function createCustomer(ctx: DemoContext, displayName: string, adminName: string, emailDomain: string): Promise<DemoCustomer> {
  const name = `${displayName} ${ctx.stamp}`;
  const created = await ctx.operator.post<CreatedCustomer>(
    '/v1/customers',
    { name, adminName, adminEmail: `${adminName.split(' ')[0]!.toLowerCase()}.${ctx.stamp}@${emailDomain}` },
    ctx.key(`customer-${displayName}`),
  );
  const token = await ctx.operator.post<IssuedToken>(`/v1/customers/${created.id}/tokens`, { name: `demo ${ctx.stamp}` }, ctx.key(`token-${displayName}`));
  ctx.narrator.detail(`${name}: customer ${created.id}, admin ${created.admin.email}, token ${token.prefix}...`);
  return { id: created.id, name, api: ctx.operator.as(token.token) };
}

/** The image every order uses: reused when an earlier run (or the operator) made it. */
export async function ensureImage(ctx: DemoContext): Promise<ImageView> {
  const existing = await ctx.operator.get<Page<ImageView>>(`/v1/images?name=${encodeURIComponent(DEMO_IMAGE.name)}`);
  const found = existing.items[0];
  if (found) {
    ctx.narrator.detail(`image ${found.name} exists (${found.archivePath}): reusing it`);
    return found;
  }
  const image = await ctx.operator.post<ImageView>('/v1/images', DEMO_IMAGE, ctx.key('image'));
  ctx.narrator.detail(`image ${image.name} created: ${image.archivePath}`);
  return image;
}

export async function setCeiling(ctx: DemoContext, customer: DemoCustomer, ceiling: { memoryMiB: number; vcpus: number; diskGiB: number; transferGB: number }): Promise<void> {
  await ctx.operator.put(`/v1/customers/${customer.id}/pool-ceiling`, ceiling);
  ctx.narrator.detail(`${customer.name}: up to ${ceiling.memoryMiB} MiB RAM, ${ceiling.vcpus} vCPUs, ${ceiling.diskGiB} GiB disk, ${ceiling.transferGB} GB transfer a month`);
}

/**
 * An active host with no servers, dedicated to nobody and holding no dedicated pool; undefined
 * when every host is in use (a carve the demo already ran against, for instance).
 */
export async function findFreeHost(ctx: DemoContext, hosts: HostView[]): Promise<HostView | undefined> {
  const pooled = new Set((await listAll<PoolView>(ctx.operator, '/v1/pools?kind=dedicated')).map((p) => p.hostId));
  return hosts.find((h) => h.status === 'active' && h.serverCount === 0 && h.dedicatedCustomerId === null && !pooled.has(h.id));
}

export async function dedicateHost(ctx: DemoContext, host: HostView, customer: DemoCustomer): Promise<void> {
  await ctx.operator.patch<HostView>(`/v1/hosts/${host.id}`, { dedicatedCustomerId: customer.id }, ctx.key(`dedicate-${host.id}`));
  ctx.narrator.detail(`host ${host.name} is now dedicated to ${customer.name}; shared pools no longer place servers on it`);
}
