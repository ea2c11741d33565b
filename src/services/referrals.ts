import { randomUUID } from 'node:crypto'
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import type { Database, Tx } from '../db/client.ts'
import {
  caseDiscussion,
  caseEvent,
  casePerson,
  familyCase,
  notification,
  person,
  referral,
  referralCounter,
  referralDecision,
  referralPerson,
} from '../db/schema/index.ts'
import type { Calendar } from '../domain/calendar.ts'
import { type Screening, type ScreeningFacts, screen } from '../domain/eligibility.ts'
import { referralReference } from '../domain/identifiers.ts'
import { type IsoDate, londonDate, yearOf } from '../domain/isoDate.ts'
import { phoneticKey } from '../domain/names.ts'
import type { Programme } from '../domain/programme/schema.ts'
import {
  type Decision,
  decisionDue,
  decisionProblems,
  isOpen,
  type ReferralStatus,
  STATUS_AFTER,
} from '../domain/referral.ts'
import type { AuditLog } from './audit.ts'
import type { Casework } from './casework.ts'
import type { Clock, RequestContext } from './context.ts'
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts'
import type { ProgrammeService } from './programmes.ts'
import { type ReferralInput, referralDateProblems } from './referralInput.ts'

export type ReferralRoute = 'public-professional' | 'public-parent' | 'internal' | 'api'

type ReferralRow = typeof referral.$inferSelect
type ReferralPersonRow = typeof referralPerson.$inferSelect

export interface MatchCandidate {
  personId: string
  givenName: string
  familyName: string
  dateOfBirth: string | null
  nhsNumber: string | null
  postcode: string | null
  /** Why this person might be the same: "same NHS number", "name sounds alike", … */
  reasons: string[]
  score: number
}

/** "Mother", "Dad", "Step-father" are parents; anyone else looking after the children is a carer. */
export function parentOrCarer(relationship: string | null): 'parent' | 'carer' {
  return /\b(mother|father|mum|mom|dad|parent|step-?(mother|father|parent|mum|dad))\b/i.test(relationship ?? '')
    ? 'parent'
    : 'carer'
}

/** The facts screening needs, from what the referral says. */
export function factsOfReferral(
  referral: { indicators: unknown; facts: unknown },
  people: { role: string; dateOfBirth?: string | null; expectedDueDate?: string | null }[],
): ScreeningFacts {
  const children = people.filter((p) => p.role === 'child')
  const unborn = people.find((p) => p.role === 'unborn')
  return {
    children: children.flatMap((c) => (c.dateOfBirth ? [{ dateOfBirth: c.dateOfBirth }] : [])),
    ...(unborn?.expectedDueDate ? { expectingBaby: true, expectedDeliveryDate: unborn.expectedDueDate } : {}),
    indicators: referral.indicators as ScreeningFacts['indicators'],
    ...(referral.facts as Partial<ScreeningFacts>),
  }
}

