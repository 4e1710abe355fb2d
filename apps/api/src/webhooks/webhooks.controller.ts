import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { WebhookService } from '@carve/webhooks';
import { OperatorRoute } from '../http/api-docs.decorators';
import { pageRequest, PageQuery } from '../http/page-query.dto';
import { UuidParam } from '../http/uuid-param';
import { CreateWebhookDto } from './webhook.dto';
import { CreatedWebhookView, WebhookDeliveryPage, WebhookDeliveryView, WebhookPage, WebhookView } from './webhook.view';

/** The operator's webhook endpoints: every event (GET /v1/events as the operator sees it) is POSTed, signed, to those that subscribe to its kind. */
@ApiTags('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookService) {}

  @Post()
  @OperatorRoute()
  @ApiCreatedResponse({ type: CreatedWebhookView, description: 'Events raised from now on are delivered to it. The secret is in this response only.' })
  async create(@Body() body: CreateWebhookDto): Promise<CreatedWebhookView> {
    return CreatedWebhookView.withSecret(await this.webhooks.create(body));
  }

  @Get()
  @OperatorRoute()
  @ApiOkResponse({ type: WebhookPage })
  async list(@Query() query: PageQuery): Promise<WebhookPage> {
    const page = await this.webhooks.list(pageRequest(query));
    return { items: page.items.map(WebhookView.of), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @OperatorRoute(404)
  @ApiOkResponse({ type: WebhookView })
  async get(@UuidParam() id: string): Promise<WebhookView> {
    return WebhookView.of(await this.webhooks.get(id));
  }

  @Delete(':id')
  @HttpCode(204)
  @OperatorRoute(404)
  async remove(@UuidParam() id: string): Promise<void> {
    await this.webhooks.remove(id);
  }

  @Get(':id/deliveries')
  @OperatorRoute(404)
  @ApiOkResponse({ type: WebhookDeliveryPage, description: 'Newest first: each event sent to it, its attempts, the last response and when the next attempt is due' })
  async deliveries(@UuidParam() id: string, @Query() query: PageQuery): Promise<WebhookDeliveryPage> {
    const page = await this.webhooks.deliveriesOf(id, pageRequest(query));
    return { items: page.items.map(WebhookDeliveryView.of), nextCursor: page.nextCursor };
  }
}
