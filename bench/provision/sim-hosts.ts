/**
 * Child entry: `--hosts N --authorized-key-file FILE --name-prefix P` starts N simulated Dom0
 * hosts in this process (as other machines would be, away from the worker's and the API's
 * thread), then answers the bench over IPC: `ready` with their ports and fingerprints, and
 * `domains` (domains other than Dom0 on all of them) when asked.
 */
import { readFileSync } from 'node:fs';
import { generateEd25519KeyPair, startSimHost, type SimHost } from '@carve/dom0-sim';
import type { ChildMessage } from './child-process';
import { HOST_SHAPE, SIM_TIME_FACTOR, type SimEndpoint } from './sim-shape';

function flag(name: string): string {
  const index = process.argv.indexOf(name);
  const value = index >= 0 ? process.argv[index + 1] : undefined;
  if (value === undefined) throw new Error(`sim-hosts needs ${name}`);
  return value;
}

async function main(): Promise<void> {
  const count = Number(flag('--hosts'));
  const authorizedKey = readFileSync(flag('--authorized-key-file'), 'utf8').trim();
  const prefix = flag('--name-prefix');
  const adminKey = generateEd25519KeyPair();
  const sims: SimHost[] = await Promise.all(
    Array.from({ length: count }, (_, i) => startSimHost({ name: `${prefix}-${i + 1}`, port: 0, authorizedKeys: [authorizedKey], adminKey, timeFactor: SIM_TIME_FACTOR, ...HOST_SHAPE })),
  );
  const close = async (): Promise<void> => {
    await Promise.all(sims.map((s) => s.close()));
    process.exit(0);
  };
  process.on('SIGTERM', () => void close());
  process.on('message', (message: ChildMessage) => {
    if (message.type === 'count-domains') {
      const count = sims.reduce((n, sim) => n + sim.state.domains.filter((d) => d.domid !== 0).length, 0);
      process.send!({ type: 'domains', count });
    }
  });
  const hosts: SimEndpoint[] = sims.map((s) => ({ name: s.name, port: s.port, hostKeyFingerprint: s.hostKeyFingerprint, adminPrivateKey: s.adminPrivateKey }));
  process.send!({ type: 'ready', hosts });
}

main().catch((error: unknown) => {
  console.error(`sim-hosts: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
