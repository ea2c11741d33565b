import type { Deadline } from './deadlines.ts'
import { formatIsoDate, type IsoDate, isIsoDate } from './isoDate.ts'
import { type CaseStage, transition } from './lifecycle.ts'
import type { Programme } from './programme/schema.ts'
import {
  type CaseEventType,
  CONTACT_FREQUENCIES,
  type ContactFrequency,
  PARTICIPANTS,
  type Participant,
} from './programme/vocabulary.ts'

/**
 * Reviews of the work with a family: which scheduled review is next, who had to be there, how
 * each goal is going, and what was decided. The decisions a review may take follow from the
 * programme and the stage of the case: a further cycle needs a programme that offers one, a
 * change of pathway a programme with pathways a worker chooses (not STARS, whose pathway the
 * pre-birth assessment sets), a step-down a programme with a step-down phase.
 */

export const REVIEW_DECISIONS = {
  continue: 'Continue the support as planned',
  extend: 'Extend with a further cycle of support',
  'change-pathway': 'Change pathway',
  'step-down': 'Start the step-down',
  close: 'Close the case',
} as const
export type ReviewDecision = keyof typeof REVIEW_DECISIONS

export function isReviewDecision(value: string): value is ReviewDecision {
  return Object.hasOwn(REVIEW_DECISIONS, value)
}

/** How a goal is going since the last review: the practice's "better, same, worse". */
export const PROGRESS_DIRECTIONS = { better: 'Better', same: 'The same', worse: 'Worse' } as const
export type ProgressDirection = keyof typeof PROGRESS_DIRECTIONS

/** Who can be ticked as attending a review. */
export const REVIEW_PARTICIPANTS = Object.keys(PARTICIPANTS) as Participant[]

export const SCALING_MIN = 0
export const SCALING_MAX = 10

export type Problems = Record<string, string>

// ── The schedule ────────────────────────────────────────────────────────────────────────────

export interface ReviewCycle {
  /** 1 for the first cycle, then 2, 3… */
  number: number
  startedBy: CaseEventType | 'child-seen' | 'referral-sent'
  startedAt: Date
  reviews: Deadline[]
}

/** The case's scheduled reviews, one cycle for each time the schedule started, oldest first. */
export function reviewCycles(deadlines: readonly Deadline[]): ReviewCycle[] {
  const cycles = new Map<number, ReviewCycle>()
  for (const d of deadlines.filter((x) => x.kind === 'review')) {
    const key = d.anchor.at.getTime()
    let cycle = cycles.get(key)
    if (!cycle) {
      cycle = { number: 0, startedBy: d.anchor.type, startedAt: d.anchor.at, reviews: [] }
      cycles.set(key, cycle)
    }
    cycle.reviews.push(d)
  }
  const list = [...cycles.values()].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())
  list.forEach((cycle, index) => {
    cycle.number = index + 1
    cycle.reviews.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
  })
  return list
}

/** The cycle a review held at `at` belongs to: the latest one started by then. */
export function cycleAt(cycles: readonly ReviewCycle[], at: Date): ReviewCycle | undefined {
  return cycles.filter((c) => c.startedAt.getTime() <= at.getTime()).at(-1)
}

/**
 * The scheduled review a review held at `at` would be: reviews meet the schedule in order, so
 * it is the earliest one of its cycle not yet met. `heldAfter` is when the last one met was held
 * (a scheduled review cannot be dated before it).
 */
export function nextScheduledReview(
  deadlines: readonly Deadline[],
  at: Date,
): { review: Deadline; heldAfter?: Date } | undefined {
  const cycle = cycleAt(reviewCycles(deadlines), at)
  if (!cycle) return undefined
  const review = cycle.reviews.find((r) => !r.metAt)
  if (!review) return undefined
  const heldAfter = cycle.reviews
    .filter((r) => r.metAt)
    .map((r) => r.metAt as Date)
    .at(-1)
  return heldAfter ? { review, heldAfter } : { review }
}

/** "Week 6 review" for `review-week-6`. */
export function scheduledReviewName(id: string): string {
  const week = /^review-week-(\d+)$/.exec(id)?.[1]
  return week ? `Week ${week} review` : id
}

/** The required attendees not ticked as attending. */
export function missingAttendees(required: readonly Participant[], present: readonly Participant[]): Participant[] {
  return required.filter((p) => !present.includes(p))
}

/** "The allocated social worker and the lead professional", for a sentence. */
export function participantList(list: readonly Participant[]): string {
  const names = list.map((p) => PARTICIPANTS[p].toLowerCase().replace(/^the /, ''))
  const joined = names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
  return joined ? `the ${joined}` : ''
}

// ── Decisions ───────────────────────────────────────────────────────────────────────────────

export type DecisionOption = { ok: true } | { ok: false; reason: string }

/** Whether the programme's pathway is chosen by the pre-birth assessment's outcome (STARS). */
export function pathwaySetByPreBirthOutcome(programme: Programme): boolean {
  return programme.pathwayChosenAt?.event === 'pre-birth-assessment-completed'
}

