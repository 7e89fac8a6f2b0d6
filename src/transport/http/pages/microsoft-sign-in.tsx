import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { beginMicrosoftSignIn, completeMicrosoftSignIn, microsoftSignInAvailable } from '../../../app/entra-signin.ts';
import { AppError } from '../../../errors.ts';
import { SESSION_COOKIE, isSecureRequest } from '../auth.ts';
import { safeNextPath } from '../safe-next.ts';
import { sendErrorPage } from './errors.tsx';

// "Sign in with Microsoft": /sign-in/microsoft sends the browser to Entra ID (or the emulator), which
// sends it back to /sign-in/microsoft/callback with a code. State, nonce and the PKCE verifier are kept
// server-side (oidc_pending), so the callback needs no cookie of its own.

export function callbackUrlFor(ctx: AppContext, request: FastifyRequest): string {
  const base = ctx.config.publicBaseUrl ?? `${request.protocol}://${request.host}`;
  return `${base.replace(/\/$/, '')}/sign-in/microsoft/callback`;
}

export function registerMicrosoftSignIn(app: FastifyInstance, ctx: AppContext): void {
  app.get('/sign-in/microsoft', async (request, reply) => {
    if (!microsoftSignInAvailable(ctx)) return sendErrorPage(ctx, request, reply, 404);
    const next = safeNextPath((request.query as Record<string, unknown>).next);
    try {
      const url = await beginMicrosoftSignIn(ctx, callbackUrlFor(ctx, request), next);
      return reply.redirect(url, 303);
    } catch (err) {
      request.log.error({ err: (err as Error).message }, 'Microsoft sign-in could not start');
      return sendErrorPage(ctx, request, reply, 503, 'Microsoft sign-in is not reachable just now. Try again, or sign in with your housing365 password.');
    }
  });

  app.get('/sign-in/microsoft/callback', async (request, reply) => {
    if (!microsoftSignInAvailable(ctx)) return sendErrorPage(ctx, request, reply, 404);
    const url = new URL(request.url, callbackUrlFor(ctx, request));
    try {
      const { sessionToken, nextPath } = await completeMicrosoftSignIn(ctx, url, { ip: request.ip });
      reply.setCookie(SESSION_COOKIE, sessionToken, { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecureRequest(ctx, request) });
      return reply.redirect(safeNextPath(nextPath), 303);
    } catch (err) {
      if (err instanceof AppError && err.code === 'unauthenticated') return sendErrorPage(ctx, request, reply, 401, err.message);
      throw err;
    }
  });
}
