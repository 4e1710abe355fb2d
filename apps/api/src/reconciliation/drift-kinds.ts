import type { DriftKind } from '@carve/reconciliation';

/** The kinds the drift_findings table allows (its CHECK constraint), for validation and docs. */
export const DRIFT_KINDS: readonly DriftKind[] = ['unknown_domain', 'server_not_running', 'orphan_volume', 'stuck_job', 'host_unreachable'];
