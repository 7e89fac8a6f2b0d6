import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../app/context.ts';
import { addProductArea, listProductAreas, updateProductArea } from '../../../app/appointments/product-areas.ts';
import { addReason, getReason, listReasons, updateReason } from '../../../app/appointments/reasons.ts';
import type { ApiCatalogue } from './define.ts';

const TAG = 'Appointment set-up';

export const ProductAreaDto = z.object({ code: z.string(), name: z.string(), active: z.boolean() }).meta({ id: 'ProductArea' });
export const ReasonDto = z
  .object({ code: z.string(), description: z.string(), kind: z.enum(['book', 'move', 'cancel']), active: z.boolean(), productAreas: z.array(z.string()) })
  .meta({ id: 'AppointmentReason' });
const CodeParam = z.object({ code: z.string().min(1).max(20) });

export function registerAppointmentReasonApi(app: FastifyInstance, ctx: AppContext, api: ApiCatalogue): void {
  api.add(app, {
    method: 'GET', path: '/product-areas', operationId: 'listProductAreas', summary: 'List product areas', tag: TAG, role: 'officer',
    status: 200, response: z.array(ProductAreaDto),
    handler: async () => listProductAreas(ctx),
  });
  api.add(app, {
    method: 'POST', path: '/product-areas', operationId: 'addProductArea',
    summary: 'Add a product area (the Outlook cancel and move reasons are linked to it at once)', tag: TAG, role: 'admin',
    body: z.object({ code: z.string().max(20), name: z.string().max(200) }).strict().meta({ id: 'NewProductArea' }),
    status: 201, response: ProductAreaDto,
    handler: async ({ body, principal }) => addProductArea(ctx, principal, body),
  });
  api.add(app, {
    method: 'PATCH', path: '/product-areas/{code}', operationId: 'updateProductArea', summary: 'Rename or (de)activate a product area', tag: TAG, role: 'admin',
    params: CodeParam, body: z.object({ name: z.string().max(200).optional(), active: z.boolean().optional() }).strict(),
    status: 200, response: ProductAreaDto,
    handler: async ({ params, body, principal }) => updateProductArea(ctx, principal, params.code, body),
  });
  api.add(app, {
    method: 'GET', path: '/appointment-reasons', operationId: 'listAppointmentReasons', summary: 'List appointment reasons (Estates › Appointments › Appointment Reasons)', tag: TAG, role: 'officer',
    query: z.object({ kind: z.enum(['book', 'move', 'cancel']).optional(), productArea: z.string().max(20).optional() }),
    status: 200, response: z.array(ReasonDto),
    handler: async ({ query }) => listReasons(ctx, query),
  });
  api.add(app, {
    method: 'GET', path: '/appointment-reasons/{code}', operationId: 'getAppointmentReason', summary: 'One appointment reason', tag: TAG, role: 'officer',
    params: CodeParam, status: 200, response: ReasonDto,
    handler: async ({ params }) => getReason(ctx, params.code),
  });
  api.add(app, {
    method: 'POST', path: '/appointment-reasons', operationId: 'addAppointmentReason', summary: 'Add an appointment reason', tag: TAG, role: 'admin',
    body: z
      .object({ code: z.string().max(20), description: z.string().max(200), kind: z.enum(['book', 'move', 'cancel']), productAreas: z.array(z.string().max(20)).optional() })
      .strict()
      .meta({ id: 'NewAppointmentReason' }),
    status: 201, response: ReasonDto,
    handler: async ({ body, principal }) => addReason(ctx, principal, body),
  });
  api.add(app, {
    method: 'PATCH', path: '/appointment-reasons/{code}', operationId: 'updateAppointmentReason',
    summary: 'Change a reason’s description, product areas or active flag', description: 'The reasons named by APPT_OUTLOOK365_CANCEL_RSN / APPT_OUTLOOK365_MOVE_RSN must stay active and linked to all product areas.',
    tag: TAG, role: 'admin', params: CodeParam,
    body: z.object({ description: z.string().max(200).optional(), active: z.boolean().optional(), productAreas: z.array(z.string().max(20)).optional() }).strict(),
    status: 200, response: ReasonDto,
    handler: async ({ params, body, principal }) => updateReason(ctx, principal, params.code, body),
  });
}
