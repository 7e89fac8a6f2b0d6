import type { Diary } from '../../../app/appointments/diaries.ts';
import type { ProductArea } from '../../../app/appointments/product-areas.ts';
import { EXTERNAL_CALENDAR_LABELS } from '../../../domain/appointments/diary.ts';
import { CsrfField, Layout, type PageInfo } from './layout.tsx';
import { ErrorSummary, type FieldErrors } from './components.tsx';
import { AppointmentSetupNav } from './appointment-kit.tsx';
import { DIARIES_PATH as BASE, DiaryFields, type DiaryForm } from './diary-form.tsx';

// The list of appointment diaries and the page that creates one.

export function DiaryList({ page, diaries }: { page: PageInfo; diaries: Diary[] }): JSX.Element {
  return (
    <Layout page={page}>
      <AppointmentSetupNav current="diaries" />
      <h1 class="govuk-heading-l">Appointment Diaries</h1>
      <a class="govuk-button" href={`${BASE}/new`} data-module="govuk-button">
        Create appointment diary
      </a>
      {diaries.length === 0 ? (
        <p class="govuk-body">There are no appointment diaries yet.</p>
      ) : (
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-visually-hidden">Appointment diaries</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">Code</th>
              <th scope="col" class="govuk-table__header">Name</th>
              <th scope="col" class="govuk-table__header">Product area</th>
              <th scope="col" class="govuk-table__header">External Calendar</th>
              <th scope="col" class="govuk-table__header">Calendar Address</th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {diaries.map((d) => (
              <tr class="govuk-table__row">
                <th scope="row" class="govuk-table__header">
                  <a class="govuk-link" href={`${BASE}/${encodeURIComponent(d.code)}`} safe>
                    {d.code}
                  </a>
                </th>
                <td class="govuk-table__cell" safe>{d.name}</td>
                <td class="govuk-table__cell" safe>{d.productAreaCode}</td>
                <td class="govuk-table__cell" safe>{EXTERNAL_CALENDAR_LABELS[d.externalCalendar]}</td>
                <td class="govuk-table__cell" safe>{d.calendarAddress ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

export function NewDiaryPage({ page, form, errors, areas }: { page: PageInfo; form: DiaryForm; errors: FieldErrors; areas: ProductArea[] }): JSX.Element {
  return (
    <Layout page={page}>
      <a class="govuk-back-link" href={BASE}>Back to appointment diaries</a>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">Create appointment diary</h1>
          <form method="post" action={BASE} novalidate>
            <CsrfField token={page.csrfToken} />
            <DiaryFields form={form} errors={errors} areas={areas} isNew />
            <button type="submit" class="govuk-button" data-module="govuk-button">Create diary</button>
          </form>
        </div>
      </div>
    </Layout>
  );
}
