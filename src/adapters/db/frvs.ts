import { sql } from 'kysely';
import type { Db } from './database.ts';
import { signalSettingsChanged } from './settings-signal.ts';

export interface FrvValue {
  domain: string;
  code: string;
  description: string;
  active: boolean;
  sortOrder: number;
}

const toFrv = (r: { domain: string; code: string; description: string; active: boolean; sort_order: number }): FrvValue => ({
  domain: r.domain,
  code: r.code,
  description: r.description,
  active: r.active,
  sortOrder: r.sort_order,
});

export async function selectFrvs(db: Db, domain?: string): Promise<FrvValue[]> {
  let q = db.selectFrom('frv_values').selectAll().orderBy('domain').orderBy('sort_order').orderBy('code');
  if (domain) q = q.where('domain', '=', domain);
  return (await q.execute()).map(toFrv);
}

export async function selectFrv(db: Db, domain: string, code: string): Promise<FrvValue | undefined> {
  const r = await db.selectFrom('frv_values').selectAll().where('domain', '=', domain).where('code', '=', code).executeTakeFirst();
  return r && toFrv(r);
}

export async function insertFrv(db: Db, v: { domain: string; code: string; description: string }): Promise<boolean> {
  const res = await db.insertInto('frv_values').values(v).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  await signalSettingsChanged(db); // a new EXCHANGE_INBOX value is read at once
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateFrvRow(db: Db, domain: string, code: string, patch: { description?: string; active?: boolean }): Promise<boolean> {
  const res = await db
    .updateTable('frv_values')
    // Activating an inactive value starts it again: an EXCHANGE_INBOX value's active_since is the inbox's first-read cut-off.
    .set({ ...patch, updated_at: new Date(), ...(patch.active === true ? { active_since: sql<Date>`CASE WHEN active THEN active_since ELSE now() END` } : {}) })
    .where('domain', '=', domain)
    .where('code', '=', code)
    .executeTakeFirst();
  await signalSettingsChanged(db);
  return Number(res.numUpdatedRows) > 0;
}
