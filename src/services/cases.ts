import { randomUUID } from 'node:crypto'
import { and, asc, count, desc, eq, inArray, isNull, lt, ne, or, type SQL, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database, Tx } from '../db/client.ts'
import {
  appUser,
  auditEvent,
  caseAllocation,
  caseEvent,
  closure,
  familyCase,
  followUp,
  plan,
} from '../db/schema/index.ts'
import type { Role } from '../domain/access.ts'
import type { Deadline } from '../domain/deadlines.ts'
import { completedYears, type IsoDate, londonDate } from '../domain/isoDate.ts'
import {
  CASE_STAGES,
  type CaseStage,
  type CurrentPhase,
  currentPhase,
  nextEvents,
  type StageEvent,
} from '../domain/lifecycle.ts'
import { isPlanKind, planName } from '../domain/plans.ts'
import type { Programme } from '../domain/programme/schema.ts'
import type { AuditLog } from './audit.ts'
import type { CaseChild, CaseRow, CaseState, Casework } from './casework.ts'
import type { Clock, RequestContext } from './context.ts'
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts'
import type { ProgrammeService } from './programmes.ts'

/** Allocation, caseloads, case lists, the case itself, its stage and milestones, my work and the access log. */

export const PAGE_SIZE = 25

export const ALLOCATION_ROLES = {
  'key-worker': 'Key worker',
  'co-worker': 'Co-worker',
  'social-worker': 'Lead professional or social worker',
} as const
export type AllocationRole = keyof typeof ALLOCATION_ROLES

/** Roles that can hold a case as key worker or co-worker. */
const WORKER_ROLES: Role[] = ['practitioner', 'team_manager']

export const externalContactSchema = z.object({
  name: z.string().trim().min(1, 'Enter the social worker’s name').max(200),
  organisation: z.string().trim().max(200).optional(),
  role: z.string().trim().max(200).optional(),
  email: z.email('Enter an email address in the correct format, like name@example.org').max(320).optional(),
  phone: z.string().trim().max(40).optional(),
})
export type ExternalContact = z.output<typeof externalContactSchema>

export const allocationSchema = z.object({
  keyWorkerId: z.uuid('Choose a key worker'),
  coWorkerId: z.uuid().nullable().default(null),
  /** A Hearth user with the social worker role, or an external contact, or nobody yet. */
  socialWorker: z
    .union([z.object({ userId: z.uuid() }), z.object({ contact: externalContactSchema })])
    .nullable()
    .default(null),
  /** Why: needed when the key worker goes over the programme's caseload. */
  reason: z.string().trim().max(2000).optional(),
  version: z.number().int(),
})
export type AllocationInput = z.input<typeof allocationSchema>

export const CASE_SORTS = ['family', 'service', 'due', 'opened'] as const
export type CaseSort = (typeof CASE_SORTS)[number]

export interface CaseFilter {
  scope: 'mine' | 'team'
  programmeId?: string
  stage?: CaseStage | 'open'
  pathway?: string
  overdue?: boolean
  sort?: CaseSort
  order?: 'asc' | 'desc'
  page?: number
}

export interface Person {
  id: string
  name: string
}

export interface CaseSummary {
  row: CaseRow
  programme: Programme
  stage: CaseStage
  pathwayName?: string
  phase?: CurrentPhase
  children: (CaseChild & { age?: number })[]
  keyWorker?: Person
  coWorker?: Person
  socialWorker?: ExternalContact & { userId?: string }
  next?: { name: string; dueAt: Date; status: Deadline['status'] }
}

export interface Caseload {
  userId: string
  name: string
  role: Role
  teamId: string | null
  keyWorkerCases: number
  coWorkerCases: number
  cap?: number
  overCap: boolean
}

