import type { Db } from './database.ts';
import type { ProductAreaRow } from './schema.ts';
import type { Selectable } from 'kysely';

export interface ProductArea {
  code: string;
  name: string;
  active: boolean;
}

const toProductArea = (r: Selectable<ProductAreaRow>): ProductArea => ({ code: r.code, name: r.name, active: r.active });

export async function selectProductAreas(db: Db): Promise<ProductArea[]> {
  return (await db.selectFrom('product_areas').selectAll().orderBy('code').execute()).map(toProductArea);
}

export async function selectProductArea(db: Db, code: string): Promise<ProductArea | undefined> {
  const r = await db.selectFrom('product_areas').selectAll().where('code', '=', code).executeTakeFirst();
  return r ? toProductArea(r) : undefined;
}

export async function insertProductArea(db: Db, p: { code: string; name: string }): Promise<ProductArea> {
  return toProductArea(await db.insertInto('product_areas').values(p).returningAll().executeTakeFirstOrThrow());
}

export async function updateProductAreaRow(db: Db, code: string, patch: { name?: string; active?: boolean }): Promise<ProductArea | undefined> {
  const r = await db.updateTable('product_areas').set(patch).where('code', '=', code).returningAll().executeTakeFirst();
  return r ? toProductArea(r) : undefined;
}

/** Codes of the product areas in use: what "all product areas" means for the Outlook reasons. */
export async function activeProductAreaCodes(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('product_areas').select('code').where('active', '=', true).orderBy('code').execute();
  return rows.map((r) => r.code);
}
