import { randomUUID } from 'node:crypto'
import { and, desc, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database, Tx } from '../db/client.ts'
import { caseEvent, pathwayChange, review, scalingScore } from '../db/schema/index.ts'
import type { Calendar } from '../domain/calendar.ts'
import type { Deadline, DeadlineStatus } from '../domain/deadlines.ts'
import { formatIsoDate, type IsoDate, isIsoDate, londonDate } from '../domain/isoDate.ts'
import type { CaseStage } from '../domain/lifecycle.ts'
import type { Programme } from '../domain/programme/schema.ts'
import {
  CASE_EVENTS,
  CONTACT_FREQUENCIES,
  keysOf,
  PARTICIPANTS,
  type Participant,
} from '../domain/programme/vocabulary.ts'
import {
  checkDecision,
  checkProgress,
  checkScaling,
  type DecisionDetails,
  type DecisionOption,
  decisionOptions,
  type GoalProgress,
  type GoalScaling,
  missingAttendees,
  nextScheduledReview,
  PROGRESS_DIRECTIONS,
  type Problems,
  participantList,
  pathwaySetByPreBirthOutcome,
  REVIEW_DECISIONS,
  type ReviewDecision,
  reviewCycles,
  scheduledReviewName,
} from '../domain/reviews.ts'
import type { AuditLog } from './audit.ts'
import type { CaseGoal, CaseRow, Casework } from './casework.ts'
import { type Clock, type RequestContext, recorderOf } from './context.ts'
import { ConflictError, fieldProblems, InvalidInputError, NotFoundError } from './errors.ts'
import { optionalText } from './fields.ts'
import type { ProgrammeService } from './programmes.ts'
import { scalingRecorder } from './progress.ts'

/**
 * Reviews of the work with a family, on the programme's schedule (Staying Together's weeks 3, 6,
 * 9 and 12; Derby's and Lewisham's week 12) or whenever one is needed; and what each decides:
 * carry on, a further cycle, a new pathway, the step-down, or closure. Also STARS's pre-birth
 * assessment outcome, which sets the case's pathway and starts its two years of support.
 */

const participant = z.enum(keysOf(PARTICIPANTS))

const attendeesSchema = z
  .object({
    participants: z.array(participant).default([]).describe('Who attended, from the shared list of participants'),
    others: optionalText('Others who attended').describe('Anyone else, in words: "School nurse"'),
  })
  .describe('Who attended the review')

const progressSchema = z
  .array(
    z.object({
      goalId: z.uuid().describe('A goal of the current plan (its id is kept across plan editions)'),
      direction: z
        .enum(keysOf(PROGRESS_DIRECTIONS), { error: 'Choose better, the same or worse' })
        .nullish()
        .describe('better, same or worse'),
      evidence: z.string().nullish().describe('What shows it; required with a direction'),
    }),
  )
  .default([])
  .describe('How each goal is going')

const scalingSchema = z
  .array(
    z.object({
      goalId: z.uuid(),
      family: z.number().nullish().describe("The family's answer to the goal's scaling question, 0 to 10"),
      worker: z.number().nullish().describe("The worker's answer, 0 to 10"),
    }),
  )
  .default([])
  .describe('Scaling scores per goal asked at the review; at least one of family and worker in each')

const confirm = z
  .boolean()
  .default(false)
  .describe('true: record the review although a required attendee of the scheduled review was not there')

