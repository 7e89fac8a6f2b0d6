import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { Db } from '../../adapters/db/database.ts';
import { lockKeyFor, withSessionLock } from '../../adapters/db/session-lock.ts';
import { MAX_ROW_BYTES, ROW_TOO_LARGE, SANDBOX_VIEWS, SandboxUnavailable, SqlSandbox } from '../../adapters/db/sql-sandbox.ts';
import {
  insertEventQuery, insertEventsBulk, linkEventsToTasks, recordEventQueryRun, selectDueEventQueryIds, selectEventRows, selectEventQueries, updateEventQueryRow,
  type EventQuery,
} from '../../adapters/db/task-events.ts';
import { lockEmails, linkEmailsToTasks } from '../../adapters/db/inbound-emails.ts';
import { joinWaitingReplies } from '../inbound/thread-email.ts';
import { acknowledgeNewCases } from '../inbound/acknowledge.ts';
import { insertTasksBulk } from '../../adapters/db/tasks.ts';
import { eventTypeExists, selectEventTypes, selectJobTypes } from '../../adapters/db/task-setup.ts';
import { readEventRow, type RaisedEvent } from '../../domain/tasks/event-row.ts';
import { parseOrThrow } from '../validation.ts';
import { taskTitle } from './raise-task.ts';
import { openComplaintCases } from '../complaints/open-cases.ts';
import type { Actor, AppContext } from '../context.ts';

export type { EventQuery };

// Event queries (guide §2.2.4): admin SQL run on a schedule; each row raises a Task Manager event,
// and an event whose type has a job type raises a task. A run is all or nothing: a query that fails,
// times out or returns a wrong row is reported on its page and applies nothing.

/** Per statement; an event query scans a few views and should take milliseconds. */
export const EVENT_QUERY_TIMEOUT_MS = 15_000;
const timeoutOf = (ctx: AppContext) => ctx.config.eventQueryTimeoutMs ?? EVENT_QUERY_TIMEOUT_MS;
/** Rows applied per run; the guide's NOT EXISTS picks up the rest on the next run. */
export const EVENT_QUERY_MAX_ROWS = 5_000;

export const EventQueryInput = z.object({
  name: z.string().trim().min(1, 'enter a name').max(100),
  sqlText: z
    .string()
    .max(20_000)
    .transform((s) => s.trim().replace(/;\s*$/, '').trim())
    .refine((s) => s.length > 0, 'enter the query'),
  fetCode: z.string().trim().toUpperCase().regex(/^[A-Z0-9_]{1,30}$/, 'use an event type code like EML_NOT').default('EML_NOT'),
  enabled: z.boolean().default(true),
  everyMinutes: z.coerce.number().int().min(1, 'at least 1 minute').max(1440, 'at most 1440 minutes (a day)').default(1),
});
export type EventQueryInput = z.input<typeof EventQueryInput>;

export const listEventQueries = (ctx: AppContext) => selectEventQueries(ctx.db);

export async function getEventQuery(ctx: AppContext, id: number): Promise<EventQuery> {
  const q = (await selectEventQueries(ctx.db)).find((x) => x.id === id);
  if (!q) throw new AppError('not_found', `There is no event query with id ${id}`);
  return q;
}

// What of a PostgreSQL error an admin may see. The sandbox role reads only the views, so no message can
// carry other data; still, only messages known to hold nothing but the query's own text (names, types,
// syntax) are passed on — a data error ("invalid input syntax for type integer: …") quotes a value, and
// is reported by its SQLSTATE alone.
const SAFE_MESSAGE = /^(42|21|0A)/;
const CONDITION: Record<string, string> = {
  '22P02': 'a text could not be read as the type asked for',
  '22003': 'a number is out of range',
  '22012': 'division by zero',
  '22007': 'a date or time has the wrong format',
  '22008': 'a date or time is out of range',
  '22001': 'a text is too long for its type',
  '22023': 'a function was given a value it does not accept',
};

