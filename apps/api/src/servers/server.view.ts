import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SERVER_STATES } from '@carve/servers';
import { JobView } from '../jobs/job.view';

export class ServerDiskDoc {
  @ApiProperty() id: string;
  @ApiProperty() label: string;
  @ApiProperty({ enum: ['root', 'data', 'swap'] }) role: string;
  @ApiProperty({ enum: ['ext3', 'ext4', 'xfs', 'btrfs', 'swap'] }) filesystem: string;
  @ApiProperty() sizeGiB: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) inodes: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) bytesPerInode: number | null;
  @ApiProperty({ example: 'xvda' }) device: string;
  @ApiProperty() volumeName: string;
  @ApiProperty({ enum: ['pending', 'present', 'removing', 'removed'] }) state: string;
  @ApiProperty() activeRoot: boolean;
}

export class ServerLimitsDoc {
  @ApiProperty({ example: 0, description: 'CPU cap, % of one CPU (xl sched-credit2); 0 = no cap' }) cpuCapPercent: number;
  @ApiProperty({ example: 256, description: 'Credit2 weight; 256 is the default' }) cpuWeight: number;
  @ApiProperty({ nullable: true, type: Number, example: null, description: 'vif rate on outgoing traffic, Mbit/s; null = unlimited' }) networkRateMbit: number | null;
}

export class ServerDoc {
  @ApiProperty() id: string;
  @ApiProperty() customerId: string;
  @ApiProperty() poolId: string;
  @ApiProperty() hostId: string;
  @ApiProperty() imageId: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Name of the domain on the Dom0' }) domainName: string;
  @ApiProperty({ enum: SERVER_STATES }) state: string;
  @ApiProperty() memoryMiB: number;
  @ApiProperty() maxMemoryMiB: number;
  @ApiProperty() vcpus: number;
  @ApiProperty() maxVcpus: number;
  @ApiProperty({ description: 'A change waits for the next boot' }) pendingReboot: boolean;
  @ApiProperty({ type: ServerLimitsDoc, description: 'Set by operators: PATCH /v1/servers/{id}/limits' }) limits: ServerLimitsDoc;
  @ApiPropertyOptional({ nullable: true, type: String }) failureReason: string | null;
  @ApiProperty({ type: [String], description: 'Authorised SSH keys as stored: parsed, normalised, comments with shell metacharacters dropped' }) sshKeys: string[];
  @ApiProperty({ type: [ServerDiskDoc] }) disks: ServerDiskDoc[];
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class ServerPage {
  @ApiProperty({ type: [ServerDoc] }) items: ServerDoc[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class AcceptedDoc {
  @ApiProperty({ type: ServerDoc }) server: ServerDoc;
  @ApiProperty({ type: JobView, description: 'Follow it at /v1/jobs/{id}' }) job: JobView;
}

export class ResizeAcceptedDoc {
  @ApiProperty({ type: ServerDoc }) server: ServerDoc;
  @ApiProperty({ type: [JobView] }) jobs: JobView[];
  @ApiPropertyOptional({ enum: ['live', 'next-boot'] }) memory?: 'live' | 'next-boot';
  @ApiPropertyOptional({ enum: ['live', 'next-boot'] }) vcpus?: 'live' | 'next-boot';
}
