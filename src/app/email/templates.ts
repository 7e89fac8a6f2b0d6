/**
 * Email templates: the shipped defaults (used as they are until edited), admins' own, validation
 * that names the line at fault, and preview with the documented sample data.
 */
import { z } from 'zod';
import { deleteTemplateRow, selectTemplate, selectTemplates, upsertTemplate } from '../../adapters/db/email-templates.ts';
import type { Db } from '../../adapters/db/database.ts';
import { SHIPPED_TEMPLATES, shippedTemplate } from '../../domain/templates/defaults.ts';
import { MERGE_FIELDS } from '../../domain/templates/merge-fields.ts';
import { describeProblem, previewTemplate as renderPreview, renderTemplate, TemplateRenderError, validateTemplate, type RenderedEmail } from '../../domain/templates/render.ts';
import { AppError } from '../../errors.ts';
import type { Actor, AppContext } from '../context.ts';
import { parseOrThrow } from '../validation.ts';
import { recordAudit } from '../audit.ts';

export interface EmailTemplate {
  code: string;
  description: string;
  subject: string;
  html: string;
  text: string;
  /** Shipped with housing365 (can be reset, not deleted). */
  shipped: boolean;
  /** A shipped template an admin has changed. */
  customised: boolean;
  updatedAt?: Date;
  updatedBy?: string | null;
}

export const TemplateInput = z.object({
  code: z.string().trim().toUpperCase().regex(/^[A-Z0-9_]{1,40}$/, '1 to 40 upper-case letters, digits or _'),
  description: z.string().trim().min(1, 'a description is needed').max(200),
  subject: z.string().max(998),
  html: z.string().max(1_000_000).default(''),
  text: z.string().max(1_000_000).default(''),
});
export type TemplateInput = z.input<typeof TemplateInput>;

export { MERGE_FIELDS };

export async function listTemplates(ctx: AppContext): Promise<EmailTemplate[]> {
  const stored = await selectTemplates(ctx.db);
  const byCode = new Map(stored.map((t) => [t.code, t]));
  const out: EmailTemplate[] = SHIPPED_TEMPLATES.map((s) => {
    const t = byCode.get(s.code);
    return t ? { ...t, shipped: true, customised: true } : { ...s, shipped: true, customised: false };
  });
  for (const t of stored) if (!shippedTemplate(t.code)) out.push({ ...t, shipped: false, customised: false });
  return out.sort((a, b) => a.code.localeCompare(b.code));
}

/** The template as it will be used (the stored one, or the shipped default). Works inside a transaction. */
export async function findTemplate(db: Db, code: string): Promise<EmailTemplate | undefined> {
  const key = code.trim().toUpperCase();
  const t = await selectTemplate(db, key);
  const s = shippedTemplate(key);
  if (t) return { ...t, shipped: !!s, customised: !!s };
  return s ? { ...s, shipped: true, customised: false } : undefined;
}

export async function getTemplate(ctx: AppContext, code: string): Promise<EmailTemplate> {
  const t = await findTemplate(ctx.db, code);
  if (!t) throw new AppError('not_found', `There is no email template ${code}`, [{ field: 'code', message: `unknown template ${code}` }]);
  return t;
}

async function checked(input: TemplateInput) {
  const t = parseOrThrow(TemplateInput, input);
  const problems = await validateTemplate(t);
  if (problems.length) {
    throw new AppError(
      'validation',
      problems.map(describeProblem).join('; '),
      problems.map((p) => ({ field: p.field, message: describeProblem(p) })),
    );
  }
  return t;
}

/** Creates or replaces a template (a shipped one becomes customised). */
export async function saveTemplate(ctx: AppContext, actor: Actor, input: TemplateInput, opts: { create?: boolean } = {}): Promise<EmailTemplate> {
  const t = await checked(input);
  if (opts.create && (await findTemplate(ctx.db, t.code))) {
    throw new AppError('conflict', `An email template ${t.code} already exists`, [{ field: 'code', message: `${t.code} already exists` }]);
  }
  const before = await findTemplate(ctx.db, t.code);
  await upsertTemplate(ctx.db, { ...t, updatedBy: actor.username }, !!shippedTemplate(t.code));
  await recordAudit(ctx.db, actor, { action: before ? 'template.update' : 'template.create', entityType: 'email_template', entityId: t.code, summary: `Email template ${t.code} ${before ? 'changed' : 'created'}`, before: before ?? undefined, after: t });
  ctx.logger.info({ template: t.code, by: actor.username }, 'email template saved');
  return getTemplate(ctx, t.code);
}

/** Deletes an admin's template, or returns a shipped one to its default text. */
export async function deleteTemplate(ctx: AppContext, actor: Actor, code: string): Promise<{ reset: boolean }> {
  const key = code.trim().toUpperCase();
  const existed = await deleteTemplateRow(ctx.db, key);
  const shipped = !!shippedTemplate(key);
  if (!existed && !shipped) throw new AppError('not_found', `There is no email template ${code}`, [{ field: 'code', message: `unknown template ${code}` }]);
  await recordAudit(ctx.db, actor, { action: shipped ? 'template.reset' : 'template.delete', entityType: 'email_template', entityId: key, summary: shipped ? `Email template ${key} reset to the shipped text` : `Email template ${key} deleted` });
  return { reset: shipped };
}

/** Renders a saved template (by code) or unsaved text with the sample data. Problems come back as AppError with lines. */
export async function previewTemplate(ctx: AppContext, source: string | TemplateInput, data?: Record<string, unknown>): Promise<RenderedEmail> {
  const t = typeof source === 'string' ? await getTemplate(ctx, source) : await checked(source);
  try {
    return data ? await renderTemplate(t, data) : await renderPreview(t);
  } catch (e) {
    if (e instanceof TemplateRenderError) throw new AppError('validation', e.message, e.problems.map((p) => ({ field: p.field, message: describeProblem(p) })));
    throw e;
  }
}
