import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { deleteTemplate, getTemplate, listTemplates, MERGE_FIELDS, previewTemplate, saveTemplate, type EmailTemplate } from '../../../app/email/templates.ts';
import type { RenderedEmail } from '../../../domain/templates/render.ts';
import { AppError } from '../../../errors.ts';
import { ErrorSummary, SuccessBanner, Tag, TextInput, fieldErrors, type FieldErrors } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';
import { CsrfField, Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';
import { SetupNav } from './setup.tsx';

const BASE = '/system-setup/email-templates';

function TemplateList({ page, templates, done }: { page: PageInfo; templates: EmailTemplate[]; done?: string }): JSX.Element {
  return (
    <Layout page={page}>
      <SetupNav current="email-templates" />
      <SuccessBanner heading={done} />
      <h1 class="govuk-heading-l">Email templates</h1>
      <p class="govuk-body">Outbound email is written from these templates (the guide's "standard DTI templates"). They use Liquid: merge fields like {'{{ tenant.name }}'}, and simple {'{% if %}'} blocks.</p>
      <a class="govuk-button govuk-button--secondary" href={`${BASE}/new`}>
        Create a template
      </a>
      <table class="govuk-table">
        <caption class="govuk-table__caption govuk-visually-hidden">Email templates</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">Code</th>
            <th scope="col" class="govuk-table__header">Description</th>
            <th scope="col" class="govuk-table__header">Origin</th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {templates.map((t) => (
            <tr class="govuk-table__row">
              <th scope="row" class="govuk-table__header">
                <a class="govuk-link" href={`${BASE}/${t.code}`} safe>
                  {t.code}
                </a>
              </th>
              <td class="govuk-table__cell" safe>{t.description}</td>
              <td class="govuk-table__cell">{t.shipped ? t.customised ? <Tag text="Shipped, changed" colour="yellow" /> : <Tag text="Shipped" colour="grey" /> : <Tag text="Your own" colour="blue" />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

function TextArea({ id, label, value, error, rows, hint }: { id: string; label: string; value: string; error?: string; rows: number; hint?: string }): JSX.Element {
  return (
    <div class={['govuk-form-group', error && 'govuk-form-group--error']}>
      <label class="govuk-label govuk-label--s" for={id} safe>{label}</label>
      {hint ? <div id={`${id}-hint`} class="govuk-hint" safe>{hint}</div> : ''}
      {error ? (
        <p id={`${id}-error`} class="govuk-error-message">
          <span class="govuk-visually-hidden">Error:</span> <span safe>{error}</span>
        </p>
      ) : (
        ''
      )}
      <textarea class={['govuk-textarea', 'app-code', error && 'govuk-textarea--error']} id={id} name={id} rows={String(rows)} spellcheck="false" aria-describedby={[hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined} safe>
        {value}
      </textarea>
    </div>
  );
}

interface Draft {
  code: string;
  description: string;
  subject: string;
  html: string;
  text: string;
}

function EditTemplate({ page, isNew, draft, errors, preview, shipped }: { page: PageInfo; isNew: boolean; draft: Draft; errors: FieldErrors; preview?: RenderedEmail; shipped?: boolean }): JSX.Element {
  const action = isNew ? BASE : `${BASE}/${draft.code}`;
  return (
    <Layout page={page}>
      <a class="govuk-back-link" href={BASE}>
        Back to email templates
      </a>
      <ErrorSummary errors={errors} />
      <span class="govuk-caption-l">Email templates</span>
      <h1 class="govuk-heading-l" safe>{isNew ? 'Create a template' : `Edit ${draft.code}`}</h1>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <form method="post" action={action} novalidate>
            <CsrfField token={page.csrfToken} />
            {isNew ? <TextInput id="code" name="code" label="Code" hint="Upper-case letters, digits and _, e.g. REPAIR_DONE" value={draft.code} error={errors.code} width="20" spellcheck={false} /> : <input type="hidden" name="code" value={draft.code} />}
            <TextInput id="description" name="description" label="Description" value={draft.description} error={errors.description} />
            <TextInput id="subject" name="subject" label="Subject" value={draft.subject} error={errors.subject} spellcheck={false} />
            <TextArea id="html" label="HTML body" hint="Merge fields are HTML-escaped here." value={draft.html} error={errors.html} rows={14} />
            <TextArea id="text" label="Plain-text body" value={draft.text} error={errors.text} rows={12} />
            <div class="govuk-button-group">
              <button type="submit" name="action" value="save" class="govuk-button" data-module="govuk-button">
                Save
              </button>
              <button type="submit" name="action" value="preview" class="govuk-button govuk-button--secondary" data-module="govuk-button">
                Preview with sample data
              </button>
            </div>
          </form>
          {!isNew ? (
            <form method="post" action={`${action}/delete`}>
              <CsrfField token={page.csrfToken} />
              <button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button">
                {shipped ? 'Reset to the shipped text' : 'Delete this template'}
              </button>
            </form>
          ) : (
            ''
          )}
          {preview ? (
            <section aria-labelledby="preview-heading">
              <h2 class="govuk-heading-m" id="preview-heading">Preview</h2>
              <p class="govuk-body">
                <strong>Subject:</strong> <span safe>{preview.subject}</span>
              </p>
              <h3 class="govuk-heading-s">Plain text</h3>
              <pre class="app-email-text govuk-body" safe>{preview.text}</pre>
              <details class="govuk-details">
                <summary class="govuk-details__summary">
                  <span class="govuk-details__summary-text">HTML source</span>
                </summary>
                <div class="govuk-details__text">
                  <pre class="app-email-text" safe>{preview.html}</pre>
                </div>
              </details>
            </section>
          ) : (
            ''
          )}
        </div>
        <div class="govuk-grid-column-one-third">
          <h2 class="govuk-heading-s">Merge fields</h2>
          <dl class="govuk-summary-list govuk-summary-list--no-border app-merge-fields">
            {MERGE_FIELDS.map((f) => (
              <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">
                  <code safe>{`{{ ${f.path} }}`}</code>
                </dt>
                <dd class="govuk-summary-list__value" safe>{`${f.description} (e.g. ${f.sample})`}</dd>
              </div>
            ))}
          </dl>
        </div>
      </div>
    </Layout>
  );
}

const str = (body: unknown, key: string) => {
  const v = (body as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' ? v.replace(/\r\n/g, '\n') : '';
};
const draftOf = (body: unknown, code?: string): Draft => ({ code: code ?? str(body, 'code').trim().toUpperCase(), description: str(body, 'description'), subject: str(body, 'subject'), html: str(body, 'html'), text: str(body, 'text') });

export function registerTemplatePages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageAdmin(ctx) };
  app.get(BASE, guard, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const templates = await listTemplates(ctx);
    const t = templates.find((x) => x.code === q.code);
    const done = t && q.done === 'saved' ? `${t.code} saved` : t && q.done === 'reset' ? `${t.code} reset to the shipped text` : q.done === 'deleted' ? 'Template deleted' : undefined;
    return sendPage(reply, <TemplateList page={pageInfo(ctx, request, 'Email templates', 'setup')} templates={templates} done={done} />);
  });
  app.get(`${BASE}/new`, guard, async (request, reply) =>
    sendPage(reply, <EditTemplate page={pageInfo(ctx, request, 'Create a template', 'setup')} isNew draft={{ code: '', description: '', subject: '', html: '', text: '' }} errors={{}} />),
  );
  app.get<{ Params: { code: string } }>(`${BASE}/:code`, guard, async (request, reply) => {
    const t = await getTemplate(ctx, request.params.code);
    return sendPage(reply, <EditTemplate page={pageInfo(ctx, request, `Edit ${t.code}`, 'setup')} isNew={false} draft={t} errors={{}} shipped={t.shipped} />);
  });

  const submit = async (request: FastifyRequest, reply: FastifyReply, isNew: boolean, code?: string) => {
    const draft = draftOf(request.body, code);
    const title = isNew ? 'Create a template' : `Edit ${draft.code}`;
    const shipped = !isNew && (await getTemplate(ctx, draft.code)).shipped;
    try {
      if (str(request.body, 'action') === 'preview') {
        const preview = await previewTemplate(ctx, draft);
        return sendPage(reply, <EditTemplate page={pageInfo(ctx, request, title, 'setup')} isNew={isNew} draft={draft} errors={{}} preview={preview} shipped={shipped} />);
      }
      const saved = await saveTemplate(ctx, request.principal!, draft, { create: isNew });
      return reply.redirect(`${BASE}?done=saved&code=${encodeURIComponent(saved.code)}`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'validation' && err.code !== 'conflict')) throw err;
      const errors = fieldErrors(err.fields.length ? err.fields : [{ field: 'code', message: err.message }]);
      return sendPage(reply, <EditTemplate page={pageInfo(ctx, request, title, 'setup', true)} isNew={isNew} draft={draft} errors={errors} shipped={shipped} />, 422);
    }
  };
  app.post(BASE, guard, (request, reply) => submit(request, reply, true));
  app.post<{ Params: { code: string } }>(`${BASE}/:code`, guard, (request, reply) => submit(request, reply, false, request.params.code.toUpperCase()));
  app.post<{ Params: { code: string } }>(`${BASE}/:code/delete`, guard, async (request, reply) => {
    const r = await deleteTemplate(ctx, request.principal!, request.params.code);
    return reply.redirect(r.reset ? `${BASE}?done=reset&code=${encodeURIComponent(request.params.code.toUpperCase())}` : `${BASE}?done=deleted`, 303);
  });
}
