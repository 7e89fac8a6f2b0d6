import { sql } from 'kysely';
import type { Db } from './database.ts';

export interface AppointmentReason {
  code: string;
  description: string;
  kind: 'book' | 'move' | 'cancel';
  active: boolean;
  productAreas: string[];
}

function reasonQuery(db: Db) {
  return db
    .selectFrom('appointment_reasons as r')
    .select([
      'r.code',
      'r.description',
      'r.kind',
      'r.active',
      sql<string[]>`coalesce((select array_agg(l.product_area_code order by l.product_area_code) from appointment_reason_product_areas l where l.reason_code = r.code), '{}')`.as('product_areas'),
    ]);
}

type Row = { code: string; description: string; kind: string; active: boolean; product_areas: string[] };
const toReason = (r: Row): AppointmentReason => ({
  code: r.code,
  description: r.description,
  kind: r.kind as AppointmentReason['kind'],
  active: r.active,
  productAreas: r.product_areas,
});

export async function selectReasons(db: Db, filter: { kind?: string; productArea?: string } = {}): Promise<AppointmentReason[]> {
  let q = reasonQuery(db).orderBy('r.kind').orderBy('r.code');
  if (filter.kind) q = q.where('r.kind', '=', filter.kind);
  if (filter.productArea) {
    const pa = filter.productArea;
    q = q.where(({ exists, selectFrom }) =>
      exists(selectFrom('appointment_reason_product_areas as l').select('l.reason_code').whereRef('l.reason_code', '=', 'r.code').where('l.product_area_code', '=', pa)),
    );
  }
  return (await q.execute()).map(toReason);
}

export async function selectReason(db: Db, code: string): Promise<AppointmentReason | undefined> {
  const r = await reasonQuery(db).where('r.code', '=', code).executeTakeFirst();
  return r ? toReason(r) : undefined;
}

export async function insertReason(db: Db, r: { code: string; description: string; kind: string }): Promise<void> {
  await db.insertInto('appointment_reasons').values(r).execute();
}

export async function updateReasonRow(db: Db, code: string, patch: { description?: string; active?: boolean }): Promise<boolean> {
  const r = await db.updateTable('appointment_reasons').set(patch).where('code', '=', code).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Replaces the reason's product areas with exactly `codes`. */
export async function setReasonProductAreas(db: Db, code: string, codes: readonly string[]): Promise<void> {
  await db.deleteFrom('appointment_reason_product_areas').where('reason_code', '=', code).execute();
  if (codes.length > 0) {
    await db
      .insertInto('appointment_reason_product_areas')
      .values(codes.map((c) => ({ reason_code: code, product_area_code: c })))
      .execute();
  }
}

/** The reasons named by the given system parameters (APPT_OUTLOOK365_CANCEL_RSN / _MOVE_RSN). */
export async function reasonsNamedByParameters(db: Db, parameters: readonly string[]): Promise<Array<{ parameter: string; code: string }>> {
  const rows = await db.selectFrom('system_parameters').select(['name', 'value']).where('name', 'in', [...parameters]).execute();
  return rows.filter((r) => r.value).map((r) => ({ parameter: r.name, code: r.value! }));
}

export async function linkReasonToProductArea(db: Db, reasonCode: string, productAreaCode: string): Promise<void> {
  await db
    .insertInto('appointment_reason_product_areas')
    .values({ reason_code: reasonCode, product_area_code: productAreaCode })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * Serialises changes that touch the "Outlook reasons are linked to all product areas" rule with
 * setParameter, which takes the same lock (src/app/parameters.ts) before checking it.
 */
export async function lockParameterRules(db: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(365001)`.execute(db);
}
