import { describe, expect, it } from 'vitest';
import { instantToWallTime, preferredTimeZone, resolveTimeZone, wallTimeToInstant } from '../src/calendar/timezones.ts';

describe('time zone names', () => {
  it('maps Windows names to their CLDR golden IANA zone and accepts IANA names', () => {
    expect(resolveTimeZone('GMT Standard Time')).toBe('Europe/London');
    expect(resolveTimeZone('gmt standard time')).toBe('Europe/London');
    expect(resolveTimeZone('Pacific Standard Time')).toBe('America/Los_Angeles');
    expect(resolveTimeZone('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(resolveTimeZone('Europe/London')).toBe('Europe/London');
    expect(resolveTimeZone('UTC')).toBe('UTC');
    expect(resolveTimeZone('Etc/GMT')).toBe('UTC');
  });

  it('rejects names neither Windows nor IANA knows', () => {
    expect(resolveTimeZone('Mars Standard Time')).toBeNull();
    expect(resolveTimeZone('')).toBeNull();
  });

  it('reads outlook.timezone from a Prefer header with other preferences', () => {
    expect(preferredTimeZone('odata.maxpagesize=5, outlook.timezone="GMT Standard Time"')).toEqual({ name: 'GMT Standard Time', zone: 'Europe/London' });
    expect(preferredTimeZone('outlook.timezone="Nowhere"')).toBeNull();
  });
});

describe('UK daylight saving changes (Europe/London, 2026: 29 March and 25 October)', () => {
  const london = 'Europe/London';

  it('reads wall times on either side of the March change with the right offset', () => {
    expect(new Date(wallTimeToInstant('2026-03-28T10:00:00', london)!).toISOString()).toBe('2026-03-28T10:00:00.000Z');
    expect(new Date(wallTimeToInstant('2026-03-29T10:00:00', london)!).toISOString()).toBe('2026-03-29T09:00:00.000Z');
  });

  it('moves a wall time inside the spring-forward gap forward by the gap', () => {
    const i = wallTimeToInstant('2026-03-29T01:30:00', london)!;
    expect(new Date(i).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(instantToWallTime(i, london)).toBe('2026-03-29T02:30:00.0000000');
  });

  it('takes the earlier (summer-time) instant for the repeated hour in October', () => {
    const i = wallTimeToInstant('2026-10-25T01:30:00', london)!;
    expect(new Date(i).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(new Date(wallTimeToInstant('2026-10-25T10:00:00', london)!).toISOString()).toBe('2026-10-25T10:00:00.000Z');
  });

  it('formats instants as Graph does, seven fractional digits and no offset', () => {
    expect(instantToWallTime(Date.parse('2026-03-29T09:00:00Z'), london)).toBe('2026-03-29T10:00:00.0000000');
    expect(instantToWallTime(Date.parse('2026-10-25T09:00:00Z'), london)).toBe('2026-10-25T09:00:00.0000000');
    expect(instantToWallTime(Date.parse('2026-07-01T12:34:56.789Z'), 'UTC')).toBe('2026-07-01T12:34:56.7890000');
  });

  it('honours an explicit offset or Z in the dateTime string', () => {
    expect(wallTimeToInstant('2026-07-01T10:00:00Z', london)).toBe(Date.parse('2026-07-01T10:00:00Z'));
    expect(wallTimeToInstant('2026-07-01T10:00:00+02:00', london)).toBe(Date.parse('2026-07-01T08:00:00Z'));
  });
});
