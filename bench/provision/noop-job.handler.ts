import type { DynamicModule } from '@nestjs/common';
import { JobHandlerRegistry, type JobContext, type JobHandler, type JobType } from '@carve/jobs';

/**
 * A bench-only job type: never in the production catalog (JobType), so it cannot be asked
 * for through the API. The worker accepts it only in the bench's own worker module.
 */
export const BENCH_NOOP_JOB = 'bench.noop';

/** One recorded step that does nothing: what is left of a job once the Dom0 work is taken away. */
export class NoopJobHandler implements JobHandler {
  // The catalog is typed to production job types; the bench type is deliberately outside it.
  readonly type = BENCH_NOOP_JOB as JobType;

  async run(ctx: JobContext): Promise<void> {
    await ctx.step('noop', async () => undefined);
  }
}

/**
 * The worker module as production builds it, with the no-op handler registered next to
 * the production ones in the jobs registry, so nothing in apps/ or libs/ changes.
 */
export function withNoopHandler(worker: DynamicModule): DynamicModule {
  return {
    ...worker,
    providers: [
      ...(worker.providers ?? []),
      { provide: 'bench.noop-handler', useFactory: (registry: JobHandlerRegistry) => registry.register('bench', [new NoopJobHandler()]), inject: [JobHandlerRegistry] },
    ],
  };
}
