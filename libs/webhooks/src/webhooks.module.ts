import { Module } from '@nestjs/common';
import { EventsModule } from '@carve/events';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookOutbox } from './webhook-outbox';
import { WebhookRepository } from './webhook.repository';
import { WebhookSender } from './webhook-sender';
import { WebhookService } from './webhook.service';

/**
 * Webhooks: the operator's endpoints (API), and the outbox and dispatcher that send every
 * event to them (worker). Events are read through libs/events' own repository, which EventsModule exports.
 */
@Module({
  imports: [EventsModule],
  providers: [WebhookRepository, WebhookDeliveryRepository, WebhookSender, WebhookService, WebhookOutbox, WebhookDispatcher],
  exports: [WebhookService, WebhookOutbox, WebhookDispatcher],
})
export class WebhooksModule {}
