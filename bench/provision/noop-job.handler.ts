import type { DynamicModule } from '@nestjs/common';
import { JOB_HANDLERS, type JobContext, type JobHandler, type JobType } from '@carve/jobs';
import { SERVER_JOB_HANDLERS } from '@carve/servers';

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
 * The worker module as production builds it, with the no-op handler added to the
 * JOB_HANDLERS list the JobRunner gets. A provider in the module itself wins over the
 * one imported from ServerJobHandlersModule, so nothing in apps/ or libs/ changes.
 */
export function withNoopHandler(worker: DynamicModule): DynamicModule {
  return {
    ...worker,
    providers: [
      ...(worker.providers ?? []),
      { provide: JOB_HANDLERS, useFactory: (...handlers: JobHandler[]) => [...handlers, new NoopJobHandler()], inject: [...SERVER_JOB_HANDLERS] },
    ],
  };
}
