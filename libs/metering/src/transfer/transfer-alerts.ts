import { Injectable, Logger } from '@nestjs/common';
import { EventKind, EventService } from '@carve/events';
import { PoolService } from '@carve/pools';
import { billingMonthOf, reached, transferFigures } from './transfer-month';
import { TransferUsageRepository } from './transfer-usage.repository';

/** The thresholds, lowest first, so a pool that passes both in one interval tells of 80 before 100. */
export const TRANSFER_THRESHOLDS: readonly { percent: number; kind: EventKind }[] = [
  { percent: 80, kind: 'pool.transfer.80' },
  { percent: 100, kind: 'pool.transfer.100' },
];

export interface TransferAlertRun {
  month: string;
  poolsChecked: number;
  /** Events this run recorded (others raised earlier in the month are not raised again). */
  raised: { poolId: string; kind: EventKind }[];
}

/**
 * Tells customers when a shared pool's outbound transfer this month reaches 80% and 100%
 * of its allowance: one event per pool, month and threshold, however often and by however
 * many workers this runs (the dedup key `pool-transfer:<poolId>:<YYYY-MM>:<percent>`).
 */
@Injectable()
export class TransferAlerts {
  private readonly logger = new Logger('metering');

  constructor(
    private readonly pools: PoolService,
    private readonly usage: TransferUsageRepository,
    private readonly events: EventService,
  ) {}

  async check(now: Date): Promise<TransferAlertRun> {
    const { month, start, end } = billingMonthOf(now);
    const pools = await this.pools.sharedWithTransferAllowance();
    const used = await this.usage.outboundBytes(
      pools.map((p) => p.id),
      start,
      end,
    );
    const raised: TransferAlertRun['raised'] = [];
    for (const pool of pools) {
      const usedBytes = used.get(pool.id) ?? 0;
      for (const threshold of TRANSFER_THRESHOLDS) {
        if (!reached(usedBytes, pool.transferGB, threshold.percent)) break;
        const figures = transferFigures(usedBytes, pool.transferGB, now);
        const isNew = await this.events.raise({
          customerId: pool.customerId,
          kind: threshold.kind,
          subjectType: 'pool',
          subjectId: pool.id,
          data: { month, usedBytes, allowanceBytes: figures.allowanceBytes, percent: figures.percent ?? 0 },
          dedupKey: `pool-transfer:${pool.id}:${month}:${threshold.percent}`,
        });
        if (isNew) raised.push({ poolId: pool.id, kind: threshold.kind });
      }
    }
    if (raised.length > 0) this.logger.log(`transfer alerts ${month}: ${raised.map((r) => `${r.kind} ${r.poolId}`).join(', ')}`);
    return { month, poolsChecked: pools.length, raised };
  }
}
