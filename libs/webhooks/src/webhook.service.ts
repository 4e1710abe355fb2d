import { Inject, Injectable } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { InvalidInputError, NotFoundError, Page, PageRequest, toPage } from '@carve/core';
import { bareHostname, checkedAddresses, parseWebhookUrl, UrlRules, WebhookUrlRefused } from './webhook-address';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { ALL_EVENTS, NewWebhook, Webhook, WebhookDelivery, WebhookEventFilter } from './webhook.model';
import { WebhookRepository } from './webhook.repository';
import { newWebhookSecret } from './webhook-signature';

/** The operator's webhook endpoints and what was sent to them. Operators only (the routes check). */
@Injectable()
export class WebhookService {
  private readonly rules: UrlRules;

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    @Inject(CarveConfig) config: CarveConfig,
  ) {
    this.rules = { allowHttp: config.webhookAllowHttp, allowPrivate: config.webhookAllowPrivate };
  }

  /** The new webhook with its secret (given, or generated): the only time the secret is shown. */
  async create(input: NewWebhook): Promise<Webhook & { secret: string }> {
    try {
      await checkedAddresses(bareHostname(parseWebhookUrl(input.url, this.rules)), this.rules);
    } catch (error) {
      if (error instanceof WebhookUrlRefused) throw new InvalidInputError([{ field: 'url', message: error.message }]);
      throw error;
    }
    // '*' already means every kind: the rest would be noise.
    const events: WebhookEventFilter[] = input.events.includes(ALL_EVENTS) ? [ALL_EVENTS] : [...new Set(input.events)];
    const secret = input.secret ?? newWebhookSecret();
    return { ...(await this.webhooks.insert({ url: input.url, events, secret })), secret };
  }

  async list(page: PageRequest): Promise<Page<Webhook>> {
    return toPage(await this.webhooks.list(page), page.limit, (w) => w);
  }

  async get(id: string): Promise<Webhook> {
    const webhook = await this.webhooks.findById(id);
    if (!webhook) throw new NotFoundError('webhook', id);
    return webhook;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.webhooks.delete(id))) throw new NotFoundError('webhook', id);
  }

  async deliveriesOf(id: string, page: PageRequest): Promise<Page<WebhookDelivery>> {
    await this.get(id);
    return toPage(await this.deliveries.listForWebhook(id, page), page.limit, (d) => d);
  }
}
