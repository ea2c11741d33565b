import { randomUUID } from 'node:crypto'
import { and, asc, eq } from 'drizzle-orm'
import type { Database, Tx } from '../db/client.ts'
import { casePerson, measureRecord, person, review, scalingScore } from '../db/schema/index.ts'
import { can } from '../domain/access.ts'
import { type IsoDate, londonDate } from '../domain/isoDate.ts'
import {
  type CaseFacts,
  type Checked,
  checkMeasureRecord,
  checkScaling,
  type Distance,
  describeValue,
  distanceTravelled,
  flagsOf,
  type MeasureOccasion,
  type MeasurePerson,
  type MeasureValue,
  peopleFor,
  rangeOf,
  type ScalingOccasion,
  subjectOf,
} from '../domain/measures.ts'
import { groupOf } from '../domain/network.ts'
import type { Measure } from '../domain/programme/schema.ts'
import type { MeasureSubject } from '../domain/programme/vocabulary.ts'
import type { AuditLog } from './audit.ts'
import type { CaseGoal, CaseRow, Casework } from './casework.ts'
import type { Clock, RequestContext } from './context.ts'
import { InvalidInputError, NotFoundError } from './errors.ts'
import type { ProgrammeService } from './programmes.ts'

/**
 * Measuring change on a case: the family's and the worker's scaling scores for each goal of the
 * plan, and the programme's measures (Lewisham's school attendance, worklessness, offending and
 * child in need status; a child living at home; scores from licensed tools, the number only).
 * Readings are kept as they were taken, never changed: each is a point on the way.
 */

/** Scaling scores as a form or the API sends them (see domain/measures.ts checkScaling). */
export interface ScalingInput {
  askedOn: string
  occasion: string
  reviewId?: string | null | undefined
  scores: {
    goalId: string
    familyScore?: number | string | null | undefined
    workerScore?: number | string | null | undefined
    note?: string | null | undefined
  }[]
}

/** A measure's readings as a form or the API sends them (see domain/measures.ts checkMeasureRecord). */
export interface MeasureInput {
  measureId: string
  occasion: string
  recordedOn: string
  reviewId?: string | null | undefined
  readings: { personId?: string | null | undefined; value: Record<string, unknown> }[]
}

/** Someone a measure can be read for. */
export interface ProgressPerson extends MeasurePerson {
  name: string
}

export interface ScoreView {
  id: string
  askedOn: IsoDate
  occasion: ScalingOccasion
  reviewId: string | null
  familyScore: number | null
  workerScore: number | null
  note: string | null
  recordedBy: { id: string; name: string }
}

export interface GoalProgress {
  goal: CaseGoal
  /** Oldest first. */
  scores: ScoreView[]
  family: Distance
  worker: Distance
}

export interface ReadingView {
  id: string
  personId: string | null
  recordedOn: IsoDate
  occasion: MeasureOccasion
  reviewId: string | null
  value: MeasureValue
  /** The reading in words: "80.0% (persistent absence)", "In work", "Child protection plan". */
  text: string
  /** The figure or status alone, for a table that shows the flags as tags: "80.0%". */
  figure: string
  /** persistent-absence, severe-absence, workless */
  flags: string[]
  recordedBy: { id: string; name: string }
}

export interface MeasureProgress {
  measure: Measure
  subject: MeasureSubject
  range: { minimum: number; maximum: number | undefined } | undefined
  /** For a family measure, one row with no person; otherwise each person it is read for (and anyone read before who has since left). */
  rows: { person: ProgressPerson | null; readings: ReadingView[] }[]
  /** How many readings there are, for everyone. */
  count: number
}

export interface ProgressView {
  closed: boolean
  acceptedOn: IsoDate
  goals: GoalProgress[]
  measures: MeasureProgress[]
  people: ProgressPerson[]
  reviews: { id: string; heldOn: IsoDate }[]
  source: string | undefined
}

