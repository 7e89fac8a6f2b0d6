// Time-zone names that Microsoft Graph accepts in dateTimeTimeZone.timeZone (and so in
// OUTLOOK365_TIMEZONE, which the guide says is case sensitive).
//
// Graph: "the timeZone property can be set to any of the time zones currently supported by
// Windows, as well as the other time zones supported by the calendar API" — the "Additional time
// zones" list on https://learn.microsoft.com/graph/api/resources/datetimetimezone .
// Windows' own list (https://learn.microsoft.com/windows-hardware/manufacture/desktop/default-time-zones)
// is the set of Windows zone ids; we take it from windows-iana, which carries CLDR's
// windowsZones.xml, the mapping Microsoft and Unicode maintain together.
import windowsIana from 'windows-iana';

const { WINDOWS_TO_IANA_MAP, findIana, findWindows } = windowsIana;

/**
 * Every Windows time-zone id, in CLDR's order (west to east). Windows also still ships two ids
 * marked "- Old" ("Mid-Atlantic Standard Time", "Kamchatka Standard Time") that CLDR maps to no
 * IANA zone; they are left out on purpose, because housing365 must be able to convert every zone it
 * sends to Graph.
 */
export const WINDOWS_TIME_ZONES: readonly string[] = Object.freeze([
  ...new Set(WINDOWS_TO_IANA_MAP.map((entry) => entry.windowsName as string)),
]);

/**
 * Graph's "Additional time zones" (IANA names), in the page's order. The page writes four of them
 * with a second name in brackets — "Europe/Kyiv (Kiev)", "Asia/Toshkent (Tashkent)",
 * "Asia/Astana (Almaty)", "Asia/Yangon (Rangoon)" — and earlier versions of the page listed
 * Europe/Kiev, Asia/Tashkent, Asia/Almaty and Asia/Rangoon. We accept the tz-database names among
 * them (Europe/Kyiv, Europe/Kiev, Asia/Tashkent, Asia/Almaty, Asia/Yangon, Asia/Rangoon); "Asia/Toshkent"
 * and "Asia/Astana" are not tz-database zones, so nothing could convert them, and they are left out.
 */
export const GRAPH_IANA_TIME_ZONES: readonly string[] = Object.freeze([
  'Etc/GMT+12',
  'Etc/GMT+11',
  'Pacific/Honolulu',
  'America/Anchorage',
  'America/Santa_Isabel',
  'America/Los_Angeles',
  'America/Phoenix',
  'America/Chihuahua',
  'America/Denver',
  'America/Guatemala',
  'America/Chicago',
  'America/Mexico_City',
  'America/Regina',
  'America/Bogota',
  'America/New_York',
  'America/Indiana/Indianapolis',
  'America/Caracas',
  'America/Asuncion',
  'America/Halifax',
  'America/Cuiaba',
  'America/La_Paz',
  'America/Santiago',
  'America/St_Johns',
  'America/Sao_Paulo',
  'America/Argentina/Buenos_Aires',
  'America/Cayenne',
  'America/Godthab',
  'America/Montevideo',
  'America/Bahia',
  'Etc/GMT+2',
  'Atlantic/Azores',
  'Atlantic/Cape_Verde',
  'Africa/Casablanca',
  'Etc/GMT',
  'Europe/London',
  'Atlantic/Reykjavik',
  'Europe/Berlin',
  'Europe/Budapest',
  'Europe/Paris',
  'Europe/Warsaw',
  'Africa/Lagos',
  'Africa/Windhoek',
  'Europe/Bucharest',
  'Asia/Beirut',
  'Africa/Cairo',
  'Asia/Damascus',
  'Africa/Johannesburg',
  'Europe/Kyiv',
  'Europe/Kiev',
  'Europe/Istanbul',
  'Asia/Jerusalem',
  'Asia/Amman',
  'Asia/Baghdad',
  'Europe/Kaliningrad',
  'Asia/Riyadh',
  'Africa/Nairobi',
  'Asia/Tehran',
  'Asia/Dubai',
  'Asia/Baku',
  'Europe/Moscow',
  'Indian/Mauritius',
  'Asia/Tbilisi',
  'Asia/Yerevan',
  'Asia/Kabul',
  'Asia/Karachi',
  'Asia/Tashkent',
  'Asia/Kolkata',
  'Asia/Colombo',
  'Asia/Kathmandu',
  'Asia/Almaty',
  'Asia/Dhaka',
  'Asia/Yekaterinburg',
  'Asia/Yangon',
  'Asia/Rangoon',
  'Asia/Bangkok',
  'Asia/Novosibirsk',
  'Asia/Shanghai',
  'Asia/Krasnoyarsk',
  'Asia/Singapore',
  'Australia/Perth',
  'Asia/Taipei',
  'Asia/Ulaanbaatar',
  'Asia/Irkutsk',
  'Asia/Tokyo',
  'Asia/Seoul',
  'Australia/Adelaide',
  'Australia/Darwin',
  'Australia/Brisbane',
  'Australia/Sydney',
  'Pacific/Port_Moresby',
  'Australia/Hobart',
  'Asia/Yakutsk',
  'Pacific/Guadalcanal',
  'Asia/Vladivostok',
  'Pacific/Auckland',
  'Etc/GMT-12',
  'Pacific/Fiji',
  'Asia/Magadan',
  'Pacific/Tongatapu',
  'Pacific/Apia',
  'Pacific/Kiritimati',
]);

const WINDOWS_SET: ReadonlySet<string> = new Set(WINDOWS_TIME_ZONES);
const GRAPH_IANA_SET: ReadonlySet<string> = new Set(GRAPH_IANA_TIME_ZONES);

export function isWindowsTimeZone(name: string): boolean {
  return WINDOWS_SET.has(name);
}

export function isGraphIanaTimeZone(name: string): boolean {
  return GRAPH_IANA_SET.has(name);
}

/** True when Graph accepts the name as a dateTimeTimeZone.timeZone. Exact case. */
export function isGraphTimeZone(name: string): boolean {
  return WINDOWS_SET.has(name) || GRAPH_IANA_SET.has(name);
}

/**
 * The IANA zone for a Windows zone id: CLDR's "001" (golden) zone, e.g. 'GMT Standard Time' →
 * 'Europe/London'. findIana alone lists 15 zones for 'GMT Standard Time'; the first of the 001
 * territory is the one CLDR names as the zone's representative.
 */
export function windowsZoneToIana(name: string): string | undefined {
  if (!WINDOWS_SET.has(name)) return undefined;
  return findIana(name, '001')[0] ?? findIana(name)[0];
}

/** The Windows zone id for an IANA name (or alias), e.g. 'Europe/London' → 'GMT Standard Time'. */
export function ianaToWindowsZone(name: string): string | undefined {
  return findWindows(name)[0];
}

/**
 * The IANA zone to compute with for any name Graph accepts: a Windows id is mapped through CLDR;
 * an IANA name from Graph's list is itself.
 */
export function graphTimeZoneToIana(name: string): string | undefined {
  if (GRAPH_IANA_SET.has(name)) return name;
  return windowsZoneToIana(name);
}

/** A Graph-accepted name that differs from `name` only by case, if any — for "did you mean". */
export function suggestGraphTimeZone(name: string): string | undefined {
  const wanted = name.trim().toLowerCase();
  return (
    WINDOWS_TIME_ZONES.find((z) => z.toLowerCase() === wanted) ??
    GRAPH_IANA_TIME_ZONES.find((z) => z.toLowerCase() === wanted)
  );
}
