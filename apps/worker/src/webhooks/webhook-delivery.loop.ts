import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { WebhookDispatcher, WebhookOutbox } from '@carve/webhooks';

/**
 * Every WEBHOOK_POLL_MS (0: never), each worker process queues deliveries for new events
 * and makes the attempts that are due. Every worker may run it at once: queuing is
 * idempotent and each attempt is claimed by one worker (SKIP LOCKED).
 */
@Injectable()
export class WebhookDeliveryLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('webhooks');
  private timer?: NodeJS.Timeout;
  private current?: Promise<unknown>;

  constructor(
    @Inject(CarveConfig) private readonly config: CarveConfig,
    private readonly outbox: WebhookOutbox,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.webhookPollMs === 0) {
      this.logger.log('webhook delivery off (WEBHOOK_POLL_MS=0)');
      return;
    }
    this.timer = setInterval(() => {
      if (this.current) return; // still on the previous round
      this.current = this.round()
        .catch((error: Error) => this.logger.error(`webhook round failed: ${error.message}`))
        .finally(() => (this.current = undefined));
    }, this.config.webhookPollMs);
    this.timer.unref();
  }

  /** One round: queue, then attempt; exposed for tests. */
  async round(): Promise<{ queued: number; attempted: number }> {
    const queued = await this.outbox.scan();
    const { attempted } = await this.dispatcher.deliverDue();
    return { queued, attempted };
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.current;
  }
}
