import { csrfSync } from 'csrf-sync'
import type { RequestHandler } from 'express'

/**
 * CSRF tokens on every form (the synchroniser token pattern, kept in the session). Every
 * page gets `csrfToken` for its forms; every POST must send it back as `_csrf`.
 */
const { csrfSynchronisedProtection, generateToken, invalidCsrfTokenError } = csrfSync({
  getTokenFromRequest: (req) => (req.body as Record<string, unknown> | undefined)?._csrf as string | undefined,
})

export { invalidCsrfTokenError }

export const csrfProtection: RequestHandler = csrfSynchronisedProtection

export const csrfTokenForViews: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = generateToken(req)
  next()
}

/** A new token, e.g. after the session is regenerated at sign-in. */
export function newCsrfToken(req: Parameters<typeof generateToken>[0]): string {
  return generateToken(req, true)
}
