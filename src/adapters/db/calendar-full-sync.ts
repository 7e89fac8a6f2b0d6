// calendar_full_sync_seen (migration 0018): the event ids a calendar's full sync has listed so far, kept
// with its page cursor so that a full sync interrupted between pages resumes with everything it had
// seen, and still ends by checking the bookings whose events it never listed (issue 14 §11).
import type { Db } from './database.ts';

/** Adds the ids one page listed; call in the transaction that saves that page's cursor. */
export async function addFullSyncSeen(db: Db, calendar: string, eventIds: readonly string[]): Promise<void> {
  if (eventIds.length === 0) return;
  const key = calendar.toLowerCase();
  await db
    .insertInto('calendar_full_sync_seen')
    .values([...new Set(eventIds)].map((id) => ({ calendar: key, event_id: id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function selectFullSyncSeen(db: Db, calendar: string): Promise<Set<string>> {
  const rows = await db.selectFrom('calendar_full_sync_seen').select('event_id').where('calendar', '=', calendar.toLowerCase()).execute();
  return new Set(rows.map((r) => r.event_id));
}

/** Forgets the listed ids (a new full sync starts, or one completed). */
export async function clearFullSyncSeen(db: Db, calendar: string): Promise<void> {
  await db.deleteFrom('calendar_full_sync_seen').where('calendar', '=', calendar.toLowerCase()).execute();
}
