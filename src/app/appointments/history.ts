import type { Db } from '../../adapters/db/database.ts';
import { insertHistory, selectBookingRef, type BookingHistoryEntry } from '../../adapters/db/bookings.ts';
import { recordAudit } from '../audit.ts';

type Change = Omit<BookingHistoryEntry, 'id' | 'at'> & { at?: Date };

const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : null);

/**
 * A booking change by a person (or by Outlook on a person's behalf): its line in the booking's own
 * history, and the same change in the audit trail, in the caller's transaction.
 */
export async function recordBookingChange(trx: Db, bookingId: number, change: Change): Promise<void> {
  await insertHistory(trx, bookingId, change);
  const ref = (await selectBookingRef(trx, bookingId)) ?? bookingId;
  const moved = change.fromStart && change.toStart && change.fromStart.getTime() !== change.toStart.getTime();
  const parts = [
    `Booking ${ref} ${change.action.toLowerCase()}`,
    change.fromStatus !== change.toStatus && change.toStatus ? `status ${change.fromStatus ?? '–'} → ${change.toStatus}` : null,
    moved ? `from ${when(change.fromStart)} to ${when(change.toStart)} UTC` : !change.fromStart && change.toStart ? `at ${when(change.toStart)} UTC` : null,
    change.reasonCode ? `reason ${change.reasonCode}` : null,
    change.source === 'outlook' ? 'from Outlook' : null,
  ].filter(Boolean);
  await recordAudit(trx, { username: change.actor }, {
    action: `booking.${change.action.toLowerCase()}`,
    entityType: 'booking',
    entityId: ref,
    summary: parts.join(', '),
    before: change.fromStatus || change.fromStart ? { status: change.fromStatus, start: change.fromStart } : null,
    after: { status: change.toStatus, start: change.toStart, reason: change.reasonCode, note: change.note, source: change.source },
  });
}
