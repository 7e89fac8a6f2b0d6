import { describe, expect, it } from 'vitest';
import { checkBook, checkCancel, checkMove, outlookReasonProblem } from './rules.ts';
import { nextStatus } from './status.ts';

const diary = { id: 1, code: 'RENTS', active: true, timeZone: 'Europe/London', productAreaCode: 'RENTS' };
const now = new Date('2026-11-30T10:30:00Z');
const slot = (h: number, booked = 0, units = 2) => ({ id: h, diaryId: 1, startsAt: new Date(`2026-12-01T${String(h).padStart(2, '0')}:00:00Z`), endsAt: new Date(`2026-12-01T${String(h + 1).padStart(2, '0')}:00:00Z`), units, booked });
const move = { code: 'TENREQ', kind: 'move' as const, active: true, productAreas: ['RENTS', 'ESTATES'] };
const booking = { ref: 4376, status: 'BOOKED' as const, slotId: 99, diaryId: 1 };

describe('booking rules', () => {
  it('names the diary and the local time when no slot exists', () => {
    const f = checkBook({ diary, slot: undefined, at: new Date('2026-12-01T13:00:00Z'), now });
    expect(f).toEqual({ rule: 'no_slot', field: 'slot', message: "No appointment slots exist for diary RENTS at Tue 1 Dec 2026 13:00; choose a time from the diary's free slots" });
  });

  it('refuses a slot that has started, and a full one', () => {
    expect(checkBook({ diary, slot: { ...slot(9), startsAt: new Date('2026-11-30T10:00:00Z') }, at: now, now })?.rule).toBe('slot_in_past');
    expect(checkBook({ diary, slot: slot(9, 2, 2), at: now, now })?.message).toBe('No units available in the appointment slot Tue 1 Dec 2026 09:00 in diary RENTS (all 2 taken); choose another slot');
    expect(checkBook({ diary, slot: slot(9, 1, 2), at: now, now })).toBeUndefined();
  });

  it('checks the booking status before the slot, and the reason last', () => {
    expect(checkMove({ booking: { ...booking, status: 'CAN' }, diary, slot: slot(9, 2), at: now, now, reasonCode: 'TENREQ', reason: move })?.rule).toBe('booking_final');
    expect(checkMove({ booking, diary, slot: slot(9), at: now, now, reasonCode: 'TENREQ', reason: { ...move, productAreas: ['ESTATES'] } })?.rule).toBe('reason_product_area');
    expect(checkMove({ booking, diary, slot: slot(9), at: now, now, reasonCode: 'TENREQ', reason: move })).toBeUndefined();
    expect(checkCancel({ booking, diary, reasonCode: 'TENREQ', reason: move })?.rule).toBe('reason_kind');
  });

  it('follows the status table', () => {
    expect(nextStatus('BOOKED', 'move')).toBe('MOVED');
    expect(nextStatus('MOVED', 'cancel')).toBe('CAN');
    expect(nextStatus('CAN', 'move')).toBeUndefined();
    expect(nextStatus('COMPLETED', 'cancel')).toBeUndefined();
  });

  it('says in the guide’s words when an Outlook reason is not linked to all product areas', () => {
    expect(outlookReasonProblem('APPT_OUTLOOK365_MOVE_RSN', move, ['RENTS', 'ESTATES'])).toBeUndefined();
    expect(outlookReasonProblem('APPT_OUTLOOK365_MOVE_RSN', move, ['RENTS', 'ESTATES', 'REPAIRS'])).toBe(
      'APPT_OUTLOOK365_MOVE_RSN: the reason selected will need to be associated with all product areas in the Appointment Reasons configuration; TENREQ is not linked to REPAIRS',
    );
  });
});
