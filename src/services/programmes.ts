import { and, asc, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import type { Database, Tx } from '../db/client.ts'
import { authority, authorityProgramme, calendarOverride } from '../db/schema/index.ts'
import { calendarFor, NATIONS, type Nation } from '../domain/bankHolidays.ts'
import type { Calendar, CalendarOverride } from '../domain/calendar.ts'
import {
  impossibleFacts,
  type Screening,
  screen,
  screeningFactsSchema,
  whichServicesFit,
} from '../domain/eligibility.ts'
import { type IsoDate, isIsoDate, londonDate } from '../domain/isoDate.ts'
import type { Programme } from '../domain/programme/schema.ts'
import type { ProgrammeLibrary } from '../programmes/library.ts'
import type { AuditLog } from './audit.ts'
import type { Clock, RequestContext } from './context.ts'
import { InvalidInputError, NotFoundError } from './errors.ts'

/** Facts in, screening out: for one programme, or every programme the authority runs. */
export const screeningRequestSchema = z.object({
  on: z
    .string()
    .refine(isIsoDate, 'Enter a real date, like 2026-01-05')
    .optional()
    .describe('The referral date the facts are true on; today if left out'),
  programmeId: z.string().optional().describe('One programme; every programme your authority runs if left out'),
  facts: screeningFactsSchema,
})
export type ScreeningRequest = z.output<typeof screeningRequestSchema>

export const calendarOverrideSchema = z.object({
  date: z.string({ error: 'Enter the date' }).refine(isIsoDate, 'Enter a real date'),
  title: z
    .string({ error: 'Enter a name for the day' })
    .trim()
    .min(1, 'Enter a name for the day')
    .max(100, 'The name must be 100 characters or fewer'),
  kind: z.enum(['holiday', 'working-day'], { error: 'Choose whether the day is a holiday or a working day' }),
})

export function createProgrammeService(database: Database, audit: AuditLog, clock: Clock, library: ProgrammeLibrary) {
  async function chosenIds(tx: Tx, authorityId: string): Promise<Set<string>> {
    const rows = await tx
      .select({ id: authorityProgramme.programmeId })
      .from(authorityProgramme)
      .where(eq(authorityProgramme.authorityId, authorityId))
    return new Set(rows.map((r) => r.id))
  }

  async function overridesIn(tx: Tx, authorityId: string): Promise<CalendarOverride[]> {
    const rows = await tx
      .select({ date: calendarOverride.date, title: calendarOverride.title, kind: calendarOverride.kind })
      .from(calendarOverride)
      .where(eq(calendarOverride.authorityId, authorityId))
      .orderBy(asc(calendarOverride.date))
    return rows as CalendarOverride[]
  }

  async function running(ctx: RequestContext): Promise<Programme[]> {
    const ids = await database.withTenant(ctx.actor.authorityId, (tx) => chosenIds(tx, ctx.actor.authorityId))
    return library.programmes.filter((p) => ids.has(p.id))
  }

  return {
    /** Every definition in the library, whether or not this authority runs it. */
    library(): Programme[] {
      return library.programmes
    },

    running,

    async runningIds(ctx: RequestContext): Promise<Set<string>> {
      return database.withTenant(ctx.actor.authorityId, (tx) => chosenIds(tx, ctx.actor.authorityId))
    },

    /**
     * A programme a stored record names. Undefined if its file has since been removed or
     * renamed, so that old referrals and cases still open.
     */
    find(id: string | null | undefined): Programme | undefined {
      return id ? library.get(id) : undefined
    },

    get(id: string): Programme {
      const programme = library.get(id)
      if (!programme) throw new NotFoundError('Programme')
      return programme
    },

    /** Sets which programmes the authority runs. */
    async choose(ctx: RequestContext, ids: string[]): Promise<void> {
      const unknown = ids.filter((id) => !library.get(id))
      if (unknown.length > 0) throw new InvalidInputError({ programmes: `There is no programme ${unknown.join(', ')}` })
      const authorityId = ctx.actor.authorityId
      await database.withTenant(authorityId, async (tx) => {
        const before = await chosenIds(tx, authorityId)
        const wanted = new Set(ids)
        const added = [...wanted].filter((id) => !before.has(id))
        const removed = [...before].filter((id) => !wanted.has(id))
        if (removed.length > 0) {
          await tx
            .delete(authorityProgramme)
            .where(
              and(eq(authorityProgramme.authorityId, authorityId), inArray(authorityProgramme.programmeId, removed)),
            )
        }
        if (added.length > 0) {
          await tx
            .insert(authorityProgramme)
            .values(added.map((programmeId) => ({ authorityId, programmeId, chosenAt: clock() })))
        }
        if (added.length > 0 || removed.length > 0) {
          await audit.record(tx, ctx, {
            action: 'update',
            recordType: 'authority-programmes',
            recordId: authorityId,
            details: { added: added.join(' '), removed: removed.join(' ') },
          })
        }
      })
    },

    /** The authority's working-day calendar: its nation's bank holidays and its own overrides. */
    async calendar(ctx: RequestContext): Promise<Calendar> {
      const authorityId = ctx.actor.authorityId
      const { nation, overrides } = await database.withTenant(authorityId, async (tx) => {
        const [row] = await tx.select({ nation: authority.nation }).from(authority).where(eq(authority.id, authorityId))
        const overrides = await overridesIn(tx, authorityId)
        return { nation: row?.nation ?? 'england-and-wales', overrides }
      })
      return calendarFor(nation in NATIONS ? (nation as Nation) : 'england-and-wales', overrides)
    },

    async overrides(ctx: RequestContext): Promise<CalendarOverride[]> {
      return database.withTenant(ctx.actor.authorityId, (tx) => overridesIn(tx, ctx.actor.authorityId))
    },

    async addOverride(ctx: RequestContext, input: z.output<typeof calendarOverrideSchema>): Promise<void> {
      const authorityId = ctx.actor.authorityId
      await database.withTenant(authorityId, async (tx) => {
        const [existing] = await tx
          .select({ date: calendarOverride.date })
          .from(calendarOverride)
          .where(and(eq(calendarOverride.authorityId, authorityId), eq(calendarOverride.date, input.date)))
        if (existing) throw new InvalidInputError({ date: 'There is already a change for this date: remove it first' })
        await tx.insert(calendarOverride).values({ authorityId, ...input, createdAt: clock() })
        await audit.record(tx, ctx, {
          action: 'create',
          recordType: 'calendar-override',
          recordId: input.date,
          details: { kind: input.kind },
        })
      })
    },

    async removeOverride(ctx: RequestContext, date: string): Promise<void> {
      const authorityId = ctx.actor.authorityId
      await database.withTenant(authorityId, async (tx) => {
        const removed = await tx
          .delete(calendarOverride)
          .where(and(eq(calendarOverride.authorityId, authorityId), eq(calendarOverride.date, date)))
          .returning({ date: calendarOverride.date })
        if (removed.length === 0) throw new NotFoundError('Calendar change')
        await audit.record(tx, ctx, { action: 'delete', recordType: 'calendar-override', recordId: date })
      })
    },

    /**
     * Screens facts against one programme from the library, or every programme the authority
     * runs. Nothing is stored: this is advice for a worker deciding where to refer.
     */
    async screen(ctx: RequestContext, request: ScreeningRequest): Promise<Screening[]> {
      const on: IsoDate = request.on ?? londonDate(clock())
      const problems = impossibleFacts(request.facts, on)
      if (problems.length > 0) {
        throw new InvalidInputError(
          Object.fromEntries(problems.map((p) => [['facts', ...p.path].join('.'), p.message])),
        )
      }
      if (request.programmeId) {
        const programme = library.get(request.programmeId)
        if (!programme) throw new NotFoundError('Programme')
        return [screen(programme, request.facts, on)]
      }
      return whichServicesFit(request.facts, await running(ctx), on)
    },
  }
}

export type ProgrammeService = ReturnType<typeof createProgrammeService>

/** The first authority on a new installation runs every programme in the library, so people see them. */
export async function chooseAllForFirstAuthority(tx: Tx, authorityId: string, library: ProgrammeLibrary, at: Date) {
  if (library.programmes.length === 0) return
  await tx
    .insert(authorityProgramme)
    .values(library.programmes.map((p) => ({ authorityId, programmeId: p.id, chosenAt: at })))
}
