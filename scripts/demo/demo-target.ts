import { resolve } from 'node:path';
import { credentialsPath, readCredentials } from '../launcher/credentials';

/** Where the demo sends its requests and as whom. */
export interface DemoTarget {
  apiUrl: string;
  operatorToken: string;
  /** Where each value came from, shown on the first line of the demo. */
  source: string;
  /** npm start's data dir (CARVE_DATA_DIR, default ./.data). */
  dataDir: string;
}

export const NO_TARGET_MESSAGE = 'start carve first with npm start, or set CARVE_API_URL and CARVE_TOKEN';

export class DemoTargetError extends Error {}

/**
 * CARVE_API_URL and CARVE_TOKEN win; what is missing comes from the credentials `npm start`
 * saved in its data dir (CARVE_DATA_DIR, default ./.data), as the launcher names them.
 */
export function resolveDemoTarget(env: Record<string, string | undefined>): DemoTarget {
  const blank = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());
  const dataDir = resolve(blank(env.CARVE_DATA_DIR) ?? '.data');
  const envUrl = blank(env.CARVE_API_URL);
  const envToken = blank(env.CARVE_TOKEN);
  const saved = envUrl && envToken ? undefined : readCredentials(dataDir);
  const apiUrl = envUrl ?? saved?.apiUrl;
  const operatorToken = envToken ?? saved?.token;
  if (!apiUrl || !operatorToken) {
    const missing = [!apiUrl && 'CARVE_API_URL', !operatorToken && 'CARVE_TOKEN'].filter(Boolean).join(' and ');
    throw new DemoTargetError(`${NO_TARGET_MESSAGE} (${missing} unset and not found in ${credentialsPath(dataDir)})`);
  }
  let parsed: URL;
  try {
    parsed = new URL(apiUrl);
  } catch {
    throw new DemoTargetError(`CARVE_API_URL is "${apiUrl}", not a URL like http://127.0.0.1:3000`);
  }
  const source = envUrl && envToken ? 'CARVE_API_URL and CARVE_TOKEN' : `${credentialsPath(dataDir)}${envUrl || envToken ? ' and the environment' : ''}`;
  return { apiUrl: parsed.toString().replace(/\/+$/, ''), operatorToken, source, dataDir };
}
