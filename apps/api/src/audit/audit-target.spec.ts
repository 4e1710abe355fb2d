import type { Actor } from '@carve/tenancy';
import { auditTarget, AuditedCall } from './audit-target';

const operator: Actor = { userId: 'u-op', tokenId: 't-op', customerId: null, role: 'operator' };
const customer: Actor = { userId: 'u-c', tokenId: 't-c', customerId: 'c-1', role: 'admin' };
const call = (overrides: Partial<AuditedCall>): AuditedCall => ({
  controllerClass: 'HostsController',
  handler: 'register',
  metadata: undefined,
  actor: operator,
  params: {},
  response: undefined,
  ...overrides,
});

describe('auditTarget', () => {
  it('derives action and type from the controller, the object from the response, operator-only without a customer', () => {
    expect(auditTarget(call({ response: { id: 'h-1', name: 'dom0' } }))).toEqual({
      action: 'hosts.register',
      objectType: 'host',
      objectId: 'h-1',
      customerId: null,
      produced: {},
    });
  });

  it('prefers the :id parameter and keeps what the route made', () => {
    const target = auditTarget(call({ controllerClass: 'CustomersController', handler: 'issueToken', params: { id: 'c-9' }, response: { id: 'tok-1', customerId: 'c-9' } }));
    expect(target).toMatchObject({ action: 'customers.issueToken', objectType: 'customer', objectId: 'c-9', customerId: 'c-9', produced: { resultId: 'tok-1' } });
  });

  it('finds the object in `{ server, job }` answers and records the job', () => {
    const response = { server: { id: 's-1', customerId: 'c-2' }, job: { id: 'j-1', customerId: 'c-2' } };
    expect(auditTarget(call({ controllerClass: 'ServersController', handler: 'order', response }))).toMatchObject({
      action: 'servers.order',
      objectType: 'server',
      objectId: 's-1',
      customerId: 'c-2',
      produced: { jobId: 'j-1' },
    });
  });

  it('follows @Audited: action, type and where the id is', () => {
    const metadata = { enabled: true, action: 'pools.resize', objectType: 'pool', objectId: { field: 'pool.id' } };
    expect(auditTarget(call({ metadata, response: { pool: { id: 'p-1' } } }))).toMatchObject({ action: 'pools.resize', objectType: 'pool', objectId: 'p-1' });
    const byParam = { enabled: true, action: 'servers.removeDisk', objectType: 'disk', objectId: { param: 'diskId' } };
    expect(auditTarget(call({ metadata: byParam, params: { id: 's-1', diskId: 'd-1' } }))).toMatchObject({ objectType: 'disk', objectId: 'd-1' });
  });

  it("puts a customer's actions in its own tenant whatever the response says", () => {
    expect(auditTarget(call({ actor: customer, response: { id: 'x', customerId: 'c-other' } })).customerId).toBe('c-1');
  });

  it('names plural controllers in the singular', () => {
    expect(auditTarget(call({ controllerClass: 'PoliciesController', handler: 'create' })).objectType).toBe('policy');
    expect(auditTarget(call({ controllerClass: 'PoolCeilingsController', handler: 'set' })).objectType).toBe('poolCeiling');
  });
});
