import type { Db } from './database.ts';
import { signalSettingsChanged } from './settings-signal.ts';

// SQL of installed licence keys: at most one is active; installing a key retires the one before.

export interface InstalledLicence {
  key: string;
  customer: string;
  features: string[];
  expiresAt: Date;
}

/** The active licence, newest first if several ever were. */
export async function selectActiveLicence(db: Db): Promise<InstalledLicence | undefined> {
  const r = await db.selectFrom('licences').selectAll().where('active', '=', true).orderBy('installed_at', 'desc').executeTakeFirst();
  return r && { key: r.licence_key, customer: r.customer, features: r.features, expiresAt: r.expires_at };
}

/** Makes this key the active licence (call inside a transaction with its audit record). */
export async function replaceActiveLicence(db: Db, l: InstalledLicence & { installedBy: string }): Promise<void> {
  await db.updateTable('licences').set({ active: false }).where('active', '=', true).execute();
  await db.insertInto('licences').values({ licence_key: l.key, customer: l.customer, features: l.features, expires_at: l.expiresAt, installed_by: l.installedBy }).execute();
  await signalSettingsChanged(db);
}
