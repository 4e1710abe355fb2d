import { createServer } from 'node:net';

/**
 * True when nothing listens on host:port. Checked by binding, the only test that agrees with
 * what the server about to start will see (a connect probe misses sockets bound to another address).
 */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The preferred port when free, else the next free one above it (up to `attempts` ports). */
export async function findFreePort(preferred: number, host = '127.0.0.1', attempts = 100): Promise<number | undefined> {
  for (let port = preferred; port < preferred + attempts && port <= 65535; port += 1) {
    if (await isPortFree(port, host)) return port;
  }
  return undefined;
}

/** A port the kernel picked as free right now (for tests and last-resort fallbacks). */
export function ephemeralPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
