import { describe, expect, it } from '@jest/globals';
import type { Actor } from '@carve/tenancy';
import { seenBy } from './audit-actor';
import type { AuditEvent } from './audit-event.entity';

const CUSTOMER = 'c0000000-0000-4000-8000-000000000001';
const OTHER = 'c0000000-0000-4000-8000-000000000002';
const operatorReader: Actor = { userId: 'u-op', tokenId: 't-op-reader', customerId: null, role: 'operator' };
const viewer: Actor = { userId: 'u-viewer', tokenId: 't-viewer', customerId: CUSTOMER, role: 'viewer' };
const tenants = new Map<string, string | null>([
  ['t-op', null],
  ['t-admin', CUSTOMER],
  ['t-other', OTHER],
]);

function event(actorUserId: string | null, actorTokenId: string | null): AuditEvent {
  return { id: 'e1', customerId: CUSTOMER, actorUserId, actorTokenId, action: 'x.y', objectType: 'x', objectId: null, details: {}, requestId: null, createdAt: new Date(0) };
}

describe('seenBy', () => {
  it("hides the operator's user and token from a customer, and names them to the operator", () => {
    expect(seenBy(viewer, event('u-op', 't-op'), tenants)).toMatchObject({ actor: { kind: 'operator' }, actorUserId: null, actorTokenId: null });
    expect(seenBy(viewer, event('u-op', 't-op'), tenants).actor).toEqual({ kind: 'operator' });
    expect(seenBy(operatorReader, event('u-op', 't-op'), tenants)).toMatchObject({ actor: { kind: 'operator', userId: 'u-op', tokenId: 't-op' }, actorUserId: 'u-op' });
  });

  it("names the customer's own users to it", () => {
    expect(seenBy(viewer, event('u-admin', 't-admin'), tenants).actor).toEqual({ kind: 'customer', userId: 'u-admin', tokenId: 't-admin' });
    expect(seenBy(operatorReader, event('u-admin', 't-admin'), tenants).actor).toEqual({ kind: 'customer', userId: 'u-admin', tokenId: 't-admin' });
  });

  it('hides anyone it cannot place as its own: another tenant, an unknown token, a user without a token', () => {
    for (const e of [event('u-other', 't-other'), event('u-gone', 't-gone'), event('u-op', null)]) {
      expect(seenBy(viewer, e, tenants)).toMatchObject({ actor: { kind: 'operator' }, actorUserId: null, actorTokenId: null });
    }
  });

  it("places a user who acted without a token (an SSH key at the console gateway) by the user's tenant", () => {
    const users = new Map<string, string | null>([
      ['u-admin', CUSTOMER],
      ['u-op', null],
      ['u-other', OTHER],
    ]);
    expect(seenBy(viewer, event('u-admin', null), tenants, users).actor).toEqual({ kind: 'customer', userId: 'u-admin' });
    expect(seenBy(operatorReader, event('u-op', null), tenants, users).actor).toEqual({ kind: 'operator', userId: 'u-op' });
    for (const user of ['u-op', 'u-other', 'u-unknown']) {
      expect(seenBy(viewer, event(user, null), tenants, users)).toMatchObject({ actor: { kind: 'operator' }, actorUserId: null, actorTokenId: null });
    }
  });

  it('shows carve itself as carve', () => {
    expect(seenBy(viewer, event(null, null), tenants).actor).toEqual({ kind: 'carve' });
  });
});
