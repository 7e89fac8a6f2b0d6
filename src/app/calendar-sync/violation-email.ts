// The move-violation email (guide §2.4.2) goes through the email outbox like any other mail: queued
// in the caller's transaction (with the booking history that explains it), sent by the outbox worker
// from EMO_EMAILADDR, retried and dead-lettered there. The idempotency key makes a replayed delta
// page queue nothing twice.
import { sql } from 'kysely';
import type { Db } from '../../adapters/db/database.ts';

export interface ViolationEmail {
  from: string;
  to: string;
  subject: string;
  /** Plain text: the rule's error message. */
  text: string;
  bookingRef: number;
  /** Unique per refused Outlook change. */
  key: string;
  actor: string;
}

/**
 * Queues the email in `email_outbox` (migration 0002) inside `db` (a transaction). Written against the
 * table because the outbox's own enqueue function had not landed when this was written; the row is
 * the one that function writes (queued, from_mailbox, to_recipients as [{address}], idempotency_key).
 */
export async function queueViolationEmail(db: Db, mail: ViolationEmail): Promise<void> {
  await sql`
    insert into email_outbox (to_recipients, subject, body_text, source, source_ref, idempotency_key, from_mailbox, created_by)
    values (${JSON.stringify([{ address: mail.to }])}::jsonb, ${mail.subject}, ${mail.text}, 'calendar-sync', ${String(mail.bookingRef)}, ${mail.key}, ${mail.from}, ${mail.actor})
    on conflict (idempotency_key) do nothing`.execute(db);
}
