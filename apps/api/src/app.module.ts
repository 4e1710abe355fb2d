import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CarveConfig, ConfigModule } from '@carve/config';
import { CoreModule } from '@carve/core';
import { DatabaseModule } from '@carve/database';
import { InventoryModule } from '@carve/inventory';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { RedisModule } from '@carve/redis';
import { AuthGuard, TenancyModule } from '@carve/tenancy';
import { AgentInstallApiModule } from './agent-install/agent-install-api.module';
import { AuditApiModule } from './audit/audit-api.module';
import { BillingApiModule } from './billing/billing-api.module';
import { CustomersController } from './customers/customers.controller';
import { OwnCustomerController } from './customers/own-customer.controller';
import { EventsApiModule } from './events/events-api.module';
import { MeteringApiModule } from './metering/metering-api.module';
import { HealthController } from './health/health.controller';
import { HostsController } from './hosts/hosts.controller';
import { ImagesApiModule } from './images/images-api.module';
import { IoImpactApiModule } from './io-impact/io-impact-api.module';
import { InvoicesApiModule } from './invoices/invoices-api.module';
import { JobsApiModule } from './jobs/jobs-api.module';
import { PoolsApiModule } from './pools/pools-api.module';
import { ReconciliationApiModule } from './reconciliation/reconciliation-api.module';
import { ReportsApiModule } from './reports/reports-api.module';
import { ServersApiModule } from './servers/servers-api.module';
import { ProblemFilter } from './http/problem.filter';
import { StrictValidationPipe } from './http/validation.pipe';
import { MovesApiModule } from './moves/moves-api.module';
import { TokensController } from './tokens/tokens.controller';
import { UsersController } from './users/users.controller';
import { WebhooksApiModule } from './webhooks/webhooks-api.module';
import { SshKeysApiModule } from './ssh-keys/ssh-keys-api.module';
import { ConsoleApiModule } from './console/console-api.module';
import { ConsoleGatewayApiModule } from './console-gateway/console-gateway-api.module';

@Module({})
export class ApiModule {
  static forRoot(config: CarveConfig) {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        CoreModule,
        DatabaseModule.forRoot({ entities: ALL_ENTITIES, migrations: ALL_MIGRATIONS }),
        RedisModule,
        TenancyModule,
        InventoryModule,
        // One module per capability, each owning its controllers.
        PoolsApiModule,
        ImagesApiModule,
        ServersApiModule,
        MovesApiModule,
        JobsApiModule,
        AuditApiModule,
        ReconciliationApiModule,
        MeteringApiModule,
        IoImpactApiModule,
        EventsApiModule,
        BillingApiModule,
        InvoicesApiModule,
        ReportsApiModule,
        WebhooksApiModule,
        AgentInstallApiModule,
        SshKeysApiModule,
        ConsoleApiModule,
        ConsoleGatewayApiModule,
      ],
      controllers: [HealthController, HostsController, CustomersController, OwnCustomerController, TokensController, UsersController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
