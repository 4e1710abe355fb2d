/**
 * The job catalog: every kind of provisioning job, with the parameters it carries.
 * Parameters are ids and plain values, never entities: handlers re-read current state.
 */
export enum JobType {
  CreateServer = 'server.create',
  StartServer = 'server.start',
  StopServer = 'server.stop',
  RebootServer = 'server.reboot',
  ResizeMemory = 'server.resize-memory',
  ResizeVcpus = 'server.resize-vcpus',
  GrowDisk = 'server.grow-disk',
  AddDisk = 'server.add-disk',
  RemoveDisk = 'server.remove-disk',
  SwitchRoot = 'server.switch-root',
  DeleteServer = 'server.delete',
  SetServerLimits = 'server.set-limits',
  MoveServer = 'server.move',
  MoveCleanup = 'server.move-cleanup',
  EnterRescue = 'server.rescue',
  ExitRescue = 'server.rescue-exit',
}

export interface JobParams {
  [JobType.CreateServer]: Record<string, never>;
  [JobType.StartServer]: Record<string, never>;
  [JobType.StopServer]: { timeoutSeconds: number };
  [JobType.RebootServer]: Record<string, never>;
  /** live: within maxmem on a running domain (xl mem-set); otherwise written to the config for the next boot. */
  [JobType.ResizeMemory]: { memoryMiB: number; previousMemoryMiB: number; previousMaxMemoryMiB: number; previousPendingReboot: boolean; live: boolean };
  [JobType.ResizeVcpus]: { vcpus: number; previousVcpus: number; previousMaxVcpus: number; previousPendingReboot: boolean; live: boolean };
  [JobType.GrowDisk]: { diskId: string; sizeGiB: number; previousSizeGiB: number };
  [JobType.AddDisk]: { diskId: string };
  [JobType.RemoveDisk]: { diskId: string };
  [JobType.SwitchRoot]: { rootDiskId: string };
  /** previousState: where a cancelled delete returns the server to. */
  [JobType.DeleteServer]: { previousState: string };
  /**
   * What the request changed (the server row already holds the new limits; the job applies
   * what the row holds when it runs); previous: where a cancelled request returns them.
   */
  [JobType.SetServerLimits]: {
    changed: ('cpuCapPercent' | 'cpuWeight' | 'networkRateMbit')[];
    previous: { cpuCapPercent: number; cpuWeight: number; networkRateMbit: number | null };
  };
  /** The move's record (libs/moves) holds the two hosts and what the move reserved. */
  [JobType.MoveServer]: { moveId: string };
  /** Removes what a failed move left on its target once the target answers again. */
  [JobType.MoveCleanup]: { moveId: string };
  /** previousState: what a failed or cancelled rescue returns the server to (a running one is booted normally again). */
  [JobType.EnterRescue]: { previousState: 'running' | 'stopped'; timeoutSeconds: number };
  [JobType.ExitRescue]: { timeoutSeconds: number };
}

export const JOB_TYPES = Object.values(JobType);

/** The BullMQ queue every provisioning job goes through; the payload is only ids. */
export const PROVISIONING_QUEUE = 'provisioning';

export interface ProvisioningPayload {
  jobId: string;
  customerId: string | null;
  serverId: string | null;
  hostId: string | null;
  /** A job on two hosts (a move) holds the lease of both. */
  targetHostId?: string | null;
}
