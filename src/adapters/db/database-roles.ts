import { sql } from 'kysely';
import type { Db } from './database.ts';

/** The role the app is connected as, and what it may do (doctor's database checks). */
export async function selectCurrentRole(db: Db): Promise<{ name: string; superuser: boolean; createrole: boolean; serverVersion: number }> {
  const r = await sql<{ name: string; superuser: boolean; createrole: boolean; version: number }>`
    SELECT current_user AS name, rolsuper AS superuser, rolcreaterole AS createrole, current_setting('server_version_num')::int AS version
      FROM pg_roles WHERE rolname = current_user`.execute(db);
  const me = r.rows[0];
  return { name: me.name, superuser: me.superuser, createrole: me.createrole, serverVersion: me.version };
}
