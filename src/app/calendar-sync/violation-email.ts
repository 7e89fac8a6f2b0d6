// The move-violation email (guide §2.4.2) goes through the email outbox like any other mail: queued
// in the caller's transaction (with the booking history that explains it), sent by the outbox worker
// from EMO_EMAILADDR, retried and dead-lettered there. The idempotency key makes a replayed delta
// page queue nothing twice.
import type { Db } from '../../adapters/db/database.ts';
import { enqueueEmail, kickOutbox } from '../email/enqueue.ts';
import type { AppContext } from '../context.ts';

export interface ViolationEmail {
  to: string;
  subject: string;
  /** Plain text: the rule's error message. */
  text: string;
  bookingRef: number;
  /** Unique per refused Outlook change. */
  key: string;
  actor: string;
}

/** Queues the email inside `trx`. The outbox sends every email from EMO_EMAILADDR. */
export async function queueViolationEmail(trx: Db, mail: ViolationEmail): Promise<void> {
  await enqueueEmail(trx, { username: mail.actor }, {
    to: [{ address: mail.to }],
    subject: mail.subject,
    text: mail.text,
    source: 'calendar-sync',
    sourceRef: String(mail.bookingRef),
    idempotencyKey: mail.key,
  });
}

/** After commit: send now rather than at the outbox's next poll. */
export const wakeOutbox = (ctx: AppContext): void => kickOutbox(ctx);
