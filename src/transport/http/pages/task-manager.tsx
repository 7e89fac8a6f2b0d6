import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import {
  createJobGroup, createJobType, generateWorkflow, listEventTypes, listJobGroups, listJobTypes, listWorkflows, saveEventType, uploadWorkflow,
} from '../../../app/tasks/setup.ts';
import { eventQuerySandboxStatus, getEventQuery, listEventQueries, runEventQuery, updateEventQuery, type EventQuery } from '../../../app/tasks/event-queries.ts';
import { listTeams, listUsers } from '../../../app/users.ts';
import { AppError } from '../../../errors.ts';
import { ErrorSummary, Select, SuccessBanner, Tag, TextInput, fieldErrors, type FieldErrors } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';
import { CsrfField, Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';
import { SetupNav } from './setup.tsx';

// System Setup › Task Manager (guide §2.2.4–2.2.5): workflows, job groups, job types, event types,
// and event queries with their last run (a failing query is reported here, never half-applied).

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : null);
const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(num).filter((x): x is number => x !== null);
const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : 'never');

type Data = {
  workflows: Awaited<ReturnType<typeof listWorkflows>>;
  groups: Awaited<ReturnType<typeof listJobGroups>>;
  types: Awaited<ReturnType<typeof listJobTypes>>;
  events: Awaited<ReturnType<typeof listEventTypes>>;
  queries: EventQuery[];
  /** Why event queries cannot run here (no sandbox role), if they cannot. */
  sandboxProblem?: string;
  teams: Array<{ id: number; code: string }>;
  users: Array<{ id: number; displayName: string }>;
};

interface Attempt {
  form: string;
  values: Record<string, string>;
  errors: FieldErrors;
}

function Table({ caption, head, rows }: { caption: string; head: string[]; rows: JSX.Element[][] }): JSX.Element {
  return (
    <table class="govuk-table">
      <caption class="govuk-table__caption govuk-table__caption--m">{caption}</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row">{head.map((h) => <th scope="col" class="govuk-table__header">{h}</th>)}</tr></thead>
      <tbody class="govuk-table__body">{rows.map((r) => <tr class="govuk-table__row">{r.map((c) => <td class="govuk-table__cell">{c}</td>)}</tr>)}</tbody>
    </table>
  );
}

const esc = (s: string | null | undefined) => <span safe>{s ?? ''}</span>;

