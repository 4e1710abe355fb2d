import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONTENTION_REASONS } from '@carve/io-fairness';

// OpenAPI shapes of the IO impact reports (the lib's types are the source; these document them).

class AvgP95Doc {
  @ApiProperty({ nullable: true, type: Number }) avg: number | null;
  @ApiProperty({ nullable: true, type: Number }) p95: number | null;
}

class NamedServerDoc {
  @ApiProperty() serverId: string;
  @ApiProperty({ nullable: true, type: String }) serverName: string | null;
  @ApiProperty({ nullable: true, type: String }) domainName: string | null;
  @ApiProperty() customerId: string;
  @ApiProperty({ nullable: true, type: String }) customerName: string | null;
}

class ServerIoDoc extends NamedServerDoc {
  @ApiProperty() coveredSeconds: number;
  @ApiProperty({ type: AvgP95Doc }) readIops: AvgP95Doc;
  @ApiProperty({ type: AvgP95Doc }) writeIops: AvgP95Doc;
  @ApiProperty({ type: AvgP95Doc, description: 'MB = 10^6 bytes' }) readMBps: AvgP95Doc;
  @ApiProperty({ type: AvgP95Doc }) writeMBps: AvgP95Doc;
  @ApiProperty({ type: AvgP95Doc, description: 'Disk time per read, from its volumes\' read ticks' }) msPerRead: AvgP95Doc;
  @ApiProperty({ type: AvgP95Doc }) msPerWrite: AvgP95Doc;
  @ApiProperty({ type: AvgP95Doc }) msPerRequest: AvgP95Doc;
  @ApiProperty({ nullable: true, type: Number, description: 'Median ms per request in the uncontended intervals' }) baselineMsPerRequest: number | null;
  @ApiProperty({ description: '0..1' }) shareOfHostRequests: number;
  @ApiProperty({ description: '0..1' }) shareOfHostBytes: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Of the physical disks\' busy time, 0..1' }) shareOfDiskBusy: number | null;
  @ApiProperty({ description: 'VBD_OO events' }) ooRequests: number;
  @ApiProperty() requests: number;
  @ApiProperty() bytes: number;
  @ApiProperty() diskTimeMs: number;
  @ApiProperty({ description: 'rank (null: not an offender), disk time and its share in the windows where someone suffered' }) contention: Record<string, unknown>;
  @ApiProperty({ description: 'Windows in which it suffered' }) victimInWindows: number;
}

class ConsumerDoc extends NamedServerDoc {
  @ApiProperty() diskTimeMs: number;
  @ApiProperty() shareOfDiskTime: number;
  @ApiProperty() requests: number;
  @ApiProperty() bytes: number;
}

class VictimDoc extends NamedServerDoc {
  @ApiProperty({ enum: ['latency', 'out-of-requests'], isArray: true }) reasons: string[];
  @ApiProperty({ nullable: true, type: Number }) msPerRequest: number | null;
  @ApiProperty({ nullable: true, type: Number }) baselineMsPerRequest: number | null;
  @ApiProperty({ nullable: true, type: Number }) latencyFactor: number | null;
  @ApiProperty({ nullable: true, type: Number }) extraWaitMsPerSecond: number | null;
  @ApiProperty() ooRequests: number;
}

class ContentionWindowDoc {
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ enum: CONTENTION_REASONS, isArray: true }) reasons: string[];
  @ApiProperty({ nullable: true, type: Number }) peakBusyPercent: number | null;
  @ApiProperty({ nullable: true, type: Number }) avgBusyPercent: number | null;
  @ApiProperty() hostIops: number;
  @ApiProperty() hostMBps: number;
  @ApiProperty() ooRequests: number;
  @ApiProperty({ type: [ConsumerDoc], description: 'By disk time, most first' }) consumers: ConsumerDoc[];
  @ApiProperty({ type: [VictimDoc] }) victims: VictimDoc[];
  @ApiProperty({ description: 'A neighbour suffered: only these windows rank offenders' }) harmful: boolean;
}

class OffenderDoc extends NamedServerDoc {
  @ApiProperty() rank: number;
  @ApiProperty({ description: 'Volumes\' disk time in the harmful windows' }) diskTimeMs: number;
  @ApiProperty() shareOfDiskTime: number;
  @ApiProperty() requests: number;
  @ApiProperty() bytes: number;
  @ApiProperty({ nullable: true, type: Number }) diskBusyMs: number | null;
  @ApiProperty() harmfulWindows: number;
  @ApiProperty() contendedIopsP95: number;
  @ApiProperty() contendedMBpsP95: number;
  @ApiProperty({ nullable: true, type: Number }) contendedBusyShareP95: number | null;
  @ApiProperty({ type: [NamedServerDoc] }) victims: NamedServerDoc[];
  @ApiProperty({ description: 'candidateHosts (free RAM, disk, vCPUs, IO fit, shortOf), dedicatedHost { recommended, reason }, limits (disk IO: none in Xen; CPU: xl sched-credit2; network: vif rate=)' })
  recommendation: Record<string, unknown>;
}

export class HostIoImpactReportDoc {
  @ApiProperty() hostId: string;
  @ApiProperty() hostName: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ example: 60 }) stepSeconds: number;
  @ApiProperty({ description: 'The thresholds and baselines applied, with their explanation' }) rules: Record<string, unknown>;
  @ApiProperty({ description: 'The host\'s busy %, IOPS and MB/s (avg, p95), requests, bytes, contended seconds' }) host: Record<string, unknown>;
  @ApiProperty({ type: [ServerIoDoc] }) servers: ServerIoDoc[];
  @ApiProperty({ type: [ContentionWindowDoc] }) contentionWindows: ContentionWindowDoc[];
  @ApiProperty({ type: [OffenderDoc] }) offenders: OffenderDoc[];
  @ApiProperty() noDiskIoLimit: string;
}

class CustomerHostDoc {
  @ApiProperty() hostId: string;
  @ApiProperty() hostName: string;
  @ApiProperty() contentionWindows: number;
  @ApiProperty() harmfulWindows: number;
  @ApiProperty() contendedSeconds: number;
  @ApiProperty({ type: [ServerIoDoc] }) servers: ServerIoDoc[];
  @ApiProperty({ type: [OffenderDoc] }) offenders: OffenderDoc[];
  @ApiPropertyOptional({ description: 'Windows where its servers suffered: from, to, victims, causedBy (other customers\' biggest consumers)', isArray: true, type: Object })
  suffered: Record<string, unknown>[];
}

export class CustomerIoImpactReportDoc {
  @ApiProperty() customerId: string;
  @ApiProperty() customerName: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ type: [CustomerHostDoc] }) hosts: CustomerHostDoc[];
  @ApiProperty() noDiskIoLimit: string;
}
