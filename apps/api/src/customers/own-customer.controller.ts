import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ForbiddenError } from '@carve/core';
import { Actor, CurrentActor, CustomerService } from '@carve/tenancy';
import { ReadRoute } from '../http/api-docs.decorators';
import { CustomerView } from './customer.view';

/** A customer's own account as the operator keeps it (its tax rate included), so invoices hold no surprise. */
@ApiTags('customers')
@Controller('v1/account')
export class OwnCustomerController {
  constructor(private readonly customers: CustomerService) {}

  @Get()
  @ReadRoute(403)
  @ApiOkResponse({ type: CustomerView, description: "The caller's own customer account (customers only; operators read /v1/customers/{id})" })
  get(@CurrentActor() actor: Actor): Promise<CustomerView> {
    if (actor.customerId === null) throw new ForbiddenError('Operators have no account of their own here; read a customer at /v1/customers/{id}.');
    return this.customers.get(actor.customerId);
  }
}
