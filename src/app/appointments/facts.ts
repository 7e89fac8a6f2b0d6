// Row → rule-facts mappers shared by the booking use cases.
import type { Diary } from '../../adapters/db/diaries.ts';
import type { AppointmentReason } from '../../adapters/db/reasons.ts';
import type { Booking } from '../../adapters/db/bookings.ts';
import type { BookingFacts, DiaryFacts, ReasonFacts } from '../../domain/appointments/rules.ts';

export const diaryFacts = (d: Diary): DiaryFacts => ({ id: d.id, code: d.code, active: d.active, timeZone: d.timeZone, productAreaCode: d.productAreaCode });
export const reasonFacts = (r: AppointmentReason | undefined): ReasonFacts | undefined => r && { code: r.code, kind: r.kind, active: r.active, productAreas: r.productAreas };
export const bookingFacts = (b: Booking): BookingFacts => ({ ref: b.ref, status: b.status, slotId: b.slotId, diaryId: b.diaryId });

/** Who and where the change came from, recorded in the booking's history. */
export type ChangeSource = 'housing' | 'outlook';
