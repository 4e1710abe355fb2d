import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Inject, Injectable } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { AGENT_ENTRY, buildAgentBundle, DEFAULT_BUNDLE_PATH } from './agent-bundle.builder';
import { AgentInstallUnavailableError } from './agent-install.errors';

const execFileAsync = promisify(execFile);

export interface AgentBundle {
  readonly code: string;
  /** What `carve-agent version` prints: the one constant the agent exports. */
  readonly version: string;
}

/**
 * The bundle the install copies. A configured file wins (production images build it at
 * image build time); otherwise, where the sources and esbuild are at hand (npm start,
 * tests), it is built from source once per process, so it is never older than the code;
 * otherwise the file `npm run agent:build` wrote.
 */
@Injectable()
export class AgentBundleSource {
  private bundle?: Promise<AgentBundle>;

  constructor(@Inject(CarveConfig) private readonly config: CarveConfig) {}

  get(): Promise<AgentBundle> {
    this.bundle ??= this.load().catch((error: unknown) => {
      this.bundle = undefined;
      throw error;
    });
    return this.bundle;
  }

  private async load(): Promise<AgentBundle> {
    const code = await this.code();
    return { code, version: await versionOf(code) };
  }

  private async code(): Promise<string> {
    if (this.config.agentBundlePath) return readOrExplain(this.config.agentBundlePath, 'CARVE_AGENT_BUNDLE_PATH');
    if (existsSync(AGENT_ENTRY) && esbuildAvailable()) return (await buildAgentBundle()).code;
    return readOrExplain(DEFAULT_BUNDLE_PATH, 'the default bundle path (run npm run agent:build)');
  }
}

function readOrExplain(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new AgentInstallUnavailableError('agent_bundle_unavailable', `Cannot read the agent bundle at ${path}, ${what}: ${(error as Error).message}`);
  }
}

function esbuildAvailable(): boolean {
  try {
    require.resolve('esbuild');
    return true;
  } catch {
    return false;
  }
}

/** Asks the bundle itself, with this process's node: the version installed is the version the file says. */
async function versionOf(code: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'carve-agent-version-'));
  try {
    const file = join(dir, 'carve-agent.js');
    writeFileSync(file, code, { mode: 0o700 });
    const { stdout } = await execFileAsync(process.execPath, [file, 'version'], { env: { CARVE_AGENT_STATE_DIR: dir }, timeout: 30_000 });
    return parseVersionOutput(stdout);
  } catch (error) {
    throw new AgentInstallUnavailableError('agent_bundle_unavailable', `The agent bundle does not answer \`version\`: ${(error as Error).message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `carve-agent version` prints the version first (maybe followed by capabilities). */
export function parseVersionOutput(stdout: string): string {
  const first = stdout.trim().split(/\s+/)[0] ?? '';
  if (stdout.trim().startsWith('{')) {
    // The agent's hello: {"agent":"carve-agent","version":1,"verbs":[...],"modes":[...]}.
    const parsed = JSON.parse(stdout.trim().split('\n')[0] as string) as { agent?: unknown; version?: unknown };
    if (parsed.agent === 'carve-agent' && (typeof parsed.version === 'number' || typeof parsed.version === 'string')) return String(parsed.version);
  }
  if (!/^\d+(\.\d+)*[\w.+-]*$/.test(first)) throw new Error(`unexpected version output: ${stdout.slice(0, 200)}`);
  return first;
}
