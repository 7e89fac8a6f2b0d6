import { sql } from 'kysely';
import type { Db } from './database.ts';
import { signalSettingsChanged } from './settings-signal.ts';

export interface StoredParameter {
  name: string;
  value: string | null;
  updatedAt: Date;
  updatedBy: string | null;
}

export async function readParameters(db: Db): Promise<Map<string, StoredParameter>> {
  const rows = await db.selectFrom('system_parameters').selectAll().execute();
  return new Map(rows.map((r) => [r.name, { name: r.name, value: r.value, updatedAt: r.updated_at, updatedBy: r.updated_by }]));
}

export async function writeParameter(db: Db, name: string, value: string | null, by: string): Promise<void> {
  await db
    .insertInto('system_parameters')
    .values({ name, value, updated_by: by, updated_at: new Date() })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_by: by, updated_at: new Date() }))
    .execute();
  // A switch turned on starts its flow at once (settings-signal.ts).
  await signalSettingsChanged(db);
}

export async function postgresTimeZoneNames(db: Db): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`select name from pg_timezone_names`.execute(db);
  return new Set(rows.map((r) => r.name));
}

export async function appointmentReasonExists(db: Db, code: string): Promise<boolean> {
  const row = await db.selectFrom('appointment_reasons').select('code').where('code', '=', code).executeTakeFirst();
  return Boolean(row);
}

export async function appointmentReasonCodes(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('appointment_reasons').select('code').where('active', '=', true).execute();
  return new Set(rows.map((r) => r.code));
}

/**
 * Serialises parameter writes until the transaction ends: cross-parameter rules (EMO_EMAILADDR vs
 * INBOX_SERVER) read one parameter and write another, so two edits must not both pass on stale values.
 */
export async function lockParameterWrites(trx: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(365001)`.execute(trx);
}
