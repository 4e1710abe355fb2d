import { randomUUID } from 'node:crypto';

/** Who holds a journal entry or a lock: a process, and the agent instance inside it (the simulator runs several in one process). */
export interface Owner {
  readonly pid: number;
  readonly token: string;
}

export function newOwner(): Owner {
  return { pid: process.pid, token: randomUUID() };
}

/**
 * Whether the owner can still finish what it started. Another process: alive while its pid is.
 * This process: only the instance that wrote it (an earlier instance in the same process was closed).
 */
export function ownerAlive(owner: Owner, self: Owner): boolean {
  if (owner.pid === self.pid) return owner.token === self.token;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
