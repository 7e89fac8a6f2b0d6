import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { Layout, pageInfo, sendPage } from './layout.tsx';

function MessagePage(props: { page: ReturnType<typeof pageInfo>; heading: string; body: string }): JSX.Element {
  return (
    <Layout page={props.page}>
      <h1 class="govuk-heading-l" safe>
        {props.heading}
      </h1>
      <p class="govuk-body" safe>
        {props.body}
      </p>
      <p class="govuk-body">
        <a class="govuk-link" href="/">
          Go to the home page
        </a>
      </p>
    </Layout>
  );
}

export function sendErrorPage(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, status: number, detail?: string): Promise<FastifyReply> {
  const [heading, body] =
    status === 403
      ? ['You do not have access to this page', detail ?? 'This page is for administrators. Ask an administrator if you need it.']
      : status === 404
        ? ['Page not found', detail ?? 'If you typed the web address, check it is correct.']
        : status < 500
          ? ['There is a problem with the request', detail ?? 'Go back and try again.']
          : ['Sorry, there is a problem with the service', 'Try again later. The problem has been logged.'];
  return sendPage(reply, <MessagePage page={pageInfo(ctx, request, heading, null)} heading={heading} body={body} />, status);
}

/** Page guard for System Setup: signed-in officers get a 403 page, not a redirect loop. */
export function requirePageAdmin(ctx: AppContext): preHandlerAsyncHookHandler {
  return async function (request: FastifyRequest, reply: FastifyReply) {
    if (!request.principal || request.authVia !== 'session') {
      return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    }
    if (request.principal.role !== 'admin') return sendErrorPage(ctx, request, reply, 403);
  };
}
