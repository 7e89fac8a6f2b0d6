import type { Db } from './database.ts';
import type { Viewer } from '../../domain/tasks/visibility.ts';
import { inboxRowVisibleTo } from './visibility.ts';

// "Needs attention": inbound mail that could not be stored, with its raw source, for replay.

export interface ParkedEmail {
  id: number;
  inbox: string;
  mailbox: string;
  graphId: string;
  subject: string | null;
  reason: string;
  hasRawSource: boolean;
  attempts: number;
  firstAt: Date;
  lastAt: Date;
  status: 'parked' | 'replayed' | 'dismissed';
  resolvedBy: string | null;
}

/** Parks (or re-parks, counting attempts) a message. */
export async function upsertParked(db: Db, p: { inbox: string; mailbox: string; graphId: string; subject: string | null; reason: string; rawSource: Buffer | null; at: Date }): Promise<void> {
  await db
    .insertInto('inbound_parked')
    .values({ inbox: p.inbox, mailbox: p.mailbox, graph_id: p.graphId, subject: p.subject, reason: p.reason, raw_source: p.rawSource, first_at: p.at, last_at: p.at })
    .onConflict((oc) =>
      oc.columns(['inbox', 'graph_id']).doUpdateSet((eb) => ({
        reason: p.reason,
        raw_source: eb.fn.coalesce(eb.ref('excluded.raw_source'), eb.ref('inbound_parked.raw_source')),
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
    .select(['id', 'inbox', 'mailbox', 'graph_id', 'subject', 'reason', 'attempts', 'first_at', 'last_at', 'status', 'resolved_by'])
    .select((eb) => eb('raw_source', 'is not', null).as('has_raw'));
  if (opts.status) q = q.where('status', '=', opts.status);
  if (opts.inbox) q = q.where('inbox', '=', opts.inbox);
  if (opts.id !== undefined) q = q.where('id', '=', opts.id);
  const rows = await q.orderBy('id', 'desc').limit(500).execute();
  return rows.map((r) => ({
    id: r.id, inbox: r.inbox, mailbox: r.mailbox, graphId: r.graph_id, subject: r.subject, reason: r.reason, hasRawSource: Boolean(r.has_raw),
    attempts: r.attempts, firstAt: r.first_at, lastAt: r.last_at, status: r.status, resolvedBy: r.resolved_by,
  }));
}

export async function selectParkedRaw(db: Db, viewer: Viewer, id: number): Promise<Buffer | null | undefined> {
  const r = await db.selectFrom('inbound_parked').select('raw_source').where('id', '=', id).where(inboxRowVisibleTo(viewer, 'inbound_parked.inbox')).executeTakeFirst();
  return r ? r.raw_source : undefined;
}

export async function resolveParked(db: Db, where: { id?: number; inbox?: string; graphId?: string }, status: 'replayed' | 'dismissed', by: string, at: Date): Promise<void> {
  let q = db.updateTable('inbound_parked').set({ status, resolved_by: by, resolved_at: at });
  if (where.id !== undefined) q = q.where('id', '=', where.id);
  if (where.inbox !== undefined) q = q.where('inbox', '=', where.inbox);
  if (where.graphId !== undefined) q = q.where('graph_id', '=', where.graphId);
  await q.execute();
}
