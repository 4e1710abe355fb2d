import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Actor, CUSTOMER_ROLES, CurrentActor, UserService } from '@carve/tenancy';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { UserPage, UserView } from '../customers/customer.view';
import { ReadRoute, WriteRoute } from '../http/api-docs.decorators';
import { PageQuery, pageRequest } from '../http/page-query.dto';
import { UuidParam } from '../http/uuid-param';
import { IsDisplayName } from '../http/text-validators';

export class CreateUserDto {
  @ApiProperty({ example: 'Vic Viewer' })
  @IsString()
  @IsDisplayName(100)
  name: string;

  @ApiProperty({ example: 'vic@acme.example' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({ enum: CUSTOMER_ROLES, default: 'viewer', description: "Ignored for the operator's own users, who are always operators" })
  @IsOptional()
  @IsIn(CUSTOMER_ROLES)
  role?: 'admin' | 'viewer';
}

/** The users of the caller's own account. */
@ApiTags('users')
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UserService) {}

  @Get()
  @ReadRoute()
  @ApiOkResponse({ type: UserPage })
  list(@CurrentActor() actor: Actor, @Query() query: PageQuery): Promise<UserPage> {
    return this.users.list(actor, pageRequest(query));
  }

  @Get(':id')
  @ReadRoute(404)
  @ApiOkResponse({ type: UserView })
  get(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<UserView> {
    return this.users.get(actor, id);
  }

  @Post()
  @WriteRoute(409)
  @ApiCreatedResponse({ type: UserView })
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserDto): Promise<UserView> {
    return this.users.create(actor, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @WriteRoute(404, 409)
  async remove(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<void> {
    await this.users.remove(actor, id);
  }
}
