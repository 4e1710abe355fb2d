import { Clock } from '@carve/core';
import { Job, JobEvents, JobRepository, JobStep, StepReport } from '@carve/jobs';

const MAX_COMMANDS_PER_STEP = 40;
const PROGRESS_EVERY_MS = 1000;

/**
 * Runs a job's named steps and records each one on the job record as it goes, so the
 * queue shows live progress. Steps that succeeded in an earlier attempt are skipped.
 */
export class JobSteps {
  private readonly steps: JobStep[];
  private current?: JobStep;

  constructor(
    private readonly job: Job,
    private readonly jobs: JobRepository,
    private readonly events: JobEvents,
    private readonly clock: Clock,
  ) {
    this.steps = job.steps.map((s) => ({ ...s }));
  }

  /** Called by the Dom0 client's executor for every command line it runs. */
  recordCommand(line: string): void {
    const step = this.current;
    if (!step) return;
    step.commands ??= [];
    if (step.commands.length < MAX_COMMANDS_PER_STEP) step.commands.push(line.length > 500 ? `${line.slice(0, 500)}...` : line);
  }

  async step(name: string, work: (report: StepReport) => Promise<void>): Promise<void> {
    let step = this.steps.find((s) => s.name === name);
    if (step?.status === 'succeeded' || step?.status === 'skipped') return;
    if (!step) {
      step = { name, status: 'pending' };
      this.steps.push(step);
    }
    Object.assign(step, { status: 'running', startedAt: this.clock.now().toISOString(), finishedAt: undefined, error: undefined, commands: [] });
    this.current = step;
    await this.save();
    let savedAt = 0;
    const report: StepReport = {
      command: (line) => this.recordCommand(line),
      note: (text) => {
        step.note = text;
      },
      progress: async (text) => {
        step.note = text;
        if (Date.now() - savedAt < PROGRESS_EVERY_MS) return;
        savedAt = Date.now();
        await this.save();
      },
    };
    try {
      await work(report);
      Object.assign(step, { status: 'succeeded', finishedAt: this.clock.now().toISOString() });
    } catch (error) {
      Object.assign(step, { status: 'failed', finishedAt: this.clock.now().toISOString(), error: (error as Error).message });
      throw error;
    } finally {
      this.current = undefined;
      await this.save();
    }
  }

  private async save(): Promise<void> {
    await this.jobs.saveSteps(this.job.id, this.steps, this.job.runId!);
    await this.events.publish(this.job.id);
  }
}
