// Integration › Inbound calendars (guide §2.4.3): whether calendar polling runs and why not, per
// calendar its last sync, changes applied, refused and errors, the latest applied/refused changes,
// and — for admins — start, stop and run-now.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import {
  calendarPollStatus,
  calendarSyncLog,
  requestCalendarRun,
  startCalendarPolling,
  stopCalendarPolling,
  type CalendarPollStatus,
} from '../../../app/calendar-sync/poll-calendars.ts';
import type { SyncLogEntry } from '../../../app/calendar-sync/poll-calendars.ts';
import { requirePageUser } from '../auth.ts';
import { CsrfField, Layout, pageInfo, sendPage } from './layout.tsx';
import { SuccessBanner, Tag } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';

export const CALENDAR_SYNC_PATH = '/integration/calendars';
const DONE: Record<string, string> = { started: 'Calendar polling started', stopped: 'Calendar polling stopped', run: 'Sync requested: it runs within seconds' };

const when = (d: Date | null | undefined) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) : 'never');

function CalendarTable({ status, csrf, isAdmin }: { status: CalendarPollStatus; csrf: string | null; isAdmin: boolean }): JSX.Element {
  if (status.calendars.length === 0) return <p class="govuk-body">No appointment diary is mapped to an Outlook 365 calendar yet (System Setup › Appointment Diaries › External Calendar).</p>;
  return (
    <table class="govuk-table govuk-table--small-text-until-tablet">
      <caption class="govuk-table__caption govuk-table__caption--m">Calendars read for Outlook changes</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          {['Calendar', 'Diaries', 'Last sync (UTC)', 'Applied', 'Refused', 'Errors', 'Last result'].map((h) => (
            <th scope="col" class="govuk-table__header">{h}</th>
          ))}
          {isAdmin ? <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Actions</span></th> : ''}
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {status.calendars.map((c) => (
          <tr class="govuk-table__row">
            <td class="govuk-table__cell app-break-words" safe>{c.calendar}</td>
            <td class="govuk-table__cell" safe>{c.diaryCodes.join(', ')}</td>
            <td class="govuk-table__cell" safe>{when(c.state?.lastSuccessAt)}</td>
            <td class="govuk-table__cell">{String(c.state?.applied ?? 0)}</td>
            <td class="govuk-table__cell">{String(c.state?.refused ?? 0)}</td>
            <td class="govuk-table__cell">{String(c.state?.errors ?? 0)}</td>
            <td class="govuk-table__cell">
              {c.state?.running ? <Tag text="Running now" colour="blue" /> : ''}
              <span safe>{c.state?.lastResult ?? 'not polled yet'}</span>
              {c.state?.lastError ? <p class="govuk-body-s govuk-!-margin-bottom-0" safe>{`Last error ${when(c.state.lastErrorAt)}: ${c.state.lastError}`}</p> : ''}
            </td>
            {isAdmin ? (
              <td class="govuk-table__cell">
                <form method="post" action={`${CALENDAR_SYNC_PATH}/run`} class="app-inline-form">
                  <CsrfField token={csrf} />
                  <input type="hidden" name="calendar" value={c.calendar} />
                  <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">
                    Sync now<span class="govuk-visually-hidden" safe>{` ${c.calendar}`}</span>
                  </button>
                </form>
              </td>
            ) : (
              ''
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const OUTCOME_COLOUR: Record<string, 'green' | 'red' | 'grey' | 'yellow' | 'blue'> = { moved: 'green', cancelled: 'blue', refused: 'yellow', conflict: 'yellow', restored: 'grey', error: 'red' };

function LogTable({ log }: { log: SyncLogEntry[] }): JSX.Element {
  if (log.length === 0) return <p class="govuk-body">No change has been read from Outlook yet.</p>;
  return (
    <table class="govuk-table govuk-table--small-text-until-tablet">
      <caption class="govuk-table__caption govuk-table__caption--m">Latest changes read from Outlook</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          {['When (UTC)', 'Calendar', 'Appointment', 'Outcome', 'Detail'].map((h) => (
            <th scope="col" class="govuk-table__header">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {log.map((e) => (
          <tr class="govuk-table__row">
            <td class="govuk-table__cell" safe>{when(e.at)}</td>
            <td class="govuk-table__cell app-break-words" safe>{e.calendar}</td>
            <td class="govuk-table__cell">{e.ref ? <a class="govuk-link" href={`/appointments/bookings/${e.ref}`} safe>{String(e.ref)}</a> : ''}</td>
            <td class="govuk-table__cell"><Tag text={e.outcome} colour={OUTCOME_COLOUR[e.outcome]} /></td>
            <td class="govuk-table__cell" safe>{e.detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function registerCalendarSyncPages(app: FastifyInstance, ctx: AppContext): void {
  app.get(CALENDAR_SYNC_PATH, { preHandler: requirePageUser() }, async (request, reply) => {
    const page = pageInfo(ctx, request as FastifyRequest, 'Inbound calendars', 'home');
    const isAdmin = page.principal?.role === 'admin';
    const [status, log] = await Promise.all([calendarPollStatus(ctx), calendarSyncLog(ctx, { limit: 50 })]);
    const banner = DONE[(request.query as Record<string, string>).done ?? ''];
    return sendPage(
      reply,
      <Layout page={page}>
        {banner ? <SuccessBanner heading={banner} /> : ''}
        <h1 class="govuk-heading-l">Inbound calendars</h1>
        <p class="govuk-body">
          Moves and deletions made in Outlook to appointments housing365 put there are applied to the bookings under each diary’s rules; a move the rules refuse is put back and the calendar owner is emailed.
        </p>
        <p class="govuk-body">
          {status.running ? <Tag text="Polling" colour="green" /> : <Tag text="Not polling" colour="red" />}{' '}
          <span safe>{status.running ? `Every calendar is read every ${status.pollMinutes} minute(s) (CALI_POLL).` : ''}</span>
        </p>
        {status.reasons.length ? (
          <ul class="govuk-list govuk-list--bullet">
            {status.reasons.map((r) => (
              <li safe>{r}</li>
            ))}
          </ul>
        ) : (
          ''
        )}
        {isAdmin ? (
          <form method="post" action={`${CALENDAR_SYNC_PATH}/${status.stopped ? 'start' : 'stop'}`}>
            <CsrfField token={page.csrfToken} />
            <button type="submit" class={`govuk-button${status.stopped ? '' : ' govuk-button--warning'}`} data-module="govuk-button">
              {status.stopped ? 'Start calendar polling' : 'Stop calendar polling'}
            </button>
          </form>
        ) : (
          ''
        )}
        <CalendarTable status={status} csrf={page.csrfToken} isAdmin={isAdmin} />
        <LogTable log={log} />
      </Layout>,
    );
  });

  app.post(`${CALENDAR_SYNC_PATH}/start`, { preHandler: requirePageAdmin(ctx) }, async (request, reply) => {
    await startCalendarPolling(ctx, request.principal!);
    return reply.redirect(`${CALENDAR_SYNC_PATH}?done=started`, 303);
  });

  app.post(`${CALENDAR_SYNC_PATH}/stop`, { preHandler: requirePageAdmin(ctx) }, async (request, reply) => {
    await stopCalendarPolling(ctx, request.principal!);
    return reply.redirect(`${CALENDAR_SYNC_PATH}?done=stopped`, 303);
  });

  app.post(`${CALENDAR_SYNC_PATH}/run`, { preHandler: requirePageAdmin(ctx) }, async (request, reply) => {
    const calendar = String((request.body as Record<string, string> | undefined)?.calendar ?? '').trim();
    await requestCalendarRun(ctx, request.principal!, calendar || undefined);
    return reply.redirect(`${CALENDAR_SYNC_PATH}?done=run`, 303);
  });
}