function SetupPage({ page, data, attempt, banner, generated }: { page: PageInfo; data: Data; attempt?: Attempt; banner?: string; generated?: { fileName: string; text: string } }): JSX.Element {
  const v = (form: string, k: string) => (attempt?.form === form ? attempt.values[k] : undefined);
  const e = (form: string, k: string) => (attempt?.form === form ? attempt.errors[k] : undefined);
  const teamItems = [{ value: '', text: '—' }, ...data.teams.map((t) => ({ value: String(t.id), text: t.code }))];
  return (
    <Layout page={page}>
      <SetupNav current="task-manager" />
      <SuccessBanner heading={banner} />
      <ErrorSummary errors={attempt?.errors ?? {}} ids={attempt ? Object.fromEntries(Object.keys(attempt.errors).map((k) => [k, `${attempt.form}-${k}`])) : undefined} />
      <h1 class="govuk-heading-l">Task Manager set-up</h1>
      <p class="govuk-body">Inboxes are read by the inbound poll: <a class="govuk-link" href="/integration/inboxes">Integration › Inbound email</a> (start / stop, last runs, Needs attention).</p>

      <Table caption="Event queries" head={['Name', 'Runs every', 'Last run', 'Result']} rows={data.queries.map((q) => [
        <a class="govuk-link" href={`/system-setup/task-manager/queries/${q.id}`} safe>{q.name}</a>,
        esc(`${q.everyMinutes} min${q.enabled ? '' : ' (disabled)'}`),
        esc(when(q.lastRunAt)),
        q.lastOk === null ? esc('—') : q.lastOk ? <Tag text={`OK: ${q.lastEvents ?? 0} events`} colour="green" /> : <Tag text="Failed" colour="red" />,
      ])} />
      {data.sandboxProblem ? (
        <div class="govuk-warning-text" id="event-query-sandbox">
          <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
          <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span><span safe>{`Event queries cannot run: ${data.sandboxProblem}`}</span></strong>
        </div>
      ) : ''}

      <Table caption="Workflow categories" head={['Code', 'Name', 'Pending', 'Complete', 'Uploaded']} rows={data.workflows.map((w) => [esc(w.code), esc(w.name), esc(w.pendingName), esc(w.completeName), esc(`${when(w.uploadedAt)} by ${w.uploadedBy}`)])} />
      <div class="govuk-grid-row">
        <form method="post" action="/system-setup/task-manager/workflows/generate" class="govuk-grid-column-one-half" novalidate>
          <h2 class="govuk-heading-s">Generate a workflow file</h2>
          <CsrfField token={page.csrfToken} />
          <TextInput id="generate-code" name="code" label="Code (at most 8 characters)" width="10" value={v('generate', 'code')} error={e('generate', 'code')} />
          <TextInput id="generate-name" name="name" label="Name, like Inbound Emails for ASB" value={v('generate', 'name')} error={e('generate', 'name')} />
          <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Generate</button>
        </form>
        <form method="post" action="/system-setup/task-manager/workflows" class="govuk-grid-column-one-half" novalidate>
          <h2 class="govuk-heading-s">Upload a workflow file</h2>
          <CsrfField token={page.csrfToken} />
          <div class={['govuk-form-group', e('upload', 'file') && 'govuk-form-group--error']}>
            <label class="govuk-label" for="upload-file">Paste the .wft file</label>
            {e('upload', 'file') || e('upload', 'code') || e('upload', 'name') ? <p class="govuk-error-message" id="upload-file-error" safe>{e('upload', 'file') ?? e('upload', 'code') ?? e('upload', 'name')}</p> : ''}
            <textarea class="govuk-textarea" id="upload-file" name="text" rows="8" spellcheck="false" safe>{generated?.text ?? v('upload', 'text') ?? ''}</textarea>
          </div>
          <button type="submit" class="govuk-button" data-module="govuk-button">Upload</button>
        </form>
      </div>

      <Table caption="Job groups" head={['Code', 'Name', 'Restricted', 'Teams']} rows={data.groups.map((g) => [esc(g.code), esc(g.name), esc(g.restricted ? 'Yes' : 'No'), esc(g.teamIds.map((id) => data.teams.find((t) => t.id === id)?.code).join(', '))])} />
      <form method="post" action="/system-setup/task-manager/job-groups" novalidate>
        <h2 class="govuk-heading-s">Add a job group</h2>
        <CsrfField token={page.csrfToken} />
        <TextInput id="group-code" name="code" label="Code" width="20" value={v('group', 'code')} error={e('group', 'code')} />
        <TextInput id="group-name" name="name" label="Name" value={v('group', 'name')} error={e('group', 'name')} />
        <div class="govuk-form-group">
          <fieldset class="govuk-fieldset">
            <legend class="govuk-fieldset__legend">Who sees its tasks</legend>
            <div class="govuk-checkboxes govuk-checkboxes--small">
              <div class="govuk-checkboxes__item">
                <input class="govuk-checkboxes__input" id="group-restricted" name="restricted" type="checkbox" value="true" />
                <label class="govuk-label govuk-checkboxes__label" for="group-restricted">Restricted (ASB, safeguarding): only the teams ticked below</label>
              </div>
              {data.teams.map((t) => (
                <div class="govuk-checkboxes__item">
                  <input class="govuk-checkboxes__input" id={`group-team-${t.id}`} name="teamIds" type="checkbox" value={String(t.id)} />
                  <label class="govuk-label govuk-checkboxes__label" for={`group-team-${t.id}`} safe>{t.code}</label>
                </div>
              ))}
            </div>
          </fieldset>
          {e('group', 'teamIds') ? <p class="govuk-error-message" id="group-teamIds" safe>{e('group', 'teamIds')}</p> : ''}
        </div>
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Add job group</button>
      </form>

      <Table caption="Job types" head={['Code', 'Name', 'Job group', 'Workflow', 'Default assignee']} rows={data.types.map((t) => [esc(t.code), esc(t.name), esc(t.jobGroupCode ?? '—'), esc(t.workflowCode ?? '—'), esc(t.defaultTeamCode ? `team ${t.defaultTeamCode}` : t.defaultUsername ?? '')])} />
      <form method="post" action="/system-setup/task-manager/job-types" novalidate>
        <h2 class="govuk-heading-s">Add a job type (one per inbox)</h2>
        <CsrfField token={page.csrfToken} />
        <TextInput id="type-code" name="code" label="Code" width="20" value={v('type', 'code')} error={e('type', 'code')} />
        <TextInput id="type-name" name="name" label="Name" value={v('type', 'name')} error={e('type', 'name')} />
        <Select id="type-jobGroupId" name="jobGroupId" label="Job group" items={[{ value: '', text: '—' }, ...data.groups.map((g) => ({ value: String(g.id), text: g.code }))]} error={e('type', 'jobGroupId')} />
        <Select id="type-workflowCode" name="workflowCode" label="Workflow category" items={[{ value: '', text: '—' }, ...data.workflows.map((w) => ({ value: w.code, text: `${w.code} – ${w.name}` }))]} error={e('type', 'workflowCode')} />
        <Select id="type-defaultTeamId" name="defaultTeamId" label="Default team" items={teamItems} error={e('type', 'defaultTeamId')} />
        <Select id="type-defaultUserId" name="defaultUserId" label="or default person" items={[{ value: '', text: '—' }, ...data.users.map((u) => ({ value: String(u.id), text: u.displayName }))]} error={e('type', 'defaultUserId')} />
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Add job type</button>
      </form>

      <Table caption="Event types" head={['Code', 'Description', 'Job type']} rows={data.events.map((x) => [esc(x.code), esc(x.description), esc(x.jobTypeCode ?? '— (raises no task)')])} />
      <form method="post" action="/system-setup/task-manager/event-types" novalidate>
        <h2 class="govuk-heading-s">Add or change an event type (EML_ and the inbox, e.g. EML_ASB)</h2>
        <CsrfField token={page.csrfToken} />
        <TextInput id="event-code" name="code" label="Code" width="20" value={v('event', 'code')} error={e('event', 'code')} />
        <TextInput id="event-description" name="description" label="Description" value={v('event', 'description')} error={e('event', 'description')} />
        <Select id="event-jobTypeId" name="jobTypeId" label="Job type" items={[{ value: '', text: '— (raises no task)' }, ...data.types.map((t) => ({ value: String(t.id), text: t.code }))]} error={e('event', 'jobTypeId')} />
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Save event type</button>
      </form>
    </Layout>
  );
}

