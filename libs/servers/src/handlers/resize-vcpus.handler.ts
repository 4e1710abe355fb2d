import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler, JobType } from '@carve/jobs';
import { resize } from './live-resize';
import { FailedActionUndo } from './failed-action-undo';
import { ServerJobSupport } from './server-job-support';

/** vCPUs: config always; `xl vcpu-set` on the running domain when the request was live (within maxvcpus). */
@Injectable()
export class ResizeVcpusHandler implements JobHandler<JobType.ResizeVcpus> {
  readonly type = JobType.ResizeVcpus;

  constructor(
    private readonly support: ServerJobSupport,
    private readonly undo: FailedActionUndo,
  ) {}

  async onFailed(ctx: JobContext<JobType.ResizeVcpus>): Promise<void> {
    await this.undo.resize(ctx);
  }

  async run(ctx: JobContext<JobType.ResizeVcpus>): Promise<void> {
    const { vcpus, live } = ctx.params;
    await resize(ctx, this.support, live, {
      what: `${vcpus} vCPUs`,
      aboveMaximum: 'above_maxvcpus',
      apply: (domainName) => ctx.dom0.setVcpus(domainName, vcpus),
      runningHas: (domain) => domain.vcpus === vcpus,
    });
  }
}
