import { randomUUID } from 'node:crypto'
import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database, Tx } from '../db/client.ts'
import { assessment, caseEvent, chronologyEntry, closure, followUp } from '../db/schema/index.ts'
import { can, type Permission } from '../domain/access.ts'
import {
  type Checked,
  type ChildAtHome,
  type ClosureData,
  type ClosureInput,
  type ClosureOutcome,
  type ClosureRules,
  type ClosureStatus,
  type ClosureStepRule,
  checkClosure,
  checkFollowUp,
  checkLaterSteps,
  closureDestinations,
  closureOutcomes,
  closureSteps,
  type Destination,
  FOLLOW_UP_EARLY_DAYS,
  type FollowUpInput,
  followUpSchedule,
  headlineName,
  headlineNeeds,
  OUTCOME_RESULTS,
  type RecipientSent,
  type StepDone,
  stepEvents,
  stepsToDo,
  TEXT_MAX,
} from '../domain/closure.ts'
import { type Deadline, datedDeadline } from '../domain/deadlines.ts'
import { addDays, type IsoDate, londonDate, londonMoment } from '../domain/isoDate.ts'
import { STAGE_EVENTS } from '../domain/lifecycle.ts'
import { CASE_EVENTS, HEADLINE_OUTCOMES, keysOf, PARTICIPANTS } from '../domain/programme/vocabulary.ts'
import type { AuditLog } from './audit.ts'
import type { CaseChild, CaseRow, Casework } from './casework.ts'
import type { Clock, RequestContext } from './context.ts'
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts'
import type { ProgrammeService } from './programmes.ts'

/**
 * Closing a case, with a manager's sign-off, and the follow-up checks at 3, 6 and 12 months
 * after it. A worker proposes the closure (and can change it while it waits); a team manager
 * signs it off, which closes the case through its lifecycle and schedules the follow-ups.
 * Closure steps that are case events (Lewisham's closure meeting, Staying Together's
 * intervention report) record them on the day they were done, so they meet their timescales.
 */

const day = z.string().describe('YYYY-MM-DD')
const optionalDay = day.nullish()
const longText = (what: string) => z.string().max(TEXT_MAX).nullish().describe(what)

/** A closure as an integrator sends it; every problem comes back at once, keyed as the form's fields. */
export const closureInputSchema = z.object({
  closedOn: day.describe('The day the case closes: not in the future, not before the last move of the case'),
  reason: z.string().max(TEXT_MAX).describe('Why the work is ending'),
  destinationId: z
    .string()
    .describe("Where the family goes next: one of the programme's destinations, or withdrew-consent, moved-away"),
  outcomes: z
    .array(
      z.object({
        headline: z
          .number()
          .int()
          .min(1)
          .max(10)
          .describe(
            `Supporting Families headline outcome: ${Object.entries(HEADLINE_OUTCOMES)
              .map(([n, name]) => `${n} ${name}`)
              .join('; ')}`,
          ),
        result: z.enum(keysOf(OUTCOME_RESULTS)).nullish().describe('improved and sustained are positive outcomes'),
        evidence: longText('What shows it'),
      }),
    )
    .default([])
    .describe('One per headline need the family had (GET /closure lists them as needs)'),
  children: z
    .array(
      z.object({
        personId: z.uuid(),
        livingAtHome: z.boolean().nullable().describe('Null only for a baby not yet born'),
      }),
    )
    .default([])
    .describe('Each child on the case'),
  steps: z
    .array(
      z.object({
        stepId: z.string(),
        done: z.boolean().default(false),
        doneOn: optionalDay,
        note: longText('A note about the step'),
      }),
    )
    .default([])
    .describe("The programme's closure steps; a report step is done when every recipient has a sentOn"),
  recipients: z
    .array(
      z.object({
        participant: z.enum(keysOf(PARTICIPANTS)),
        sentOn: optionalDay.describe('The day the report reached them: on or after the closing day'),
      }),
    )
    .default([])
    .describe("Who receives the closing report (the programme's report step), and when it was sent"),
})
export type ClosureBody = z.input<typeof closureInputSchema>

export const laterStepsSchema = closureInputSchema.pick({ steps: true, recipients: true })

