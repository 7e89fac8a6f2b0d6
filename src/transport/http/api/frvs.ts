import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../app/context.ts';
import { addFrv, deactivateFrv, listFrvs, updateFrv, type FrvView } from '../../../app/frvs.ts';
import type { ApiCatalogue } from './define.ts';
import { Frv, FrvDomainParam, FrvKeyParams, FrvPatch, FrvQuery, NewFrv } from './schemas.ts';

const toFrv = (v: FrvView): z.infer<typeof Frv> => ({ domain: v.domain, code: v.code, description: v.description, active: v.active });

export function registerFrvApi(app: FastifyInstance, ctx: AppContext, api: ApiCatalogue): void {
  api.add(app, {
    method: 'GET',
    path: '/frvs',
    operationId: 'listFrvs',
    summary: 'List first reference values, active and inactive',
    tag: 'First reference values',
    role: 'officer',
    query: FrvQuery,
    status: 200,
    response: z.array(Frv),
    handler: async ({ query }) => (await listFrvs(ctx, query.domain)).map(toFrv),
  });

  api.add(app, {
    method: 'GET',
    path: '/frvs/{domain}',
    operationId: 'listFrvsOfDomain',
    summary: 'List the values of one domain (EXCHANGE_INBOX or EMAIL_ATT_FILETYPE)',
    tag: 'First reference values',
    role: 'officer',
    params: FrvDomainParam,
    status: 200,
    response: z.array(Frv),
    handler: async ({ params }) => (await listFrvs(ctx, params.domain)).map(toFrv),
  });

  api.add(app, {
    method: 'POST',
    path: '/frvs',
    operationId: 'addFrv',
    summary: 'Add a value to a domain',
    tag: 'First reference values',
    role: 'admin',
    body: NewFrv,
    problems: { 409: 'The domain already has this code' },
    status: 201,
    response: Frv,
    handler: async ({ body, principal }) => toFrv(await addFrv(ctx, principal, body)),
  });

  api.add(app, {
    method: 'PATCH',
    path: '/frvs/{domain}/{code}',
    operationId: 'updateFrv',
    summary: 'Change the description of a value, or (re)activate it',
    tag: 'First reference values',
    role: 'admin',
    params: FrvKeyParams,
    body: FrvPatch,
    status: 200,
    response: Frv,
    handler: async ({ params, body, principal }) => toFrv(await updateFrv(ctx, principal, params.domain, params.code, body)),
  });

  api.add(app, {
    method: 'DELETE',
    path: '/frvs/{domain}/{code}',
    operationId: 'deactivateFrv',
    summary: 'Deactivate a value (it is kept, and can be reactivated with PATCH)',
    tag: 'First reference values',
    role: 'admin',
    params: FrvKeyParams,
    status: 200,
    response: Frv,
    handler: async ({ params, principal }) => toFrv(await deactivateFrv(ctx, principal, params.domain, params.code)),
  });
}
