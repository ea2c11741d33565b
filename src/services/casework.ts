import { randomUUID } from 'node:crypto'
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import { appUser, caseEvent, casePerson, chronologyEntry, contact, familyCase, person } from '../db/schema/index.ts'
import { canSeeCase } from '../domain/access.ts'
import type { Calendar } from '../domain/calendar.ts'
import type { ChronologyCategory } from '../domain/chronology.ts'
import { type ChildSeen, seesFamily } from '../domain/contacts.ts'
import { type CaseEvent, type Deadline, deadlines } from '../domain/deadlines.ts'
import type { IsoDate } from '../domain/isoDate.ts'
import { type CaseStage, type Engagement, engagement, isCaseStage, nextDeadline } from '../domain/lifecycle.ts'
import type { Programme } from '../domain/programme/schema.ts'
import type { AuditAction, AuditLog } from './audit.ts'
import type { Clock, RequestContext } from './context.ts'
import { NotFoundError } from './errors.ts'
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

export interface CaseState {
  events: CaseEvent[]
  deadlines: Deadline[]
  engagement: Engagement
  next?: Deadline
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
    /** The case, if it exists and the actor may see it; otherwise "not found" (never "forbidden", which would say it exists). */
    async load(tx: Tx, ctx: RequestContext, caseId: string): Promise<CaseRow> {
      const authorityId = ctx.actor.authorityId
      const [row] = await tx
        .select()
        .from(familyCase)
        .where(and(eq(familyCase.authorityId, authorityId), eq(familyCase.id, caseId)))
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

    /** Deadlines and engagement for many cases at once: three queries, whatever the number of cases. */
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
      for (const row of rows) {
        const programme = kit.programmeOf(row)
        const own = events.filter((e) => e.caseId === row.id).map(({ type, at }) => ({ type, at })) as CaseEvent[]
        const visits = contacts.filter((c) => c.caseId === row.id)
        const seen = engagement(
          programme,
          {
            acceptedAt: row.openedAt,
            children: (children.get(row.id) ?? []).filter((c) => c.role === 'child').map((c) => c.personId),
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
        list.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
        result.set(row.id, { events: own, deadlines: list, engagement: seen, next: nextDeadline(list) })
      }
      return result
    },
  }
  return kit
}

export type Casework = ReturnType<typeof createCasework>
