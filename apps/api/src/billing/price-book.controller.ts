import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PriceBook } from '@carve/billing';
import { Actor, CurrentActor } from '@carve/tenancy';
import { OperatorRoute } from '../http/api-docs.decorators';
import { UuidParam } from '../http/uuid-param';
import { CreatePriceVersionDto } from './price-book.dto';
import { PriceVersionView } from './price-book.view';

/** The operator's prices: versions effective from an instant, immutable once added (no PATCH, no DELETE: add a later version instead). */
@ApiTags('billing')
@Controller('v1/price-book')
export class PriceBookController {
  constructor(private readonly book: PriceBook) {}

  @Get()
  @OperatorRoute()
  @ApiOkResponse({ type: [PriceVersionView], description: 'Every version, oldest first; each is in force from its effectiveFrom until the next one\'s' })
  async list(): Promise<PriceVersionView[]> {
    return (await this.book.list()).map(PriceVersionView.of);
  }

  @Get(':id')
  @OperatorRoute(404)
  @ApiOkResponse({ type: PriceVersionView })
  async get(@UuidParam() id: string): Promise<PriceVersionView> {
    return PriceVersionView.of(await this.book.get(id));
  }

  @Post()
  @OperatorRoute(409)
  @ApiCreatedResponse({
    type: PriceVersionView,
    description:
      'Adds a version that replaces the one before it from effectiveFrom on. 409 duplicate_effective_from: a version takes effect at that instant already; ' +
      '409 period_finalised: effectiveFrom is before the end of a period with final invoices (finalised periods never change).',
  })
  async create(@CurrentActor() actor: Actor, @Body() body: CreatePriceVersionDto): Promise<PriceVersionView> {
    return PriceVersionView.of(await this.book.create(actor, body));
  }
}
