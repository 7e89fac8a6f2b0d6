import { describe, expect, it } from 'vitest';
import { bookingTransactionId, DEFAULT_EVENT_BODY, DEFAULT_EVENT_SUBJECT, outlookWindowsZone, parseBookingMarker, renderEventText, toWallClock } from './event.ts';

const fields = { ref: 4376, diary: { code: 'RENTS', name: 'Rents Appointments' }, reason: null, location: '1 High St', status: 'BOOKED' };

describe('booking events', () => {
  it('renders subject and body from the templates without the tenant’s name', () => {
    expect(renderEventText(DEFAULT_EVENT_SUBJECT, fields)).toBe('Appointment 4376: Rents Appointments');
    const body = renderEventText(DEFAULT_EVENT_BODY, fields);
    expect(body).toContain('Appointment reference: 4376');
    expect(body).toContain('Address: 1 High St');
    expect(body).not.toContain('Reason:');
  });

  it('writes UK local wall-clock times on both sides of the October clock change', () => {
    // 25 Oct 2026 is the last Sunday of October: 09:00 BST before, 09:00 GMT after.
    expect(toWallClock(new Date('2026-10-23T08:00:00Z'), 'GMT Standard Time')).toEqual({ dateTime: '2026-10-23T09:00:00', timeZone: 'GMT Standard Time' });
    expect(toWallClock(new Date('2026-10-26T09:00:00Z'), 'GMT Standard Time')).toEqual({ dateTime: '2026-10-26T09:00:00', timeZone: 'GMT Standard Time' });
  });

  it('sends a time of the repeated autumn hour in UTC, which names one instant', () => {
    // 01:00 "GMT Standard Time" on Sun 31 Oct 2027 is both 00:00Z (BST) and 01:00Z (GMT).
    expect(toWallClock(new Date('2027-10-31T00:00:00Z'), 'GMT Standard Time')).toEqual({ dateTime: '2027-10-31T00:00:00', timeZone: 'UTC' });
    expect(toWallClock(new Date('2027-10-31T01:00:00Z'), 'GMT Standard Time')).toEqual({ dateTime: '2027-10-31T01:00:00', timeZone: 'UTC' });
    expect(toWallClock(new Date('2027-10-31T02:00:00Z'), 'GMT Standard Time')).toEqual({ dateTime: '2027-10-31T02:00:00', timeZone: 'GMT Standard Time' });
    expect(toWallClock(new Date('2027-10-30T23:00:00Z'), 'GMT Standard Time')).toEqual({ dateTime: '2027-10-31T00:00:00', timeZone: 'GMT Standard Time' });
  });

  it('sends a Windows zone name whatever form OUTLOOK365_TIMEZONE takes', () => {
    expect(outlookWindowsZone(null)).toBe('GMT Standard Time');
    expect(outlookWindowsZone('Europe/Paris')).toBe('Romance Standard Time');
    expect(outlookWindowsZone('AUS Eastern Standard Time')).toBe('AUS Eastern Standard Time');
  });

  it('makes the same transactionId for the same booking, calendar and generation only', () => {
    const a = bookingTransactionId(7, 'pat@h.org', 0);
    expect(bookingTransactionId(7, 'PAT@h.org', 0)).toBe(a);
    expect(bookingTransactionId(7, 'pat@h.org', 1)).not.toBe(a);
    expect(bookingTransactionId(7, 'sam@h.org', 0)).not.toBe(a);
    expect(parseBookingMarker('booking:4376')).toBe(4376);
    expect(parseBookingMarker('draft:1')).toBeUndefined();
  });
});
