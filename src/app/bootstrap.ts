import { randomBytes } from 'node:crypto';
import { anyUserExists, insertUser } from '../adapters/db/users.ts';
import { hashPassword } from './users.ts';
import type { AppContext } from './context.ts';

/**
 * First start: with no users at all, create `admin` — with HOUSING365_ADMIN_PASSWORD, or a one-time
 * password that is returned (printed once by the caller) and must be changed at first sign-in.
 */
export async function ensureFirstAdmin(ctx: AppContext): Promise<{ created: boolean; password?: string }> {
  if (await anyUserExists(ctx.db)) return { created: false };
  const given = ctx.config.adminPassword;
  const password = given ?? randomBytes(12).toString('base64url');
  await insertUser(ctx.db, {
    username: 'admin',
    displayName: 'Administrator',
    email: null,
    role: 'admin',
    passwordHash: await hashPassword(password),
    mustChangePassword: !given,
  });
  ctx.logger.info('first admin account created');
  return { created: true, password: given ? undefined : password };
}
