import { eq, lt } from 'drizzle-orm'
import type { RequestHandler } from 'express'
import session, { type SessionData, Store } from 'express-session'
import type { Config } from '../../config.ts'
import type { Database } from '../../db/client.ts'
import { session as sessionTable } from '../../db/schema/index.ts'
import type { Clock } from '../../services/context.ts'

declare module 'express-session' {
  interface SessionData {
    authorityId: string
    userId: string
    /** When the person signed in, for the absolute timeout (epoch ms). */
    signedInAt: number
    /** Where to go after signing in. */
    returnTo: string
    /** One message for the next page (a notification banner). */
    flash: { heading?: string; text: string; type?: 'success' | 'important' }
    /**
     * Referrals being written, by authority, until they are sent. They hold what the referrer
     * has typed about a family, so they end with the session (30 minutes idle) or on sending.
     */
    referralDrafts: Record<string, import('../refer/draft.ts').ReferralDraft>
    /** The reference of the referral just sent, for its confirmation page. */
    referralSent: { authorityId: string; reference: string; email?: string }
  }
}

export const SESSION_COOKIE = 'hearth.sid'

/** Sessions live in Hearth's own database, so a restart signs nobody out and several processes share them. */
export class DatabaseSessionStore extends Store {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly idleMs: number,
  ) {
    super()
  }

  private expiry(data: SessionData): Date {
    const maxAge = data.cookie?.maxAge
    return new Date(this.clock().getTime() + (typeof maxAge === 'number' ? maxAge : this.idleMs))
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void) {
    this.database
      .transaction((tx) => tx.select().from(sessionTable).where(eq(sessionTable.sid, sid)))
      .then(([row]) => callback(null, row && row.expiresAt > this.clock() ? (row.data as SessionData) : null))
      .catch((error) => callback(error))
  }

  override set(sid: string, data: SessionData, callback?: (err?: unknown) => void) {
    const expiresAt = this.expiry(data)
    this.database
      .transaction((tx) =>
        tx
          .insert(sessionTable)
          .values({ sid, data, expiresAt })
          .onConflictDoUpdate({ target: sessionTable.sid, set: { data, expiresAt } }),
      )
      .then(() => callback?.())
      .catch((error) => callback?.(error))
  }

  override touch(sid: string, data: SessionData, callback?: (err?: unknown) => void) {
    const expiresAt = this.expiry(data)
    this.database
      .transaction((tx) => tx.update(sessionTable).set({ expiresAt }).where(eq(sessionTable.sid, sid)))
      .then(() => callback?.())
      .catch((error) => callback?.(error))
  }

  override destroy(sid: string, callback?: (err?: unknown) => void) {
    this.database
      .transaction((tx) => tx.delete(sessionTable).where(eq(sessionTable.sid, sid)))
      .then(() => callback?.())
      .catch((error) => callback?.(error))
  }

  /** Removes expired sessions; main.ts runs this every few minutes. */
  async purgeExpired(): Promise<number> {
    const removed = await this.database.transaction((tx) =>
      tx.delete(sessionTable).where(lt(sessionTable.expiresAt, this.clock())).returning({ sid: sessionTable.sid }),
    )
    return removed.length
  }
}

export function sessionMiddleware(
  config: Pick<Config, 'sessionSecret' | 'secureCookies' | 'SESSION_IDLE_MINUTES'>,
  store: Store,
): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    // Each request pushes the idle timeout back.
    rolling: true,
    proxy: undefined,
    cookie: {
      httpOnly: true,
      secure: config.secureCookies,
      sameSite: 'lax',
      maxAge: config.SESSION_IDLE_MINUTES * 60_000,
    },
  })
}

/**
 * express-session writes the response head before its save finishes, and browsers follow
 * a redirect as soon as they see the head: the next page could load the session before
 * sign-in (or a flash message) was saved. So every redirect saves the session first.
 */
export const saveSessionBeforeRedirect: RequestHandler = (req, res, next) => {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void
  res.redirect = ((...args: unknown[]) => {
    if (!req.session) return redirect(...args)
    req.session.save((error) => (error ? next(error) : redirect(...args)))
  }) as typeof res.redirect
  next()
}
