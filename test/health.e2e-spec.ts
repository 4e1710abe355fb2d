import { ApiHarness, startApiHarness } from './support/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

it('reports PostgreSQL and Redis without a token', async () => {
  const res = await api.request('GET', '/health', { token: null });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status: 'ok', postgres: { status: 'up' }, redis: { status: 'up' } });
  expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
});

it('serves the OpenAPI document and the docs page without a token', async () => {
  const doc = await api.request('GET', '/openapi.json', { token: null });
  expect(doc.status).toBe(200);
  expect(doc.body.openapi).toMatch(/^3\./);
  expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/hosts', '/v1/hosts/{id}', '/v1/hosts/{id}/capacity']));
  const docs = await api.request('GET', '/docs', { token: null });
  expect(docs.status).toBe(200);
  expect(docs.text).toContain('swagger');
});