export function sqlProblem(err: unknown, timeoutMs = EVENT_QUERY_TIMEOUT_MS): string {
  if (err instanceof SandboxUnavailable) return `Event queries cannot run: ${err.message}`;
  const e = err as { message?: string; code?: string };
  const code = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  if (code === '57014') return `The query ran longer than ${timeoutMs / 1000} second${timeoutMs === 1000 ? '' : 's'} and was stopped`;
  if (code?.startsWith('25')) return `The query tried to change data or its transaction; event queries are read-only (SQLSTATE ${code})`;
  if (code === '42501') return `${e.message}: event queries may read only the views ${SANDBOX_VIEWS.map((v) => v.toUpperCase()).join(', ')}`;
  const big = new RegExp(`"${ROW_TOO_LARGE} (\\d+)"`).exec(e.message ?? '');
  if (big) return `A row of the query is ${big[1]} bytes; an event query row may be at most ${MAX_ROW_BYTES / 1024} kB`;
  const m = /has (\d+) columns available but 9 columns specified/.exec(e.message ?? '');
  if (m) return `The query returns ${m[1]} columns; an event query returns exactly 9 (event type, index value, index code, event date, due date, action, and three unused)`;
  if (code === '42601' && /multiple commands|prepared statement/.test(e.message ?? '')) return 'Enter one SELECT statement only';
  if (code && SAFE_MESSAGE.test(code)) return `PostgreSQL: ${e.message} (SQLSTATE ${code})`;
  if (code?.startsWith('22')) return `PostgreSQL could not compute a value: ${CONDITION[code] ?? 'data exception'} (SQLSTATE ${code})`;
  if (code) return `PostgreSQL refused the query (SQLSTATE ${code})`;
  return 'The query could not be run (no answer from the database)';
}

/** The app's sandbox, or one made from the configured database the first time it is asked for. */
const madeSandboxes = new WeakMap<object, SqlSandbox>();
function sandboxOf(ctx: AppContext): SqlSandbox {
  if (ctx.sqlSandbox) return ctx.sqlSandbox;
  let s = madeSandboxes.get(ctx.db);
  if (!s) {
    s = new SqlSandbox(ctx.db, { appUrl: ctx.config.databaseUrl, loginUrl: ctx.config.eventQueryDatabaseUrl });
    madeSandboxes.set(ctx.db, s);
  }
  return s;
}

/** Whether event queries can run here, and as which role (doctor, the event query page). */
export const eventQuerySandboxStatus = (ctx: AppContext) => sandboxOf(ctx).status();

async function checkQuery(ctx: AppContext, v: z.output<typeof EventQueryInput>): Promise<void> {
  if (!(await eventTypeExists(ctx.db, v.fetCode))) {
    throw AppError.validation('fetCode', `There is no event type ${v.fetCode}`);
  }
  try {
    await selectEventRows(sandboxOf(ctx), v.sqlText, { timeoutMs: timeoutOf(ctx), maxRows: 0 });
  } catch (err) {
    throw AppError.validation('sqlText', sqlProblem(err, timeoutOf(ctx)));
  }
}

/** Creates a query after a trial run (no rows applied): a query PostgreSQL cannot run is refused. */
export async function createEventQuery(ctx: AppContext, actor: Actor, input: EventQueryInput): Promise<EventQuery> {
  const v = parseOrThrow(EventQueryInput, input);
  await checkQuery(ctx, v);
  const id = await insertEventQuery(ctx.db, { ...v, by: actor.username });
  if (id === undefined) throw new AppError('conflict', `An event query called ${v.name} already exists`, [{ field: 'name', message: 'that name is taken' }]);
  ctx.logger.info({ eventQuery: v.name, by: actor.username }, 'event query created');
  return getEventQuery(ctx, id);
}

