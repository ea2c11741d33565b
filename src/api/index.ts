import express, { type ErrorRequestHandler, type RequestHandler, Router } from 'express'
import { z } from 'zod'
import type { Config } from '../config.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../services/errors.ts'
import type { Services } from '../services/index.ts'
import { cleanBody } from '../web/middleware/cleanBody.ts'
import { assessmentApiRoutes } from './assessments.ts'
import { casesApiRoutes } from './cases.ts'
import { chronologyApiRoutes } from './chronology.ts'
import { closuresApiRoutes } from './closures.ts'
import { consultationApiRoutes } from './consultations.ts'
import { contactsApiRoutes } from './contacts.ts'
import { networkApiRoutes } from './network.ts'
import { onwardReferralsApiRoutes } from './onwardReferrals.ts'
import { openApiDocument } from './openapi.ts'
import { plansApiRoutes } from './plans.ts'
import { sendProblem } from './problem.ts'
import { progressApiRoutes } from './progress.ts'
import { reviewsApiRoutes } from './reviews.ts'
import { type ApiRoute, apiRoute, mountApiRoutes } from './routing.ts'
import { apiV1Routes } from './v1.ts'

export const API_VERSION = '1.0.0'

/** Every route of /api/v1, the OpenAPI document's own route included. */
export function apiRoutes(services: Services, links: { publicUrl: string }): ApiRoute[] {
  const routes = [
    ...apiV1Routes(services, links),
    ...casesApiRoutes(services),
    ...contactsApiRoutes(services),
    ...chronologyApiRoutes(services),
    ...networkApiRoutes(services),
    ...consultationApiRoutes(services),
    ...assessmentApiRoutes(services),
    ...closuresApiRoutes(services),
    ...reviewsApiRoutes(services),
    ...progressApiRoutes(services),
    ...onwardReferralsApiRoutes(services),
    ...plansApiRoutes(services),
  ]
  const documentRoute: ApiRoute = apiRoute({
    method: 'get',
    path: '/openapi.json',
    access: 'public',
    summary: 'This OpenAPI document',
    tags: ['meta'],
    responses: { 200: { description: 'OpenAPI 3.1', schema: z.object({ openapi: z.string() }).loose() } },
    handler: async (): Promise<{ status: number; body: unknown }> => ({
      status: 200,
      body: openApiDocument([documentRoute, ...routes], API_VERSION),
    }),
  })
  return [documentRoute, ...routes]
}

/** Bearer tokens only: the API never reads the session cookie, so it needs no CSRF token. */
function bearerAuth(services: Services): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization')
    if (!header) return next()
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    const found = match ? await services.auth.authenticateToken(match[1]) : undefined
    if (!found) return sendProblem(res, 401, 'The token is not valid, or has been revoked.')
    res.locals.actor = found.actor
    res.locals.user = found.user
    next()
  }
}

export function createApiRouter(services: Services, config: Pick<Config, 'BODY_LIMIT' | 'publicUrl'>): Router {
  const router = Router()
  router.use(express.json({ limit: config.BODY_LIMIT, type: ['application/json', 'application/*+json'] }))
  router.use(cleanBody)
  router.use(bearerAuth(services))
  mountApiRoutes(router, apiRoutes(services, config))
  router.use((_req, res) => sendProblem(res, 404, 'There is no such API route.'))
  const errors: ErrorRequestHandler = (error, req, res, _next) => {
    if (res.headersSent) return
    const status = (error as { status?: number; type?: string }).status
    if (status === 413) return sendProblem(res, 413, `The body is larger than ${config.BODY_LIMIT}.`)
    if ((error as { type?: string }).type === 'entity.parse.failed')
      return sendProblem(res, 400, 'The body is not valid JSON.')
    if (error instanceof InvalidInputError) {
      return sendProblem(res, 400, 'Some fields are not valid.', {
        errors: Object.entries(error.fields).map(([name, reason]) => ({ name, reason })),
      })
    }
    if (error instanceof NotFoundError) return sendProblem(res, 404, error.message)
    if (error instanceof ConflictError) return sendProblem(res, 409, error.message)
    req.log.error(
      { err: { name: (error as Error).name, code: (error as { code?: string }).code } },
      'API request failed',
    )
    sendProblem(res, 500, `Something went wrong. Quote request id ${req.id} to your administrator.`)
  }
  router.use(errors)
  return router
}
