import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SimHostState } from './host-state';

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
  return { state: parsed.state, simNow: parsed.simNow };
}

/** Writes state files one at a time, atomically, skipping writes when nothing changed. */
export class StateWriter {
  private last = '';
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  save(state: SimHostState, simNow: number): Promise<void> {
    const body = JSON.stringify(state);
    if (body === this.last) return this.chain;
    this.last = body;
    const file: string = JSON.stringify({ version: 1, simNow, state } satisfies StateFile);
    this.chain = this.chain.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.tmp`;
      await writeFile(tmp, file);
      await rename(tmp, this.path);
    });
    return this.chain;
  }

  flush(): Promise<void> {
    return this.chain;
  }
}
