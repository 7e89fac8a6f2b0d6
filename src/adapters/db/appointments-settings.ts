// Appointment settings kept in app_settings: the Outlook event templates.
import type { Db } from './database.ts';

const KEYS = { subject: 'appointments.event_subject_template', body: 'appointments.event_body_template' } as const;

export async function readEventTemplates(db: Db): Promise<{ subject: string | null; body: string | null }> {
  const rows = await db.selectFrom('app_settings').select(['key', 'value']).where('key', 'in', Object.values(KEYS)).execute();
  const get = (k: string) => rows.find((r) => r.key === k)?.value ?? null;
  return { subject: get(KEYS.subject), body: get(KEYS.body) };
}

export async function writeEventTemplate(db: Db, which: keyof typeof KEYS, value: string | null): Promise<void> {
  if (value === null) {
    await db.deleteFrom('app_settings').where('key', '=', KEYS[which]).execute();
    return;
  }
  await db
    .insertInto('app_settings')
    .values({ key: KEYS[which], value, updated_at: new Date() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: new Date() }))
    .execute();
}
