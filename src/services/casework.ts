import { randomUUID } from 'node:crypto'
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import {
  appUser,
  caseEvent,
  casePerson,
  chronologyEntry,
  contact,
  familyCase,
  followUp,
  onwardReferral,
  person,
  plan,
  planGoal,
} from '../db/schema/index.ts'
import { canSeeCase } from '../domain/access.ts'
import type { Calendar } from '../domain/calendar.ts'
import type { ChronologyCategory } from '../domain/chronology.ts'
import { type ChildSeen, seesFamily } from '../domain/contacts.ts'
import { type CaseEvent, type Deadline, datedDeadline, deadlines } from '../domain/deadlines.ts'
import {
  endOfLondonDay,
  formatIsoDate,
  type IsoDate,
  londonDate,
  londonMoment,
  startOfLondonDay,
} from '../domain/isoDate.ts'
import {
  type CaseStage,
  type Engagement,
  engagement,
  isCaseStage,
  nextDeadline,
  STAGE_EVENTS,
  type StageEvent,
  transition,
} from '../domain/lifecycle.ts'
import type { Programme } from '../domain/programme/schema.ts'
import { CASE_EVENTS } from '../domain/programme/vocabulary.ts'
import type { AuditAction, AuditLog } from './audit.ts'
import type { Clock, RequestContext } from './context.ts'
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts'
import type { ProgrammeService } from './programmes.ts'

/**
 * What every casework use case shares, inside its one transaction: finding a case the actor
 * may see, writing to the chronology, auditing with the case named (for its access log), and
 * keeping the case's next deadline current after a change.
 */

export type CaseRow = typeof familyCase.$inferSelect

export interface CaseChild {
  personId: string
  givenName: string
  familyName: string
  role: 'child' | 'unborn'
  dateOfBirth: IsoDate | null
  expectedDueDate: IsoDate | null
}

/** A goal of the family's plan, as other records (scaling, reviews, contacts) name it. */
export interface CaseGoal {
  /** Kept from one edition of the plan to the next. */
  id: string
  position: number
  need: string
  outcome: string
  howWeKnow: string | null
  headlineOutcome: number | null
}

export interface CaseState {
  events: CaseEvent[]
  deadlines: Deadline[]
  engagement: Engagement
  next?: Deadline
}

const STAGE_HEADLINES: Record<StageEvent, string> = {
  'support-started': 'Support started',
  'further-cycle-started': 'A further cycle of support started',
  'step-down-started': 'Step-down started',
  closed: 'Case closed',
}

