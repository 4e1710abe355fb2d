import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CapacityMode, defaultPolicy, HostIoPolicy } from './io-policy';

interface PolicyRow {
  host_id: string;
  busy_threshold_percent: number;
  capacity_mode: CapacityMode;
  capacity_iops: number | null;
  capacity_mbps: number | null;
  learned_percentile: number | null;
  dominance_minutes: number;
  updated_at: Date;
}

function fromRow(r: PolicyRow): HostIoPolicy {
  return {
    hostId: r.host_id,
    busyThresholdPercent: r.busy_threshold_percent,
    capacityMode: r.capacity_mode,
    capacityIops: r.capacity_iops,
    capacityMBps: r.capacity_mbps,
    learnedPercentile: r.learned_percentile,
    dominanceMinutes: r.dominance_minutes,
    custom: true,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** host_io_policies (this lib's table). A host without a row has the defaults. */
@Injectable()
export class HostIoPolicyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async forHost(hostId: string): Promise<HostIoPolicy> {
    const [row]: PolicyRow[] = await this.db.query(`SELECT * FROM host_io_policies WHERE host_id = $1`, [hostId]);
    return row ? fromRow(row) : defaultPolicy(hostId);
  }

  async save(policy: HostIoPolicy): Promise<HostIoPolicy> {
    const [row]: PolicyRow[] = await this.db.query(
      `INSERT INTO host_io_policies (host_id, busy_threshold_percent, capacity_mode, capacity_iops, capacity_mbps, learned_percentile, dominance_minutes, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (host_id) DO UPDATE SET busy_threshold_percent = EXCLUDED.busy_threshold_percent, capacity_mode = EXCLUDED.capacity_mode,
         capacity_iops = EXCLUDED.capacity_iops, capacity_mbps = EXCLUDED.capacity_mbps, learned_percentile = EXCLUDED.learned_percentile,
         dominance_minutes = EXCLUDED.dominance_minutes, updated_at = now()
       RETURNING *`,
      [policy.hostId, policy.busyThresholdPercent, policy.capacityMode, policy.capacityIops, policy.capacityMBps, policy.learnedPercentile, policy.dominanceMinutes],
    );
    return fromRow(row!);
  }
}
