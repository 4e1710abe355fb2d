/**
 * npm run agent:install-command -- root@DOM0 CARVE_PUBLIC_KEY_FILE [BUNDLE]: prints the one
 * command that installs (or upgrades) the Dom0 agent by hand, run where the bundle is
 * (npm run agent:build writes dist/agent/carve-agent.js).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { DEFAULT_BUNDLE_PATH, manualInstallCommand, parsePublicKeyLine } from '@carve/agent-install';

function main(): void {
  const [destination, publicKeyFile, bundle] = process.argv.slice(2);
  if (!destination || !publicKeyFile) {
    process.stderr.write('usage: npm run agent:install-command -- root@DOM0 CARVE_PUBLIC_KEY_FILE [BUNDLE]\n');
    process.exitCode = 2;
    return;
  }
  const carveKey = parsePublicKeyLine(readFileSync(publicKeyFile, 'utf8'));
  process.stdout.write(`${manualInstallCommand({ destination, bundlePath: bundle ?? relative(process.cwd(), DEFAULT_BUNDLE_PATH), carveKey })}\n`);
}

main();
