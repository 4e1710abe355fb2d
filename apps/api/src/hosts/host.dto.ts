import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { HOST_STATUSES, HostStatus } from '@carve/inventory';
import { HOST_KEY_FINGERPRINT_PATTERN } from '@carve/xen';
import { IsIn, IsInt, IsISO4217CurrencyCode, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery } from '../http/page-query.dto';
import { IsDisplayName } from '../http/text-validators';

const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\d{1,3}(\.\d{1,3}){3}$|^[0-9a-fA-F:]+$/;

export class RegisterHostDto {
  @ApiProperty({ example: 'fsn1-dom0-01' })
  @IsString()
  @IsDisplayName(63)
  @Matches(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { message: 'must be lowercase letters, digits and dashes (1-63)' })
  name: string;

  @ApiProperty({ example: '203.0.113.10', description: 'DNS name or IP address the worker connects to' })
  @IsString()
  @Matches(HOSTNAME, { message: 'must be a hostname or an IP address' })
  sshAddress: string;

  @ApiPropertyOptional({ default: 22 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  sshPort?: number;

  @ApiPropertyOptional({ default: 'root' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_][a-z0-9_-]{0,31}$/, { message: 'must be a POSIX user name' })
  sshUser?: string;

  @ApiProperty({ example: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', description: 'As `ssh-keygen -lf` prints it' })
  @IsString()
  @Matches(HOST_KEY_FINGERPRINT_PATTERN, { message: 'must be SHA256: followed by 43 base64 characters, as ssh-keygen -lf prints it' })
  hostKeyFingerprint: string;

  @ApiProperty({ example: 16, description: 'Hardware threads' })
  @IsInt()
  @Min(1)
  @Max(4096)
  cpuThreads: number;

  @ApiPropertyOptional({ example: '4.00', default: '4.00', description: 'vCPUs per thread, decimal with up to 2 places, 1 to 64' })
  @IsOptional()
  @IsString()
  @Matches(/^(?:[1-9]|[1-5][0-9]|6[0-4])(?:\.\d{1,2})?$/, { message: 'must be a decimal from 1 to 64 with at most 2 places, e.g. "4.00"' })
  vcpuOvercommitRatio?: string;

  @ApiProperty({ example: 65536 })
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  totalMemoryMiB: number;

  @ApiProperty({ example: 4096, description: "The host's dom0_mem, held back for Dom0" })
  @IsInt()
  @Min(256)
  @Max(64 * 1024 * 1024)
  dom0MemoryMiB: number;

  @ApiProperty({ example: 'vg0' })
  @IsString()
  @Matches(/^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/, { message: 'must be an LVM volume group name' })
  volumeGroup: string;

  @ApiProperty({ example: 1800 })
  @IsInt()
  @Min(1)
  @Max(1024 * 1024)
  volumeGroupSizeGiB: number;

  @ApiProperty({ example: 20000, description: 'Monthly transfer included with the host, GB' })
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  transferAllowanceGB: number;

  @ApiProperty({ example: 1000 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  uplinkMbit: number;

  @ApiProperty({ example: 4900, description: 'Monthly cost in minor units of currency (4900 = 49.00 EUR)' })
  @IsInt()
  @Min(0)
  @Max(100_000_000_00)
  monthlyCostMinor: number;

  @ApiProperty({ example: 'EUR' })
  @IsISO4217CurrencyCode()
  currency: string;

  @ApiPropertyOptional({ example: 'Falkenstein FSN1' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  location?: string;

  @ApiPropertyOptional({ enum: HOST_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(HOST_STATUSES)
  status?: HostStatus;

  @ApiPropertyOptional({ description: 'Customer the whole host is rented to' })
  @IsOptional()
  @IsUUID()
  dedicatedCustomerId?: string;
}

export class UpdateHostDto extends PartialType(RegisterHostDto) {}

export class HostListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: HOST_STATUSES })
  @IsOptional()
  @IsIn(HOST_STATUSES)
  status?: HostStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  dedicatedCustomerId?: string;
}