export function createReferralService(
  database: Database,
  audit: AuditLog,
  clock: Clock,
  programmes: ProgrammeService,
  casework: Casework,
) {
  async function nextReference(tx: Tx, authorityId: string, year: number): Promise<string> {
    const [row] = await tx
      .insert(referralCounter)
      .values({ authorityId, year, last: 1 })
      .onConflictDoUpdate({
        target: [referralCounter.authorityId, referralCounter.year],
        set: { last: sql`${referralCounter.last} + 1` },
      })
      .returning({ last: referralCounter.last })
    return referralReference(year, row?.last ?? 1)
  }

  async function load(tx: Tx, authorityId: string, id: string) {
    const [row] = await tx
      .select()
      .from(referral)
      .where(and(eq(referral.authorityId, authorityId), eq(referral.id, id)))
    if (!row) throw new NotFoundError('Referral')
    const people = await tx
      .select()
      .from(referralPerson)
      .where(and(eq(referralPerson.authorityId, authorityId), eq(referralPerson.referralId, id)))
      .orderBy(asc(referralPerson.position))
    return { row, people }
  }

  function screeningOf(row: ReferralRow, people: ReferralPersonRow[]): Screening | undefined {
    const programme = programmes.find(row.programmeId)
    return programme ? screen(programme, factsOfReferral(row, people), londonDate(row.receivedAt)) : undefined
  }

  return {
    /**
     * Stores a referral whole, with an acknowledgement queued for the referrer, in one
     * transaction. Returns its reference.
     */
    async create(
      ctx: RequestContext,
      input: ReferralInput,
      route: ReferralRoute,
      calendar: Calendar,
    ): Promise<{ id: string; reference: string }> {
      const authorityId = ctx.actor.authorityId
      const now = clock()
      const on: IsoDate = londonDate(now)
      const problems = referralDateProblems(input, on)
      let programme: Programme | undefined
      if (input.programmeId) {
        const running = await programmes.runningIds(ctx)
        if (!running.has(input.programmeId)) problems.programmeId = 'Choose one of the services offered'
        else programme = programmes.get(input.programmeId)
      }
      if (Object.keys(problems).length > 0) throw new InvalidInputError(problems)

      const id = randomUUID()
      return database.withTenant(authorityId, async (tx) => {
        const reference = await nextReference(tx, authorityId, yearOf(on))
        await tx.insert(referral).values({
          authorityId,
          id,
          reference,
          programmeId: programme?.id ?? null,
          route,
          status: 'new',
          receivedAt: now,
          decisionDueAt: decisionDue(programme, now, calendar),
          referrer: input.referrer,
          address: input.address ?? null,
          postcode: input.postcode ?? null,
          indicators: input.indicators,
          whatIsHappening: input.whatIsHappening,
          hopedChange: input.hopedChange ?? null,
          consent: input.consent,
          facts: input.facts,
          createdBy: ctx.actor.userId ?? null,
        })
        const people = [
          ...input.children.map((c) => ({
            role: c.unborn ? 'unborn' : 'child',
            givenName: c.givenName,
            familyName: c.familyName,
            dateOfBirth: c.unborn ? null : (c.dateOfBirth ?? null),
            expectedDueDate: c.unborn ? (c.expectedDueDate ?? null) : null,
            nhsNumber: c.nhsNumber ?? null,
            relationship: null,
          })),
          ...input.adults.map((a) => ({
            role: 'adult',
            givenName: a.givenName,
            familyName: a.familyName,
            dateOfBirth: a.dateOfBirth ?? null,
            expectedDueDate: null,
            nhsNumber: a.nhsNumber ?? null,
            relationship: a.relationship,
          })),
        ]
        await tx
          .insert(referralPerson)
          .values(people.map((p, position) => ({ authorityId, referralId: id, id: randomUUID(), position, ...p })))
        if (input.referrer.email) {
          await tx.insert(notification).values({
            authorityId,
            id: randomUUID(),
            referralId: id,
            kind: 'referral-acknowledgement',
            toAddress: input.referrer.email,
            personalisation: { reference, service: programme?.name ?? 'family support' },
            status: 'pending',
            nextAttemptAt: now,
            createdAt: now,
          })
        }
        await audit.record(tx, ctx, {
          action: 'create',
          recordType: 'referral',
          recordId: id,
          details: { route, programmeId: programme?.id ?? null },
        })
        return { id, reference }
      })
    },

    /** Referrals for the inbox, newest first unless sorted otherwise. */
    async list(ctx: RequestContext, filter: { status?: ReferralStatus[]; programmeId?: string } = {}) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const conditions = [eq(referral.authorityId, authorityId)]
        if (filter.status?.length) conditions.push(inArray(referral.status, filter.status))
        if (filter.programmeId) conditions.push(eq(referral.programmeId, filter.programmeId))
        const rows = await tx
          .select()
          .from(referral)
          .where(and(...conditions))
          .orderBy(desc(referral.receivedAt))
        const people = rows.length
          ? await tx
              .select()
              .from(referralPerson)
              .where(
                and(
                  eq(referralPerson.authorityId, authorityId),
                  inArray(
                    referralPerson.referralId,
                    rows.map((r) => r.id),
                  ),
                ),
              )
          : []
        await audit.record(tx, ctx, { action: 'list', recordType: 'referral', details: { count: rows.length } })
        return rows.map((row) => {
          const own = people.filter((p) => p.referralId === row.id).sort((a, b) => a.position - b.position)
          return { row, people: own, screening: screeningOf(row, own) }
        })
      })
    },

    /** One referral with its people, screening, discussions and decisions. Viewing it is audited. */
    async get(ctx: RequestContext, id: string) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const { row, people } = await load(tx, authorityId, id)
        const discussions = await tx
          .select()
          .from(caseDiscussion)
          .where(and(eq(caseDiscussion.authorityId, authorityId), eq(caseDiscussion.referralId, id)))
          .orderBy(asc(caseDiscussion.recordedAt))
        const decisions = await tx
          .select()
          .from(referralDecision)
          .where(and(eq(referralDecision.authorityId, authorityId), eq(referralDecision.referralId, id)))
          .orderBy(asc(referralDecision.decidedAt))
        const [opened] = await tx
          .select({ id: familyCase.id })
          .from(familyCase)
          .where(and(eq(familyCase.authorityId, authorityId), eq(familyCase.referralId, id)))
        await audit.record(tx, ctx, { action: 'view', recordType: 'referral', recordId: id })
        return { row, people, discussions, decisions, screening: screeningOf(row, people), caseId: opened?.id }
      })
    },

    /**
     * People already known to the authority who might be this person: by NHS number, by a
     * name that is spelt or sounds alike, by date of birth and by postcode. Each says why.
     */
    async candidates(ctx: RequestContext, referralId: string, referralPersonId: string): Promise<MatchCandidate[]> {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const { row, people } = await load(tx, authorityId, referralId)
        const entry = people.find((p) => p.id === referralPersonId)
        if (!entry) throw new NotFoundError('Person in this referral')
        const fullName = `${entry.givenName} ${entry.familyName}`
        const key = phoneticKey(fullName)
        const familyKey = phoneticKey(entry.familyName)
        const postcode = row.postcode
        const rows = await tx
          .select({
            id: person.id,
            givenName: person.givenName,
            familyName: person.familyName,
            nameKey: person.nameKey,
            dateOfBirth: person.dateOfBirth,
            nhsNumber: person.nhsNumber,
            postcode: person.postcode,
            similarity: sql<number>`similarity(${person.givenName} || ' ' || ${person.familyName}, ${fullName})`,
          })
          .from(person)
          .where(
            and(
              eq(person.authorityId, authorityId),
              sql`(
                ${entry.nhsNumber ? sql`${person.nhsNumber} = ${entry.nhsNumber} OR` : sql``}
                (${person.givenName} || ' ' || ${person.familyName}) % ${fullName}
                OR ${person.nameKey} LIKE ${`% ${familyKey}`} OR ${person.nameKey} = ${familyKey}
                ${entry.dateOfBirth ? sql`OR ${person.dateOfBirth} = ${entry.dateOfBirth}` : sql``}
              )`,
            ),
          )
          .limit(200)
        const candidates: MatchCandidate[] = []
        for (const r of rows) {
          const reasons: string[] = []
          let score = 0
          if (entry.nhsNumber && r.nhsNumber === entry.nhsNumber) {
            reasons.push('Same NHS number')
            score += 100
          }
          const similarity = Number(r.similarity)
          if (similarity >= 0.3) {
            reasons.push(similarity >= 0.99 ? 'Same name' : 'Name spelt similarly')
            score += Math.round(similarity * 40)
          }
          if (r.nameKey === key && similarity < 0.99) {
            reasons.push('Name sounds the same')
            score += 25
          } else if (r.nameKey.split(' ').at(-1) === familyKey.split(' ').at(-1)) {
            score += 5
          }
          if (entry.dateOfBirth && r.dateOfBirth === entry.dateOfBirth) {
            reasons.push('Same date of birth')
            score += 30
          }
          if (postcode && r.postcode === postcode) {
            reasons.push('Same postcode')
            score += 15
          }
          // A date of birth or a family name on its own is not a match worth showing.
          if (score >= 30 && reasons.length > 0) {
            candidates.push({
              personId: r.id,
              givenName: r.givenName,
              familyName: r.familyName,
              dateOfBirth: r.dateOfBirth,
              nhsNumber: r.nhsNumber,
              postcode: r.postcode,
              reasons,
              score,
            })
          }
        }
        await audit.record(tx, ctx, {
          action: 'list',
          recordType: 'person-match',
          recordId: referralId,
          details: { candidates: candidates.length },
        })
        return candidates.sort((a, b) => b.score - a.score).slice(0, 10)
      })
    },

    /** Links a person in the referral to someone already known, or confirms they are new. */
    async link(ctx: RequestContext, referralId: string, referralPersonId: string, personId: string | 'new') {
      const authorityId = ctx.actor.authorityId
      await database.withTenant(authorityId, async (tx) => {
        const { row, people } = await load(tx, authorityId, referralId)
        if (!isOpen(row.status as ReferralStatus)) throw new ConflictError('This referral has been decided.')
        const entry = people.find((p) => p.id === referralPersonId)
        if (!entry) throw new NotFoundError('Person in this referral')
        let target = personId
        if (personId === 'new') {
          target = randomUUID()
          await tx.insert(person).values({
            authorityId,
            id: target,
            givenName: entry.givenName,
            familyName: entry.familyName,
            nameKey: phoneticKey(`${entry.givenName} ${entry.familyName}`),
            dateOfBirth: entry.dateOfBirth,
            expectedDueDate: entry.expectedDueDate,
            nhsNumber: entry.nhsNumber,
            postcode: row.postcode,
            createdAt: clock(),
          })
        } else {
          const [known] = await tx
            .select({ id: person.id })
            .from(person)
            .where(and(eq(person.authorityId, authorityId), eq(person.id, personId)))
          if (!known) throw new NotFoundError('Person')
        }
        await tx
          .update(referralPerson)
          .set({ personId: target, matchedBy: ctx.actor.userId ?? null, matchedAt: clock() })
          .where(and(eq(referralPerson.authorityId, authorityId), eq(referralPerson.id, referralPersonId)))
        if (row.status === 'new') {
          await tx
            .update(referral)
            .set({ status: 'screening', version: sql`${referral.version} + 1` })
            .where(and(eq(referral.authorityId, authorityId), eq(referral.id, referralId)))
        }
        await audit.record(tx, ctx, {
          action: 'link',
          recordType: 'referral-person',
          recordId: referralPersonId,
          details: { personId: target as string, created: personId === 'new' },
        })
      })
    },

    /** Corrects the facts screening uses; the screening re-runs from them. */
    async updateFacts(ctx: RequestContext, id: string, version: number, facts: Record<string, unknown>) {
      const authorityId = ctx.actor.authorityId
      await database.withTenant(authorityId, async (tx) => {
        const updated = await tx
          .update(referral)
          .set({ facts, version: sql`${referral.version} + 1` })
          .where(and(eq(referral.authorityId, authorityId), eq(referral.id, id), eq(referral.version, version)))
          .returning({ id: referral.id })
        if (updated.length === 0) {
          await load(tx, authorityId, id)
          throw new ConflictError()
        }
        await audit.record(tx, ctx, {
          action: 'update',
          recordType: 'referral',
          recordId: id,
          details: { part: 'facts' },
        })
      })
    },

    async recordDiscussion(
      ctx: RequestContext,
      id: string,
      input: Omit<
        typeof caseDiscussion.$inferInsert,
        'authorityId' | 'referralId' | 'id' | 'recordedBy' | 'recordedAt'
      >,
    ) {
      const authorityId = ctx.actor.authorityId
      const discussionId = randomUUID()
      await database.withTenant(authorityId, async (tx) => {
        const { row } = await load(tx, authorityId, id)
        if (!isOpen(row.status as ReferralStatus)) throw new ConflictError('This referral has been decided.')
        await tx.insert(caseDiscussion).values({
          authorityId,
          referralId: id,
          id: discussionId,
          ...input,
          recordedBy: ctx.actor.userId as string,
          recordedAt: clock(),
        })
        await tx
          .update(referral)
          .set({ status: 'awaiting-decision', version: sql`${referral.version} + 1` })
          .where(and(eq(referral.authorityId, authorityId), eq(referral.id, id)))
        await audit.record(tx, ctx, { action: 'create', recordType: 'case-discussion', recordId: discussionId })
      })
      return discussionId
    },

    /** A case's deadlines from what has happened on it, on the authority's working-day calendar. */
    async caseDeadlines(ctx: RequestContext, caseId: string) {
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        return (await casework.state(tx, authorityId, row, calendar)).deadlines
      })
    },

    /**
     * Records a decision. Accepting opens the family's case with every person linked, and
     * starts the programme's clock. The referrer is told the outcome.
     */
    async decide(ctx: RequestContext, id: string, version: number, decision: Decision) {
      const authorityId = ctx.actor.authorityId
      // Read before the transaction: PGlite has one connection, so a second one inside would wait forever.
      const running = await programmes.runningIds(ctx)
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        const { row, people } = await load(tx, authorityId, id)
        if (row.version !== version) throw new ConflictError()
        // A referrer who was not sure leaves the service to the manager, who chooses it on accepting.
        const chosenNow = decision.outcome === 'accept' && !row.programmeId ? decision.programmeId : undefined
        if (chosenNow && !running.has(chosenNow)) {
          throw new InvalidInputError({ programmeId: 'Choose one of the services your authority runs' })
        }
        if (chosenNow) row.programmeId = chosenNow
        const programme = programmes.find(row.programmeId)
        const screening = screeningOf(row, people)
        const problems = decisionProblems(programme, row.status as ReferralStatus, screening, decision)
        if (decision.outcome === 'accept' && people.some((p) => !p.personId)) {
          problems.push({ field: 'outcome', message: 'Check each person against the people already known first' })
        }
        if (problems.length > 0)
          throw new InvalidInputError(Object.fromEntries(problems.map((p) => [p.field, p.message])))
        const now = clock()
        const decisionId = randomUUID()
        await tx.insert(referralDecision).values({
          authorityId,
          referralId: id,
          id: decisionId,
          outcome: decision.outcome,
          pathway: 'pathway' in decision ? (decision.pathway ?? null) : null,
          reason: 'reason' in decision ? decision.reason : null,
          detail: 'detail' in decision ? (decision.detail ?? null) : null,
          signpostTo: 'signpostTo' in decision ? (decision.signpostTo ?? null) : null,
          rationale: 'rationale' in decision ? (decision.rationale ?? null) : null,
          screeningResult: screening?.result ?? null,
          decidedBy: ctx.actor.userId as string,
          decidedAt: now,
        })
        await tx
          .update(referral)
          .set({
            status: STATUS_AFTER[decision.outcome],
            programmeId: row.programmeId,
            version: sql`${referral.version} + 1`,
          })
          .where(and(eq(referral.authorityId, authorityId), eq(referral.id, id)))
        let caseId: string | undefined
        if (decision.outcome === 'accept' && programme) {
          caseId = randomUUID()
          const manager = await casework.actorUser(tx, ctx)
          // The family is known by the name of its eldest child, or of the first person named.
          const named = people.find((p) => p.role === 'child') ?? people[0]
          await tx.insert(familyCase).values({
            authorityId,
            id: caseId,
            referralId: id,
            programmeId: programme.id,
            pathway: decision.pathway ?? null,
            status: 'accepted',
            openedAt: now,
            familyName: named?.familyName ?? '',
            teamId: manager?.teamId ?? null,
          })
          // The referral's adults join the family's network as parents or carers, in the referrer's words.
          const linked = [...new Map(people.map((p) => [p.personId as string, p])).values()]
          await tx.insert(casePerson).values(
            linked.map((p) => ({
              authorityId,
              caseId: caseId as string,
              personId: p.personId as string,
              role: p.role === 'adult' ? parentOrCarer(p.relationship) : p.role,
              relationship: p.relationship,
              addedBy: ctx.actor.userId ?? null,
              addedAt: now,
            })),
          )
          await tx.insert(caseEvent).values([
            { authorityId, caseId, id: randomUUID(), type: 'referral-received', at: row.receivedAt, recordedAt: now },
            {
              authorityId,
              caseId,
              id: randomUUID(),
              type: 'accepted',
              at: now,
              recordedBy: ctx.actor.userId,
              recordedAt: now,
            },
          ])
          await casework.chronicle(tx, ctx, caseId, {
            occurredOn: londonDate(row.receivedAt),
            headline: `Referral ${row.reference} received`,
            category: 'referral',
            origin: 'hearth',
            originType: 'referral',
            originId: id,
          })
          await casework.chronicle(tx, ctx, caseId, {
            occurredOn: londonDate(now),
            headline: `Accepted by ${programme.name}`,
            category: 'referral',
            origin: 'hearth',
            originType: 'decision',
            originId: decisionId,
          })
          const [opened] = await tx
            .select()
            .from(familyCase)
            .where(and(eq(familyCase.authorityId, authorityId), eq(familyCase.id, caseId)))
          if (opened) await casework.refresh(tx, ctx, opened, calendar)
        }
        const referrer = row.referrer as { email?: string }
        if (referrer.email && decision.outcome !== 'more-information') {
          await tx.insert(notification).values({
            authorityId,
            id: randomUUID(),
            referralId: id,
            kind: 'referral-outcome',
            toAddress: referrer.email,
            personalisation: { reference: row.reference, outcome: STATUS_AFTER[decision.outcome] },
            status: 'pending',
            nextAttemptAt: now,
            createdAt: now,
          })
        }
        await audit.record(tx, ctx, {
          action: 'decide',
          recordType: 'referral',
          recordId: id,
          details: { outcome: decision.outcome, caseId: caseId ?? null },
        })
        return { decisionId, caseId }
      })
    },
  }
}

export type ReferralService = ReturnType<typeof createReferralService>
