import { and, eq, isNull, type SQL, sql } from 'drizzle-orm'
import { type Database, queryRows, type Tx } from '../db/client.ts'
import { apiToken, appUser, passwordLink } from '../db/schema/index.ts'
import type { Role } from '../domain/access.ts'
import type { AuditLog } from './audit.ts'
import type { Actor, Clock, RequestContext } from './context.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import { hashSecret } from './secrets.ts'

export interface CurrentUser {
  id: string
  authorityId: string
  name: string
  email: string
  role: Role
  teamId: string | null
}

export type SignInResult =
  | { outcome: 'signed-in'; user: CurrentUser }
  | { outcome: 'invalid' }
  | { outcome: 'locked'; until: Date }

export interface LockoutPolicy {
  attempts: number
  minutes: number
}

const TOKEN_TOUCH_MS = 5 * 60_000

async function firstRow<T>(database: Database, query: SQL): Promise<T | undefined> {
  return (await queryRows<T>(database.db, query))[0]
}

export function createAuthService(database: Database, audit: AuditLog, clock: Clock, lockout: LockoutPolicy) {
  async function findByEmail(email: string) {
    return firstRow<{ authority_id: string; user_id: string }>(
      database,
      sql`SELECT authority_id, user_id FROM hearth_find_sign_in(${email.trim()})`,
    )
  }

  async function loadUser(tx: Tx, userId: string) {
    const [user] = await tx.select().from(appUser).where(eq(appUser.id, userId))
    return user
  }

  function toCurrent(user: typeof appUser.$inferSelect): CurrentUser {
    return {
      id: user.id,
      authorityId: user.authorityId,
      name: user.name,
      email: user.email,
      role: user.role as Role,
      teamId: user.teamId,
    }
  }

  return {
    /**
     * Email and password. After `lockout.attempts` failures in a row the account is locked
     * for `lockout.minutes`; while locked, even the right password does not sign in.
     */
    async signIn(email: string, password: string, requestId?: string): Promise<SignInResult> {
      const found = await findByEmail(email)
      if (!found) {
        await verifyPassword(null, password)
        return { outcome: 'invalid' }
      }
      const { authority_id: authorityId, user_id: userId } = found
      const user = await database.withTenant(authorityId, (tx) => loadUser(tx, userId))
      const now = clock()
      if (!user || user.deactivatedAt) {
        await verifyPassword(null, password)
        return { outcome: 'invalid' }
      }
      if (user.lockedUntil && user.lockedUntil > now) return { outcome: 'locked', until: user.lockedUntil }

      const ok = await verifyPassword(user.passwordHash, password)
      const ctx: RequestContext = { actor: { type: 'user', authorityId, userId, role: user.role as Role }, requestId }
      return database.withTenant(authorityId, async (tx) => {
        if (ok) {
          await tx
            .update(appUser)
            .set({ failedSignIns: 0, lockedUntil: null, lastSignInAt: now })
            .where(eq(appUser.id, userId))
          await audit.record(tx, ctx, { action: 'sign-in', recordType: 'user', recordId: userId })
          return { outcome: 'signed-in', user: toCurrent(user) }
        }
        const [counted] = await tx
          .update(appUser)
          .set({ failedSignIns: sql`${appUser.failedSignIns} + 1` })
          .where(eq(appUser.id, userId))
          .returning({ failed: appUser.failedSignIns })
        await audit.record(tx, ctx, {
          action: 'sign-in-failed',
          recordType: 'user',
          recordId: userId,
          details: { failedInARow: counted.failed },
        })
        if (counted.failed >= lockout.attempts) {
          const until = new Date(now.getTime() + lockout.minutes * 60_000)
          await tx.update(appUser).set({ failedSignIns: 0, lockedUntil: until }).where(eq(appUser.id, userId))
          await audit.record(tx, ctx, { action: 'account-locked', recordType: 'user', recordId: userId })
          return { outcome: 'locked', until }
        }
        return { outcome: 'invalid' }
      })
    },

    async signOut(ctx: RequestContext): Promise<void> {
      await database.withTenant(ctx.actor.authorityId, (tx) =>
        audit.record(tx, ctx, { action: 'sign-out', recordType: 'user', recordId: ctx.actor.userId }),
      )
    },

    /** The person behind a session, or undefined if they have been deactivated or removed. */
    async currentUser(authorityId: string, userId: string): Promise<CurrentUser | undefined> {
      const user = await database.withTenant(authorityId, (tx) => loadUser(tx, userId))
      return user && !user.deactivatedAt ? toCurrent(user) : undefined
    },

    /** The actor behind a bearer token, or undefined if it is unknown, revoked or its owner is deactivated. */
    async authenticateToken(token: string): Promise<{ actor: Actor; user: CurrentUser } | undefined> {
      const found = await firstRow<{ authority_id: string; token_id: string }>(
        database,
        sql`SELECT authority_id, token_id FROM hearth_find_api_token(${hashSecret(token)})`,
      )
      if (!found) return undefined
      const { authority_id: authorityId, token_id: tokenId } = found
      return database.withTenant(authorityId, async (tx) => {
        const [row] = await tx
          .select({ token: apiToken, user: appUser })
          .from(apiToken)
          .innerJoin(appUser, and(eq(appUser.authorityId, apiToken.authorityId), eq(appUser.id, apiToken.userId)))
          .where(and(eq(apiToken.id, tokenId), isNull(apiToken.revokedAt)))
        if (!row || row.user.deactivatedAt) return undefined
        const now = clock()
        if (!row.token.lastUsedAt || now.getTime() - row.token.lastUsedAt.getTime() > TOKEN_TOUCH_MS) {
          await tx.update(apiToken).set({ lastUsedAt: now }).where(eq(apiToken.id, tokenId))
        }
        const user = toCurrent(row.user)
        return { actor: { type: 'token', authorityId, userId: user.id, role: user.role, tokenId }, user }
      })
    },

    /** Whether a password link can still be used: unknown, used and expired links cannot. */
    async checkPasswordLink(token: string): Promise<{ authorityId: string; userId: string } | undefined> {
      const found = await firstRow<{ authority_id: string; link_id: string }>(
        database,
        sql`SELECT authority_id, link_id FROM hearth_find_password_link(${hashSecret(token)})`,
      )
      if (!found) return undefined
      const link = await database.withTenant(found.authority_id, async (tx) => {
        const [row] = await tx.select().from(passwordLink).where(eq(passwordLink.id, found.link_id))
        return row
      })
      if (!link || link.usedAt || link.expiresAt <= clock()) return undefined
      return { authorityId: link.authorityId, userId: link.userId }
    },

    /** Sets the password from a one-time link, once. Also lifts a lock. */
    async usePasswordLink(token: string, password: string, requestId?: string): Promise<CurrentUser | undefined> {
      const valid = await this.checkPasswordLink(token)
      if (!valid) return undefined
      const passwordHash = await hashPassword(password)
      return database.withTenant(valid.authorityId, async (tx) => {
        const now = clock()
        // Claim the link: only one request can, even two at once.
        const claimed = await tx
          .update(passwordLink)
          .set({ usedAt: now })
          .where(and(eq(passwordLink.tokenHash, hashSecret(token)), isNull(passwordLink.usedAt)))
          .returning({ id: passwordLink.id })
        if (claimed.length === 0) return undefined
        const [user] = await tx
          .update(appUser)
          .set({ passwordHash, failedSignIns: 0, lockedUntil: null, lastSignInAt: now })
          .where(and(eq(appUser.id, valid.userId), isNull(appUser.deactivatedAt)))
          .returning()
        if (!user) return undefined
        const ctx: RequestContext = {
          actor: { type: 'user', authorityId: valid.authorityId, userId: user.id, role: user.role as Role },
          requestId,
        }
        await audit.record(tx, ctx, { action: 'password-set', recordType: 'user', recordId: user.id })
        await audit.record(tx, ctx, { action: 'sign-in', recordType: 'user', recordId: user.id })
        return toCurrent(user)
      })
    },

    /** Looks a person up by email for operator commands (the command line). */
    findByEmail,
  }
}

export type AuthService = ReturnType<typeof createAuthService>
