import { randomUUID } from 'node:crypto'
import { and, asc, desc, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database, Tx } from '../db/client.ts'
import { casePerson, chronologyEntry, consent, onwardReferral, person } from '../db/schema/index.ts'
import type { Calendar } from '../domain/calendar.ts'
import { type IsoDate, isIsoDate, londonDate } from '../domain/isoDate.ts'
import {
  fullName,
  isCurrentConsent,
  LAWFUL_REASONS,
  type NetworkConsent,
  type NetworkPerson,
} from '../domain/network.ts'
import {
  chaseDays,
  chaseProblems,
  type Problems,
  REFERRAL_BASES,
  REFERRAL_OUTCOMES,
  REFERRAL_STATES,
  type ReferralBasis,
  type ReferralOutcome,
  type ReferralSource,
  type ReferralState,
  referralConsent,
  referralSources,
  referralState,
  responseProblems,
  sendingProblems,
  shortReason,
  suggestedChaseDue,
  suggestedResponseDue,
} from '../domain/onwardReferrals.ts'
import type { AuditLog } from './audit.ts'
import type { CaseGoal, CaseRow, Casework } from './casework.ts'
import type { Clock, RequestContext } from './context.ts'
import { ConflictError, fieldProblems, InvalidInputError, NotFoundError } from './errors.ts'
import { optionalDate, optionalText, requiredDate, requiredText, TEXT_MAX } from './fields.ts'
import type { ProgrammeService } from './programmes.ts'

/**
 * Onward referrals to other agencies, as actions of the family's plan (STARS: "referrals to other
 * agencies to provide additional targeted support"; Staying Together co-ordinates services for a
 * 16 or 17-year-old presenting as homeless): the agency, why, when it was sent and on what basis,
 * when a response is due, each chase, and what came of it. A referral waiting for its response is
 * a deadline on the case ("Response from …"), in its header and in My work.
 */

export const AGENCY_MAX = 200

const BASES = Object.keys(REFERRAL_BASES) as [ReferralBasis, ...ReferralBasis[]]
const OUTCOMES = Object.keys(REFERRAL_OUTCOMES) as [ReferralOutcome, ...ReferralOutcome[]]

export const onwardReferralInputSchema = z.object({
  agency: requiredText('Enter the agency the referral was sent to', 'The agency', AGENCY_MAX).describe(
    'The agency, service or team referred to, such as "Housing Options" (not a person)',
  ),
  reason: requiredText('Enter why the family is being referred', 'The reason').describe(
    'What support is asked for, and why. Never copied into the chronology or the audit',
  ),
  sentOn: requiredDate('Enter the date the referral was sent').describe(
    'The day it was sent: not in the future, not before the family was accepted',
  ),
  basis: z
    .enum(BASES, { error: 'Select whether the family consented, or the lawful reason to refer without consent' })
    .describe(`consent, or a lawful reason to refer without it: ${Object.keys(LAWFUL_REASONS).join(', ')}`),
  responseDueOn: optionalDate().describe(
    'When a response is due, on or after the day it was sent; left out, 10 working days after it was sent',
  ),
  goalId: z
    .union([z.uuid('Select a goal of the family’s plan'), z.literal('')])
    .nullish()
    .transform((v) => v || null)
    .describe('The goal of the current plan it serves, if any'),
})
export type OnwardReferralInput = z.input<typeof onwardReferralInputSchema>

export const chaseInputSchema = z.object({
  chasedOn: requiredDate('Enter the date the referral was chased').describe(
    'The day it was chased: not in the future, after the last chase',
  ),
  responseDueOn: requiredDate('Enter the new date a response is due').describe(
    'The new date a response is due, after the day it was chased',
  ),
})
export type ChaseInput = z.input<typeof chaseInputSchema>

export const responseInputSchema = z.object({
  respondedOn: requiredDate('Enter the date of the response').describe(
    'The day the agency responded (or, for no-response, the day you stopped waiting): not in the future, not before it was sent',
  ),
  outcome: z.enum(OUTCOMES, { error: 'Select what came of the referral' }).describe(
    Object.entries(REFERRAL_OUTCOMES)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; '),
  ),
  response: optionalText('The response', TEXT_MAX).describe('What the agency said'),
})
export type ResponseInput = z.input<typeof responseInputSchema>

