import { ApiProperty } from '@nestjs/swagger';
import { USAGE_SERIES } from '@carve/metering';

class UsageTotalsDoc {
  @ApiProperty({ example: '5400.000' }) cpuSeconds: string;
  @ApiProperty({ example: '1.500000' }) cpuHours: string;
  @ApiProperty() bytesRead: string;
  @ApiProperty() bytesWritten: string;
  @ApiProperty({ description: 'GB = 10^9 bytes' }) gbRead: string;
  @ApiProperty() gbWritten: string;
  @ApiProperty() requests: string;
  @ApiProperty() millionRequests: string;
  @ApiProperty({ description: 'What the server(s) sent: billed transfer' }) bytesOut: string;
  @ApiProperty() bytesIn: string;
  @ApiProperty() gbOut: string;
  @ApiProperty() gbIn: string;
}

class UsageSeriesDoc {
  @ApiProperty({ type: [Number], nullable: true, description: '% of one CPU (a pool or host: its servers added up)' }) cpuPercent: (number | null)[];
  @ApiProperty({ type: [Number], nullable: true }) readIops: (number | null)[];
  @ApiProperty({ type: [Number], nullable: true }) writeIops: (number | null)[];
  @ApiProperty({ type: [Number], nullable: true }) readBytesPerSecond: (number | null)[];
  @ApiProperty({ type: [Number], nullable: true }) writeBytesPerSecond: (number | null)[];
  @ApiProperty({ type: [Number], nullable: true, description: 'Disk time per request (read + write), from the volumes\' own statistics' }) msPerRequest: (number | null)[];
  @ApiProperty({ type: [Number], nullable: true }) netInBitsPerSecond: (number | null)[];
  @ApiProperty({ type: [Number], nullable: true }) netOutBitsPerSecond: (number | null)[];
  @ApiProperty({ type: [Number], nullable: true }) memoryMiB: (number | null)[];
}

/** The series names, as the metering lib defines them (checked at compile time). */
export const DOCUMENTED_SERIES: readonly (keyof UsageSeriesDoc)[] = USAGE_SERIES;

export class UsageReportDoc {
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ example: 60, description: 'Width of one point' }) stepSeconds: number;
  @ApiProperty({ enum: ['raw', 'usage_5m', 'usage_1h', 'usage_1d'], description: 'Raw spans or the rollup the points come from' }) source: string;
  @ApiProperty({ type: [String], description: 'Bucket starts: the one time axis of every series' }) timestamps: string[];
  @ApiProperty({ type: UsageSeriesDoc, description: 'One value per timestamp; null where no reading covers the bucket (a gap), never zero' }) series: UsageSeriesDoc;
  @ApiProperty({ type: [Boolean], description: 'true where the value spreads a span across a collection gap (estimated)' }) estimated: boolean[];
  @ApiProperty({ type: UsageTotalsDoc }) totals: UsageTotalsDoc;
}

class DomainCpuDoc {
  @ApiProperty() serverId: string;
  @ApiProperty() customerId: string;
  @ApiProperty({ nullable: true, type: String }) domainName: string | null;
  @ApiProperty() domid: number;
  @ApiProperty({ nullable: true, type: Number, description: '% of one CPU over the last interval' }) currentPercent: number | null;
  @ApiProperty({ nullable: true, type: Number, description: '% of one CPU since the domain started (from its first reading, within one interval of its start)' }) lifetimePercent: number | null;
  @ApiProperty({ example: 'web-1a2b3c4d uses 12.5% of one CPU now, 8.1% over its uptime' }) summary: string;
}

export class HostCpuDoc {
  @ApiProperty() hostId: string;
  @ApiProperty({ nullable: true, type: String, description: 'The Dom0 clock of the latest reading' }) at: string | null;
  @ApiProperty({ type: [DomainCpuDoc], description: 'Busiest first' }) domains: DomainCpuDoc[];
  @ApiProperty() totalCurrentPercent: number;
  @ApiProperty() totalLifetimePercent: number;
}
