import { Module } from '@nestjs/common';
import { WebhooksModule } from '@carve/webhooks';
import { WebhookDeliveryLoop } from './webhook-delivery.loop';

/** The worker's part of webhooks: sending every event to the endpoints that want it. */
@Module({ imports: [WebhooksModule], providers: [WebhookDeliveryLoop] })
export class WebhooksWorkerModule {}
