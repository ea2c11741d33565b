import { and, asc, count, desc, eq, gte, inArray, lte, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { z } from 'zod'
import type { Database, Tx } from '../db/client.ts'
import { appUser, chronologyEntry } from '../db/schema/index.ts'
import {
  type ChronologyCategory,
  type ChronologyOrigin,
  isChronologyCategory,
  WORKER_CATEGORIES,
} from '../domain/chronology.ts'
import { type IsoDate, isIsoDate, londonDate } from '../domain/isoDate.ts'
import type { AuditLog } from './audit.ts'
import type { Casework } from './casework.ts'
import type { Clock, RequestContext } from './context.ts'
import { ConflictError, fieldProblems, InvalidInputError, NotFoundError } from './errors.ts'
import type { ProgrammeService } from './programmes.ts'

/**
 * The family's chronology: what Hearth wrote as things happened, and what workers add. A
 * worker's entry can be corrected (optimistic locking on `version`); Hearth's cannot.
 */

export const CHRONOLOGY_PAGE_SIZE = 25

/** Refused: the entry was written by Hearth, so it is a record of what happened and stands as it is. */
export class NotEditableError extends ConflictError {
  constructor() {
    super('Entries Hearth wrote cannot be changed.')
    this.name = 'NotEditableError'
  }
}

const optionalText = (label: string) =>
  z
    .string()
    .trim()
    .max(5000, `${label} must be 5000 characters or fewer`)
    .nullish()
    .transform((v) => (v ? v : null))

/** What a worker writes in an entry. The date is checked against today by the service. */
export const chronologyEntryInputSchema = z.object({
  occurredOn: z.string().refine(isIsoDate, 'Enter the date as YYYY-MM-DD'),
  headline: z
    .string('Enter a headline')
    .trim()
    .min(1, 'Enter a headline')
    .max(200, 'Headline must be 200 characters or fewer'),
  category: z.enum(WORKER_CATEGORIES as [ChronologyCategory, ...ChronologyCategory[]], 'Choose a category'),
  source: optionalText('Source'),
  impact: optionalText('Impact on the child'),
  action: optionalText('Action or decision'),
})
export type ChronologyEntryInput = z.input<typeof chronologyEntryInputSchema>

export interface ChronologyFilter {
  categories?: ChronologyCategory[]
  origin?: ChronologyOrigin
  from?: IsoDate
  to?: IsoDate
  /** Newest first unless 'oldest'. */
  order?: 'newest' | 'oldest'
}

export interface ChronologyEntryView {
  id: string
  caseId: string
  occurredOn: IsoDate
  headline: string
  category: ChronologyCategory | string
  source: string | null
  impact: string | null
  action: string | null
  origin: ChronologyOrigin
  originType: string | null
  originId: string | null
  recordedBy: { id: string; name: string } | null
  recordedAt: Date
  version: number
  /** Only a worker's own additions can be corrected; what Hearth wrote stands. */
  editable: boolean
}

export function createChronologyService(
  database: Database,
  _audit: AuditLog,
  clock: Clock,
  _programmes: ProgrammeService,
  casework: Casework,
) {
  const recorder = alias(appUser, 'recorder')

  function conditions(authorityId: string, caseId: string, filter: ChronologyFilter): SQL[] {
    const where: SQL[] = [eq(chronologyEntry.authorityId, authorityId), eq(chronologyEntry.caseId, caseId)]
    const categories = filter.categories?.filter(isChronologyCategory) ?? []
    if (categories.length > 0) where.push(inArray(chronologyEntry.category, categories))
    if (filter.origin) where.push(eq(chronologyEntry.origin, filter.origin))
    if (filter.from && isIsoDate(filter.from)) where.push(gte(chronologyEntry.occurredOn, filter.from))
    if (filter.to && isIsoDate(filter.to)) where.push(lte(chronologyEntry.occurredOn, filter.to))
    return where
  }

  function select(tx: Tx) {
    return tx
      .select({ entry: chronologyEntry, recorderName: recorder.name })
      .from(chronologyEntry)
      .leftJoin(
        recorder,
        and(eq(recorder.authorityId, chronologyEntry.authorityId), eq(recorder.id, chronologyEntry.recordedBy)),
      )
  }

  function ordering(filter: ChronologyFilter) {
    const dir = filter.order === 'oldest' ? asc : desc
    // On the same day and instant (Hearth writes "received" and "accepted" together), the referral comes first.
    const step = sql`case ${chronologyEntry.originType} when 'referral' then 0 when 'decision' then 1 else 2 end`
    return [dir(chronologyEntry.occurredOn), dir(chronologyEntry.recordedAt), dir(step), dir(chronologyEntry.id)]
  }

  function view(row: { entry: typeof chronologyEntry.$inferSelect; recorderName: string | null }): ChronologyEntryView {
    const e = row.entry
    return {
      id: e.id,
      caseId: e.caseId,
      occurredOn: e.occurredOn,
      headline: e.headline,
      category: e.category,
      source: e.source,
      impact: e.impact,
      action: e.action,
      origin: e.origin === 'hearth' ? 'hearth' : 'worker',
      originType: e.originType,
      originId: e.originId,
      recordedBy: e.recordedBy ? { id: e.recordedBy, name: row.recorderName ?? 'Unknown user' } : null,
      recordedAt: e.recordedAt,
      version: e.version,
      editable: e.origin === 'worker',
    }
  }

  /** Checks what the schema cannot: the date is not in the future. */
  function checked(input: ChronologyEntryInput) {
    const parsed = chronologyEntryInputSchema.safeParse(input)
    if (!parsed.success) throw new InvalidInputError(fieldProblems(parsed.error))
    if (parsed.data.occurredOn > londonDate(clock())) {
      throw new InvalidInputError({ occurredOn: 'The date must be today or in the past' })
    }
    return parsed.data
  }

  async function find(tx: Tx, authorityId: string, caseId: string, entryId: string) {
    const [row] = await select(tx).where(
      and(
        eq(chronologyEntry.authorityId, authorityId),
        eq(chronologyEntry.caseId, caseId),
        eq(chronologyEntry.id, entryId),
      ),
    )
    if (!row) throw new NotFoundError('Chronology entry')
    return view(row)
  }

  return {
    /** One page of the case's chronology, filtered, newest first unless asked otherwise. */
    async list(ctx: RequestContext, caseId: string, filter: ChronologyFilter = {}, page = 1) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await casework.load(tx, ctx, caseId)
        const where = and(...conditions(authorityId, caseId, filter))
        const [total] = await tx.select({ n: count() }).from(chronologyEntry).where(where)
        const n = Number(total?.n ?? 0)
        const pages = Math.max(1, Math.ceil(n / CHRONOLOGY_PAGE_SIZE))
        const current = Math.min(Math.max(1, Math.trunc(page) || 1), pages)
        const rows = await select(tx)
          .where(where)
          .orderBy(...ordering(filter))
          .limit(CHRONOLOGY_PAGE_SIZE)
          .offset((current - 1) * CHRONOLOGY_PAGE_SIZE)
        await casework.audit(tx, ctx, caseId, 'list', 'chronology-entry', caseId, { page: current, total: n })
        return {
          entries: rows.map(view),
          total: n,
          page: current,
          pages,
          pageSize: CHRONOLOGY_PAGE_SIZE,
          from: n === 0 ? 0 : (current - 1) * CHRONOLOGY_PAGE_SIZE + 1,
          to: Math.min(current * CHRONOLOGY_PAGE_SIZE, n),
        }
      })
    },

    /**
     * The whole (filtered) chronology, to print or download. Taking a copy out of Hearth is
     * audited as an export, with how many entries went.
     */
    async all(ctx: RequestContext, caseId: string, filter: ChronologyFilter = {}, format: 'print' | 'csv' = 'print') {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const rows = await select(tx)
          .where(and(...conditions(authorityId, caseId, filter)))
          .orderBy(...ordering(filter))
        await casework.audit(tx, ctx, caseId, 'export', 'chronology-entry', caseId, { format, rows: rows.length })
        return { familyName: row.familyName, entries: rows.map(view), printedAt: clock() }
      })
    },

    async get(ctx: RequestContext, caseId: string, entryId: string): Promise<ChronologyEntryView> {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await casework.load(tx, ctx, caseId)
        const entry = await find(tx, authorityId, caseId, entryId)
        await casework.audit(tx, ctx, caseId, 'view', 'chronology-entry', entryId)
        return entry
      })
    },

    /** A worker adds an event to the family's chronology. */
    async add(ctx: RequestContext, caseId: string, input: ChronologyEntryInput): Promise<{ id: string }> {
      const data = checked(input)
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await casework.load(tx, ctx, caseId)
        const id = await casework.chronicle(tx, ctx, caseId, { ...data, origin: 'worker' })
        await casework.audit(tx, ctx, caseId, 'create', 'chronology-entry', id, { category: data.category })
        return { id }
      })
    },

    /**
     * Corrects a worker's entry, if nobody has changed it since `version` was read. What Hearth
     * wrote is a record of what happened in Hearth and cannot be edited.
     */
    async update(
      ctx: RequestContext,
      caseId: string,
      entryId: string,
      version: number,
      input: ChronologyEntryInput,
    ): Promise<{ version: number }> {
      const data = checked(input)
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await casework.load(tx, ctx, caseId)
        const current = await find(tx, authorityId, caseId, entryId)
        if (!current.editable) throw new NotEditableError()
        const updated = await tx
          .update(chronologyEntry)
          .set({ ...data, version: sql`${chronologyEntry.version} + 1` })
          .where(
            and(
              eq(chronologyEntry.authorityId, authorityId),
              eq(chronologyEntry.caseId, caseId),
              eq(chronologyEntry.id, entryId),
              eq(chronologyEntry.version, version),
            ),
          )
          .returning({ version: chronologyEntry.version })
        if (updated.length === 0) {
          throw new ConflictError('This entry was changed by someone else since you opened it.')
        }
        await casework.audit(tx, ctx, caseId, 'update', 'chronology-entry', entryId, {
          category: data.category,
          version: updated[0]?.version ?? version + 1,
        })
        return { version: updated[0]?.version ?? version + 1 }
      })
    },
  }
}

export type ChronologyService = ReturnType<typeof createChronologyService>
