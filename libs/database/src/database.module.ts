import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CarveConfig } from '@carve/config';
import type { DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** The apps' PostgreSQL connection. Migrations run before the apps start (npm start, or npm run migration:run). */
@Module({})
export class DatabaseModule {
  static forRoot(schema: { entities: DataSourceOptions['entities']; migrations: DataSourceOptions['migrations'] }): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [CarveConfig],
          useFactory: (config: CarveConfig) => ({
            ...dataSourceOptions(config.databaseUrl, schema.entities, schema.migrations),
            retryAttempts: 2,
            retryDelay: 500,
          }),
        }),
      ],
    };
  }
}
