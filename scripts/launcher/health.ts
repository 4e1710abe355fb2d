import { request } from 'node:http';
import { LaunchError } from './launch-error';

function getStatus(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(undefined));
    req.end();
  });
}

/**
 * Polls GET /health until it answers 200. `gaveUp` settles when waiting is pointless
 * (the API process died), so a crash is reported at once instead of after the timeout.
 */
export async function waitForHealth(baseUrl: string, gaveUp: Promise<string>, timeoutMs = 120_000): Promise<void> {
  let reason: string | undefined;
  void gaveUp.then((r) => {
    reason = r;
  });
  const deadline = Date.now() + timeoutMs;
  let lastStatus: number | undefined;
  while (Date.now() < deadline) {
    if (reason !== undefined) throw new LaunchError(reason, 'Read the [api] and [worker] lines above for the cause, fix it, then run npm start again.');
    lastStatus = await getStatus(`${baseUrl}/health`);
    if (lastStatus === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new LaunchError(
    `${baseUrl}/health did not answer 200 within ${timeoutMs / 1000} s (last answer: ${lastStatus ?? 'no connection'})`,
    'Read the [api] lines above; /health reports PostgreSQL and Redis, so one of them may be unreachable.',
  );
}
