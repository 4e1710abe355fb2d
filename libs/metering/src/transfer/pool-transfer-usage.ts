import { Injectable } from '@nestjs/common';
import { Clock } from '@carve/core';
import { HostRepository } from '@carve/inventory';
import type { Pool } from '@carve/pools';
import { billingMonthOf, TransferFigures, transferFigures } from './transfer-month';
import { TransferUsageRepository } from './transfer-usage.repository';

/**
 * A pool's outbound transfer this (UTC calendar) month against its allowance. Shared
 * pools: the pool's transferGB. Dedicated pools: the transfer allowance of their host as
 * the operator has it set now (a dedicated pool's own transferGB only follows the host at
 * its next allocation).
 */
@Injectable()
export class PoolTransferUsage {
  constructor(
    private readonly usage: TransferUsageRepository,
    private readonly hosts: HostRepository,
    private readonly clock: Clock,
  ) {}

  /** `pool` is one the caller was allowed to read. Null only for a dedicated pool whose host is gone. */
  async ofPool(pool: Pool): Promise<TransferFigures | null> {
    const allowanceGB = await this.allowanceGB(pool);
    if (allowanceGB === null) return null;
    const now = this.clock.now();
    const { start, end } = billingMonthOf(now);
    const used = (await this.usage.outboundBytes([pool.id], start, end)).get(pool.id) ?? 0;
    return transferFigures(used, allowanceGB, now);
  }

  private async allowanceGB(pool: Pool): Promise<number | null> {
    if (pool.kind === 'shared') return pool.transferGB;
    const host = pool.hostId ? await this.hosts.findById(pool.hostId) : null;
    return host ? host.transferAllowanceGB : null;
  }
}