export const followUpInputSchema = z.object({
  doneOn: day.describe('The day of the check: after closure, not in the future, from 14 days before it is due'),
  children: z
    .array(z.object({ personId: z.uuid(), livingAtHome: z.boolean().nullable() }))
    .default([])
    .describe('Is each child still living at home? (null only for a baby not yet born)'),
  reReferred: z.boolean().nullish().describe('Has the family been referred again?'),
  note: longText('What the check found'),
})

export interface Who {
  id: string
  name: string
}

export interface ClosureView {
  id: string
  caseId: string
  status: ClosureStatus
  closedOn: IsoDate
  reason: string
  destination: Destination
  outcomes: ClosureOutcome[]
  children: ChildAtHome[]
  steps: StepDone[]
  recipients: RecipientSent[]
  proposedBy: Who
  proposedAt: Date
  signedOffBy: Who | null
  signedOffAt: Date | null
  updatedBy: Who | null
  updatedAt: Date | null
  version: number
}

export interface FollowUpView {
  id: string
  caseId: string
  months: number
  dueOn: IsoDate
  doneOn: IsoDate | null
  children: ChildAtHome[]
  reReferred: boolean | null
  note: string | null
  recordedBy: Who | null
  recordedAt: Date | null
  version: number
  /** As My work shows it: not yet due, due soon, overdue, met on time or met late. */
  deadline: Deadline
  /** The first day it can be recorded. */
  openFrom: IsoDate
}

/** Everything the closure page needs: the programme's rules for closing, the proposal and the checks after it. */
export interface ClosureOverview {
  caseId: string
  programmeName: string
  closed: boolean
  destinations: Destination[]
  steps: ClosureStepRule[]
  needs: { headlines: { headline: number; name: string }[]; identified: boolean }
  children: CaseChild[]
  openedOn: IsoDate
  lastMove: { on: IsoDate; what: string }
  closure: ClosureView | null
  /** Steps not done yet: a warning at sign-off, and what can still be recorded after it. */
  toDo: ClosureStepRule[]
  followUps: FollowUpView[]
}

type ClosureRow = typeof closure.$inferSelect
type FollowUpRow = typeof followUp.$inferSelect

/** Who records something when no person does (the command line). */
const SYSTEM_USER = '00000000-0000-0000-0000-000000000000'
const recorder = (ctx: RequestContext) => ctx.actor.userId ?? SYSTEM_USER

