import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { TransferFigures } from '@carve/metering';
import { SERVER_STATES } from '@carve/servers';
import { POOL_BILLING_MODES, type Pool, type PoolBillingMode, type PoolDetail, type PoolServer, type PoolSizeChange } from '@carve/pools';

export class PoolResourceView {
  @ApiProperty() size: number;
  @ApiProperty({ description: "Held by the pool's servers" }) allocated: number;
  @ApiProperty() free: number;
}

export class PoolView {
  @ApiProperty() id: string;
  @ApiProperty() customerId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['shared', 'dedicated'] }) kind: string;
  @ApiProperty({ nullable: true, type: String, description: 'The dedicated host (dedicated pools)' }) hostId: string | null;
  @ApiProperty({ type: PoolResourceView }) memoryMiB: PoolResourceView;
  @ApiProperty({ type: PoolResourceView }) vcpus: PoolResourceView;
  @ApiProperty({ type: PoolResourceView }) diskGiB: PoolResourceView;
  @ApiProperty({ description: 'Monthly transfer shared by all servers of the pool, GB' }) transferGB: number;
  @ApiProperty({ enum: POOL_BILLING_MODES, nullable: true, type: String, description: "Shared pools: transfer (allowance and overage) or p95 (95th percentile bandwidth). Null for dedicated pools, billed their monthlyPrice" })
  billing: PoolBillingMode | null;
  @ApiProperty({ nullable: true, type: String, example: '120.00', description: "Dedicated pools: the monthly rent in major units of the price book's currency; null: not billed (and always for shared pools)" })
  monthlyPrice: string | null;
  @ApiProperty() serverCount: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static of(p: Pool): PoolView {
    const resource = (size: number, allocated: number): PoolResourceView => ({ size, allocated, free: Math.max(0, size - allocated) });
    return Object.assign(new PoolView(), {
      id: p.id,
      customerId: p.customerId,
      name: p.name,
      kind: p.kind,
      hostId: p.hostId,
      memoryMiB: resource(p.memoryMiB, p.allocatedMemoryMiB),
      vcpus: resource(p.vcpus, p.allocatedVcpus),
      diskGiB: resource(p.diskGiB, p.allocatedDiskGiB),
      transferGB: p.transferGB,
      billing: p.kind === 'shared' ? p.billing : null,
      monthlyPrice: p.kind === 'dedicated' ? p.monthlyPrice : null,
      serverCount: p.serverCount,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    });
  }
}

export class PoolServerView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: SERVER_STATES }) state: string;
  @ApiProperty() memoryMiB: number;
  @ApiProperty() vcpus: number;
  @ApiProperty({ description: 'Total size of its disks' }) diskGiB: number;

  static of(s: PoolServer): PoolServerView {
    return Object.assign(new PoolServerView(), { id: s.id, name: s.name, state: s.state, memoryMiB: s.memoryMiB, vcpus: s.vcpus, diskGiB: s.diskGiB });
  }
}

export class PoolTransferView {
  @ApiProperty({ example: '2026-11', description: 'The UTC calendar month counted' }) month: string;
  @ApiProperty({ description: "Bytes the pool's servers sent this month (on every host they ran on); inbound is not counted" }) usedBytes: number;
  @ApiProperty({ description: 'usedBytes in GB of 10^9 bytes, to three decimals' }) usedGB: number;
  @ApiProperty({ description: "Shared pools: the pool's transferGB. Dedicated pools: their host's monthly transfer allowance" }) allowanceGB: number;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'usedBytes of the allowance in %, rounded down to two decimals; null when the allowance is 0' })
  percent: number | null;
  @ApiProperty({ description: 'The month at the pace so far: used / elapsed seconds of the month x its seconds, GB' }) projectedGB: number;

  static of(t: TransferFigures): PoolTransferView {
    return Object.assign(new PoolTransferView(), { month: t.month, usedBytes: t.usedBytes, usedGB: t.usedGB, allowanceGB: t.allowanceGB, percent: t.percent, projectedGB: t.projectedGB });
  }
}

export class PoolDetailView extends PoolView {
  @ApiProperty({ type: [PoolServerView] }) servers: PoolServerView[];
  @ApiPropertyOptional({ nullable: true, type: PoolTransferView, description: "Outbound transfer this month; null only for a dedicated pool whose host is gone" })
  transfer: PoolTransferView | null;

  static ofDetail(d: PoolDetail, transfer: TransferFigures | null): PoolDetailView {
    return Object.assign(new PoolDetailView(), PoolView.of(d.pool), { servers: d.servers.map(PoolServerView.of), transfer: transfer ? PoolTransferView.of(transfer) : null });
  }
}

export class PoolPage {
  @ApiProperty({ type: [PoolView] }) items: PoolView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class PoolSizeChangeView {
  @ApiProperty() memoryMiB: number;
  @ApiProperty() vcpus: number;
  @ApiProperty() diskGiB: number;
  @ApiProperty() transferGB: number;
  @ApiProperty({ description: 'The pool has this size from this instant on' }) effectiveAt: Date;
  @ApiProperty({ nullable: true, type: String, description: 'Null when the size followed a dedicated host' }) changedByUserId: string | null;

  static of(c: PoolSizeChange): PoolSizeChangeView {
    return Object.assign(new PoolSizeChangeView(), {
      memoryMiB: c.memoryMiB,
      vcpus: c.vcpus,
      diskGiB: c.diskGiB,
      transferGB: c.transferGB,
      effectiveAt: c.effectiveAt,
      changedByUserId: c.changedByUserId,
    });
  }
}
