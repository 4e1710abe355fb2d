import { createServer, Server } from 'node:net';
import { ConsoleGatewayServer } from '@carve/console-gateway';
import { startApiHarness } from './support/api-harness';

/** A port nothing listens on now (bound and released), and a port held busy by this test. */
function listening(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  return (server.address() as { port: number }).port;
}

describe('the API starts the console gateway at boot', () => {
  it('listens on CARVE_CONSOLE_GATEWAY_PORT and shows that port and the host key in GET /v1/console-gateway', async () => {
    const probe = await listening();
    const port = portOf(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const api = await startApiHarness({ CARVE_CONSOLE_GATEWAY_PORT: String(port) });
    try {
      expect(api.app.get(ConsoleGatewayServer).address()?.port).toBe(port);
      const info = await api.request('GET', '/v1/console-gateway');
      expect(info.body).toMatchObject({ enabled: true, port, loginExample: `ssh -p ${port} SERVERNAME@127.0.0.1` });
      await api.app.get(ConsoleGatewayServer).close();
      expect(api.app.get(ConsoleGatewayServer).address()).toBeUndefined();
    } finally {
      await api.close();
    }
  });

  it('carries on without the gateway when its port is taken (the HTTP API still serves)', async () => {
    const busy = await listening();
    try {
      const api = await startApiHarness({ CARVE_CONSOLE_GATEWAY_PORT: String(portOf(busy)) });
      try {
        expect(api.app.get(ConsoleGatewayServer).address()).toBeUndefined();
        expect((await api.request('GET', '/v1/console-gateway')).body).toMatchObject({ port: portOf(busy) });
        expect((await api.request('GET', '/v1/users')).status).toBe(200);
      } finally {
        await api.close();
      }
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });

  it('shows the gateway as off with CARVE_CONSOLE_GATEWAY_PORT=0, the host key still there to pin', async () => {
    const api = await startApiHarness({ CARVE_CONSOLE_GATEWAY_PORT: '0' });
    try {
      expect((await api.request('GET', '/v1/console-gateway')).body).toMatchObject({
        enabled: false,
        port: null,
        knownHostsLine: null,
        hostKeyFingerprint: expect.stringMatching(/^SHA256:/),
      });
    } finally {
      await api.close();
    }
  });
});
