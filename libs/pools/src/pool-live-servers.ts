import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** How many servers of a pool are not deleted yet, in the caller's transaction. */
export type LiveServerCounter = (manager: EntityManager, poolId: string) => Promise<number>;

/**
 * The pool's servers as pools need them to refuse a delete. Servers build on pools (they
 * reserve through PoolAllocator), so pools cannot import them: libs/servers registers its
 * counter here at init, the way job types register their cancel hooks with the jobs module.
 */
@Injectable()
export class PoolLiveServers {
  private counter?: LiveServerCounter;

  countWith(counter: LiveServerCounter): void {
    this.counter = counter;
  }

  async count(manager: EntityManager, poolId: string): Promise<number> {
    // A delete that could not look would have to guess; refusing to guess keeps a pool with servers from going.
    if (!this.counter) throw new Error('no live server counter registered for pools (ServersModule not loaded)');
    return this.counter(manager, poolId);
  }
}
