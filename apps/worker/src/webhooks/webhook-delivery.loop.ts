import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { WebhookDispatcher, WebhookOutbox } from '@carve/webhooks';
import { PeriodicTask } from '../scheduling/periodic-task';

/**
 * Every WEBHOOK_POLL_MS (0: never), each worker process queues deliveries for new events
 * and makes the attempts that are due. Every worker may run it at once: queuing is
 * idempotent and each attempt is claimed by one worker (SKIP LOCKED).
 */
@Injectable()
export class WebhookDeliveryLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('webhooks');
  private task?: PeriodicTask;

  constructor(
    @Inject(CarveConfig) private readonly config: CarveConfig,
    private readonly outbox: WebhookOutbox,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  onApplicationBootstrap(): void {
    this.task = PeriodicTask.start({
      what: 'webhook round',
      logger: this.logger,
      everyMs: this.config.webhookPollMs,
      offNotice: 'webhook delivery off (WEBHOOK_POLL_MS=0)',
      run: () => this.round(),
    });
  }

  /** One round: queue, then attempt; exposed for tests. */
  async round(): Promise<{ queued: number; attempted: number }> {
    const queued = await this.outbox.scan();
    const { attempted } = await this.dispatcher.deliverDue();
    return { queued, attempted };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}
