import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler, JobType } from '@carve/jobs';
import { resize } from './live-resize';
import { FailedActionUndo } from './failed-action-undo';
import { ServerJobSupport } from './server-job-support';

/** Memory: config always; `xl mem-set` on the running domain when the request was live (within maxmem). */
@Injectable()
export class ResizeMemoryHandler implements JobHandler<JobType.ResizeMemory> {
  readonly type = JobType.ResizeMemory;

  constructor(
    private readonly support: ServerJobSupport,
    private readonly undo: FailedActionUndo,
  ) {}

  async onFailed(ctx: JobContext<JobType.ResizeMemory>): Promise<void> {
    await this.undo.resize(ctx);
  }

  async run(ctx: JobContext<JobType.ResizeMemory>): Promise<void> {
    const { memoryMiB, live } = ctx.params;
    await resize(ctx, this.support, live, {
      what: `memory ${memoryMiB} MiB`,
      aboveMaximum: 'above_maxmem',
      apply: (domainName) => ctx.dom0.setMemory(domainName, memoryMiB),
      runningHas: (domain) => domain.memoryMiB === memoryMiB,
    });
  }
}
