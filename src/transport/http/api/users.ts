import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../app/context.ts';
import { addTeamMember, createTeam, createUser, listTeams, listUsers, removeTeamMember, type Team as TeamView, type User as UserView } from '../../../app/users.ts';
import type { ApiCatalogue } from './define.ts';
import { CreatedUser, NewTeam, NewUser, Team, TeamMemberParams, User, iso } from './schemas.ts';

const toUser = (u: UserView): z.infer<typeof User> => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  email: u.email,
  role: u.role,
  active: u.active,
  mustChangePassword: u.mustChangePassword,
  createdAt: iso(u.createdAt)!,
  lastSignInAt: iso(u.lastSignInAt),
});
const toTeam = (t: TeamView): z.infer<typeof Team> => ({ id: t.id, code: t.code, name: t.name, members: t.members.map((m) => ({ id: m.id, username: m.username, displayName: m.displayName })) });

export function registerUserApi(app: FastifyInstance, ctx: AppContext, api: ApiCatalogue): void {
  api.add(app, {
    method: 'GET',
    path: '/users',
    operationId: 'listUsers',
    summary: 'List staff accounts',
    tag: 'Users and teams',
    role: 'admin',
    status: 200,
    response: z.array(User),
    handler: async () => (await listUsers(ctx)).map(toUser),
  });

  api.add(app, {
    method: 'POST',
    path: '/users',
    operationId: 'createUser',
    summary: 'Create a staff account',
    tag: 'Users and teams',
    role: 'admin',
    body: NewUser,
    problems: { 409: 'The username is taken' },
    status: 201,
    response: CreatedUser,
    handler: async ({ body, principal }) => {
      const { user, oneTimePassword } = await createUser(ctx, principal, body);
      return { user: toUser(user), ...(oneTimePassword ? { oneTimePassword } : {}) };
    },
  });

  api.add(app, {
    method: 'GET',
    path: '/teams',
    operationId: 'listTeams',
    summary: 'List teams with their members',
    tag: 'Users and teams',
    role: 'officer',
    status: 200,
    response: z.array(Team),
    handler: async () => (await listTeams(ctx)).map(toTeam),
  });

  api.add(app, {
    method: 'POST',
    path: '/teams',
    operationId: 'createTeam',
    summary: 'Create a team',
    tag: 'Users and teams',
    role: 'admin',
    body: NewTeam,
    problems: { 409: 'The team code is taken' },
    status: 201,
    response: Team,
    handler: async ({ body, principal }) => toTeam(await createTeam(ctx, principal, body)),
  });

  api.add(app, {
    method: 'POST',
    path: '/teams/{id}/members/{userId}',
    operationId: 'addTeamMember',
    summary: 'Add a user to a team (no change if already a member)',
    tag: 'Users and teams',
    role: 'admin',
    params: TeamMemberParams,
    status: 204,
    response: null,
    handler: async ({ params, principal }) => addTeamMember(ctx, principal, params.id, params.userId),
  });

  api.add(app, {
    method: 'DELETE',
    path: '/teams/{id}/members/{userId}',
    operationId: 'removeTeamMember',
    summary: 'Remove a user from a team',
    tag: 'Users and teams',
    role: 'admin',
    params: TeamMemberParams,
    status: 204,
    response: null,
    handler: async ({ params, principal }) => removeTeamMember(ctx, principal, params.id, params.userId),
  });
}
