import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { LOCKOUT_MESSAGE, localSignInEnabled, signIn, signOut } from '../../../app/auth.ts';
import { microsoftSignInAvailable } from '../../../app/entra-signin.ts';
import type { AppContext } from '../../../app/context.ts';
import { AppError } from '../../../errors.ts';
import { SESSION_COOKIE, constantTimeEqual, isSecureRequest } from '../auth.ts';
import { problem, sendProblem } from '../problem.ts';
import { safeNextPath } from '../safe-next.ts';
import { ErrorSummary, TextInput, type FieldErrors } from './components.tsx';
import { Layout, pageInfo, sendPage } from './layout.tsx';

// Before there is a session, the sign-in form is protected by a double-submit token: a random value in
// a SameSite=Strict cookie that the form must echo. Another site can neither read the cookie nor make
// the browser send it, so it cannot sign a victim in to an account of its choosing.
const SIGN_IN_COOKIE = 'housing365_signin';

const SignInForm = z.object({
  username: z.string().trim().default(''),
  password: z.string().default(''),
  _csrf: z.string().default(''),
  next: z.string().default('/'),
});


function SignInPage(props: { page: ReturnType<typeof pageInfo>; token: string; next: string; username?: string; errors: FieldErrors; microsoft: boolean; local: boolean }): JSX.Element {
  return (
    <Layout page={props.page}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-one-half">
          <ErrorSummary errors={props.errors} />
          <h1 class="govuk-heading-l">Sign in to housing365</h1>
          {props.microsoft ? (
            <>
              <a href={`/sign-in/microsoft?next=${encodeURIComponent(props.next)}`} role="button" draggable="false" class="govuk-button govuk-button--start" data-module="govuk-button">
                Sign in with Microsoft
              </a>
              {props.local ? <p class="govuk-body">Or sign in with your housing365 username and password.</p> : ''}
            </>
          ) : (
            ''
          )}
          {props.local ? (
          <form method="post" action="/sign-in" novalidate>
            <input type="hidden" name="_csrf" value={props.token} />
            <input type="hidden" name="next" value={props.next} />
            <TextInput id="username" name="username" label="Username" value={props.username} error={props.errors.username} autocomplete="username" spellcheck={false} width="20" />
            <TextInput id="password" name="password" label="Password" type="password" error={props.errors.password} autocomplete="current-password" width="20" />
            <button type="submit" class="govuk-button" data-module="govuk-button">
              Sign in
            </button>
          </form>
          ) : (
            ''
          )}
        </div>
      </div>
    </Layout>
  );
}

export function registerSignInPages(app: FastifyInstance, ctx: AppContext): void {
  const render = async (request: FastifyRequest, reply: FastifyReply, opts: { next: string; username?: string; errors?: FieldErrors; status?: number }) => {
    const token = randomBytes(24).toString('base64url');
    reply.setCookie(SIGN_IN_COOKIE, token, { path: '/sign-in', httpOnly: true, sameSite: 'strict', secure: isSecureRequest(ctx, request) });
    const errors = opts.errors ?? {};
    const page = { ...pageInfo(ctx, request, 'Sign in', null, Object.keys(errors).length > 0), principal: null, csrfToken: null };
    const local = await localSignInEnabled(ctx);
    return sendPage(reply, <SignInPage page={page} token={token} next={opts.next} username={opts.username} errors={errors} microsoft={microsoftSignInAvailable(ctx)} local={local} />, opts.status);
  };

  app.get('/sign-in', async (request, reply) => {
    const next = safeNextPath((request.query as Record<string, unknown>).next);
    if (request.principal && request.authVia === 'session') return reply.redirect(next, 303);
    return render(request, reply, { next });
  });

  app.post('/sign-in', async (request, reply) => {
    const form = SignInForm.parse(request.body ?? {});
    const cookie = request.cookies[SIGN_IN_COOKIE];
    if (!cookie || !form._csrf || !constantTimeEqual(cookie, form._csrf)) {
      return sendProblem(reply, problem('csrf', 403, 'Forbidden', 'The sign-in form had expired or was not sent from this site; reload the page and try again'));
    }
    const next = safeNextPath(form.next);
    const errors: FieldErrors = {};
    if (!form.username) errors.username = 'Enter your username';
    if (!form.password) errors.password = 'Enter your password';
    if (Object.keys(errors).length > 0) return render(request, reply, { next, username: form.username, errors, status: 422 });
    try {
      const { sessionToken, mustChangePassword } = await signIn(ctx, form.username, form.password, { ip: request.ip });
      reply.clearCookie(SIGN_IN_COOKIE, { path: '/sign-in' });
      reply.setCookie(SESSION_COOKIE, sessionToken, { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecureRequest(ctx, request) });
      // A one-time password (from an admin or first start) is replaced before anything else.
      if (mustChangePassword) return reply.redirect(`/account/password?first=1&next=${encodeURIComponent(next)}`, 303);
      return reply.redirect(next, 303);
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'unauthenticated' && err.code !== 'forbidden')) throw err;
      // The same words whether the username or the password was wrong; the lockout message is the same
      // whether or not the account exists.
      const message = err.message === LOCKOUT_MESSAGE || err.code === 'forbidden' ? err.message : 'The username or password is not right';
      return render(request, reply, { next, username: form.username, errors: { username: message }, status: err.code === 'forbidden' ? 403 : 401 });
    }
  });

  app.post('/sign-out', async (request, reply) => {
    if (request.sessionToken) await signOut(ctx, request.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/sign-in', 303);
  });
}