/** For other pages (the overview, closure): how far each goal has come, and each measure's latest readings. */
export interface ProgressSummary {
  goals: {
    goalId: string
    outcome: string
    first: Distance['first']
    latest: Distance['latest']
    change: number | null
    words: string
  }[]
  measures: {
    measureId: string
    name: string
    latest: {
      personId: string | null
      name: string | null
      recordedOn: IsoDate
      occasion: MeasureOccasion
      text: string
      flags: string[]
    }[]
  }[]
}

/** Who recorded something when no person did (the command line, say). */
const SYSTEM_USER = '00000000-0000-0000-0000-000000000000'
const recorder = (ctx: RequestContext) => ctx.actor.userId ?? SYSTEM_USER

function valid<T>(result: Checked<T>): T {
  if (!result.ok) throw new InvalidInputError(result.fields)
  return result.data
}

/** Only those who work on cases record readings. */
function mayWork(ctx: RequestContext) {
  if (ctx.actor.role && !can(ctx.actor.role, 'cases:work')) throw new NotFoundError('Case')
}

/** The case's reviews, and what a reading is checked against. */
async function caseFacts(tx: Tx, row: CaseRow, today: IsoDate): Promise<CaseFacts> {
  const reviews = await tx
    .select({ id: review.id, heldOn: review.heldOn })
    .from(review)
    .where(and(eq(review.authorityId, row.authorityId), eq(review.caseId, row.id)))
    .orderBy(asc(review.heldOn))
  return { today, acceptedOn: londonDate(row.openedAt), reviews, closed: row.status === 'closed' }
}

/** The children, unborn babies, parents and carers on the case, eldest first. */
async function casePeople(tx: Tx, authorityId: string, caseId: string): Promise<ProgressPerson[]> {
  const rows = await tx
    .select({
      id: person.id,
      givenName: person.givenName,
      familyName: person.familyName,
      role: casePerson.role,
      dateOfBirth: person.dateOfBirth,
    })
    .from(casePerson)
    .innerJoin(person, and(eq(person.authorityId, casePerson.authorityId), eq(person.id, casePerson.personId)))
    .where(and(eq(casePerson.authorityId, authorityId), eq(casePerson.caseId, caseId)))
    .orderBy(asc(person.dateOfBirth), asc(person.givenName))
  return rows.map((r) => ({
    id: r.id,
    name: `${r.givenName} ${r.familyName}`.trim(),
    group:
      r.role === 'child' ? 'child' : r.role === 'unborn' ? 'unborn' : groupOf(r.role) === 'parents' ? 'adult' : 'other',
  }))
}

/**
 * Records scaling scores inside the caller's transaction: for a review service that records a
 * review's scores with the review itself (insert the review first, then name it in `reviewId`).
 * Checked exactly as `recordScaling` checks them; an InvalidInputError lists every problem, keyed
 * `askedOn`, `occasion`, `reviewId`, `scores` or `scores.<index>.<field>`.
 */
export function scalingRecorder(casework: Casework, clock: Clock) {
  return async function recordScalingIn(
    tx: Tx,
    ctx: RequestContext,
    caseId: string,
    input: ScalingInput,
  ): Promise<{ ids: string[] }> {
    mayWork(ctx)
    const row = await casework.load(tx, ctx, caseId)
    const goals = await casework.goals(tx, row.authorityId, caseId)
    const facts = await caseFacts(tx, row, londonDate(clock()))
    const data = valid(
      checkScaling(
        input,
        goals.map((g) => g.id),
        facts,
      ),
    )
    const ids: string[] = []
    const recordedAt = clock()
    for (const score of data.scores) {
      const id = randomUUID()
      ids.push(id)
      await tx.insert(scalingScore).values({
        authorityId: row.authorityId,
        caseId,
        id,
        goalId: score.goalId,
        askedOn: data.askedOn,
        occasion: data.occasion,
        reviewId: data.reviewId,
        familyScore: score.familyScore,
        workerScore: score.workerScore,
        note: score.note,
        recordedBy: recorder(ctx),
        recordedAt,
      })
      await casework.audit(tx, ctx, caseId, 'create', 'scaling-score', id, {
        goalId: score.goalId,
        occasion: data.occasion,
        reviewId: data.reviewId,
      })
    }
    // A review's scores are part of the review's own entry; scores asked at other times get one.
    if (!data.reviewId) {
      await casework.chronicle(tx, ctx, caseId, {
        occurredOn: data.askedOn,
        headline: data.occasion === 'start' ? 'Scaling scores recorded at the start' : 'Scaling scores recorded',
        category: 'progress',
        origin: 'hearth',
        originType: 'scaling',
        originId: ids[0] as string,
      })
    }
    return { ids }
  }
}

