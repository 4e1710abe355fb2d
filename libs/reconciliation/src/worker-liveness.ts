import { Injectable } from '@nestjs/common';
import { RedisConnection, workerHeartbeatKey } from '@carve/redis';

/**
 * Which workers are alive: each worker process refreshes `<prefix>:workers:<workerId>`
 * with a 30 s TTL (apps/worker WorkerHeartbeat). A key that is gone means the worker
 * stopped beating: it died or lost Redis, and its running jobs will not finish.
 */
@Injectable()
export class WorkerLiveness {
  constructor(private readonly redis: RedisConnection) {}

  async alive(workerIds: string[]): Promise<Set<string>> {
    const ids = [...new Set(workerIds)];
    if (ids.length === 0) return new Set();
    const values = await this.redis.client.mget(...ids.map((id) => workerHeartbeatKey(this.redis, id)));
    return new Set(ids.filter((_, i) => values[i] !== null));
  }
}
