import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { RedisConnection } from '@carve/redis';
import { Public } from '@carve/tenancy';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';

class DependencyHealth {
  @ApiProperty({ enum: ['up', 'down'] }) status: 'up' | 'down';
  @ApiProperty() latencyMs: number;
  @ApiProperty({ required: false }) error?: string;
}

class HealthView {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status: 'ok' | 'degraded';
  @ApiProperty({ type: DependencyHealth }) postgres: DependencyHealth;
  @ApiProperty({ type: DependencyHealth }) redis: DependencyHealth;
}

async function probe(check: () => Promise<unknown>): Promise<DependencyHealth> {
  const started = process.hrtime.bigint();
  try {
    await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000).unref())]);
    return { status: 'up', latencyMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000 };
  } catch (error) {
    return { status: 'down', latencyMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000, error: (error as Error).message };
  }
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisConnection,
  ) {}

  @Get()
  @Public()
  @ApiOkResponse({ type: HealthView, description: '200 when PostgreSQL and Redis answer, 503 otherwise' })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthView> {
    const [postgres, redis] = await Promise.all([probe(() => this.db.query('SELECT 1')), probe(() => this.redis.client.ping())]);
    const status = postgres.status === 'up' && redis.status === 'up' ? 'ok' : 'degraded';
    void reply.status(status === 'ok' ? 200 : 503);
    return { status, postgres, redis };
  }
}