export async function updateEventQuery(ctx: AppContext, actor: Actor, id: number, input: EventQueryInput): Promise<EventQuery> {
  await getEventQuery(ctx, id);
  const v = parseOrThrow(EventQueryInput, input);
  await checkQuery(ctx, v);
  await updateEventQueryRow(ctx.db, id, { ...v, by: actor.username });
  ctx.logger.info({ eventQuery: v.name, by: actor.username }, 'event query updated');
  return getEventQuery(ctx, id);
}

export interface EventQueryRun {
  ok: boolean;
  skipped?: 'busy';
  rows: number;
  events: number;
  tasks: number;
  error?: string;
  ms: number;
}

class RunRejected extends Error {}

/** Runs one event query now: read-only SELECT, then every event and task in one transaction. */
export async function runEventQuery(ctx: AppContext, id: number, actor: Actor = { username: 'system' }): Promise<EventQueryRun> {
  const query = await getEventQuery(ctx, id);
  const started = Date.now();
  // One connection for the whole run, holding a session advisory lock: two workers never read the
  // same rows and both apply them. The admin's SQL itself runs in the sandbox, on a connection of its own.
  const run = await withSessionLock(ctx.db, lockKeyFor('tm_event_query', id), async (conn): Promise<EventQueryRun> => {
    try {
      let rows: unknown[][];
      try {
        const r = await selectEventRows(sandboxOf(ctx), query.sqlText, { timeoutMs: timeoutOf(ctx), maxRows: EVENT_QUERY_MAX_ROWS });
        if (r.extraColumns.length) throw new RunRejected(`The query returns more than 9 columns (also ${r.extraColumns.join(', ')}); an event query returns exactly 9`);
        rows = r.rows;
      } catch (err) {
        throw err instanceof RunRejected ? err : new RunRejected(sqlProblem(err, timeoutOf(ctx)));
      }
      const events: RaisedEvent[] = rows.map((row, i) => {
        const e = readEventRow(row, i + 1);
        if ('problem' in e) throw new RunRejected(e.problem);
        return e;
      });
      const applied = await applyEvents(ctx, conn, query, events, actor);
      const run = { ok: true, rows: rows.length, events: applied.events, tasks: applied.tasks, ms: Date.now() - started };
      await recordEventQueryRun(conn, id, { at: ctx.now(), ok: true, error: null, rows: run.rows, events: run.events, ms: run.ms });
      if (run.events) ctx.logger.info({ eventQuery: query.name, ...run }, 'event query raised events');
      return run;
    } catch (err) {
      if (!(err instanceof RunRejected)) throw err;
      const run = { ok: false, rows: 0, events: 0, tasks: 0, error: err.message, ms: Date.now() - started };
      await recordEventQueryRun(conn, id, { at: ctx.now(), ok: false, error: err.message, rows: null, events: null, ms: run.ms });
      ctx.logger.warn({ eventQuery: query.name, error: err.message }, 'event query rejected; nothing applied');
      return run;
    }
  });
  return run.locked ? run.value : { ok: true, skipped: 'busy', rows: 0, events: 0, tasks: 0, ms: 0 };
}

