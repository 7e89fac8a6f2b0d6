/**
 * The inbox reconcile (issue 15 §6): message delta, asked for with immutable ids (as housing365 asks
 * for every request), is known to miss mail that is moved out of a folder and back — Graph's known
 * issues list it (https://learn.microsoft.com/graph/known-issues, Outlook). A resident's email that a
 * rule or a colleague moves out of the shared inbox before our poll, and back after, would then never
 * become a task. So every `RECONCILE_EVERY_MS` an inbox run also lists the inbox's recent mail
 * (receivedDateTime within `RECONCILE_WINDOW_MS`, never before the inbox was enabled) and hands what
 * is neither stored nor parked to the same import as delta's pages — the calendars' periodic
 * reconcile, for mail. One list request per inbox per hour; nothing when all is known.
 */
import { storedOrParkedIds } from '../../adapters/db/inbound-reconcile.ts';
import type { Db } from '../../adapters/db/database.ts';
import type { DeltaPage, InboxChange, MailboxGateway } from '../ports/graph.ts';

export const RECONCILE_EVERY_MS = 60 * 60_000;
export const RECONCILE_WINDOW_MS = 7 * 86_400_000;

const lastReconcile = new Map<string, number>();

/** Due once per process start, then hourly (in-process: a restart only brings the next one forward). */
export function reconcileDue(inbox: string, nowMs: number, everyMs = RECONCILE_EVERY_MS): boolean {
  const last = lastReconcile.get(inbox);
  return last === undefined || nowMs - last >= everyMs;
}

export function markReconciled(inbox: string, nowMs: number): void {
  lastReconcile.set(inbox, nowMs);
}

/**
 * Pages of the inbox's recent mail that the database does not know, shaped like delta pages without a
 * cursor (the sync stores them as it stores delta's, and saves no cursor for them).
 */
export async function* unknownRecentMail(db: Db, g: MailboxGateway, inbox: { code: string; mailbox: string }, since: Date): AsyncIterable<DeltaPage<InboxChange>> {
  let batch: InboxChange[] = [];
  const flush = async () => {
    const known = await storedOrParkedIds(db, inbox.code, batch.map((c) => (c.kind === 'upsert' ? c.message.id : c.id)));
    const page = batch.filter((c) => c.kind === 'upsert' && !known.has(c.message.id));
    batch = [];
    return page;
  };
  for await (const m of g.listRecentMessages(inbox.mailbox, 'inbox', since)) {
    batch.push({ kind: 'upsert', message: m });
    if (batch.length >= 50) {
      const changes = await flush();
      if (changes.length) yield { changes, cursor: '', complete: false };
    }
  }
  const changes = await flush();
  if (changes.length) yield { changes, cursor: '', complete: true };
}
