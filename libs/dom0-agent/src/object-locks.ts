import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EMPTY_GRACE_MS, olderThan } from './journal';
import { ownerAlive, pause, type Owner } from './owner';

/**
 * Exclusive locks on the objects an operation touches (`volume:/dev/vg0/a`, `domain:web1`),
 * across every agent process on the Dom0: a lock file per object created with O_EXCL, holding
 * its owner. A lock whose owner died is broken. Keys are taken in sorted order, so two
 * operations needing the same two objects cannot deadlock.
 */
export class ObjectLocks {
  constructor(
    private readonly dir: string,
    private readonly self: Owner,
    private readonly pollMs = 20,
  ) {}

  private made = false;

  /** Made on first use, so `carve-agent version` needs no state directory. */
  private ensureDir(): void {
    if (this.made) return;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.made = true;
  }

  /** Resolves with the release once every key is held; rejects when `signal` aborts first (nothing stays held). */
  async acquire(keys: readonly string[], signal: AbortSignal): Promise<() => Promise<void>> {
    this.ensureDir();
    const held: string[] = [];
    const release = async (): Promise<void> => {
      for (const path of held.splice(0).reverse()) unlinkQuietly(path);
    };
    try {
      for (const key of [...new Set(keys)].sort()) {
        const path = join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.lock`);
        while (!(await this.take(path, key))) {
          if (signal.aborted) throw new Error(`timed out waiting for the lock on ${key}`);
          await pause(this.pollMs);
        }
        held.push(path);
      }
    } catch (error) {
      await release();
      throw error;
    }
    return release;
  }

  // Synchronous file calls, as in the journal: tiny local files, cheaper than thread-pool round trips.
  private async take(path: string, key: string): Promise<boolean> {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify({ ...this.self, key }));
      } finally {
        closeSync(fd);
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner: Owner | undefined;
    try {
      owner = parseOwner(readFileSync(path, 'utf8'));
    } catch {
      owner = undefined;
    }
    // No owner yet: its creator is between open and write (or died there, seconds ago). A dead owner's lock is broken.
    const dead = owner === undefined ? await olderThan(path, EMPTY_GRACE_MS) : !ownerAlive(owner, this.self);
    if (dead) unlinkQuietly(path);
    return false;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Gone already.
  }
}

function parseOwner(text: string): Owner | undefined {
  try {
    return JSON.parse(text) as Owner;
  } catch {
    return undefined;
  }
}
