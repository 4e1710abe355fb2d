import type { ApiHarness } from './api-harness';

let counter = 0;
const next = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

/** A valid host registration; override any field. */
export function hostBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const id = next();
  return {
    name: `dom0-${id}`,
    sshAddress: `10.${counter % 250}.0.${(counter * 7) % 250}`.replace(/^10\./, '192.0.'),
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

export interface TestCustomer {
  id: string;
  adminId: string;
  adminToken: string;
}

/** A customer with its first admin and an admin token, created through the API. */
export async function createCustomer(api: ApiHarness, name = `Customer ${next()}`): Promise<TestCustomer> {
  const created = await api.request('POST', '/v1/customers', { body: { name, adminName: 'Admin', adminEmail: `admin-${next()}@example.com` } });
  if (created.status !== 201) throw new Error(`creating customer failed: ${created.status} ${created.text}`);
  const token = await api.request('POST', `/v1/customers/${created.body.id}/tokens`, { body: { name: 'test' } });
  if (token.status !== 201) throw new Error(`issuing token failed: ${token.status} ${token.text}`);
  return { id: created.body.id, adminId: created.body.admin.id, adminToken: token.body.token };
}
