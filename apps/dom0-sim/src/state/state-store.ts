import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { upgradeStorage } from './block-devices';
import type { SimHostState } from './host-state';
import { upgradeRescueImage } from './rescue-image';

interface StateFile {
  version: 1;
  /** Simulated time at save, so a restarted simulator never runs its clock backwards. */
  simNow: number;
  state: SimHostState;
}

export function loadState(path: string): { state: SimHostState; simNow: number } | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as StateFile;
  if (parsed.version !== 1) throw new Error(`${path}: unknown simulator state version ${String(parsed.version)}`);
  upgradeStorage(parsed.state, parsed.simNow);
  upgradeRescueImage(parsed.state);
  return { state: parsed.state, simNow: parsed.simNow };
}

/**
 * Writes state files one at a time, atomically. A save whose state and clock
 * are both unchanged is skipped; saves that arrive while one is waiting are
 * folded into it. The clock is saved even when nothing else changed: counters
 * are lazy, so a restart resuming from an older simulated time would show
 * every counter going back.
 */
export class StateWriter {
  private lastBody = '';
  private lastSimNow = -Infinity;
  private pending: { body: string; simNow: number } | undefined;
  private queued: Promise<void> | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  save(state: SimHostState, simNow: number): Promise<void> {
    const body = JSON.stringify(state);
    if (body === this.lastBody && simNow <= this.lastSimNow) return this.queued ?? this.chain;
    this.lastBody = body;
    this.lastSimNow = Math.max(simNow, this.lastSimNow);
    this.pending = { body, simNow: this.lastSimNow };
    if (!this.queued) {
      this.queued = this.chain.then(() => this.writePending());
      this.chain = this.queued;
    }
    return this.queued;
  }

  flush(): Promise<void> {
    return this.chain;
  }

  private async writePending(): Promise<void> {
    this.queued = undefined;
    const next = this.pending;
    this.pending = undefined;
    if (!next) return;
    // The same shape as StateFile, without serialising the state twice.
    const file = `{"version":1,"simNow":${JSON.stringify(next.simNow)},"state":${next.body}}`;
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, file);
    await rename(tmp, this.path);
  }
}