export const reviewInputSchema = z.object({
  heldOn: z
    .string({ error: 'Enter the date of the review' })
    .min(1, 'Enter the date of the review')
    .refine(isIsoDate, 'Enter a real date, written YYYY-MM-DD')
    .describe('The day the review was held; not in the future, not before the family was accepted'),
  scheduledId: z
    .string()
    .nullish()
    .transform((v) => v || null)
    .describe(
      'The scheduled review it was held as, `review-week-6`: the next one due; null for one outside the schedule',
    ),
  attendees: attendeesSchema,
  progress: progressSchema,
  scaling: scalingSchema,
  familyView: optionalText("The family's view").describe("The family's view, in their words"),
  summary: optionalText('The summary').describe('What the review found'),
  decision: z
    .enum(keysOf(REVIEW_DECISIONS), { error: 'Choose what the review decided' })
    .describe('continue, extend, change-pathway, step-down or close; only what the programme and the stage allow'),
  requestedBy: participant
    .nullish()
    .describe('extend: who asked for the further cycle, one of the programme’s extension.requestedBy'),
  pathway: z.string().nullish().describe('change-pathway: the new pathway'),
  pathwayReason: optionalText('The reason').describe('change-pathway: why'),
  frequencies: z
    .array(z.object({ from: z.string(), frequency: z.string() }))
    .nullish()
    .describe(
      `step-down: planned contact, each step from a date and less often than the one before: ${Object.keys(CONTACT_FREQUENCIES).join(', ')}`,
    ),
  confirmMissingAttendees: confirm,
})
export type ReviewInput = z.input<typeof reviewInputSchema>

export const reviewCorrectionSchema = z.object({
  attendees: attendeesSchema,
  progress: progressSchema,
  familyView: optionalText("The family's view"),
  summary: optionalText('The summary'),
  confirmMissingAttendees: confirm,
})
export type ReviewCorrection = z.input<typeof reviewCorrectionSchema>

export const preBirthOutcomeSchema = z.object({
  decidedOn: z
    .string({ error: 'Enter the date of the outcome' })
    .min(1, 'Enter the date of the outcome')
    .refine(isIsoDate, 'Enter a real date, written YYYY-MM-DD')
    .describe('The day the outcome was known; not in the future, not before support started'),
  outcome: z
    .string({ error: 'Choose the outcome of the pre-birth assessment' })
    .min(1, 'Choose the outcome of the pre-birth assessment')
    .describe("One of the programme's pathways: child-remains or child-removed"),
  note: optionalText('The note'),
})
export type PreBirthOutcomeInput = z.input<typeof preBirthOutcomeSchema>

type Who = { id: string; name: string }

export interface ReviewView {
  id: string
  caseId: string
  heldOn: IsoDate
  scheduledId: string | null
  scheduledName: string | null
  attendees: { participants: Participant[]; others: string | null }
  progress: (GoalProgress & { goal: CaseGoal | null })[]
  scaling: (GoalScaling & { goal: CaseGoal | null })[]
  familyView: string | null
  summary: string | null
  decision: ReviewDecision
  decisionDetails: DecisionDetails
  missingAttendees: Participant[]
  recordedBy: Who
  recordedAt: Date
  updatedBy: Who | null
  updatedAt: Date | null
  version: number
}

export interface ScheduledReview {
  id: string
  name: string
  dueDate: IsoDate
  status: DeadlineStatus
  attendees: Participant[]
  /** The review that met it. */
  reviewId: string | null
  metOn: IsoDate | null
}

/** What the review form needs to know about the case now. */
export interface ReviewSetting {
  closed: boolean
  stage: CaseStage
  programme: Programme
  pathway: string | null
  goals: CaseGoal[]
  decisions: Record<ReviewDecision, DecisionOption>
  /** The scheduled review a review held today would be. */
  next: { id: string; name: string; dueDate: IsoDate; attendees: Participant[] } | null
  schedule: { source: string; interpretation?: string | undefined } | null
  extension: { requestedBy: Participant[]; source: string; interpretation?: string | undefined } | null
}

export interface PreBirthStatus {
  /** The case's service sets its pathway by the pre-birth assessment's outcome (STARS). */
  offered: boolean
  /** Support has started and the case is open: the outcome can be recorded now. */
  canRecord: boolean
  reason: string | null
  recorded: { decidedOn: IsoDate; pathway: string; pathwayName: string; note: string | null } | null
  pathways: { id: string; name: string; description?: string | undefined; source: string }[]
  source: string | null
}

type ReviewRow = typeof review.$inferSelect

