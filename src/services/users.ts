import { randomUUID } from 'node:crypto'
import { and, asc, count, eq, isNull, ne, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database, Tx } from '../db/client.ts'
import { appUser, passwordLink, team } from '../db/schema/index.ts'
import { ROLES, type Role } from '../domain/access.ts'
import type { AuditLog } from './audit.ts'
import type { Clock, RequestContext } from './context.ts'
import { ConflictError, InvalidInputError, isUniqueViolation, NotFoundError } from './errors.ts'
import { hashPassword } from './passwords.ts'
import { hashSecret, newSecret } from './secrets.ts'

export const emailSchema = z
  .string({ error: 'Enter an email address' })
  .trim()
  .min(1, 'Enter an email address')
  .max(254, 'Email address must be 254 characters or fewer')
  .pipe(z.email('Enter an email address in the correct format, like name@example.org'))
  .transform((e) => e.toLowerCase())

export const personNameSchema = z
  .string({ error: 'Enter their full name' })
  .trim()
  .min(1, 'Enter their full name')
  .max(200, 'Full name must be 200 characters or fewer')

const roleSchema = z.enum(ROLES, { error: 'Select a role' })
const teamIdSchema = z.union([z.uuid({ error: 'Select a team' }), z.literal('').transform(() => undefined)]).optional()

export const newUserSchema = z.object({
  name: personNameSchema,
  email: emailSchema,
  role: roleSchema,
  teamId: teamIdSchema,
})
export type NewUser = z.output<typeof newUserSchema>

export const userChangeSchema = z.object({
  name: personNameSchema,
  role: roleSchema,
  teamId: teamIdSchema,
  version: z.coerce.number().int().positive(),
})
export type UserChange = z.output<typeof userChangeSchema>

export interface UserSummary {
  id: string
  name: string
  email: string
  role: Role
  teamId: string | null
  teamName: string | null
  active: boolean
  locked: boolean
  hasPassword: boolean
  lastSignInAt: Date | null
  createdAt: Date
  version: number
}

const userColumns = {
  id: appUser.id,
  name: appUser.name,
  email: appUser.email,
  role: appUser.role,
  teamId: appUser.teamId,
  teamName: team.name,
  deactivatedAt: appUser.deactivatedAt,
  lockedUntil: appUser.lockedUntil,
  passwordHash: appUser.passwordHash,
  lastSignInAt: appUser.lastSignInAt,
  createdAt: appUser.createdAt,
  version: appUser.version,
}

type UserRow = { [K in keyof typeof userColumns]: (typeof userColumns)[K]['_']['data'] | null }

function toSummary(row: UserRow, now: Date): UserSummary {
  return {
    id: row.id as string,
    name: row.name as string,
    email: row.email as string,
    role: row.role as Role,
    teamId: row.teamId,
    teamName: row.teamName,
    active: row.deactivatedAt === null,
    locked: row.lockedUntil !== null && row.lockedUntil > now,
    hasPassword: row.passwordHash !== null,
    lastSignInAt: row.lastSignInAt,
    createdAt: row.createdAt as Date,
    version: row.version as number,
  }
}

