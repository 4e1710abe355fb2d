import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DISK_ROLES, DiskRole, FILESYSTEMS, Filesystem, SERVER_STATES, ServerState } from '@carve/servers';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { InvalidInputError } from '@carve/core';
import type { ServerOrder } from '@carve/servers';
import { PageQuery } from '../http/page-query.dto';
import { IsDisplayName, sshKeyProblems } from '../http/text-validators';

export class DiskDto {
  @ApiProperty({ example: 'root', description: 'Lowercase letters and digits, starting with a letter (1-16)' })
  @IsString()
  @IsDisplayName(16)
  @Matches(/^[a-z][a-z0-9]{0,15}$/, { message: 'must be 1-16 lowercase letters or digits, starting with a letter' })
  label: string;

  @ApiProperty({ example: 20 })
  @IsInt()
  @Min(1)
  @Max(16384)
  sizeGiB: number;

  @ApiProperty({ enum: FILESYSTEMS })
  @IsIn(FILESYSTEMS)
  filesystem: Filesystem;

  @ApiProperty({ enum: DISK_ROLES, description: 'root (up to two: the second is a standby root), data or swap' })
  @IsIn(DISK_ROLES)
  role: DiskRole;

  @ApiPropertyOptional({ description: 'ext3/ext4 only: inode count (mkfs -N)', example: 2000000 })
  @IsOptional()
  @IsInt()
  @Min(1024)
  @Max(4_294_967_295)
  inodes?: number;

  @ApiPropertyOptional({ description: 'ext3/ext4 only: bytes per inode (mkfs -i)', example: 16384 })
  @IsOptional()
  @IsInt()
  @Min(1024)
  @Max(67_108_864)
  bytesPerInode?: number;
}

export class OrderServerDto {
  @ApiProperty({ example: 'web1', description: 'Unique in your account; lowercase letters, digits and dashes (2-32)' })
  @IsString()
  @IsDisplayName(32)
  @Matches(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, { message: 'must be 2-32 lowercase letters, digits or dashes, starting with a letter' })
  // LVM reserves volume names starting with these, and volume names start with the server name.
  @Matches(/^(?!snapshot|pvmove)/, { message: 'must not start with "snapshot" or "pvmove" (names LVM reserves)' })
  name: string;

  @ApiProperty()
  @IsUUID()
  poolId: string;

  @ApiProperty()
  @IsUUID()
  imageId: string;

  @ApiProperty({ example: 2048 })
  @IsInt()
  @Min(128)
  @Max(1_048_576)
  memoryMiB: number;

  @ApiPropertyOptional({ example: 4096, description: 'Room to grow memory live (xl mem-set); defaults to memoryMiB' })
  @IsOptional()
  @IsInt()
  @Min(128)
  @Max(1_048_576)
  maxMemoryMiB?: number;

  @ApiProperty({ example: 2 })
  @IsInt()
  @Min(1)
  @Max(128)
  vcpus: number;

  @ApiPropertyOptional({ example: 4, description: 'Room to add vCPUs live (xl vcpu-set); defaults to vcpus' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(128)
  maxVcpus?: number;

  @ApiPropertyOptional({
    type: [String],
    example: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ada@laptop'],
    description:
      'OpenSSH public keys authorised for root (1-10; this or sshPublicKey is required). Each is parsed: a known type whose base64 data decodes to a key of that type and a usual size. ' +
      'A comment is kept only when it holds letters, digits, spaces and @ . _ + = : , / -; otherwise it is dropped.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(16384, { each: true })
  sshKeys?: string[];

  @ApiPropertyOptional({ description: 'One key, the same as sshKeys: [key]; kept for existing clients' })
  @IsOptional()
  @IsString()
  @MaxLength(16384)
  sshPublicKey?: string;

  @ApiProperty({ type: [DiskDto] })
  @ValidateNested({ each: true })
  @Type(() => DiskDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(8)
  disks: DiskDto[];
}

/** The DTO as the order service takes it: one list of keys, each parsed, named `sshKeys.N` when it fails. */
export function toServerOrder(dto: OrderServerDto): ServerOrder {
  const { sshKeys, sshPublicKey, ...rest } = dto;
  if (sshKeys !== undefined && sshPublicKey !== undefined) {
    throw new InvalidInputError([{ field: 'sshPublicKey', message: 'send sshKeys or sshPublicKey, not both' }]);
  }
  if (sshKeys === undefined && sshPublicKey === undefined) throw new InvalidInputError([{ field: 'sshKeys', message: 'is required: at least one OpenSSH public key' }]);
  const keys = sshKeys ?? [sshPublicKey!];
  const problems = sshKeyProblems(keys, sshKeys !== undefined ? 'sshKeys' : 'sshPublicKey').map((p) =>
    sshKeys !== undefined ? p : { ...p, field: 'sshPublicKey' },
  );
  if (problems.length > 0) throw new InvalidInputError(problems);
  return { ...rest, sshKeys: keys };
}

export class ServerListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SERVER_STATES })
  @IsOptional()
  @IsIn(SERVER_STATES)
  state?: ServerState;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  poolId?: string;

  @ApiPropertyOptional({ description: 'Operators only matter: customers see their own servers anyway' })
  @IsOptional()
  @IsUUID()
  hostId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

export class StopServerDto {
  @ApiPropertyOptional({ default: 60, description: 'Seconds to wait for a clean shutdown before the domain is destroyed' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600)
  timeoutSeconds?: number;
}

export class ResizeServerDto {
  @ApiPropertyOptional({ example: 4096 })
  @IsOptional()
  @IsInt()
  @Min(128)
  @Max(1_048_576)
  memoryMiB?: number;

  @ApiPropertyOptional({ example: 4 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(128)
  vcpus?: number;
}

export class GrowDiskDto {
  @ApiProperty({ example: 40, description: 'New size; disks only grow' })
  @IsInt()
  @Min(1)
  @Max(16384)
  sizeGiB: number;
}

export class RemoveDiskDto {
  @ApiProperty({ example: 'data', description: "The disk's label, repeated to confirm that its data is destroyed" })
  @IsString()
  @MaxLength(16)
  confirmLabel: string;
}
