import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { getIntegrationStatus } from '../../../app/integration.ts';
import { getLicenceState } from '../../../app/licence.ts';
import type { ApiCatalogue } from './define.ts';
import { IntegrationStatus, Licence, iso } from './schemas.ts';

export function registerStatusApi(app: FastifyInstance, ctx: AppContext, api: ApiCatalogue): void {
  api.add(app, {
    method: 'GET',
    path: '/integration/status',
    operationId: 'getIntegrationStatus',
    summary: 'Which Outlook 365 flows run, and exactly why the others do not',
    tag: 'Integration',
    role: 'officer',
    status: 200,
    response: IntegrationStatus,
    handler: async () => {
      const s = await getIntegrationStatus(ctx);
      return { outlook365: s.outlook365, licensed: s.licensed, flows: s.flows, problems: s.problems };
    },
  });

  api.add(app, {
    method: 'GET',
    path: '/licence',
    operationId: 'getLicence',
    summary: 'The installed licence and whether it is valid',
    tag: 'Integration',
    role: 'officer',
    status: 200,
    response: Licence,
    handler: async () => {
      const l = await getLicenceState(ctx);
      return {
        valid: l.valid,
        features: l.features,
        ...(l.customer ? { customer: l.customer } : {}),
        ...(l.expiresAt ? { expiresAt: iso(l.expiresAt)! } : {}),
        ...(l.problem ? { problem: l.problem } : {}),
      };
    },
  });
}
