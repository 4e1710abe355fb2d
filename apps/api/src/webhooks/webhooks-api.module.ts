import { Module } from '@nestjs/common';
import { WebhooksModule } from '@carve/webhooks';
import { WebhooksController } from './webhooks.controller';

/** The HTTP side of webhooks: endpoints and their deliveries. */
@Module({ imports: [WebhooksModule], controllers: [WebhooksController] })
export class WebhooksApiModule {}
