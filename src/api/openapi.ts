import { z } from 'zod'
import { problemSchema } from './problem.ts'
import type { ApiRoute } from './routing.ts'

/** The OpenAPI 3.1 document, generated from the route declarations and their zod schemas. */
export function openApiDocument(routes: ApiRoute[], version: string) {
  const toSchema = (schema: z.ZodType, io: 'input' | 'output') =>
    z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' })
  const problemResponse = (description: string) => ({
    description,
    content: { 'application/problem+json': { schema: toSchema(problemSchema, 'output') } },
  })
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    const openPath = route.path.replace(/:(\w+)/g, '{$1}')
    const pathParameters = route.params
      ? Object.entries((route.params as z.ZodObject).shape).map(([name, schema]) => ({
          name,
          in: 'path',
          required: true,
          schema: toSchema(schema as z.ZodType, 'input'),
        }))
      : []
    const queryParameters = route.query
      ? Object.entries((route.query as z.ZodObject).shape).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          ...((schema as z.ZodType).description ? { description: (schema as z.ZodType).description } : {}),
          schema: toSchema(schema as z.ZodType, 'input'),
        }))
      : []
    const parameters =
      pathParameters.length + queryParameters.length ? [...pathParameters, ...queryParameters] : undefined
    const responses: Record<string, unknown> = {}
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { 'application/json': { schema: toSchema(response.schema, 'output') } } }
          : {}),
      }
      if (Number(status) >= 400) responses[status] = problemResponse(response.description)
    }
    if (route.access !== 'public') {
      responses['401'] = problemResponse('No valid token')
      responses['403'] = problemResponse('Your role does not allow this')
    }
    paths[openPath] ??= {}
    paths[openPath][route.method] = {
      summary: route.summary,
      tags: route.tags,
      operationId: `${route.method}${openPath.replace(/[{}]/g, '').replace(/\/(\w)/g, (_m, c: string) => c.toUpperCase())}`,
      'x-hearth-permission': route.access,
      ...(route.access === 'public' ? { security: [] } : {}),
      ...(parameters ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } },
          }
        : {}),
      responses,
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hearth API',
      version,
      description:
        'Personal API tokens are created in Hearth (Your account, API tokens) or with `hearth tokens create`.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearerAuth: [] }],
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    paths,
  }
}
