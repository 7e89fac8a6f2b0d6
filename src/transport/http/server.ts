import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { AppError } from '../../errors.ts';
import { registerAuth } from './auth.ts';
import { registerHealth } from './health.ts';
import { collectDefaultMetrics, httpRequestDuration } from './metrics.ts';
import { problem, sendProblem, toProblem } from './problem.ts';
import { SECURITY_HEADERS, registerSecurityHeaders } from './security-headers.ts';
import { registerInputGuard } from './input-guard.ts';
import { registerStatic } from './static.ts';
import { API_PREFIX, ApiCatalogue } from './api/define.ts';
import { buildOpenApiDocument } from './api/openapi.ts';
import { registerFrvApi } from './api/frvs.ts';
import { registerParameterApi } from './api/parameters.ts';
import { registerStatusApi } from './api/status.ts';
import { registerUserApi } from './api/users.ts';
import { registerTaskApi } from './api/tasks.ts';
import { registerTaskSetupApi } from './api/task-setup.ts';
import { registerTaskPages } from './pages/tasks.tsx';
import { registerComplaintPages } from './pages/complaints.tsx';
import { registerComplaintSetupPages } from './pages/complaint-setup.tsx';
import { registerComplaintApi } from './api/complaints.ts';
import { registerTaskEmailFrame } from './pages/task-email.tsx';
import { registerTaskManagerPages } from './pages/task-manager.tsx';
import { registerInboundPages } from './pages/task-manager-inbound.tsx';
import { registerAppointmentReasonApi } from './api/appointment-reasons.ts';
import { registerBookingApi } from './api/bookings.ts';
import { registerDiaryApi } from './api/diaries.ts';
import { registerAppointmentPages } from './pages/appointments.tsx';
import { registerAccountPages } from './pages/account.tsx';
import { registerDocsPages } from './pages/docs.tsx';
import { sendErrorPage } from './pages/errors.tsx';
import { registerFrvPages } from './pages/frvs.tsx';
import { registerHomePage } from './pages/home.tsx';
import { registerCalendarSyncPages } from './pages/calendar-sync.tsx';
import { registerCalendarSyncApi } from './api/calendar-sync.ts';
import { registerInboundPollApi } from './api/inbound-poll.ts';
import { registerParameterPages } from './pages/parameters.tsx';
import { registerSetupIndex } from './pages/setup.tsx';
import { registerSignInPages } from './pages/sign-in.tsx';
import { registerUserPages } from './pages/users.tsx';
import { registerAuditPages } from './pages/audit.tsx';
import { registerMicrosoftSignIn } from './pages/microsoft-sign-in.tsx';
import { registerSignInSettingsPages } from './pages/sign-in-settings.tsx';
import { registerAuditApi } from './api/audit.ts';
import { registerEmailApi } from './api/emails.ts';
import { registerTemplateApi } from './api/templates.ts';
import { registerOutboxPages } from './pages/outbox.tsx';
import { registerTemplatePages } from './pages/templates.tsx';
import { registerIntegrationPages } from './pages/integration.tsx';
import { registerWebhooks } from './webhooks.ts';
import { registerIntegrationSyncPages } from './pages/integration-sync.tsx';

export interface RegisteredRoute {
  method: string;
  url: string;
}
const registeredRoutes = new WeakMap<FastifyInstance, RegisteredRoute[]>();
/** Every route the server answers (HEAD aside), as registered: tests walk them all, so a new route is covered. */
export const routesOf = (app: FastifyInstance): readonly RegisteredRoute[] => registeredRoutes.get(app) ?? [];

const isApi = (url: string) => url.startsWith(`${API_PREFIX}/`) || url === API_PREFIX;

