import { Injectable } from '@nestjs/common';
import { newestFirst } from '@carve/database';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import { DataSource } from 'typeorm';
import { DriftFinding, DriftKind } from './drift-finding.entity';
import type { DriftObservation } from './drift-observation';

export interface DriftFindingFilter {
  hostId?: string;
  kind?: DriftKind;
  /** true: still open; false: resolved; absent: both. */
  open?: boolean;
}

/** Which findings a pass looked for: only those can be resolved by not being seen. */
export interface SyncScope {
  /** Absent: every host (the jobs side of a pass is not per host). */
  hostId?: string;
  kinds: DriftKind[];
}

export interface SyncResult {
  opened: number;
  stillOpen: number;
  resolved: number;
}

@Injectable()
export class DriftFindingRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Records what a pass saw within its scope, in one transaction: new findings open,
   * findings seen again get `last_seen_at` and fresh details, open findings in scope
   * that were not seen are resolved. The partial unique index keeps one open finding
   * per (host, kind, subject), so passes never duplicate one.
   */
  async sync(scope: SyncScope, observed: DriftObservation[], now: Date): Promise<SyncResult> {
    const unique = new Map(observed.filter((o) => scope.kinds.includes(o.kind)).map((o) => [`${o.hostId}|${o.kind}|${o.subject}`, o]));
    const rows = JSON.stringify([...unique.values()].map((o) => ({ host_id: o.hostId, kind: o.kind, subject: o.subject, details: o.details })));
    return this.db.transaction(async (manager) => {
      const upserted: { inserted: boolean }[] = await manager.query(
        `INSERT INTO drift_findings (host_id, kind, subject, details, first_seen_at, last_seen_at)
         SELECT t.host_id, t.kind, t.subject, t.details, $2, $2 FROM jsonb_to_recordset($1::jsonb) AS t(host_id uuid, kind text, subject text, details jsonb)
         ON CONFLICT (host_id, kind, subject) WHERE resolved_at IS NULL
         DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at, details = EXCLUDED.details
         RETURNING (xmax = 0) AS inserted`,
        [rows, now],
      );
      const [resolved] = (await manager.query(
        `UPDATE drift_findings f SET resolved_at = $3
          WHERE f.resolved_at IS NULL AND f.kind = ANY($2::text[]) AND ($1::uuid IS NULL OR f.host_id = $1)
            AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($4::jsonb) AS t(host_id uuid, kind text, subject text)
                             WHERE t.host_id = f.host_id AND t.kind = f.kind AND t.subject = f.subject)
          RETURNING f.id`,
        [scope.hostId ?? null, scope.kinds, now, rows],
      )) as [unknown[], number];
      const opened = upserted.filter((r) => r.inserted).length;
      return { opened, stillOpen: upserted.length - opened, resolved: resolved.length };
    });
  }

  /**
   * Opens (or refreshes) findings another observer saw, without resolving anything: the
   * metering collector reports domains it cannot attribute, and the reconciler's pass
   * stays the one that decides when a finding is resolved.
   */
  async recordSeen(observed: DriftObservation[], now: Date): Promise<void> {
    if (observed.length === 0) return;
    const rows = JSON.stringify(observed.map((o) => ({ host_id: o.hostId, kind: o.kind, subject: o.subject, details: o.details })));
    await this.db.query(
      `INSERT INTO drift_findings (host_id, kind, subject, details, first_seen_at, last_seen_at)
       SELECT t.host_id, t.kind, t.subject, t.details, $2, $2 FROM jsonb_to_recordset($1::jsonb) AS t(host_id uuid, kind text, subject text, details jsonb)
       ON CONFLICT (host_id, kind, subject) WHERE resolved_at IS NULL
       DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at, details = EXCLUDED.details`,
      [rows, now],
    );
  }

  /** Newest first (by when a finding was first seen), keyset-paginated. */
  async list(page: PageRequest, filter: DriftFindingFilter): Promise<DriftFinding[]> {
    const query = this.db
      .getRepository(DriftFinding)
      .createQueryBuilder('f');
    if (filter.hostId) query.andWhere('f.host_id = :hostId', { hostId: filter.hostId });
    if (filter.kind) query.andWhere('f.kind = :kind', { kind: filter.kind });
    if (filter.open === true) query.andWhere('f.resolved_at IS NULL');
    if (filter.open === false) query.andWhere('f.resolved_at IS NOT NULL');
    newestFirst(query, page, 'f', 'first_seen_at');
    return query.getMany();
  }
}