export function createUserService(database: Database, audit: AuditLog, clock: Clock, linkHours: number) {
  function selectUsers(tx: Tx) {
    return tx
      .select(userColumns)
      .from(appUser)
      .leftJoin(team, and(eq(team.authorityId, appUser.authorityId), eq(team.id, appUser.teamId)))
  }

  async function assertTeamExists(tx: Tx, teamId: string | undefined) {
    if (!teamId) return
    const [found] = await tx.select({ id: team.id }).from(team).where(eq(team.id, teamId))
    if (!found) throw new InvalidInputError({ teamId: 'Select a team' })
  }

  async function issueLink(tx: Tx, ctx: RequestContext, userId: string): Promise<string> {
    const token = newSecret()
    const now = clock()
    await tx.insert(passwordLink).values({
      authorityId: ctx.actor.authorityId,
      id: randomUUID(),
      userId,
      tokenHash: hashSecret(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + linkHours * 3_600_000),
    })
    await audit.record(tx, ctx, { action: 'password-link-issued', recordType: 'user', recordId: userId })
    return token
  }

  async function otherActiveAdministrators(tx: Tx, userId: string): Promise<number> {
    const [row] = await tx
      .select({ n: count() })
      .from(appUser)
      .where(and(eq(appUser.role, 'administrator'), isNull(appUser.deactivatedAt), ne(appUser.id, userId)))
    return row.n
  }

  return {
    /**
     * Creates an account. Without a password, returns a one-time link for the person to
     * choose one (there are no default passwords). With one (the command line), sets it.
     */
    async create(ctx: RequestContext, input: NewUser, options: { password?: string } = {}) {
      const passwordHash = options.password ? await hashPassword(options.password) : null
      const id = randomUUID()
      try {
        return await database.withTenant(ctx.actor.authorityId, async (tx) => {
          await assertTeamExists(tx, input.teamId)
          await tx.insert(appUser).values({
            authorityId: ctx.actor.authorityId,
            id,
            email: input.email,
            name: input.name,
            role: input.role,
            teamId: input.teamId ?? null,
            passwordHash,
            createdAt: clock(),
          })
          await audit.record(tx, ctx, {
            action: 'create',
            recordType: 'user',
            recordId: id,
            details: { role: input.role, teamId: input.teamId ?? null },
          })
          const passwordToken = passwordHash ? undefined : await issueLink(tx, ctx, id)
          return { id, passwordToken }
        })
      } catch (error) {
        if (isUniqueViolation(error, 'app_user_email_key')) {
          throw new InvalidInputError({ email: 'An account already uses this email address' })
        }
        throw error
      }
    },

    async list(ctx: RequestContext): Promise<UserSummary[]> {
      return database.withTenant(ctx.actor.authorityId, async (tx) => {
        const rows = await selectUsers(tx).orderBy(asc(sql`lower(${appUser.name})`), asc(appUser.id))
        await audit.record(tx, ctx, { action: 'list', recordType: 'user', details: { count: rows.length } })
        const now = clock()
        return rows.map((r) => toSummary(r, now))
      })
    },

    async get(ctx: RequestContext, id: string): Promise<UserSummary> {
      return database.withTenant(ctx.actor.authorityId, async (tx) => {
        const [row] = await selectUsers(tx).where(eq(appUser.id, id))
        if (!row) throw new NotFoundError('User')
        await audit.record(tx, ctx, { action: 'view', recordType: 'user', recordId: id })
        return toSummary(row, clock())
      })
    },

    /** Changes name, role and team, if nobody else has changed the account since `version`. */
    async update(ctx: RequestContext, id: string, change: UserChange): Promise<void> {
      await database.withTenant(ctx.actor.authorityId, async (tx) => {
        const [current] = await tx.select().from(appUser).where(eq(appUser.id, id)).for('update')
        if (!current) throw new NotFoundError('User')
        if (current.version !== change.version) throw new ConflictError()
        await assertTeamExists(tx, change.teamId)
        if (current.role === 'administrator' && change.role !== 'administrator') {
          if ((await otherActiveAdministrators(tx, id)) === 0) {
            throw new InvalidInputError({ role: 'There must always be at least one administrator' })
          }
        }
        await tx
          .update(appUser)
          .set({ name: change.name, role: change.role, teamId: change.teamId ?? null, version: current.version + 1 })
          .where(and(eq(appUser.id, id), eq(appUser.version, change.version)))
        const changed = [
          current.name !== change.name && 'name',
          current.role !== change.role && 'role',
          (current.teamId ?? null) !== (change.teamId ?? null) && 'team',
        ].filter(Boolean)
        await audit.record(tx, ctx, {
          action: 'update',
          recordType: 'user',
          recordId: id,
          details: { changed: changed.join(','), role: change.role, teamId: change.teamId ?? null },
        })
      })
    },

    /** Deactivated people cannot sign in, and their sessions and tokens stop working. */
    async setActive(ctx: RequestContext, id: string, active: boolean): Promise<void> {
      await database.withTenant(ctx.actor.authorityId, async (tx) => {
        const [current] = await tx.select().from(appUser).where(eq(appUser.id, id)).for('update')
        if (!current) throw new NotFoundError('User')
        if (!active && id === ctx.actor.userId) {
          throw new InvalidInputError({ active: 'You cannot deactivate your own account' })
        }
        if (!active && current.role === 'administrator' && (await otherActiveAdministrators(tx, id)) === 0) {
          throw new InvalidInputError({ active: 'There must always be at least one administrator' })
        }
        await tx
          .update(appUser)
          .set({ deactivatedAt: active ? null : clock(), version: current.version + 1 })
          .where(eq(appUser.id, id))
        await audit.record(tx, ctx, { action: active ? 'reactivate' : 'deactivate', recordType: 'user', recordId: id })
      })
    },

    /** A new one-time link to choose a password (a forgotten password, a lost link). */
    async issuePasswordLink(ctx: RequestContext, id: string): Promise<string> {
      return database.withTenant(ctx.actor.authorityId, async (tx) => {
        const [current] = await tx.select({ id: appUser.id }).from(appUser).where(eq(appUser.id, id))
        if (!current) throw new NotFoundError('User')
        return issueLink(tx, ctx, id)
      })
    },
  }
}

export type UserService = ReturnType<typeof createUserService>
