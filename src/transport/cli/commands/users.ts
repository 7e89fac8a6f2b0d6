import { randomBytes } from 'node:crypto';
import { addTeamMember, createTeam, createUser, getUserByUsername, listTeams, listUsers, removeTeamMember, setPassword, updateUser } from '../../../app/users.ts';
import { signOutEverywhere } from '../../../app/auth.ts';
import { AppError } from '../../../errors.ts';
import type { AppContext } from '../../../app/context.ts';
import { cliActor, parse, printTable, UsageError, withContext, type Command } from '../cli-kit.ts';

const usersUsage = [
  'housing365 users list [--json]',
  '       | add USERNAME --name "Display Name" --role admin|officer [--email ADDR]   (prints a one-time password)',
  '       | reset-password USERNAME   (prints a one-time password; signs the user out everywhere)',
  '       | disable USERNAME | enable USERNAME',
].join('\n');

async function userId(ctx: AppContext, username: string): Promise<number> {
  const u = await getUserByUsername(ctx, username);
  if (!u) throw new AppError('not_found', `There is no user called ${username}`, [{ field: 'USERNAME', message: 'no such user' }]);
  return u.id;
}

export const usersCommand: Command = {
  name: 'users',
  summary: 'Staff accounts: list, add, reset a password, disable',
  usage: usersUsage,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, name: { type: 'string' }, role: { type: 'string' }, email: { type: 'string' } }, usersUsage);
    const [sub, username] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usersUsage}`);
    if (sub === 'list') {
      const rows = await withContext(listUsers);
      printTable(rows.map((u) => ({ username: u.username, name: u.displayName, role: u.role, email: u.email, active: u.active ? 'Y' : 'N', lastSignIn: u.lastSignInAt })), Boolean(values.json));
      return;
    }
    if (!username) throw new UsageError(`users ${sub} needs a USERNAME\nusage: ${usersUsage}`);
    if (sub === 'add') {
      if (!values.name || !values.role) throw new UsageError(`users add needs --name and --role\nusage: ${usersUsage}`);
      const r = await withContext((ctx) => createUser(ctx, cliActor(), { username, displayName: values.name!, role: values.role as 'admin', email: values.email }));
      console.log(`created ${r.user.username} (${r.user.role}); one-time password: ${r.oneTimePassword}`);
      return;
    }
    if (sub === 'reset-password') {
      const password = randomBytes(12).toString('base64url');
      await withContext(async (ctx) => {
        const id = await userId(ctx, username);
        // setPassword ends the user's sessions.
        await setPassword(ctx, cliActor(), id, password, { mustChange: true });
      });
      console.log(`one-time password for ${username}: ${password} (to be changed at next sign-in)`);
      return;
    }
    if (sub === 'disable' || sub === 'enable') {
      await withContext(async (ctx) => {
        const id = await userId(ctx, username);
        await updateUser(ctx, cliActor(), id, { active: sub === 'enable' });
        if (sub === 'disable') await signOutEverywhere(ctx, id);
      });
      console.log(`${username} ${sub}d`);
      return;
    }
    throw new UsageError(`unknown subcommand "${sub}"\nusage: ${usersUsage}`);
  },
};

const teamsUsage = 'housing365 teams list [--json] | add CODE NAME | add-member CODE USERNAME | remove-member CODE USERNAME';

export const teamsCommand: Command = {
  name: 'teams',
  summary: 'Teams that tasks are assigned to: list, add, members',
  usage: teamsUsage,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, teamsUsage);
    const [sub, code, ...rest] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${teamsUsage}`);
    if (sub === 'list') {
      const rows = await withContext(listTeams);
      printTable(rows.map((t) => ({ code: t.code, name: t.name, members: t.members.map((m) => m.username).join(', ') })), Boolean(values.json));
      return;
    }
    if (!code || !rest.length) throw new UsageError(`teams ${sub} needs CODE and ${sub === 'add' ? 'NAME' : 'USERNAME'}\nusage: ${teamsUsage}`);
    if (sub === 'add') {
      const t = await withContext((ctx) => createTeam(ctx, cliActor(), { code, name: rest.join(' ') }));
      console.log(`team ${t.code} created`);
      return;
    }
    if (sub === 'add-member' || sub === 'remove-member') {
      await withContext(async (ctx) => {
        const team = (await listTeams(ctx)).find((t) => t.code === code.toUpperCase());
        if (!team) throw new AppError('not_found', `There is no team ${code}`, [{ field: 'CODE', message: 'no such team' }]);
        const id = await userId(ctx, rest[0]);
        await (sub === 'add-member' ? addTeamMember : removeTeamMember)(ctx, cliActor(), team.id, id);
      });
      console.log(`${rest[0]} ${sub === 'add-member' ? 'added to' : 'removed from'} ${code.toUpperCase()}`);
      return;
    }
    throw new UsageError(`unknown subcommand "${sub}"\nusage: ${teamsUsage}`);
  },
};
