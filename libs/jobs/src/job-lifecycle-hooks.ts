import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Job } from './job.entity';

export type CancelHook = (job: Job, manager: EntityManager) => Promise<void>;

/**
 * Lets the capability that owns a job type undo its side of a job cancelled before it
 * ran (e.g. an order releases its pool and host reservation), in the cancelling
 * transaction. Modules register at init; the jobs module knows no servers or pools.
 */
@Injectable()
export class JobLifecycleHooks {
  private readonly cancelHooks = new Map<string, CancelHook>();

  onCancelled(type: string, hook: CancelHook): void {
    this.cancelHooks.set(type, hook);
  }

  async cancelled(job: Job, manager: EntityManager): Promise<void> {
    await this.cancelHooks.get(job.type)?.(job, manager);
  }
}
