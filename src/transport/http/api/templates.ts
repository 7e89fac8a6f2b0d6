import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../app/context.ts';
import { deleteTemplate, getTemplate, listTemplates, MERGE_FIELDS, previewTemplate, saveTemplate, type EmailTemplate } from '../../../app/email/templates.ts';
import type { ApiCatalogue } from './define.ts';

const Template = z
  .object({
    code: z.string(),
    description: z.string(),
    subject: z.string().describe('Liquid'),
    html: z.string().describe('Liquid; merge fields are HTML-escaped'),
    text: z.string().describe('Liquid'),
    shipped: z.boolean().describe('Shipped with housing365 (DELETE resets it instead of removing it)'),
    customised: z.boolean(),
    updatedAt: z.iso.datetime().nullable(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: 'EmailTemplate' });

const TemplateBody = z
  .object({ description: z.string().min(1).max(200), subject: z.string().max(998), html: z.string().max(1_000_000).default(''), text: z.string().max(1_000_000).default('') })
  .strict()
  .meta({ id: 'EmailTemplateBody' });
const Rendered = z.object({ subject: z.string(), html: z.string(), text: z.string() }).meta({ id: 'RenderedEmail' });
const CodeParam = z.object({ code: z.string().min(1).max(40) });

const toTemplate = (t: EmailTemplate): z.input<typeof Template> => ({
  code: t.code,
  description: t.description,
  subject: t.subject,
  html: t.html,
  text: t.text,
  shipped: t.shipped,
  customised: t.customised,
  updatedAt: t.updatedAt?.toISOString() ?? null,
  updatedBy: t.updatedBy ?? null,
});

export function registerTemplateApi(app: FastifyInstance, ctx: AppContext, api: ApiCatalogue): void {
  const tag = 'Email templates';
  api.add(app, { method: 'GET', path: '/templates', operationId: 'listTemplates', summary: 'Email templates', tag, role: 'officer', status: 200, response: z.array(Template), handler: async () => (await listTemplates(ctx)).map(toTemplate) });
  api.add(app, {
    method: 'GET',
    path: '/templates/merge-fields',
    operationId: 'listMergeFields',
    summary: 'The merge fields templates may use, with sample values',
    tag,
    role: 'officer',
    status: 200,
    response: z.array(z.object({ path: z.string(), description: z.string(), sample: z.string() })),
    handler: async () => MERGE_FIELDS.map((f) => ({ ...f })),
  });
  api.add(app, { method: 'GET', path: '/templates/{code}', operationId: 'getTemplate', summary: 'One email template', tag, role: 'officer', params: CodeParam, status: 200, response: Template, handler: async ({ params }) => toTemplate(await getTemplate(ctx, params.code)) });
  api.add(app, {
    method: 'PUT',
    path: '/templates/{code}',
    operationId: 'saveTemplate',
    summary: 'Create or replace an email template',
    description: 'Liquid errors come back as 422 with the field (subject, html, text) and the line and column at fault.',
    tag,
    role: 'admin',
    params: CodeParam,
    body: TemplateBody,
    status: 200,
    response: Template,
    handler: async ({ params, body, principal }) => toTemplate(await saveTemplate(ctx, principal, { ...body, code: params.code })),
  });
  api.add(app, {
    method: 'DELETE',
    path: '/templates/{code}',
    operationId: 'deleteTemplate',
    summary: 'Delete a template, or reset a shipped one to its original text',
    tag,
    role: 'admin',
    params: CodeParam,
    status: 204,
    response: null,
    handler: async ({ params, principal }) => {
      await deleteTemplate(ctx, principal, params.code);
    },
  });
  api.add(app, {
    method: 'POST',
    path: '/templates/{code}/preview',
    operationId: 'previewTemplate',
    summary: 'Render a template with your data, or with the sample data when none is given',
    tag,
    role: 'officer',
    params: CodeParam,
    body: z.object({ data: z.record(z.string(), z.unknown()).optional() }).strict().optional(),
    status: 200,
    response: Rendered,
    handler: async ({ params, body }) => previewTemplate(ctx, params.code, body?.data),
  });
}
