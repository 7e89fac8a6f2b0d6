import { describe, expect, it } from 'vitest';
import {
  GRAPH_IANA_TIME_ZONES,
  WINDOWS_TIME_ZONES,
  graphTimeZoneToIana,
  ianaToWindowsZone,
  isGraphIanaTimeZone,
  isGraphTimeZone,
  isWindowsTimeZone,
  suggestGraphTimeZone,
  windowsZoneToIana,
} from './zones.ts';

const isIana = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

describe('Windows time zones', () => {
  it('include the common Windows ids and no duplicates', () => {
    for (const z of ['GMT Standard Time', 'UTC', 'W. Europe Standard Time', 'Pacific Standard Time', 'Dateline Standard Time', 'Line Islands Standard Time']) {
      expect(WINDOWS_TIME_ZONES).toContain(z);
    }
    expect(new Set(WINDOWS_TIME_ZONES).size).toBe(WINDOWS_TIME_ZONES.length);
    expect(WINDOWS_TIME_ZONES.length).toBeGreaterThan(130);
  });

  it('maps every Windows id to a real IANA zone', () => {
    for (const z of WINDOWS_TIME_ZONES) {
      const iana = windowsZoneToIana(z);
      expect(iana, z).toBeDefined();
      expect(isIana(iana!), `${z} → ${iana}`).toBe(true);
    }
  });

  it("maps 'GMT Standard Time' to Europe/London, CLDR's zone for the territory 001", () => {
    expect(windowsZoneToIana('GMT Standard Time')).toBe('Europe/London');
    expect(windowsZoneToIana('Eastern Standard Time')).toBe('America/New_York');
    expect(windowsZoneToIana('W. Europe Standard Time')).toBe('Europe/Berlin');
  });

  it('is case sensitive and knows nothing of other names', () => {
    expect(windowsZoneToIana('gmt standard time')).toBeUndefined();
    expect(windowsZoneToIana('Europe/London')).toBeUndefined();
    expect(isWindowsTimeZone('GMT Standard Time')).toBe(true);
    expect(isWindowsTimeZone('GMT standard time')).toBe(false);
  });

  it('maps IANA names back to Windows ids', () => {
    expect(ianaToWindowsZone('Europe/London')).toBe('GMT Standard Time');
    expect(ianaToWindowsZone('Europe/Dublin')).toBe('GMT Standard Time');
    expect(ianaToWindowsZone('Nowhere/Special')).toBeUndefined();
  });
});

describe("Graph's additional (IANA) time zones", () => {
  it("has the dateTimeTimeZone page's list, with its bracketed names resolved to tz-database names", () => {
    expect(GRAPH_IANA_TIME_ZONES).toHaveLength(101);
    expect(GRAPH_IANA_TIME_ZONES[0]).toBe('Etc/GMT+12');
    expect(GRAPH_IANA_TIME_ZONES.at(-1)).toBe('Pacific/Kiritimati');
    for (const z of ['Europe/Kyiv', 'Europe/Kiev', 'Asia/Tashkent', 'Asia/Almaty', 'Asia/Yangon', 'Asia/Rangoon', 'America/Godthab']) {
      expect(isGraphIanaTimeZone(z), z).toBe(true);
    }
    expect(isGraphIanaTimeZone('Asia/Toshkent')).toBe(false);
    expect(new Set(GRAPH_IANA_TIME_ZONES).size).toBe(GRAPH_IANA_TIME_ZONES.length);
  });

  it('are all real IANA zones', () => {
    for (const z of GRAPH_IANA_TIME_ZONES) expect(isIana(z), z).toBe(true);
  });

  it('does not include IANA zones Graph does not list', () => {
    expect(isGraphIanaTimeZone('Europe/Dublin')).toBe(false);
    expect(isGraphTimeZone('Europe/Dublin')).toBe(false);
  });
});

describe('isGraphTimeZone', () => {
  it('accepts Windows ids and listed IANA names, exact case only', () => {
    expect(isGraphTimeZone('GMT Standard Time')).toBe(true);
    expect(isGraphTimeZone('Europe/London')).toBe(true);
    expect(isGraphTimeZone('europe/london')).toBe(false);
    expect(isGraphTimeZone(' GMT Standard Time')).toBe(false);
    expect(isGraphTimeZone('')).toBe(false);
  });
});

describe('graphTimeZoneToIana', () => {
  it('gives the zone to compute with for any name Graph accepts', () => {
    expect(graphTimeZoneToIana('GMT Standard Time')).toBe('Europe/London');
    expect(graphTimeZoneToIana('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(graphTimeZoneToIana('Europe/Dublin')).toBeUndefined();
  });
});

describe('suggestGraphTimeZone', () => {
  it('finds the name that differs only by case or spaces around it', () => {
    expect(suggestGraphTimeZone('gmt standard time')).toBe('GMT Standard Time');
    expect(suggestGraphTimeZone(' EUROPE/LONDON ')).toBe('Europe/London');
    expect(suggestGraphTimeZone('Greenwich Mean Time')).toBeUndefined();
  });
});
