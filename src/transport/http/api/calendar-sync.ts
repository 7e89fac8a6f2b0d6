// /api/v1/integration/calendars — inbound calendar polling (guide §2.4.3) for scripts: status per
// calendar, start, stop, run-now, and the log of applied / refused changes.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../app/context.ts';
import { calendarPollStatus, calendarSyncLog, requestCalendarRun, startCalendarPolling, stopCalendarPolling } from '../../../app/calendar-sync/poll-calendars.ts';
import type { ApiCatalogue } from './define.ts';
import { iso, PollFlowStatus, pollFlowStatus } from './schemas.ts';

const CalendarState = z.object({
  calendar: z.string(),
  diaryCodes: z.array(z.string()),
  lastSyncAt: z.string().nullable(),
  lastRunAt: z.string().nullable(),
  lastResult: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  applied: z.number().int(),
  refused: z.number().int(),
  errors: z.number().int(),
  running: z.boolean(),
  runRequestedAt: z.string().nullable(),
  /** When its next poll is due; null while the flow does not run. */
  nextRunAt: z.string().nullable(),
});

const PollStatus = PollFlowStatus.extend({ calendars: z.array(CalendarState) });

const LogEntry = z.object({
  at: z.string(),
  calendar: z.string(),
  ref: z.number().int().nullable(),
  eventId: z.string().nullable(),
  outcome: z.enum(['moved', 'cancelled', 'refused', 'conflict', 'restored', 'error']),
  detail: z.string(),
});

export function registerCalendarSyncApi(app: FastifyInstance, ctx: AppContext, api: ApiCatalogue): void {
  const status = async () => {
    const s = await calendarPollStatus(ctx);
    return {
      ...pollFlowStatus(s),
      calendars: s.calendars.map((c) => ({
        calendar: c.calendar,
        diaryCodes: c.diaryCodes,
        lastSyncAt: iso(c.state?.lastSuccessAt),
        lastRunAt: iso(c.state?.lastRunAt),
        lastResult: c.state?.lastResult ?? null,
        lastError: c.state?.lastError ?? null,
        lastErrorAt: iso(c.state?.lastErrorAt),
        applied: c.state?.applied ?? 0,
        refused: c.state?.refused ?? 0,
        errors: c.state?.errors ?? 0,
        running: c.state?.running ?? false,
        runRequestedAt: iso(c.state?.runRequestedAt),
        nextRunAt: iso(c.nextRunAt),
      })),
    };
  };

  api.add(app, {
    method: 'GET',
    path: '/integration/calendars',
    operationId: 'getCalendarPolling',
    summary: 'Inbound calendar polling: whether it runs and why not; per calendar last sync, applied, refused, errors',
    tag: 'Integration',
    role: 'officer',
    status: 200,
    response: PollStatus,
    handler: status,
  });

  for (const action of ['start', 'stop'] as const) {
    api.add(app, {
      method: 'POST',
      path: `/integration/calendars/${action}`,
      operationId: action === 'start' ? 'startCalendarPolling' : 'stopCalendarPolling',
      summary: action === 'start' ? 'Start calendar polling' : 'Stop calendar polling',
      tag: 'Integration',
      role: 'admin',
      status: 200,
      response: PollStatus,
      handler: async ({ principal }) => {
        await (action === 'start' ? startCalendarPolling : stopCalendarPolling)(ctx, principal);
        return status();
      },
    });
  }

  api.add(app, {
    method: 'POST',
    path: '/integration/calendars/run',
    operationId: 'runCalendarSync',
    summary: 'Sync one calendar (or all) now (within seconds)',
    tag: 'Integration',
    role: 'admin',
    body: z.object({ calendar: z.string().trim().email().optional() }),
    problems: { 404: 'No Outlook-mapped diary uses that calendar' },
    status: 202,
    response: z.object({ calendars: z.array(z.string()) }),
    handler: async ({ body, principal }) => ({ calendars: await requestCalendarRun(ctx, principal, body.calendar) }),
  });

  api.add(app, {
    method: 'GET',
    path: '/integration/calendars/log',
    operationId: 'listCalendarSyncLog',
    summary: 'The latest Outlook changes applied, refused or in error (newest first)',
    tag: 'Integration',
    role: 'officer',
    query: z.object({ calendar: z.string().trim().optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }),
    status: 200,
    response: z.array(LogEntry),
    handler: async ({ query }) =>
      (await calendarSyncLog(ctx, { calendar: query.calendar, limit: query.limit })).map((e) => ({
        at: e.at.toISOString(),
        calendar: e.calendar,
        ref: e.ref,
        eventId: e.eventId,
        outcome: e.outcome,
        detail: e.detail,
      })),
  });
}
