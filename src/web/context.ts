import type { Request, Response } from 'express'
import type { CurrentUser } from '../services/auth.ts'
import type { RequestContext } from '../services/context.ts'

/** The acting person and request id, for a use case. Only on routes that need sign-in. */
export function requestContext(req: Request, res: Response): RequestContext {
  const actor = res.locals.actor
  if (!actor) throw new Error('requestContext on a route without a signed-in person')
  return { actor, requestId: String(req.id) }
}

export function signedInUser(res: Response): CurrentUser {
  return res.locals.user as CurrentUser
}

/** Signs a person in: a new session id (no fixation), a new CSRF token, the clock for the absolute timeout. */
export async function startSession(req: Request, user: CurrentUser, now: Date): Promise<string> {
  const returnTo = req.session.returnTo
  await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())))
  req.session.authorityId = user.authorityId
  req.session.userId = user.id
  req.session.signedInAt = now.getTime()
  return returnTo?.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/'
}
