import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { Dom0Client } from '@carve/xen';

export interface CopyProgress {
  bytes: number;
  totalBytes: number;
  bytesPerSecond: number;
}

export interface CopyResult {
  bytes: number;
  sha256: string;
  seconds: number;
}

const MiB = 1024 * 1024;

/**
 * One LV from the source Dom0 to the target Dom0 through the worker: `dd if=` on the source
 * piped through a hashing pass-through into `dd of=` on the target, over each host's pooled
 * SSH connection, the channels' windows pacing both ends. When either end fails the other
 * channel is closed at once.
 */
export async function copyVolume(
  source: Dom0Client,
  target: Dom0Client,
  volumeName: string,
  totalBytes: number,
  options: { timeoutMs: number; onProgress: (progress: CopyProgress) => Promise<void> },
): Promise<CopyResult> {
  const hash = createHash('sha256');
  let bytes = 0;
  const started = Date.now();
  const relay = new Transform({
    highWaterMark: 4 * MiB,
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const abort = new AbortController();
  let reporting = Promise.resolve();
  const ticker = setInterval(() => {
    const seconds = (Date.now() - started) / 1000;
    reporting = reporting.then(() => options.onProgress({ bytes, totalBytes, bytesPerSecond: seconds > 0 ? bytes / seconds : 0 })).catch(() => undefined);
  }, 1000);
  const failFast = <T>(work: Promise<T>): Promise<T> =>
    work.catch((error: unknown) => {
      abort.abort();
      relay.destroy();
      throw error;
    });
  try {
    await Promise.all([
      failFast(source.volumeStreams().readTo(volumeName, relay, { timeoutMs: options.timeoutMs, signal: abort.signal })),
      failFast(target.volumeStreams().writeFrom(volumeName, relay, { timeoutMs: options.timeoutMs, signal: abort.signal })),
    ]);
  } finally {
    clearInterval(ticker);
    await reporting;
  }
  const seconds = (Date.now() - started) / 1000;
  await options.onProgress({ bytes, totalBytes, bytesPerSecond: seconds > 0 ? bytes / seconds : 0 });
  return { bytes, sha256: hash.digest('hex'), seconds };
}

export function describeProgress(p: CopyProgress): string {
  const percent = p.totalBytes > 0 ? Math.floor((p.bytes / p.totalBytes) * 100) : 100;
  return `${(p.bytes / MiB).toFixed(0)} of ${(p.totalBytes / MiB).toFixed(0)} MiB copied (${percent}%), ${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s`;
}
