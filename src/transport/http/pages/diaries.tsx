// System Setup › Estates › Appointments › Appointment Diaries: create and update a diary (External
// Calendar None | Outlook 365 and Calendar Address, as guide §2.3 describes the modal), its weekly slot
// patterns, closed days, slot generation, and the progress of pushing its bookings to Outlook.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import {
  addPattern,
  closeDay,
  createDiary,
  diaryOutlookProgress,
  generateDiarySlots,
  getDiary,
  listDiaries,
  listExceptions,
  listPatterns,
  removePattern,
  updateDiary,
  type Diary,
  type SlotException,
  type StoredSlotPattern,
} from '../../../app/appointments/diaries.ts';
import { listProductAreas, type ProductArea } from '../../../app/appointments/product-areas.ts';
import type { OutboxSummary } from '../../../app/appointments/diaries.ts';
import { EXTERNAL_CALENDAR_LABELS } from '../../../domain/appointments/diary.ts';
import { AppError } from '../../../errors.ts';
import { CsrfField, Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';
import { ErrorSummary, Radios, Select, SuccessBanner, TextInput, fieldErrors, type FieldErrors } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';
import { AppointmentSetupNav, Checkboxes, query, str, strs } from './appointment-kit.tsx';

const BASE = '/system-setup/appointments/diaries';
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

interface DiaryForm {
  code: string;
  name: string;
  productAreaCode: string;
  owner: string;
  timeZone: string;
  externalCalendar: string;
  calendarAddress: string;
  outlookOldEvents: string;
}
const formOf = (d: Diary): DiaryForm => ({
  code: d.code,
  name: d.name,
  productAreaCode: d.productAreaCode,
  owner: d.owner ?? '',
  timeZone: d.timeZone,
  externalCalendar: d.externalCalendar,
  calendarAddress: d.calendarAddress ?? '',
  outlookOldEvents: d.outlookOldEvents,
});

function DiaryList({ page, diaries }: { page: PageInfo; diaries: Diary[] }): JSX.Element {
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

function DiaryFields({ form, errors, areas, isNew }: { form: DiaryForm; errors: FieldErrors; areas: ProductArea[]; isNew: boolean }): JSX.Element {
  return (
    <>
      {isNew ? <TextInput id="code" name="code" label="Code" hint="Up to 20 letters, digits or underscores, e.g. RENTS" value={form.code} error={errors.code} width="10" spellcheck={false} /> : ''}
      <TextInput id="name" name="name" label="Name" value={form.name} error={errors.name} />
      <Select id="productAreaCode" name="productAreaCode" label="Product area" error={errors.productAreaCode} value={form.productAreaCode} items={[{ value: '', text: 'Choose a product area' }, ...areas.map((a) => ({ value: a.code, text: `${a.name} (${a.code})` }))]} />
      <TextInput id="owner" name="owner" label="Owner (optional)" value={form.owner} error={errors.owner} width="20" />
      <TextInput id="timeZone" name="timeZone" label="Time zone" hint="Where the diary's times are, e.g. Europe/London" value={form.timeZone} error={errors.timeZone} width="20" />
      <Select id="externalCalendar" name="externalCalendar" label="External Calendar" error={errors.externalCalendar} value={form.externalCalendar} items={[{ value: 'NONE', text: 'None' }, { value: 'OUTLOOK365', text: 'Outlook 365' }]} />
      <TextInput
        id="calendarAddress"
        name="calendarAddress"
        type="email"
        label="Calendar Address"
        hint="With Outlook 365: the email address of the user's Outlook calendar, in your organisation's domain (system parameter INBOX_SERVER). Several diaries may use the same address."
        value={form.calendarAddress}
        error={errors.calendarAddress}
        spellcheck={false}
      />
      <Radios
        id="outlookOldEvents"
        name="outlookOldEvents"
        legend="When Outlook 365 is turned off or the Calendar Address changes"
        value={form.outlookOldEvents}
        error={errors.outlookOldEvents}
        items={[
          { value: 'remove', text: 'Remove the events already put in Outlook' },
          { value: 'leave', text: 'Leave them in Outlook (they are no longer kept in step)' },
        ]}
      />
    </>
  );
}

function NewDiaryPage({ page, form, errors, areas }: { page: PageInfo; form: DiaryForm; errors: FieldErrors; areas: ProductArea[] }): JSX.Element {
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

interface DiaryPageProps {
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

function DiaryPage(p: DiaryPageProps): JSX.Element {
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

const diaryForm = (body: unknown): DiaryForm => ({
  code: str(body, 'code'),
  name: str(body, 'name'),
  productAreaCode: str(body, 'productAreaCode'),
  owner: str(body, 'owner'),
  timeZone: str(body, 'timeZone') || 'Europe/London',
  externalCalendar: str(body, 'externalCalendar') || 'NONE',
  calendarAddress: str(body, 'calendarAddress'),
  outlookOldEvents: str(body, 'outlookOldEvents') || 'remove',
});
const toInput = (f: DiaryForm) => ({
  name: f.name,
  productAreaCode: f.productAreaCode,
  owner: f.owner || null,
  timeZone: f.timeZone,
  externalCalendar: f.externalCalendar as 'NONE',
  calendarAddress: f.calendarAddress || null,
  outlookOldEvents: f.outlookOldEvents as 'remove',
});

function formErrors(err: unknown, fallback: string): FieldErrors {
  if (!(err instanceof AppError) || (err.code !== 'validation' && err.code !== 'conflict')) throw err;
  return fieldErrors(err.fields.length ? err.fields : [{ field: fallback, message: err.message }]);
}

export function registerDiaryPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageAdmin(ctx) };

  app.get(BASE, guard, async (request, reply) => sendPage(reply, <DiaryList page={pageInfo(ctx, request, 'Appointment Diaries', 'setup')} diaries={await listDiaries(ctx)} />));

  const newPage = async (request: FastifyRequest, reply: FastifyReply, form: DiaryForm, errors: FieldErrors = {}, status = 200) =>
    sendPage(reply, <NewDiaryPage page={pageInfo(ctx, request, 'Create appointment diary', 'setup', status !== 200)} form={form} errors={errors} areas={await listProductAreas(ctx)} />, status);
  app.get(`${BASE}/new`, guard, (request, reply) => newPage(request, reply, diaryForm({})));
  app.post(BASE, guard, async (request, reply) => {
    const form = diaryForm(request.body);
    try {
      const d = await createDiary(ctx, request.principal!, { code: form.code, ...toInput(form) });
      return reply.redirect(`${BASE}/${encodeURIComponent(d.code)}?done=created`, 303);
    } catch (err) {
      return newPage(request, reply, form, formErrors(err, 'code'), 422);
    }
  });

  const diaryPage = async (request: FastifyRequest, reply: FastifyReply, code: string, errors: FieldErrors = {}, form?: DiaryForm, status = 200) => {
    const diary = await getDiary(ctx, code);
    const [areas, patterns, closed, progress] = await Promise.all([listProductAreas(ctx), listPatterns(ctx, diary.code), listExceptions(ctx, diary.code), diaryOutlookProgress(ctx, diary.code)]);
    const done = query(request, 'done');
    const messages: Record<string, string> = {
      created: `Diary ${diary.code} created`,
      saved: `Diary ${diary.code} saved`,
      pattern: 'Slot pattern added',
      removed: 'Slot pattern removed (slots already made are kept)',
      generated: `Slots generated${query(request, 'added') ? `: ${Number(query(request, 'added'))} new` : ''}`,
      closed: 'Day closed',
      queued: `Diary saved: ${Number(query(request, 'queued') ?? 0)} bookings queued for Outlook`,
    };
    const page = pageInfo(ctx, request, diary.name, 'setup', Object.keys(errors).length > 0);
    return sendPage(
      reply,
      <DiaryPage page={page} diary={diary} form={form ?? formOf(diary)} errors={errors} areas={areas} patterns={patterns} closed={closed} progress={progress} saved={done ? messages[done] : undefined} />,
      status,
    );
  };
  type P = { Params: { code: string } };
  app.get<P>(`${BASE}/:code`, guard, (request, reply) => diaryPage(request, reply, request.params.code));
  app.post<P>(`${BASE}/:code`, guard, async (request, reply) => {
    const form = { ...diaryForm(request.body), code: request.params.code };
    try {
      const r = await updateDiary(ctx, request.principal!, request.params.code, toInput(form));
      return reply.redirect(`${BASE}/${encodeURIComponent(r.diary.code)}?done=${r.queued ? `queued&queued=${r.queued}` : 'saved'}`, 303);
    } catch (err) {
      return diaryPage(request, reply, request.params.code, formErrors(err, 'name'), form, 422);
    }
  });
  app.post<P>(`${BASE}/:code/patterns`, guard, async (request, reply) => {
    const b = request.body;
    try {
      await addPattern(ctx, request.principal!, request.params.code, {
        weekdays: strs(b, 'weekdays').map(Number),
        startTime: str(b, 'startTime'),
        endTime: str(b, 'endTime'),
        slotMinutes: str(b, 'slotMinutes') as unknown as number,
        units: str(b, 'units') as unknown as number,
        validFrom: str(b, 'validFrom'),
        validTo: str(b, 'validTo') || null,
      });
      return reply.redirect(`${BASE}/${encodeURIComponent(request.params.code)}?done=pattern#patterns`, 303);
    } catch (err) {
      return diaryPage(request, reply, request.params.code, formErrors(err, 'weekdays'), undefined, 422);
    }
  });
  app.post<{ Params: { code: string; id: string } }>(`${BASE}/:code/patterns/:id/remove`, guard, async (request, reply) => {
    await removePattern(ctx, request.principal!, request.params.code, Number(request.params.id));
    return reply.redirect(`${BASE}/${encodeURIComponent(request.params.code)}?done=removed#patterns`, 303);
  });
  app.post<P>(`${BASE}/:code/generate`, guard, async (request, reply) => {
    try {
      const days = str(request.body, 'days');
      const r = await generateDiarySlots(ctx, request.principal!, request.params.code, { from: str(request.body, 'from') || undefined, days: days ? Number(days) : undefined });
      return reply.redirect(`${BASE}/${encodeURIComponent(request.params.code)}?done=generated&added=${r.added}#generate`, 303);
    } catch (err) {
      return diaryPage(request, reply, request.params.code, formErrors(err, 'from'), undefined, 422);
    }
  });
  app.post<P>(`${BASE}/:code/closed-days`, guard, async (request, reply) => {
    try {
      await closeDay(ctx, request.principal!, request.params.code, { day: str(request.body, 'day'), reason: str(request.body, 'reason') });
      return reply.redirect(`${BASE}/${encodeURIComponent(request.params.code)}?done=closed#closed`, 303);
    } catch (err) {
      const errors = formErrors(err, 'day');
      // parseOrThrow names the field '(body)' for a bare value: point it at the right input.
      if (errors['(body)']) errors[str(request.body, 'day') ? 'reason' : 'day'] = errors['(body)'];
      delete errors['(body)'];
      return diaryPage(request, reply, request.params.code, errors, undefined, 422);
    }
  });
}
