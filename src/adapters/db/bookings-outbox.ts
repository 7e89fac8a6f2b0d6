// calendar_outbox: booking changes waiting to be pushed to Outlook. Rows are written in the same
// transaction as the booking change; the push worker claims whole bookings (a lease on the booking
// row), so one booking's changes are applied by one worker at a time and in order.
import { sql } from 'kysely';
import type { Db } from './database.ts';

export type CalendarChange = 'create' | 'update' | 'delete' | 'resync';

export interface OutboxEntry {
  id: number;
  bookingId: number;
  change: string;
  status: 'pending' | 'done' | 'dead';
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  doneAt: Date | null;
}

export async function insertOutbox(db: Db, bookingId: number, change: CalendarChange): Promise<void> {
  await db.insertInto('calendar_outbox').values({ booking_id: bookingId, change }).execute();
  await db.updateTable('bookings').set({ outlook_state: 'pending' }).where('id', '=', bookingId).execute();
}

/**
 * Queues a resync for every booking of the diary that has something to do in Outlook: live bookings
 * that have not started yet (to push them), and any booking with an event or an attempted create
 * (to remove or move it). Returns how many were queued.
 */
export async function insertOutboxForDiary(db: Db, diaryId: number, now: Date): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    insert into calendar_outbox (booking_id, change)
    select b.id, 'resync' from bookings b join appointment_slots s on s.id = b.slot_id
    where b.diary_id = ${diaryId}
      and ((b.status in ('BOOKED', 'MOVED') and s.starts_at > ${now}) or b.outlook_event_id is not null or b.outlook_txn is not null)
    returning booking_id as id`.execute(db);
  if (rows.length > 0) {
    await db.updateTable('bookings').set({ outlook_state: 'pending' }).where('id', 'in', rows.map((r) => r.id)).execute();
  }
  return rows.length;
}

export async function selectOutbox(db: Db, bookingId: number): Promise<OutboxEntry[]> {
  const rows = await db.selectFrom('calendar_outbox').selectAll().where('booking_id', '=', bookingId).orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    bookingId: r.booking_id,
    change: r.change,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    doneAt: r.done_at,
  }));
}

/**
 * Claims up to `limit` bookings with due changes for `leaseMs`: an UPDATE of the booking rows, so two
 * workers racing for the same booking serialise on its row lock and the second sees the fresh lease.
 */
export async function claimBookings(db: Db, token: string, now: Date, leaseMs: number, limit: number): Promise<Array<{ bookingId: number; upToOutboxId: number }>> {
  const until = new Date(now.getTime() + leaseMs);
  const { rows } = await sql<{ id: number; up_to: number }>`
    with due as (
      select booking_id, max(id) as up_to from calendar_outbox
      where status = 'pending' and next_attempt_at <= ${now}
      group by booking_id
      order by min(id)
      limit ${limit}
    )
    update bookings b set outlook_claim = ${token}, outlook_claimed_until = ${until}
    from due
    where b.id = due.booking_id and (b.outlook_claimed_until is null or b.outlook_claimed_until < ${now})
    returning b.id, due.up_to`.execute(db);
  return rows.map((r) => ({ bookingId: Number(r.id), upToOutboxId: Number(r.up_to) }));
}

export async function releaseClaim(db: Db, bookingId: number, token: string): Promise<void> {
  await db.updateTable('bookings').set({ outlook_claim: null, outlook_claimed_until: null }).where('id', '=', bookingId).where('outlook_claim', '=', token).execute();
}

/** Whether this worker still holds the booking (its lease may have expired and been taken over). */
export async function holdsClaim(db: Db, bookingId: number, token: string): Promise<boolean> {
  const r = await db.selectFrom('bookings').select('id').where('id', '=', bookingId).where('outlook_claim', '=', token).executeTakeFirst();
  return Boolean(r);
}

export async function markOutboxDone(db: Db, bookingId: number, upTo: number, now: Date): Promise<void> {
  await db
    .updateTable('calendar_outbox')
    .set({ status: 'done', done_at: now, last_error: null })
    .where('booking_id', '=', bookingId)
    .where('id', '<=', upTo)
    .where('status', '=', 'pending')
    .execute();
}

export async function hasPendingOutbox(db: Db, bookingId: number): Promise<boolean> {
  const r = await db.selectFrom('calendar_outbox').select('id').where('booking_id', '=', bookingId).where('status', '=', 'pending').executeTakeFirst();
  return Boolean(r);
}

/** Records a failed attempt on the booking's pending rows; returns the attempts so far. */
export async function markOutboxFailed(db: Db, bookingId: number, upTo: number, error: string, next: (attempts: number) => Date | null): Promise<{ attempts: number; dead: boolean }> {
  const row = await db
    .selectFrom('calendar_outbox')
    .select((eb) => eb.fn.max('attempts').as('attempts'))
    .where('booking_id', '=', bookingId)
    .where('status', '=', 'pending')
    .where('id', '<=', upTo)
    .executeTakeFirst();
  const attempts = Number(row?.attempts ?? 0) + 1;
  const at = next(attempts);
  await db
    .updateTable('calendar_outbox')
    .set(at ? { attempts, last_error: error, next_attempt_at: at } : { attempts, last_error: error, status: 'dead' })
    .where('booking_id', '=', bookingId)
    .where('status', '=', 'pending')
    .where('id', '<=', upTo)
    .execute();
  return { attempts, dead: at === null };
}

/** Dead-lettered changes back to pending (replay). Returns how many bookings were requeued. */
export async function replayDead(db: Db, filter: { bookingId?: number }, now: Date): Promise<number> {
  let q = db.updateTable('calendar_outbox').set({ status: 'pending', attempts: 0, next_attempt_at: now }).where('status', '=', 'dead');
  if (filter.bookingId !== undefined) q = q.where('booking_id', '=', filter.bookingId);
  const rows = await q.returning('booking_id').execute();
  const ids = [...new Set(rows.map((r) => r.booking_id))];
  if (ids.length > 0) await db.updateTable('bookings').set({ outlook_state: 'pending', outlook_error: null }).where('id', 'in', ids).execute();
  return ids.length;
}

export interface OutboxSummary {
  pending: number;
  due: number;
  failing: number;
  dead: number;
  done: number;
  oldestPendingAt: Date | null;
}

export async function outboxSummary(db: Db, now: Date, diaryId?: number): Promise<OutboxSummary> {
  const diaryFilter = diaryId === undefined ? sql`true` : sql`o.booking_id in (select id from bookings where diary_id = ${diaryId})`;
  const { rows } = await sql<{ pending: number; due: number; failing: number; dead: number; done: number; oldest: Date | null }>`
    select
      count(*) filter (where status = 'pending')::int as pending,
      count(*) filter (where status = 'pending' and next_attempt_at <= ${now})::int as due,
      count(*) filter (where status = 'pending' and attempts > 0)::int as failing,
      count(*) filter (where status = 'dead')::int as dead,
      count(*) filter (where status = 'done')::int as done,
      min(created_at) filter (where status = 'pending') as oldest
    from calendar_outbox o where ${diaryFilter}`.execute(db);
  const r = rows[0];
  return { pending: r.pending, due: r.due, failing: r.failing, dead: r.dead, done: r.done, oldestPendingAt: r.oldest };
}

/** Bookings whose changes are dead-lettered, for the Integration page. */
export async function selectDeadBookings(db: Db, limit = 50): Promise<Array<{ bookingId: number; ref: number; lastError: string | null; attempts: number }>> {
  const rows = await db
    .selectFrom('calendar_outbox as o')
    .innerJoin('bookings as b', 'b.id', 'o.booking_id')
    .select(['o.booking_id', 'b.ref', (eb) => eb.fn.max('o.last_error').as('last_error'), (eb) => eb.fn.max('o.attempts').as('attempts')])
    .where('o.status', '=', 'dead')
    .groupBy(['o.booking_id', 'b.ref'])
    .orderBy('b.ref')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ bookingId: r.booking_id, ref: r.ref, lastError: r.last_error as string | null, attempts: Number(r.attempts) }));
}

/** Marks bookings whose flow is switched off as held, with the reason, so the booking page can say why. */
export async function holdPending(db: Db, reason: string): Promise<number> {
  const r = await db
    .updateTable('bookings')
    .set({ outlook_state: 'held', outlook_error: reason })
    .where('outlook_state', 'in', ['pending', 'failed'])
    .where(({ exists, selectFrom }) => exists(selectFrom('calendar_outbox').select('calendar_outbox.id').whereRef('calendar_outbox.booking_id', '=', 'bookings.id').where('calendar_outbox.status', '=', 'pending')))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