function QueryPage({ page, q, attempt, banner }: { page: PageInfo; q: EventQuery; attempt?: Attempt; banner?: string }): JSX.Element {
  const err = attempt?.errors ?? {};
  return (
    <Layout page={page}>
      <SetupNav current="task-manager" />
      <a href="/system-setup/task-manager" class="govuk-back-link">Back to Task Manager set-up</a>
      <SuccessBanner heading={banner} />
      <ErrorSummary errors={err} ids={Object.fromEntries(Object.keys(err).map((k) => [k, `query-${k}`]))} />
      <h1 class="govuk-heading-l" safe>{`Event query: ${q.name}`}</h1>
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Last run</dt><dd class="govuk-summary-list__value" id="last-run" safe>{when(q.lastRunAt)}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Result</dt><dd class="govuk-summary-list__value" id="last-result">
          {q.lastOk === null ? 'Not run yet' : q.lastOk ? <span safe>{`OK – ${q.lastRows ?? 0} rows, ${q.lastEvents ?? 0} events raised`}</span> : <><Tag text="Failed – nothing was applied" colour="red" /><p class="govuk-body govuk-!-margin-top-2" id="last-error" safe>{q.lastError ?? ''}</p></>}
        </dd></div>
      </dl>
      <form method="post" action={`/system-setup/task-manager/queries/${q.id}/run`}>
        <CsrfField token={page.csrfToken} />
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Run now</button>
      </form>
      <form method="post" action={`/system-setup/task-manager/queries/${q.id}`} novalidate>
        <CsrfField token={page.csrfToken} />
        <TextInput id="query-name" name="name" label="Name" value={attempt?.values.name ?? q.name} error={err.name} />
        <div class={['govuk-form-group', err.sqlText && 'govuk-form-group--error']}>
          <label class="govuk-label" for="query-sqlText">SQL (one read-only SELECT over exchange_emails, fwf_events, fwf_event_types; 9 columns)</label>
          {err.sqlText ? <p class="govuk-error-message" id="query-sqlText-error" safe>{err.sqlText}</p> : ''}
          <textarea class="govuk-textarea app-code" id="query-sqlText" name="sqlText" rows="16" spellcheck="false" safe>{attempt?.values.sqlText ?? q.sqlText}</textarea>
        </div>
        <TextInput id="query-fetCode" name="fetCode" label="The query's own event type" width="20" value={attempt?.values.fetCode ?? q.fetCode} error={err.fetCode} />
        <TextInput id="query-everyMinutes" name="everyMinutes" label="Run every (minutes)" width="5" value={attempt?.values.everyMinutes ?? String(q.everyMinutes)} error={err.everyMinutes} />
        <div class="govuk-checkboxes govuk-checkboxes--small govuk-!-margin-bottom-4"><div class="govuk-checkboxes__item">
          <input class="govuk-checkboxes__input" id="query-enabled" name="enabled" type="checkbox" value="true" checked={q.enabled} />
          <label class="govuk-label govuk-checkboxes__label" for="query-enabled">Enabled</label>
        </div></div>
        <button type="submit" class="govuk-button" data-module="govuk-button">Save query</button>
      </form>
    </Layout>
  );
}

