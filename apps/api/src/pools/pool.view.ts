import { ApiProperty } from '@nestjs/swagger';
import { SERVER_STATES } from '@carve/servers';
import type { Pool, PoolDetail, PoolServer, PoolSizeChange } from '@carve/pools';

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

export class PoolDetailView extends PoolView {
  @ApiProperty({ type: [PoolServerView] }) servers: PoolServerView[];

  static ofDetail(d: PoolDetail): PoolDetailView {
    return Object.assign(new PoolDetailView(), PoolView.of(d.pool), { servers: d.servers.map(PoolServerView.of) });
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
