import { z } from 'zod';
import { errorStatus } from '../domain/errors';
import type { RouteDef } from './route';

const schemaOf = (s: z.ZodType | undefined, io: 'input' | 'output' = 'input') =>
  s ? (z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>) : undefined;

/** The OpenAPI 3.1 document, generated from the same route table the router uses. */
export function openApiDocument(routes: RouteDef[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const params = r.params ? Object.keys((schemaOf(r.params)?.properties as object) ?? {}) : [];
    const query = schemaOf(r.query);
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      security: r.access === 'public' ? [] : [{ session: [] }, ...(r.bearerToken ? [{ bearer: [] }] : [])],
      'x-access': r.access,
      parameters: [
        ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
        ...Object.entries((query?.properties as Record<string, unknown>) ?? {}).map(([name, schema]) => ({
          name,
          in: 'query',
          required: ((query?.required as string[]) ?? []).includes(name),
          schema,
        })),
      ],
      responses: {
        [String(r.status ?? 200)]: { description: 'OK' },
        default: {
          description: 'Error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
    const body = schemaOf(r.body);
    if (body) op.requestBody = { required: true, content: { 'application/json': { schema: body } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Dalgona API', version: '0.1.0', description: 'Coffee-bean subscription marketplace' },
    paths,
    components: {
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'dalgona_sid',
          description: 'Mutations also need X-CSRF-Token = the dalgona_csrf cookie',
        },
        bearer: { type: 'http', scheme: 'bearer', description: 'An operator token (the codec: CODEC_TOKEN)' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { enum: Object.keys(errorStatus) },
                message: { type: 'string' },
                details: {},
              },
            },
          },
        },
      },
    },
  };
}
