import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';
import { generateLicenceKeyPair, issueLicence, verifyLicence } from '../domain/licence/licence.ts';
import type { LicenceState } from '../domain/params/integration-status.ts';
import type { Actor, AppContext } from './context.ts';
import { recordAudit } from './audit.ts';
import { replaceActiveLicence, selectActiveLicence } from '../adapters/db/licences.ts';

// The vendor's licence-signing public key. The matching private key never enters this repository: the
// vendor keeps it and issues keys with `housing365 licence issue --private-key FILE`. An operator may
// trust another key with HOUSING365_LICENCE_PUBLIC_KEY (PEM, or a path to a PEM file).
export const PRODUCT_LICENCE_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAdAv+hN4gZ4PSvPOw1Nqm4JAx1gXdhVHXvzEMDWU0kjg=
-----END PUBLIC KEY-----
`;

export async function configuredLicenceKeys(configured: string | undefined): Promise<string[]> {
  if (!configured) return [PRODUCT_LICENCE_PUBLIC_KEY];
  if (configured.includes('BEGIN PUBLIC KEY')) return [configured];
  return [await fs.readFile(configured, 'utf8')];
}

export async function getLicenceState(ctx: AppContext): Promise<LicenceState> {
  const installed = await selectActiveLicence(ctx.db);
  if (!installed) return { valid: false, features: [], problem: 'No licence key is installed' };
  const checked = verifyLicence(installed.key, ctx.licencePublicKeys, ctx.now());
  if (!checked.ok) return { valid: false, features: installed.features, customer: installed.customer, expiresAt: installed.expiresAt, problem: checked.reason };
  return { valid: true, features: checked.licence.features, customer: checked.licence.customer, expiresAt: checked.licence.expiresAt };
}

export async function installLicence(ctx: AppContext, actor: Actor, key: string): Promise<LicenceState> {
  const checked = verifyLicence(key.trim(), ctx.licencePublicKeys, ctx.now());
  if (!checked.ok) throw AppError.validation('key', `The licence key was not installed: ${checked.reason}`);
  const { customer, features, expiresAt } = checked.licence;
  await ctx.db.transaction().execute(async (trx) => {
    await replaceActiveLicence(trx, { key: key.trim(), customer, features, expiresAt, installedBy: actor.username });
    await recordAudit(trx, actor, { action: 'licence.install', entityType: 'licence', entityId: customer, summary: `Licence installed for ${customer}: ${features.join(', ')} until ${expiresAt.toISOString().slice(0, 10)}`, after: { customer, features, expiresAt } });
  });
  ctx.logger.info({ customer, features, expiresAt, by: actor.username }, 'licence installed');
  return getLicenceState(ctx);
}

/**
 * Demo mode only: a key pair made on this machine (kept in the data directory) and an OUTLOOK365
 * licence signed with it, so that the demo runs end to end. Never used with a real tenant.
 */
export async function demoLicenceKey(dataDir: string): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  const file = path.join(dataDir, 'demo-licence-key.json');
  if (existsSync(file)) return JSON.parse(await fs.readFile(file, 'utf8'));
  const pair = generateLicenceKeyPair();
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(file, JSON.stringify(pair), { mode: 0o600 });
  return pair;
}

export async function ensureDemoLicence(ctx: AppContext, privateKeyPem: string): Promise<void> {
  const state = await getLicenceState(ctx);
  if (state.valid && state.features.includes('OUTLOOK365')) return;
  const expiresAt = new Date(ctx.now().getTime() + 365 * 24 * 3600 * 1000);
  const key = issueLicence(privateKeyPem, { customer: 'Demo (local key)', features: ['OUTLOOK365', 'TASK_MANAGER'], expiresAt });
  await installLicence(ctx, { username: 'system' }, key);
}