const DONE: Record<string, string> = { group: 'Job group added', type: 'Job type added', event: 'Event type saved', upload: 'Workflow uploaded', saved: 'Query saved', ran: 'Query run' };

export function registerTaskManagerPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageAdmin(ctx) };
  const load = async (): Promise<Data> => {
    const [workflows, groups, types, events, queries, teams, users, sandbox] = await Promise.all([listWorkflows(ctx), listJobGroups(ctx), listJobTypes(ctx), listEventTypes(ctx), listEventQueries(ctx), listTeams(ctx), listUsers(ctx), eventQuerySandboxStatus(ctx)]);
    return { workflows, groups, types, events, queries, sandboxProblem: sandbox.ok ? undefined : sandbox.problem, teams: teams.map((t) => ({ id: t.id, code: t.code })), users: users.filter((u) => u.active).map((u) => ({ id: u.id, displayName: u.displayName })) };
  };
  const render = async (request: FastifyRequest, reply: FastifyReply, extra: { attempt?: Attempt; banner?: string; generated?: { fileName: string; text: string } } = {}, status = 200) =>
    sendPage(reply, <SetupPage page={pageInfo(ctx, request, 'Task Manager set-up', 'setup', Boolean(extra.attempt))} data={await load()} {...extra} />, status);

  app.get('/system-setup/task-manager', guard, (request, reply) => render(request, reply, { banner: DONE[str((request.query as Record<string, unknown>).done)] }));

  const post = (path: string, form: string, run: (b: Record<string, unknown>, request: FastifyRequest) => Promise<unknown>) =>
    app.post(`/system-setup/task-manager/${path}`, guard, async (request, reply) => {
      const b = (request.body ?? {}) as Record<string, unknown>;
      try {
        await run(b, request);
      } catch (err) {
        if (!(err instanceof AppError) || (err.code !== 'validation' && err.code !== 'conflict')) throw err;
        const values = Object.fromEntries(Object.entries(b).filter(([k, x]) => typeof x === 'string' && k !== '_csrf')) as Record<string, string>;
        const errors = fieldErrors(err.fields.length ? err.fields : [{ field: 'code', message: err.message }]);
        return render(request, reply, { attempt: { form, values, errors } }, err.code === 'conflict' ? 409 : 422);
      }
      return reply.redirect(`/system-setup/task-manager?done=${form}`, 303);
    });

  post('job-groups', 'group', (b, r) => createJobGroup(ctx, r.principal!, { code: str(b.code), name: str(b.name), restricted: str(b.restricted) === 'true', teamIds: list(b.teamIds) }));
  post('job-types', 'type', (b, r) => createJobType(ctx, r.principal!, { code: str(b.code), name: str(b.name), jobGroupId: num(b.jobGroupId), workflowCode: str(b.workflowCode) || null, defaultTeamId: num(b.defaultTeamId), defaultUserId: num(b.defaultUserId) }));
  post('event-types', 'event', (b, r) => saveEventType(ctx, r.principal!, { code: str(b.code), description: str(b.description), jobTypeId: num(b.jobTypeId) }));
  post('workflows', 'upload', (b, r) => uploadWorkflow(ctx, r.principal!, str(b.text)));

  app.post('/system-setup/task-manager/workflows/generate', guard, async (request, reply) => {
    const b = (request.body ?? {}) as Record<string, unknown>;
    try {
      const g = await generateWorkflow(str(b.code), str(b.name));
      return reply
        .type('text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${g.fileName}"`)
        .header('cache-control', 'no-store')
        .send(g.text);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      return render(request, reply, { attempt: { form: 'generate', values: { code: str(b.code), name: str(b.name) }, errors: fieldErrors(err.fields) } }, 422);
    }
  });

  const queryId = (raw: string) => (/^\d{1,9}$/.test(raw) ? Number(raw) : -1);
  const renderQuery = async (request: FastifyRequest, reply: FastifyReply, id: number, extra: { attempt?: Attempt; banner?: string } = {}, status = 200) =>
    sendPage(reply, <QueryPage page={pageInfo(ctx, request, 'Event query', 'setup', Boolean(extra.attempt))} q={await getEventQuery(ctx, id)} {...extra} />, status);

  app.get<{ Params: { id: string } }>('/system-setup/task-manager/queries/:id', guard, (request, reply) =>
    renderQuery(request, reply, queryId(request.params.id), { banner: DONE[str((request.query as Record<string, unknown>).done)] }),
  );
  app.post<{ Params: { id: string } }>('/system-setup/task-manager/queries/:id', guard, async (request, reply) => {
    const id = queryId(request.params.id);
    const b = (request.body ?? {}) as Record<string, unknown>;
    try {
      await updateEventQuery(ctx, request.principal!, id, { name: str(b.name), sqlText: str(b.sqlText), fetCode: str(b.fetCode) || undefined, enabled: str(b.enabled) === 'true', everyMinutes: str(b.everyMinutes) as unknown as number });
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'validation' && err.code !== 'conflict')) throw err;
      const values = { name: str(b.name), sqlText: str(b.sqlText), fetCode: str(b.fetCode), everyMinutes: str(b.everyMinutes) };
      return renderQuery(request, reply, id, { attempt: { form: 'query', values, errors: fieldErrors(err.fields.length ? err.fields : [{ field: 'name', message: err.message }]) } }, 422);
    }
    return reply.redirect(`/system-setup/task-manager/queries/${id}?done=saved`, 303);
  });
  app.post<{ Params: { id: string } }>('/system-setup/task-manager/queries/:id/run', guard, async (request, reply) => {
    const id = queryId(request.params.id);
    await runEventQuery(ctx, id, request.principal!);
    return reply.redirect(`/system-setup/task-manager/queries/${id}?done=ran`, 303);
  });
}
