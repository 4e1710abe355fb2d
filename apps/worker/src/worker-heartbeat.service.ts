import { hostname } from 'node:os';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RedisConnection, workerHeartbeatKey } from '@carve/redis';

const BEAT_EVERY_MS = 10_000;
const BEAT_TTL_SECONDS = 30;

/**
 * Announces this worker in Redis every few seconds. The reconciler treats a job that is
 * `running` on a worker without a live heartbeat as stuck, and queues it again.
 */
@Injectable()
export class WorkerHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly workerId = `${hostname()}:${process.pid}`;
  private timer?: NodeJS.Timeout;
  private readonly logger = new Logger('worker');

  constructor(private readonly redis: RedisConnection) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch((e: Error) => this.logger.warn(`heartbeat failed: ${e.message}`)), BEAT_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.client.del(workerHeartbeatKey(this.redis, this.workerId)).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    await this.redis.client.set(workerHeartbeatKey(this.redis, this.workerId), new Date().toISOString(), 'EX', BEAT_TTL_SECONDS);
  }
}
