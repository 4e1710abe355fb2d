import { startChild, type BenchChild, type ChildMessage } from './child-process';
import type { SimEndpoint } from './sim-shape';

export interface SimFleet {
  child: BenchChild;
  hosts: SimEndpoint[];
  /** Domains other than Dom0 running on the fleet's hosts now. */
  domainsRunning(): Promise<number>;
}

/** `count` simulated hosts in a child process of their own (sim-hosts.ts). */
export async function startSimFleet(name: string, count: number, authorizedKeyFile: string, namePrefix: string): Promise<SimFleet> {
  const child = startChild(name, 'bench/provision/sim-hosts.ts', ['--hosts', String(count), '--authorized-key-file', authorizedKeyFile, '--name-prefix', namePrefix], process.env);
  const ready = await child.next<ChildMessage & { hosts: SimEndpoint[] }>('ready');
  return {
    child,
    hosts: ready.hosts,
    async domainsRunning() {
      child.send({ type: 'count-domains' });
      return (await child.next<ChildMessage & { count: number }>('domains')).count;
    },
  };
}
