/**
 * npm run agent:build [-- OUT_FILE]: the Dom0 agent as one file (default
 * dist/agent/carve-agent.js) to copy to a Dom0 and run with Debian's nodejs.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { buildAgentBundle, DEFAULT_BUNDLE_PATH, parseVersionOutput } from '@carve/agent-install';

async function main(): Promise<void> {
  const outFile = resolve(process.argv[2] ?? DEFAULT_BUNDLE_PATH);
  const { code } = await buildAgentBundle(outFile);
  // The version is the one constant the agent exports; asking the bundle proves it runs.
  const version = parseVersionOutput(execFileSync(process.execPath, [outFile, 'version'], { encoding: 'utf8', env: {} }));
  process.stdout.write(`${outFile}: ${(code.length / 1024).toFixed(0)} KiB, carve-agent version ${version}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`agent:build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
