import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { requirePageUser } from '../auth.ts';
import { Tag } from './components.tsx';
import { Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';

type Doc = Record<string, unknown>;
type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: Array<{ name: string; in: string; required: boolean; description?: string }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string }>;
  'x-required-role': string;
};

const METHOD_COLOUR: Record<string, 'green' | 'blue' | 'yellow' | 'red' | 'grey'> = { get: 'green', post: 'blue', put: 'yellow', patch: 'yellow', delete: 'red' };

/** OpenAPI descriptions are CommonMark; the only markup used here is `code`. */
function Described({ text }: { text: string }): JSX.Element {
  return (
    <p class="govuk-body">
      {text.split('`').map((part, i) => (i % 2 === 1 ? <code class="app-code" safe>{part}</code> : <span safe>{part}</span>))}
    </p>
  );
}

function OperationCard({ method, path, op }: { method: string; path: string; op: Operation }): JSX.Element {
  const body = op.requestBody?.content['application/json']?.schema;
  return (
    <div class="govuk-summary-card" id={op.operationId}>
      <div class="govuk-summary-card__title-wrapper">
        <h3 class="govuk-summary-card__title">
          <Tag text={method.toUpperCase()} colour={METHOD_COLOUR[method]} /> <code class="app-code" safe>{path}</code>
        </h3>
      </div>
      <div class="govuk-summary-card__content">
        <p class="govuk-body" safe>{op.summary}</p>
        {op.description ? <Described text={op.description} /> : ''}
        <dl class="govuk-summary-list">
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">Role</dt>
            <dd class="govuk-summary-list__value" safe>{op['x-required-role']}</dd>
          </div>
          {op.parameters && op.parameters.length > 0 ? (
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">Parameters</dt>
              <dd class="govuk-summary-list__value">
                <ul class="govuk-list">
                  {op.parameters.map((p) => (
                    <li safe>{`${p.name} (${p.in}${p.required ? ', required' : ''})${p.description ? ` – ${p.description}` : ''}`}</li>
                  ))}
                </ul>
              </dd>
            </div>
          ) : ''}
          {body ? (
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">Request body</dt>
              <dd class="govuk-summary-list__value">
                <pre class="app-code-block" tabindex="0" safe>{JSON.stringify(body, null, 2)}</pre>
              </dd>
            </div>
          ) : ''}
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">Responses</dt>
            <dd class="govuk-summary-list__value">
              <ul class="govuk-list">
                {Object.entries(op.responses).map(([status, r]) => (
                  <li safe>{`${status}: ${r.description}`}</li>
                ))}
              </ul>
            </dd>
          </div>
        </dl>
      </div>
    </div>
  );
}

function DocsPage({ page, doc }: { page: PageInfo; doc: Doc }): JSX.Element {
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const ops = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const tags = [...new Set(ops.map((o) => o.op.tags[0]))];
  const info = doc.info as { title: string; version: string; description: string };
  return (
    <Layout page={page}>
      <h1 class="govuk-heading-l" safe>{info.title}</h1>
      <Described text={info.description} />
      <p class="govuk-body">
        The machine-readable OpenAPI 3.1 document is at{' '}
        <a class="govuk-link" href="/openapi.json">/openapi.json</a>.
      </p>
      {tags.map((tag) => (
        <>
          <h2 class="govuk-heading-m" safe>{tag}</h2>
          {ops.filter((o) => o.op.tags[0] === tag).map((o) => (
            <OperationCard method={o.method} path={o.path} op={o.op} />
          ))}
        </>
      ))}
    </Layout>
  );
}

export function registerDocsPages(app: FastifyInstance, ctx: AppContext, openApi: () => Doc): void {
  // The document describes the API, not its data, so API clients and tools may fetch it unauthenticated.
  app.get('/openapi.json', async () => openApi());
  app.get('/docs', { preHandler: requirePageUser() }, async (request, reply) =>
    sendPage(reply, <DocsPage page={pageInfo(ctx, request, 'API documentation', null)} doc={openApi()} />),
  );
}