export function createCaseService(
  database: Database,
  audit: AuditLog,
  clock: Clock,
  programmes: ProgrammeService,
  casework: Casework,
) {
  function summarise(
    row: CaseRow,
    children: CaseChild[],
    who: Map<string, string>,
    events: CaseState['events'],
    now: Date,
  ): CaseSummary {
    const programme = casework.programmeOf(row)
    const today = londonDate(now)
    const person = (id: string | null) => (id ? { id, name: who.get(id) ?? 'Unknown user' } : undefined)
    const social = row.socialWorkerUserId
      ? { userId: row.socialWorkerUserId, name: who.get(row.socialWorkerUserId) ?? 'Unknown user' }
      : (row.socialWorkerContact as ExternalContact | null)
    const nextStatus = (): Deadline['status'] =>
      row.nextDueAt && row.nextDueAt.getTime() < now.getTime()
        ? 'overdue'
        : row.nextDueSoonAt && row.nextDueSoonAt.getTime() <= now.getTime()
          ? 'due-soon'
          : 'not-yet-due'
    return {
      row,
      programme,
      stage: casework.stageOf(row),
      pathwayName: programme.pathways.find((p) => p.id === row.pathway)?.name,
      phase: currentPhase(programme, events, now, row.pathway),
      children: children.map((c) => ({
        ...c,
        ...(c.dateOfBirth && c.role === 'child' ? { age: completedYears(c.dateOfBirth, today) } : {}),
      })),
      keyWorker: person(row.keyWorkerId),
      coWorker: person(row.coWorkerId),
      ...(social ? { socialWorker: social } : {}),
      ...(row.nextDueAt && row.nextDueName
        ? { next: { name: row.nextDueName, dueAt: row.nextDueAt, status: nextStatus() } }
        : {}),
    }
  }

  /** Each case's summary for a list or header. `events` by case, when the caller has them already. */
  async function summaries(
    tx: Tx,
    authorityId: string,
    rows: CaseRow[],
    events?: Map<string, CaseState['events']>,
  ): Promise<CaseSummary[]> {
    const ids = rows.map((r) => r.id)
    const children = await casework.children(tx, authorityId, ids)
    const who = await casework.userNames(
      tx,
      authorityId,
      rows.flatMap((r) => [r.keyWorkerId, r.coWorkerId, r.socialWorkerUserId]),
    )
    const loaded =
      events || ids.length === 0
        ? []
        : await tx
            .select({ caseId: caseEvent.caseId, type: caseEvent.type, at: caseEvent.at })
            .from(caseEvent)
            .where(and(eq(caseEvent.authorityId, authorityId), inArray(caseEvent.caseId, ids)))
    const now = clock()
    return rows.map((row) =>
      summarise(
        row,
        children.get(row.id) ?? [],
        who,
        events?.get(row.id) ?? (loaded.filter((e) => e.caseId === row.id) as CaseState['events']),
        now,
      ),
    )
  }

  /** Who the list is for: a team's cases only for a team manager; anyone else sees their own. */
  function scopeFilter(me: { id: string; role: Role; teamId: string | null }, scope: 'mine' | 'team'): SQL | undefined {
    if (scope === 'team' && me.role === 'team_manager') {
      // A manager's team: cases the team holds, and accepted cases nobody holds yet.
      return me.teamId ? (or(eq(familyCase.teamId, me.teamId), isNull(familyCase.teamId)) as SQL) : undefined
    }
    return or(
      eq(familyCase.keyWorkerId, me.id),
      eq(familyCase.coWorkerId, me.id),
      eq(familyCase.socialWorkerUserId, me.id),
    ) as SQL
  }

  async function caseloadsIn(tx: Tx, authorityId: string, programme: Programme | undefined): Promise<Caseload[]> {
    const workers = await tx
      .select({ id: appUser.id, name: appUser.name, role: appUser.role, teamId: appUser.teamId })
      .from(appUser)
      .where(
        and(eq(appUser.authorityId, authorityId), inArray(appUser.role, WORKER_ROLES), isNull(appUser.deactivatedAt)),
      )
      .orderBy(asc(appUser.name))
    const open = ne(familyCase.status, 'closed')
    const asKey = await tx
      .select({ userId: familyCase.keyWorkerId, n: count() })
      .from(familyCase)
      .where(and(eq(familyCase.authorityId, authorityId), open))
      .groupBy(familyCase.keyWorkerId)
    const asCo = await tx
      .select({ userId: familyCase.coWorkerId, n: count() })
      .from(familyCase)
      .where(and(eq(familyCase.authorityId, authorityId), open))
      .groupBy(familyCase.coWorkerId)
    const key = new Map(asKey.map((r) => [r.userId, r.n]))
    const co = new Map(asCo.map((r) => [r.userId, r.n]))
    const cap = programme?.caseload?.maximumFamiliesPerWorker
    return workers.map((w) => {
      const keyWorkerCases = key.get(w.id) ?? 0
      return {
        userId: w.id,
        name: w.name,
        role: w.role as Role,
        teamId: w.teamId,
        keyWorkerCases,
        coWorkerCases: co.get(w.id) ?? 0,
        ...(cap ? { cap } : {}),
        overCap: cap !== undefined && keyWorkerCases >= cap,
      }
    })
  }

  async function activeUser(tx: Tx, authorityId: string, id: string) {
    const [row] = await tx
      .select()
      .from(appUser)
      .where(and(eq(appUser.authorityId, authorityId), eq(appUser.id, id), isNull(appUser.deactivatedAt)))
    return row
  }

  /** Ends the current holder of a role on a case and starts the next, keeping who held it when. */
  async function handOver(
    tx: Tx,
    ctx: RequestContext,
    caseId: string,
    role: AllocationRole,
    next: { userId?: string | null; contact?: ExternalContact | null },
    extra: { reason?: string; overCap?: boolean },
  ) {
    const authorityId = ctx.actor.authorityId
    const now = clock()
    await tx
      .update(caseAllocation)
      .set({ endedAt: now, endedBy: ctx.actor.userId ?? null })
      .where(
        and(
          eq(caseAllocation.authorityId, authorityId),
          eq(caseAllocation.caseId, caseId),
          eq(caseAllocation.role, role),
          isNull(caseAllocation.endedAt),
        ),
      )
    if (!next.userId && !next.contact) return
    await tx.insert(caseAllocation).values({
      authorityId,
      caseId,
      id: randomUUID(),
      role,
      userId: next.userId ?? null,
      contact: next.contact ?? null,
      startedAt: now,
      allocatedBy: ctx.actor.userId as string,
      reason: extra.reason ?? null,
      overCap: extra.overCap ?? false,
    })
  }

  /** A moment something happened on a case: not in the future, not before the day it opened (and on that day, not before it opened). */
  const bumpVersion = casework.bump

  const service = {
    /** A case's header and overview: who, where it stands, what is next. Opening it is audited. */
    async open(ctx: RequestContext, caseId: string, page = 'overview') {
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const state = await casework.state(tx, authorityId, row, calendar)
        const [summary] = await summaries(tx, authorityId, [row], new Map([[row.id, state.events]]))
        const current = summary as CaseSummary
        // The header shows the live next deadline, which may differ from the stored one as time passes.
        if (state.next) current.next = { name: state.next.name, dueAt: state.next.dueAt, status: state.next.status }
        await casework.audit(tx, ctx, caseId, 'view', 'case', caseId, { page })
        return { ...current, state, nextEvents: nextEvents(current.programme, current.stage) }
      })
    },

    /** My cases or my team's, filtered, sorted and a page at a time. */
    async list(ctx: RequestContext, filter: CaseFilter) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const me = await casework.actorUser(tx, ctx)
        if (!me) throw new NotFoundError('User')
        const where: SQL[] = [eq(familyCase.authorityId, authorityId)]
        const scoped = scopeFilter(me, filter.scope)
        if (scoped) where.push(scoped)
        if (filter.programmeId) where.push(eq(familyCase.programmeId, filter.programmeId))
        if (filter.stage === 'open' || !filter.stage) where.push(ne(familyCase.status, 'closed'))
        else where.push(eq(familyCase.status, filter.stage))
        if (filter.pathway) where.push(eq(familyCase.pathway, filter.pathway))
        if (filter.overdue) where.push(lt(familyCase.nextDueAt, clock()))
        const [total] = await tx
          .select({ n: count() })
          .from(familyCase)
          .where(and(...where))
        const direction = filter.order === 'desc' ? desc : asc
        const order = {
          family: [direction(familyCase.familyName), asc(familyCase.openedAt)],
          service: [direction(familyCase.programmeId), asc(familyCase.familyName)],
          due: [sql`${familyCase.nextDueAt} ${sql.raw(filter.order === 'desc' ? 'DESC' : 'ASC')} NULLS LAST`],
          opened: [direction(familyCase.openedAt)],
        }[filter.sort ?? 'due']
        const page = Math.min(Math.max(1, filter.page ?? 1), Math.max(1, Math.ceil((total?.n ?? 0) / PAGE_SIZE)))
        const rows = await tx
          .select()
          .from(familyCase)
          .where(and(...where))
          .orderBy(...order, asc(familyCase.id))
          .limit(PAGE_SIZE)
          .offset((page - 1) * PAGE_SIZE)
        await audit.record(tx, ctx, {
          action: 'list',
          recordType: 'case',
          details: { scope: filter.scope, page, shown: rows.length },
        })
        return { cases: await summaries(tx, authorityId, rows), total: total?.n ?? 0, page, pageSize: PAGE_SIZE }
      })
    },

    /** Each worker's open cases against the programme's caseload, for choosing whom to allocate. */
    async caseloads(ctx: RequestContext, programmeId?: string) {
      const programme = programmeId ? programmes.find(programmeId) : undefined
      return database.withTenant(ctx.actor.authorityId, (tx) => caseloadsIn(tx, ctx.actor.authorityId, programme))
    },

    /** Everyone holding open cases as key worker, active or not (a worker who has left still holds theirs until moved). */
    async holders(ctx: RequestContext) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, (tx) =>
        tx
          .select({ userId: appUser.id, name: appUser.name, deactivatedAt: appUser.deactivatedAt, cases: count() })
          .from(familyCase)
          .innerJoin(
            appUser,
            and(eq(appUser.authorityId, familyCase.authorityId), eq(appUser.id, familyCase.keyWorkerId)),
          )
          .where(and(eq(familyCase.authorityId, authorityId), ne(familyCase.status, 'closed')))
          .groupBy(appUser.id, appUser.name, appUser.deactivatedAt)
          .orderBy(asc(appUser.name)),
      )
    },

    /** Every open case a worker holds as key worker, for moving them on. */
    async heldBy(ctx: RequestContext, userId: string): Promise<CaseSummary[]> {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const rows = await tx
          .select()
          .from(familyCase)
          .where(
            and(
              eq(familyCase.authorityId, authorityId),
              eq(familyCase.keyWorkerId, userId),
              ne(familyCase.status, 'closed'),
            ),
          )
          .orderBy(asc(familyCase.familyName), asc(familyCase.id))
        return summaries(tx, authorityId, rows)
      })
    },

    /** Social workers with a Hearth account, who can be recorded as a case's lead professional. */
    async socialWorkers(ctx: RequestContext): Promise<Person[]> {
      return database.withTenant(ctx.actor.authorityId, (tx) =>
        tx
          .select({ id: appUser.id, name: appUser.name })
          .from(appUser)
          .where(
            and(
              eq(appUser.authorityId, ctx.actor.authorityId),
              eq(appUser.role, 'social_worker'),
              isNull(appUser.deactivatedAt),
            ),
          )
          .orderBy(asc(appUser.name)),
      )
    },

    /** Who has held the case, in each role, from when to when. */
    async allocations(ctx: RequestContext, caseId: string) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await casework.load(tx, ctx, caseId)
        const rows = await tx
          .select()
          .from(caseAllocation)
          .where(and(eq(caseAllocation.authorityId, authorityId), eq(caseAllocation.caseId, caseId)))
          .orderBy(desc(caseAllocation.startedAt))
        const who = await casework.userNames(
          tx,
          authorityId,
          rows.flatMap((r) => [r.userId, r.allocatedBy]),
        )
        return rows.map((r) => ({
          ...r,
          holder: r.userId
            ? (who.get(r.userId) ?? 'Unknown user')
            : ((r.contact as ExternalContact | null)?.name ?? ''),
          allocatedByName: who.get(r.allocatedBy) ?? 'Unknown user',
        }))
      })
    },

    /**
     * Allocates (or reallocates) the key worker, co-worker and lead professional. Going over
     * the programme's caseload needs a reason, which is kept with the allocation.
     */
    async allocate(ctx: RequestContext, caseId: string, raw: AllocationInput) {
      const input = allocationSchema.parse(raw)
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        if (row.version !== input.version) throw new ConflictError()
        if (row.status === 'closed') throw new InvalidInputError({ keyWorkerId: 'The case is closed' })
        const programme = casework.programmeOf(row)
        const problems: Record<string, string> = {}
        const keyWorker = await activeUser(tx, authorityId, input.keyWorkerId)
        if (!keyWorker || !WORKER_ROLES.includes(keyWorker.role as Role)) {
          problems.keyWorkerId = 'Choose a key worker from the list'
        }
        if (input.coWorkerId) {
          const co = await activeUser(tx, authorityId, input.coWorkerId)
          if (!co || !WORKER_ROLES.includes(co.role as Role)) problems.coWorkerId = 'Choose a co-worker from the list'
          if (input.coWorkerId === input.keyWorkerId) problems.coWorkerId = 'The co-worker must be someone else'
        }
        const social = input.socialWorker
        if (social && 'userId' in social) {
          const sw = await activeUser(tx, authorityId, social.userId)
          if (sw?.role !== 'social_worker') problems.socialWorkerId = 'Choose a social worker from the list'
        }
        const changingKeyWorker = row.keyWorkerId !== input.keyWorkerId
        const load = (await caseloadsIn(tx, authorityId, programme)).find((c) => c.userId === input.keyWorkerId)
        const overCap = Boolean(changingKeyWorker && load?.cap !== undefined && load.keyWorkerCases >= load.cap)
        if (overCap && !input.reason) {
          problems.reason = `${load?.name} already holds ${load?.keyWorkerCases} cases, and ${programme.name} works with at most ${load?.cap} families per worker. Say why they should take this one`
        }
        if (Object.keys(problems).length > 0) throw new InvalidInputError(problems)

        const firstAllocation = !row.keyWorkerId
        if (changingKeyWorker) {
          await handOver(
            tx,
            ctx,
            caseId,
            'key-worker',
            { userId: input.keyWorkerId },
            { reason: input.reason, overCap },
          )
        }
        if (row.coWorkerId !== input.coWorkerId) {
          await handOver(tx, ctx, caseId, 'co-worker', { userId: input.coWorkerId }, {})
        }
        const socialUserId = social && 'userId' in social ? social.userId : null
        const socialContact = social && 'contact' in social ? social.contact : null
        const socialChanged =
          row.socialWorkerUserId !== socialUserId ||
          JSON.stringify(row.socialWorkerContact ?? null) !== JSON.stringify(socialContact)
        if (socialChanged) {
          await handOver(tx, ctx, caseId, 'social-worker', { userId: socialUserId, contact: socialContact }, {})
        }
        await bumpVersion(
          tx,
          row,
          {
            keyWorkerId: input.keyWorkerId,
            coWorkerId: input.coWorkerId,
            socialWorkerUserId: socialUserId,
            socialWorkerContact: socialContact,
            teamId: keyWorker?.teamId ?? row.teamId,
          },
          input.version,
        )
        const now = clock()
        if (firstAllocation) await casework.event(tx, ctx, caseId, 'allocated', now)
        if (changingKeyWorker) {
          await casework.chronicle(tx, ctx, caseId, {
            occurredOn: londonDate(now),
            headline: firstAllocation
              ? `Key worker allocated: ${keyWorker?.name}`
              : `Case reallocated to ${keyWorker?.name}`,
            category: 'allocation',
            origin: 'hearth',
            originType: 'allocation',
          })
        }
        await casework.audit(tx, ctx, caseId, 'allocate', 'case', caseId, {
          keyWorkerChanged: changingKeyWorker,
          overCap,
        })
        await casework.refresh(tx, ctx, { ...row, status: row.status }, calendar)
      })
    },

    /**
     * Moves every open case a worker holds as key worker (when they leave, say) to the workers
     * chosen, in one transaction: all move, or none.
     */
    async reallocateAll(
      ctx: RequestContext,
      fromUserId: string,
      moves: { caseId: string; toUserId: string }[],
      reason: string,
    ) {
      const authorityId = ctx.actor.authorityId
      if (!reason.trim()) throw new InvalidInputError({ reason: 'Say why the cases are moving' })
      if (moves.length === 0) throw new InvalidInputError({ moves: 'There are no cases to move' })
      return database.withTenant(authorityId, async (tx) => {
        const problems: Record<string, string> = {}
        const targets = new Map<string, typeof appUser.$inferSelect>()
        for (const move of moves) {
          const target = targets.get(move.toUserId) ?? (await activeUser(tx, authorityId, move.toUserId))
          if (!target || !WORKER_ROLES.includes(target.role as Role) || target.id === fromUserId) {
            problems[`to-${move.caseId}`] = 'Choose who takes this case'
          } else targets.set(target.id, target)
        }
        if (Object.keys(problems).length > 0) throw new InvalidInputError(problems)
        const now = clock()
        // Each worker's caseload as the moves land, to record any move that takes them over their programme's cap.
        const held = new Map<string | null, number>(
          (
            await tx
              .select({ userId: familyCase.keyWorkerId, n: count() })
              .from(familyCase)
              .where(and(eq(familyCase.authorityId, authorityId), ne(familyCase.status, 'closed')))
              .groupBy(familyCase.keyWorkerId)
          ).map((r) => [r.userId, r.n]),
        )
        for (const move of moves) {
          const row = await casework.load(tx, ctx, move.caseId)
          if (row.keyWorkerId !== fromUserId || row.status === 'closed') {
            throw new ConflictError(
              'One of these cases has moved or closed since you opened this page. Nothing was moved.',
            )
          }
          const target = targets.get(move.toUserId) as typeof appUser.$inferSelect
          const cap = casework.programmeOf(row).caseload?.maximumFamiliesPerWorker
          const load = held.get(target.id) ?? 0
          held.set(target.id, load + 1)
          const overCap = cap !== undefined && load >= cap
          await handOver(tx, ctx, row.id, 'key-worker', { userId: target.id }, { reason, overCap })
          const newCoWorker = row.coWorkerId === target.id ? null : row.coWorkerId
          if (newCoWorker !== row.coWorkerId) await handOver(tx, ctx, row.id, 'co-worker', {}, {})
          await bumpVersion(
            tx,
            row,
            { keyWorkerId: target.id, coWorkerId: newCoWorker, teamId: target.teamId ?? row.teamId },
            row.version,
          )
          await casework.chronicle(tx, ctx, row.id, {
            occurredOn: londonDate(now),
            headline: `Case reallocated to ${target.name}`,
            category: 'allocation',
            origin: 'hearth',
            originType: 'allocation',
          })
          await casework.audit(tx, ctx, row.id, 'allocate', 'case', row.id, { bulk: true, overCap })
        }
        return moves.length
      })
    },

    /**
     * Moves the case on: support starts, a further cycle, the step-down. The programme's
     * lifecycle decides what is allowed; a move it refuses comes back with its reason.
     */
    async move(ctx: RequestContext, caseId: string, version: number, event: StageEvent, at: Date) {
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        if (row.version !== version) throw new ConflictError()
        return casework.advance(tx, ctx, row, event, at, calendar)
      })
    },

    /** Every unmet deadline across my cases (or the team's), overdue first, then soonest. */
    async work(ctx: RequestContext, scope: 'mine' | 'team', page = 1) {
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        const me = await casework.actorUser(tx, ctx)
        if (!me) throw new NotFoundError('User')
        // Open cases, and closed ones with a follow-up check still to do.
        const followUpDue = tx
          .select({ caseId: followUp.caseId })
          .from(followUp)
          .where(and(eq(followUp.authorityId, authorityId), isNull(followUp.doneOn)))
        const where: SQL[] = [
          eq(familyCase.authorityId, authorityId),
          or(ne(familyCase.status, 'closed'), inArray(familyCase.id, followUpDue)) as SQL,
        ]
        const scoped = scopeFilter(me, scope)
        if (scoped) where.push(scoped)
        const rows = await tx
          .select()
          .from(familyCase)
          .where(and(...where))
        const states = await casework.states(tx, authorityId, rows, calendar)
        const cases = await summaries(
          tx,
          authorityId,
          rows,
          new Map([...states].map(([id, state]) => [id, state.events])),
        )
        const items: { summary: CaseSummary; deadline: Deadline }[] = []
        for (const summary of cases) {
          for (const deadline of states.get(summary.row.id)?.deadlines ?? []) {
            if (deadline.status === 'overdue' || deadline.status === 'due-soon' || deadline.status === 'not-yet-due') {
              items.push({ summary, deadline })
            }
          }
        }
        items.sort(
          (a, b) =>
            Number(b.deadline.status === 'overdue') - Number(a.deadline.status === 'overdue') ||
            a.deadline.dueAt.getTime() - b.deadline.dueAt.getTime(),
        )
        const current = Math.min(Math.max(1, page), Math.max(1, Math.ceil(items.length / PAGE_SIZE)))
        await audit.record(tx, ctx, { action: 'list', recordType: 'deadline', details: { scope, page: current } })
        return {
          items: items.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE),
          total: items.length,
          overdue: items.filter((i) => i.deadline.status === 'overdue').length,
          page: current,
          pageSize: PAGE_SIZE,
        }
      })
    },

    /**
     * What waits for a team manager's sign-off across the team's cases: plans agreed with the
     * family and closures proposed, oldest first, each with who agreed or proposed it and when.
     */
    async awaitingSignOff(ctx: RequestContext) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const me = await casework.actorUser(tx, ctx)
        if (!me) throw new NotFoundError('User')
        const where: SQL[] = [eq(familyCase.authorityId, authorityId), ne(familyCase.status, 'closed')]
        const scoped = scopeFilter(me, 'team')
        if (scoped) where.push(scoped)
        const plans = await tx
          .select({
            row: familyCase,
            id: plan.id,
            kind: plan.kind,
            edition: plan.edition,
            on: plan.agreedOn,
            by: plan.agreedBy,
          })
          .from(plan)
          .innerJoin(familyCase, and(eq(familyCase.authorityId, authorityId), eq(familyCase.id, plan.caseId)))
          .where(and(eq(plan.authorityId, authorityId), eq(plan.status, 'agreed'), isNull(plan.signedOffBy), ...where))
        const closures = await tx
          .select({ row: familyCase, at: closure.proposedAt, by: closure.proposedBy })
          .from(closure)
          .innerJoin(familyCase, and(eq(familyCase.authorityId, authorityId), eq(familyCase.id, closure.caseId)))
          .where(and(eq(closure.authorityId, authorityId), eq(closure.status, 'proposed'), ...where))
        const rows = new Map([...plans, ...closures].map(({ row }) => [row.id, row]))
        const byCase = new Map((await summaries(tx, authorityId, [...rows.values()])).map((c) => [c.row.id, c]))
        const who = await casework.userNames(
          tx,
          authorityId,
          [...plans, ...closures].map((r) => r.by),
        )
        const items: { summary: CaseSummary; what: string; since: IsoDate; by: string; href: string }[] = []
        for (const p of plans) {
          const summary = byCase.get(p.row.id)
          if (!summary || !p.on || !isPlanKind(p.kind)) continue
          const name = planName(summary.programme, p.kind)
          items.push({
            summary,
            what: p.edition > 1 ? `${name}, edition ${p.edition}` : name,
            since: p.on as IsoDate,
            by: (p.by && who.get(p.by)) || 'Unknown user',
            href: `/cases/${p.row.id}/plan/${p.id}`,
          })
        }
        for (const c of closures) {
          const summary = byCase.get(c.row.id)
          if (!summary) continue
          items.push({
            summary,
            what: 'Closure',
            since: londonDate(c.at),
            by: who.get(c.by) ?? 'Unknown user',
            href: `/cases/${c.row.id}/closure`,
          })
        }
        items.sort(
          (a, b) => a.since.localeCompare(b.since) || a.summary.row.familyName.localeCompare(b.summary.row.familyName),
        )
        await audit.record(tx, ctx, { action: 'list', recordType: 'sign-off', details: { count: items.length } })
        return items
      })
    },

    /** Who has opened or changed the case, newest first: for managers and auditors. */
    async accessLog(ctx: RequestContext, caseId: string, page = 1) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await casework.load(tx, ctx, caseId)
        const current = Math.max(1, page)
        const where = and(eq(auditEvent.authorityId, authorityId), sql`${auditEvent.details}->>'caseId' = ${caseId}`)
        const [total] = await tx.select({ n: count() }).from(auditEvent).where(where)
        const rows = await tx
          .select()
          .from(auditEvent)
          .where(where)
          .orderBy(desc(auditEvent.seq))
          .limit(PAGE_SIZE)
          .offset((current - 1) * PAGE_SIZE)
        const who = await casework.userNames(
          tx,
          authorityId,
          rows.map((r) => r.actorId),
        )
        // Reading the log is itself recorded, after the rows are read so it does not list itself.
        await casework.audit(tx, ctx, caseId, 'view', 'case', caseId, { page: 'access-log' })
        return {
          events: rows.map((r) => ({
            ...r,
            actorName: r.actorId ? (who.get(r.actorId) ?? 'Unknown user') : r.actorType,
          })),
          total: total?.n ?? 0,
          page: current,
          pageSize: PAGE_SIZE,
        }
      })
    },

    /** After the working-day calendar changes, every open case's next deadline is worked out again. */
    async refreshAll(ctx: RequestContext) {
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        const rows = await tx
          .select()
          .from(familyCase)
          .where(and(eq(familyCase.authorityId, authorityId), ne(familyCase.status, 'closed')))
        await casework.refreshMany(tx, authorityId, rows, calendar)
        return rows.length
      })
    },

    /**
     * At start-up: works out the next deadline of open cases that have none stored (cases
     * opened before it was kept, say), in every authority.
     */
    async refreshUnset(): Promise<number> {
      const authorities = await database.asOwner((tx) =>
        tx
          .selectDistinct({ authorityId: familyCase.authorityId })
          .from(familyCase)
          .where(and(isNull(familyCase.nextDueAt), ne(familyCase.status, 'closed'))),
      )
      let refreshed = 0
      for (const { authorityId } of authorities) {
        refreshed += await service.refreshAll({ actor: { type: 'system', authorityId } })
      }
      return refreshed
    },

    stageLabel: (stage: CaseStage) => CASE_STAGES[stage],
    isoToday: (): IsoDate => londonDate(clock()),
  }
  return service
}

export type CaseService = ReturnType<typeof createCaseService>
