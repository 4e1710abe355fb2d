// Medium test: the sender against a real local HTTP server.
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@carve/config';
import { WebhookSender } from './webhook-sender';

let server: Server;
let base: string;
const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
let answer: (res: import('node:http').ServerResponse) => void = (res) => res.writeHead(200).end('ok');

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const sender = (env: Record<string, string>) => new WebhookSender(loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/x', REDIS_URL: 'redis://127.0.0.1:6379', WEBHOOK_TIMEOUT_MS: '300', ...env }));
const open = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE: 'true' };

describe('WebhookSender', () => {
  it('posts the body with the given headers and keeps the start of the answer', async () => {
    answer = (res) => res.writeHead(202, { 'content-type': 'text/plain' }).end('x'.repeat(2000));
    const outcome = await sender(open).post(`${base}/hook`, { 'carve-event-id': 'e1' }, '{"a":1}');
    expect(outcome).toEqual({ ok: true, responseCode: 202, responseExcerpt: 'x'.repeat(500), error: null });
    expect(seen.at(-1)).toMatchObject({ body: '{"a":1}', headers: { 'carve-event-id': 'e1', 'content-type': 'application/json' } });
  });

  it('fails on a non-2xx answer (redirects included, never followed), a timeout and a refused connection', async () => {
    answer = (res) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
    const before = seen.length;
    expect(await sender(open).post(`${base}/hook`, {}, '{}')).toMatchObject({ ok: false, responseCode: 302, error: 'the endpoint answered HTTP 302' });
    expect(seen.length).toBe(before + 1);
    answer = () => undefined; // never answers
    expect(await sender(open).post(`${base}/slow`, {}, '{}')).toEqual({ ok: false, responseCode: null, responseExcerpt: null, error: 'timed out after 300 ms' });
    expect(await sender(open).post('http://127.0.0.1:1/none', {}, '{}')).toMatchObject({ ok: false, responseCode: null, error: 'could not deliver: ECONNREFUSED' });
  });

  it('checks the address again when it sends: loopback, by name or number, is not connected to unless allowed', async () => {
    answer = (res) => res.writeHead(200).end('ok');
    const before = seen.length;
    const port = (server.address() as AddressInfo).port;
    for (const url of [`http://localhost:${port}/hook`, `${base}/hook`, `http://[::ffff:127.0.0.1]:${port}/hook`]) {
      const outcome = await sender({ WEBHOOK_ALLOW_HTTP: 'true' }).post(url, {}, '{}');
      expect(outcome).toMatchObject({ ok: false, responseCode: null, error: expect.stringMatching(/^not sent: the URL .*loopback address/) });
    }
    expect(seen.length).toBe(before);
    expect(await sender({ WEBHOOK_ALLOW_PRIVATE: 'true' }).post(`${base}/hook`, {}, '{}')).toMatchObject({ ok: false, error: expect.stringMatching(/https/) });
  });
});
