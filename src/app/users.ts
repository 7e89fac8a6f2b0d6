import { hash } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { deleteTeamMember, insertTeam, insertTeamMember, insertUser, selectTeamCodeById, selectTeamIdByCode, selectTeams, selectUserBy, selectUsers, updateUserRow, type Team, type User } from '../adapters/db/users.ts';
import type { Actor, AppContext } from './context.ts';
import { recordAudit } from './audit.ts';
import { deleteUserSessions } from '../adapters/db/sessions.ts';

export type { Team, User };

export const Role = z.enum(['admin', 'officer']);
export const UserInput = z.object({
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9._@-]{2,64}$/, 'use 2 to 64 letters, digits, dots, dashes, underscores or @'),
  displayName: z.string().trim().min(1, 'enter a display name').max(200),
  email: z.string().trim().email('enter an email address like name@example.org').optional().or(z.literal('').transform(() => undefined)),
  role: Role,
  password: z.string().min(12, 'passwords must be at least 12 characters').max(200).optional(),
});
export type UserInput = z.input<typeof UserInput>;

export const TeamInput = z.object({
  code: z.string().trim().toUpperCase().regex(/^[A-Z0-9_]{1,30}$/, 'use up to 30 letters, digits or underscores'),
  name: z.string().trim().min(1, 'enter a team name').max(200),
});

// argon2id with OWASP's minimum (19 MiB, t=2): about 50 ms here, acceptable for a sign-in.
export const hashPassword = (password: string) => hash(password, { memoryCost: 19456, timeCost: 2, parallelism: 1 });

import { parseOrThrow } from './validation.ts';

export const listUsers = (ctx: AppContext) => selectUsers(ctx.db);

export async function getUser(ctx: AppContext, id: number): Promise<User> {
  const u = await selectUserBy(ctx.db, { id });
  if (!u) throw new AppError('not_found', `There is no user with id ${id}`);
  const { passwordHash: _omit, ...user } = u;
  return user;
}

export async function getUserByUsername(ctx: AppContext, username: string): Promise<User | undefined> {
  const u = await selectUserBy(ctx.db, { username: username.trim().toLowerCase() });
  if (!u) return undefined;
  const { passwordHash: _omit, ...user } = u;
  return user;
}

/** Creates a user. Without a password, a one-time password is generated and returned once. */
export async function createUser(ctx: AppContext, actor: Actor, input: UserInput): Promise<{ user: User; oneTimePassword?: string }> {
  const data = parseOrThrow(UserInput, input);
  if (await selectUserBy(ctx.db, { username: data.username })) {
    throw new AppError('conflict', `A user called ${data.username} already exists`, [{ field: 'username', message: `${data.username} is taken` }]);
  }
  const oneTimePassword = data.password ? undefined : randomBytes(12).toString('base64url');
  const user = await insertUser(ctx.db, {
    username: data.username,
    displayName: data.displayName,
    email: data.email ?? null,
    role: data.role,
    passwordHash: await hashPassword(data.password ?? oneTimePassword!),
    mustChangePassword: !data.password,
  });
  ctx.logger.info({ user: user.username, role: user.role, by: actor.username }, 'user created');
  await recordAudit(ctx.db, actor, { action: 'user.create', entityType: 'user', entityId: user.id, summary: `User ${user.username} created (${user.role})`, after: user });
  return { user, oneTimePassword };
}

export async function updateUser(
  ctx: AppContext,
  actor: Actor,
  id: number,
  patch: { displayName?: string; email?: string | null; role?: 'admin' | 'officer'; active?: boolean },
): Promise<User> {
  const data = parseOrThrow(
    z.object({ displayName: UserInput.shape.displayName.optional(), email: z.string().trim().email().nullable().optional(), role: Role.optional(), active: z.boolean().optional() }),
    patch,
  );
  const before = await selectUserBy(ctx.db, { id });
  const u = await updateUserRow(ctx.db, id, { display_name: data.displayName, email: data.email, role: data.role, active: data.active });
  if (!u) throw new AppError('not_found', `There is no user with id ${id}`);
  ctx.logger.info({ user: u.username, by: actor.username }, 'user updated');
  await recordAudit(ctx.db, actor, { action: 'user.update', entityType: 'user', entityId: u.id, summary: `User ${u.username} updated`, before: before && { displayName: before.displayName, email: before.email, role: before.role, active: before.active }, after: { displayName: u.displayName, email: u.email, role: u.role, active: u.active } });
  return u;
}

export async function setPassword(ctx: AppContext, actor: Actor, id: number, password: string, opts: { mustChange?: boolean } = {}): Promise<void> {
  const data = parseOrThrow(z.object({ password: UserInput.shape.password.unwrap() }), { password });
  const u = await updateUserRow(ctx.db, id, { password_hash: await hashPassword(data.password), must_change_password: opts.mustChange ?? false });
  if (!u) throw new AppError('not_found', `There is no user with id ${id}`);
  // A password set by someone else (a reset) ends every session of that user: whoever held one, by
  // whatever means, signs in again with the new password.
  const endedSessions = await deleteUserSessions(ctx.db, id);
  ctx.logger.info({ user: u.username, by: actor.username, endedSessions }, 'password set');
  await recordAudit(ctx.db, actor, { action: 'user.password', entityType: 'user', entityId: u.id, summary: `Password of ${u.username} set${opts.mustChange ? ' (one-time)' : ''}; ${endedSessions} session(s) ended` });
}

export const listTeams = (ctx: AppContext) => selectTeams(ctx.db);

export async function createTeam(ctx: AppContext, actor: Actor, input: { code: string; name: string }): Promise<Team> {
  const data = parseOrThrow(TeamInput, input);
  const exists = await selectTeamIdByCode(ctx.db, data.code);
  if (exists !== undefined) throw new AppError('conflict', `A team ${data.code} already exists`, [{ field: 'code', message: `${data.code} is taken` }]);
  await insertTeam(ctx.db, data);
  ctx.logger.info({ team: data.code, by: actor.username }, 'team created');
  await recordAudit(ctx.db, actor, { action: 'team.create', entityType: 'team', entityId: data.code, summary: `Team ${data.code} created: ${data.name}`, after: data });
  return (await selectTeams(ctx.db)).find((t) => t.code === data.code)!;
}

export async function addTeamMember(ctx: AppContext, actor: Actor, teamId: number, userId: number): Promise<void> {
  const teamCode = await selectTeamCodeById(ctx.db, teamId);
  if (!teamCode) throw new AppError('not_found', `There is no team with id ${teamId}`, [{ field: 'teamId', message: 'no such team' }]);
  await getUser(ctx, userId);
  await insertTeamMember(ctx.db, teamId, userId);
  ctx.logger.info({ team: teamCode, userId, by: actor.username }, 'team member added');
  await recordAudit(ctx.db, actor, { action: 'team.member.add', entityType: 'team', entityId: teamCode, summary: `User ${userId} added to team ${teamCode}`, after: { userId } });
}

export async function removeTeamMember(ctx: AppContext, actor: Actor, teamId: number, userId: number): Promise<void> {
  if (!(await deleteTeamMember(ctx.db, teamId, userId))) throw new AppError('not_found', `User ${userId} is not a member of team ${teamId}`);
  ctx.logger.info({ teamId, userId, by: actor.username }, 'team member removed');
  await recordAudit(ctx.db, actor, { action: 'team.member.remove', entityType: 'team', entityId: teamId, summary: `User ${userId} removed from team ${teamId}`, before: { userId } });
}
