import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { localSignInEnabled, setLocalSignIn } from '../../../app/auth.ts';
import { addGroupMapping, listGroupMappings, microsoftSignInAvailable, removeGroupMapping, type GroupMapping } from '../../../app/entra-signin.ts';
import { listTeams, type Team } from '../../../app/users.ts';
import { AppError } from '../../../errors.ts';
import { CsrfField, Layout, pageInfo, sendPage } from './layout.tsx';
import { ErrorSummary, Radios, Select, SuccessBanner, TextInput, fieldErrors, type FieldErrors } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';
import { SetupNav } from './setup.tsx';

const PATH = '/system-setup/sign-in';
const DONE: Record<string, string> = { added: 'Group mapping added', removed: 'Group mapping removed', local: 'Password sign-in setting saved' };

interface Props {
  mappings: GroupMapping[];
  teams: Team[];
  localOn: boolean;
  available: boolean;
  banner?: string;
  values?: Record<string, string>;
  errors?: FieldErrors;
}

function MappingTable({ mappings, csrf }: { mappings: GroupMapping[]; csrf: string | null }): JSX.Element {
  if (mappings.length === 0) return <p class="govuk-body">No Entra groups are mapped yet: people who sign in with Microsoft keep the role and teams given here.</p>;
  return (
    <table class="govuk-table">
      <caption class="govuk-table__caption govuk-table__caption--m">Entra groups mapped to roles and teams</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">Entra group id</th>
          <th scope="col" class="govuk-table__header">Role</th>
          <th scope="col" class="govuk-table__header">Team</th>
          <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {mappings.map((m) => (
          <tr class="govuk-table__row">
            <td class="govuk-table__cell" safe>{m.groupId}</td>
            <td class="govuk-table__cell" safe>{m.role ?? ''}</td>
            <td class="govuk-table__cell" safe>{m.teamCode ?? ''}</td>
            <td class="govuk-table__cell">
              <form method="post" action={`${PATH}/mappings/${m.id}/remove`} class="app-inline-form">
                <CsrfField token={csrf} />
                <button type="submit" class="govuk-button govuk-button--warning govuk-!-margin-bottom-0" data-module="govuk-button">
                  Remove<span class="govuk-visually-hidden" safe>{` mapping of ${m.groupId}`}</span>
                </button>
              </form>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function registerSignInSettingsPages(app: FastifyInstance, ctx: AppContext): void {
  const render = async (request: FastifyRequest, reply: FastifyReply, extra: Partial<Props> = {}, status = 200) => {
    const errors = extra.errors ?? {};
    const page = pageInfo(ctx, request, 'Staff sign-in', 'setup', Object.keys(errors).length > 0);
    const [mappings, teams, localOn] = await Promise.all([listGroupMappings(ctx), listTeams(ctx), localSignInEnabled(ctx)]);
    const v = extra.values ?? {};
    return sendPage(
      reply,
      <Layout page={page}>
        <SetupNav current="sign-in" />
        {extra.banner ? <SuccessBanner heading={extra.banner} /> : ''}
        <ErrorSummary errors={errors} />
        <h1 class="govuk-heading-l">Staff sign-in</h1>
        <p class="govuk-body">
          {microsoftSignInAvailable(ctx)
            ? 'Sign in with Microsoft is on: staff use their Microsoft 365 account. A first sign-in links to the housing365 user with the same email address, or creates an officer.'
            : 'Sign in with Microsoft is not configured: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (see the README, "Staff sign-in with Microsoft").'}
        </p>
        <MappingTable mappings={mappings} csrf={page.csrfToken} />
        <h2 class="govuk-heading-m">Map an Entra group</h2>
        <p class="govuk-body">At each Microsoft sign-in, members of a mapped group get its role (admin wins over officer) and are put in its team; people who left a mapped team's groups are taken out of that team.</p>
        <form method="post" action={`${PATH}/mappings`} novalidate>
          <CsrfField token={page.csrfToken} />
          <TextInput id="groupId" name="groupId" label="Entra group object id" hint="A GUID, from Entra ID › Groups › the group › Object ID" value={v.groupId} error={errors.groupId} width="30" spellcheck={false} />
          <Select id="role" name="role" label="Role" value={v.role} error={errors.role} items={[{ value: '', text: 'No role change' }, { value: 'officer', text: 'officer' }, { value: 'admin', text: 'admin' }]} />
          <Select id="teamCode" name="teamCode" label="Team" value={v.teamCode} error={errors.teamCode} items={[{ value: '', text: 'No team' }, ...teams.map((t) => ({ value: t.code, text: `${t.code} – ${t.name}` }))]} />
          <button type="submit" class="govuk-button" data-module="govuk-button">Add mapping</button>
        </form>
        <h2 class="govuk-heading-m">Password sign-in</h2>
        <form method="post" action={`${PATH}/local`} novalidate>
          <CsrfField token={page.csrfToken} />
          <Radios
            id="local"
            name="local"
            legend="Can staff sign in with a housing365 password?"
            hint="Switch this off once everyone signs in with Microsoft. To switch it back on without the web page: housing365 signin local on"
            value={localOn ? 'on' : 'off'}
            items={[{ value: 'on', text: 'Yes, as well as with Microsoft' }, { value: 'off', text: 'No, only with Microsoft' }]}
          />
          <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Save</button>
        </form>
      </Layout>,
      status,
    );
  };

  app.get(PATH, { preHandler: requirePageAdmin(ctx) }, async (request, reply) => {
    const done = (request.query as Record<string, string>).done;
    return render(request, reply, { banner: DONE[done] });
  });

  app.post(`${PATH}/mappings`, { preHandler: requirePageAdmin(ctx) }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string>;
    try {
      await addGroupMapping(ctx, request.principal!, { groupId: String(body.groupId ?? ''), role: body.role, teamCode: body.teamCode });
      return reply.redirect(`${PATH}?done=added`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      return render(request, reply, { values: body, errors: fieldErrors(err.fields) }, 422);
    }
  });

  app.post(`${PATH}/mappings/:id/remove`, { preHandler: requirePageAdmin(ctx) }, async (request, reply) => {
    const id = Number((request.params as Record<string, string>).id);
    if (!Number.isInteger(id)) throw new AppError('not_found', 'No such mapping');
    await removeGroupMapping(ctx, request.principal!, id);
    return reply.redirect(`${PATH}?done=removed`, 303);
  });

  app.post(`${PATH}/local`, { preHandler: requirePageAdmin(ctx) }, async (request, reply) => {
    const local = ((request.body ?? {}) as Record<string, string>).local;
    if (local !== 'on' && local !== 'off') return render(request, reply, { errors: { local: 'Choose whether staff can sign in with a password' } }, 422);
    if (local === 'off' && !microsoftSignInAvailable(ctx)) {
      return render(request, reply, { errors: { local: 'Password sign-in cannot be switched off until Sign in with Microsoft is configured' } }, 422);
    }
    await setLocalSignIn(ctx, request.principal!, local === 'on');
    return reply.redirect(`${PATH}?done=local`, 303);
  });
}