async function applyEvents(ctx: AppContext, db: Db, query: EventQuery, events: RaisedEvent[], actor: Actor): Promise<{ events: number; tasks: number }> {
  if (events.length === 0) return { events: 0, tasks: 0 };
  const [types, jobTypes] = await Promise.all([selectEventTypes(db), selectJobTypes(db)]);
  for (const [i, e] of events.entries()) {
    if (!types.some((t) => t.code === e.fetCode)) {
      throw new RunRejected(`Row ${i + 1}: there is no event type ${e.fetCode}; add it under Task Manager › Event Types (one per inbox, EML_<INBOX>, guide §2.2.4)`);
    }
    if (e.indexCode === 'EML' && !/^\d{1,18}$/.test(e.indexValue)) throw new RunRejected(`Row ${i + 1}: index code EML needs an email reference (EXCE_REFNO) in column 2; got '${e.indexValue.slice(0, 40)}'`);
  }
  const at = ctx.now();
  try {
    return await db.transaction().execute(async (trx) => {
      // Set-based: a handful of statements per run, whatever its size (bench/README.md).
      const eventIds = await insertEventsBulk(trx, events.map((e) => ({ ...e, eventDate: e.eventDate ?? at })), query);
      const emails = await lockEmails(trx, [...new Set(events.filter((e) => e.indexCode === 'EML').map((e) => Number(e.indexValue)))]);
      const newTasks: Parameters<typeof insertTasksBulk>[1] = [];
      const links: Array<{ eventId: number; taskId?: number; newTask?: number }> = [];
      const emailTask = new Map<number, { taskId?: number; newTask?: number }>();
      for (const [i, e] of events.entries()) {
        const type = types.find((t) => t.code === e.fetCode)!;
        if (type.jobTypeId === null) continue;
        const jobType = jobTypes.find((j) => j.id === type.jobTypeId)!;
        const detail = `Raised by event query "${query.name}" (event ${e.fetCode}${e.indexCode ? ` ${e.indexCode}` : ''} ${e.indexValue})`;
        const base = { jobTypeId: jobType.id, teamId: jobType.defaultTeamId, assigneeUserId: jobType.defaultUserId, eventId: eventIds[i], detail };
        if (e.indexCode === 'EML') {
          const email = emails.get(Number(e.indexValue));
          if (!email) throw new RunRejected(`Row ${i + 1}: there is no email with EXCE_REFNO ${e.indexValue}`);
          // One task per email: one it already has (a reply joined an open one, or an earlier event
          // made it), or the one this run makes for it.
          const known = emailTask.get(email.id) ?? (email.taskId !== null ? { taskId: email.taskId } : undefined);
          if (known) {
            links.push({ eventId: eventIds[i], ...known });
            continue;
          }
          const ref = { newTask: newTasks.length };
          newTasks.push({ ...base, title: taskTitle(email.subject), emailId: email.id, inbox: email.inbox });
          emailTask.set(email.id, ref);
          links.push({ eventId: eventIds[i], ...ref });
        } else {
          links.push({ eventId: eventIds[i], newTask: newTasks.length });
          newTasks.push({ ...base, title: taskTitle(`${type.description}: ${e.indexValue}`), emailId: null, inbox: null });
        }
      }
      const taskIds = await insertTasksBulk(trx, newTasks, actor.username, at);
      await openComplaintCases(trx, taskIds, at);
      const taskOf = (l: { taskId?: number; newTask?: number }) => l.taskId ?? taskIds[l.newTask!];
      await linkEventsToTasks(trx, links.map((l) => ({ eventId: l.eventId, taskId: taskOf(l) })));
      const emailTasks = newTasks.flatMap((t, k) => (t.emailId !== null ? [{ emailId: t.emailId, taskId: taskIds[k] }] : []));
      await linkEmailsToTasks(trx, emailTasks);
      // Replies stored before their parent had a task (same poll, or the reply came first) join it now.
      await joinWaitingReplies(trx, emailTasks, at);
      // The inbox's automatic acknowledgement (off by default), in the same transaction as the task.
      await acknowledgeNewCases(trx, emailTasks, at);
      return { events: events.length, tasks: newTasks.length };
    });
  } catch (err) {
    if (err instanceof RunRejected) throw err;
    throw new RunRejected(`Applying the rows failed, so none were applied: ${sqlProblem(err)}`);
  }
}

/** The scheduler's entry: every enabled query whose interval has passed. */
export async function runDueEventQueries(ctx: AppContext): Promise<Array<{ id: number } & EventQueryRun>> {
  const out = [];
  for (const id of await selectDueEventQueryIds(ctx.db, ctx.now())) out.push({ id, ...(await runEventQuery(ctx, id)) });
  return out;
}
