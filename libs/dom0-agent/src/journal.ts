import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentRequest, AgentResult } from './protocol';
import { ownerAlive, pause, type Owner } from './owner';

interface JournalEntry {
  readonly id: string;
  readonly verb: string;
  /** sha256 of the verb and canonical args: a repeated id must carry the same request. */
  readonly fingerprint: string;
  readonly owner: Owner;
  readonly startedAt: string;
  readonly result?: AgentResult;
}

export type JournalStart = { readonly kind: 'run' } | { readonly kind: 'done'; readonly result: AgentResult } | { readonly kind: 'mismatch' };

/**
 * One file per request id on the Dom0. The first request with an id creates it (O_EXCL) and
 * runs; a repeat gets the recorded result, or waits for it while the first still runs, in this
 * process or another (a second `serve` after the SSH connection dropped mid-operation). An
 * entry whose owner died without a result is taken over and run again.
 */
export class Journal {
  constructor(
    private readonly dir: string,
    private readonly self: Owner,
    private readonly pollMs = 25,
  ) {}

  private made = false;

  /** Made on first use, so `carve-agent version` needs no state directory. */
  private ensureDir(): void {
    if (this.made) return;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.made = true;
  }

  async start(request: AgentRequest, waitUntil: number): Promise<JournalStart> {
    this.ensureDir();
    const entry: JournalEntry = { id: request.id, verb: request.verb, fingerprint: fingerprint(request), owner: this.self, startedAt: new Date().toISOString() };
    for (;;) {
      if (await this.create(entry)) return { kind: 'run' };
      const existing = await this.read(request.id);
      if (existing === undefined) {
        // Removed (abandoned) or still being written by its creator: look again. Unreadable for
        // seconds, its creator died between creating and writing it: take it over.
        if (await olderThan(this.path(request.id), EMPTY_GRACE_MS)) {
          await this.replace(entry);
          return { kind: 'run' };
        }
        await pause(this.pollMs);
        continue;
      }
      if (existing.fingerprint !== entry.fingerprint) return { kind: 'mismatch' };
      if (existing.result) return { kind: 'done', result: existing.result };
      if (!ownerAlive(existing.owner, this.self)) {
        await this.replace(entry);
        return { kind: 'run' };
      }
      if (Date.now() > waitUntil) {
        return { kind: 'done', result: { id: request.id, status: 'timed_out', exitCode: 124, stdout: '', stderr: '', error: { code: 'still_running', message: `request ${request.id} is still running on the host` } } };
      }
      await pause(this.pollMs);
    }
  }

  async finish(request: AgentRequest, result: AgentResult): Promise<void> {
    await this.replace({ id: request.id, verb: request.verb, fingerprint: fingerprint(request), owner: this.self, startedAt: new Date().toISOString(), result });
  }

  /** Forgets a request that did not run, so its repeat runs it. */
  async abandon(id: string): Promise<void> {
    await unlink(this.path(id)).catch(() => undefined);
  }

  /** Deletes finished entries older than `maxAgeMs` (default a day): a retry comes within minutes, not days. */
  async prune(maxAgeMs = 24 * 60 * 60 * 1000): Promise<number> {
    let removed = 0;
    const now = Date.now();
    // At most every ten minutes across every agent process: `call` starts one per request.
    this.ensureDir();
    const marker = join(this.dir, '.pruned');
    const last = await stat(marker).catch(() => undefined);
    if (last && now - last.mtimeMs < 10 * 60 * 1000) return 0;
    await writeFile(marker, '');
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => undefined);
      if (!info || name === '.pruned' || now - info.mtimeMs < maxAgeMs) continue;
      if (name.endsWith('.json')) {
        const entry = await this.read(name.slice(0, -'.json'.length));
        if (entry && !entry.result && ownerAlive(entry.owner, this.self)) continue;
      }
      await unlink(path).catch(() => undefined);
      removed += 1;
    }
    return removed;
  }

  private path(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  // Synchronous on purpose: a few hundred bytes on a local disk take microseconds, while each
  // async call is a thread-pool round trip (~0.2 ms apiece on a busy host, most of a request).
  private async create(entry: JournalEntry): Promise<boolean> {
    try {
      const fd = openSync(this.path(entry.id), 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(entry));
      } finally {
        closeSync(fd);
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }

  private async replace(entry: JournalEntry): Promise<void> {
    const temporary = join(this.dir, `.${entry.id}.${this.self.token}.tmp`);
    writeFileSync(temporary, JSON.stringify(entry), { mode: 0o600 });
    renameSync(temporary, this.path(entry.id));
  }

  private async read(id: string): Promise<JournalEntry | undefined> {
    try {
      return JSON.parse(readFileSync(this.path(id), 'utf8')) as JournalEntry;
    } catch {
      return undefined;
    }
  }
}

/** How long a journal entry or lock file may stay unwritten before its creator counts as dead. */
export const EMPTY_GRACE_MS = 5000;

export async function olderThan(path: string, ms: number): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ms;
}

export function fingerprint(request: Pick<AgentRequest, 'verb' | 'args'>): string {
  return createHash('sha256').update(canonicalJson({ verb: request.verb, args: request.args })).digest('hex');
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` are the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
