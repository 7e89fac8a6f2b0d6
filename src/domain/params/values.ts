// Stored parameter values and the values the system runs with.
import { PARAMETERS } from './definitions.ts';

/** Stored values with the guide's defaults applied for anything unset (null or empty). */
export function effectiveValues(stored: Record<string, string | null>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const d of PARAMETERS) {
    const v = stored[d.name];
    out[d.name] = v === undefined || v === null || v === '' ? d.defaultValue : v;
  }
  return out;
}
