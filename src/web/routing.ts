import type { NextFunction, Request, RequestHandler, Response, Router } from 'express'
import { type Access, can } from '../domain/access.ts'

/**
 * Every page route is declared with the permission it needs. `mountRoutes` adds the check,
 * so a route cannot forget it, and a test walks every declared route for every role.
 */
export interface PageRoute {
  method: 'get' | 'post'
  path: string
  access: Access
  /** Extra middleware that runs after the access check (a rate limit, say). */
  before?: RequestHandler[]
  handler: (req: Request, res: Response, next: NextFunction) => unknown
}

export function requireAccess(access: Access): RequestHandler {
  // Named, so the access test can check every mounted route starts with it.
  return function requireAccessCheck(req, res, next) {
    if (access === 'public') return next()
    const user = res.locals.user
    if (!user) {
      if (req.method === 'GET') req.session.returnTo = req.originalUrl
      return res.redirect(303, '/sign-in')
    }
    if (!can(user.role, access)) return res.status(403).render('errors/403.njk')
    next()
  }
}

export function mountRoutes(router: Router, routes: PageRoute[]) {
  for (const route of routes) {
    router[route.method](route.path, requireAccess(route.access), ...(route.before ?? []), route.handler)
  }
}
