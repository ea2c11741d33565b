import { randomUUID } from 'node:crypto'
import { and, desc, eq, isNull } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../db/client.ts'
import { apiToken, appUser } from '../db/schema/index.ts'
import type { AuditLog } from './audit.ts'
import type { Clock, RequestContext } from './context.ts'
import { NotFoundError } from './errors.ts'
import { hashSecret, newSecret } from './secrets.ts'

export const TOKEN_PREFIX = 'hearth_'

export const newTokenSchema = z.object({
  name: z
    .string({ error: 'Enter a name for the token' })
    .trim()
    .min(1, 'Enter a name for the token')
    .max(100, 'Token name must be 100 characters or fewer'),
})

export interface TokenSummary {
  id: string
  name: string
  userId: string
  createdAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
}

const summaryColumns = {
  id: apiToken.id,
  name: apiToken.name,
  userId: apiToken.userId,
  createdAt: apiToken.createdAt,
  lastUsedAt: apiToken.lastUsedAt,
  revokedAt: apiToken.revokedAt,
}

/** Personal API tokens: shown once when created, stored only as a hash, revocable. */
export function createApiTokenService(database: Database, audit: AuditLog, clock: Clock) {
  return {
    async create(ctx: RequestContext, userId: string, name: string): Promise<{ id: string; token: string }> {
      const token = newSecret(TOKEN_PREFIX)
      const id = randomUUID()
      await database.withTenant(ctx.actor.authorityId, async (tx) => {
        const [owner] = await tx
          .select({ id: appUser.id })
          .from(appUser)
          .where(and(eq(appUser.id, userId), isNull(appUser.deactivatedAt)))
        if (!owner) throw new NotFoundError('User')
        await tx.insert(apiToken).values({
          authorityId: ctx.actor.authorityId,
          id,
          userId,
          name,
          tokenHash: hashSecret(token),
          createdAt: clock(),
        })
        await audit.record(tx, ctx, { action: 'create', recordType: 'api-token', recordId: id, details: { userId } })
      })
      return { id, token }
    },

    async list(ctx: RequestContext, userId: string): Promise<TokenSummary[]> {
      return database.withTenant(ctx.actor.authorityId, (tx) =>
        tx.select(summaryColumns).from(apiToken).where(eq(apiToken.userId, userId)).orderBy(desc(apiToken.createdAt)),
      )
    },

    /** Revokes a token; with `userId`, only if it is theirs. Revoking twice changes nothing. */
    async revoke(ctx: RequestContext, tokenId: string, userId?: string): Promise<void> {
      await database.withTenant(ctx.actor.authorityId, async (tx) => {
        const [token] = await tx.select(summaryColumns).from(apiToken).where(eq(apiToken.id, tokenId))
        if (!token || (userId && token.userId !== userId)) throw new NotFoundError('API token')
        if (token.revokedAt) return
        await tx.update(apiToken).set({ revokedAt: clock() }).where(eq(apiToken.id, tokenId))
        await audit.record(tx, ctx, { action: 'revoke', recordType: 'api-token', recordId: tokenId })
      })
    },
  }
}

export type ApiTokenService = ReturnType<typeof createApiTokenService>
