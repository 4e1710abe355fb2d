import { Inject, Injectable, Logger } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { Clock } from '@carve/core';
import { ClaimedDelivery, WebhookDeliveryRepository } from './webhook-delivery.repository';
import { retryDelayMs } from './webhook.model';
import { WebhookSender } from './webhook-sender';
import { WEBHOOK_HEADERS, webhookSignature } from './webhook-signature';

/** Past the attempt's own timeout, how long a claim holds before another worker may take the delivery. */
const LEASE_MARGIN_MS = 30_000;

export interface DispatchRound {
  attempted: number;
  succeeded: number;
  failed: number;
}

/**
 * Makes the due delivery attempts: claims some (each attempt made by one worker, see
 * WebhookDeliveryRepository.claimDue), signs and posts each, and records the outcome with
 * the next attempt after base x 2^(n-1) seconds, until the attempts run out.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger('webhooks');

  constructor(
    @Inject(CarveConfig) private readonly config: CarveConfig,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly sender: WebhookSender,
    private readonly clock: Clock,
  ) {}

  async deliverDue(): Promise<DispatchRound> {
    const { webhookMaxAttempts: maxAttempts, webhookTimeoutMs, webhookDeliveriesAtOnce } = this.config;
    await this.deliveries.failAbandoned(maxAttempts);
    const claimed = await this.deliveries.claimDue(webhookDeliveriesAtOnce, webhookTimeoutMs + LEASE_MARGIN_MS, maxAttempts);
    const outcomes = await Promise.all(claimed.map((claim) => this.attempt(claim)));
    return { attempted: claimed.length, succeeded: outcomes.filter(Boolean).length, failed: outcomes.filter((ok) => !ok).length };
  }

  private async attempt(claim: ClaimedDelivery): Promise<boolean> {
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    const outcome = await this.sender.post(
      claim.url,
      {
        [WEBHOOK_HEADERS.webhookId]: claim.webhookId,
        [WEBHOOK_HEADERS.eventId]: claim.eventId,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: webhookSignature(claim.secret, timestamp, claim.body),
      },
      claim.body,
    );
    const retryIn = outcome.ok || claim.attempt >= this.config.webhookMaxAttempts ? null : retryDelayMs(claim.attempt, this.config.webhookRetryBaseSeconds);
    const recorded = await this.deliveries.record(claim, outcome, retryIn);
    if (!recorded) this.logger.warn(`webhook delivery ${claim.id}: attempt ${claim.attempt} overran its claim; its outcome was not recorded`);
    if (!outcome.ok) this.logger.debug(`webhook delivery ${claim.id} attempt ${claim.attempt}: ${outcome.error}`);
    return outcome.ok;
  }
}
