// The rules for booking, moving and cancelling, in one place. Every use case — a person in housing,
// the API, the CLI, or a change read back from Outlook (issue 7) — goes through these functions, so a
// move refused here is refused the same way everywhere, with the same words. Messages are written
// for the person who must act on them, and start with the guide's own phrases (§2.4.2: "No
// appointment slots exist for diary …", "the appointment slot is in the past", "no units available
// in the appointment slot") because the Outlook move-violation email quotes them verbatim.
import { formatLocal } from '../time/wall-clock.ts';
import { nextStatus, STATUS_LABELS, type BookingAction, type BookingStatus } from './status.ts';

export type RuleCode =
  | 'no_slot'
  | 'slot_in_past'
  | 'no_units'
  | 'wrong_diary'
  | 'diary_closed'
  | 'booking_final'
  | 'same_slot'
  | 'reason_missing'
  | 'reason_unknown'
  | 'reason_inactive'
  | 'reason_kind'
  | 'reason_product_area';

export interface RuleFailure {
  rule: RuleCode;
  /** The input field a form should mark. */
  field: string;
  message: string;
}

export interface DiaryFacts {
  id: number;
  code: string;
  active: boolean;
  timeZone: string;
  productAreaCode: string;
}

export interface SlotFacts {
  id: number;
  diaryId: number;
  startsAt: Date;
  endsAt: Date;
  units: number;
  booked: number;
}

export interface ReasonFacts {
  code: string;
  kind: 'book' | 'move' | 'cancel';
  active: boolean;
  productAreas: readonly string[];
}

export interface BookingFacts {
  ref: number;
  status: BookingStatus;
  slotId: number;
  diaryId: number;
}

/** "Mon 30 Nov 2026 10:00" in the diary's own time zone: what staff see in the diary ("… 01:00 BST" in a repeated hour). */
export function formatSlotTime(at: Date, timeZone: string): string {
  return formatLocal(at, timeZone, 'ccc d LLL yyyy HH:mm');
}

const fail = (rule: RuleCode, field: string, message: string): RuleFailure => ({ rule, field, message });

/**
 * Can a unit of `slot` be taken at `now`? `slot` undefined means no slot starts at the time asked for.
 * `at` is that time (for the message).
 */
export function checkSlotBookable(diary: DiaryFacts, slot: SlotFacts | undefined, at: Date, now: Date): RuleFailure | undefined {
  const when = formatSlotTime(slot?.startsAt ?? at, diary.timeZone);
  if (!diary.active) return fail('diary_closed', 'diary', `Diary ${diary.code} is closed to bookings; choose another diary or ask an administrator to reopen it`);
  if (!slot) {
    return fail('no_slot', 'slot', `No appointment slots exist for diary ${diary.code} at ${when}; choose a time from the diary's free slots`);
  }
  if (slot.diaryId !== diary.id) {
    return fail('wrong_diary', 'slot', `The appointment slot at ${when} belongs to another diary, not ${diary.code}; choose one of ${diary.code}'s slots`);
  }
  if (slot.startsAt.getTime() <= now.getTime()) {
    return fail('slot_in_past', 'slot', `The appointment slot ${when} in diary ${diary.code} is in the past; choose a slot that has not started yet`);
  }
  if (slot.booked >= slot.units) {
    return fail(
      'no_units',
      'slot',
      `No units available in the appointment slot ${when} in diary ${diary.code} (all ${slot.units} taken); choose another slot`,
    );
  }
  return undefined;
}

/** Is `action` allowed on the booking's current status? */
export function checkTransition(booking: BookingFacts, action: BookingAction): RuleFailure | undefined {
  if (nextStatus(booking.status, action)) return undefined;
  const verb = { move: 'moved', cancel: 'cancelled', complete: 'completed', edit: 'changed' }[action];
  const hint = booking.status === 'CAN' && action === 'move' ? '; book a new appointment instead' : '';
  return fail('booking_final', 'ref', `Appointment ${booking.ref} is ${STATUS_LABELS[booking.status].toLowerCase()} and cannot be ${verb}${hint}`);
}