/**
 * Each decision, and whether a review of a case at `stage` may take it; a reason when not.
 * `extensions` is how many further cycles the case has had.
 */
export function decisionOptions(
  programme: Programme,
  stage: CaseStage,
  extensions: number,
): Record<ReviewDecision, DecisionOption> {
  if (stage === 'closed') {
    const closed = { ok: false, reason: 'The case is closed.' } as const
    return { continue: closed, extend: closed, 'change-pathway': closed, 'step-down': closed, close: closed }
  }
  const asOption = (t: ReturnType<typeof transition>): DecisionOption => (t.ok ? { ok: true } : t)
  let extend: DecisionOption
  if (!programme.extension) extend = { ok: false, reason: `${programme.name} does not offer a further cycle.` }
  else {
    extend = asOption(transition(programme, stage, 'further-cycle-started'))
    const maximum = programme.extension.maximum
    if (extend.ok && maximum !== undefined && extensions >= maximum) {
      extend = {
        ok: false,
        reason: `${programme.name} offers at most ${maximum} further ${maximum === 1 ? 'cycle' : 'cycles'}.`,
      }
    }
  }
  let changePathway: DecisionOption = { ok: true }
  if (programme.pathways.length < 2) {
    changePathway = { ok: false, reason: `${programme.name} has no pathways to choose between.` }
  } else if (pathwaySetByPreBirthOutcome(programme)) {
    changePathway = {
      ok: false,
      reason: `The outcome of the pre-birth assessment sets the pathway in ${programme.name}.`,
    }
  }
  return {
    continue: { ok: true },
    extend,
    'change-pathway': changePathway,
    'step-down': asOption(transition(programme, stage, 'step-down-started')),
    close: { ok: true },
  }
}

export interface FrequencyStep {
  from: IsoDate
  frequency: ContactFrequency
}

const FREQUENCY_ORDER = Object.keys(CONTACT_FREQUENCIES) as ContactFrequency[]

export function isContactFrequency(value: string): value is ContactFrequency {
  return Object.hasOwn(CONTACT_FREQUENCIES, value)
}

/**
 * A step-down's planned contact: at least one step, the first not before the review, each
 * later than the one before and less frequent than it (support reduces gradually).
 * Problems are keyed `frequencies.<n>.from` and `frequencies.<n>.frequency`, counting from 1.
 */
export function checkFrequencies(steps: readonly { from: string; frequency: string }[], heldOn: IsoDate): Problems {
  const problems: Problems = {}
  if (steps.length === 0) {
    problems.frequencies = 'Plan how often the family will be seen during the step-down: at least one step'
    return problems
  }
  steps.forEach((step, index) => {
    const n = index + 1
    const previous = steps[index - 1]
    if (!isIsoDate(step.from)) problems[`frequencies.${n}.from`] = `Enter the date step ${n} starts`
    else if (index === 0 && step.from < heldOn) {
      problems[`frequencies.${n}.from`] = `Step 1 must start on or after the review, ${formatIsoDate(heldOn)}`
    } else if (previous && isIsoDate(previous.from) && step.from <= previous.from) {
      problems[`frequencies.${n}.from`] = `Step ${n} must start after step ${index}`
    }
    if (!isContactFrequency(step.frequency)) {
      problems[`frequencies.${n}.frequency`] = `Choose how often the family will be seen in step ${n}`
    } else if (previous && isContactFrequency(previous.frequency)) {
      if (FREQUENCY_ORDER.indexOf(step.frequency) <= FREQUENCY_ORDER.indexOf(previous.frequency)) {
        problems[`frequencies.${n}.frequency`] =
          `Step ${n} must plan contact less often than step ${index} (${CONTACT_FREQUENCIES[previous.frequency].toLowerCase()}): a step-down reduces support gradually`
      }
    }
  })
  return problems
}

export interface DecisionInput {
  decision: ReviewDecision
  requestedBy?: string | null
  pathway?: string | null
  pathwayReason?: string | null
  frequencies?: { from: string; frequency: string }[] | null
}

/** The details a decision needs: { requestedBy } to extend, { pathway, reason } to change pathway, { frequencies } to step down. */
export type DecisionDetails =
  | Record<string, never>
  | { requestedBy: Participant }
  | { pathway: string; reason: string }
  | { frequencies: FrequencyStep[] }

/**
 * Whether a review may take the decision on this case, and the details it needs, checked.
 * Details given for another decision are ignored.
 */
