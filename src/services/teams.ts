import { randomUUID } from 'node:crypto'
import { and, asc, count, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../db/client.ts'
import { appUser, team } from '../db/schema/index.ts'
import type { AuditLog } from './audit.ts'
import type { Clock, RequestContext } from './context.ts'
import { InvalidInputError, isUniqueViolation } from './errors.ts'

export const newTeamSchema = z.object({
  name: z
    .string({ error: 'Enter a team name' })
    .trim()
    .min(1, 'Enter a team name')
    .max(100, 'Team name must be 100 characters or fewer'),
})
export type NewTeam = z.output<typeof newTeamSchema>

export interface TeamSummary {
  id: string
  name: string
  members: number
  createdAt: Date
}

export function createTeamService(database: Database, audit: AuditLog, clock: Clock) {
  return {
    async create(ctx: RequestContext, input: NewTeam): Promise<{ id: string }> {
      const id = randomUUID()
      try {
        await database.withTenant(ctx.actor.authorityId, async (tx) => {
          await tx.insert(team).values({ authorityId: ctx.actor.authorityId, id, name: input.name, createdAt: clock() })
          await audit.record(tx, ctx, { action: 'create', recordType: 'team', recordId: id })
        })
      } catch (error) {
        if (isUniqueViolation(error, 'team_name_key')) {
          throw new InvalidInputError({ name: 'A team with this name already exists' })
        }
        throw error
      }
      return { id }
    },

    /** Teams with how many active people each has. Team names are not personal data. */
    async list(ctx: RequestContext): Promise<TeamSummary[]> {
      return database.withTenant(ctx.actor.authorityId, (tx) =>
        tx
          .select({ id: team.id, name: team.name, createdAt: team.createdAt, members: count(appUser.id) })
          .from(team)
          .leftJoin(
            appUser,
            and(
              eq(appUser.authorityId, team.authorityId),
              eq(appUser.teamId, team.id),
              sql`${appUser.deactivatedAt} IS NULL`,
            ),
          )
          .groupBy(team.authorityId, team.id)
          .orderBy(asc(sql`lower(${team.name})`)),
      )
    },
  }
}

export type TeamService = ReturnType<typeof createTeamService>
