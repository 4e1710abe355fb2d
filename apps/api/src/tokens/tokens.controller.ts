import { Body, Controller, Delete, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, TokenService } from '@carve/tenancy';
import { IsOptional, IsUUID } from 'class-validator';
import { CreateTokenDto } from '../customers/customer.dto';
import { IssuedTokenView, TokenPage, TokenView } from '../customers/customer.view';
import { ReadRoute, WriteRoute } from '../http/api-docs.decorators';
import { PageQuery, pageRequest } from '../http/page-query.dto';
import { UuidParam } from '../http/uuid-param';

export class CreateOwnTokenDto extends CreateTokenDto {
  @ApiPropertyOptional({ description: 'A user of your own account; defaults to you' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

class RevokedTokenView extends TokenView {
  @ApiProperty() declare revokedAt: Date;
}

/** The caller's own account's tokens. Operators issue customers' first tokens through /v1/customers/:id/tokens. */
@ApiTags('tokens')
@Controller('v1/tokens')
export class TokensController {
  constructor(private readonly tokens: TokenService) {}

  @Get()
  @ReadRoute()
  @ApiOkResponse({ type: TokenPage, description: "Your account's tokens (viewers: only their own)" })
  list(@CurrentActor() actor: Actor, @Query() query: PageQuery): Promise<TokenPage> {
    return this.tokens.list(actor, pageRequest(query));
  }

  @Post()
  @WriteRoute(404)
  @ApiCreatedResponse({ type: IssuedTokenView })
  create(@CurrentActor() actor: Actor, @Body() body: CreateOwnTokenDto): Promise<IssuedTokenView> {
    return this.tokens.create(actor, body);
  }

  @Delete(':id')
  @WriteRoute(404)
  @ApiOkResponse({ type: RevokedTokenView, description: 'The token, now revoked' })
  revoke(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<TokenView> {
    return this.tokens.revoke(actor, id);
  }
}
