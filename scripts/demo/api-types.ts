/** The parts of carve's API responses the demo reads (the full shapes are in /openapi.json). */

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface HostView {
  id: string;
  name: string;
  status: string;
  dedicatedCustomerId: string | null;
  serverCount: number;
}

export interface CreatedCustomer {
  id: string;
  name: string;
  admin: { id: string; email: string };
}

export interface IssuedToken {
  token: string;
  prefix: string;
}

export interface ImageView {
  id: string;
  name: string;
  archivePath: string;
}

export interface PoolResource {
  size: number;
  allocated: number;
  free: number;
}

export interface PoolView {
  id: string;
  customerId: string;
  name: string;
  kind: 'shared' | 'dedicated';
  hostId: string | null;
  memoryMiB: PoolResource;
  vcpus: PoolResource;
  diskGiB: PoolResource;
  transferGB: number;
  serverCount: number;
}

export interface DiskView {
  id: string;
  label: string;
  role: string;
  filesystem: string;
  sizeGiB: number;
  inodes: number | null;
  device: string;
  activeRoot: boolean;
}

export interface ServerView {
  id: string;
  customerId: string;
  hostId: string;
  name: string;
  state: string;
  memoryMiB: number;
  maxMemoryMiB: number;
  vcpus: number;
  pendingReboot: boolean;
  failureReason: string | null;
  /** The domain's name on its Dom0. */
  domainName: string;
  disks: DiskView[];
}

export interface JobStep {
  name: string;
  status: 'pending' | 'running' | 'succeeded' | 'skipped' | 'failed';
  startedAt?: string;
  finishedAt?: string;
  commands?: string[];
  note?: string;
  error?: string;
}

export interface JobView {
  id: string;
  customerId: string | null;
  serverId: string | null;
  type: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  steps: JobStep[];
  attempts: number;
  error: string | null;
  errorCode: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  version: number;
}

export interface Accepted {
  server: ServerView;
  job: JobView;
}

export interface ResizeAccepted {
  server: ServerView;
  jobs: JobView[];
  memory?: 'live' | 'next-boot';
  vcpus?: 'live' | 'next-boot';
}

export const FINISHED_JOB_STATUSES: readonly JobView['status'][] = ['succeeded', 'failed', 'cancelled'];

export interface MoveView {
  id: string;
  serverId: string;
  sourceHostId: string;
  targetHostId: string;
  status: string;
  volumes: { volumeName: string; bytes: number; seconds?: number }[];
}

export interface MoveAccepted {
  move: MoveView;
  job: JobView;
}

interface NamedServer {
  serverId: string;
  serverName: string | null;
  customerName: string | null;
}

/** The parts of GET /v1/hosts/:id/io-impact the demo prints. */
export interface IoImpactReport {
  hostName: string;
  from: string;
  to: string;
  stepSeconds: number;
  host: { busyPercent: { avg: number | null; p95: number | null }; contendedSeconds: number };
  servers: (NamedServer & { requests: number; baselineMsPerRequest: number | null; msPerRequest: { avg: number | null } })[];
  contentionWindows: {
    from: string;
    to: string;
    reasons: string[];
    peakBusyPercent: number | null;
    hostIops: number;
    harmful: boolean;
    consumers: (NamedServer & { shareOfDiskTime: number })[];
    victims: (NamedServer & { reasons: string[]; msPerRequest: number | null; baselineMsPerRequest: number | null; latencyFactor: number | null })[];
  }[];
  offenders: (NamedServer & {
    rank: number;
    shareOfDiskTime: number;
    harmfulWindows: number;
    contendedIopsP95: number;
    victims: NamedServer[];
    recommendation: {
      candidateHosts: { hostName: string; suitable: boolean; shortOf: string[]; free: { memoryMiB: number; diskGiB: number; vcpus: number }; io: { fits: boolean | 'unknown'; projectedBusyPercent: number | null } }[];
      dedicatedHost: { recommended: boolean; reason: string };
      limits: { diskIo: { statement: string }; cpu: { command: string }; network: { setting: string } };
    };
  })[];
  noDiskIoLimit: string;
}
