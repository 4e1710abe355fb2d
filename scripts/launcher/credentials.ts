import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * What `npm start` hands to the operator's other tools (`npm run demo`, curl): where the API
 * answers and the bootstrap operator token. Mode 0600: the token is a full operator credential.
 */
export interface SavedCredentials {
  apiUrl: string;
  /** Known only when this data dir's first start created it (or a later start kept it). */
  token?: string;
  savedAt: string;
}

export function credentialsPath(dataDir: string): string {
  return join(dataDir, 'credentials.json');
}

export function readCredentials(dataDir: string): SavedCredentials | undefined {
  const file = credentialsPath(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedCredentials>;
    if (typeof parsed.apiUrl !== 'string') return undefined;
    return { apiUrl: parsed.apiUrl, token: typeof parsed.token === 'string' ? parsed.token : undefined, savedAt: String(parsed.savedAt ?? '') };
  } catch {
    return undefined;
  }
}

/** Writes the API URL (it changes with PORT) and keeps a token saved earlier unless a new one is given. */
export function saveCredentials(dataDir: string, apiUrl: string, token?: string): SavedCredentials {
  const file = credentialsPath(dataDir);
  const saved: SavedCredentials = { apiUrl, token: token ?? readCredentials(dataDir)?.token, savedAt: new Date().toISOString() };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return saved;
}