export function createCasework(audit: AuditLog, clock: Clock, programmes: ProgrammeService) {
  async function actorUser(tx: Tx, ctx: RequestContext) {
    if (!ctx.actor.userId || !ctx.actor.role) return undefined
    const [row] = await tx
      .select({ teamId: appUser.teamId })
      .from(appUser)
      .where(and(eq(appUser.authorityId, ctx.actor.authorityId), eq(appUser.id, ctx.actor.userId)))
    return { id: ctx.actor.userId, role: ctx.actor.role, teamId: row?.teamId ?? null }
  }

  const kit = {
    /**
     * The case, if it exists and the actor may see it; otherwise "not found" (never "forbidden",
     * which would say it exists). With `lock`, the case row is held until the transaction ends, so
     * two changes that each check "is there one already?" (a second plan, a second review for
     * the same week, a second closure) happen one after the other, never both at once.
     */
    async load(tx: Tx, ctx: RequestContext, caseId: string, options: { lock?: boolean } = {}): Promise<CaseRow> {
      const authorityId = ctx.actor.authorityId
      const query = tx
        .select()
        .from(familyCase)
        .where(and(eq(familyCase.authorityId, authorityId), eq(familyCase.id, caseId)))
      const [row] = options.lock ? await query.for('update') : await query
      if (!row) throw new NotFoundError('Case')
      if (ctx.actor.type === 'user' || ctx.actor.type === 'token') {
        const user = await actorUser(tx, ctx)
        if (!user || !canSeeCase(user, row)) throw new NotFoundError('Case')
      }
      return row
    },

    /** The signed-in person's id and team, for "my cases" and "team cases". */
    actorUser,

    /** Users' names by id, for saying who recorded or holds something. */
    async userNames(tx: Tx, authorityId: string, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
      const wanted = [...new Set(ids.filter((id): id is string => Boolean(id)))]
      if (wanted.length === 0) return new Map()
      const rows = await tx
        .select({ id: appUser.id, name: appUser.name })
        .from(appUser)
        .where(and(eq(appUser.authorityId, authorityId), inArray(appUser.id, wanted)))
      return new Map(rows.map((r) => [r.id, r.name]))
    },

    programmeOf(row: CaseRow): Programme {
      const programme = programmes.find(row.programmeId)
      if (!programme) throw new NotFoundError('Programme')
      return programme
    },

    stageOf(row: CaseRow): CaseStage {
      return isCaseStage(row.status) ? row.status : 'accepted'
    },

    /**
     * A moment on the case, checked: not in the future, and not before the family was accepted
     * (a moment earlier on the day of acceptance is taken as the acceptance itself). `field` names
     * the form field a problem belongs to.
     */
    onCase(row: CaseRow, at: Date, field = 'at'): Date {
      if (at.getTime() > clock().getTime() + 5 * 60_000) {
        throw new InvalidInputError({ [field]: 'The date cannot be in the future' })
      }
      if (londonDate(at) < londonDate(row.openedAt)) {
        throw new InvalidInputError({ [field]: 'The date must be on or after the day the family was accepted' })
      }
      return at.getTime() < row.openedAt.getTime() ? row.openedAt : at
    },

    /**
     * The moment to record for something that happened on a day (a review held, a plan agreed):
     * midday, or just after anything already recorded later that day (a crisis plan agreed on the
     * day of the 14:30 home visit comes after the visit), or now if that is still to come today;
     * checked as `onCase` checks it.
     */
    async dayOnCase(tx: Tx, row: CaseRow, day: IsoDate, field = 'at'): Promise<Date> {
      const now = clock()
      const sameDay = (await kit.events(tx, row.authorityId, row.id))
        .map((e) => e.at.getTime())
        .filter((t) => londonDate(new Date(t)) === day)
      let at = londonMoment(day, 12, 0).getTime()
      const latest = Math.max(...sameDay, Number.NEGATIVE_INFINITY)
      if (latest >= at) at = Math.min(latest + 1000, endOfLondonDay(day).getTime())
      if (day === londonDate(now) && at > now.getTime()) at = now.getTime()
      return kit.onCase(row, new Date(at), field)
    },

    /** Changes the case row if nobody has changed it since `version` was read; otherwise a conflict. */
    async bump(tx: Tx, row: CaseRow, set: Partial<CaseRow>, version: number) {
      const updated = await tx
        .update(familyCase)
        .set({ ...set, version: sql`${familyCase.version} + 1` })
        .where(
          and(eq(familyCase.authorityId, row.authorityId), eq(familyCase.id, row.id), eq(familyCase.version, version)),
        )
        .returning({ id: familyCase.id })
      if (updated.length === 0) throw new ConflictError('This case was changed by someone else since you opened it.')
    },

    /**
     * Moves the case on (support starts, a further cycle, the step-down, closure) at `at` (checked
     * as `onCase` checks it) inside the caller's transaction. The programme's lifecycle decides what is allowed; a move it refuses,
     * or one dated before the move it follows, comes back as a problem on the form field named in `fields`.
     */
    async advance(
      tx: Tx,
      ctx: RequestContext,
      row: CaseRow,
      event: StageEvent,
      at: Date,
      calendar: Calendar,
      fields: { event: string; at: string } = { event: 'event', at: 'at' },
      sourceId?: string,
    ): Promise<CaseStage> {
      const result = transition(kit.programmeOf(row), kit.stageOf(row), event)
      if (!result.ok) throw new InvalidInputError({ [fields.event]: result.reason })
      at = kit.onCase(row, at, fields.at)
      const previous = (await kit.events(tx, row.authorityId, row.id))
        .filter((e) => (STAGE_EVENTS as readonly string[]).includes(e.type))
        .at(-1)
      if (previous && at.getTime() < previous.at.getTime()) {
        throw new InvalidInputError({
          [fields.at]: `The date must be on or after ${formatIsoDate(londonDate(previous.at))}, when ${CASE_EVENTS[previous.type].toLowerCase()}`,
        })
      }
      await kit.bump(tx, row, { status: result.to, ...(result.to === 'closed' ? { closedAt: at } : {}) }, row.version)
      await kit.event(tx, ctx, row.id, event, at, sourceId)
      await kit.chronicle(tx, ctx, row.id, {
        occurredOn: londonDate(at),
        headline: STAGE_HEADLINES[event],
        category: event === 'closed' ? 'closure' : 'phase',
        origin: 'hearth',
        originType: 'phase',
        ...(sourceId ? { originId: sourceId } : {}),
      })
      await kit.audit(tx, ctx, row.id, 'transition', 'case', row.id, { event, to: result.to })
      await kit.refresh(tx, ctx, { ...row, status: result.to, version: row.version + 1 }, calendar)
      return result.to
    },

    /** An audit event that names the case, so it shows in the case's access log. */
    async audit(
      tx: Tx,
      ctx: RequestContext,
      caseId: string,
      action: AuditAction,
      recordType: string,
      recordId: string,
      details: Record<string, string | number | boolean | null> = {},
    ) {
      await audit.record(tx, ctx, { action, recordType, recordId, details: { caseId, ...details } })
    },

    /** Adds an entry to the family's chronology. */
    async chronicle(
      tx: Tx,
      ctx: RequestContext,
      caseId: string,
      entry: {
        occurredOn: IsoDate
        headline: string
        category: ChronologyCategory
        origin: 'hearth' | 'worker'
        originType?: string
        originId?: string
        source?: string | null
        impact?: string | null
        action?: string | null
      },
    ): Promise<string> {
      const id = randomUUID()
      await tx.insert(chronologyEntry).values({
        authorityId: ctx.actor.authorityId,
        caseId,
        id,
        occurredOn: entry.occurredOn,
        headline: entry.headline,
        category: entry.category,
        source: entry.source ?? null,
        impact: entry.impact ?? null,
        action: entry.action ?? null,
        origin: entry.origin,
        originType: entry.originType ?? null,
        originId: entry.originId ?? null,
        recordedBy: ctx.actor.userId ?? null,
        recordedAt: clock(),
      })
      return id
    },

    async events(tx: Tx, authorityId: string, caseId: string): Promise<CaseEvent[]> {
      const rows = await tx
        .select({ type: caseEvent.type, at: caseEvent.at })
        .from(caseEvent)
        .where(and(eq(caseEvent.authorityId, authorityId), eq(caseEvent.caseId, caseId)))
        .orderBy(asc(caseEvent.at))
      return rows as CaseEvent[]
    },

    /** Records that something happened on the case. */
    async event(tx: Tx, ctx: RequestContext, caseId: string, type: CaseEvent['type'], at: Date, sourceId?: string) {
      await tx.insert(caseEvent).values({
        authorityId: ctx.actor.authorityId,
        caseId,
        id: randomUUID(),
        type,
        at,
        recordedBy: ctx.actor.userId ?? null,
        recordedAt: clock(),
        sourceId: sourceId ?? null,
      })
    },

    /**
     * The goals of the case's current Family Action Plan: the edition in force (the latest agreed),
     * or the draft while nothing has been agreed yet; none before a plan is started. A change being
     * drafted does not count until the family agrees it.
     */
    async goals(tx: Tx, authorityId: string, caseId: string): Promise<CaseGoal[]> {
      const editions = await tx
        .select({ id: plan.id, status: plan.status })
        .from(plan)
        .where(and(eq(plan.authorityId, authorityId), eq(plan.caseId, caseId), eq(plan.kind, 'family-action')))
        .orderBy(desc(plan.edition))
      const current = editions.find((e) => e.status === 'agreed') ?? editions.find((e) => e.status === 'draft')
      if (!current) return []
      return tx
        .select({
          id: planGoal.id,
          position: planGoal.position,
          need: planGoal.need,
          outcome: planGoal.outcome,
          howWeKnow: planGoal.howWeKnow,
          headlineOutcome: planGoal.headlineOutcome,
        })
        .from(planGoal)
        .where(and(eq(planGoal.authorityId, authorityId), eq(planGoal.planId, current.id)))
        .orderBy(asc(planGoal.position))
    },

    /** The children and unborn babies on the case, eldest first. */
    async children(tx: Tx, authorityId: string, caseIds: string[]): Promise<Map<string, CaseChild[]>> {
      const result = new Map<string, CaseChild[]>(caseIds.map((id) => [id, []]))
      if (caseIds.length === 0) return result
      const rows = await tx
        .select({
          caseId: casePerson.caseId,
          personId: person.id,
          givenName: person.givenName,
          familyName: person.familyName,
          role: casePerson.role,
          dateOfBirth: person.dateOfBirth,
          expectedDueDate: person.expectedDueDate,
        })
        .from(casePerson)
        .innerJoin(person, and(eq(person.authorityId, casePerson.authorityId), eq(person.id, casePerson.personId)))
        .where(
          and(
            eq(casePerson.authorityId, authorityId),
            inArray(casePerson.caseId, caseIds),
            inArray(casePerson.role, ['child', 'unborn']),
          ),
        )
        .orderBy(asc(sql`coalesce(${person.dateOfBirth}, ${person.expectedDueDate})`), asc(person.givenName))
      for (const row of rows) result.get(row.caseId)?.push(row as CaseChild)
      return result
    },

    /**
     * The case's deadlines (the programme's timescales and reviews, and how long since a child
     * was seen) from what has happened, with the soonest unmet one stored on the case for lists.
     */
    async refresh(tx: Tx, ctx: RequestContext, row: CaseRow, calendar: Calendar): Promise<CaseState> {
      return (await kit.refreshMany(tx, ctx.actor.authorityId, [row], calendar)).get(row.id) as CaseState
    },

    /** `refresh` for many cases at once (after the working-day calendar changes, say). */
    async refreshMany(tx: Tx, authorityId: string, rows: CaseRow[], calendar: Calendar) {
      const states = await kit.states(tx, authorityId, rows, calendar)
      for (const [caseId, state] of states) {
        await tx
          .update(familyCase)
          .set({
            nextDueAt: state.next?.dueAt ?? null,
            nextDueName: state.next?.name ?? null,
            nextDueSoonAt: state.next?.dueSoonAt ?? null,
          })
          .where(and(eq(familyCase.authorityId, authorityId), eq(familyCase.id, caseId)))
      }
      return states
    },

    /** The case's deadlines and engagement, without changing anything. */
    async state(tx: Tx, authorityId: string, row: CaseRow, calendar: Calendar): Promise<CaseState> {
      return (await kit.states(tx, authorityId, [row], calendar)).get(row.id) as CaseState
    },

    /**
     * Deadlines and engagement for many cases at once: five queries, whatever the number of cases.
     * Besides the programme's timescales and reviews, a case has a deadline for each onward
     * referral still waiting for a response, and for each follow-up check after closure not yet done.
     */
    async states(tx: Tx, authorityId: string, rows: CaseRow[], calendar: Calendar): Promise<Map<string, CaseState>> {
      const result = new Map<string, CaseState>()
      if (rows.length === 0) return result
      const ids = rows.map((r) => r.id)
      const now = clock()
      const events = await tx
        .select({ caseId: caseEvent.caseId, type: caseEvent.type, at: caseEvent.at })
        .from(caseEvent)
        .where(and(eq(caseEvent.authorityId, authorityId), inArray(caseEvent.caseId, ids)))
        .orderBy(asc(caseEvent.at))
      const children = await kit.children(tx, authorityId, ids)
      const contacts = await tx
        .select({
          caseId: contact.caseId,
          at: contact.occurredAt,
          type: contact.type,
          outcome: contact.outcome,
          children: contact.children,
        })
        .from(contact)
        .where(and(eq(contact.authorityId, authorityId), inArray(contact.caseId, ids)))
      const waiting = await tx
        .select({
          caseId: onwardReferral.caseId,
          id: onwardReferral.id,
          agency: onwardReferral.agency,
          sentOn: onwardReferral.sentOn,
          chasedOn: onwardReferral.chasedOn,
          responseDueOn: onwardReferral.responseDueOn,
        })
        .from(onwardReferral)
        .where(
          and(
            eq(onwardReferral.authorityId, authorityId),
            inArray(onwardReferral.caseId, ids),
            isNull(onwardReferral.respondedOn),
          ),
        )
      const checks = await tx
        .select({ caseId: followUp.caseId, months: followUp.months, dueOn: followUp.dueOn })
        .from(followUp)
        .where(and(eq(followUp.authorityId, authorityId), inArray(followUp.caseId, ids), isNull(followUp.doneOn)))
      for (const row of rows) {
        const programme = kit.programmeOf(row)
        const own = events.filter((e) => e.caseId === row.id).map(({ type, at }) => ({ type, at })) as CaseEvent[]
        const visits = contacts.filter((c) => c.caseId === row.id)
        const born = (children.get(row.id) ?? []).filter((c) => c.role === 'child')
        const seen = engagement(
          programme,
          {
            // A baby born during the work is first expected to be seen from the day they are born.
            acceptedAt: new Date(
              Math.max(
                row.openedAt.getTime(),
                ...born.filter((c) => c.dateOfBirth).map((c) => startOfLondonDay(c.dateOfBirth as IsoDate).getTime()),
              ),
            ),
            children: born.map((c) => c.personId),
            stage: kit.stageOf(row),
            familySeen: visits.filter(seesFamily).map((c) => c.at),
            sightings: visits
              .filter((c) => c.outcome === 'completed')
              .map((c) => ({
                at: c.at,
                childrenSeen: (c.children as ChildSeen[]).filter((s) => s.seen).map((s) => s.personId),
              })),
          },
          calendar,
          now,
        )
        const list = deadlines(programme, own, calendar, now, row.pathway ?? undefined)
        if (seen.deadline) list.push(seen.deadline)
        for (const r of waiting.filter((w) => w.caseId === row.id)) {
          const lastAsked = (r.chasedOn as IsoDate[]).at(-1) ?? (r.sentOn as IsoDate)
          list.push(
            datedDeadline(
              {
                id: `referral-${r.id}`,
                name: `Response from ${r.agency}`,
                kind: 'referral-response',
                anchor: { type: 'referral-sent', at: londonMoment(lastAsked, 12, 0) },
                dueOn: r.responseDueOn as IsoDate,
                soonDays: 2,
              },
              now,
            ),
          )
        }
        const closedAt = own.find((e) => e.type === 'closed')?.at
        for (const check of checks.filter((c) => c.caseId === row.id)) {
          list.push(
            datedDeadline(
              {
                id: `follow-up-${check.months}`,
                name: `${check.months}-month follow-up`,
                kind: 'follow-up',
                anchor: { type: 'closed', at: closedAt ?? row.closedAt ?? row.openedAt },
                dueOn: check.dueOn as IsoDate,
                soonDays: 14,
              },
              now,
            ),
          )
        }
        // Once a case is closed, what was never met is no longer due: only what closure starts
        // (the intervention report, the follow-ups) stays, beside the history of what was met.
        const closed = kit.stageOf(row) === 'closed'
        const kept = closed ? list.filter((d) => d.metAt || d.anchor.type === 'closed') : list
        kept.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
        result.set(row.id, { events: own, deadlines: kept, engagement: seen, next: nextDeadline(kept) })
      }
      return result
    },
  }
  return kit
}

export type Casework = ReturnType<typeof createCasework>
