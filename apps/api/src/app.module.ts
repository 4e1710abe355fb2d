import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CarveConfig, ConfigModule } from '@carve/config';
import { CoreModule } from '@carve/core';
import { DatabaseModule } from '@carve/database';
import { InventoryModule } from '@carve/inventory';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { RedisModule } from '@carve/redis';
import { AuthGuard, TenancyModule } from '@carve/tenancy';
import { CustomersController } from './customers/customers.controller';
import { HealthController } from './health/health.controller';
import { HostsController } from './hosts/hosts.controller';
import { ProblemFilter } from './http/problem.filter';
import { StrictValidationPipe } from './http/validation.pipe';
import { TokensController } from './tokens/tokens.controller';
import { UsersController } from './users/users.controller';

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
      ],
      controllers: [HealthController, HostsController, CustomersController, TokensController, UsersController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
