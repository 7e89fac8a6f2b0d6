import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { getParameter, listParameters, setParameter, type ParameterView } from '../../../app/parameters.ts';
import { AppError } from '../../../errors.ts';
import type { ApiCatalogue } from './define.ts';
import { Parameter, ParameterName, SetParameterBody, iso } from './schemas.ts';
import { z } from 'zod';

export function toParameter(v: ParameterView): Parameter {
  const d = v.definition;
  return {
    name: d.name,
    description: d.description,
    required: d.required,
    datatype: d.datatype,
    datatypeLabel: d.datatypeLabel,
    defaultValue: d.defaultValue,
    hint: d.hint,
    value: v.value,
    effective: v.effective,
    updatedAt: iso(v.updatedAt),
    updatedBy: v.updatedBy,
  };
}

export function registerParameterApi(app: FastifyInstance, ctx: AppContext, api: ApiCatalogue): void {
  api.add(app, {
    method: 'GET',
    path: '/parameters',
    operationId: 'listParameters',
    summary: 'List all 15 system parameters with their definitions and values',
    tag: 'Parameters',
    role: 'officer',
    status: 200,
    response: z.array(Parameter),
    handler: async () => (await listParameters(ctx)).map(toParameter),
  });

  api.add(app, {
    method: 'GET',
    path: '/parameters/{name}',
    operationId: 'getParameter',
    summary: 'Get one system parameter',
    tag: 'Parameters',
    role: 'officer',
    params: ParameterName,
    status: 200,
    response: Parameter,
    handler: async ({ params }) => toParameter(await getParameter(ctx, params.name)),
  });

  api.add(app, {
    method: 'PUT',
    path: '/parameters/{name}',
    operationId: 'setParameter',
    summary: 'Set (or clear, with null) a system parameter',
    description: 'The value is validated by the parameter\'s datatype and meaning; a 422 problem names the parameter and the rule it broke.',
    tag: 'Parameters',
    role: 'admin',
    params: ParameterName,
    body: SetParameterBody,
    status: 200,
    response: Parameter,
    handler: async ({ params, body, principal }) => {
      try {
        return toParameter(await setParameter(ctx, principal, params.name, body.value));
      } catch (err) {
        // The use case names the parameter as the field; in this request the field at fault is "value".
        if (err instanceof AppError && err.code === 'validation') {
          throw new AppError('validation', err.message, err.fields.map((f) => ({ field: 'value', message: f.message })));
        }
        throw err;
      }
    },
  });
}
