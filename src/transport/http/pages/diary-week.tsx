// Appointments › a diary's week: every slot with its free units and bookings, and a Book link on the
// free ones. Times are shown in the diary's own time zone.
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import type { AppContext } from '../../../app/context.ts';
import { diaryWeek, type DiaryWeek } from '../../../app/appointments/bookings.ts';
import { listDiaries, type Diary } from '../../../app/appointments/diaries.ts';
import { requirePageUser } from '../auth.ts';
import { Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';
import { Tag } from './components.tsx';
import { fmtTime, query } from './appointment-kit.tsx';

function WeekPage({ page, week }: { page: PageInfo; week: DiaryWeek }): JSX.Element {
  const { diary } = week;
  const base = `/appointments/diaries/${encodeURIComponent(diary.code)}`;
  const monday = DateTime.fromISO(week.weekStart);
  return (
    <Layout page={page}>
      <a class="govuk-back-link" href="/appointments">Back to appointments</a>
      <span class="govuk-caption-l" safe>{`${diary.code} · ${diary.timeZone}${diary.calendarAddress ? ` · Outlook: ${diary.calendarAddress}` : ''}`}</span>
      <h1 class="govuk-heading-l" safe>{`${diary.name}: week of ${monday.toFormat('d LLLL yyyy')}`}</h1>
      <nav class="govuk-pagination govuk-pagination--block" aria-label="Weeks">
        <div class="govuk-pagination__prev">
          <a class="govuk-link govuk-pagination__link" href={`${base}?week=${monday.minus({ weeks: 1 }).toISODate()}`} rel="prev">
            <span class="govuk-pagination__link-title">Previous week</span>
          </a>
        </div>
        <div class="govuk-pagination__next">
          <a class="govuk-link govuk-pagination__link" href={`${base}?week=${monday.plus({ weeks: 1 }).toISODate()}`} rel="next">
            <span class="govuk-pagination__link-title">Next week</span>
          </a>
        </div>
      </nav>
      {week.days.map((day) => (
        <section aria-labelledby={`day-${day.date}`}>
          <h2 class="govuk-heading-m" id={`day-${day.date}`} safe>{day.label}</h2>
          {day.slots.length === 0 ? (
            <p class="govuk-body govuk-hint">No appointment slots.</p>
          ) : (
            <table class="govuk-table">
              <caption class="govuk-table__caption govuk-visually-hidden" safe>{`Slots on ${day.label}`}</caption>
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  <th scope="col" class="govuk-table__header">Time</th>
                  <th scope="col" class="govuk-table__header">Free units</th>
                  <th scope="col" class="govuk-table__header">Bookings</th>
                  <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                {day.slots.map((s) => (
                  <tr class="govuk-table__row">
                    <th scope="row" class="govuk-table__header" safe>{`${fmtTime(s.startsAt, diary.timeZone)}–${fmtTime(s.endsAt, diary.timeZone)}`}</th>
                    <td class="govuk-table__cell">
                      {s.past ? <Tag text="Past" colour="grey" /> : s.free > 0 ? <Tag text={`${s.free} of ${s.units} free`} colour="green" /> : <Tag text="Full" colour="red" />}
                    </td>
                    <td class="govuk-table__cell">
                      {s.bookings.length === 0
                        ? ''
                        : s.bookings.map((b) => (
                            <a class="govuk-link govuk-!-margin-right-2" href={`/appointments/bookings/${b.ref}`} safe>
                              {`${b.ref} ${b.who}`}
                            </a>
                          ))}
                    </td>
                    <td class="govuk-table__cell">
                      {!s.past && s.free > 0 ? (
                        <a class="govuk-link" href={`/appointments/book?diary=${encodeURIComponent(diary.code)}&slot=${s.id}`}>
                          Book<span class="govuk-visually-hidden" safe>{` ${day.label} ${fmtTime(s.startsAt, diary.timeZone)}`}</span>
                        </a>
                      ) : (
                        ''
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </Layout>
  );
}

function IndexPage({ page, diaries, notFound }: { page: PageInfo; diaries: Diary[]; notFound?: string }): JSX.Element {
  return (
    <Layout page={page}>
      <h1 class="govuk-heading-l">Appointments</h1>
      <form method="get" action="/appointments/find" class="govuk-!-margin-bottom-6">
        <div class={['govuk-form-group', notFound && 'govuk-form-group--error']}>
          <label class="govuk-label govuk-label--s" for="ref">Find an appointment by reference</label>
          {notFound ? (
            <p id="ref-error" class="govuk-error-message">
              <span class="govuk-visually-hidden">Error:</span> <span safe>{notFound}</span>
            </p>
          ) : (
            ''
          )}
          <input class="govuk-input govuk-input--width-10" id="ref" name="ref" type="text" inputmode="numeric" />
        </div>
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Find</button>
      </form>
      <p class="govuk-body"><a class="govuk-link" href="/integration/calendar-push">Outbound calendars</a>: what is waiting to go to Outlook, and what failed.</p>
      <h2 class="govuk-heading-m">Diaries</h2>
      {diaries.length === 0 ? (
        <p class="govuk-body">There are no appointment diaries yet. An administrator sets them up in System Setup › Estates › Appointments.</p>
      ) : (
        <ul class="govuk-list">
          {diaries
            .filter((d) => d.active)
            .map((d) => (
              <li>
                <a class="govuk-link" href={`/appointments/diaries/${encodeURIComponent(d.code)}`} safe>{`${d.name} (${d.code})`}</a>
                {d.externalCalendar === 'OUTLOOK365' ? <span class="govuk-hint govuk-!-display-inline" safe>{`  · Outlook: ${d.calendarAddress}`}</span> : ''}
              </li>
            ))}
        </ul>
      )}
    </Layout>
  );
}

export function registerDiaryWeekPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageUser() };
  app.get('/appointments', guard, async (request, reply) => {
    const ref = query(request, 'notfound');
    const notFound = ref ? `There is no appointment with reference ${/^\d+$/.test(ref) ? ref : 'like that'}` : undefined;
    return sendPage(reply, <IndexPage page={pageInfo(ctx, request, 'Appointments', 'appointments', Boolean(notFound))} diaries={await listDiaries(ctx)} notFound={notFound} />, notFound ? 404 : 200);
  });
  app.get<{ Params: { code: string } }>('/appointments/diaries/:code', guard, async (request, reply) => {
    const week = await diaryWeek(ctx, request.params.code, query(request, 'week'));
    return sendPage(reply, <WeekPage page={pageInfo(ctx, request, `${week.diary.name} week view`, 'appointments')} week={week} />);
  });
}
