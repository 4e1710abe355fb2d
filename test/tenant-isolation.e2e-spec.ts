// THE route walker: every route the app registers, called across tenants and roles.
// Routes added later are covered without editing this file, except for one thing: when a
// route's path names a kind of object this file cannot create yet, it fails and asks for
// a factory in OBJECT_FACTORIES below.
import { randomUUID } from 'node:crypto';
import { Clock } from '@carve/core';
import { utils } from 'ssh2';
import { ApiHarness, startApiHarness, TestResponse } from './support/api-harness';
import { createCustomer, createHost, createUser, TestCustomer } from './support/fixtures';
import { expectProblem, snapshotTables } from './support/problem-assertions';

interface WalkContext {
  api: ApiHarness;
  /** The customer who owns the object to create. */
  owner: TestCustomer;
}

/**
 * How to create one object of each kind for a customer, keyed by the path segment that
 * names the kind (`/v1/<kind>/:id`). Returns the object's id. Operator-owned kinds (hosts)
 * are tied to the customer where they can be (a dedicated host). Add a line here when a
 * route under a new kind appears.
 */
const OBJECT_FACTORIES: Record<string, (ctx: WalkContext) => Promise<string>> = {
  customers: async ({ owner }) => owner.id,
  users: async ({ api, owner }) => (await createUser(api, owner.adminToken, 'viewer')).id,
  tokens: async ({ api, owner }) => (await createUser(api, owner.adminToken, 'admin')).tokenId,
  hosts: async ({ api, owner }) => (await createHost(api, { dedicatedCustomerId: owner.id })).id,
  pools: async (ctx) => (await serverOf(ctx)).poolId,
  servers: async (ctx) => (await serverOf(ctx)).id,
  disks: async (ctx) => (await serverOf(ctx)).diskId,
  jobs: async (ctx) => (await serverOf(ctx)).jobId,
  images: async ({ api }) => (await ok(api.request('POST', '/v1/images', { body: { name: `walker-${randomUUID().slice(0, 8)}`, archivePath: '/var/lib/carve/images/debian-12.tar.gz' } }))).id,
  invoices: async (ctx) => (await invoiceOf(ctx)).id,
  'credit-notes': async ({ api, owner }) =>
    (await ok(api.request('POST', `/v1/invoices/${(await invoiceOf({ api, owner })).id}/credit-notes`, { body: { reason: 'walker', lines: [{ invoiceLine: 1, amount: '0.01' }] } }))).id,
  'price-book': async ({ api }) => (await ok(api.request('POST', '/v1/price-book', { body: { ...(exampleOf({ $ref: '#/components/schemas/CreatePriceVersionDto' }) as object), effectiveFrom: new Date(Date.UTC(2040, 0, 1) + parseInt(randomUUID().slice(0, 8), 16) * 1000).toISOString() } }))).id,
  webhooks: async ({ api }) => (await ok(api.request('POST', '/v1/webhooks', { body: { url: 'https://203.0.113.10/walker', events: ['*'] } }))).id,
  'ssh-keys': async ({ api, owner }) =>
    (await ok(api.request('POST', `/v1/users/${owner.adminId}/ssh-keys`, { token: owner.adminToken, body: { name: 'walker', publicKey: utils.generateKeyPairSync('ed25519').public } }))).id,
};

/**
 * Kinds that are one catalog shared by every tenant (the operator's OS images): every
 * customer may read them, so another tenant's id is not a secret there.
 */
const SHARED_KINDS = new Set(['images']);

async function ok(pending: Promise<TestResponse>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON
  const res = await pending;
  if (res.status >= 300) throw new Error(`walker setup failed: ${res.status} ${res.text}`);
  return res.body;
}

const servers = new Map<string, Promise<{ id: string; poolId: string; diskId: string; jobId: string }>>();

