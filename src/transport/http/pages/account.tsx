import type { FastifyInstance } from 'fastify';
import { changePassword, signOutEverywhere } from '../../../app/auth.ts';
import { recordAudit } from '../../../app/audit.ts';
import { SESSION_COOKIE, isSecureRequest } from '../auth.ts';
import { safeNextPath } from '../safe-next.ts';
import type { AppContext } from '../../../app/context.ts';
import { AppError } from '../../../errors.ts';
import { requirePageUser } from '../auth.ts';
import { ErrorSummary, TextInput, fieldErrors, type FieldErrors } from './components.tsx';
import { CsrfField, Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';

function PasswordPage(props: { page: PageInfo; next: string; errors: FieldErrors; mustChange: boolean; changed?: boolean }): JSX.Element {
  if (props.changed) {
    return (
      <Layout page={props.page}>
        <div class="govuk-panel govuk-panel--confirmation">
          <h1 class="govuk-panel__title">Password changed</h1>
        </div>
        <p class="govuk-body">
          <a class="govuk-link" href={props.next}>
            Continue
          </a>
        </p>
      </Layout>
    );
  }
  return (
    <Layout page={props.page}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={props.errors} />
          <h1 class="govuk-heading-l">Change your password</h1>
          {props.mustChange ? <p class="govuk-body">You signed in with a one-time password. Choose a password of your own to continue.</p> : ''}
          <form method="post" action="/account/password" novalidate>
            <CsrfField token={props.page.csrfToken} />
            <input type="hidden" name="next" value={props.next} />
            <TextInput id="currentPassword" name="currentPassword" label="Current password" type="password" autocomplete="current-password" error={props.errors.currentPassword} width="20" />
            <TextInput id="newPassword" name="newPassword" label="New password" hint="At least 12 characters" type="password" autocomplete="new-password" error={props.errors.newPassword} width="20" />
            <TextInput id="confirmPassword" name="confirmPassword" label="Confirm new password" type="password" autocomplete="new-password" error={props.errors.confirmPassword} width="20" />
            <button type="submit" class="govuk-button" data-module="govuk-button">
              Change password
            </button>
          </form>
          <h2 class="govuk-heading-m">Signed in somewhere else?</h2>
          <p class="govuk-body">Sign out of housing365 on every device and browser, including this one.</p>
          <form method="post" action="/account/sign-out-everywhere" novalidate>
            <CsrfField token={props.page.csrfToken} />
            <button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button">
              Sign out everywhere
            </button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

export function registerAccountPages(app: FastifyInstance, ctx: AppContext): void {
  app.post('/account/sign-out-everywhere', { preHandler: requirePageUser() }, async (request, reply) => {
    const user = request.principal!;
    await signOutEverywhere(ctx, user.id);
    await recordAudit(ctx.db, { username: user.username, ip: request.ip }, { action: 'signout.everywhere', entityType: 'session', entityId: user.id, summary: `${user.username} signed out everywhere` });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/sign-in', 303);
  });

  app.get('/account/password', { preHandler: requirePageUser() }, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const page = pageInfo(ctx, request, 'Change your password', null);
    return sendPage(reply, <PasswordPage page={page} next={safeNextPath(q.next)} errors={{}} mustChange={q.first === '1'} />);
  });

  app.post('/account/password', { preHandler: requirePageUser() }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const field = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const next = safeNextPath(body.next);
    const errors: FieldErrors = {};
    if (!field('currentPassword')) errors.currentPassword = 'Enter your current password';
    if (!field('newPassword')) errors.newPassword = 'Enter a new password';
    else if (field('newPassword') !== field('confirmPassword')) errors.confirmPassword = 'The new passwords do not match';
    if (Object.keys(errors).length === 0) {
      try {
        const renewed = await changePassword(ctx, request.principal!.id, field('currentPassword'), field('newPassword'), { ip: request.ip });
        // The old session ended with the change: this browser carries on in a new one.
        reply.setCookie(SESSION_COOKIE, renewed.sessionToken, { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecureRequest(ctx, request) });
        request.sessionToken = renewed.sessionToken;
        request.csrfToken = renewed.csrfToken;
        return sendPage(reply, <PasswordPage page={pageInfo(ctx, request, 'Password changed', null)} next={next} errors={{}} mustChange={false} changed />);
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'validation') throw err;
        Object.assign(errors, fieldErrors(err.fields));
      }
    }
    const page = pageInfo(ctx, request, 'Change your password', null, true);
    return sendPage(reply, <PasswordPage page={page} next={next} errors={errors} mustChange={false} />, 422);
  });
}
