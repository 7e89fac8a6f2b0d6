import { describe, expect, it } from 'vitest';
import { formatLocal, isRepeatedWallTime, zoneAbbreviation } from './wall-clock.ts';

const LONDON = 'Europe/London';
const utc = (iso: string) => new Date(`${iso}Z`);

describe('wall-clock times around a clock change', () => {
  it('knows both occurrences of the repeated autumn hour, and names them BST and GMT', () => {
    // Sun 31 Oct 2027: 01:00 BST is 00:00Z; clocks go back at 02:00 BST (01:00Z) to 01:00 GMT.
    expect(isRepeatedWallTime(utc('2027-10-31T00:00:00'), LONDON)).toBe(true);
    expect(isRepeatedWallTime(utc('2027-10-31T01:30:00'), LONDON)).toBe(true);
    expect(isRepeatedWallTime(utc('2027-10-30T23:00:00'), LONDON)).toBe(false); // 00:00 BST
    expect(isRepeatedWallTime(utc('2027-10-31T02:00:00'), LONDON)).toBe(false); // 02:00 GMT
    expect(zoneAbbreviation(utc('2027-10-31T00:00:00'), LONDON)).toBe('BST');
    expect(zoneAbbreviation(utc('2027-10-31T01:00:00'), LONDON)).toBe('GMT');
    expect(formatLocal(utc('2027-10-31T00:00:00'), LONDON, 'HH:mm')).toBe('01:00 BST');
    expect(formatLocal(utc('2027-10-31T01:00:00'), LONDON, 'HH:mm')).toBe('01:00 GMT');
  });

  it('leaves every other time as it was', () => {
    expect(formatLocal(utc('2027-10-30T23:00:00'), LONDON, 'HH:mm')).toBe('00:00');
    expect(formatLocal(utc('2027-10-31T02:00:00'), LONDON, 'HH:mm')).toBe('02:00');
    expect(formatLocal(utc('2027-07-01T09:00:00'), LONDON, 'ccc d LLL yyyy HH:mm')).toBe('Thu 1 Jul 2027 10:00');
    // Spring (28 Mar 2027): 00:59 GMT is followed by 02:00 BST; neither is repeated.
    expect(formatLocal(utc('2027-03-28T00:30:00'), LONDON, 'HH:mm')).toBe('00:30');
    expect(formatLocal(utc('2027-03-28T01:00:00'), LONDON, 'HH:mm')).toBe('02:00');
  });
});
