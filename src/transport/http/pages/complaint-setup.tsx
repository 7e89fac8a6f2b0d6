import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import {
  clearHolidayFiles, getComplaintSettings, listComplaintPolicies, listHolidayFiles, loadHolidayFile, removeComplaintPolicy, setComplaintPolicy, updateComplaintSettings,
} from '../../../app/complaints/setup.ts';
import { DATE_HOLIDAYS_VERSION } from '../../../app/complaints/clock.ts';
import { listJobTypes } from '../../../app/tasks/setup.ts';
import { CODE_DEFAULTS, departuresFromCode } from '../../../domain/complaints/policy.ts';
import { NATIONS, NATION_LABELS, type Nation } from '../../../domain/complaints/working-days.ts';
import { AppError } from '../../../errors.ts';
import { ErrorSummary, Select, SuccessBanner, TextInput, fieldErrors, type FieldErrors } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';
import { CsrfField, Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';
import { SetupNav } from './setup.tsx';

// System Setup › Complaints: complaint job types and their policy (the Code's timescales by
// default), the nation whose bank holidays count, loaded bank-holiday files, the daily reminder.

const str = (v: unknown) => (typeof v === 'string' ? v : '');

type Data = {
  policies: Awaited<ReturnType<typeof listComplaintPolicies>>;
  settings: Awaited<ReturnType<typeof getComplaintSettings>>;
  files: Awaited<ReturnType<typeof listHolidayFiles>>;
  types: Awaited<ReturnType<typeof listJobTypes>>;
};

interface Attempt {
  form: 'policy' | 'settings' | 'holidays';
  values: Record<string, string>;
  errors: FieldErrors;
}

const POLICY_FIELDS = [
  ['stage1AcknowledgeDays', 'Stage 1: acknowledge within (working days from receipt; Code 6.2)', CODE_DEFAULTS.stage1.acknowledgeDays],
  ['stage1RespondDays', 'Stage 1: respond within (working days from the acknowledgement; 6.3)', CODE_DEFAULTS.stage1.respondDays],
  ['stage1MaxExtensionDays', 'Stage 1: longest extension without good reason (working days; 6.4)', CODE_DEFAULTS.stage1.maxExtensionDays],
  ['stage2AcknowledgeDays', 'Stage 2: acknowledge within (working days from the escalation request; 6.11)', CODE_DEFAULTS.stage2.acknowledgeDays],
  ['stage2RespondDays', 'Stage 2: respond within (working days from the acknowledgement; 6.15)', CODE_DEFAULTS.stage2.respondDays],
  ['stage2MaxExtensionDays', 'Stage 2: longest extension without good reason (working days; 6.16)', CODE_DEFAULTS.stage2.maxExtensionDays],
] as const;

function SetupPage({ page, data, attempt, banner }: { page: PageInfo; data: Data; attempt?: Attempt; banner?: string }): JSX.Element {
  const v = (form: Attempt['form'], k: string) => (attempt?.form === form ? attempt.values[k] : undefined);
  const e = (form: Attempt['form'], k: string) => (attempt?.form === form ? attempt.errors[k] : undefined);
  const s = data.settings;
  return (
    <Layout page={page}>
      <SetupNav current="complaints" />
      <SuccessBanner heading={banner} />
      <ErrorSummary errors={attempt?.errors ?? {}} ids={attempt ? Object.fromEntries(Object.keys(attempt.errors).map((k) => [k, `${attempt.form}-${k}`])) : undefined} />
      <h1 class="govuk-heading-l">Complaints</h1>
      <p class="govuk-body">A task of a complaint job type is a complaint case on the Housing Ombudsman's Complaint Handling Code clock: two stages, deadlines in working days (weekends and the bank holidays of the nation below excluded), in the organisation's time zone (OUTLOOK365_TIMEZONE). Stored deadlines never move when these settings change.</p>

      <table class="govuk-table" id="complaint-policies">
        <caption class="govuk-table__caption govuk-table__caption--m">Complaint job types</caption>
        <thead class="govuk-table__head"><tr class="govuk-table__row">{['Job type', 'Stage 1 (ack / respond / max ext.)', 'Stage 2 (ack / respond / max ext.)', 'Acknowledgement template', 'Departs from the Code', ''].map((h) => <th scope="col" class="govuk-table__header">{h ? h : <span class="govuk-visually-hidden">Actions</span>}</th>)}</tr></thead>
        <tbody class="govuk-table__body">
          {data.policies.map((p) => (
            <tr class="govuk-table__row">
              <td class="govuk-table__cell" safe>{`${p.jobTypeCode} – ${p.jobTypeName}`}</td>
              <td class="govuk-table__cell" safe>{`${p.policy.stage1.acknowledgeDays} / ${p.policy.stage1.respondDays} / ${p.policy.stage1.maxExtensionDays}`}</td>
              <td class="govuk-table__cell" safe>{`${p.policy.stage2.acknowledgeDays} / ${p.policy.stage2.respondDays} / ${p.policy.stage2.maxExtensionDays}`}</td>
              <td class="govuk-table__cell" safe>{p.policy.acknowledgementTemplate ?? '—'}</td>
              <td class="govuk-table__cell" safe>{departuresFromCode(p.policy).join('; ') || 'No'}</td>
              <td class="govuk-table__cell">
                <form method="post" action={`/system-setup/complaints/policies/${p.jobTypeId}/remove`}>
                  <CsrfField token={page.csrfToken} />
                  <button type="submit" class="govuk-button govuk-button--warning govuk-!-margin-bottom-0" data-module="govuk-button" safe>{`Stop treating ${p.jobTypeCode} as complaints`}</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="post" action="/system-setup/complaints/policies" novalidate>
        <h2 class="govuk-heading-s">Mark a job type as a complaint job type, or change its policy</h2>
        <CsrfField token={page.csrfToken} />
        <Select id="policy-jobTypeId" name="jobTypeId" label="Job type" value={v('policy', 'jobTypeId')} items={data.types.map((t) => ({ value: String(t.id), text: `${t.code} – ${t.name}` }))} error={e('policy', 'jobTypeId')} />
        {POLICY_FIELDS.map(([k, label, d]) => <TextInput id={`policy-${k}`} name={k} label={label} width="5" value={v('policy', k) ?? String(d)} error={e('policy', k)} />)}
        <TextInput id="policy-acknowledgementTemplate" name="acknowledgementTemplate" label="Acknowledgement email template (blank: none offered)" width="20" value={v('policy', 'acknowledgementTemplate') ?? 'COMPLAINT_ACK'} error={e('policy', 'acknowledgementTemplate')} />
        <button type="submit" class="govuk-button" data-module="govuk-button">Save complaint policy</button>
      </form>

      <form method="post" action="/system-setup/complaints/settings" novalidate>
        <h2 class="govuk-heading-m">Bank holidays and reminders</h2>
        <CsrfField token={page.csrfToken} />
        <Select id="settings-nation" name="nation" label="Whose bank holidays count (for deadlines computed from now on)" value={v('settings', 'nation') ?? s.nation} items={NATIONS.map((n) => ({ value: n, text: NATION_LABELS[n] }))} error={e('settings', 'nation')} />
        <div class="govuk-form-group"><div class="govuk-checkboxes govuk-checkboxes--small"><div class="govuk-checkboxes__item">
          <input class="govuk-checkboxes__input" id="settings-reminderEnabled" name="reminderEnabled" type="checkbox" value="true" checked={(v('settings', 'reminderEnabled') ?? String(s.reminderEnabled)) === 'true'} />
          <label class="govuk-label govuk-checkboxes__label" for="settings-reminderEnabled">Send a daily reminder email (complaints due soon and overdue) through the outbox</label>
        </div></div></div>
        <TextInput id="settings-reminderDays" name="reminderDays" label="Include complaints due within (working days)" width="5" value={v('settings', 'reminderDays') ?? String(s.reminderDays)} error={e('settings', 'reminderDays')} />
        <TextInput id="settings-reminderTo" name="reminderTo" label="Send the reminder to (the team's address)" type="email" value={v('settings', 'reminderTo') ?? s.reminderTo ?? ''} error={e('settings', 'reminderTo')} />
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Save settings</button>
      </form>

      <h2 class="govuk-heading-m">Bank-holiday files</h2>
      <p class="govuk-body" safe>{`Shipped: the public holidays of the date-holidays package ${DATE_HOLIDAYS_VERSION} (England and Wales, Scotland, Northern Ireland). A file in gov.uk's bank-holidays.json format replaces them, per nation, for the years it covers — for a one-off bank holiday the package does not know yet. Nothing is downloaded.`}</p>
      {data.files.length ? (
        <table class="govuk-table" id="holiday-files">
          <caption class="govuk-table__caption govuk-table__caption--s">Loaded files</caption>
          <thead class="govuk-table__head"><tr class="govuk-table__row">{['File', 'Nation', 'Dates', 'In use', 'Loaded'].map((h) => <th scope="col" class="govuk-table__header">{h}</th>)}</tr></thead>
          <tbody class="govuk-table__body">
            {data.files.map((f) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell" safe>{`${f.id}: ${f.fileName ?? '(pasted)'} (sha256 ${f.sha256.slice(0, 12)})`}</td>
                <td class="govuk-table__cell" safe>{NATION_LABELS[f.nation]}</td>
                <td class="govuk-table__cell" safe>{`${f.dates.length}, ${f.firstDate} to ${f.lastDate}`}</td>
                <td class="govuk-table__cell">{f.active ? 'Yes' : 'No'}</td>
                <td class="govuk-table__cell" safe>{`${f.loadedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC by ${f.loadedBy}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : ''}
      <form method="post" action="/system-setup/complaints/holidays" novalidate>
        <CsrfField token={page.csrfToken} />
        <div class={['govuk-form-group', e('holidays', 'file') && 'govuk-form-group--error']}>
          <label class="govuk-label" for="holidays-file">Paste a bank-holidays.json file</label>
          {e('holidays', 'file') ? <p class="govuk-error-message" id="holidays-file-error" safe>{e('holidays', 'file')}</p> : ''}
          <textarea class="govuk-textarea app-code" id="holidays-file" name="text" rows="6" spellcheck="false" safe>{v('holidays', 'text') ?? ''}</textarea>
        </div>
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Load bank holidays</button>
      </form>
      {NATIONS.some((n) => data.files.some((f) => f.active && f.nation === n)) ? (
        <div class="govuk-button-group">
          {NATIONS.filter((n) => data.files.some((f) => f.active && f.nation === n)).map((n) => (
            <form method="post" action="/system-setup/complaints/holidays/clear">
              <CsrfField token={page.csrfToken} />
              <input type="hidden" name="nation" value={n} />
              <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" safe>{`Use the shipped dates for ${NATION_LABELS[n]}`}</button>
            </form>
          ))}
        </div>
      ) : ''}
    </Layout>
  );
}

const DONE: Record<string, string> = { policy: 'Complaint policy saved', removed: 'The job type is no longer a complaint job type', settings: 'Complaint settings saved', holidays: 'Bank holidays loaded', cleared: 'Shipped bank holidays in use' };

export function registerComplaintSetupPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageAdmin(ctx) };
  const render = async (request: FastifyRequest, reply: FastifyReply, extra: { attempt?: Attempt; banner?: string } = {}, status = 200) => {
    const [policies, settings, files, types] = await Promise.all([listComplaintPolicies(ctx), getComplaintSettings(ctx), listHolidayFiles(ctx), listJobTypes(ctx)]);
    return sendPage(reply, <SetupPage page={pageInfo(ctx, request, 'Complaints set-up', 'setup', Boolean(extra.attempt))} data={{ policies, settings, files, types }} {...extra} />, status);
  };
  app.get('/system-setup/complaints', guard, (request, reply) => render(request, reply, { banner: DONE[str((request.query as Record<string, unknown>).done)] }));

  const post = (path: string, form: Attempt['form'] | null, done: string, run: (b: Record<string, unknown>, request: FastifyRequest) => Promise<unknown>) =>
    app.post(`/system-setup/complaints/${path}`, guard, async (request, reply) => {
      const b = (request.body ?? {}) as Record<string, unknown>;
      try {
        await run(b, request);
      } catch (err) {
        if (!(err instanceof AppError) || !form || (err.code !== 'validation' && err.code !== 'not_found')) throw err;
        const values = Object.fromEntries(Object.entries(b).filter(([k]) => k !== '_csrf').map(([k, x]) => [k, str(x).slice(0, 100_000)]));
        const errors = err.fields.length ? fieldErrors(err.fields) : { [form === 'policy' ? 'jobTypeId' : form === 'holidays' ? 'file' : 'nation']: err.message };
        return render(request, reply, { attempt: { form, values, errors } }, 422);
      }
      return reply.redirect(`/system-setup/complaints?done=${done}`, 303);
    });
  const actor = (request: FastifyRequest) => ({ username: request.principal!.username, ip: request.ip });
  const id = (v: unknown) => (/^\d{1,9}$/.test(str(v)) ? Number(v) : -1);

  post('policies', 'policy', 'policy', (b, r) => setComplaintPolicy(ctx, actor(r), id(b.jobTypeId), Object.fromEntries(POLICY_FIELDS.map(([k]) => [k, str(b[k])]).concat([['acknowledgementTemplate', str(b.acknowledgementTemplate)]]))));
  app.post<{ Params: { id: string } }>('/system-setup/complaints/policies/:id/remove', guard, async (request, reply) => {
    await removeComplaintPolicy(ctx, actor(request), id(request.params.id));
    return reply.redirect('/system-setup/complaints?done=removed', 303);
  });
  post('settings', 'settings', 'settings', (b, r) => updateComplaintSettings(ctx, actor(r), { nation: str(b.nation) as Nation, reminderEnabled: str(b.reminderEnabled) === 'true', reminderDays: str(b.reminderDays), reminderTo: str(b.reminderTo) }));
  post('holidays', 'holidays', 'holidays', (b, r) => loadHolidayFile(ctx, actor(r), str(b.text)));
  post('holidays/clear', 'holidays', 'cleared', (b, r) => clearHolidayFiles(ctx, actor(r), str(b.nation) as Nation));
}
