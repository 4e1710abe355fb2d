/**
 * The Nest context the collector's ingest runs in, as the worker wires it (config, clock,
 * the one DataSource, MeteringModule), on the bench's own database. No collector and no
 * SSH: the bench hands UsageIngest the readings itself.
 */
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { CarveConfig, ConfigModule, loadConfig } from '@carve/config';
import { CoreModule } from '@carve/core';
import { DatabaseModule } from '@carve/database';
import { MeteringModule, MeteringPartitions, UsageIngest } from '@carve/metering';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { RedisModule } from '@carve/redis';
import { TEST_REDIS_URL, uniqueName } from '@carve/testing';

@Module({})
class IngestBenchModule {
  static forRoot(config: CarveConfig): DynamicModule {
    return {
      module: IngestBenchModule,
      imports: [ConfigModule.forRoot(config), CoreModule, DatabaseModule.forRoot({ entities: ALL_ENTITIES, migrations: ALL_MIGRATIONS }), RedisModule, MeteringModule],
    };
  }
}

export interface IngestContext {
  config: CarveConfig;
  ingest: UsageIngest;
  partitions: MeteringPartitions;
  close(): Promise<void>;
}

export async function startIngestContext(databaseUrl: string): Promise<IngestContext> {
  // MeteringModule brings ServersModule and with it the jobs queue (Redis); nothing is queued, no key is written.
  const config = loadConfig({ DATABASE_URL: databaseUrl, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: uniqueName('ingest').slice(0, 32) });
  const app: INestApplicationContext = await NestFactory.createApplicationContext(IngestBenchModule.forRoot(config), { logger: ['error', 'warn'] });
  return { config, ingest: app.get(UsageIngest), partitions: app.get(MeteringPartitions), close: () => app.close() };
}
