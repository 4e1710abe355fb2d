import { ApiProperty } from '@nestjs/swagger';
import { EVENT_KINDS } from '@carve/events';
import { DELIVERY_STATUSES, WEBHOOK_EVENT_FILTERS, type Webhook, type WebhookDelivery } from '@carve/webhooks';

export class WebhookView {
  @ApiProperty() id: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_FILTERS, isArray: true }) events: string[];
  @ApiProperty() createdAt: Date;

  static of(w: Webhook): WebhookView {
    return { id: w.id, url: w.url, events: w.events, createdAt: w.createdAt };
  }
}

export class CreatedWebhookView extends WebhookView {
  @ApiProperty({ description: 'The signing secret. Shown only here: store it now.' }) secret: string;

  static withSecret(w: Webhook & { secret: string }): CreatedWebhookView {
    return { ...WebhookView.of(w), secret: w.secret };
  }
}

export class WebhookPage {
  @ApiProperty({ type: [WebhookView] }) items: WebhookView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class WebhookDeliveryView {
  @ApiProperty() id: string;
  @ApiProperty() eventId: string;
  @ApiProperty({ enum: EVENT_KINDS }) eventKind: string;
  @ApiProperty({ enum: DELIVERY_STATUSES, description: 'pending: an attempt is due at nextAttemptAt; succeeded: the endpoint answered 2xx; failed: every attempt failed' }) status: string;
  @ApiProperty({ description: 'Attempts made so far' }) attempts: number;
  @ApiProperty({ nullable: true, type: Date }) nextAttemptAt: Date | null;
  @ApiProperty({ nullable: true, type: Date }) lastAttemptAt: Date | null;
  @ApiProperty({ nullable: true, type: Number, description: "The endpoint's HTTP status on the last attempt" }) responseCode: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'The first 500 characters of its answer' }) responseExcerpt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the last attempt failed (timeout, refused connection, non-2xx, an address no longer allowed)' }) lastError: string | null;
  @ApiProperty({ nullable: true, type: Date }) deliveredAt: Date | null;
  @ApiProperty() createdAt: Date;

  static of(d: WebhookDelivery): WebhookDeliveryView {
    const { webhookId: _w, ...view } = d;
    return view;
  }
}

export class WebhookDeliveryPage {
  @ApiProperty({ type: [WebhookDeliveryView] }) items: WebhookDeliveryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
