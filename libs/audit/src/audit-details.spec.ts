import { auditDetails } from './audit-details';

describe('auditDetails', () => {
  it('drops secrets by name at any depth, keeps the rest', () => {
    const details = auditDetails({ name: 'ci', token: 'carve_abcdefgh_x', nested: { password: 'p', apiToken: 't', keep: 1 }, sshPublicKey: 'ssh-ed25519 AAAA' });
    expect(details).toEqual({ name: 'ci', nested: { keep: 1 }, sshPublicKey: 'ssh-ed25519 AAAA' });
  });

  it('trims long strings and wide arrays, cuts deep structures', () => {
    const long = 'x'.repeat(1000);
    const details = auditDetails({ key: long, list: Array.from({ length: 25 }, (_, i) => i), a: { b: { c: { d: { e: 1 } } } } });
    expect(details.key).toBe(`${'x'.repeat(200)}… (1000 chars)`);
    expect(details.list).toEqual([...Array.from({ length: 20 }, (_, i) => i), '… 5 more']);
    expect(details.a).toEqual({ b: { c: { d: '…' } } });
  });

  it('answers an empty object for bodies that are not objects', () => {
    expect(auditDetails(undefined)).toEqual({});
    expect(auditDetails('text')).toEqual({});
    expect(auditDetails([1, 2])).toEqual({});
  });
});
