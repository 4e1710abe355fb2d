import { startApiHarness } from './support/api-harness';
import { hostBody, createCustomer } from './support/fixtures';

it('probe', async () => {
  const api = await startApiHarness({ BODY_LIMIT_BYTES: '2048' });
  try {
    const show = (label: string, r: { status: number; headers: Record<string, unknown>; text: string }) => console.log(label, r.status, r.headers['content-type'], r.text.slice(0, 300));
    show('badjson', await api.request('POST', '/v1/hosts', { rawBody: '{"name":' }));
    show('emptyjson', await api.request('POST', '/v1/hosts', { rawBody: '' , headers: {'content-type': 'application/json'}}));
    show('array', await api.request('POST', '/v1/hosts', { body: [1] }));
    show('string', await api.request('POST', '/v1/hosts', { rawBody: '"x"' }));
    show('null', await api.request('POST', '/v1/hosts', { rawBody: 'null' }));
    show('415', await api.request('POST', '/v1/hosts', { rawBody: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    show('textplain', await api.request('POST', '/v1/hosts', { rawBody: 'hello', headers: { 'content-type': 'text/plain' } }));
    show('413', await api.request('POST', '/v1/hosts', { body: { name: 'x'.repeat(5000) } }));
    show('404route', await api.request('GET', '/v1/nope'));
    show('405', await api.request('PUT', '/v1/hosts'));
    show('limit101', await api.request('GET', '/v1/hosts?limit=101'));
    show('limitabc', await api.request('GET', '/v1/hosts?limit=abc'));
    show('limitarr', await api.request('GET', '/v1/hosts?limit=1&limit=2'));
    show('badcursor', await api.request('GET', '/v1/hosts?cursor=zzz'));
    show('cursor-nonuuid', await api.request('GET', '/v1/hosts?cursor=' + Buffer.from('2020-01-01T00:00:00Z|' + 'g'.repeat(36)).toString('base64url')));
    show('extraquery', await api.request('GET', '/v1/hosts?foo=1'));
    show('nonuuid', await api.request('GET', '/v1/hosts/abc'));
    show('huge', await api.request('POST', '/v1/hosts', { body: hostBody({ cpuThreads: 1e300 }) }));
    show('float', await api.request('POST', '/v1/hosts', { body: hostBody({ cpuThreads: 1.5 }) }));
    show('dom0>=', await api.request('POST', '/v1/hosts', { body: hostBody({ dom0MemoryMiB: 65536 }) }));
    show('dedic-bad', await api.request('POST', '/v1/hosts', { body: hostBody({ dedicatedCustomerId: '00000000-0000-4000-8000-000000000000' }) }));
    show('serverCount', await api.request('POST', '/v1/hosts', { body: hostBody({ serverCount: 3 }) }));
    show('proto', await api.request('POST', '/v1/hosts', { rawBody: '{"__proto__": {"x": 1}}' }));
    show('ok', await api.request('POST', '/v1/hosts', { body: hostBody() }));
    const h = await api.request('POST', '/v1/hosts', { body: hostBody() });
    show('patch-null', await api.request('PATCH', `/v1/hosts/${h.body.id}`, { body: { name: null } }));
    show('patch-empty', await api.request('PATCH', `/v1/hosts/${h.body.id}`, { body: {} }));
    show('patch-dom0', await api.request('PATCH', `/v1/hosts/${h.body.id}`, { body: { totalMemoryMiB: 4096 } }));
    show('delete-nobody', await api.request('DELETE', `/v1/hosts/${h.body.id}`, { headers: { 'content-type': 'application/json' } }));
    const c = await createCustomer(api);
    show('cust-dupe', await api.request('POST', '/v1/customers', { body: { name: 'ACME x', adminName: 'a', adminEmail: 'a@b.co' } }));
    show('cust-dupe2', await api.request('POST', '/v1/customers', { body: { name: 'acme X', adminName: 'a', adminEmail: 'a@b.co' } }));
    show('tok-past', await api.request('POST', '/v1/tokens', { token: c.adminToken, body: { name: 'x', expiresAt: '2001-01-01T00:00:00Z' } }));
    show('tok-baddate', await api.request('POST', '/v1/tokens', { token: c.adminToken, body: { name: 'x', expiresAt: 'yesterday' } }));
    show('tok-numdate', await api.request('POST', '/v1/tokens', { token: c.adminToken, body: { name: 'x', expiresAt: 12345 } }));
    show('tok-user-other', await api.request('POST', '/v1/tokens', { token: c.adminToken, body: { name: 'x', userId: '00000000-0000-4000-8000-000000000000' } }));
    show('user-role-op', await api.request('POST', '/v1/users', { token: c.adminToken, body: { name: 'x', email: 'x@y.co', role: 'operator' } }));
    show('user-custid', await api.request('POST', '/v1/users', { token: c.adminToken, body: { name: 'x', email: 'x@y.co', customerId: c.id } }));
    show('op-tokens', await api.request('GET', '/v1/tokens'));
    show('op-users', await api.request('GET', '/v1/users'));
    show('op-token-create', await api.request('POST', '/v1/tokens', { body: { name: 'x' } }));
    show('delete-op-self', await api.request('GET', '/v1/users'));
    show('no-bearer', await api.request('GET', '/v1/hosts', { token: null, headers: { authorization: 'Basic abc' } }));
    show('cust-patch-bad', await api.request('PATCH', `/v1/customers/${c.id}`, { body: { name: '' } }));
    show('health-post', await api.request('POST', '/health'));
    show('long-url', await api.request('GET', '/v1/hosts/' + 'a'.repeat(10000)));
    show('query-name-arr', await api.request('GET', '/v1/customers?name=a&name=b'));
    show('status-arr', await api.request('GET', '/v1/hosts?status=active&status=draining'));
    show('exp-huge', await api.request('POST', '/v1/tokens', { token: c.adminToken, body: { name: 'x', expiresAt: '+275760-09-13T00:00:00.000Z' } }));
    show('exp-huge2', await api.request('POST', '/v1/tokens', { token: c.adminToken, body: { name: 'x', expiresAt: '9999-12-31T23:59:59Z' } }));
    show('exp-true', await api.request('POST', '/v1/tokens', { token: c.adminToken, body: { name: 'x', expiresAt: true } }));
    show('name-nul', await api.request('POST', '/v1/users', { token: c.adminToken, body: { name: 'a\u0000b', email: 'z@y.co' } }));
    show('cust-nul', await api.request('PATCH', `/v1/hosts/${h.body.id}`, { body: { location: 'a\u0000b' } }));
  } finally {
    await api.close();
  }
});
it('probe2', async () => {
  const api = await startApiHarness({ BODY_LIMIT_BYTES: '2048' });
  try {
    const show = (label: string, r: { status: number; headers: Record<string, unknown>; text: string }) => console.log(label, r.status, r.headers['content-type'], r.text.slice(0, 400));
    show('badjson', await api.request('POST', '/v1/hosts', { rawBody: '{"name":' }));
    show('proto', await api.request('POST', '/v1/hosts', { rawBody: '{"__proto__": {"x": 1}}' }));
    show('xml', await api.request('POST', '/v1/hosts', { rawBody: '<a/>', headers: { 'content-type': 'application/xml' } }));
    show('nul', await api.request('POST', '/v1/users', { body: { name: 'a\u0000b', email: 'z@y.co' } }));
    show('nulq', await api.request('GET', '/v1/customers?name=a%00b'));
    show('badurl', await api.request('GET', '/v1/hosts/%zz'));
    show('413', await api.request('POST', '/v1/hosts', { body: { name: 'x'.repeat(5000) } }));
  } finally {
    await api.close();
  }
});
