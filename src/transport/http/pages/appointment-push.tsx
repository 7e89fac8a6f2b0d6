// Integration › Outbound calendars (APPTOUT_OUTLOOK365): whether the push runs and why not, the queue
// (waiting, retrying, dead-lettered), the dead-lettered bookings with their last error, and — for
// admins — replay of every dead-lettered change.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { calendarPushStatus, replayCalendarChanges } from '../../../app/appointments/calendar-push.ts';
import { listDiaries } from '../../../app/appointments/diaries.ts';
import { getIntegrationStatus } from '../../../app/integration.ts';
import { requirePageUser } from '../auth.ts';
import { CsrfField, Layout, pageInfo, sendPage } from './layout.tsx';
import { SuccessBanner, Tag } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';
import { fmtDateTime, query } from './appointment-kit.tsx';

export const CALENDAR_PUSH_PATH = '/integration/calendar-push';

export function registerAppointmentPushPages(app: FastifyInstance, ctx: AppContext): void {
  app.get(CALENDAR_PUSH_PATH, { preHandler: requirePageUser() }, async (request, reply) => {
    const [status, push, diaries] = await Promise.all([getIntegrationStatus(ctx), calendarPushStatus(ctx), listDiaries(ctx)]);
    const flow = status.flows.find((f) => f.flow === 'apptOut');
    const mapped = diaries.filter((d) => d.externalCalendar === 'OUTLOOK365');
    const calendars = [...new Set(mapped.map((d) => d.calendarAddress!))];
    const s = push.summary;
    const isAdmin = request.principal?.role === 'admin';
    const replayed = query(request, 'replayed');
    const page = pageInfo(ctx, request, 'Outbound calendars', 'home');
    return sendPage(
      reply,
      <Layout page={page}>
        <SuccessBanner heading={replayed !== undefined ? `${Number(replayed)} booking(s) queued for Outlook again` : undefined} />
        <span class="govuk-caption-l">Integration</span>
        <h1 class="govuk-heading-l">Outbound calendars</h1>
        <p class="govuk-body">
          Bookings in appointment diaries mapped to Outlook 365 are pushed to their calendars (APPTOUT_OUTLOOK365). {flow?.running ? <Tag text="Running" colour="green" /> : <Tag text="Not running" colour="grey" />}
        </p>
        {flow && !flow.running ? (
          <ul class="govuk-list govuk-list--bullet">
            {flow.reasons.map((r) => (
              <li safe>{r}</li>
            ))}
          </ul>
        ) : (
          ''
        )}
        <dl class="govuk-summary-list">
          {[
            ['Calendars', `${calendars.length} (${mapped.length} diar${mapped.length === 1 ? 'y' : 'ies'})`],
            ['Waiting', `${s.pending} change(s) (${s.due} due now, ${s.failing} retrying after an error)`],
            ['Oldest waiting since', fmtDateTime(s.oldestPendingAt) || '–'],
            ['Dead-lettered', `${s.dead} change(s)`],
            ['Sent', `${s.done} change(s)`],
          ].map(([k, v]) => (
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key" safe>{k}</dt>
              <dd class="govuk-summary-list__value" safe>{v}</dd>
            </div>
          ))}
        </dl>
        <h2 class="govuk-heading-m">Dead-lettered bookings</h2>
        {push.dead.length === 0 ? (
          <p class="govuk-body">None.</p>
        ) : (
          <>
            <table class="govuk-table">
              <caption class="govuk-table__caption govuk-visually-hidden">Bookings whose Outlook changes failed</caption>
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  <th scope="col" class="govuk-table__header">Appointment</th>
                  <th scope="col" class="govuk-table__header">Attempts</th>
                  <th scope="col" class="govuk-table__header">Last error</th>
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                {push.dead.map((d) => (
                  <tr class="govuk-table__row">
                    <td class="govuk-table__cell">
                      <a class="govuk-link" href={`/appointments/bookings/${d.ref}`} safe>{String(d.ref)}</a>
                    </td>
                    <td class="govuk-table__cell" safe>{String(d.attempts)}</td>
                    <td class="govuk-table__cell" safe>{d.lastError ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {isAdmin ? (
              <form method="post" action={`${CALENDAR_PUSH_PATH}/replay`}>
                <CsrfField token={page.csrfToken} />
                <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Send all again</button>
              </form>
            ) : (
              ''
            )}
          </>
        )}
      </Layout>,
    );
  });
  app.post(`${CALENDAR_PUSH_PATH}/replay`, { preHandler: requirePageAdmin(ctx) }, async (request, reply) => {
    const n = await replayCalendarChanges(ctx, request.principal!);
    return reply.redirect(`${CALENDAR_PUSH_PATH}?replayed=${n}`, 303);
  });
}
