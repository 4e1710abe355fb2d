import { randomBytes } from 'node:crypto';
import type { CarveApi } from './carve-api';
import type { Narrator } from './narrator';

/** What every chapter of the story shares: the operator's API client, the narrator and this run's stamp. */
export interface DemoContext {
  operator: CarveApi;
  narrator: Narrator;
  /** Short and unique per run, so the demo can run again and again against one carve. */
  stamp: string;
  /** An Idempotency-Key for one request of this run: a retried request reuses it, the next run does not. */
  key(purpose: string): string;
  /** This machine, where npm start keeps its data: the seed and the simulator staging need it. */
  local: DemoLocal;
}

export interface DemoLocal {
  /** npm start's data dir (CARVE_DATA_DIR, default ./.data): its credentials, SSH key, embedded database; the demo's files go under it. */
  dataDir: string;
  env: Record<string, string | undefined>;
}

export function runStamp(now = Date.now()): string {
  return `${now.toString(36).slice(-5)}${randomBytes(2).toString('hex')}`;
}

export function demoContext(operator: CarveApi, narrator: Narrator, local: DemoLocal, stamp = runStamp()): DemoContext {
  return { operator, narrator, stamp, local, key: (purpose) => `demo-${stamp}-${purpose}`.replace(/[^\x21-\x7e]/g, '-') };
}
