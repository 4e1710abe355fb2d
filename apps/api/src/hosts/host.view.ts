import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { HOST_STATUSES, type Host } from '@carve/inventory';

export class HostView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() sshAddress: string;
  @ApiProperty() sshPort: number;
  @ApiProperty() sshUser: string;
  @ApiProperty() hostKeyFingerprint: string;
  @ApiProperty() cpuThreads: number;
  @ApiProperty() vcpuOvercommitRatio: string;
  @ApiProperty() totalMemoryMiB: number;
  @ApiProperty() dom0MemoryMiB: number;
  @ApiProperty() volumeGroup: string;
  @ApiProperty() volumeGroupSizeGiB: number;
  @ApiProperty() transferAllowanceGB: number;
  @ApiProperty() uplinkMbit: number;
  @ApiProperty() monthlyCostMinor: number;
  @ApiProperty() currency: string;
  @ApiPropertyOptional({ nullable: true, type: String }) location: string | null;
  @ApiProperty({ enum: HOST_STATUSES }) status: string;
  @ApiPropertyOptional({ nullable: true, type: String }) dedicatedCustomerId: string | null;
  @ApiProperty() serverCount: number;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The Dom0 agent version the last POST /v1/hosts/{id}/agent proved; null before any' }) agentVersion: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) agentInstalledAt: Date | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static of(h: Host): HostView {
    const { allocatedDiskGiB: _d, allocatedMemoryMiB: _m, allocatedVcpus: _v, version: _ver, ...rest } = h;
    return Object.assign(new HostView(), rest);
  }
}

export class HostPage {
  @ApiProperty({ type: [HostView] }) items: HostView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

class ResourceDoc {
  @ApiProperty() total: number;
  @ApiProperty() allocated: number;
  @ApiProperty() free: number;
}
class MemoryCapacityDoc extends ResourceDoc {
  @ApiProperty() physicalMiB: number;
  @ApiProperty() dom0ReservedMiB: number;
  @ApiProperty() xenOverheadMiB: number;
}
class VcpuCapacityDoc extends ResourceDoc {
  @ApiProperty() threads: number;
  @ApiProperty() overcommitRatio: string;
}
export class HostCapacityView {
  @ApiProperty({ type: MemoryCapacityDoc, description: 'Allocatable RAM: total minus dom0_mem minus Xen overhead' }) memoryMiB: MemoryCapacityDoc;
  @ApiProperty({ type: ResourceDoc, description: 'Volume group space' }) diskGiB: ResourceDoc;
  @ApiProperty({ type: VcpuCapacityDoc, description: 'threads x overcommit ratio' }) vcpus: VcpuCapacityDoc;
}