function merge(into: Problems, error: unknown) {
  if (!(error instanceof InvalidInputError)) throw error
  for (const [k, v] of Object.entries(error.fields)) into[k] ??= v
}

export function createReviewService(
  database: Database,
  _audit: AuditLog,
  clock: Clock,
  programmes: ProgrammeService,
  casework: Casework,
) {
  const today = () => londonDate(clock())
  const recordScaling = scalingRecorder(casework, clock)

  async function extensionsOf(tx: Tx, row: CaseRow) {
    return (await casework.events(tx, row.authorityId, row.id)).filter((e) => e.type === 'further-cycle-started').length
  }

  function requiredAttendees(programme: Programme, scheduledId: string | null): Participant[] {
    const week = Number(/^review-week-(\d+)$/.exec(scheduledId ?? '')?.[1])
    return programme.reviewSchedule?.reviews.find((r) => r.week === week)?.attendees ?? []
  }

  function missingProblem(missing: Participant[], scheduledId: string | null): Problems {
    const who = participantList(missing)
    return {
      confirmMissingAttendees: `${who[0]?.toUpperCase()}${who.slice(1)} should attend the ${scheduledReviewName(scheduledId ?? '').toLowerCase()}: tick them as attending, or confirm the review went ahead without them`,
    }
  }

  async function openForChange(tx: Tx, ctx: RequestContext, caseId: string) {
    const row = await casework.load(tx, ctx, caseId, { lock: true })
    if (casework.stageOf(row) === 'closed') {
      throw new InvalidInputError({ form: 'The case is closed: reviews can no longer be recorded or changed' })
    }
    return row
  }

  async function setting(tx: Tx, ctx: RequestContext, row: CaseRow, calendar: Calendar): Promise<ReviewSetting> {
    const programme = casework.programmeOf(row)
    const stage = casework.stageOf(row)
    const state = await casework.state(tx, row.authorityId, row, calendar)
    const next = stage === 'closed' ? undefined : nextScheduledReview(state.deadlines, clock())
    const schedule = programme.reviewSchedule
    return {
      closed: stage === 'closed',
      stage,
      programme,
      pathway: row.pathway,
      goals: await casework.goals(tx, ctx.actor.authorityId, row.id),
      decisions: decisionOptions(programme, stage, await extensionsOf(tx, row)),
      next: next
        ? {
            id: next.review.id,
            name: next.review.name,
            dueDate: next.review.dueDate,
            attendees: next.review.attendees ?? [],
          }
        : null,
      schedule: schedule ? { source: schedule.source, interpretation: schedule.interpretation } : null,
      extension: programme.extension
        ? {
            requestedBy: programme.extension.requestedBy,
            source: programme.extension.source,
            interpretation: programme.extension.interpretation,
          }
        : null,
    }
  }

  async function findRow(tx: Tx, authorityId: string, caseId: string, id: string) {
    const [row] = await tx
      .select()
      .from(review)
      .where(and(eq(review.authorityId, authorityId), eq(review.caseId, caseId), eq(review.id, id)))
    if (!row) throw new NotFoundError('Review')
    return row
  }

  async function views(tx: Tx, authorityId: string, caseId: string, rows: ReviewRow[]): Promise<ReviewView[]> {
    if (rows.length === 0) return []
    const goals = await casework.goals(tx, authorityId, caseId)
    const goalOf = (id: string) => goals.find((g) => g.id === id) ?? null
    const scores = await tx
      .select()
      .from(scalingScore)
      .where(
        and(
          eq(scalingScore.authorityId, authorityId),
          eq(scalingScore.caseId, caseId),
          eq(scalingScore.occasion, 'review'),
        ),
      )
    const names = await casework.userNames(
      tx,
      authorityId,
      rows.flatMap((r) => [r.recordedBy, r.updatedBy]),
    )
    const who = (id: string) => ({ id, name: names.get(id) ?? 'Unknown user' })
    return rows.map((r) => {
      const attendees = r.attendees as { participants?: Participant[]; others?: string | null }
      const goalPosition = (id: string) => goalOf(id)?.position ?? Number.MAX_SAFE_INTEGER
      return {
        id: r.id,
        caseId: r.caseId,
        heldOn: r.heldOn as IsoDate,
        scheduledId: r.scheduledId,
        scheduledName: r.scheduledId ? scheduledReviewName(r.scheduledId) : null,
        attendees: { participants: attendees.participants ?? [], others: attendees.others ?? null },
        progress: (r.progress as GoalProgress[]).map((p) => ({ ...p, goal: goalOf(p.goalId) })),
        scaling: scores
          .filter((s) => s.reviewId === r.id)
          .map((s) => ({ goalId: s.goalId, family: s.familyScore, worker: s.workerScore, goal: goalOf(s.goalId) }))
          .sort((a, b) => goalPosition(a.goalId) - goalPosition(b.goalId)),
        familyView: r.familyView,
        summary: r.summary,
        decision: r.decision as ReviewDecision,
        decisionDetails: r.decisionDetails as DecisionDetails,
        missingAttendees: r.missingAttendees as Participant[],
        recordedBy: who(r.recordedBy),
        recordedAt: r.recordedAt,
        updatedBy: r.updatedBy ? who(r.updatedBy) : null,
        updatedAt: r.updatedAt ?? null,
        version: r.version,
      }
    })
  }

  /** The case's scheduled reviews by cycle, each with the review that met it. */
  async function scheduleOf(tx: Tx, row: CaseRow, deadlines: Deadline[]) {
    const held = await tx
      .select({ at: caseEvent.at, sourceId: caseEvent.sourceId })
      .from(caseEvent)
      .where(
        and(eq(caseEvent.authorityId, row.authorityId), eq(caseEvent.caseId, row.id), eq(caseEvent.type, 'review')),
      )
    const byMoment = new Map(held.map((e) => [e.at.getTime(), e.sourceId]))
    return reviewCycles(deadlines).map((cycle) => ({
      number: cycle.number,
      startedBy: CASE_EVENTS[cycle.startedBy as keyof typeof CASE_EVENTS] ?? cycle.startedBy,
      startedOn: londonDate(cycle.startedAt),
      reviews: cycle.reviews.map(
        (d): ScheduledReview => ({
          id: d.id,
          name: d.name,
          dueDate: d.dueDate,
          status: d.status,
          attendees: d.attendees ?? [],
          reviewId: d.metAt ? (byMoment.get(d.metAt.getTime()) ?? null) : null,
          metOn: d.metAt ? londonDate(d.metAt) : null,
        }),
      ),
    }))
  }

  async function preBirthOf(tx: Tx, row: CaseRow): Promise<PreBirthStatus> {
    const programme = casework.programmeOf(row)
    const offered = pathwaySetByPreBirthOutcome(programme)
    const [change] = offered
      ? await tx
          .select()
          .from(pathwayChange)
          .where(
            and(
              eq(pathwayChange.authorityId, row.authorityId),
              eq(pathwayChange.caseId, row.id),
              eq(pathwayChange.cause, 'pre-birth-outcome'),
            ),
          )
      : []
    const stage = casework.stageOf(row)
    const reason = !offered
      ? "This case's service has no pre-birth assessment outcome"
      : change
        ? `The outcome of the pre-birth assessment was recorded on ${formatIsoDate(change.decidedOn as IsoDate)}`
        : stage === 'closed'
          ? 'The case is closed'
          : stage === 'accepted'
            ? 'Support must have started before the outcome of the pre-birth assessment can be recorded'
            : null
    return {
      offered,
      canRecord: offered && reason === null,
      reason,
      recorded: change
        ? {
            decidedOn: change.decidedOn as IsoDate,
            pathway: change.toPathway,
            pathwayName: programme.pathways.find((p) => p.id === change.toPathway)?.name ?? change.toPathway,
            note: change.reason,
          }
        : null,
      pathways: offered
        ? programme.pathways.map((p) => ({ id: p.id, name: p.name, description: p.description, source: p.source }))
        : [],
      source: offered ? (programme.pathwayChosenAt?.source ?? null) : null,
    }
  }

  interface Prepared {
    data: z.output<typeof reviewInputSchema>
    at: Date
    progress: GoalProgress[]
    scaling: GoalScaling[]
    details: DecisionDetails
    missing: Participant[]
  }

  /** Every problem with a review at once; what to save when there are none. */
  async function prepare(
    tx: Tx,
    row: CaseRow,
    raw: unknown,
    calendar: Calendar,
  ): Promise<{ ok: true; prepared: Prepared } | { ok: false; problems: Problems }> {
    const strict = reviewInputSchema.safeParse(raw ?? {})
    const problems: Problems = strict.success ? {} : fieldProblems(strict.error)
    // Without a decision the rest can still be checked, so the form shows every problem at once.
    const parsed = strict.success ? strict : reviewInputSchema.partial({ decision: true }).safeParse(raw ?? {})
    if (!parsed.success) return { ok: false, problems }
    const data = parsed.data
    const programme = casework.programmeOf(row)
    const stage = casework.stageOf(row)
    let at: Date | undefined
    try {
      at = await casework.dayOnCase(tx, row, data.heldOn, 'heldOn')
    } catch (error) {
      merge(problems, error)
    }
    const goalIds = (await casework.goals(tx, row.authorityId, row.id)).map((g) => g.id)
    const progress = checkProgress(data.progress, goalIds)
    if (!progress.ok) Object.assign(problems, progress.problems)
    const scaling = checkScaling(data.scaling, goalIds)
    if (!scaling.ok) Object.assign(problems, scaling.problems)
    const decided = data.decision
      ? checkDecision(programme, stage, row.pathway, await extensionsOf(tx, row), data.heldOn, {
          ...data,
          decision: data.decision,
        })
      : undefined
    if (decided && !decided.ok) Object.assign(problems, decided.problems)

    let missing: Participant[] = []
    if (data.scheduledId && at) {
      const state = await casework.state(tx, row.authorityId, row, calendar)
      const next = nextScheduledReview(state.deadlines, at)
      if (!next) {
        problems.scheduledId = `No scheduled review is still to be held in the cycle of support on ${formatIsoDate(data.heldOn)}: record it as a review outside the schedule`
      } else if (next.review.id !== data.scheduledId) {
        problems.scheduledId = `Scheduled reviews are held in order: the next one is the ${next.review.name.toLowerCase()}. Record this as the ${next.review.name.toLowerCase()}, or as a review outside the schedule`
      } else {
        if (next.heldAfter && at.getTime() < next.heldAfter.getTime()) {
          problems.heldOn ??= `The ${next.review.name.toLowerCase()} must be held on or after ${formatIsoDate(londonDate(next.heldAfter))}, when the review before it was held`
        }
        missing = missingAttendees(next.review.attendees ?? [], data.attendees.participants)
        if (missing.length > 0 && !data.confirmMissingAttendees)
          Object.assign(problems, missingProblem(missing, data.scheduledId))
      }
    }
    if (Object.keys(problems).length > 0 || !strict.success || !at || !progress.ok || !scaling.ok || !decided?.ok) {
      return { ok: false, problems }
    }
    return {
      ok: true,
      prepared: {
        data: strict.data,
        at,
        progress: progress.progress,
        scaling: scaling.scaling,
        details: decided.details,
        missing,
      },
    }
  }

  /** Carries out the review's decision: a further cycle, the step-down, or a new pathway. */
  async function decide(tx: Tx, ctx: RequestContext, row: CaseRow, p: Prepared, id: string, calendar: Calendar) {
    const fields = { event: 'decision', at: 'heldOn' }
    // Just after the review, so the review belongs to the cycle it ends and the next cycle's schedule starts afresh.
    const after = new Date(p.at.getTime() + 1)
    if (p.data.decision === 'extend') {
      await casework.advance(tx, ctx, row, 'further-cycle-started', after, calendar, fields, id)
    } else if (p.data.decision === 'step-down') {
      await casework.advance(tx, ctx, row, 'step-down-started', after, calendar, fields, id)
    } else if (p.data.decision === 'change-pathway') {
      const details = p.details as { pathway: string; reason: string }
      await casework.bump(tx, row, { pathway: details.pathway }, row.version)
      const changeId = randomUUID()
      await tx.insert(pathwayChange).values({
        authorityId: row.authorityId,
        caseId: row.id,
        id: changeId,
        cause: 'review',
        fromPathway: row.pathway,
        toPathway: details.pathway,
        decidedOn: p.data.heldOn,
        reason: details.reason,
        reviewId: id,
        recordedBy: recorderOf(ctx),
        recordedAt: clock(),
      })
      const name = casework.programmeOf(row).pathways.find((x) => x.id === details.pathway)?.name ?? details.pathway
      await casework.chronicle(tx, ctx, row.id, {
        occurredOn: p.data.heldOn,
        headline: `Pathway changed to ${name.toLowerCase()}`,
        category: 'phase',
        origin: 'hearth',
        originType: 'pathway-change',
        originId: changeId,
      })
      await casework.audit(tx, ctx, row.id, 'create', 'pathway-change', changeId, {
        cause: 'review',
        from: row.pathway,
        to: details.pathway,
        reviewId: id,
      })
    }
  }

  return {
    isoToday: today,

    /** What the review form offers for the case now: goals, decisions, the next scheduled review. */
    async setting(ctx: RequestContext, caseId: string): Promise<ReviewSetting> {
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(ctx.actor.authorityId, async (tx) =>
        setting(tx, ctx, await casework.load(tx, ctx, caseId), calendar),
      )
    },

    /** The schedule for every cycle so far, the reviews held (newest first), and the pre-birth outcome. */
    async list(ctx: RequestContext, caseId: string) {
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const state = await casework.state(tx, authorityId, row, calendar)
        const rows = await tx
          .select()
          .from(review)
          .where(and(eq(review.authorityId, authorityId), eq(review.caseId, caseId)))
          .orderBy(desc(review.heldOn), desc(review.recordedAt))
        await casework.audit(tx, ctx, caseId, 'list', 'review', caseId, { reviews: rows.length })
        return {
          setting: await setting(tx, ctx, row, calendar),
          cycles: await scheduleOf(tx, row, state.deadlines),
          reviews: await views(tx, authorityId, caseId, rows),
          preBirth: await preBirthOf(tx, row),
        }
      })
    },

    async get(ctx: RequestContext, caseId: string, reviewId: string): Promise<ReviewView> {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        await casework.load(tx, ctx, caseId)
        const row = await findRow(tx, authorityId, caseId, reviewId)
        await casework.audit(tx, ctx, caseId, 'view', 'review', reviewId)
        return (await views(tx, authorityId, caseId, [row]))[0] as ReviewView
      })
    },

    /** Every problem a review would have, without saving it (for a form that has its own problems too). */
    async check(ctx: RequestContext, caseId: string, input: ReviewInput): Promise<Problems> {
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(ctx.actor.authorityId, async (tx) => {
        let row: CaseRow
        try {
          row = await openForChange(tx, ctx, caseId)
        } catch (error) {
          if (error instanceof InvalidInputError) return error.fields
          throw error
        }
        const result = await prepare(tx, row, input, calendar)
        return result.ok ? {} : result.problems
      })
    },

    /**
     * Records a review held on a day: the review, its `review` event (a scheduled one meets the
     * schedule), its scaling scores, and its decision carried out — all or nothing.
     */
    async record(
      ctx: RequestContext,
      caseId: string,
      input: ReviewInput,
    ): Promise<{ id: string; decision: ReviewDecision }> {
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        const row = await openForChange(tx, ctx, caseId)
        const result = await prepare(tx, row, input, calendar)
        if (!result.ok) throw new InvalidInputError(result.problems)
        const p = result.prepared
        const id = randomUUID()
        await tx.insert(review).values({
          authorityId,
          caseId,
          id,
          heldOn: p.data.heldOn,
          scheduledId: p.data.scheduledId,
          attendees: p.data.attendees,
          progress: p.progress,
          familyView: p.data.familyView,
          summary: p.data.summary,
          decision: p.data.decision,
          decisionDetails: p.details,
          missingAttendees: p.missing,
          recordedBy: recorderOf(ctx),
          recordedAt: clock(),
        })
        // Only a scheduled review meets the schedule: one held at another time must not count as the next.
        if (p.data.scheduledId) await casework.event(tx, ctx, caseId, 'review', p.at, id)
        if (p.scaling.length > 0) {
          // Written as the Progress tab writes them, so there is one way scores are kept.
          await recordScaling(tx, ctx, caseId, {
            askedOn: p.data.heldOn,
            occasion: 'review',
            reviewId: id,
            scores: p.scaling.map((s) => ({ goalId: s.goalId, familyScore: s.family, workerScore: s.worker })),
          })
        }
        // The review joins the chronology before what it decided, so the story reads in order.
        const name = p.data.scheduledId ? scheduledReviewName(p.data.scheduledId) : 'Review'
        await casework.chronicle(tx, ctx, caseId, {
          occurredOn: p.data.heldOn,
          headline: `${name} held`,
          category: 'plan',
          origin: 'hearth',
          originType: 'review',
          originId: id,
          action: REVIEW_DECISIONS[p.data.decision],
        })
        await decide(tx, ctx, row, p, id, calendar)
        await casework.audit(tx, ctx, caseId, 'create', 'review', id, {
          scheduledId: p.data.scheduledId,
          decision: p.data.decision,
          missingAttendees: p.missing.join(',') || null,
          version: 1,
        })
        await casework.refresh(tx, ctx, await casework.load(tx, ctx, caseId), calendar)
        return { id, decision: p.data.decision }
      })
    },

    /**
     * Corrects a review on the version read: who attended, progress per goal, the family's view
     * and the summary. Its date, its place in the schedule, its decision and its scores stay.
     */
    async update(
      ctx: RequestContext,
      caseId: string,
      reviewId: string,
      version: number,
      input: ReviewCorrection,
    ): Promise<{ version: number }> {
      const authorityId = ctx.actor.authorityId
      return database.withTenant(authorityId, async (tx) => {
        const row = await openForChange(tx, ctx, caseId)
        const current = await findRow(tx, authorityId, caseId, reviewId)
        const parsed = reviewCorrectionSchema.safeParse(input ?? {})
        const problems: Problems = parsed.success ? {} : fieldProblems(parsed.error)
        if (!parsed.success) throw new InvalidInputError(problems)
        const data = parsed.data
        const goalIds = (await casework.goals(tx, authorityId, caseId)).map((g) => g.id)
        // Progress given for a goal since taken out of the plan is kept as it was.
        const kept = (current.progress as GoalProgress[]).filter((p) => !goalIds.includes(p.goalId))
        const progress = checkProgress(data.progress, goalIds)
        if (!progress.ok) Object.assign(problems, progress.problems)
        const missing = missingAttendees(
          requiredAttendees(casework.programmeOf(row), current.scheduledId),
          data.attendees.participants,
        )
        if (missing.length > 0 && !data.confirmMissingAttendees) {
          Object.assign(problems, missingProblem(missing, current.scheduledId))
        }
        if (Object.keys(problems).length > 0 || !progress.ok) throw new InvalidInputError(problems)
        const [updated] = await tx
          .update(review)
          .set({
            attendees: data.attendees,
            progress: [...progress.progress, ...kept],
            familyView: data.familyView,
            summary: data.summary,
            missingAttendees: missing,
            updatedBy: recorderOf(ctx),
            updatedAt: clock(),
            version: sql`${review.version} + 1`,
          })
          .where(
            and(
              eq(review.authorityId, authorityId),
              eq(review.caseId, caseId),
              eq(review.id, reviewId),
              eq(review.version, version),
            ),
          )
          .returning({ version: review.version })
        if (!updated) throw new ConflictError('This review was changed by someone else since you opened it.')
        await casework.audit(tx, ctx, caseId, 'update', 'review', reviewId, { version: updated.version })
        return { version: updated.version }
      })
    },

    /** Whether the case's service has a pre-birth outcome, whether it can be recorded now, and the one recorded. */
    async preBirth(ctx: RequestContext, caseId: string): Promise<PreBirthStatus> {
      return database.withTenant(ctx.actor.authorityId, async (tx) =>
        preBirthOf(tx, await casework.load(tx, ctx, caseId)),
      )
    },

    /**
     * STARS: records the outcome of the pre-birth assessment, once. It sets the case's pathway
     * (child remains with the family, or child removed) and records the `pre-birth-assessment-completed`
     * event, which starts the two years of intensive support.
     */
    async recordPreBirthOutcome(
      ctx: RequestContext,
      caseId: string,
      input: PreBirthOutcomeInput,
    ): Promise<{ pathway: string }> {
      const authorityId = ctx.actor.authorityId
      const calendar = await programmes.calendar(ctx)
      return database.withTenant(authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const status = await preBirthOf(tx, row)
        if (!status.canRecord) throw new InvalidInputError({ form: status.reason ?? 'The outcome cannot be recorded' })
        const parsed = preBirthOutcomeSchema.safeParse(input ?? {})
        const problems: Problems = parsed.success ? {} : fieldProblems(parsed.error)
        const raw = (input ?? {}) as { outcome?: unknown; decidedOn?: unknown }
        if (typeof raw.outcome === 'string' && raw.outcome && !status.pathways.some((p) => p.id === raw.outcome)) {
          problems.outcome = 'Choose one of the outcomes'
        }
        let at: Date | undefined
        if (typeof raw.decidedOn === 'string' && isIsoDate(raw.decidedOn)) {
          try {
            at = await casework.dayOnCase(tx, row, raw.decidedOn, 'decidedOn')
            const started = (await casework.events(tx, authorityId, caseId)).find((e) => e.type === 'support-started')
            if (started && londonDate(at) < londonDate(started.at)) {
              problems.decidedOn = `The date must be on or after ${formatIsoDate(londonDate(started.at))}, when support started`
            }
          } catch (error) {
            merge(problems, error)
          }
        }
        if (!parsed.success || Object.keys(problems).length > 0 || !at) throw new InvalidInputError(problems)
        const data = parsed.data
        await casework.bump(tx, row, { pathway: data.outcome }, row.version)
        const id = randomUUID()
        await tx.insert(pathwayChange).values({
          authorityId,
          caseId,
          id,
          cause: 'pre-birth-outcome',
          fromPathway: row.pathway,
          toPathway: data.outcome,
          decidedOn: data.decidedOn,
          reason: data.note,
          reviewId: null,
          recordedBy: recorderOf(ctx),
          recordedAt: clock(),
        })
        await casework.event(tx, ctx, caseId, 'pre-birth-assessment-completed', at, id)
        const name = status.pathways.find((p) => p.id === data.outcome)?.name ?? data.outcome
        await casework.chronicle(tx, ctx, caseId, {
          occurredOn: data.decidedOn,
          headline: `Pre-birth assessment completed: ${name.toLowerCase()}`,
          category: 'phase',
          origin: 'hearth',
          originType: 'pathway-change',
          originId: id,
        })
        await casework.audit(tx, ctx, caseId, 'create', 'pathway-change', id, {
          cause: 'pre-birth-outcome',
          from: row.pathway,
          to: data.outcome,
        })
        await casework.refresh(tx, ctx, await casework.load(tx, ctx, caseId), calendar)
        return { pathway: data.outcome }
      })
    },
  }
}

export type ReviewService = ReturnType<typeof createReviewService>