/** The web UI, the JSON API and the operations endpoints, in one Fastify instance. The caller listens. */
export async function buildServer(ctx: AppContext): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Form posts and JSON bodies here are small; a megabyte is generous.
    bodyLimit: 1024 * 1024,
    // Behind a reverse proxy, HOUSING365_TRUST_PROXY names it: then X-Forwarded-For is the client's
    // address (sign-in lockout, audit) and X-Forwarded-Proto the protocol. Never trusted otherwise.
    trustProxy: ctx.config.trustProxy ?? false,
    // One line per request is written by the onResponse hook below, with the route pattern.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
    // A URL the router cannot take (bad percent-encoding, a path parameter over maxParamLength) is
    // answered like every other refusal: a problem for the API, an error page otherwise.
    frameworkErrors: (err, request, reply) => {
      reply.headers(SECURITY_HEADERS);
      const p =
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? problem('uri_too_long', 414, 'URI too long', 'A part of the address is longer than any name or id here')
          : err.code === 'FST_ERR_BAD_URL'
            ? problem('bad_request', 400, 'Bad request', 'The address has a malformed percent-encoding')
            : toProblem(err, request);
      if (isApi(request.url)) return sendProblem(reply, p);
      return sendErrorPage(ctx, request, reply, p.status, p.detail);
    },
    // Refused before Fastify sees a request (headers or URL over Node's 16 kB limit, unparseable
    // HTTP): a problem body rather than Node's bare status line.
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return socket.destroy();
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'HPE_URI_TOO_LONG' ? 414 : 400;
      const title = status === 431 ? 'Request header fields too large' : status === 414 ? 'URI too long' : 'Bad request';
      const body = JSON.stringify(problem(status === 400 ? 'bad_request' : 'too_large', status, title, status === 400 ? 'The request could not be parsed' : 'The request line or its headers are longer than this server accepts'));
      socket.end(`HTTP/1.1 ${status} ${title}\r\nConnection: close\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    },
  });

  const routes: RegisteredRoute[] = [];
  registeredRoutes.set(app, routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
  });

  collectDefaultMetrics();
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequestDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (!route.startsWith('/assets/')) {
      request.log.info({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    }
  });

  registerSecurityHeaders(app);
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await registerStatic(app);
  registerAuth(app, ctx);
  registerInputGuard(app);

  app.setErrorHandler(async (err, request, reply) => {
    if (isApi(request.url) || request.url === '/openapi.json') return sendProblem(reply, toProblem(err, request));
    const p = toProblem(err, request);
    if (err instanceof AppError && err.code === 'validation') return sendErrorPage(ctx, request, reply, 400, err.message);
    return sendErrorPage(ctx, request, reply, p.status, p.status < 500 ? p.detail : undefined);
  });
  app.setNotFoundHandler(async (request, reply) => {
    if (isApi(request.url)) return sendProblem(reply, problem('not_found', 404, 'Not found', `There is no ${request.method} ${request.url.split('?')[0]}`));
    return sendErrorPage(ctx, request, reply, 404);
  });

  registerHealth(app, ctx);
  registerWebhooks(app, ctx);
  registerIntegrationSyncPages(app, ctx);
  registerSignInPages(app, ctx);
  registerHomePage(app, ctx);
  registerCalendarSyncPages(app, ctx);
  registerAccountPages(app, ctx);
  registerSetupIndex(app, ctx);
  registerParameterPages(app, ctx);
  registerFrvPages(app, ctx);
  registerUserPages(app, ctx);
  registerComplaintPages(app, ctx);
  registerComplaintSetupPages(app, ctx);
  registerTaskPages(app, ctx);
  registerTaskEmailFrame(app, ctx);
  registerTaskManagerPages(app, ctx);
  registerInboundPages(app, ctx);
  registerAppointmentPages(app, ctx);
  registerAuditPages(app, ctx);
  registerMicrosoftSignIn(app, ctx);
  registerSignInSettingsPages(app, ctx);
  registerOutboxPages(app, ctx);
  registerTemplatePages(app, ctx);
  registerIntegrationPages(app, ctx);

  const api = new ApiCatalogue();
  registerParameterApi(app, ctx, api);
  registerFrvApi(app, ctx, api);
  registerUserApi(app, ctx, api);
  registerTaskApi(app, ctx, api);
  registerComplaintApi(app, ctx, api);
  registerTaskSetupApi(app, ctx, api);
  registerAppointmentReasonApi(app, ctx, api);
  registerDiaryApi(app, ctx, api);
  registerBookingApi(app, ctx, api);
  registerStatusApi(app, ctx, api);
  registerCalendarSyncApi(app, ctx, api);
  registerInboundPollApi(app, ctx, api);
  registerAuditApi(app, ctx, api);
  registerEmailApi(app, ctx, api);
  registerTemplateApi(app, ctx, api);

  let openApi: Record<string, unknown> | undefined;
  registerDocsPages(app, ctx, () => (openApi ??= buildOpenApiDocument(api.operations, { version: '1' })));

  return app;
}
