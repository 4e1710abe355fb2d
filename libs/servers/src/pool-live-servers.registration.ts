import { Injectable, OnModuleInit } from '@nestjs/common';
import { PoolLiveServers } from '@carve/pools';
import { ServerRepository } from './server.repository';

/** Gives pools the count of a pool's live servers they refuse a delete on (pools cannot import servers). */
@Injectable()
export class PoolLiveServersRegistration implements OnModuleInit {
  constructor(
    private readonly liveServers: PoolLiveServers,
    private readonly servers: ServerRepository,
  ) {}

  onModuleInit(): void {
    this.liveServers.countWith((manager, poolId) => this.servers.liveCountInPool(poolId, manager));
  }
}
