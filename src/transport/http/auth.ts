import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { resolveApiToken, resolveSession } from '../../app/auth.ts';
import type { Principal } from '../../app/context.ts';
import { problem, sendProblem } from './problem.ts';

export const SESSION_COOKIE = 'housing365_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, from the session cookie or an API bearer token; null when anonymous. */
    principal: Principal | null;
    authVia: 'session' | 'token' | null;
    /** The session's synchronizer token, present only for cookie sessions. */
    csrfToken: string | null;
    sessionToken: string | null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// What a user holding a one-time password may do: replace it, or leave. (Assets, /healthz, /readyz and
// /metrics do not look at the session at all.)
const OPEN_BEFORE_PASSWORD_CHANGE = new Set(['GET /account/password', 'POST /account/password', 'POST /sign-out', 'POST /account/sign-out-everywhere', 'GET /sign-in']);
// Requests that never need to know the caller: skip the session lookup (a database round trip).
// /metrics has its own scrape token, never a session or an API token.
const ANONYMOUS_PREFIXES = ['/assets/', '/healthz', '/readyz', '/metrics', '/favicon.ico'];

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function isSecureRequest(ctx: AppContext, request: FastifyRequest): boolean {
  const setting = ctx.config.cookieSecure;
  if (setting !== 'auto') return setting;
  return request.protocol === 'https' || (ctx.config.publicBaseUrl?.startsWith('https:') ?? false);
}

export function registerAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('authVia', null);
  app.decorateRequest('csrfToken', null);
  app.decorateRequest('sessionToken', null);

  app.addHook('onRequest', async (request) => {
    if (ANONYMOUS_PREFIXES.some((p) => request.url.startsWith(p))) return;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      // A bearer token, when given, decides alone: a bad token is not rescued by a cookie.
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const principal = match ? await resolveApiToken(ctx, match[1]) : null;
      if (principal) {
        request.principal = principal;
        request.authVia = 'token';
      }
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await resolveSession(ctx, token);
    if (!session) return;
    request.principal = session.user;
    request.authVia = 'session';
    request.csrfToken = session.csrfToken;
    request.sessionToken = token;
  });

  // A user who signed in with a one-time password chooses their own before anything else: nothing but
  // the password form and signing out is open to them. Pages send them to the password page; form
  // posts and API calls on that session are refused (a one-time password has been seen by whoever
  // issued it, so it must not be enough to act).
  app.addHook('preHandler', async (request, reply) => {
    if (!request.principal?.mustChangePassword || request.authVia !== 'session') return;
    // The route pattern, not the raw path: `/account/password/` or `/account//password` are the same route.
    const route = request.routeOptions.url;
    if (route === undefined || OPEN_BEFORE_PASSWORD_CHANGE.has(`${request.method} ${route}`)) return;
    if (route.startsWith('/api/')) {
      return sendProblem(reply, problem('password_change_required', 403, 'Forbidden', 'You signed in with a one-time password: choose your own at /account/password first'));
    }
    if (request.method === 'GET') return reply.redirect(`/account/password?first=1&next=${encodeURIComponent(request.url)}`, 303);
    return reply.redirect('/account/password?first=1', 303);
  });

  // Synchronizer-token CSRF check for every unsafe request that rides on the session cookie. Bearer
  // calls are exempt: a browser never attaches an Authorization header on its own.
  app.addHook('preHandler', async (request, reply) => {
    if (!UNSAFE.has(request.method) || request.authVia !== 'session') return;
    const sent = csrfFrom(request);
    if (!sent || !request.csrfToken || !constantTimeEqual(sent, request.csrfToken)) {
      return sendProblem(reply, problem('csrf', 403, 'Forbidden', 'The form was missing its security token or it did not match your session; reload the page and try again'));
    }
  });
}

function csrfFrom(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string' && header) return header;
  const body = request.body as Record<string, unknown> | undefined;
  return body && typeof body === 'object' && typeof body._csrf === 'string' ? body._csrf : undefined;
}

/** Page guard: anonymous visitors go to the sign-in page, and come back afterwards. */
export function requirePageUser(): preHandlerAsyncHookHandler {
  return async function (request: FastifyRequest, reply: FastifyReply) {
    if (request.principal && request.authVia === 'session') return;
    const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
    return reply.redirect(`/sign-in${next}`, 303);
  };
}

/** API guard: 401 for anonymous callers, 403 when the role is not enough. */
export function requireApiRole(role: 'officer' | 'admin'): preHandlerAsyncHookHandler {
  return async function (request: FastifyRequest, reply: FastifyReply) {
    if (!request.principal) {
      reply.header('www-authenticate', 'Bearer realm="housing365"');
      return sendProblem(reply, problem('unauthenticated', 401, 'Sign-in required', 'Send an API token as "Authorization: Bearer <token>", or sign in'));
    }
    if (role === 'admin' && request.principal.role !== 'admin') {
      return sendProblem(reply, problem('forbidden', 403, 'Forbidden', 'This operation needs the admin role'));
    }
  };
}
