import { z } from 'zod';
import { ProblemSchema } from '../problem.ts';
import { API_PREFIX, type AnyOperation } from './define.ts';

type JsonSchema = Record<string, unknown>;

/**
 * Builds an OpenAPI 3.1 document from the registered operations. zod 4 emits JSON Schema 2020-12,
 * which is OpenAPI 3.1's schema dialect; named schemas (`.meta({ id })`) become components.
 */
export function buildOpenApiDocument(operations: AnyOperation[], info: { version: string }): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  const convert = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
    const { $schema: _dialect, $defs, ...rest } = json;
    for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) components[name] = def;
    return JSON.parse(JSON.stringify(rest).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
  };
  const problemRef = (description: string) => ({
    description,
    content: { 'application/problem+json': { schema: convert(ProblemSchema, 'output') } },
  });

  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const parameters: unknown[] = [];
    for (const [where, schema] of [['path', op.params], ['query', op.query]] as const) {
      if (!schema) continue;
      const json = convert(schema, 'input');
      const props = (json.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((json.required ?? []) as string[]);
      for (const [name, prop] of Object.entries(props)) {
        const { description, ...propSchema } = prop;
        parameters.push({ name, in: where, required: where === 'path' || required.has(name), description, schema: propSchema });
      }
    }
    const responses: Record<string, unknown> = {
      [String(op.status)]: op.response
        ? { description: 'Success', content: { 'application/json': { schema: convert(op.response, 'output') } } }
        : { description: 'Done; no content' },
      '400': problemRef('Malformed request: unparseable JSON, a NUL or lone surrogate in any text (`errors` names the field), a malformed address, or a value the database cannot hold'),
      '401': problemRef('No valid session or API token'),
      '403': problemRef(`${op.role === 'admin' ? 'The caller is not an admin, or the' : 'The'} CSRF token is missing (cookie sessions), or the session's one-time password has not been changed yet`),
    };
    if (op.params || op.path.includes('{')) responses['404'] = problemRef('No such resource');
    if (op.body || op.query || op.params) responses['422'] = problemRef('Invalid input; `errors` names each field at fault');
    for (const [status, description] of Object.entries(op.problems ?? {})) responses[status] = problemRef(description);
    const operation: Record<string, unknown> = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: convert(op.body, 'input') } } } } : {}),
      responses,
      'x-required-role': op.role,
    };
    (paths[API_PREFIX + op.path] ??= {})[op.method.toLowerCase()] = operation;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'housing365 API',
      version: info.version,
      description:
        'Parameters, first reference values, users and teams, integration status and licence of housing365. ' +
        'Authenticate with an API token (`housing365 tokens create`) as `Authorization: Bearer <token>`; ' +
        'a signed-in browser session also works, with the `X-CSRF-Token` header on unsafe methods. ' +
        'Errors are RFC 9457 problem details.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token from `housing365 tokens create`' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'housing365_session' },
      },
    },
  };
}
