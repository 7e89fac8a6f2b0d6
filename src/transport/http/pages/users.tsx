import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { addTeamMember, createTeam, createUser, listTeams, listUsers, removeTeamMember, updateUser, type Team, type User } from '../../../app/users.ts';
import { AppError } from '../../../errors.ts';
import { CsrfField, Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';
import { ErrorSummary, Radios, Select, SuccessBanner, Tag, TextInput, fieldErrors, type FieldErrors } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';
import { SetupNav } from './setup.tsx';

const DONE: Record<string, string> = {
  'team-created': 'Team created',
  'member-added': 'Team member added',
  'member-removed': 'Team member removed',
  'user-deactivated': 'User deactivated',
  'user-reactivated': 'User reactivated',
};

interface Attempt {
  form: 'user' | 'team';
  values: Record<string, string>;
  errors: FieldErrors;
}

interface UsersPageProps {
  page: PageInfo;
  users: User[];
  teams: Team[];
  attempt?: Attempt;
  banner?: string;
  created?: { username: string; oneTimePassword?: string };
}

function UserTable({ page, users, teams }: { page: PageInfo; users: User[]; teams: Team[] }): JSX.Element {
  const teamsOf = (id: number) => teams.filter((t) => t.members.some((m) => m.id === id)).map((t) => t.code);
  return (
    <table class="govuk-table govuk-table--small-text-until-tablet">
      <caption class="govuk-table__caption govuk-table__caption--m">Users</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          {['Username', 'Name', 'Email', 'Role', 'Teams', 'Status'].map((h) => (
            <th scope="col" class="govuk-table__header">{h}</th>
          ))}
          <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {users.map((u) => (
          <tr class="govuk-table__row">
            <th scope="row" class="govuk-table__header" safe>{u.username}</th>
            <td class="govuk-table__cell" safe>{u.displayName}</td>
            <td class="govuk-table__cell" safe>{u.email ?? ''}</td>
            <td class="govuk-table__cell" safe>{u.role}</td>
            <td class="govuk-table__cell" safe>{teamsOf(u.id).join(', ')}</td>
            <td class="govuk-table__cell">{u.active ? <Tag text="Active" colour="green" /> : <Tag text="Inactive" colour="grey" />}</td>
            <td class="govuk-table__cell">
              {u.id === page.principal?.id && page.principal.kind === 'user' ? '' : (
                <form method="post" action={`/system-setup/users/${u.id}/active`} class="app-inline-form">
                  <CsrfField token={page.csrfToken} />
                  <input type="hidden" name="active" value={u.active ? 'false' : 'true'} />
                  <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">
                    {u.active ? 'Deactivate' : 'Reactivate'}<span class="govuk-visually-hidden" safe>{` ${u.username}`}</span>
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TeamList({ page, teams, users }: { page: PageInfo; teams: Team[]; users: User[] }): JSX.Element {
  return (
    <>
      <h2 class="govuk-heading-m">Teams</h2>
      {teams.length === 0 ? <p class="govuk-body">There are no teams yet.</p> : ''}
      {teams.map((t) => (
        <div class="govuk-summary-card">
          <div class="govuk-summary-card__title-wrapper">
            <h3 class="govuk-summary-card__title" safe>{`${t.code} – ${t.name}`}</h3>
          </div>
          <div class="govuk-summary-card__content">
            {t.members.length === 0 ? <p class="govuk-body">No members.</p> : (
              <ul class="govuk-list">
                {t.members.map((m) => (
                  <li>
                    <span safe>{`${m.displayName} (${m.username})`}</span>{' '}
                    <form method="post" action={`/system-setup/teams/${t.id}/members/${m.id}/remove`} class="app-inline-form">
                      <CsrfField token={page.csrfToken} />
                      <button type="submit" class="govuk-button govuk-button--warning govuk-!-margin-bottom-0" data-module="govuk-button">
                        Remove<span class="govuk-visually-hidden" safe>{` ${m.username} from ${t.code}`}</span>
                      </button>
                    </form>
                  </li>
                ))}
              </ul>
            )}
            <form method="post" action={`/system-setup/teams/${t.id}/members`}>
              <CsrfField token={page.csrfToken} />
              <Select id={`team-${t.id}-user`} name="userId" label={`Add a member to ${t.code}`} items={users.filter((u) => !t.members.some((m) => m.id === u.id)).map((u) => ({ value: String(u.id), text: `${u.displayName} (${u.username})` }))} />
              <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">
                Add member<span class="govuk-visually-hidden" safe>{` to ${t.code}`}</span>
              </button>
            </form>
          </div>
        </div>
      ))}
    </>
  );
}

function UsersPage(props: UsersPageProps): JSX.Element {
  const { page, attempt } = props;
  const userForm = attempt?.form === 'user' ? attempt : undefined;
  const teamForm = attempt?.form === 'team' ? attempt : undefined;
  const ids = attempt ? Object.fromEntries(Object.keys(attempt.errors).map((f) => [f, `${attempt.form}-${f}`])) : undefined;
  return (
    <Layout page={page}>
      <SetupNav current="users" />
      {props.created ? (
        <div class="govuk-panel govuk-panel--confirmation">
          <h1 class="govuk-panel__title" safe>{`User ${props.created.username} created`}</h1>
          {props.created.oneTimePassword ? (
            <div class="govuk-panel__body">
              One-time password (shown once, to be changed at first sign-in):<br />
              <strong class="app-secret" safe>{props.created.oneTimePassword}</strong>
            </div>
          ) : ''}
        </div>
      ) : ''}
      <SuccessBanner heading={props.banner} />
      <ErrorSummary errors={attempt?.errors ?? {}} ids={ids} />
      {props.created ? <h2 class="govuk-heading-l">Users and teams</h2> : <h1 class="govuk-heading-l">Users and teams</h1>}
      <UserTable page={page} users={props.users} teams={props.teams} />
      <TeamList page={page} teams={props.teams} users={props.users.filter((u) => u.active)} />
      <div class="govuk-grid-row">
        <form method="post" action="/system-setup/users" novalidate class="govuk-grid-column-one-half">
          <h2 class="govuk-heading-m">Create a user</h2>
          <CsrfField token={page.csrfToken} />
          <TextInput id="user-username" name="username" label="Username" value={userForm?.values.username} error={userForm?.errors.username} spellcheck={false} autocomplete="off" />
          <TextInput id="user-displayName" name="displayName" label="Full name" value={userForm?.values.displayName} error={userForm?.errors.displayName} />
          <TextInput id="user-email" name="email" label="Email address (optional)" type="email" value={userForm?.values.email} error={userForm?.errors.email} spellcheck={false} autocomplete="off" />
          <Radios id="user-role" name="role" legend="Role" value={userForm?.values.role ?? 'officer'} error={userForm?.errors.role} items={[{ value: 'officer', text: 'Officer' }, { value: 'admin', text: 'Administrator' }]} />
          <TextInput id="user-password" name="password" label="Password (optional)" hint="At least 12 characters. Leave empty to generate a one-time password." type="password" error={userForm?.errors.password} autocomplete="new-password" />
          <button type="submit" class="govuk-button" data-module="govuk-button">Create user</button>
        </form>
        <form method="post" action="/system-setup/teams" novalidate class="govuk-grid-column-one-half">
          <h2 class="govuk-heading-m">Create a team</h2>
          <CsrfField token={page.csrfToken} />
          <TextInput id="team-code" name="code" label="Code" hint="Up to 30 capital letters, digits or underscores, like ASB_TEAM" value={teamForm?.values.code} error={teamForm?.errors.code} spellcheck={false} width="20" />
          <TextInput id="team-name" name="name" label="Name" value={teamForm?.values.name} error={teamForm?.errors.name} />
          <button type="submit" class="govuk-button" data-module="govuk-button">Create team</button>
        </form>
      </div>
    </Layout>
  );
}

const form = (body: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries((body ?? {}) as Record<string, unknown>).filter(([k, v]) => typeof v === 'string' && k !== '_csrf' && k !== 'password') as [string, string][]);
const bodyStr = (body: unknown, key: string) => String((body as Record<string, unknown> | undefined)?.[key] ?? '');

export function registerUserPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageAdmin(ctx) };
  const render = async (request: FastifyRequest, reply: FastifyReply, extra: Partial<UsersPageProps> = {}, status = 200) => {
    const [users, teams] = await Promise.all([listUsers(ctx), listTeams(ctx)]);
    const done = (request.query as Record<string, unknown>).done;
    const banner = typeof done === 'string' ? DONE[done] : undefined;
    const page = pageInfo(ctx, request, 'Users and teams', 'setup', Boolean(extra.attempt));
    return sendPage(reply, <UsersPage page={page} users={users} teams={teams} banner={banner} {...extra} />, status);
  };
  const onInvalid = (request: FastifyRequest, reply: FastifyReply, which: Attempt['form'], err: unknown) => {
    if (!(err instanceof AppError) || (err.code !== 'validation' && err.code !== 'conflict')) throw err;
    const errors = fieldErrors(err.fields.length > 0 ? err.fields : [{ field: which === 'user' ? 'username' : 'code', message: err.message }]);
    return render(request, reply, { attempt: { form: which, values: form(request.body), errors } }, err.code === 'conflict' ? 409 : 422);
  };
  const id = (raw: string) => (/^\d{1,9}$/.test(raw) ? Number(raw) : -1);

  app.get('/system-setup/users', guard, (request, reply) => render(request, reply));

  app.post('/system-setup/users', guard, async (request, reply) => {
    const b = request.body;
    const role = bodyStr(b, 'role');
    try {
      const { user, oneTimePassword } = await createUser(ctx, request.principal!, {
        username: bodyStr(b, 'username'),
        displayName: bodyStr(b, 'displayName'),
        email: bodyStr(b, 'email'),
        role: role as 'admin' | 'officer',
        password: bodyStr(b, 'password') || undefined,
      });
      return render(request, reply, { created: { username: user.username, oneTimePassword } }, 201);
    } catch (err) {
      return onInvalid(request, reply, 'user', err);
    }
  });

  app.post<{ Params: { id: string } }>('/system-setup/users/:id/active', guard, async (request, reply) => {
    const active = bodyStr(request.body, 'active') === 'true';
    await updateUser(ctx, request.principal!, id(request.params.id), { active });
    return reply.redirect(`/system-setup/users?done=${active ? 'user-reactivated' : 'user-deactivated'}`, 303);
  });

  app.post('/system-setup/teams', guard, async (request, reply) => {
    try {
      await createTeam(ctx, request.principal!, { code: bodyStr(request.body, 'code'), name: bodyStr(request.body, 'name') });
    } catch (err) {
      return onInvalid(request, reply, 'team', err);
    }
    return reply.redirect('/system-setup/users?done=team-created', 303);
  });

  app.post<{ Params: { id: string } }>('/system-setup/teams/:id/members', guard, async (request, reply) => {
    await addTeamMember(ctx, request.principal!, id(request.params.id), id(bodyStr(request.body, 'userId')));
    return reply.redirect('/system-setup/users?done=member-added', 303);
  });

  app.post<{ Params: { id: string; userId: string } }>('/system-setup/teams/:id/members/:userId/remove', guard, async (request, reply) => {
    await removeTeamMember(ctx, request.principal!, id(request.params.id), id(request.params.userId));
    return reply.redirect('/system-setup/users?done=member-removed', 303);
  });
}