export function checkDecision(
  programme: Programme,
  stage: CaseStage,
  currentPathway: string | null,
  extensions: number,
  heldOn: IsoDate,
  input: DecisionInput,
): { ok: true; details: DecisionDetails } | { ok: false; problems: Problems } {
  const option = decisionOptions(programme, stage, extensions)[input.decision]
  if (!option.ok) return { ok: false, problems: { decision: option.reason } }
  const problems: Problems = {}
  switch (input.decision) {
    case 'extend': {
      const allowed = programme.extension?.requestedBy ?? []
      const by = input.requestedBy ?? ''
      if (!by) problems.requestedBy = 'Choose who asked for the further cycle'
      else if (!allowed.includes(by as Participant)) {
        problems.requestedBy = `In ${programme.name} a further cycle is asked for by ${participantList(allowed)}`
      }
      if (Object.keys(problems).length > 0) return { ok: false, problems }
      return { ok: true, details: { requestedBy: by as Participant } }
    }
    case 'change-pathway': {
      const pathway = input.pathway ?? ''
      const reason = input.pathwayReason?.trim() ?? ''
      if (!pathway) problems.pathway = 'Choose the new pathway'
      else if (!programme.pathways.some((p) => p.id === pathway)) problems.pathway = 'Choose one of the pathways'
      else if (pathway === currentPathway) problems.pathway = 'Choose a different pathway from the one the family is on'
      if (!reason) problems.pathwayReason = 'Give the reason for changing pathway'
      else if (reason.length > 5000) problems.pathwayReason = 'The reason must be 5000 characters or fewer'
      if (Object.keys(problems).length > 0) return { ok: false, problems }
      return { ok: true, details: { pathway, reason } }
    }
    case 'step-down': {
      const steps = input.frequencies ?? []
      const found = checkFrequencies(steps, heldOn)
      if (Object.keys(found).length > 0) return { ok: false, problems: found }
      return { ok: true, details: { frequencies: steps as FrequencyStep[] } }
    }
    default:
      return { ok: true, details: {} }
  }
}

// ── Progress and scaling per goal ───────────────────────────────────────────────────────────

export interface GoalProgress {
  goalId: string
  direction: ProgressDirection
  evidence: string
}

export interface GoalScaling {
  goalId: string
  family: number | null
  worker: number | null
}

/**
 * Progress per goal: each goal once, one of the case's goals, a direction and the evidence for it.
 * Problems are keyed `progress.<goalId>.direction` and `progress.<goalId>.evidence`.
 */
export function checkProgress(
  entries: readonly { goalId: string; direction?: string | null; evidence?: string | null }[],
  goalIds: readonly string[],
): { ok: true; progress: GoalProgress[] } | { ok: false; problems: Problems } {
  const problems: Problems = {}
  const progress: GoalProgress[] = []
  const seen = new Set<string>()
  for (const entry of entries) {
    const key = `progress.${entry.goalId}`
    if (!goalIds.includes(entry.goalId)) {
      problems[key] = "Progress can only be given for the goals of the family's current plan"
      continue
    }
    if (seen.has(entry.goalId)) {
      problems[key] = 'Give progress for each goal once'
      continue
    }
    seen.add(entry.goalId)
    const direction = entry.direction ?? ''
    const evidence = entry.evidence?.trim() ?? ''
    if (!direction && !evidence) continue
    if (!Object.hasOwn(PROGRESS_DIRECTIONS, direction)) {
      problems[`${key}.direction`] = 'Choose whether things are better, the same or worse'
    }
    if (!evidence) problems[`${key}.evidence`] = 'Say what shows how this goal is going'
    else if (evidence.length > 5000) problems[`${key}.evidence`] = 'The evidence must be 5000 characters or fewer'
    if (Object.hasOwn(PROGRESS_DIRECTIONS, direction) && evidence && evidence.length <= 5000) {
      progress.push({ goalId: entry.goalId, direction: direction as ProgressDirection, evidence })
    }
  }
  if (Object.keys(problems).length > 0) return { ok: false, problems }
  return { ok: true, progress }
}

const isScore = (n: unknown): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= SCALING_MIN && n <= SCALING_MAX

/**
 * Scaling scores per goal, asked of the family and the worker: whole numbers 0 to 10, at least
 * one of the two. Problems are keyed `scaling.<goalId>.family` and `scaling.<goalId>.worker`.
 */
export function checkScaling(
  entries: readonly { goalId: string; family?: number | null; worker?: number | null }[],
  goalIds: readonly string[],
): { ok: true; scaling: GoalScaling[] } | { ok: false; problems: Problems } {
  const problems: Problems = {}
  const scaling: GoalScaling[] = []
  const seen = new Set<string>()
  for (const entry of entries) {
    const key = `scaling.${entry.goalId}`
    if (!goalIds.includes(entry.goalId)) {
      problems[key] = "Scores can only be given for the goals of the family's current plan"
      continue
    }
    if (seen.has(entry.goalId)) {
      problems[key] = 'Give the scores for each goal once'
      continue
    }
    seen.add(entry.goalId)
    const family = entry.family ?? null
    const worker = entry.worker ?? null
    if (family === null && worker === null) {
      problems[`${key}.family`] = "Give the family's score, the worker's, or both"
      continue
    }
    const range = `must be a whole number from ${SCALING_MIN} to ${SCALING_MAX}`
    if (family !== null && !isScore(family)) problems[`${key}.family`] = `The family's score ${range}`
    if (worker !== null && !isScore(worker)) problems[`${key}.worker`] = `The worker's score ${range}`
    if ((family === null || isScore(family)) && (worker === null || isScore(worker))) {
      scaling.push({ goalId: entry.goalId, family, worker })
    }
  }
  if (Object.keys(problems).length > 0) return { ok: false, problems }
  return { ok: true, scaling }
}
