import { createServer, type Server } from 'node:net';
import { ephemeralPort, findFreePort, isPortFree } from '../../scripts/launcher/ports';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function portOf(server: Server): number {
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('server has no port');
  return address.port;
}

describe('port detection', () => {
  it('sees a port held by a listener as busy, and free again once it closes', async () => {
    const server = await listen(0);
    const port = portOf(server);
    await expect(isPortFree(port)).resolves.toBe(false);
    await close(server);
    await expect(isPortFree(port)).resolves.toBe(true);
  });

  it('sees a port held on the wildcard address as busy on loopback', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '0.0.0.0' }, () => resolve()));
    try {
      await expect(isPortFree(portOf(server), '127.0.0.1')).resolves.toBe(false);
    } finally {
      await close(server);
    }
  });

  it('keeps the preferred port when it is free', async () => {
    const port = await ephemeralPort();
    await expect(findFreePort(port)).resolves.toBe(port);
  });

  it('moves to a later port when the preferred one is busy', async () => {
    const server = await listen(0);
    const busy = portOf(server);
    try {
      const found = await findFreePort(busy);
      expect(found).toBeGreaterThan(busy);
      await expect(isPortFree(found as number)).resolves.toBe(true);
    } finally {
      await close(server);
    }
  });

  it('gives up with undefined when every port it may try is busy', async () => {
    const server = await listen(0);
    try {
      await expect(findFreePort(portOf(server), '127.0.0.1', 1)).resolves.toBeUndefined();
    } finally {
      await close(server);
    }
  });
});
