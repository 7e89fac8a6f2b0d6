import type { Db } from '../adapters/db/database.ts';
import { insertAuditEvent, selectAuditEvents, type AuditEvent, type AuditFilter } from '../adapters/db/audit.ts';
import type { Viewer } from '../domain/tasks/visibility.ts';
import type { Actor, AppContext } from './context.ts';

export type { AuditEvent, AuditFilter };

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | number | null;
  summary: string;
  before?: unknown;
  after?: unknown;
  /** The task it is about (set by itself for entityType 'task'): the task's visibility decides who sees the event. */
  taskId?: number | null;
}

/** An actor with where the request came from, when the transport knows it. */
export type AuditActor = Actor & { ip?: string };

// Fields that must never reach the audit trail, however an object got there.
const SECRET_KEYS = /pass(word)?|hash|token|secret|licence_?key|privatekey/i;

function scrub(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(scrub);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '[not recorded]' : scrub(v)]));
  }
  return value;
}

/**
 * Appends one audit event. Pass the caller's transaction as `db` so the record commits (or rolls
 * back) with the change it describes.
 */
export async function recordAudit(db: Db, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await insertAuditEvent(db, {
    actor: actor.username,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
    summary: entry.summary,
    before: scrub(entry.before),
    after: scrub(entry.after),
    sourceIp: actor.ip ?? null,
    taskId: entry.taskId ?? (entry.entityType === 'task' && /^\d{1,15}$/.test(String(entry.entityId ?? '')) ? Number(entry.entityId) : null),
  });
}

export function searchAudit(ctx: AppContext, viewer: Viewer, filter: AuditFilter): Promise<AuditEvent[]> {
  return selectAuditEvents(ctx.db, viewer, filter);
}

export const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : JSON.stringify(v);
  // A leading = + - @ would be run as a formula by spreadsheet software (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The matching events as CSV (RFC 4180), newest first, for an Ombudsman or subject-access request. */
export async function auditCsv(ctx: AppContext, viewer: Viewer, filter: AuditFilter): Promise<string> {
  const rows = await selectAuditEvents(ctx.db, viewer, { ...filter, limit: 10_000 });
  const header = ['id', 'at', 'actor', 'action', 'entity_type', 'entity_id', 'summary', 'before', 'after', 'source_ip'];
  const lines = rows.map((r) => [r.id, r.at, r.actor, r.action, r.entityType, r.entityId, r.summary, r.before, r.after, r.sourceIp].map(csvCell).join(','));
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
