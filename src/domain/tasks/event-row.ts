// An event query returns rows in the guide's positional layout (§2.2.4 example):
//   1 event type code   2 index value   3 index code   4 event date   5 (unused)
//   6 action ('CREATE')  7–9 (unused)
// Columns are read by position, as the guide's query names none of them.

export const EVENT_QUERY_COLUMNS = 9;
export const EVENT_QUERY_COLUMN_NAMES = ['event_type', 'index_value', 'index_code', 'event_date', 'due_date', 'action', 'text_1', 'text_2', 'text_3'] as const;
export const EVENT_ACTIONS = ['CREATE'] as const;

export interface RaisedEvent {
  fetCode: string;
  indexValue: string;
  indexCode: string | null;
  eventDate: Date | null;
  action: 'CREATE';
}

/** One row → an event, or the reason it is not one (the whole run is then rejected). */
export function readEventRow(row: readonly unknown[], rowNumber: number): RaisedEvent | { problem: string } {
  const at = `Row ${rowNumber}`;
  if (row.length !== EVENT_QUERY_COLUMNS) return { problem: `${at} has ${row.length} columns; an event query returns exactly ${EVENT_QUERY_COLUMNS} (${EVENT_QUERY_COLUMN_NAMES.join(', ')})` };
  const [fet, value, code, date, , action] = row;
  if (typeof fet !== 'string' || !/^[A-Z0-9_]{1,30}$/.test(fet)) return { problem: `${at}: column 1 must be an event type code like EML_ASB; got ${describe(fet)}` };
  if (value === null || value === undefined || String(value).trim() === '') return { problem: `${at}: column 2 (the index value, e.g. EXCE_REFNO) is empty` };
  if (code !== null && typeof code !== 'string') return { problem: `${at}: column 3 (the index code, e.g. 'EML') must be text; got ${describe(code)}` };
  let eventDate: Date | null = null;
  if (date !== null && date !== undefined) {
    eventDate = date instanceof Date ? date : new Date(String(date));
    if (Number.isNaN(eventDate.getTime())) return { problem: `${at}: column 4 (the event date) is not a date; got ${describe(date)}` };
  }
  const act = action === null || action === undefined ? 'CREATE' : String(action).toUpperCase();
  if (!(EVENT_ACTIONS as readonly string[]).includes(act)) return { problem: `${at}: column 6 (the action) must be 'CREATE'; got ${describe(action)}` };
  return { fetCode: fet, indexValue: String(value), indexCode: code === null ? null : (code as string), eventDate, action: 'CREATE' };
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  const s = v instanceof Date ? v.toISOString() : String(v);
  return `'${s.length > 40 ? `${s.slice(0, 40)}…` : s}'`;
}
