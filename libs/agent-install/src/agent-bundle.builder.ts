/**
 * Builds the Dom0 agent into one self-contained JavaScript file that Debian 12's own
 * `nodejs` package (Node 18) runs: no node_modules on the Dom0, nothing but the file.
 * Used by `npm run agent:build`, by the install route when no prebuilt bundle is
 * configured, and by the tests. esbuild is a devDependency: a production image ships
 * the file built at image build time (CARVE_AGENT_BUNDLE_PATH) instead.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The checkout (or the image's /app): the nearest directory above this file with a package.json, from source or from dist/. */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

const ROOT = projectRoot();
/** The agent's entry point (serve, call and version modes; reads SSH_ORIGINAL_COMMAND). */
export const AGENT_ENTRY = join(ROOT, 'apps', 'dom0-agent', 'src', 'main.ts');
export const DEFAULT_BUNDLE_PATH = join(ROOT, 'dist', 'agent', 'carve-agent.js');
/** Debian 12 (bookworm) ships Node.js 18.19. */
export const AGENT_NODE_TARGET = 'node18';

/**
 * Globals and methods that came after Node 18. esbuild lowers syntax to the target but
 * cannot supply missing APIs, so a bundle mentioning one would fail on a stock Dom0 only
 * when that code path runs. Each entry is matched as a member access or a call.
 */
const AFTER_NODE_18: readonly { readonly pattern: RegExp; readonly api: string }[] = [
  { pattern: /\bPromise\.withResolvers\b/, api: 'Promise.withResolvers (Node 22)' },
  { pattern: /\bObject\.groupBy\b|\bMap\.groupBy\b/, api: 'Object.groupBy / Map.groupBy (Node 21)' },
  { pattern: /\bArray\.fromAsync\b/, api: 'Array.fromAsync (Node 22)' },
  { pattern: /\.toSorted\(|\.toReversed\(|\.toSpliced\(/, api: 'change-array-by-copy methods (Node 20)' },
  { pattern: /\bimport\.meta\.(dirname|filename)\b/, api: 'import.meta.dirname (Node 20.11)' },
  { pattern: /\bprocess\.getBuiltinModule\b/, api: 'process.getBuiltinModule (Node 22)' },
  { pattern: /\bAbortSignal\.any\b/, api: 'AbortSignal.any (Node 20.3)' },
  { pattern: /\bfs\.globSync\b|\bglobSync\(/, api: 'fs.globSync (Node 22)' },
  { pattern: /\.union\(|\.isSubsetOf\(|\.symmetricDifference\(/, api: 'Set methods (Node 22)' },
  { pattern: /\bnode:sqlite\b|\bnode:test\b/, api: 'node:sqlite / node:test' },
];

/**
 * The agent shares libs/xen's builders and validators with carve, and libs/xen's index also
 * exports carve's SSH transport (ssh2, with native addons). The agent never opens an SSH
 * connection, so ssh2 is replaced by a Client that says so: 150 KiB instead of 800, and no
 * `.node` files that a Dom0 without node_modules could not load.
 */
const withoutSshClient: import('esbuild').Plugin = {
  name: 'carve-agent-without-ssh-client',
  setup(build) {
    build.onResolve({ filter: /^ssh2$/ }, () => ({ path: 'ssh2', namespace: 'carve-agent-shim' }));
    build.onLoad({ filter: /.*/, namespace: 'carve-agent-shim' }, () => ({
      contents: `export class Client { constructor() { throw new Error('carve-agent opens no SSH connections'); } }\nexport const utils = {};\n`,
      loader: 'js',
    }));
  },
};

export interface BuiltAgentBundle {
  readonly code: string;
  /** Where it was written, when it was. */
  readonly path?: string;
}

/** Thrown when the bundle uses something Debian's Node 18 lacks. */
export class AgentBundleIncompatibleError extends Error {}

/** Bundles the agent with esbuild, checks it against Node 18, and writes it when `outFile` is given. */
export async function buildAgentBundle(outFile?: string): Promise<BuiltAgentBundle> {
  // Loaded here, not at the top: the API imports this file, and a pruned production
  // install has no esbuild (it uses a prebuilt bundle).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = await esbuild.build({
    entryPoints: [AGENT_ENTRY],
    bundle: true,
    platform: 'node',
    target: AGENT_NODE_TARGET,
    format: 'cjs',
    write: false,
    minify: false,
    legalComments: 'none',
    logLevel: 'silent',
    // The entry point may carry its own shebang; esbuild keeps a leading one and the banner adds none then.
    banner: { js: '#!/usr/bin/env node' },
    tsconfig: join(ROOT, 'tsconfig.json'),
    plugins: [withoutSshClient],
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output for the agent');
  const code = withOneShebang(output.text);
  assertNode18Compatible(code);
  if (outFile) {
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, code, { mode: 0o755 });
  }
  return { code, path: outFile };
}

/** Fails naming each API the bundle uses that Node 18 does not have. */
export function assertNode18Compatible(code: string): void {
  const found = AFTER_NODE_18.filter(({ pattern }) => pattern.test(code)).map(({ api }) => api);
  if (found.length > 0) {
    throw new AgentBundleIncompatibleError(`the agent bundle uses APIs Debian 12's Node 18 lacks: ${found.join(', ')}`);
  }
}

function withOneShebang(code: string): string {
  const lines = code.split('\n');
  const rest = lines.filter((line, index) => !(index < 3 && line.startsWith('#!')));
  return ['#!/usr/bin/env node', ...rest].join('\n');
}
