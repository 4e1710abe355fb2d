import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CustomerService } from '@carve/tenancy';
import { OperatorRoute } from '../http/api-docs.decorators';
import { pageRequest } from '../http/page-query.dto';
import { rejectNulls } from '../http/reject-nulls';
import { UuidParam } from '../http/uuid-param';
import { CreateCustomerDto, CreateTokenDto, CustomerListQuery, UpdateCustomerDto } from './customer.dto';
import { CreatedCustomerView, CustomerPage, CustomerView, IssuedTokenView } from './customer.view';

@ApiTags('customers')
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomerService) {}

  @Post()
  @OperatorRoute(409)
  @ApiCreatedResponse({ type: CreatedCustomerView, description: 'The customer and its first admin user' })
  create(@Body() body: CreateCustomerDto): Promise<CreatedCustomerView> {
    return this.customers.create(body);
  }

  @Get()
  @OperatorRoute()
  @ApiOkResponse({ type: CustomerPage })
  list(@Query() query: CustomerListQuery): Promise<CustomerPage> {
    return this.customers.list(pageRequest(query), { status: query.status, name: query.name });
  }

  @Get(':id')
  @OperatorRoute(404)
  @ApiOkResponse({ type: CustomerView })
  get(@UuidParam() id: string): Promise<CustomerView> {
    return this.customers.get(id);
  }

  @Patch(':id')
  @OperatorRoute(404, 409)
  @ApiOkResponse({ type: CustomerView })
  update(@UuidParam() id: string, @Body() body: UpdateCustomerDto): Promise<CustomerView> {
    return this.customers.update(id, rejectNulls(body, ['contactEmail']));
  }

  @Post(':id/tokens')
  @OperatorRoute(404, 409)
  @ApiCreatedResponse({ type: IssuedTokenView, description: "A token for the customer's first admin user" })
  issueToken(@UuidParam() id: string, @Body() body: CreateTokenDto): Promise<IssuedTokenView> {
    return this.customers.issueAdminToken(id, body);
  }
}
