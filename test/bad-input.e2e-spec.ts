// The list of bad input, each with a test: every one answers a 4xx problem+json
// with a stable code (never a 500) and leaves the database as it was.
import { ApiHarness, startApiHarness, TestResponse } from './support/api-harness';
import { createCustomer, createHost, createUser, customerName, email, hostBody, TestCustomer } from './support/fixtures';
import { expectProblem, expectProblemShape, problemFields, snapshotTables } from './support/problem-assertions';

let api: ApiHarness;
let customer: TestCustomer;
beforeAll(async () => {
  api = await startApiHarness();
  customer = await createCustomer(api);
});
afterAll(() => api.close());

/** Runs a request that must be rejected, and checks that nothing in the database moved. */
async function rejected(method: string, url: string, options: Parameters<ApiHarness['request']>[2] = {}): Promise<TestResponse> {
  const before = await snapshotTables(api.db);
  const res = await api.request(method, url, options);
  expectProblemShape(res);
  expect(await snapshotTables(api.db)).toEqual(before);
  return res;
}

describe('malformed bodies', () => {
  it.each([
    ['truncated', '{"name":'],
    ['single quotes', "{'name': 'x'}"],
    ['trailing comma', '{"name": "x",}'],
    ['not JSON at all', 'name=x'],
    ['prototype pollution', '{"__proto__": {"admin": true}}'],
    ['constructor pollution', '{"constructor": {"prototype": {"admin": true}}}'],
  ])('%s -> 400 malformed_json', async (_, rawBody) => {
    const res = await rejected('POST', '/v1/hosts', { rawBody });
    expectProblem(res, 400, 'malformed_json');
    expect(problemFields(res)).toEqual(['body']);
  });

  it('an empty body declared as JSON -> 400 malformed_json', async () => {
    const res = await rejected('POST', '/v1/customers', { rawBody: '', headers: { 'content-type': 'application/json' } });
    expectProblem(res, 400, 'malformed_json');
  });

  it.each([
    ['an array', '[{"name": "x"}]'],
    ['a string', '"x"'],
    ['a number', '42'],
    ['null', 'null'],
  ])('a JSON body that is %s -> 400 naming body', async (_, rawBody) => {
    const res = await rejected('POST', '/v1/hosts', { rawBody });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toEqual(['body']);
  });

  it('a body that is not JSON -> 415 unsupported_media_type', async () => {
    const res = await rejected('POST', '/v1/customers', { rawBody: '<customer/>', headers: { 'content-type': 'application/xml' } });
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('a string with a NUL character -> 400 naming the field (PostgreSQL cannot store it)', async () => {
    const res = await rejected('POST', '/v1/users', { token: customer.adminToken, body: { name: 'a\u0000b', email: email() } });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toEqual(['name']);
  });
});

describe('mass assignment: unknown or extra fields are refused, naming the field', () => {
  it.each([
    ['its own role', { role: 'operator' }, 'role'],
    ['a tenant', { customerId: '00000000-0000-4000-8000-000000000000' }, 'customerId'],
    ['limits', { limits: { memoryMiB: 1_000_000 } }, 'limits'],
  ])('a customer admin cannot set %s on a new user', async (_, extra, field) => {
    const res = await rejected('POST', '/v1/users', { token: customer.adminToken, body: { name: 'Mallory', email: email('mallory'), ...extra } });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toContain(field);
  });

  it('a customer admin cannot pick the tenant or role of a token', async () => {
    for (const extra of [{ customerId: '00000000-0000-4000-8000-000000000000' }, { role: 'operator' }, { prefix: 'aaaaaaaa' }]) {
      const res = await rejected('POST', '/v1/tokens', { token: customer.adminToken, body: { name: 'x', ...extra } });
      expectProblem(res, 400, 'validation_failed');
      expect(problemFields(res)).toEqual(Object.keys(extra));
    }
  });

  it('the operator cannot set bookkeeping fields on a host, on create or on patch', async () => {
    const host = await createHost(api);
    for (const field of ['serverCount', 'allocatedMemoryMiB', 'allocatedDiskGiB', 'allocatedVcpus', 'version', 'id', 'createdAt']) {
      const value = field === 'id' ? '00000000-0000-4000-8000-000000000000' : field === 'createdAt' ? '2020-01-01T00:00:00Z' : 5;
      const create = await rejected('POST', '/v1/hosts', { body: hostBody({ [field]: value }) });
      expectProblem(create, 400, 'validation_failed');
      expect(problemFields(create)).toEqual([field]);
      const patch = await rejected('PATCH', `/v1/hosts/${host.id}`, { body: { [field]: value } });
      expectProblem(patch, 400, 'validation_failed');
      expect(problemFields(patch)).toEqual([field]);
    }
  });

  it('unknown query parameters are refused too', async () => {
    const res = await rejected('GET', '/v1/users?customerId=00000000-0000-4000-8000-000000000000', { token: customer.adminToken });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toEqual(['query.customerId']);
  });
});

describe('wrong types and impossible values', () => {
  it.each([
    ['cpuThreads', '16'],
    ['cpuThreads', 1.5],
    ['cpuThreads', true],
    ['sshPort', '22'],
    ['name', 42],
    ['location', { city: 'x' }],
    ['status', 'exploded'],
    ['currency', 'EURO'],
    ['vcpuOvercommitRatio', 4],
    ['sshAddress', 'not an address!'],
    ['dedicatedCustomerId', 'not-a-uuid'],
  ])('host %s = %p -> 400 naming it', async (field, value) => {
    const res = await rejected('POST', '/v1/hosts', { body: hostBody({ [field]: value }) });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toEqual([field]);
  });

  it.each([
    ['cpuThreads', -1],
    ['cpuThreads', 0],
    ['cpuThreads', 1e9],
    ['totalMemoryMiB', -65536],
    ['totalMemoryMiB', 1e300],
    ['dom0MemoryMiB', 0],
    ['volumeGroupSizeGiB', -5],
    ['transferAllowanceGB', -1],
    ['uplinkMbit', 0],
    ['monthlyCostMinor', -100],
    ['monthlyCostMinor', Number.MAX_SAFE_INTEGER],
    ['sshPort', 0],
    ['sshPort', 70000],
    ['vcpuOvercommitRatio', '0.5'],
    ['vcpuOvercommitRatio', '65'],
    ['vcpuOvercommitRatio', '1.005'],
  ])('host %s = %p (negative or absurd) -> 400 naming it', async (field, value) => {
    const res = await rejected('POST', '/v1/hosts', { body: hostBody({ [field]: value }) });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toEqual([field]);
  });

  it('a number too large for JSON (1e400 parses as Infinity) -> 400', async () => {
    const raw = JSON.stringify(hostBody()).replace(/"cpuThreads":16/, '"cpuThreads":1e400');
    const res = await rejected('POST', '/v1/hosts', { rawBody: raw });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toEqual(['cpuThreads']);
  });

  it('dom0MemoryMiB equal to or above totalMemoryMiB -> 400 naming dom0MemoryMiB', async () => {
    for (const dom0MemoryMiB of [65536, 70000]) {
      const res = await rejected('POST', '/v1/hosts', { body: hostBody({ totalMemoryMiB: 65536, dom0MemoryMiB }) });
      expectProblem(res, 400, 'validation_failed');
      expect(problemFields(res)).toEqual(['dom0MemoryMiB']);
    }
  });

  it.each([
    ['no prefix', 'nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8'],
    ['lowercase prefix', 'sha256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8'],
    ['MD5', 'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48'],
    ['42 characters', 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY'],
    ['44 characters', 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8A'],
    ['base64 padding', 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY='],
    ['base64url alphabet', 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5S-_'],
    ['trailing space', 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8 '],
  ])('a host key fingerprint with %s -> 400', async (_, hostKeyFingerprint) => {
    const res = await rejected('POST', '/v1/hosts', { body: hostBody({ hostKeyFingerprint }) });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toEqual(['hostKeyFingerprint']);
  });

  it('a patch with a bad fingerprint changes nothing', async () => {
    const host = await createHost(api);
    const res = await rejected('PATCH', `/v1/hosts/${host.id}`, { body: { hostKeyFingerprint: 'SHA256:short', status: 'retired' } });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toEqual(['hostKeyFingerprint']);
  });

  it('every failing field is reported at once', async () => {
    const res = await rejected('POST', '/v1/hosts', { body: hostBody({ cpuThreads: -1, currency: 'x', name: 'UPPER' }) });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res).sort()).toEqual(['cpuThreads', 'currency', 'name']);
  });
});

describe('duplicates -> 409', () => {
  it('a host name already taken', async () => {
    const host = await createHost(api);
    const res = await rejected('POST', '/v1/hosts', { body: hostBody({ name: host.name }) });
    expectProblem(res, 409, 'duplicate_host_name');
    expect(problemFields(res)).toEqual(['name']);
    const other = await createHost(api);
    expectProblem(await rejected('PATCH', `/v1/hosts/${other.id}`, { body: { name: host.name } }), 409, 'duplicate_host_name');
  });

  it('an SSH address and port already taken (address compared without case); another port is fine', async () => {
    const host = await createHost(api, { sshPort: 2222 });
    const res = await rejected('POST', '/v1/hosts', { body: hostBody({ sshAddress: host.sshAddress.toUpperCase(), sshPort: 2222 }) });
    expectProblem(res, 409, 'duplicate_host_address');
    expect(problemFields(res)).toEqual(['sshAddress']);
    expect((await api.request('POST', '/v1/hosts', { body: hostBody({ sshAddress: host.sshAddress, sshPort: 2223 }) })).status).toBe(201);
  });

  it('a customer name already taken, in any case', async () => {
    const name = customerName();
    expect((await api.request('POST', '/v1/customers', { body: { name, adminName: 'A', adminEmail: email() } })).status).toBe(201);
    for (const variant of [name, name.toUpperCase(), name.toLowerCase()]) {
      const res = await rejected('POST', '/v1/customers', { body: { name: variant, adminName: 'B', adminEmail: email() } });
      expectProblem(res, 409, 'duplicate_customer_name');
    }
  });
});

describe('tokens -> 401', () => {
  it.each([
    ['no Authorization header', {}],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['Bearer without a token', { authorization: 'Bearer ' }],
    ['a token of the wrong form', { authorization: 'Bearer abc123' }],
    ['a well-formed token nobody issued', { authorization: 'Bearer carve_abcdefgh_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345' }],
    ['two tokens', { authorization: 'Bearer carve_abcdefgh_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 carve_abcdefgh_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345' }],
  ])('%s', async (_, headers: Record<string, string>) => {
    const res = await rejected('POST', '/v1/users', { token: null, headers, body: { name: 'x', email: email() } });
    expectProblem(res, 401, 'unauthenticated');
  });

  it('a revoked token', async () => {
    const user = await createUser(api, customer.adminToken, 'admin');
    await api.request('DELETE', `/v1/tokens/${user.tokenId}`, { token: customer.adminToken });
    expectProblem(await rejected('POST', '/v1/users', { token: user.token, body: { name: 'x', email: email() } }), 401, 'unauthenticated');
  });

  it('an expired token', async () => {
    const user = await createUser(api, customer.adminToken, 'admin');
    await api.db.query(`UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE id = $1`, [user.tokenId]);
    expectProblem(await rejected('POST', '/v1/users', { token: user.token, body: { name: 'x', email: email() } }), 401, 'unauthenticated');
  });

  it("a deleted user's token", async () => {
    const user = await createUser(api, customer.adminToken, 'admin');
    await api.request('DELETE', `/v1/users/${user.id}`, { token: customer.adminToken });
    expectProblem(await rejected('GET', '/v1/tokens', { token: user.token }), 401, 'unauthenticated');
  });

  it('the token is checked before the body: a bad body with no token is 401, not 400', async () => {
    expectProblem(await rejected('POST', '/v1/hosts', { token: null, body: { nonsense: true } }), 401, 'unauthenticated');
  });
});

describe('access across roles and tenants', () => {
  it('a customer token on operator routes -> 403, even with a valid body', async () => {
    const host = await createHost(api);
    const calls: [string, string, unknown?][] = [
      ['POST', '/v1/hosts', hostBody()],
      ['GET', '/v1/hosts'],
      ['GET', `/v1/hosts/${host.id}`],
      ['PATCH', `/v1/hosts/${host.id}`, { status: 'retired' }],
      ['DELETE', `/v1/hosts/${host.id}`],
      ['POST', '/v1/customers', { name: customerName(), adminName: 'A', adminEmail: email() }],
      ['PATCH', `/v1/customers/${customer.id}`, { status: 'active' }],
      ['POST', `/v1/customers/${customer.id}/tokens`, { name: 'mine' }],
    ];
    for (const [method, url, body] of calls) {
      expectProblem(await rejected(method, url, { token: customer.adminToken, body }), 403, 'forbidden');
    }
  });

  it("another tenant's ids -> 404, and its objects stay as they were", async () => {
    const other = await createCustomer(api);
    const otherUser = await createUser(api, other.adminToken, 'viewer');
    expectProblem(await rejected('GET', `/v1/users/${other.adminId}`, { token: customer.adminToken }), 404, 'not_found');
    expectProblem(await rejected('DELETE', `/v1/users/${otherUser.id}`, { token: customer.adminToken }), 404, 'not_found');
    expectProblem(await rejected('DELETE', `/v1/tokens/${other.adminTokenId}`, { token: customer.adminToken }), 404, 'not_found');
    expectProblem(await rejected('POST', '/v1/tokens', { token: customer.adminToken, body: { name: 'x', userId: otherUser.id } }), 404, 'not_found');
  });

  it('non-UUID path ids -> 400 naming path.id', async () => {
    for (const [method, url, token] of [
      ['GET', '/v1/hosts/42', api.operatorToken],
      ['GET', '/v1/hosts/not-a-uuid/capacity', api.operatorToken],
      ['DELETE', "/v1/hosts/1'%20OR%20'1'='1", api.operatorToken],
      ['GET', '/v1/customers/abc', api.operatorToken],
      ['GET', '/v1/users/abc', customer.adminToken],
      ['DELETE', '/v1/tokens/abc', customer.adminToken],
    ] as const) {
      const res = await rejected(method, url, { token });
      expectProblem(res, 400, 'validation_failed');
      expect(problemFields(res)).toEqual(['path.id']);
    }
  });

  it('an unknown route -> 404 route_not_found as problem+json', async () => {
    expectProblem(await rejected('GET', '/v1/nothing-here'), 404, 'route_not_found');
    expectProblem(await rejected('PUT', '/v1/hosts'), 404, 'route_not_found');
  });

  it('a malformed URL or an absurdly long id is refused, never a 500', async () => {
    // fastify's router refuses these before any Nest hook; frameworkErrors makes them problem+json.
    for (const [url, status, code] of [
      ['/v1/hosts/%zz', 400, 'bad_url'],
      [`/v1/hosts/${'a'.repeat(5000)}`, 414, 'uri_too_long'],
    ] as const) {
      expectProblem(await api.request('GET', url), status, code);
    }
  });

  it('a crafted list cursor -> 400 naming query.cursor, never a 500', async () => {
    for (const raw of ['2020-01-01T00:00:00.000Z|------------------------------------', `-271821-04-20T00:00:00.000Z|${'6f1c1a52-8c3e-4c43-9a57-0d7e6b0a1f00'}`, 'garbage']) {
      const res = await api.request('GET', `/v1/customers?cursor=${Buffer.from(raw).toString('base64url')}`);
      expectProblem(res, 400, 'validation_failed');
      expect(problemFields(res)).toEqual(['query.cursor']);
    }
  });

  it('a form-encoded body -> 415 unsupported_media_type', async () => {
    const res = await api.request('POST', '/v1/customers', { rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectProblem(res, 415, 'unsupported_media_type');
  });
});

describe('limits', () => {
  it('a body over the size limit -> 413 payload_too_large, nothing stored', async () => {
    const small = await startApiHarness({ BODY_LIMIT_BYTES: '1024' });
    try {
      const before = await snapshotTables(small.db);
      const res = await small.request('POST', '/v1/customers', { body: { name: 'Big', adminName: 'x'.repeat(2000), adminEmail: email() } });
      expectProblem(res, 413, 'payload_too_large');
      expect(await snapshotTables(small.db)).toEqual(before);
      // Just under the limit is parsed and validated as usual.
      const ok = await small.request('POST', '/v1/customers', { body: { name: customerName(), adminName: 'x'.repeat(100), adminEmail: email() } });
      expect(ok.status).toBe(201);
    } finally {
      await small.close();
    }
  });

  it('more requests than the rate limit -> 429 with Retry-After, per token', async () => {
    const limited = await startApiHarness({ RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const target = await createCustomer(limited);
      // The window is a fixed minute; if it rolls over mid-test, at most 5 + 6 requests reach the 429.
      let res: TestResponse | undefined;
      for (let i = 0; i < 11; i++) {
        res = await limited.request('GET', '/v1/users', { token: target.adminToken });
        if (res.status === 429) break;
        expect(res.status).toBe(200);
      }
      expectProblem(res!, 429, 'rate_limited');
      const retryAfter = Number(res!.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // Another token has its own budget, and /health is never limited.
      expect((await limited.request('POST', `/v1/customers/${target.id}/tokens`, { body: { name: 'second' } })).status).toBe(201);
      for (let i = 0; i < 7; i++) expect((await limited.request('GET', '/health', { token: null })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it.each([
    ['without a token', (_: number) => null],
    ['guessing a new token each time', (i: number) => `carve_guess${String(i).padStart(3, '0')}_${'A'.repeat(32)}`],
  ])('callers %s are limited by address, so tokens cannot be guessed quickly', async (_, tokenFor) => {
    const limited = await startApiHarness({ RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 11 && !statuses.includes(429); i++) {
        const res = await limited.request('GET', '/v1/hosts', { token: tokenFor(i) });
        expectProblemShape(res);
        statuses.push(res.status);
      }
      expect(statuses).toContain(429);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    } finally {
      await limited.close();
    }
  });
});