/** Every problem at once: the fields' own, then the rules the domain adds (given parsed dates). */
function check<S extends z.ZodType>(schema: S, input: unknown, rules: (raw: Record<string, string>) => Problems) {
  const parsed = schema.safeParse(input ?? {})
  const fields: Problems = parsed.success ? {} : fieldProblems(parsed.error)
  const raw = (input ?? {}) as Record<string, unknown>
  const dates: Record<string, string> = {}
  for (const [key, value] of Object.entries(raw)) if (typeof value === 'string' && isIsoDate(value)) dates[key] = value
  for (const [field, message] of Object.entries(rules(dates))) fields[field] ??= message
  if (!parsed.success || Object.keys(fields).length > 0) throw new InvalidInputError(fields)
  return parsed.data as z.output<S>
}

interface Who {
  id: string
  name: string
}

export interface OnwardReferralView {
  id: string
  caseId: string
  goal: { id: string; position: number; outcome: string } | null
  goalId: string | null
  agency: string
  reason: string
  /** The first line of the reason, cut short for a table. */
  reasonShort: string
  sentOn: IsoDate
  basis: ReferralBasis
  /** "With consent", or "Without consent: Risk of significant harm to a child". */
  basisText: string
  responseDueOn: IsoDate
  /** Each day it was chased, oldest first. */
  chasedOn: IsoDate[]
  respondedOn: IsoDate | null
  response: string | null
  outcome: ReferralOutcome | null
  outcomeText: string | null
  state: ReferralState
  /** "Waiting", "Due soon", "Overdue — chase" or "Responded: Accepted". */
  stateText: string
  recordedBy: Who
  recordedAt: Date
  updatedBy: Who | null
  updatedAt: Date | null
  version: number
}

/** A consent to refer, as the form lists them: who, to which agency, since when. */
export interface ReferralConsentRecord {
  name: string
  agency: string | null
  decidedOn: IsoDate
}

/** The consent behind one referral, with names. */
export interface ReferralConsentView {
  basis: ReferralBasis
  lawfulReason: string | null
  consentedBy: string[]
  notFrom: string[]
  warning: boolean
}

type Row = typeof onwardReferral.$inferSelect

const STALE = 'This onward referral was changed by someone else since you opened it.'

const STATE_ORDER: Record<ReferralState, number> = { overdue: 0, 'due-soon': 1, waiting: 2, responded: 3 }

