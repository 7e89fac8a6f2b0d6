/** A random secret kept in app_settings, made on first use; the same for every process on the database. */
import { randomBytes } from 'node:crypto';
import type { Db } from './database.ts';

export async function appSecret(db: Db, key: string): Promise<Buffer> {
  await db
    .insertInto('app_settings')
    .values({ key, value: randomBytes(32).toString('base64') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('app_settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64');
}
