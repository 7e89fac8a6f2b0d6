import { sql } from 'kysely';
import type { Db } from './database.ts';

export interface StoredTemplate {
  code: string;
  description: string;
  subject: string;
  html: string;
  text: string;
  updatedAt: Date;
  updatedBy: string | null;
}

const cols = ['code', 'description', 'subject', 'body_html', 'body_text', 'updated_at', 'updated_by'] as const;
const toTemplate = (r: { code: string; description: string; subject: string; body_html: string; body_text: string; updated_at: Date; updated_by: string | null }): StoredTemplate => ({
  code: r.code,
  description: r.description,
  subject: r.subject,
  html: r.body_html,
  text: r.body_text,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

export async function selectTemplates(db: Db): Promise<StoredTemplate[]> {
  return (await db.selectFrom('email_templates').select(cols).orderBy('code').execute()).map(toTemplate);
}

export async function selectTemplate(db: Db, code: string): Promise<StoredTemplate | undefined> {
  const r = await db.selectFrom('email_templates').select(cols).where('code', '=', code).executeTakeFirst();
  return r && toTemplate(r);
}

export async function upsertTemplate(db: Db, t: Omit<StoredTemplate, 'updatedAt'>, shipped: boolean): Promise<void> {
  const values = { code: t.code, description: t.description, subject: t.subject, body_html: t.html, body_text: t.text, updated_by: t.updatedBy, shipped };
  await db
    .insertInto('email_templates')
    .values(values)
    .onConflict((oc) => oc.column('code').doUpdateSet({ description: t.description, subject: t.subject, body_html: t.html, body_text: t.text, updated_by: t.updatedBy, updated_at: sql`now()` } as never))
    .execute();
}

export async function deleteTemplateRow(db: Db, code: string): Promise<boolean> {
  const r = await db.deleteFrom('email_templates').where('code', '=', code).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