/** One ordered server per customer (with its pool, a disk and its create job); no worker runs, so it stays pending. */
function serverOf({ api, owner }: WalkContext) {
  const existing = servers.get(owner.id);
  if (existing) return existing;
  const made = (async () => {
    await createHost(api);
    const image = await ok(api.request('POST', '/v1/images', { body: { name: `walker-${randomUUID().slice(0, 8)}`, archivePath: '/var/lib/carve/images/debian-12.tar.gz' } }));
    await ok(api.request('PUT', `/v1/customers/${owner.id}/pool-ceiling`, { body: { memoryMiB: 8192, vcpus: 8, diskGiB: 200, transferGB: 100 } }));
    const pool = await ok(api.request('POST', '/v1/pools', { token: owner.adminToken, body: { name: 'walker', kind: 'shared', memoryMiB: 4096, vcpus: 4, diskGiB: 100, transferGB: 100 } }));
    const order = await ok(
      api.request('POST', '/v1/servers', {
        token: owner.adminToken,
        body: {
          name: 'walker',
          poolId: pool.id,
          imageId: image.id,
          memoryMiB: 512,
          vcpus: 1,
          sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl walker'],
          disks: [
            { label: 'root', sizeGiB: 5, filesystem: 'ext4', role: 'root' },
            { label: 'data', sizeGiB: 5, filesystem: 'xfs', role: 'data' },
          ],
        },
      }),
    );
    return { id: order.server.id, poolId: pool.id, diskId: order.server.disks[1].id, jobId: order.job.id };
  })();
  servers.set(owner.id, made);
  return made;
}

let pricedFrom: Promise<unknown> | undefined;
let billedMonths = 0;
const invoices = new Map<string, Promise<{ id: string }>>();

/**
 * One final invoice per customer, issued by the real invoice run: a small pool of the
 * customer's that existed for one whole past month of its own (carve's clock set back while
 * it is created and deleted), under a price version in force since before the first such month.
 */
function invoiceOf({ api, owner }: WalkContext) {
  const existing = invoices.get(owner.id);
  if (existing) return existing;
  const made = (async () => {
    await serverOf({ api, owner }); // its pool ceiling first, then room for one more pool
    await ok(api.request('PUT', `/v1/customers/${owner.id}/pool-ceiling`, { body: { memoryMiB: 16384, vcpus: 16, diskGiB: 400, transferGB: 200 } }));
    pricedFrom ??= ok(api.request('POST', '/v1/price-book', { body: { ...(exampleOf({ $ref: '#/components/schemas/CreatePriceVersionDto' }) as object), currency: 'EUR', effectiveFrom: '2019-12-01T00:00:00.000Z' } }));
    await pricedFrom;
    const month = ++billedMonths;
    const start = new Date(Date.UTC(2020, month - 1, 1));
    const end = new Date(Date.UTC(2020, month, 1));
    const period = start.toISOString().slice(0, 7);
    const clock = jest.spyOn(api.app.get(Clock), 'now');
    try {
      clock.mockReturnValue(start);
      const pool = await ok(api.request('POST', '/v1/pools', { token: owner.adminToken, body: { name: `billed-${month}`, kind: 'shared', memoryMiB: 1024, vcpus: 1, diskGiB: 10, transferGB: 10 } }));
      clock.mockReturnValue(end);
      const removed = await api.request('DELETE', `/v1/pools/${pool.id}`, { token: owner.adminToken });
      if (removed.status >= 300) throw new Error(`walker setup failed: ${removed.status} ${removed.text}`);
    } finally {
      clock.mockRestore();
    }
    const run = await ok(api.request('POST', '/v1/billing/runs', { body: { period } }));
    const invoice = (run.invoices as { id: string; customerId: string }[]).find((i) => i.customerId === owner.id);
    if (!invoice) throw new Error(`walker setup failed: the run for ${period} issued no invoice for ${owner.id}`);
    return invoice;
  })();
  invoices.set(owner.id, made);
  return made;
}

/**
 * Routes that are not the API proper: docs, the OpenAPI document, health, and the console
 * page with its assets (static: the page asks the API for a ticket with the user's token).
 */