export function createClosureService(
  database: Database,
  _audit: AuditLog,
  clock: Clock,
  programmes: ProgrammeService,
  casework: Casework,
) {
  const today = () => londonDate(clock())

  /** People act by their role; the command line acts for the authority. */
  function allow(ctx: RequestContext, permission: Permission, message: string) {
    if (ctx.actor.type === 'cli' || ctx.actor.type === 'system') return
    if (!ctx.actor.role || !can(ctx.actor.role, permission)) throw new InvalidInputError({ form: message })
  }

  async function closureOf(tx: Tx, authorityId: string, caseId: string): Promise<ClosureRow | undefined> {
    const [row] = await tx
      .select()
      .from(closure)
      .where(and(eq(closure.authorityId, authorityId), eq(closure.caseId, caseId)))
    return row
  }

  async function followUpsOf(tx: Tx, authorityId: string, caseId: string): Promise<FollowUpRow[]> {
    return tx
      .select()
      .from(followUp)
      .where(and(eq(followUp.authorityId, authorityId), eq(followUp.caseId, caseId)))
      .orderBy(followUp.months)
  }

  async function findFollowUp(tx: Tx, authorityId: string, caseId: string, id: string): Promise<FollowUpRow> {
    const [check] = await tx
      .select()
      .from(followUp)
      .where(and(eq(followUp.authorityId, authorityId), eq(followUp.caseId, caseId), eq(followUp.id, id)))
    if (!check) throw new NotFoundError('Follow-up')
    return check
  }

  /** What the closure is checked against: the case's children, needs and last move. */
  async function rulesFor(tx: Tx, row: CaseRow): Promise<ClosureRules & { caseChildren: CaseChild[] }> {
    const programme = casework.programmeOf(row)
    const [latest] = await tx
      .select({ headlineNeeds: assessment.headlineNeeds })
      .from(assessment)
      .where(
        and(
          eq(assessment.authorityId, row.authorityId),
          eq(assessment.caseId, row.id),
          eq(assessment.status, 'completed'),
        ),
      )
      .orderBy(desc(assessment.completedAt))
      .limit(1)
    const goals = await casework.goals(tx, row.authorityId, row.id)
    const caseChildren = (await casework.children(tx, row.authorityId, [row.id])).get(row.id) ?? []
    const moves = (await casework.events(tx, row.authorityId, row.id)).filter(
      (e) => (STAGE_EVENTS as readonly string[]).includes(e.type) && e.type !== 'closed',
    )
    const last = moves.at(-1)
    return {
      programme,
      today: today(),
      openedOn: londonDate(row.openedAt),
      lastMove: last
        ? { on: londonDate(last.at), what: CASE_EVENTS[last.type].toLowerCase() }
        : { on: londonDate(row.openedAt), what: 'the family was accepted' },
      children: caseChildren.map((c) => ({ personId: c.personId, unborn: c.role === 'unborn' })),
      needs: headlineNeeds(
        programme,
        (latest?.headlineNeeds as number[] | undefined) ?? [],
        goals.map((g) => g.headlineOutcome),
      ),
      caseChildren,
    }
  }

  function valid<T>(result: Checked<T>): T {
    if (!result.ok) throw new InvalidInputError(result.fields)
    return result.data
  }

  function dataOf(r: ClosureRow): ClosureData {
    return {
      closedOn: r.closedOn as IsoDate,
      reason: r.reason,
      destinationId: r.destinationId,
      outcomes: r.outcomes as ClosureOutcome[],
      children: r.children as ChildAtHome[],
      steps: r.steps as StepDone[],
      recipients: r.recipients as RecipientSent[],
    }
  }

  function followUpView(f: FollowUpRow, who: (id: string | null) => Who | null): FollowUpView {
    return {
      id: f.id,
      caseId: f.caseId,
      months: f.months,
      dueOn: f.dueOn as IsoDate,
      doneOn: (f.doneOn as IsoDate | null) ?? null,
      children: f.children as ChildAtHome[],
      reReferred: f.reReferred,
      note: f.note,
      recordedBy: who(f.recordedBy),
      recordedAt: f.recordedAt,
      version: f.version,
      deadline: datedDeadline(
        {
          id: `follow-up-${f.months}`,
          name: `${f.months}-month follow-up`,
          kind: 'follow-up',
          anchor: { type: 'closed', at: londonMoment(f.dueOn as IsoDate, 12, 0) },
          dueOn: f.dueOn as IsoDate,
          soonDays: FOLLOW_UP_EARLY_DAYS,
          ...(f.doneOn ? { metAt: londonMoment(f.doneOn as IsoDate, 12, 0) } : {}),
        },
        clock(),
      ),
      openFrom: addDays(f.dueOn as IsoDate, -FOLLOW_UP_EARLY_DAYS),
    }
  }

  async function namesOf(tx: Tx, authorityId: string, ids: (string | null | undefined)[]) {
    const known = await casework.userNames(tx, authorityId, ids)
    return (id: string | null | undefined): Who | null =>
      id ? { id, name: known.get(id) ?? (id === SYSTEM_USER ? 'Hearth' : 'Unknown user') } : null
  }

  async function overviewIn(tx: Tx, ctx: RequestContext, row: CaseRow): Promise<ClosureOverview> {
    const authorityId = ctx.actor.authorityId
    const rules = await rulesFor(tx, row)
    const found = await closureOf(tx, authorityId, row.id)
    const checks = found ? await followUpsOf(tx, authorityId, row.id) : []
    const who = await namesOf(tx, authorityId, [
      found?.proposedBy,
      found?.signedOffBy,
      found?.updatedBy,
      ...checks.map((c) => c.recordedBy),
    ])
    const destinations = closureDestinations(rules.programme)
    const view: ClosureView | null = found
      ? {
          id: found.id,
          caseId: found.caseId,
          status: found.status as ClosureStatus,
          ...dataOf(found),
          destination: destinations.find((d) => d.id === found.destinationId) ?? {
            id: found.destinationId,
            name: found.destinationId,
            reportsAs: 'no-further-action',
            common: false,
          },
          proposedBy: who(found.proposedBy) as Who,
          proposedAt: found.proposedAt,
          signedOffBy: who(found.signedOffBy),
          signedOffAt: found.signedOffAt,
          updatedBy: who(found.updatedBy),
          updatedAt: found.updatedAt,
          version: found.version,
        }
      : null
    // Needs shown for a closure already written are the ones it recorded, then any found since.
    const recorded = view?.outcomes.map((o) => o.headline) ?? []
    const headlines = view && view.status === 'signed-off' ? recorded : [...new Set([...rules.needs.headlines])]
    return {
      caseId: row.id,
      programmeName: rules.programme.name,
      closed: row.status === 'closed',
      destinations,
      steps: closureSteps(rules.programme),
      needs: {
        headlines: headlines.map((headline) => ({ headline, name: headlineName(headline) })),
        identified: view?.status === 'signed-off' ? true : rules.needs.identified,
      },
      children: rules.caseChildren,
      openedOn: rules.openedOn,
      lastMove: rules.lastMove,
      closure: view,
      toDo: view ? stepsToDo(rules.programme, view.steps) : [],
      followUps: checks.map((c) => followUpView(c, who)),
    }
  }

  /**
   * Keeps the case events the closure's steps record in step with them: each done step that is an
   * event, on its day (never before the closure itself when it is on the closing day or after, so a
   * report sent on the day of closure still counts as sent after it), and a chronology entry each.
   */
  async function syncStepEvents(
    tx: Tx,
    ctx: RequestContext,
    row: CaseRow,
    closureId: string,
    data: Pick<ClosureData, 'closedOn' | 'steps'>,
    closedAt?: Date,
  ) {
    const programme = casework.programmeOf(row)
    const wanted = stepEvents(programme, data.steps)
    const types = closureSteps(programme).flatMap((s) => (s.event ? [s.event] : []))
    if (types.length === 0) return
    const existing = await tx
      .select({ id: caseEvent.id, type: caseEvent.type, at: caseEvent.at })
      .from(caseEvent)
      .where(
        and(
          eq(caseEvent.authorityId, row.authorityId),
          eq(caseEvent.caseId, row.id),
          eq(caseEvent.sourceId, closureId),
          inArray(caseEvent.type, types),
        ),
      )
    for (const type of types) {
      const want = wanted.find((w) => w.type === type)
      const have = existing.filter((e) => e.type === type)
      // A step already recorded on the day asked for stays as it is.
      const same = want && have.length === 1 && londonDate(have[0]?.at as Date) === want.on
      if (same) continue
      let at = want ? await casework.dayOnCase(tx, row, want.on) : undefined
      if (at && want && closedAt && want.on >= data.closedOn && at < closedAt) at = closedAt
      if (have.length > 0) {
        await tx.delete(caseEvent).where(
          and(
            eq(caseEvent.authorityId, row.authorityId),
            eq(caseEvent.caseId, row.id),
            inArray(
              caseEvent.id,
              have.map((e) => e.id),
            ),
          ),
        )
      }
      const originType = `closure-step:${type}`
      const entry = and(
        eq(chronologyEntry.authorityId, row.authorityId),
        eq(chronologyEntry.caseId, row.id),
        eq(chronologyEntry.origin, 'hearth'),
        eq(chronologyEntry.originType, originType),
        eq(chronologyEntry.originId, closureId),
      )
      if (!at || !want) {
        await tx.delete(chronologyEntry).where(entry)
        continue
      }
      await casework.event(tx, ctx, row.id, type, at, closureId)
      const moved = await tx
        .update(chronologyEntry)
        .set({ occurredOn: want.on })
        .where(entry)
        .returning({ id: chronologyEntry.id })
      if (moved.length === 0) {
        await casework.chronicle(tx, ctx, row.id, {
          occurredOn: want.on,
          headline: CASE_EVENTS[type],
          category: 'closure',
          origin: 'hearth',
          originType,
          originId: closureId,
        })
      }
    }
  }

  /** The case, open, for a worker to propose or change its closure. */
  async function openCase(tx: Tx, ctx: RequestContext, caseId: string) {
    allow(ctx, 'cases:work', 'Your role does not allow proposing a closure')
    const row = await casework.load(tx, ctx, caseId, { lock: true })
    if (row.status === 'closed') throw new InvalidInputError({ form: 'The case is closed: its closure is signed off' })
    return row
  }

  async function saveProposal(
    ctx: RequestContext,
    caseId: string,
    input: ClosureInput,
    version: number | undefined,
  ): Promise<{ id: string; version: number }> {
    const authorityId = ctx.actor.authorityId
    const calendar = await programmes.calendar(ctx)
    return database.withTenant(authorityId, async (tx) => {
      const row = await openCase(tx, ctx, caseId)
      const existing = await closureOf(tx, authorityId, caseId)
      if (version === undefined && existing) {
        throw new ConflictError('A closure has already been proposed for this case: change it instead.')
      }
      if (version !== undefined && !existing) throw new NotFoundError('Closure')
      const data = valid(checkClosure(input, await rulesFor(tx, row)))
      const now = clock()
      let id: string
      let saved: number
      if (!existing) {
        id = randomUUID()
        await tx.insert(closure).values({
          authorityId,
          caseId,
          id,
          status: 'proposed',
          ...data,
          proposedBy: recorder(ctx),
          proposedAt: now,
        })
        saved = 1
        await casework.chronicle(tx, ctx, caseId, {
          occurredOn: today(),
          headline: 'Closure proposed',
          category: 'closure',
          origin: 'hearth',
          originType: 'closure',
          originId: id,
        })
        await casework.audit(tx, ctx, caseId, 'create', 'closure', id, { destination: data.destinationId, version: 1 })
      } else {
        id = existing.id
        const [updated] = await tx
          .update(closure)
          .set({ ...data, updatedBy: recorder(ctx), updatedAt: now, version: sql`${closure.version} + 1` })
          .where(
            and(
              eq(closure.authorityId, authorityId),
              eq(closure.id, existing.id),
              eq(closure.status, 'proposed'),
              eq(closure.version, version as number),
            ),
          )
          .returning({ version: closure.version })
        if (!updated) throw new ConflictError('This closure was changed by someone else since you opened it.')
        saved = updated.version
        await casework.audit(tx, ctx, caseId, 'update', 'closure', id, {
          destination: data.destinationId,
          version: saved,
        })
      }
      await syncStepEvents(tx, ctx, row, id, data)
      await casework.refresh(tx, ctx, row, calendar)
      return { id, version: saved }
    })
  }

  return {
    isoToday: today,

    /** The closure page: what closing involves for the case's programme, the proposal, and the follow-ups. */
    async overview(ctx: RequestContext, caseId: string): Promise<ClosureOverview> {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const overview = await overviewIn(tx, ctx, row)
        await casework.audit(tx, ctx, caseId, 'view', 'closure', overview.closure?.id ?? caseId, {
          status: overview.closure?.status ?? null,
        })
        return overview
      })
    },

    /** A worker proposes closing the case; a manager signs it off later. One proposal per case. */
    async propose(ctx: RequestContext, caseId: string, input: ClosureInput): Promise<{ id: string; version: number }> {
      return saveProposal(ctx, caseId, input, undefined)
    },

    /** Changes the proposal before sign-off, if nobody has changed it since `version` was read. */
    async change(
      ctx: RequestContext,
      caseId: string,
      version: number,
      input: ClosureInput,
    ): Promise<{ id: string; version: number }> {
      return saveProposal(ctx, caseId, input, version)
    },

    /**
     * A team manager signs the closure off: the case closes on the closing day (checked by its
     * lifecycle: not before its last move), and the follow-ups at 3, 6 and 12 months are scheduled.
     * Steps not done yet are allowed (a report can follow closure); the page warns about them.
     */
    async signOff(ctx: RequestContext, caseId: string, version: number): Promise<{ followUps: IsoDate[] }> {
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        allow(ctx, 'cases:manage', 'Only a team manager can sign off a closure')
        const row = await casework.load(tx, ctx, caseId)
        const found = await closureOf(tx, authorityId, caseId)
        if (!found) throw new InvalidInputError({ form: 'No closure has been proposed for this case' })
        if (found.status === 'signed-off' || row.status === 'closed') {
          throw new InvalidInputError({ form: 'The case is closed: its closure is already signed off' })
        }
        if (found.version !== version)
          throw new ConflictError('This closure was changed by someone else since you opened it.')
        const data = dataOf(found)
        // The proposal is checked again: the family may have changed since it was written.
        valid(checkClosure(data, await rulesFor(tx, row)))
        const at = await casework.dayOnCase(tx, row, data.closedOn, 'closedOn')
        await casework.advance(tx, ctx, row, 'closed', at, calendar, { event: 'form', at: 'closedOn' }, found.id)
        const [updated] = await tx
          .update(closure)
          .set({
            status: 'signed-off',
            signedOffBy: recorder(ctx),
            signedOffAt: clock(),
            version: sql`${closure.version} + 1`,
          })
          .where(and(eq(closure.authorityId, authorityId), eq(closure.id, found.id), eq(closure.version, version)))
          .returning({ version: closure.version })
        if (!updated) throw new ConflictError('This closure was changed by someone else since you opened it.')
        const schedule = followUpSchedule(data.closedOn)
        await tx
          .insert(followUp)
          .values(schedule.map((s) => ({ authorityId, caseId, id: randomUUID(), months: s.months, dueOn: s.dueOn })))
        const closedRow = await casework.load(tx, ctx, caseId)
        await syncStepEvents(tx, ctx, closedRow, found.id, data, at)
        await casework.audit(tx, ctx, caseId, 'sign-off', 'closure', found.id, {
          destination: data.destinationId,
          version: updated.version,
        })
        await casework.refresh(tx, ctx, closedRow, calendar)
        return { followUps: schedule.map((s) => s.dueOn) }
      })
    },

    /**
     * After sign-off: records a step or a report's recipient still to do (the intervention report,
     * sent after closure). What was done at sign-off stays as it was.
     */
    async recordSteps(
      ctx: RequestContext,
      caseId: string,
      version: number,
      input: Pick<ClosureInput, 'steps' | 'recipients'>,
    ): Promise<{ version: number }> {
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        allow(ctx, 'cases:work', 'Your role does not allow recording closure steps')
        const row = await casework.load(tx, ctx, caseId)
        const found = await closureOf(tx, authorityId, caseId)
        if (found?.status !== 'signed-off') {
          throw new InvalidInputError({ form: 'Record the closure steps on the proposal until it is signed off' })
        }
        const signed = dataOf(found)
        const data = valid(
          checkLaterSteps(casework.programmeOf(row), signed, input, {
            today: today(),
            openedOn: londonDate(row.openedAt),
          }),
        )
        const [updated] = await tx
          .update(closure)
          .set({ ...data, updatedBy: recorder(ctx), updatedAt: clock(), version: sql`${closure.version} + 1` })
          .where(and(eq(closure.authorityId, authorityId), eq(closure.id, found.id), eq(closure.version, version)))
          .returning({ version: closure.version })
        if (!updated) throw new ConflictError('This closure was changed by someone else since you opened it.')
        await syncStepEvents(
          tx,
          ctx,
          row,
          found.id,
          { closedOn: signed.closedOn, steps: data.steps },
          row.closedAt ?? undefined,
        )
        await casework.audit(tx, ctx, caseId, 'update', 'closure', found.id, { version: updated.version })
        await casework.refresh(tx, ctx, row, calendar)
        return { version: updated.version }
      })
    },

    /** The case's follow-up checks, soonest first (none before closure is signed off). */
    async followUps(ctx: RequestContext, caseId: string): Promise<FollowUpView[]> {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await casework.load(tx, ctx, caseId)
        const checks = await followUpsOf(tx, authorityId, caseId)
        const who = await namesOf(
          tx,
          authorityId,
          checks.map((c) => c.recordedBy),
        )
        await casework.audit(tx, ctx, caseId, 'list', 'follow-up', caseId, { count: checks.length })
        return checks.map((c) => followUpView(c, who))
      })
    },

    /** One follow-up check, with the case's children to ask about. */
    async followUp(ctx: RequestContext, caseId: string, followUpId: string) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const check = await findFollowUp(tx, authorityId, caseId, followUpId)
        const who = await namesOf(tx, authorityId, [check.recordedBy])
        const children = (await casework.children(tx, authorityId, [caseId])).get(caseId) ?? []
        const found = await closureOf(tx, authorityId, caseId)
        await casework.audit(tx, ctx, caseId, 'view', 'follow-up', followUpId)
        return {
          followUp: followUpView(check, who),
          children,
          closedOn: (found?.closedOn as IsoDate | undefined) ?? londonDate(row.closedAt ?? row.openedAt),
        }
      })
    },

    /**
     * Records a follow-up check (or corrects one, on the version read): is each child still living
     * at home, has the family been referred again. It leaves My work once recorded.
     */
    async recordFollowUp(
      ctx: RequestContext,
      caseId: string,
      followUpId: string,
      version: number,
      input: FollowUpInput,
    ): Promise<{ version: number }> {
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        allow(ctx, 'cases:work', 'Your role does not allow recording follow-ups')
        const row = await casework.load(tx, ctx, caseId)
        const check = await findFollowUp(tx, authorityId, caseId, followUpId)
        const found = await closureOf(tx, authorityId, caseId)
        const children = (await casework.children(tx, authorityId, [caseId])).get(caseId) ?? []
        const data = valid(
          checkFollowUp(input, {
            today: today(),
            closedOn: (found?.closedOn as IsoDate | undefined) ?? londonDate(row.closedAt ?? row.openedAt),
            dueOn: check.dueOn as IsoDate,
            months: check.months,
            children: children.map((c) => ({ personId: c.personId, unborn: c.role === 'unborn' })),
          }),
        )
        const first = !check.doneOn
        const [updated] = await tx
          .update(followUp)
          .set({ ...data, recordedBy: recorder(ctx), recordedAt: clock(), version: sql`${followUp.version} + 1` })
          .where(and(eq(followUp.authorityId, authorityId), eq(followUp.id, followUpId), eq(followUp.version, version)))
          .returning({ version: followUp.version })
        if (!updated) throw new ConflictError('This follow-up was changed by someone else since you opened it.')
        if (first) {
          await casework.chronicle(tx, ctx, caseId, {
            occurredOn: data.doneOn,
            headline: `${check.months}-month follow-up after closure`,
            category: 'closure',
            origin: 'hearth',
            originType: 'follow-up',
            originId: followUpId,
          })
        } else {
          await tx
            .update(chronologyEntry)
            .set({ occurredOn: data.doneOn })
            .where(
              and(
                eq(chronologyEntry.authorityId, authorityId),
                eq(chronologyEntry.caseId, caseId),
                eq(chronologyEntry.originType, 'follow-up'),
                eq(chronologyEntry.originId, followUpId),
              ),
            )
        }
        await casework.audit(tx, ctx, caseId, first ? 'create' : 'update', 'follow-up', followUpId, {
          months: check.months,
          reReferred: data.reReferred,
          version: updated.version,
        })
        await casework.refresh(tx, ctx, row, calendar)
        return { version: updated.version }
      })
    },

    /**
     * What closure and the checks after it say, for the outcomes report: the destination and how it
     * is reported, the result per headline need, each child at home at closure and at 3, 6 and 12
     * months, and whether the family was referred again. Null before a closure is proposed.
     */
    async outcomes(ctx: RequestContext, caseId: string) {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const found = await closureOf(tx, authorityId, caseId)
        if (!found) return null
        const checks = await followUpsOf(tx, authorityId, caseId)
        await casework.audit(tx, ctx, caseId, 'view', 'closure-outcomes', found.id)
        return closureOutcomes(
          casework.programmeOf(row),
          { status: found.status as ClosureStatus, ...dataOf(found) },
          checks.map((c) => ({
            months: c.months,
            dueOn: c.dueOn as IsoDate,
            doneOn: (c.doneOn as IsoDate | null) ?? null,
            children: c.children as ChildAtHome[],
            reReferred: c.reReferred,
          })),
        )
      })
    },
  }
}

export type ClosureService = ReturnType<typeof createClosureService>
