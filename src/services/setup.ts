import { randomUUID } from 'node:crypto'
import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import { type Database, type HearthDb, queryRows, type Tx } from '../db/client.ts'
import { appUser, authority, setupLink } from '../db/schema/index.ts'
import type { ProgrammeLibrary } from '../programmes/library.ts'
import type { AuditLog } from './audit.ts'
import type { Clock, RequestContext } from './context.ts'
import { hashPassword, newPasswordSchema } from './passwords.ts'
import { chooseAllForFirstAuthority } from './programmes.ts'
import { hashSecret, newSecret } from './secrets.ts'
import { emailSchema } from './users.ts'

/**
 * First run. While no authority exists, start-up prints a one-time link; opening it lets
 * the first administrator name the authority and choose their password. There is no
 * default password anywhere.
 */

export const authorityNameSchema = z
  .string({ error: 'Enter the name of your local authority' })
  .trim()
  .min(1, 'Enter the name of your local authority')
  .max(200, 'Local authority name must be 200 characters or fewer')

export const firstRunSchema = z.object({
  authorityName: authorityNameSchema,
  name: z
    .string({ error: 'Enter your full name' })
    .trim()
    .min(1, 'Enter your full name')
    .max(200, 'Full name must be 200 characters or fewer'),
  email: emailSchema,
  password: newPasswordSchema,
})
export type FirstRun = z.output<typeof firstRunSchema>

export function createSetupService(
  database: Database,
  audit: AuditLog,
  clock: Clock,
  linkHours: number,
  library: ProgrammeLibrary,
) {
  async function authorityCount(runner: HearthDb | Tx = database.db): Promise<number> {
    const [row] = await queryRows<{ n: string | number }>(runner, sql`SELECT hearth_authority_count() AS n`)
    return Number(row.n)
  }

  async function validLink(token: string) {
    const [link] = await database.transaction((tx) =>
      tx
        .select()
        .from(setupLink)
        .where(
          and(eq(setupLink.tokenHash, hashSecret(token)), isNull(setupLink.usedAt), gt(setupLink.expiresAt, clock())),
        ),
    )
    return link
  }

  return {
    /** Whether Hearth still needs setting up (no authority yet). */
    async needed(): Promise<boolean> {
      return (await authorityCount()) === 0
    },

    /** A new set-up link, if set-up is still needed; each start prints a fresh one. */
    async issueLink(): Promise<string | undefined> {
      if ((await authorityCount()) > 0) return undefined
      const token = newSecret()
      const now = clock()
      await database.transaction((tx) =>
        tx.insert(setupLink).values({
          id: randomUUID(),
          tokenHash: hashSecret(token),
          createdAt: now,
          expiresAt: new Date(now.getTime() + linkHours * 3_600_000),
        }),
      )
      return token
    },

    async isLinkValid(token: string): Promise<boolean> {
      return Boolean(await validLink(token)) && (await authorityCount()) === 0
    },

    /**
     * Creates the authority and its first administrator, and uses up every set-up link.
     * Returns undefined if the link is not valid (used, expired, or set-up already done).
     */
    async complete(token: string, input: FirstRun, requestId?: string) {
      const passwordHash = await hashPassword(input.password)
      const authorityId = randomUUID()
      const userId = randomUUID()
      return database.transaction(async (tx) => {
        // Take the link row's lock first: two people finishing set-up at once cannot both win.
        const [link] = await tx
          .select()
          .from(setupLink)
          .where(
            and(eq(setupLink.tokenHash, hashSecret(token)), isNull(setupLink.usedAt), gt(setupLink.expiresAt, clock())),
          )
          .for('update')
        if (!link) return undefined
        if ((await authorityCount(tx)) > 0) return undefined
        const now = clock()
        await tx.update(setupLink).set({ usedAt: now }).where(isNull(setupLink.usedAt))
        await tx.execute(sql`SELECT set_config('hearth.authority_id', ${authorityId}, true)`)
        await tx.insert(authority).values({ id: authorityId, name: input.authorityName, createdAt: now })
        await chooseAllForFirstAuthority(tx, authorityId, library, now)
        await tx.insert(appUser).values({
          authorityId,
          id: userId,
          email: input.email,
          name: input.name,
          role: 'administrator',
          passwordHash,
          createdAt: now,
          lastSignInAt: now,
        })
        const ctx: RequestContext = { actor: { type: 'user', authorityId, userId, role: 'administrator' }, requestId }
        await audit.record(tx, ctx, { action: 'create', recordType: 'authority', recordId: authorityId })
        await audit.record(tx, ctx, {
          action: 'create',
          recordType: 'user',
          recordId: userId,
          details: { role: 'administrator' },
        })
        return { authorityId, userId }
      })
    },

    /**
     * Creates an authority from the command line (automation, a second authority). The first
     * authority on an installation runs every programme in the library; later ones choose.
     */
    async createAuthority(name: string): Promise<string> {
      const authorityId = randomUUID()
      await database.transaction(async (tx) => {
        const first = (await authorityCount(tx)) === 0
        await tx.execute(sql`SELECT set_config('hearth.authority_id', ${authorityId}, true)`)
        await tx.insert(authority).values({ id: authorityId, name, createdAt: clock() })
        if (first) await chooseAllForFirstAuthority(tx, authorityId, library, clock())
        await tx.update(setupLink).set({ usedAt: clock() }).where(isNull(setupLink.usedAt))
        await audit.record(
          tx,
          { actor: { type: 'cli', authorityId } },
          {
            action: 'create',
            recordType: 'authority',
            recordId: authorityId,
          },
        )
      })
      return authorityId
    },

    /** Every authority's id and name, for the public referral form to offer. Nothing else. */
    async publicAuthorities(): Promise<{ id: string; name: string }[]> {
      return database.asOwner((tx) =>
        tx.select({ id: authority.id, name: authority.name }).from(authority).orderBy(authority.name),
      )
    },

    async authorityName(authorityId: string): Promise<string | undefined> {
      const [row] = await database.withTenant(authorityId, (tx) =>
        tx.select({ name: authority.name }).from(authority).where(eq(authority.id, authorityId)),
      )
      return row?.name
    },
  }
}

export type SetupService = ReturnType<typeof createSetupService>
