import type { RequestHandler } from 'express'
import type { Services } from '../../services/index.ts'

/**
 * Loads the signed-in person for each page request. Signs them out when the absolute
 * timeout has passed (however active they were), or when their account was deactivated.
 * The idle timeout is the session's own expiry.
 */
export function currentUser(services: Services, absoluteHours: number): RequestHandler {
  return async (req, res, next) => {
    const { userId, authorityId, signedInAt } = req.session
    if (!userId || !authorityId) return next()
    const expired = !signedInAt || services.clock().getTime() - signedInAt > absoluteHours * 3_600_000
    const user = expired ? undefined : await services.auth.currentUser(authorityId, userId)
    if (!user) {
      await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())))
      req.session.flash = { text: 'You have been signed out. Sign in again to continue.', type: 'important' }
      return next()
    }
    res.locals.user = user
    res.locals.actor = { type: 'user', authorityId, userId, role: user.role }
    next()
  }
}
