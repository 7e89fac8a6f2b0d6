import type { Db } from './database.ts';
import type { Viewer } from '../../domain/tasks/visibility.ts';
import { inboxRowVisibleTo } from './visibility.ts';

// "Needs attention": inbound mail that could not be stored, with its raw source, for replay.
// The source is kept whole in the blob store (by SHA-256); rows from before kept it in `raw_source`,
// cut at 25 MB — those say so (`rawTruncated`).

export interface ParkedEmail {
  id: number;
  inbox: string;
  mailbox: string;
  graphId: string;
  subject: string | null;
  reason: string;
  hasRawSource: boolean;
  rawSize: number | null;
  rawTruncated: boolean;
  attempts: number;
  firstAt: Date;
  lastAt: Date;
  status: 'parked' | 'replayed' | 'dismissed';
  resolvedBy: string | null;
}

export interface ParkedRawRef {
  blobSha256: string;
  size: number;
}

/** Parks (or re-parks, counting attempts) a message. A re-park without a source keeps the one it had. */
export async function upsertParked(db: Db, p: { inbox: string; mailbox: string; graphId: string; subject: string | null; reason: string; raw: ParkedRawRef | null; attempts?: number; at: Date }): Promise<void> {
  await db
    .insertInto('inbound_parked')
    .values({
      inbox: p.inbox, mailbox: p.mailbox, graph_id: p.graphId, subject: p.subject, reason: p.reason,
      raw_blob_sha256: p.raw?.blobSha256 ?? null, raw_size: p.raw?.size ?? null, attempts: p.attempts ?? 1, first_at: p.at, last_at: p.at,
    })
    .onConflict((oc) =>
      oc.columns(['inbox', 'graph_id']).doUpdateSet((eb) => ({
        reason: p.reason,
        ...(p.raw ? { raw_blob_sha256: p.raw.blobSha256, raw_size: p.raw.size, raw_source: null, raw_truncated: false } : {}),
        attempts: eb('inbound_parked.attempts', '+', 1),
        last_at: p.at,
        status: 'parked',
        resolved_at: null,
        resolved_by: null,
      })),
    )
    .execute();
}

/** Parked mail the viewer may see: a restricted inbox's only for its job group's teams. */
export async function selectParked(db: Db, viewer: Viewer, opts: { status?: ParkedEmail['status']; inbox?: string; id?: number } = {}): Promise<ParkedEmail[]> {
  let q = db
    .selectFrom('inbound_parked')
    .where(inboxRowVisibleTo(viewer, 'inbound_parked.inbox'))
    .select(['id', 'inbox', 'mailbox', 'graph_id', 'subject', 'reason', 'attempts', 'first_at', 'last_at', 'status', 'resolved_by', 'raw_size', 'raw_truncated'])
    .select((eb) => eb.or([eb('raw_source', 'is not', null), eb('raw_blob_sha256', 'is not', null)]).as('has_raw'));
  if (opts.status) q = q.where('status', '=', opts.status);
  if (opts.inbox) q = q.where('inbox', '=', opts.inbox);
  if (opts.id !== undefined) q = q.where('id', '=', opts.id);
  const rows = await q.orderBy('id', 'desc').limit(500).execute();
  return rows.map((r) => ({
    id: r.id, inbox: r.inbox, mailbox: r.mailbox, graphId: r.graph_id, subject: r.subject, reason: r.reason, hasRawSource: Boolean(r.has_raw),
    rawSize: r.raw_size === null ? null : Number(r.raw_size), rawTruncated: r.raw_truncated,
    attempts: r.attempts, firstAt: r.first_at, lastAt: r.last_at, status: r.status, resolvedBy: r.resolved_by,
  }));
}

/** Where the raw source is: a blob, or (rows from before) bytes in the row, maybe cut. */
export async function selectParkedRaw(db: Db, viewer: Viewer, id: number): Promise<{ blobSha256: string | null; bytes: Buffer | null; truncated: boolean } | undefined> {
  const r = await db.selectFrom('inbound_parked').select(['raw_source', 'raw_blob_sha256', 'raw_truncated']).where('id', '=', id).where(inboxRowVisibleTo(viewer, 'inbound_parked.inbox')).executeTakeFirst();
  return r ? { blobSha256: r.raw_blob_sha256, bytes: r.raw_source, truncated: r.raw_truncated } : undefined;
}

export async function resolveParked(db: Db, where: { id?: number; inbox?: string; graphId?: string }, status: 'replayed' | 'dismissed', by: string, at: Date): Promise<void> {
  let q = db.updateTable('inbound_parked').set({ status, resolved_by: by, resolved_at: at });
  if (where.id !== undefined) q = q.where('id', '=', where.id);
  if (where.inbox !== undefined) q = q.where('inbox', '=', where.inbox);
  if (where.graphId !== undefined) q = q.where('graph_id', '=', where.graphId);
  await q.execute();
}
