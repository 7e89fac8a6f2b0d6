// How `housing365 poll status` and `calendars status` show the running system's schedule.

/** A due time as the status shows it: "due now", or "in 42 s" / "in 3 min". */
export const dueIn = (d: Date | null | undefined) => {
  if (!d) return '';
  const s = Math.round((d.getTime() - Date.now()) / 1000);
  return s <= 0 ? 'due now' : s < 120 ? `in ${s} s` : `in ${Math.round(s / 60)} min`;
};
/** The running system's last check, as a sentence. */
export const lastChecked = (d: Date | null) => (d ? `last checked by the running housing365 ${Math.max(0, Math.round((Date.now() - d.getTime()) / 1000))} s ago` : 'never checked by a running housing365');
