import type { Host } from '@carve/inventory';
import { HostRepository } from '@carve/inventory';
import { HostCollector } from '@carve/metering';
import type { Stack } from './stack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A host as the worker reads it now (its collector takes the entity). */
export async function hostOf(stack: Stack, id: string): Promise<Host> {
  return (await stack.worker!.get(HostRepository).findById(id))!;
}

/**
 * `count` metering collections of every host of the stack, each expected to be read, one
 * second of wall time apart (a simulated minute or more at the stack's fast clock).
 */
export async function collectEveryHost(stack: Stack, count: number, intervalMs: number): Promise<void> {
  const collector = stack.worker!.get(HostCollector);
  for (let i = 0; i < count; i++) {
    const outcomes = await Promise.all(stack.hosts.map(async (h) => (await collector.collect(await hostOf(stack, h.id), intervalMs)).status));
    expect(outcomes).toEqual(stack.hosts.map(() => 'collected'));
    await sleep(1000);
  }
}