const OUTSIDE_THE_API = /^\/(docs|openapi|health|console)(\/|\.|$)/;

interface Route {
  method: string;
  /** As fastify has it: /v1/hosts/:id */
  url: string;
  /** As OpenAPI has it: /v1/hosts/{id} */
  openApiPath: string;
  /** `integer` params (a line number) take 1, the first of the object before them; the others take an object's id. */
  params: { name: string; kind: string; integer: boolean }[];
  access?: string;
  operation?: OpenApiOperation;
}

interface OpenApiSchema {
  $ref?: string;
  type?: string;
  format?: string;
  example?: unknown;
  enum?: unknown[];
  minimum?: number;
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  allOf?: OpenApiSchema[];
}

interface OpenApiOperation {
  'x-carve-access'?: string;
  parameters?: { name: string; in: string; schema?: OpenApiSchema }[];
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, OpenApiSchema> };
}

let api: ApiHarness;
let doc: OpenApiDocument;
let routes: Route[];
let a: TestCustomer;
let b: TestCustomer;
let aViewerToken: string;
/** kind -> id, per customer, created on first use. */
const objects = new Map<string, string>();

function describeRoute(route: Route): string {
  return `${route.method} ${route.url}`;
}

/**
 * The kind of object each path parameter names: the path segment just before it
 * (`/v1/invoices/:id.pdf` names an invoice). A parameter OpenAPI documents as a number is
 * a position inside that object, not an object of its own.
 */
function paramsOf(url: string, operation: OpenApiOperation | undefined): Route['params'] {
  const segments = url.split('/');
  return segments.flatMap((segment, i) => {
    const name = /^:([A-Za-z0-9_]+)/.exec(segment)?.[1];
    if (!name) return [];
    const type = operation?.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema?.type;
    return [{ name, kind: segments[i - 1] ?? '', integer: type === 'integer' || type === 'number' }];
  });
}

function withParam(url: string, name: string, value: string): string {
  return url.replace(new RegExp(`:${name}(?![A-Za-z0-9_])`), value);
}

async function objectOf(owner: TestCustomer, kind: string, route: Route): Promise<string> {
  const factory = OBJECT_FACTORIES[kind];
  if (!factory) {
    throw new Error(
      `${describeRoute(route)} takes an id of a "${kind}", and the tenant-isolation walker cannot create one. ` +
        `Add a factory for "${kind}" to OBJECT_FACTORIES at the top of test/tenant-isolation.e2e-spec.ts, ` +
        `so this route is checked with another tenant's ${kind}.`,
    );
  }
  const key = `${owner.id}:${kind}`;
  if (!objects.has(key)) objects.set(key, await factory({ api, owner }));
  return objects.get(key)!;
}

async function urlFor(route: Route, owner: TestCustomer): Promise<string> {
  let url = route.url;
  for (const param of route.params) url = withParam(url, param.name, param.integer ? '1' : await objectOf(owner, param.kind, route));
  return url;
}

function resolve(schema: OpenApiSchema): OpenApiSchema {
  return schema.$ref ? resolve(doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')] ?? {}) : schema;
}

/** A body the route's DTO accepts, built from the OpenAPI schema (examples first), so access checks and not validation are what a call meets. */
function exampleOf(input: OpenApiSchema): unknown {
  const schema = resolve(input);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => exampleOf(s)));
  if (schema.format === 'date-time') return new Date(Date.now() + 365 * 86_400_000).toISOString();
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((name) => [name, exampleOf(schema.properties?.[name] ?? {})]));
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      return schema.format === 'uuid' ? randomUUID() : schema.format === 'email' ? 'walker@example.com' : 'walker';
    default:
      return undefined;
  }
}

function bodyFor(route: Route): unknown {
  const schema = route.operation?.requestBody?.content?.['application/json']?.schema;
  return schema ? exampleOf(schema) : undefined;
}

async function call(route: Route, url: string, token: string): Promise<TestResponse> {
  return api.request(route.method, url, { token, body: bodyFor(route) });
}

