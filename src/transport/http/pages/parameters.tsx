import { escapeHtml } from '@kitajs/html';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { getParameter, listParameters, setParameter, type ParameterView } from '../../../app/parameters.ts';
import { AppError } from '../../../errors.ts';
import { CsrfField, Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';
import { ErrorSummary, Radios, SuccessBanner, Tag, TextInput } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';
import { SetupNav } from './setup.tsx';

const shown = (v: string | null) => (v === null || v === '' ? 'Not set' : v);

/** Long names like APPT_OUTLOOK365_CANCEL_RSN may wrap after an underscore, never mid-word. */
function BreakableName({ name }: { name: string }): JSX.Element {
  return name
    .split('_')
    .map((part) => escapeHtml(part))
    .join('_<wbr>');
}

function ParametersPage({ page, views, saved }: { page: PageInfo; views: ParameterView[]; saved?: string }): JSX.Element {
  return (
    <Layout page={page}>
      <SetupNav current="parameters" />
      <SuccessBanner heading={saved ? `${saved} saved` : undefined} />
      <h1 class="govuk-heading-l">System parameters</h1>
      <p class="govuk-body">The parameters of the Outlook 365 integration, as the integration guide names them.</p>
      <div class="app-table-scroll" role="region" aria-label="System parameters" tabindex="0">
      <table class="govuk-table govuk-table--small-text-until-tablet">
        <caption class="govuk-table__caption govuk-visually-hidden">All system parameters</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">Name</th>
            <th scope="col" class="govuk-table__header">Description</th>
            <th scope="col" class="govuk-table__header">Value</th>
            <th scope="col" class="govuk-table__header">Hint</th>
            <th scope="col" class="govuk-table__header">Required</th>
            <th scope="col" class="govuk-table__header">
              <span class="govuk-visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {views.map((v) => (
            <tr class="govuk-table__row" id={`param-${v.definition.name}`}>
              <th scope="row" class="govuk-table__header">
                <BreakableName name={v.definition.name} />
              </th>
              <td class="govuk-table__cell" safe>
                {v.definition.description}
              </td>
              <td class="govuk-table__cell app-break-word">
                <span safe>{shown(v.value)}</span>
                {v.value === null && v.effective !== null ? (
                  <div class="govuk-hint govuk-!-margin-bottom-0" safe>{`(default ${v.effective})`}</div>
                ) : (
                  ''
                )}
              </td>
              <td class="govuk-table__cell" safe>
                {v.definition.hint}
              </td>
              <td class="govuk-table__cell">{v.definition.required ? <Tag text="Required" colour="blue" /> : 'No'}</td>
              <td class="govuk-table__cell">
                <a class="govuk-link" href={`/system-setup/parameters/${v.definition.name}`}>
                  Change<span class="govuk-visually-hidden" safe>{` ${v.definition.name}`}</span>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </Layout>
  );
}

function EditParameterPage({ page, view, value, error }: { page: PageInfo; view: ParameterView; value: string | null; error?: string }): JSX.Element {
  const d = view.definition;
  const caption = `${d.description} (${d.datatypeLabel}${d.required ? ', required' : ''})`;
  return (
    <Layout page={page}>
      <a class="govuk-back-link" href="/system-setup/parameters">
        Back to system parameters
      </a>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={error ? { value: error } : {}} />
          <span class="govuk-caption-l" safe>
            {caption}
          </span>
          <form method="post" action={`/system-setup/parameters/${d.name}`} novalidate>
            <CsrfField token={page.csrfToken} />
            {d.datatype === 'YesNo' ? (
              <Radios id="value" name="value" legend={d.name} legendIsHeading hint={d.hint} error={error} value={value} inline items={[{ value: 'Y', text: 'Yes (Y)' }, { value: 'N', text: 'No (N)' }]} />
            ) : (
              <TextInput id="value" name="value" label={d.name} labelIsHeading hint={d.hint} error={error} value={value} spellcheck={false} width={d.datatype === 'Numeric' ? '5' : undefined} />
            )}
            {d.defaultValue !== null ? <p class="govuk-body" safe>{`Default when not set: ${d.defaultValue}`}</p> : ''}
            <div class="govuk-button-group">
              <button type="submit" class="govuk-button" data-module="govuk-button">
                Save
              </button>
              <a class="govuk-link" href="/system-setup/parameters">
                Cancel
              </a>
            </div>
          </form>
        </div>
      </div>
    </Layout>
  );
}

export function registerParameterPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageAdmin(ctx) };

  app.get('/system-setup/parameters', guard, async (request, reply) => {
    const saved = (request.query as Record<string, unknown>).saved;
    const views = await listParameters(ctx);
    const savedName = views.find((v) => v.definition.name === saved)?.definition.name;
    return sendPage(reply, <ParametersPage page={pageInfo(ctx, request, 'System parameters', 'setup')} views={views} saved={savedName} />);
  });

  app.get<{ Params: { name: string } }>('/system-setup/parameters/:name', guard, async (request, reply) => {
    const view = await getParameter(ctx, request.params.name);
    return sendPage(reply, <EditParameterPage page={pageInfo(ctx, request, `Change ${view.definition.name}`, 'setup')} view={view} value={view.value} />);
  });

  app.post<{ Params: { name: string } }>('/system-setup/parameters/:name', guard, async (request, reply) => {
    const view = await getParameter(ctx, request.params.name);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const submitted = typeof body.value === 'string' ? body.value : null;
    const renderError = (message: string) =>
      sendPage(reply, <EditParameterPage page={pageInfo(ctx, request, `Change ${view.definition.name}`, 'setup', true)} view={view} value={submitted} error={message} />, 422);
    if (view.definition.datatype === 'YesNo' && submitted === null) return renderError(`Select Yes or No for ${view.definition.name}`);
    try {
      // An emptied box clears the parameter; the use case decides whether that is allowed.
      await setParameter(ctx, request.principal!, view.definition.name, submitted === null || submitted.trim() === '' ? null : submitted);
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation') return renderError(err.fields[0]?.message ?? err.message);
      throw err;
    }
    return reply.redirect(`/system-setup/parameters?saved=${encodeURIComponent(view.definition.name)}`, 303);
  });
}