export function checkBook(input: { diary: DiaryFacts; slot: SlotFacts | undefined; at: Date; now: Date; reason?: ReasonFacts | null; reasonCode?: string | null }): RuleFailure | undefined {
  const slotProblem = checkSlotBookable(input.diary, input.slot, input.at, input.now);
  if (slotProblem) return slotProblem;
  // A booking reason is optional; when given it must be a book reason of the diary's product area.
  if (input.reasonCode) return checkReason(input.reasonCode, input.reason ?? undefined, 'book', input.diary);
  return undefined;
}

export function checkMove(input: {
  booking: BookingFacts;
  diary: DiaryFacts;
  slot: SlotFacts | undefined;
  at: Date;
  now: Date;
  reasonCode: string | null | undefined;
  reason: ReasonFacts | undefined;
}): RuleFailure | undefined {
  const { booking, diary, slot } = input;
  const transition = checkTransition(booking, 'move');
  if (transition) return transition;
  if (slot && slot.id === booking.slotId) {
    return fail('same_slot', 'slot', `Appointment ${booking.ref} is already in the slot ${formatSlotTime(slot.startsAt, diary.timeZone)}; choose a different slot`);
  }
  const slotProblem = checkSlotBookable(diary, slot, input.at, input.now);
  if (slotProblem) return slotProblem;
  return checkReason(input.reasonCode, input.reason, 'move', diary, booking.ref);
}

export function checkCancel(input: { booking: BookingFacts; diary: DiaryFacts; reasonCode: string | null | undefined; reason: ReasonFacts | undefined }): RuleFailure | undefined {
  return checkTransition(input.booking, 'cancel') ?? checkReason(input.reasonCode, input.reason, 'cancel', input.diary, input.booking.ref);
}

export function checkReason(
  code: string | null | undefined,
  reason: ReasonFacts | undefined,
  kind: ReasonFacts['kind'],
  diary: DiaryFacts,
  ref?: number,
): RuleFailure | undefined {
  const what = { book: 'booking', move: 'moving', cancel: 'cancelling' }[kind];
  if (!code) return fail('reason_missing', 'reasonCode', `Choose a reason for ${what}${ref ? ` appointment ${ref}` : ' the appointment'}`);
  if (!reason) return fail('reason_unknown', 'reasonCode', `There is no appointment reason ${code}; choose one from Appointment Reasons`);
  if (!reason.active) return fail('reason_inactive', 'reasonCode', `Appointment reason ${code} is no longer in use; choose another`);
  if (reason.kind !== kind) {
    return fail('reason_kind', 'reasonCode', `Appointment reason ${code} is a ${reason.kind} reason; choose a ${kind} reason for ${what} the appointment`);
  }
  if (!reason.productAreas.includes(diary.productAreaCode)) {
    return fail(
      'reason_product_area',
      'reasonCode',
      `Appointment reason ${code} is not linked to product area ${diary.productAreaCode} (diary ${diary.code}); choose another reason or link it in Appointment Reasons`,
    );
  }
  return undefined;
}

/**
 * The guide (§2.4): "The two reasons selected for the above parameters will need to be associated
 * with all product areas in the Appointment Reasons configuration". Undefined when `reason` is fine.
 */
export function outlookReasonProblem(
  parameter: 'APPT_OUTLOOK365_CANCEL_RSN' | 'APPT_OUTLOOK365_MOVE_RSN',
  reason: ReasonFacts,
  allProductAreas: readonly string[],
): string | undefined {
  const kind = parameter === 'APPT_OUTLOOK365_CANCEL_RSN' ? 'cancel' : 'move';
  if (reason.kind !== kind) {
    return `${parameter} must name a ${kind} reason; ${reason.code} is a ${reason.kind} reason`;
  }
  const missing = allProductAreas.filter((pa) => !reason.productAreas.includes(pa));
  if (missing.length > 0) {
    return `${parameter}: the reason selected will need to be associated with all product areas in the Appointment Reasons configuration; ${reason.code} is not linked to ${missing.join(', ')}`;
  }
  return undefined;
}