export function createProgressService(
  database: Database,
  _audit: AuditLog,
  clock: Clock,
  _programmes: ProgrammeService,
  casework: Casework,
) {
  const today = () => londonDate(clock())
  const recordScalingIn = scalingRecorder(casework, clock)

  async function read(tx: Tx, ctx: RequestContext, caseId: string): Promise<ProgressView> {
    const row = await casework.load(tx, ctx, caseId)
    const authorityId = row.authorityId
    const programme = casework.programmeOf(row)
    const goals = await casework.goals(tx, authorityId, caseId)
    const facts = await caseFacts(tx, row, today())
    const people = await casePeople(tx, authorityId, caseId)
    const scores = await tx
      .select()
      .from(scalingScore)
      .where(and(eq(scalingScore.authorityId, authorityId), eq(scalingScore.caseId, caseId)))
      .orderBy(asc(scalingScore.askedOn), asc(scalingScore.recordedAt))
    const readings = await tx
      .select()
      .from(measureRecord)
      .where(and(eq(measureRecord.authorityId, authorityId), eq(measureRecord.caseId, caseId)))
      .orderBy(asc(measureRecord.recordedOn), asc(measureRecord.recordedAt))
    const names = await casework.userNames(tx, authorityId, [
      ...scores.map((s) => s.recordedBy),
      ...readings.map((r) => r.recordedBy),
    ])
    const who = (id: string) => ({ id, name: names.get(id) ?? 'Unknown user' })

    const goalProgress = goals.map((goal): GoalProgress => {
      const own: ScoreView[] = scores
        .filter((s) => s.goalId === goal.id)
        .map((s) => ({
          id: s.id,
          askedOn: s.askedOn,
          occasion: s.occasion as ScalingOccasion,
          reviewId: s.reviewId,
          familyScore: s.familyScore,
          workerScore: s.workerScore,
          note: s.note,
          recordedBy: who(s.recordedBy),
        }))
      return {
        goal,
        scores: own,
        family: distanceTravelled(own, 'familyScore'),
        worker: distanceTravelled(own, 'workerScore'),
      }
    })

    const measures = programme.outcomes.measures.map((measure): MeasureProgress => {
      const own = readings
        .filter((r) => r.measureId === measure.id)
        .map(
          (r): ReadingView => ({
            id: r.id,
            personId: r.personId,
            recordedOn: r.recordedOn,
            occasion: r.occasion as MeasureOccasion,
            reviewId: r.reviewId,
            value: r.value as MeasureValue,
            text: describeValue(measure, r.value as MeasureValue),
            figure: describeValue(measure, r.value as MeasureValue, false),
            flags: flagsOf(measure, r.value as MeasureValue),
            recordedBy: who(r.recordedBy),
          }),
        )
      const subject = subjectOf(measure)
      const readFor = peopleFor(measure, people)
      // Anyone read before who is no longer among those it is read for keeps their row.
      const earlier = people.filter((p) => !readFor.includes(p) && own.some((r) => r.personId === p.id))
      const rows =
        subject === 'family'
          ? [{ person: null, readings: own }]
          : [...readFor, ...earlier].map((p) => ({ person: p, readings: own.filter((r) => r.personId === p.id) }))
      return { measure, subject, range: rangeOf(measure), rows, count: own.length }
    })

    return {
      closed: facts.closed,
      acceptedOn: facts.acceptedOn,
      goals: goalProgress,
      measures,
      people,
      reviews: facts.reviews,
      source: programme.outcomes.source,
    }
  }

  return {
    /** Every goal's scores with the distance travelled, and every measure's readings over time. */
    async progress(ctx: RequestContext, caseId: string): Promise<ProgressView> {
      return database.withTenant(ctx.actor.authorityId, async (tx) => {
        const view = await read(tx, ctx, caseId)
        await casework.audit(tx, ctx, caseId, 'view', 'progress', caseId, {
          scores: view.goals.reduce((n, g) => n + g.scores.length, 0),
          readings: view.measures.reduce((n, m) => n + m.count, 0),
        })
        return view
      })
    },

    /** How far each goal has come, and each measure's latest reading per person, for the overview and closure pages. */
    async summary(ctx: RequestContext, caseId: string): Promise<ProgressSummary> {
      return database.withTenant(ctx.actor.authorityId, async (tx) => {
        const view = await read(tx, ctx, caseId)
        return {
          goals: view.goals.map((g) => ({
            goalId: g.goal.id,
            outcome: g.goal.outcome,
            first: g.family.first,
            latest: g.family.latest,
            change: g.family.change,
            words: g.family.words,
          })),
          measures: view.measures.map((m) => ({
            measureId: m.measure.id,
            name: m.measure.name,
            latest: m.rows.flatMap((r) => {
              const last = r.readings.at(-1)
              if (!last) return []
              return [
                {
                  personId: r.person?.id ?? null,
                  name: r.person?.name ?? null,
                  recordedOn: last.recordedOn,
                  occasion: last.occasion,
                  text: last.text,
                  flags: last.flags,
                },
              ]
            }),
          })),
        }
      })
    },

    /** Records the family's and the worker's scores for the goals scored, in one transaction. */
    async recordScaling(ctx: RequestContext, caseId: string, input: ScalingInput): Promise<{ ids: string[] }> {
      return database.withTenant(ctx.actor.authorityId, (tx) => recordScalingIn(tx, ctx, caseId, input))
    },

    /** For a review (or closure) service: `recordScaling` inside its own transaction. */
    recordScalingIn,

    /** Records one reading of a programme measure for each person given (or the family), in one transaction. */
    async recordMeasure(ctx: RequestContext, caseId: string, input: MeasureInput): Promise<{ ids: string[] }> {
      mayWork(ctx)
      return database.withTenant(ctx.actor.authorityId, async (tx) => {
        const row = await casework.load(tx, ctx, caseId)
        const programme = casework.programmeOf(row)
        const facts = await caseFacts(tx, row, today())
        const people = await casePeople(tx, row.authorityId, caseId)
        const data = valid(checkMeasureRecord(programme, input, people, facts))
        const ids: string[] = []
        const recordedAt = clock()
        for (const reading of data.readings) {
          const id = randomUUID()
          ids.push(id)
          await tx.insert(measureRecord).values({
            authorityId: row.authorityId,
            caseId,
            id,
            measureId: data.measure.id,
            personId: reading.personId,
            occasion: data.occasion,
            recordedOn: data.recordedOn,
            reviewId: data.reviewId,
            value: reading.value,
            recordedBy: recorder(ctx),
            recordedAt,
          })
          await casework.audit(tx, ctx, caseId, 'create', 'measure-record', id, {
            measureId: data.measure.id,
            personId: reading.personId,
            occasion: data.occasion,
          })
        }
        return { ids }
      })
    },

    isoToday: today,
  }
}

export type ProgressService = ReturnType<typeof createProgressService>
