import type { DriftKind } from './drift-finding.entity';

/** One difference seen in a pass; becomes (or refreshes) an open finding keyed by (host, kind, subject). */
export interface DriftObservation {
  hostId: string;
  kind: DriftKind;
  /** Stable per thing: the domain name, the LV name, the server id, the job id, the SSH endpoint. */
  subject: string;
  details: Record<string, unknown>;
}