export function createOnwardReferralService(
  database: Database,
  _audit: AuditLog,
  clock: Clock,
  programmes: ProgrammeService,
  casework: Casework,
) {
  const today = () => londonDate(clock())

  function view(r: Row, who: (id: string) => Who, goals: CaseGoal[]): OnwardReferralView {
    const state = referralState(r, clock())
    const outcome = (r.outcome as ReferralOutcome | null) ?? null
    const goal = goals.find((g) => g.id === r.goalId)
    return {
      id: r.id,
      caseId: r.caseId,
      goal: goal ? { id: goal.id, position: goal.position, outcome: goal.outcome } : null,
      goalId: r.goalId,
      agency: r.agency,
      reason: r.reason,
      reasonShort: shortReason(r.reason),
      sentOn: r.sentOn,
      basis: r.basis as ReferralBasis,
      basisText: REFERRAL_BASES[r.basis as ReferralBasis] ?? r.basis,
      responseDueOn: r.responseDueOn,
      chasedOn: chaseDays(r.chasedOn),
      respondedOn: r.respondedOn,
      response: r.response,
      outcome,
      outcomeText: outcome ? REFERRAL_OUTCOMES[outcome] : null,
      state,
      stateText: state === 'responded' && outcome ? `Responded: ${REFERRAL_OUTCOMES[outcome]}` : REFERRAL_STATES[state],
      recordedBy: who(r.recordedBy),
      recordedAt: r.recordedAt,
      updatedBy: r.updatedBy ? who(r.updatedBy) : null,
      updatedAt: r.updatedAt ?? null,
      version: r.version,
    }
  }

  async function views(tx: Tx, authorityId: string, caseId: string, rows: Row[]) {
    const known = await casework.userNames(
      tx,
      authorityId,
      rows.flatMap((r) => [r.recordedBy, r.updatedBy]),
    )
    const who = (id: string) => ({ id, name: known.get(id) ?? 'Unknown user' })
    const goals = await casework.goals(tx, authorityId, caseId)
    return rows.map((r) => view(r, who, goals))
  }

  async function find(tx: Tx, authorityId: string, caseId: string, id: string): Promise<Row> {
    const [row] = await tx
      .select()
      .from(onwardReferral)
      .where(
        and(eq(onwardReferral.authorityId, authorityId), eq(onwardReferral.caseId, caseId), eq(onwardReferral.id, id)),
      )
    if (!row) throw new NotFoundError('Onward referral')
    return row
  }

  /** The case, open for new referrals and changes; a closed case's referrals only take their responses. */
  async function openCase(tx: Tx, ctx: RequestContext, caseId: string, refused: string): Promise<CaseRow> {
    const row = await casework.load(tx, ctx, caseId)
    if (row.status === 'closed') throw new InvalidInputError({ form: `The case is closed: ${refused}` })
    return row
  }

  /** The people on the case and their consents, as the network's consent rules need them. */
  async function consentFacts(tx: Tx, row: CaseRow): Promise<{ people: NetworkPerson[]; consents: NetworkConsent[] }> {
    const people = await tx
      .select({
        personId: person.id,
        givenName: person.givenName,
        familyName: person.familyName,
        dateOfBirth: person.dateOfBirth,
        expectedDueDate: person.expectedDueDate,
        role: casePerson.role,
      })
      .from(casePerson)
      .innerJoin(person, and(eq(person.authorityId, casePerson.authorityId), eq(person.id, casePerson.personId)))
      .where(and(eq(casePerson.authorityId, row.authorityId), eq(casePerson.caseId, row.id)))
      .orderBy(asc(sql`coalesce(${person.dateOfBirth}, ${person.expectedDueDate})`), asc(person.givenName))
    const consents = await tx
      .select({
        id: consent.id,
        personId: consent.personId,
        purpose: consent.purpose,
        agency: consent.agency,
        decision: consent.decision,
        decidedOn: consent.decidedOn,
        withdrawnOn: consent.withdrawnOn,
      })
      .from(consent)
      .where(
        and(
          eq(consent.authorityId, row.authorityId),
          eq(consent.caseId, row.id),
          eq(consent.purpose, 'onward-referral'),
        ),
      )
      .orderBy(desc(consent.decidedOn))
    const seen = new Set<string>()
    return { people: people.filter((p) => !seen.has(p.personId) && seen.add(p.personId)), consents }
  }

  function consentView(
    facts: { people: NetworkPerson[]; consents: NetworkConsent[] },
    basis: ReferralBasis,
    agency: string | undefined,
    on: IsoDate,
  ): ReferralConsentView {
    const result = referralConsent(basis, agency, facts.people, facts.consents, on)
    return {
      basis,
      lawfulReason: result.lawfulReason,
      consentedBy: result.consentedBy.map(fullName),
      notFrom: result.notFrom.map(fullName),
      warning: result.warning,
    }
  }

  /** The consents to refer in force today, whoever gave them and for which agency. */
  function consentRecords(facts: { people: NetworkPerson[]; consents: NetworkConsent[] }, on: IsoDate) {
    const byId = new Map(facts.people.map((p) => [p.personId, p]))
    return facts.consents
      .filter((c) => byId.has(c.personId) && isCurrentConsent(c, on))
      .map((c) => ({
        name: fullName(byId.get(c.personId) as NetworkPerson),
        agency: c.agency?.trim() || null,
        decidedOn: c.decidedOn,
      }))
  }

  async function checkGoal(tx: Tx, authorityId: string, caseId: string, goalId: string | null, kept?: string | null) {
    if (!goalId || goalId === kept) return
    const goals = await casework.goals(tx, authorityId, caseId)
    if (!goals.some((g) => g.id === goalId))
      throw new InvalidInputError({ goalId: 'Select a goal of the family’s plan' })
  }

  /** Keeps what Hearth wrote in the chronology in step with the referral it came from. */
  async function rewriteChronicle(
    tx: Tx,
    referral: Row,
    originType: string,
    set: { occurredOn: IsoDate; headline: string },
  ) {
    await tx
      .update(chronologyEntry)
      .set(set)
      .where(
        and(
          eq(chronologyEntry.authorityId, referral.authorityId),
          eq(chronologyEntry.caseId, referral.caseId),
          eq(chronologyEntry.origin, 'hearth'),
          eq(chronologyEntry.originType, originType),
          eq(chronologyEntry.originId, referral.id),
        ),
      )
  }

  /** Updates the referral if nobody has changed it since it was read; otherwise a conflict. */
  async function save(tx: Tx, ctx: RequestContext, current: Row, set: Partial<Row>) {
    const [updated] = await tx
      .update(onwardReferral)
      .set({
        ...set,
        updatedBy: ctx.actor.userId ?? SYSTEM_USER,
        updatedAt: clock(),
        version: sql`${onwardReferral.version} + 1`,
      })
      .where(
        and(
          eq(onwardReferral.authorityId, current.authorityId),
          eq(onwardReferral.caseId, current.caseId),
          eq(onwardReferral.id, current.id),
          eq(onwardReferral.version, current.version),
        ),
      )
      .returning({ version: onwardReferral.version })
    if (!updated) throw new ConflictError(STALE)
    return updated
  }

  /**
   * One change to a referral, in one transaction: the case (open for changes, unless `refused` is
   * null), the referral as it was at `version` (a conflict otherwise), the change itself, then its
   * audit (ids and codes only) and the case's next deadline worked out again.
   */
  async function change<T extends { version: number }>(
    ctx: RequestContext,
    caseId: string,
    referralId: string,
    version: number,
    refused: string | null,
    apply: (
      tx: Tx,
      read: { row: CaseRow; current: Row; calendar: Calendar; on: IsoDate },
    ) => Promise<{ result: T; details: Record<string, string | number | null> }>,
  ): Promise<T> {
    const calendar = await programmes.calendar(ctx)
    const on = today()
    return database.withTenant(ctx.actor.authorityId, async (tx) => {
      const row = refused ? await openCase(tx, ctx, caseId, refused) : await casework.load(tx, ctx, caseId)
      const current = await find(tx, row.authorityId, caseId, referralId)
      if (current.version !== version) throw new ConflictError(STALE)
      const { result, details } = await apply(tx, { row, current, calendar, on })
      await audited(tx, ctx, current, 'update', { version: result.version, ...details })
      await casework.refresh(tx, ctx, row, calendar)
      return result
    })
  }

  const responseHeadline = (agency: string, outcome: ReferralOutcome) =>
    outcome === 'no-response'
      ? `No response from ${agency}`
      : `Response from ${agency}: ${REFERRAL_OUTCOMES[outcome].toLowerCase()}`

  async function audited(tx: Tx, ctx: RequestContext, row: Row, action: 'view' | 'update', details = {}) {
    await casework.audit(tx, ctx, row.caseId, action, 'onward-referral', row.id, details)
  }

  /** The referrals (overdue first, then due soon, waiting and answered), why the service refers on, and whether the case is closed. */
  async function overview(ctx: RequestContext, caseId: string) {
    const authorityId = ctx.actor.authorityId
    return database.withTenant(authorityId, async (tx) => {
      const row = await casework.load(tx, ctx, caseId)
      const rows = await tx
        .select()
        .from(onwardReferral)
        .where(and(eq(onwardReferral.authorityId, authorityId), eq(onwardReferral.caseId, caseId)))
        .orderBy(desc(onwardReferral.sentOn), desc(onwardReferral.recordedAt), desc(onwardReferral.id))
      const referrals = (await views(tx, authorityId, caseId, rows)).sort(
        (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state],
      )
      await casework.audit(tx, ctx, caseId, 'list', 'onward-referral', caseId, { referrals: rows.length })
      return {
        closed: row.status === 'closed',
        sources: referralSources(casework.programmeOf(row)) as ReferralSource[],
        referrals,
      }
    })
  }

  return {
    /**
     * The case's onward referrals, each with its state (waiting, due-soon, overdue, responded):
     * overdue first, then due soon, waiting, and answered ones; newest sent first within each.
     */
    async list(ctx: RequestContext, caseId: string): Promise<OnwardReferralView[]> {
      return (await overview(ctx, caseId)).referrals
    },

    overview,

    /** What the form to record a referral needs: the plan's goals, the consents to refer, a suggested due date. */
    async newForm(ctx: RequestContext, caseId: string) {
      const calendar = await programmes.calendar(ctx)
      const on = today()
      return database.withTenant(ctx.actor.authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const facts = await consentFacts(tx, row)
        return {
          closed: row.status === 'closed',
          sources: referralSources(casework.programmeOf(row)),
          goals: await casework.goals(tx, row.authorityId, caseId),
          /** Consents to refer in force today; none at all is worth a warning on the form. */
          consents: consentRecords(facts, on) as ReferralConsentRecord[],
          today: on,
          suggestedResponseDue: suggestedResponseDue(on, calendar),
        }
      })
    },

    /** One referral, with the consent behind it (checked against its agency on the day it was sent). */
    async get(ctx: RequestContext, caseId: string, referralId: string) {
      const calendar = await programmes.calendar(ctx)
      const authorityId = ctx.actor.authorityId
      const on = today()
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const found = await find(tx, authorityId, caseId, referralId)
        const [referral] = (await views(tx, authorityId, caseId, [found])) as [OnwardReferralView]
        const facts = await consentFacts(tx, row)
        await audited(tx, ctx, found, 'view')
        return {
          referral,
          closed: row.status === 'closed',
          consent: consentView(facts, referral.basis, referral.agency, referral.sentOn),
          today: on,
          suggestedChaseDue: suggestedChaseDue(on, calendar),
        }
      })
    },

    /**
     * Records a referral sent to another agency, noted in the chronology ("Referral to … sent", never
     * the reason). With consent as its basis and no one's consent to refer recorded, it is still
     * saved: `consentWarning` says so.
     */
    async record(
      ctx: RequestContext,
      caseId: string,
      input: OnwardReferralInput,
    ): Promise<{ id: string; consentWarning: boolean }> {
      const calendar = await programmes.calendar(ctx)
      const on = today()
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await openCase(tx, ctx, caseId, 'new onward referrals can no longer be recorded')
        const data = check(onwardReferralInputSchema, input, (d) =>
          sendingProblems(d, { today: on, acceptedOn: londonDate(row.openedAt) }),
        )
        await checkGoal(tx, authorityId, caseId, data.goalId)
        const id = randomUUID()
        const responseDueOn = data.responseDueOn ?? suggestedResponseDue(data.sentOn, calendar)
        await tx.insert(onwardReferral).values({
          authorityId,
          caseId,
          id,
          goalId: data.goalId,
          agency: data.agency,
          reason: data.reason,
          sentOn: data.sentOn,
          basis: data.basis,
          responseDueOn,
          chasedOn: [],
          recordedBy: ctx.actor.userId ?? SYSTEM_USER,
          recordedAt: clock(),
        })
        await casework.chronicle(tx, ctx, caseId, {
          occurredOn: data.sentOn,
          headline: `Referral to ${data.agency} sent`,
          category: 'plan',
          origin: 'hearth',
          originType: 'onward-referral',
          originId: id,
          action: data.basis === 'consent' ? null : REFERRAL_BASES[data.basis],
        })
        await casework.audit(tx, ctx, caseId, 'create', 'onward-referral', id, {
          version: 1,
          basis: data.basis,
          goalId: data.goalId,
        })
        await casework.refresh(tx, ctx, row, calendar)
        const facts = await consentFacts(tx, row)
        return { id, consentWarning: consentView(facts, data.basis, data.agency, data.sentOn).warning }
      })
    },

    /** Corrects what was sent (agency, reason, dates, basis, goal), if nobody has changed it since `version`. */
    async update(
      ctx: RequestContext,
      caseId: string,
      referralId: string,
      version: number,
      input: OnwardReferralInput,
    ): Promise<{ version: number }> {
      const refused = 'its onward referrals can no longer be changed'
      return change(ctx, caseId, referralId, version, refused, async (tx, { row, current, calendar, on }) => {
        const data = check(onwardReferralInputSchema, input, (d) =>
          sendingProblems(d, {
            today: on,
            acceptedOn: londonDate(row.openedAt),
            firstChasedOn: chaseDays(current.chasedOn)[0],
            respondedOn: current.respondedOn,
          }),
        )
        await checkGoal(tx, row.authorityId, caseId, data.goalId, current.goalId)
        const saved = await save(tx, ctx, current, {
          goalId: data.goalId,
          agency: data.agency,
          reason: data.reason,
          sentOn: data.sentOn,
          basis: data.basis,
          // Left out, the due date stays as it is (a chase may have moved it), unless it would now
          // fall before the day the referral was sent.
          responseDueOn:
            data.responseDueOn ??
            ((current.responseDueOn as IsoDate) >= data.sentOn
              ? (current.responseDueOn as IsoDate)
              : suggestedResponseDue(data.sentOn, calendar)),
        })
        await rewriteChronicle(tx, current, 'onward-referral', {
          occurredOn: data.sentOn,
          headline: `Referral to ${data.agency} sent`,
        })
        if (current.outcome && current.respondedOn && data.agency !== current.agency) {
          await rewriteChronicle(tx, current, 'onward-referral-response', {
            occurredOn: current.respondedOn,
            headline: responseHeadline(data.agency, current.outcome as ReferralOutcome),
          })
        }
        return { result: saved, details: { basis: data.basis, goalId: data.goalId } }
      })
    },

    /** Records a chase while the referral waits for its response, with the new date a response is due. */
    async chase(
      ctx: RequestContext,
      caseId: string,
      referralId: string,
      version: number,
      input: ChaseInput,
    ): Promise<{ version: number; responseDueOn: IsoDate }> {
      const refused = 'its onward referrals can no longer be chased'
      return change(ctx, caseId, referralId, version, refused, async (tx, { current, on }) => {
        const chased = chaseDays(current.chasedOn)
        const data = check(chaseInputSchema, input, (d) =>
          chaseProblems(d, { sentOn: current.sentOn, chasedOn: chased, respondedOn: current.respondedOn }, on),
        )
        const saved = await save(tx, ctx, current, {
          chasedOn: [...chased, data.chasedOn],
          responseDueOn: data.responseDueOn,
        })
        await casework.chronicle(tx, ctx, caseId, {
          occurredOn: data.chasedOn,
          headline: `Referral to ${current.agency} chased`,
          category: 'plan',
          origin: 'hearth',
          originType: 'onward-referral-chase',
          originId: referralId,
        })
        return {
          result: { version: saved.version, responseDueOn: data.responseDueOn },
          details: { chases: chased.length + 1 },
        }
      })
    },

    /**
     * Records (or corrects) the agency's response and what came of it. Allowed on a closed case
     * too: an answer that arrives after closure still belongs on the record, and ends the wait.
     */
    async respond(
      ctx: RequestContext,
      caseId: string,
      referralId: string,
      version: number,
      input: ResponseInput,
    ): Promise<{ version: number }> {
      return change(ctx, caseId, referralId, version, null, async (tx, { current, on }) => {
        const data = check(responseInputSchema, input, (d) => responseProblems(d, current, on))
        const saved = await save(tx, ctx, current, {
          respondedOn: data.respondedOn,
          outcome: data.outcome,
          response: data.response,
        })
        const entry = { occurredOn: data.respondedOn, headline: responseHeadline(current.agency, data.outcome) }
        if (current.respondedOn) await rewriteChronicle(tx, current, 'onward-referral-response', entry)
        else {
          await casework.chronicle(tx, ctx, caseId, {
            ...entry,
            category: 'plan',
            origin: 'hearth',
            originType: 'onward-referral-response',
            originId: referralId,
          })
        }
        return { result: saved, details: { outcome: data.outcome } }
      })
    },

    isoToday: today,
  }
}

export type OnwardReferralService = ReturnType<typeof createOnwardReferralService>

/** Who recorded something when no person did (the command line, say). */
const SYSTEM_USER = '00000000-0000-0000-0000-000000000000'
