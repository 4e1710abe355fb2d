import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CarveConfig, loadConfig } from '@carve/config';
import { ensureBootstrapOperator } from '@carve/tenancy';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApiApp, RegisteredRoute } from '../../apps/api/src/api-app';
import { clearRedisPrefix, createTestDatabase, TEST_REDIS_URL, TestDatabase, uniqueName } from '@carve/testing';

export interface ApiHarness {
  app: NestFastifyApplication;
  config: CarveConfig;
  db: DataSource;
  routes: RegisteredRoute[];
  operatorToken: string;
  /** Sends a request through the real HTTP stack (fastify inject: no socket, same handlers). */
  request(method: string, url: string, options?: { token?: string | null; body?: unknown; headers?: Record<string, string>; rawBody?: string }): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  text: string;
}

/** The API on a fresh migrated database and its own Redis prefix, with a bootstrap operator token. */
export async function startApiHarness(env: Record<string, string> = {}): Promise<ApiHarness> {
  const database: TestDatabase = await createTestDatabase({ migrate: true });
  const prefix = uniqueName('carvetest');
  // The console gateway does not listen by itself in tests (parallel test files would share its port); a test that wants it calls
  // ConsoleGatewayServer.listen(0, ...). Its host key goes to a temporary file, not the checkout's .data.
  const gatewayHostKey = join(tmpdir(), `${prefix}-gateway-host-key`);
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'fatal',
    CARVE_CONSOLE_GATEWAY_PORT: '0',
    CARVE_CONSOLE_GATEWAY_HOST_KEY_PATH: gatewayHostKey,
    ...env,
  });
  const { app, routes } = await createApiApp(config);
  const db = app.get<DataSource>(getDataSourceToken());
  const bootstrap = await ensureBootstrapOperator(db);
  const harness: ApiHarness = {
    app,
    config,
    db,
    routes,
    operatorToken: bootstrap.token!,
    async request(method, url, options = {}) {
      const token = options.token === undefined ? harness.operatorToken : options.token;
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (token) headers.authorization = `Bearer ${token}`;
      let payload: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        payload = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      } else if (payload !== undefined) {
        headers['content-type'] ??= 'application/json';
      }
      const response = await app.inject({ method: method as 'GET', url, headers, payload });
      let body: unknown;
      try {
        body = response.body ? JSON.parse(response.body) : undefined;
      } catch {
        body = undefined;
      }
      return { status: response.statusCode, headers: response.headers, body, text: response.body };
    },
    async close() {
      await app.close();
      await database.drop();
      await clearRedisPrefix(prefix);
      rmSync(gatewayHostKey, { force: true });
    },
  };
  return harness;
}
