import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { Viewer } from '../../domain/tasks/visibility.ts';
import { taskRowVisibleTo } from './visibility.ts';

export interface AuditEvent {
  id: number;
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  summary: string;
  before: unknown;
  after: unknown;
  sourceIp: string | null;
  /** The task the event is about, if any. */
  taskId: number | null;
}

export interface AuditFilter {
  actor?: string;
  entityType?: string;
  entityId?: string;
  action?: string;
  text?: string;
  from?: Date;
  to?: Date;
  /** Keyset paging: rows older than this id. */
  beforeId?: number;
  limit?: number;
}

export async function insertAuditEvent(db: Db, e: Omit<AuditEvent, 'id' | 'at'>): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      actor: e.actor,
      action: e.action,
      entity_type: e.entityType,
      entity_id: e.entityId,
      summary: e.summary,
      before: e.before === undefined || e.before === null ? null : JSON.stringify(e.before),
      after: e.after === undefined || e.after === null ? null : JSON.stringify(e.after),
      source_ip: e.sourceIp,
      task_id: e.taskId,
    })
    .execute();
}

/** The events matching `f` that the viewer may see: one about a task only if they may see the task. */
export async function selectAuditEvents(db: Db, viewer: Viewer, f: AuditFilter): Promise<AuditEvent[]> {
  let q = db.selectFrom('audit_events').selectAll().where(taskRowVisibleTo(viewer, 'audit_events.task_id')).orderBy('id', 'desc');
  if (f.actor) q = q.where('actor', '=', f.actor);
  if (f.entityType) q = q.where('entity_type', '=', f.entityType);
  if (f.entityId) q = q.where('entity_id', '=', f.entityId);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  if (f.beforeId) q = q.where('id', '<', f.beforeId);
  if (f.text) {
    const like = `%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('summary', 'ilike', like), eb(sql`coalesce(before::text, '') || coalesce(after::text, '')`, 'ilike', like)]));
  }
  const rows = await q.limit(Math.min(f.limit ?? 100, 10_000)).execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    summary: r.summary,
    before: r.before,
    after: r.after,
    sourceIp: r.source_ip,
    taskId: r.task_id === null ? null : Number(r.task_id),
  }));
}
