import type { ApiHarness } from './api-harness';

let counter = 0;
const next = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

/** A valid host registration with a unique name and SSH endpoint; override any field. */
export function hostBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const id = next();
  return {
    name: `dom0-${id}`,
    sshAddress: `dom0-${id}.example.net`,
    sshPort: 22,
    hostKeyFingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
    cpuThreads: 16,
    totalMemoryMiB: 65536,
    dom0MemoryMiB: 4096,
    volumeGroup: 'vg0',
    volumeGroupSizeGiB: 1800,
    transferAllowanceGB: 20000,
    uplinkMbit: 1000,
    monthlyCostMinor: 4900,
    currency: 'EUR',
    location: 'FSN1',
    ...overrides,
  };
}

/** A unique customer display name (letters, digits, spaces: what the DTO accepts). */
export function customerName(): string {
  return `Customer ${next()}`;
}

/** A unique email address. */
export function email(local = 'user'): string {
  return `${local}-${next()}@example.com`;
}

export interface TestCustomer {
  id: string;
  name: string;
  adminId: string;
  adminToken: string;
  adminTokenId: string;
}

/** A customer with its first admin and an admin token, created through the API. */
export async function createCustomer(api: ApiHarness, name = customerName()): Promise<TestCustomer> {
  const created = await api.request('POST', '/v1/customers', { body: { name, adminName: 'Admin', adminEmail: email('admin') } });
  if (created.status !== 201) throw new Error(`creating customer failed: ${created.status} ${created.text}`);
  const token = await api.request('POST', `/v1/customers/${created.body.id}/tokens`, { body: { name: 'test' } });
  if (token.status !== 201) throw new Error(`issuing token failed: ${token.status} ${token.text}`);
  return { id: created.body.id, name, adminId: created.body.admin.id, adminToken: token.body.token, adminTokenId: token.body.id };
}

export interface TestUser {
  id: string;
  token: string;
  tokenId: string;
}

/** A user of the customer behind `adminToken`, with a token of its own. */
export async function createUser(api: ApiHarness, adminToken: string, role: 'admin' | 'viewer' = 'viewer'): Promise<TestUser> {
  const user = await api.request('POST', '/v1/users', { token: adminToken, body: { name: `${role} user`, email: email(role), role } });
  if (user.status !== 201) throw new Error(`creating user failed: ${user.status} ${user.text}`);
  const token = await api.request('POST', '/v1/tokens', { token: adminToken, body: { name: `${role} token`, userId: user.body.id } });
  if (token.status !== 201) throw new Error(`issuing user token failed: ${token.status} ${token.text}`);
  return { id: user.body.id, token: token.body.token, tokenId: token.body.id };
}

/** A host registered through the API by the operator. */
export async function createHost(api: ApiHarness, overrides: Record<string, unknown> = {}): Promise<{ id: string; name: string; sshAddress: string }> {
  const host = await api.request('POST', '/v1/hosts', { body: hostBody(overrides) });
  if (host.status !== 201) throw new Error(`registering host failed: ${host.status} ${host.text}`);
  return { id: host.body.id, name: host.body.name, sshAddress: host.body.sshAddress };
}
