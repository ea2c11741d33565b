import type { Request, RequestHandler, Response, Router } from 'express'
import type { z } from 'zod'
import { type Access, can } from '../domain/access.ts'
import type { RequestContext } from '../services/context.ts'
import { fieldErrors, sendProblem } from './problem.ts'

/**
 * An API route is declared once: its permission, the zod schemas of what it takes and what
 * it answers, and its handler. The OpenAPI document is generated from these declarations,
 * and a test walks them for every role.
 */
export interface ApiRoute<
  P extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** Express form, e.g. /users/:userId */
  path: string
  access: Access
  summary: string
  tags: string[]
  params?: P
  /** Query string filters: an object of optional strings. */
  query?: Q
  body?: B
  /** Status code → schema of the response body. */
  responses: Record<number, { description: string; schema?: z.ZodType }>
  handler: (input: {
    req: Request
    res: Response
    params: z.output<P>
    query: z.output<Q>
    body: z.output<B>
    ctx: RequestContext
  }) => Promise<{ status: number; body?: unknown }>
}

export function apiRoute<P extends z.ZodType, B extends z.ZodType, Q extends z.ZodType = z.ZodType>(
  route: ApiRoute<P, B, Q>,
): ApiRoute {
  return route as unknown as ApiRoute
}

export function requireApiAccess(access: Access): RequestHandler {
  // Named like the pages' check, so the access test can find it on every route.
  return function requireAccessCheck(_req, res, next) {
    if (access === 'public') return next()
    const actor = res.locals.actor
    if (!actor) return sendProblem(res, 401, 'Send a personal API token: Authorization: Bearer <token>')
    if (!can(actor.role, access)) return sendProblem(res, 403, 'Your role does not allow this.')
    next()
  }
}

export function mountApiRoutes(router: Router, routes: ApiRoute[]) {
  for (const route of routes) {
    router[route.method](route.path, requireApiAccess(route.access), async (req, res) => {
      const actor = res.locals.actor
      const params = route.params ? route.params.safeParse(req.params) : { success: true as const, data: {} }
      if (!params.success) return sendProblem(res, 404, 'No such record.')
      const query = route.query ? route.query.safeParse(req.query) : { success: true as const, data: {} }
      if (!query.success) {
        return sendProblem(res, 400, 'Some query parameters are not valid.', { errors: fieldErrors(query.error) })
      }
      let body: unknown
      if (route.body) {
        const parsed = route.body.safeParse(req.body ?? {})
        if (!parsed.success) {
          return sendProblem(res, 400, 'Some fields are missing or not valid.', { errors: fieldErrors(parsed.error) })
        }
        body = parsed.data
      }
      const result = await route.handler({
        req,
        res,
        params: params.data,
        query: query.data,
        body,
        ctx: { actor, requestId: String(req.id) },
      })
      if (result.body === undefined) res.status(result.status).end()
      else res.status(result.status).json(result.body)
    })
  }
}
