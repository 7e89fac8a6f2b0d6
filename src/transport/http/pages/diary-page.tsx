import type { Diary, OutboxSummary, SlotException, StoredSlotPattern } from '../../../app/appointments/diaries.ts';
import type { ProductArea } from '../../../app/appointments/product-areas.ts';
import { CsrfField, Layout, type PageInfo } from './layout.tsx';
import { ErrorSummary, SuccessBanner, TextInput, type FieldErrors } from './components.tsx';
import { AppointmentSetupNav, Checkboxes } from './appointment-kit.tsx';
import { DIARIES_PATH as BASE, DiaryFields, type DiaryForm } from './diary-form.tsx';

// One appointment diary: its details, the progress of pushing its bookings to Outlook, its weekly
// slot patterns, slot generation and closed days.

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export interface DiaryPageProps {
  page: PageInfo;
  diary: Diary;
  form: DiaryForm;
  errors: FieldErrors;
  areas: ProductArea[];
  patterns: StoredSlotPattern[];
  closed: SlotException[];
  progress: OutboxSummary;
  saved?: string;
}

export function DiaryPage(p: DiaryPageProps): JSX.Element {
  const { page, diary, errors } = p;
  const action = `${BASE}/${encodeURIComponent(diary.code)}`;
  return (
    <Layout page={page}>
      <AppointmentSetupNav current="diaries" />
      <SuccessBanner heading={p.saved} />
      <ErrorSummary errors={errors} />
      <span class="govuk-caption-l" safe>{diary.code}</span>
      <h1 class="govuk-heading-l" safe>{diary.name}</h1>
      <p class="govuk-body">
        <a class="govuk-link" href={`/appointments/diaries/${encodeURIComponent(diary.code)}`}>Open the diary's week view</a>
      </p>
      {diary.externalCalendar === 'OUTLOOK365' || p.progress.pending > 0 || p.progress.dead > 0 ? (
        <div class="govuk-inset-text" id="outlook-progress">
          <h2 class="govuk-heading-s">Outlook 365</h2>
          <p class="govuk-body" safe>
            {`${p.progress.done} change${p.progress.done === 1 ? '' : 's'} sent, ${p.progress.pending} waiting${p.progress.failing ? ` (${p.progress.failing} retrying)` : ''}, ${p.progress.dead} failed.`}
          </p>
        </div>
      ) : (
        ''
      )}
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h2 class="govuk-heading-m">Diary details</h2>
          <form method="post" action={action} novalidate>
            <CsrfField token={page.csrfToken} />
            <DiaryFields form={p.form} errors={errors} areas={p.areas} isNew={false} />
            <button type="submit" class="govuk-button" data-module="govuk-button">Save diary</button>
          </form>
        </div>
      </div>

      <h2 class="govuk-heading-m" id="patterns">Slot patterns</h2>
      {p.patterns.length === 0 ? (
        <p class="govuk-body">No weekly patterns yet: add one, then generate slots.</p>
      ) : (
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-visually-hidden">Slot patterns</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">Days</th>
              <th scope="col" class="govuk-table__header">Times</th>
              <th scope="col" class="govuk-table__header">Slot length</th>
              <th scope="col" class="govuk-table__header">Units</th>
              <th scope="col" class="govuk-table__header">From – to</th>
              <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {p.patterns.map((pt) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell" safe>{pt.weekdays.map((d) => DAYS[d - 1].slice(0, 3)).join(', ')}</td>
                <td class="govuk-table__cell" safe>{`${pt.startTime}–${pt.endTime}`}</td>
                <td class="govuk-table__cell" safe>{`${pt.slotMinutes} minutes`}</td>
                <td class="govuk-table__cell" safe>{String(pt.units)}</td>
                <td class="govuk-table__cell" safe>{`${pt.validFrom} – ${pt.validTo ?? 'no end'}`}</td>
                <td class="govuk-table__cell">
                  <form method="post" action={`${action}/patterns/${pt.id}/remove`} class="app-inline-form">
                    <CsrfField token={page.csrfToken} />
                    <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">
                      Remove<span class="govuk-visually-hidden">{` pattern ${pt.id}`}</span>
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form method="post" action={`${action}/patterns`} novalidate>
        <CsrfField token={page.csrfToken} />
        <h3 class="govuk-heading-s">Add a weekly pattern</h3>
        <Checkboxes id="weekdays" name="weekdays" legend="Days" error={errors.weekdays} items={DAYS.map((d, i) => ({ value: String(i + 1), text: d }))} values={['1', '2', '3', '4', '5']} />
        <TextInput id="startTime" name="startTime" label="First slot starts (HH:MM)" value="09:00" error={errors.startTime} width="5" />
        <TextInput id="endTime" name="endTime" label="Last slot ends (HH:MM)" value="17:00" error={errors.endTime} width="5" />
        <TextInput id="slotMinutes" name="slotMinutes" label="Slot length in minutes" value="60" error={errors.slotMinutes} width="5" />
        <TextInput id="units" name="units" label="Units per slot" hint="How many appointments one slot can take" value="1" error={errors.units} width="5" />
        <TextInput id="validFrom" name="validFrom" label="From (YYYY-MM-DD)" value={new Date().toISOString().slice(0, 10)} error={errors.validFrom} width="10" />
        <TextInput id="validTo" name="validTo" label="Until (YYYY-MM-DD, optional)" error={errors.validTo} width="10" />
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Add pattern</button>
      </form>

      <h2 class="govuk-heading-m" id="generate">Generate slots</h2>
      <form method="post" action={`${action}/generate`} novalidate>
        <CsrfField token={page.csrfToken} />
        <TextInput id="from" name="from" label="From (YYYY-MM-DD)" hint="Leave blank for today" error={errors.from} width="10" />
        <TextInput id="days" name="days" label="Number of days" value="56" error={errors.days} width="5" />
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Generate slots</button>
      </form>

      <h2 class="govuk-heading-m" id="closed">Closed days</h2>
      {p.closed.length === 0 ? (
        <p class="govuk-body">No closed days.</p>
      ) : (
        <ul class="govuk-list govuk-list--bullet">
          {p.closed.map((c) => (
            <li safe>{`${c.day}: ${c.reason}`}</li>
          ))}
        </ul>
      )}
      <form method="post" action={`${action}/closed-days`} novalidate>
        <CsrfField token={page.csrfToken} />
        <TextInput id="day" name="day" label="Day to close (YYYY-MM-DD)" hint="Its free slots are removed; booked slots stay so they can be moved" error={errors.day} width="10" />
        <TextInput id="reason" name="reason" label="Reason" error={errors.reason} width="30" />
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Close day</button>
      </form>
    </Layout>
  );
}