/**
 * Every row that belongs to a customer, in every table with an id and a customer column,
 * found through the schema so that tenant-owned tables added later are covered too.
 */
async function rowsOwnedBy(customerId: string): Promise<Record<string, Record<string, unknown>[]>> {
  const columns: { table_name: string; column_name: string }[] = await api.db.query(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = 'public' AND (c.column_name = 'customer_id' OR c.column_name LIKE '%\\_customer\\_id')
        AND EXISTS (SELECT 1 FROM information_schema.columns i WHERE i.table_schema = 'public' AND i.table_name = c.table_name AND i.column_name = 'id')
      ORDER BY 1, 2`,
  );
  const owned: Record<string, Record<string, unknown>[]> = {
    customers: await api.db.query('SELECT * FROM customers WHERE id = $1', [customerId]),
  };
  for (const { table_name, column_name } of columns) {
    const rows: Record<string, unknown>[] = await api.db.query(`SELECT * FROM "${table_name}" WHERE "${column_name}" = $1 ORDER BY id`, [customerId]);
    // last_used_at moves whenever B's tokens are used; it is not a change A made.
    owned[`${table_name}.${column_name}`] = rows.map(({ last_used_at: _ignored, ...rest }) => rest);
  }
  return owned;
}

/** The ids (and emails) of everything a customer owns: none may appear in another tenant's responses. */
async function idsOwnedBy(customerId: string): Promise<string[]> {
  const found = new Set<string>();
  for (const rows of Object.values(await rowsOwnedBy(customerId))) {
    for (const row of rows) {
      found.add(String(row.id));
      if (typeof row.email === 'string') found.add(row.email);
    }
  }
  return [...found];
}

beforeAll(async () => {
  api = await startApiHarness();
  doc = (await api.request('GET', '/openapi.json', { token: null })).body as OpenApiDocument;
  const seen = new Set<string>();
  routes = api.routes
    .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !OUTSIDE_THE_API.test(r.url))
    .filter((r) => !seen.has(`${r.method} ${r.url}`) && seen.add(`${r.method} ${r.url}`))
    .map((r) => {
      const openApiPath = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const operation = doc.paths[openApiPath]?.[r.method.toLowerCase()];
      return { method: r.method, url: r.url, openApiPath, params: paramsOf(r.url, operation), operation, access: operation?.['x-carve-access'] };
    });
  a = await createCustomer(api);
  b = await createCustomer(api);
  aViewerToken = (await createUser(api, a.adminToken, 'viewer')).token;
  // Every kind of object exists for both tenants before any route is walked.
  for (const route of routes) {
    for (const param of route.params) {
      if (!param.integer && OBJECT_FACTORIES[param.kind]) {
        await objectOf(a, param.kind, route);
        await objectOf(b, param.kind, route);
      }
    }
  }
});
afterAll(() => api.close());

describe('the registered routes and the OpenAPI document agree', () => {
  it('finds the API routes', () => {
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.map(describeRoute)).toEqual(
      expect.arrayContaining(['GET /v1/hosts', 'DELETE /v1/tokens/:id', 'POST /v1/customers/:id/tokens', 'GET /v1/invoices/:id.pdf', 'GET /v1/invoices/:id/lines/:n/sources', 'GET /v1/credit-notes/:id', 'POST /v1/servers/:id/rescue', 'POST /v1/servers/:id/rescue/exit', 'POST /v1/hosts/:id/agent']),
    );
    // The agent install takes a root credential: operators only, so the walk's 403s cover it.
    expect(routes.find((r) => describeRoute(r) === 'POST /v1/hosts/:id/agent')?.access).toBe('operator');
    // A line number is walked as a position inside another tenant's invoice, not as an object of its own.
    expect(routes.find((r) => r.url === '/v1/invoices/:id/lines/:n/sources')?.params).toEqual([
      { name: 'id', kind: 'invoices', integer: false },
      { name: 'n', kind: 'lines', integer: true },
    ]);
  });

  it('documents every registered route, with its access level and problem+json errors', () => {
    const problems: string[] = [];
    for (const route of routes) {
      if (!route.operation) {
        problems.push(`${describeRoute(route)} is not in /openapi.json`);
        continue;
      }
      if (!['read', 'write', 'operator'].includes(route.access ?? '')) problems.push(`${describeRoute(route)} has no x-carve-access (use OperatorRoute/WriteRoute/ReadRoute)`);
      for (const status of ['401', '403', '404', '400']) {
        const response = route.operation.responses?.[status];
        if (response && !response.content?.['application/problem+json']) problems.push(`${describeRoute(route)} documents ${status} without application/problem+json`);
      }
      if (!route.operation.responses?.['401']) problems.push(`${describeRoute(route)} does not document 401`);
    }
    expect(problems).toEqual([]);
  });

  it('registers every documented operation', () => {
    const registered = new Set(routes.map((r) => `${r.method} ${r.openApiPath}`));
    const documented = Object.entries(doc.paths)
      .filter(([path]) => !OUTSIDE_THE_API.test(path))
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.filter((op) => !registered.has(op))).toEqual([]);
  });

  it('knows how to make an object for every kind of id a route takes', async () => {
    const unknown = routes.flatMap((route) => route.params.filter((p) => !p.integer && !OBJECT_FACTORIES[p.kind]).map((p) => ({ route, kind: p.kind })));
    for (const { route, kind } of unknown) await expect(objectOf(b, kind, route)).resolves.toBeDefined();
  });
});

describe('walking every route', () => {
  it("answers 403 to a customer admin on every operator route, and changes nothing", async () => {
    const before = await snapshotTables(api.db);
    for (const route of routes.filter((r) => r.access === 'operator')) {
      const res = await call(route, await urlFor(route, b), a.adminToken);
      expect({ route: describeRoute(route), status: res.status, code: res.body?.code }).toEqual({ route: describeRoute(route), status: 403, code: 'forbidden' });
      expectProblem(res, 403, 'forbidden');
    }
    expect(await snapshotTables(api.db)).toEqual(before);
  });

  it('answers 403 to a viewer on every write route of its own account, and changes nothing', async () => {
    const before = await snapshotTables(api.db);
    for (const route of routes.filter((r) => r.access === 'write' || r.access === 'operator')) {
      const res = await call(route, await urlFor(route, a), aViewerToken);
      expect({ route: describeRoute(route), status: res.status }).toEqual({ route: describeRoute(route), status: 403 });
      expectProblem(res, 403, 'forbidden');
    }
    expect(await snapshotTables(api.db)).toEqual(before);
  });

  it("answers 404 (403 on operator routes) to customer A for customer B's ids on every route with an id, and leaves B's objects alone", async () => {
    const bBefore = await rowsOwnedBy(b.id);
    for (const route of routes.filter((r) => r.params.length > 0 && !r.params.every((p) => SHARED_KINDS.has(p.kind)))) {
      const res = await call(route, await urlFor(route, b), a.adminToken);
      const expected = route.access === 'operator' ? { status: 403, code: 'forbidden' } : { status: 404, code: 'not_found' };
      expect({ route: describeRoute(route), status: res.status, code: res.body?.code }).toEqual({ route: describeRoute(route), ...expected });
      expectProblem(res, expected.status, expected.code);
    }
    expect(await rowsOwnedBy(b.id)).toEqual(bBefore);
    // B still works.
    expect((await api.request('GET', '/v1/users', { token: b.adminToken })).status).toBe(200);
  });

  it("also answers 404 for ids that exist nowhere (a random UUID), so a 404 reveals nothing", async () => {
    for (const route of routes.filter((r) => r.params.length > 0 && r.access !== 'operator')) {
      let url = route.url;
      for (const param of route.params) url = withParam(url, param.name, param.integer ? '1' : randomUUID());
      const res = await call(route, url, a.adminToken);
      expect({ route: describeRoute(route), status: res.status }).toEqual({ route: describeRoute(route), status: 404 });
      expectProblem(res, 404, 'not_found');
    }
  });

  it("never shows customer A any of B's ids on routes without an id (lists)", async () => {
    const bIds = await idsOwnedBy(b.id);
    expect(bIds.length).toBeGreaterThan(3);
    const aIds = await idsOwnedBy(a.id);
    let listsSeen = 0;
    for (const route of routes.filter((r) => r.method === 'GET' && r.params.length === 0)) {
      // Paged lists show their longest page; other routes get no parameters they do not take.
      const paged = route.operation?.parameters?.some((p) => p.in === 'query' && p.name === 'limit');
      for (const token of [a.adminToken, aViewerToken]) {
        const res = await api.request('GET', paged ? `${route.url}?limit=100` : route.url, { token });
        expect(res.status).toBeLessThan(500);
        if (route.access === 'operator') {
          expectProblem(res, 403, 'forbidden');
        } else {
          expect({ route: describeRoute(route), status: res.status }).toEqual({ route: describeRoute(route), status: 200 });
          listsSeen++;
        }
        const leaked = bIds.filter((id) => res.text.includes(id));
        expect({ route: describeRoute(route), leaked }).toEqual({ route: describeRoute(route), leaked: [] });
      }
    }
    expect(listsSeen).toBeGreaterThan(0);
    // The lists are not simply empty: A sees its own objects.
    const users = await api.request('GET', '/v1/users?limit=100', { token: a.adminToken });
    expect(aIds).toEqual(expect.arrayContaining(users.body.items.map((u: { id: string }) => u.id)));
    expect(users.body.items.length).toBeGreaterThan(1);
  });
});

describe('every route that takes a body refuses hostile bodies before anything runs', () => {
  const deepBody = '{"a":'.repeat(3000) + '1' + '}'.repeat(3000);
  const bodyRoutes = () => routes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
  /** The caller allowed on the route, on its own objects: what it meets is the body check, not access. */
  const callerOf = (route: Route) => (route.access === 'operator' ? api.operatorToken : a.adminToken);

  it('answers 400 body_too_complex to a 3,000-deep JSON body on every write route, and changes nothing', async () => {
    const before = await snapshotTables(api.db);
    for (const route of bodyRoutes()) {
      const res = await api.request(route.method, await urlFor(route, a), { token: callerOf(route), rawBody: deepBody });
      expect({ route: describeRoute(route), status: res.status, code: res.body?.code }).toEqual({ route: describeRoute(route), status: 400, code: 'body_too_complex' });
      expectProblem(res, 400, 'body_too_complex');
    }
    expect(await snapshotTables(api.db)).toEqual(before);
  });

  it('answers 4xx to a name with control and bidi characters on every route with a body (400 naming `name` where the body has one)', async () => {
    const before = await snapshotTables(api.db);
    let namesChecked = 0;
    for (const route of bodyRoutes().filter((r) => r.operation?.requestBody)) {
      const example = bodyFor(route);
      const schema = resolve(route.operation!.requestBody!.content!['application/json']!.schema!);
      const takesName = Boolean(schema.properties?.name);
      const body = { ...(typeof example === 'object' && example !== null ? example : {}), name: 'evil\u001b[31m\u202Etxt\n' };
      const res = await api.request(route.method, await urlFor(route, a), { token: callerOf(route), body });
      expect({ route: describeRoute(route), clientError: res.status >= 400 && res.status < 500 }).toEqual({ route: describeRoute(route), clientError: true });
      if (takesName) {
        namesChecked++;
        expect({ route: describeRoute(route), status: res.status, fields: (res.body?.fields ?? []).map((f: { field: string }) => f.field) }).toEqual({
          route: describeRoute(route),
          status: 400,
          fields: expect.arrayContaining(['name']),
        });
      }
    }
    expect(namesChecked).toBeGreaterThanOrEqual(4);
    expect(await snapshotTables(api.db)).toEqual(before);
  });
});
