import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../app/context.ts';
import { searchAudit } from '../../../app/audit.ts';
import { viewerOf } from '../../../app/tasks/viewer.ts';
import type { ApiCatalogue } from './define.ts';

const AuditEvent = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  summary: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  sourceIp: z.string().nullable(),
});

const AuditQuery = z.object({
  actor: z.string().max(200).optional(),
  entityType: z.string().max(100).optional(),
  entityId: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  q: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function registerAuditApi(app: FastifyInstance, ctx: AppContext, api: ApiCatalogue): void {
  api.add(app, {
    method: 'GET',
    path: '/audit',
    operationId: 'searchAudit',
    summary: 'Search the audit trail (newest first; page with `before` = the last id seen)',
    tag: 'Audit',
    role: 'admin',
    query: AuditQuery,
    status: 200,
    response: z.object({ events: z.array(AuditEvent) }),
    handler: async ({ query, principal }) => {
      const events = await searchAudit(ctx, await viewerOf(ctx, principal), {
        actor: query.actor,
        entityType: query.entityType,
        entityId: query.entityId,
        action: query.action,
        text: query.q,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
        beforeId: query.before,
        limit: query.limit,
      });
      return { events: events.map((e) => ({ ...e, at: e.at.toISOString() })) };
    },
  });
}
