// The console page in a real browser: Debian's Chromium, headless, driven by playwright-core,
// against a listening API whose console reaches a simulated Dom0 over SSH.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { SimClient } from '../apps/dom0-sim/src/testing/sim-client';
import { customerWithPool, expectStatus, orderBody, Stack, startStack, waitForJob } from './support/stack';

const CHROMIUM = '/usr/bin/chromium';

let stack: Stack;
let baseUrl: string;
let browser: BrowserContext;
let profileDir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
  stack = await startStack({ hosts: 1 });
  await stack.api.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(stack.api.app.getHttpServer().address() as AddressInfo).port}`;
  profileDir = mkdtempSync(join(tmpdir(), 'carve-chromium-'));
  // A fresh profile (playwright passes it to Chromium as --user-data-dir).
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  await stack?.close();
});

it('opens /console/:id, shows the login prompt, and answers a typed line', async () => {
  const tenant = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 });
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId) });
  expectStatus(ordered, 202);
  expect((await waitForJob(stack.api, tenant.token, ordered.body.job.id)).status).toBe('succeeded');
  const { id, name, domainName } = ordered.body.server as { id: string; name: string; domainName: string };

  const page = await browser.newPage();
  const failedRequests: string[] = [];
  page.on('requestfailed', (r) => failedRequests.push(r.url()));
  page.on('response', (r) => {
    if (r.status() >= 400) failedRequests.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`${baseUrl}/console/${id}#token=${encodeURIComponent(tenant.token)}`);
  // The token leaves the address bar once read.
  await page.waitForFunction('location.hash === ""');
  const rows = page.locator('.xterm-rows');
  await rows.getByText(`${name} login:`).waitFor();
  await page.locator('#status[data-state="typing"]').waitFor();

  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('root');
  await page.keyboard.press('Enter');
  await rows.getByText('Password:').waitFor();
  await page.keyboard.type('any');
  await page.keyboard.press('Enter');
  await page.keyboard.type('echo hello-from-chromium');
  await page.keyboard.press('Enter');
  await rows.getByText(/^hello-from-chromium\s*$/).waitFor();
  expect(await rows.innerText()).toContain(`root@${name}:~# echo hello-from-chromium`);
  expect(failedRequests).toEqual([]);
  await page.close();

  // Closing the page closed the console only.
  const client = await SimClient.connect(stack.hosts[0]!.sim.port, stack.hosts[0]!.sim.adminPrivateKey);
  expect((await client.exec(`xl list ${domainName}`)).exitCode).toBe(0);
  const closed = client.closed();
  client.end();
  await closed;
}, 120_000);
