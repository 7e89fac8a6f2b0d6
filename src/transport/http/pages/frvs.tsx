import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { addFrv, listFrvs, updateFrv, type FrvView } from '../../../app/frvs.ts';
import { FRV_DOMAINS, type FrvDomain } from '../../../domain/frv/frv.ts';
import { AppError } from '../../../errors.ts';
import { CsrfField, Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';
import { ErrorSummary, SuccessBanner, Tag, TextInput, fieldErrors, type FieldErrors } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';
import { SetupNav } from './setup.tsx';


interface AddAttempt {
  domain: string;
  code: string;
  description: string;
  errors: FieldErrors;
}

function DomainSection({ page, info, values, attempt }: { page: PageInfo; info: FrvDomain; values: FrvView[]; attempt?: AddAttempt }): JSX.Element {
  const d = info.domain;
  const mine = attempt?.domain === d ? attempt : undefined;
  return (
    <section class="govuk-!-margin-bottom-9" aria-labelledby={`${d}-heading`}>
      <h2 class="govuk-heading-m" id={`${d}-heading`} safe>
        {`${info.label} (${d})`}
      </h2>
      <p class="govuk-body" safe>{`${d} – ${info.description}`}</p>
      {values.length === 0 ? (
        <p class="govuk-body">There are no values yet.</p>
      ) : (
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-visually-hidden" safe>{`Values of ${d}`}</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">Code</th>
              <th scope="col" class="govuk-table__header">Description</th>
              <th scope="col" class="govuk-table__header">Status</th>
              <th scope="col" class="govuk-table__header">
                <span class="govuk-visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {values.map((v) => (
              <tr class="govuk-table__row">
                <th scope="row" class="govuk-table__header" safe>
                  {v.code}
                </th>
                <td class="govuk-table__cell" safe>
                  {v.description}
                </td>
                <td class="govuk-table__cell">{v.active ? <Tag text="Active" colour="green" /> : <Tag text="Inactive" colour="grey" />}</td>
                <td class="govuk-table__cell">
                  <a class="govuk-link govuk-!-margin-right-3" href={`/system-setup/frvs/${d}/${encodeURIComponent(v.code)}`}>
                    Edit<span class="govuk-visually-hidden" safe>{` ${d} ${v.code}`}</span>
                  </a>
                  <form method="post" action={`/system-setup/frvs/${d}/${encodeURIComponent(v.code)}/active`} class="app-inline-form">
                    <CsrfField token={page.csrfToken} />
                    <input type="hidden" name="active" value={v.active ? 'false' : 'true'} />
                    <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">
                      {v.active ? 'Deactivate' : 'Reactivate'}
                      <span class="govuk-visually-hidden" safe>{` ${d} ${v.code}`}</span>
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form method="post" action={`/system-setup/frvs/${d}`} novalidate>
        <CsrfField token={page.csrfToken} />
        <fieldset class="govuk-fieldset">
          <legend class="govuk-fieldset__legend govuk-fieldset__legend--s" safe>{`Add a value to ${d}`}</legend>
          <TextInput id={`${d}-code`} name="code" label="Code" hint={info.codeHint} value={mine?.code} error={mine?.errors.code} width="20" spellcheck={false} />
          <TextInput id={`${d}-description`} name="description" label="Description" value={mine?.description} error={mine?.errors.description} />
          <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">
            Add<span class="govuk-visually-hidden" safe>{` a value to ${d}`}</span>
          </button>
        </fieldset>
      </form>
    </section>
  );
}

function FrvsPage({ page, values, attempt, saved }: { page: PageInfo; values: FrvView[]; attempt?: AddAttempt; saved?: string }): JSX.Element {
  const ids = attempt ? { code: `${attempt.domain}-code`, description: `${attempt.domain}-description` } : undefined;
  return (
    <Layout page={page}>
      <SetupNav current="frvs" />
      <SuccessBanner heading={saved} />
      <ErrorSummary errors={attempt?.errors ?? {}} ids={ids} />
      <h1 class="govuk-heading-l">First reference values</h1>
      {FRV_DOMAINS.map((info) => (
        <DomainSection page={page} info={info} values={values.filter((v) => v.domain === info.domain)} attempt={attempt} />
      ))}
    </Layout>
  );
}

function EditFrvPage({ page, frv, description, error }: { page: PageInfo; frv: FrvView; description: string; error?: string }): JSX.Element {
  return (
    <Layout page={page}>
      <a class="govuk-back-link" href="/system-setup/frvs">
        Back to first reference values
      </a>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={error ? { description: error } : {}} />
          <span class="govuk-caption-l" safe>{frv.domain}</span>
          <h1 class="govuk-heading-l" safe>{`Edit ${frv.code}`}</h1>
          <form method="post" action={`/system-setup/frvs/${frv.domain}/${encodeURIComponent(frv.code)}`} novalidate>
            <CsrfField token={page.csrfToken} />
            <TextInput id="description" name="description" label="Description" value={description} error={error} />
            <button type="submit" class="govuk-button" data-module="govuk-button">
              Save
            </button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

const DONE = ['added', 'saved', 'deactivated', 'reactivated'] as const;
const doneUrl = (done: (typeof DONE)[number], frv: FrvView) =>
  `/system-setup/frvs?done=${done}&domain=${encodeURIComponent(frv.domain)}&code=${encodeURIComponent(frv.code)}`;

const str = (body: unknown, key: string) => {
  const v = (body as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' ? v : '';
};

export function registerFrvPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageAdmin(ctx) };
  const list = async (request: FastifyRequest, reply: FastifyReply, attempt?: AddAttempt, status = 200) => {
    // The banner is rebuilt from known values, never echoed from the query string (no content spoofing).
    const q = request.query as Record<string, unknown>;
    const values = await listFrvs(ctx);
    const done = DONE.find((d) => d === q.done);
    const frv = values.find((v) => v.domain === q.domain && v.code === q.code);
    const saved = done && frv ? `${frv.domain} ${frv.code} ${done}` : undefined;
    const page = pageInfo(ctx, request, 'First reference values', 'setup', Boolean(attempt));
    return sendPage(reply, <FrvsPage page={page} values={values} attempt={attempt} saved={saved} />, status);
  };
  const findFrv = async (domain: string, code: string) => {
    const frv = (await listFrvs(ctx, domain)).find((v) => v.code === code.toUpperCase());
    if (!frv) throw new AppError('not_found', `${domain} has no value ${code}`);
    return frv;
  };

  app.get('/system-setup/frvs', guard, (request, reply) => list(request, reply));

  app.post<{ Params: { domain: string } }>('/system-setup/frvs/:domain', guard, async (request, reply) => {
    const input = { domain: request.params.domain, code: str(request.body, 'code'), description: str(request.body, 'description') };
    try {
      const frv = await addFrv(ctx, request.principal!, input);
      return reply.redirect(doneUrl('added', frv), 303);
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'validation' && err.code !== 'conflict')) throw err;
      const errors = fieldErrors(err.fields.length > 0 ? err.fields : [{ field: 'code', message: err.message }]);
      return list(request, reply, { ...input, domain: input.domain.toUpperCase(), errors }, err.code === 'conflict' ? 409 : 422);
    }
  });

  app.get<{ Params: { domain: string; code: string } }>('/system-setup/frvs/:domain/:code', guard, async (request, reply) => {
    const frv = await findFrv(request.params.domain, request.params.code);
    return sendPage(reply, <EditFrvPage page={pageInfo(ctx, request, `Edit ${frv.code}`, 'setup')} frv={frv} description={frv.description} />);
  });

  app.post<{ Params: { domain: string; code: string } }>('/system-setup/frvs/:domain/:code', guard, async (request, reply) => {
    const frv = await findFrv(request.params.domain, request.params.code);
    const description = str(request.body, 'description');
    try {
      await updateFrv(ctx, request.principal!, frv.domain, frv.code, { description });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      const page = pageInfo(ctx, request, `Edit ${frv.code}`, 'setup', true);
      return sendPage(reply, <EditFrvPage page={page} frv={frv} description={description} error={err.fields[0]?.message ?? err.message} />, 422);
    }
    return reply.redirect(doneUrl('saved', frv), 303);
  });

  app.post<{ Params: { domain: string; code: string } }>('/system-setup/frvs/:domain/:code/active', guard, async (request, reply) => {
    const active = str(request.body, 'active') === 'true';
    const frv = await updateFrv(ctx, request.principal!, request.params.domain, request.params.code, { active });
    return reply.redirect(doneUrl(active ? 'reactivated' : 'deactivated', frv), 303);
  });
}
