import { type IsoDate, isIsoDate } from './isoDate.ts'
import type { Measure, Programme } from './programme/schema.ts'
import { DEFAULT_MEASURE_SUBJECT, type MeasureSubject } from './programme/vocabulary.ts'

/**
 * Measuring change: solution-focused scaling questions per plan goal (0 is the worst things have
 * been, 10 the preferred future), and the programme's own measures — school attendance, work,
 * offending, child in need status, a child living at home, and scores from licensed tools (the
 * score only, never the tool's wording: ../shared/domain/practice.md). Pure rules: what a reading
 * holds, whether it is valid (every problem at once), and what it says.
 */

export const SCALE = { minimum: 0, maximum: 10 } as const

/** When a goal's scaling question was asked. */
export const SCALING_OCCASIONS = {
  start: 'At the start',
  review: 'At a review',
  closure: 'At closure',
  other: 'Another time',
} as const
export type ScalingOccasion = keyof typeof SCALING_OCCASIONS

/** When a measure was read. A follow-up reading is taken after the case has closed. */
export const MEASURE_OCCASIONS = {
  start: 'At the start',
  review: 'At a review',
  closure: 'At closure',
  'follow-up': 'At a follow-up after closure',
} as const
export type MeasureOccasion = keyof typeof MEASURE_OCCASIONS

/**
 * An adult's work, education or training. "Workless" (the Troubled Families outcome Lewisham
 * names) is an adult not in work and not in education or training; education and training count
 * as moving towards work.
 */
export const EMPLOYMENT_STATUSES = {
  'in-work': { name: 'In work', workless: false },
  'education-training': { name: 'In education or training', workless: false },
  'looking-for-work': { name: 'Looking for work', workless: true },
  'not-working-caring': { name: 'Not working: caring for someone', workless: true },
  'not-working-health': { name: 'Not working: health', workless: true },
  'not-working-other': { name: 'Not working: another reason', workless: true },
} as const
export type EmploymentStatus = keyof typeof EMPLOYMENT_STATUSES

/**
 * A child's status with children's social care, lowest to highest: the plans the Children in Need
 * census counts (a child in need plan, a child protection plan, looked after), below them early help.
 */
export const CHILD_IN_NEED_STATUSES = {
  none: 'No plan',
  'early-help': 'Early help',
  'child-in-need-plan': 'Child in need plan',
  'child-protection-plan': 'Child protection plan',
  'looked-after': 'Looked after',
} as const
export type ChildInNeedStatus = keyof typeof CHILD_IN_NEED_STATUSES

export type AttendanceValue = { from: IsoDate; to: IsoDate; possible: number; attended: number }
export type ScoreValue = { score: number }
export type CountValue = { count: number }
export type EmploymentValue = { status: EmploymentStatus }
export type ChildInNeedValue = { status: ChildInNeedStatus }
export type AtHomeValue = { atHome: boolean }
/** What one reading holds, by the measure's kind (stored as measure_record.value). */
export type MeasureValue = AttendanceValue | ScoreValue | CountValue | EmploymentValue | ChildInNeedValue | AtHomeValue

/** Whom a measure is read for: the programme's `per`, or its kind's default. */
export function subjectOf(measure: Measure): MeasureSubject {
  return measure.per ?? DEFAULT_MEASURE_SUBJECT[measure.kind]
}

/** The range of a score or count measure: scaling 0 to 10; a licensed score its own; a count from its minimum up. */
export function rangeOf(measure: Measure): { minimum: number; maximum: number | undefined } | undefined {
  if (measure.kind === 'scaling') return { ...SCALE }
  if (measure.kind === 'licensed-score') return { minimum: measure.minimum ?? 0, maximum: measure.maximum }
  if (measure.kind === 'count') return { minimum: Math.max(0, measure.minimum ?? 0), maximum: measure.maximum }
  return undefined
}

/** A person a measure may be read for: a child (or unborn baby), a parent or carer, or someone else. */
export interface MeasurePerson {
  id: string
  group: 'child' | 'unborn' | 'adult' | 'other'
}

/** The people on the case a measure is read for: none for a family measure. */
export function peopleFor<P extends MeasurePerson>(measure: Measure, people: P[]): P[] {
  const subject = subjectOf(measure)
  if (subject === 'family') return []
  if (subject === 'adult') return people.filter((p) => p.group === 'adult')
  // An unborn baby can be on a child protection plan, but does not go to school or live at home yet.
  return people.filter((p) => p.group === 'child' || (p.group === 'unborn' && measure.kind === 'child-in-need'))
}

export interface Attendance {
  /** Sessions attended as a percentage of sessions possible, to one decimal place. */
  percent: number
  missed: number
  /** Persistently absent: 10% or more of possible sessions missed (DfE). */
  persistent: boolean
  /** Severely absent: 50% or more of possible sessions missed (DfE). */
  severe: boolean
}

/**
 * Attendance from the sessions, with the Department for Education's flags counted on the sessions
 * themselves (not the rounded percentage): persistent absence is missing 10% or more of possible
 * sessions, severe absence 50% or more (../shared/domain/practice.md).
 */
export function attendance(value: Pick<AttendanceValue, 'possible' | 'attended'>): Attendance {
  const { possible, attended } = value
  const missed = possible - attended
  return {
    percent: Math.round((attended * 1000) / possible) / 10,
    missed,
    persistent: missed * 10 >= possible,
    severe: missed * 2 >= possible,
  }
}

export function isWorkless(status: EmploymentStatus): boolean {
  return EMPLOYMENT_STATUSES[status].workless
}

/**
 * A reading in words, for summaries ("80.0% (persistent absence)", "In work", "3"); without the
 * absence flag in words when `flags` is false (a table shows it as a tag beside the figure).
 */
export function describeValue(measure: Measure, value: MeasureValue, flags = true): string {
  switch (measure.kind) {
    case 'school-attendance': {
      const a = attendance(value as AttendanceValue)
      const flag = !flags ? '' : a.severe ? ' (severe absence)' : a.persistent ? ' (persistent absence)' : ''
      return `${a.percent.toFixed(1)}%${flag}`
    }
    case 'education-employment':
      return EMPLOYMENT_STATUSES[(value as EmploymentValue).status]?.name ?? 'Unknown'
    case 'child-in-need':
      return CHILD_IN_NEED_STATUSES[(value as ChildInNeedValue).status] ?? 'Unknown'
    case 'child-at-home':
      return (value as AtHomeValue).atHome ? 'Living at home' : 'Not living at home'
    case 'count':
      return String((value as CountValue).count)
    default: {
      const range = rangeOf(measure)
      return `${(value as ScoreValue).score}${range?.maximum !== undefined ? ` out of ${range.maximum}` : ''}`
    }
  }
}

/** The flags a reading raises, for tags: attendance's absence flags, an adult's worklessness. */
export function flagsOf(measure: Measure, value: MeasureValue): string[] {
  if (measure.kind === 'school-attendance') {
    const a = attendance(value as AttendanceValue)
    return a.severe ? ['severe-absence', 'persistent-absence'] : a.persistent ? ['persistent-absence'] : []
  }
  if (measure.kind === 'education-employment') {
    const status = (value as EmploymentValue).status
    return status in EMPLOYMENT_STATUSES && isWorkless(status) ? ['workless'] : []
  }
  return []
}

export const FLAG_NAMES: Record<string, string> = {
  'persistent-absence': 'Persistent absence',
  'severe-absence': 'Severe absence',
  workless: 'Workless',
}

// ---- checking what is typed or sent ----

export type Checked<T> = { ok: true; data: T } | { ok: false; fields: Record<string, string> }

/** What a reading or score is checked against: today, the day the family was accepted, and the case's own records. */
export interface CaseFacts {
  today: IsoDate
  acceptedOn: IsoDate
  /** The case's reviews, by id, with the day each was held. */
  reviews: { id: string; heldOn: IsoDate }[]
  closed: boolean
}

const NOTE_MAX = 2000

/** A whole number from a number or from text of digits; undefined when blank, NaN when not a whole number. */
export function wholeNumber(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number.NaN
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value)
  return Number.NaN
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined
}

/** The day something happened on the case: a real date, not in the future, not before the family was accepted. */
function checkDay(value: unknown, what: string, facts: CaseFacts): { day?: IsoDate; problem?: string } {
  if (value === undefined || value === null || value === '') return { problem: `Enter ${what}` }
  if (typeof value !== 'string' || !isIsoDate(value)) {
    return { problem: `${capital(what)} must be a real date, written YYYY-MM-DD` }
  }
  if (value > facts.today) return { problem: `${capital(what)} must be today or in the past` }
  if (value < facts.acceptedOn)
    return { problem: `${capital(what)} must be on or after the day the family was accepted` }
  return { day: value }
}

const capital = (s: string) => `${s[0]?.toUpperCase()}${s.slice(1)}`

/** The occasion and the review it names, if any: a review's scores name a review of this case, held on or before the day. */
function checkOccasion(
  raw: Record<string, unknown>,
  occasions: Record<string, string>,
  day: IsoDate | undefined,
  facts: CaseFacts,
  fields: Record<string, string>,
): { occasion?: string; reviewId: string | null } {
  const occasion = typeof raw.occasion === 'string' && Object.hasOwn(occasions, raw.occasion) ? raw.occasion : undefined
  if (!occasion) fields.occasion = 'Select when this was recorded'
  const reviewId = text(raw.reviewId) ?? null
  if (reviewId) {
    const review = facts.reviews.find((r) => r.id === reviewId)
    if (occasion && occasion !== 'review')
      fields.reviewId = 'A review can only be named for scores recorded at a review'
    else if (!review) fields.reviewId = 'The review named is not one of this case’s reviews'
    else if (day && review.heldOn > day) fields.reviewId = 'The review named was held after this date'
  }
  return { ...(occasion ? { occasion } : {}), reviewId }
}

// Scaling questions

export interface GoalScoreInput {
  goalId?: unknown
  familyScore?: unknown
  workerScore?: unknown
  note?: unknown
}

export interface ScalingInput {
  askedOn?: unknown
  occasion?: unknown
  reviewId?: unknown
  scores?: GoalScoreInput[] | unknown
}

export interface GoalScore {
  goalId: string
  familyScore: number | null
  workerScore: number | null
  note: string | null
}

export interface ScalingData {
  askedOn: IsoDate
  occasion: ScalingOccasion
  reviewId: string | null
  scores: GoalScore[]
}

function checkScore(value: unknown, who: string, range: { minimum: number; maximum?: number | undefined }) {
  const n = wholeNumber(value)
  if (n === undefined) return { value: null }
  const span = range.maximum === undefined ? `${range.minimum} or more` : `from ${range.minimum} to ${range.maximum}`
  if (Number.isNaN(n) || n < range.minimum || (range.maximum !== undefined && n > range.maximum)) {
    return { value: null, problem: `${capital(who)} must be a whole number ${span}` }
  }
  return { value: n }
}

/**
 * Every problem with a set of scaling scores at once. Each goal scored must be one of the plan's
 * current goals, scored once, with the family's score, the worker's or both, each a whole number
 * from 0 to 10. Problems are keyed `scores.<index>.<field>`.
 */
export function checkScaling(input: unknown, goals: string[], facts: CaseFacts): Checked<ScalingData> {
  const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>
  const fields: Record<string, string> = {}
  if (facts.closed) fields.form = 'The case is closed: scaling scores can no longer be recorded'
  const { day, problem } = checkDay(raw.askedOn, 'the date the scores were given', facts)
  if (problem) fields.askedOn = problem
  const { occasion, reviewId } = checkOccasion(raw, SCALING_OCCASIONS, day, facts, fields)

  const list = Array.isArray(raw.scores) ? (raw.scores as unknown[]) : []
  if (goals.length === 0) fields.scores ??= 'The family’s plan has no goals yet: add goals to the plan first'
  else if (list.length === 0) fields.scores ??= 'Give a score for at least one goal'
  const scores: GoalScore[] = []
  const seen = new Set<string>()
  list.forEach((entry, i) => {
    const e = (entry && typeof entry === 'object' ? entry : {}) as Record<string, unknown>
    const at = (field: string) => `scores.${i}.${field}`
    const goalId = text(e.goalId)
    if (!goalId || !goals.includes(goalId)) fields[at('goalId')] = 'Choose a goal from the family’s current plan'
    else if (seen.has(goalId)) fields[at('goalId')] = 'Each goal can be scored once at a time'
    if (goalId) seen.add(goalId)
    const family = checkScore(e.familyScore, 'the family’s score', SCALE)
    const worker = checkScore(e.workerScore, 'the worker’s score', SCALE)
    if (family.problem) fields[at('familyScore')] = family.problem
    if (worker.problem) fields[at('workerScore')] = worker.problem
    const blank = wholeNumber(e.familyScore) === undefined && wholeNumber(e.workerScore) === undefined
    if (blank) fields[at('familyScore')] = 'Enter the family’s score, the worker’s score or both'
    const note = typeof e.note === 'string' ? e.note.trim() : ''
    if (note.length > NOTE_MAX) fields[at('note')] = `The note must be ${NOTE_MAX} characters or fewer`
    if (goalId) scores.push({ goalId, familyScore: family.value, workerScore: worker.value, note: note || null })
  })
  if (Object.keys(fields).length > 0 || !day || !occasion) return { ok: false, fields }
  return { ok: true, data: { askedOn: day, occasion: occasion as ScalingOccasion, reviewId, scores } }
}

// The programme's measures

export interface ReadingInput {
  personId?: unknown
  value?: unknown
}

export interface Reading {
  personId: string | null
  value: MeasureValue
}

export interface MeasureData {
  measure: Measure
  occasion: MeasureOccasion
  recordedOn: IsoDate
  reviewId: string | null
  readings: Reading[]
}

/**
 * One reading's value, checked against its measure's kind; problems keyed by the value's field.
 * The value built holds only what the kind needs: anything else sent along (a licensed tool's
 * item answers, say) is never kept.
 */
export function checkValue(
  measure: Measure,
  value: unknown,
  facts: Pick<CaseFacts, 'today'>,
): { value?: MeasureValue; problems: Record<string, string> } {
  const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>
  const problems: Record<string, string> = {}
  switch (measure.kind) {
    case 'school-attendance': {
      const from = typeof v.from === 'string' && isIsoDate(v.from) ? v.from : undefined
      const to = typeof v.to === 'string' && isIsoDate(v.to) ? v.to : undefined
      if (!from)
        problems.from = v.from ? 'The start of the period must be a real date' : 'Enter the start of the period'
      if (!to) problems.to = v.to ? 'The end of the period must be a real date' : 'Enter the end of the period'
      if (to && to > facts.today) problems.to = 'The end of the period must be today or in the past'
      if (from && to && from > to) problems.to = 'The end of the period must be on or after its start'
      const possible = wholeNumber(v.possible)
      const attended = wholeNumber(v.attended)
      if (possible === undefined) problems.possible = 'Enter the number of possible sessions'
      else if (Number.isNaN(possible) || possible < 1)
        problems.possible = 'Possible sessions must be a whole number, 1 or more'
      if (attended === undefined) problems.attended = 'Enter the number of sessions attended'
      else if (Number.isNaN(attended) || attended < 0)
        problems.attended = 'Sessions attended must be a whole number, 0 or more'
      else if (possible !== undefined && !Number.isNaN(possible) && attended > possible) {
        problems.attended = 'Sessions attended cannot be more than the possible sessions'
      }
      if (Object.keys(problems).length > 0) return { problems }
      return {
        value: { from: from as IsoDate, to: to as IsoDate, possible: possible as number, attended: attended as number },
        problems,
      }
    }
    case 'education-employment': {
      const status = v.status
      if (typeof status !== 'string' || !Object.hasOwn(EMPLOYMENT_STATUSES, status)) {
        return { problems: { status: 'Select their work, education or training' } }
      }
      return { value: { status: status as EmploymentStatus }, problems }
    }
    case 'child-in-need': {
      const status = v.status
      if (typeof status !== 'string' || !Object.hasOwn(CHILD_IN_NEED_STATUSES, status)) {
        return { problems: { status: 'Select the child’s status' } }
      }
      return { value: { status: status as ChildInNeedStatus }, problems }
    }
    case 'child-at-home': {
      const atHome =
        v.atHome === true || v.atHome === 'yes' ? true : v.atHome === false || v.atHome === 'no' ? false : undefined
      if (atHome === undefined) return { problems: { atHome: 'Select whether the child is living at home' } }
      return { value: { atHome }, problems }
    }
    case 'count': {
      const range = rangeOf(measure) as { minimum: number; maximum?: number }
      const n = checkScore(v.count, 'the count', range)
      if (wholeNumber(v.count) === undefined) return { problems: { count: 'Enter the count' } }
      if (n.problem) return { problems: { count: n.problem } }
      return { value: { count: n.value as number }, problems }
    }
    default: {
      const range = rangeOf(measure) as { minimum: number; maximum?: number }
      const n = checkScore(v.score, 'the score', range)
      if (wholeNumber(v.score) === undefined) return { problems: { score: 'Enter the score' } }
      if (n.problem) return { problems: { score: n.problem } }
      return { value: { score: n.value as number }, problems }
    }
  }
}

/** The programme's measure with this id. */
export function findMeasure(programme: Programme, measureId: unknown): Measure | undefined {
  return typeof measureId === 'string' ? programme.outcomes.measures.find((m) => m.id === measureId) : undefined
}

/**
 * Every problem with a measure's readings at once. The measure must be the programme's; each
 * reading is for a person the measure is read for (a child, a parent or carer) on the case, once,
 * or for the whole family; the date is not in the future nor before the family was accepted; a
 * follow-up reading comes after closure, and only follow-up readings do. Problems on a reading are
 * keyed `readings.<index>.<field>`.
 */
export function checkMeasureRecord(
  programme: Programme,
  input: unknown,
  people: MeasurePerson[],
  facts: CaseFacts,
): Checked<MeasureData> {
  const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>
  const fields: Record<string, string> = {}
  const measure = findMeasure(programme, raw.measureId)
  if (!measure) fields.measureId = 'Choose one of the service’s measures'
  const { day, problem } = checkDay(raw.recordedOn, 'the date of the reading', facts)
  if (problem) fields.recordedOn = problem
  const { occasion, reviewId } = checkOccasion(raw, MEASURE_OCCASIONS, day, facts, fields)
  if (occasion === 'follow-up' && !facts.closed)
    fields.occasion = 'A follow-up reading is recorded after the case has closed'
  if (occasion && occasion !== 'follow-up' && facts.closed) {
    fields.occasion = 'The case is closed: only follow-up readings can be recorded now'
  }

  const list = Array.isArray(raw.readings) ? (raw.readings as unknown[]) : []
  if (list.length === 0) fields.readings = 'Enter at least one reading'
  const readings: Reading[] = []
  if (measure) {
    const allowed = peopleFor(measure, people).map((p) => p.id)
    const family = subjectOf(measure) === 'family'
    const seen = new Set<string | null>()
    list.forEach((entry, i) => {
      const e = (entry && typeof entry === 'object' ? entry : {}) as Record<string, unknown>
      const at = (field: string) => `readings.${i}.${field}`
      const personId = text(e.personId) ?? null
      if (family && personId) fields[at('personId')] = 'This measure is for the whole family, not one person'
      else if (!family && !personId) fields[at('personId')] = `Choose the ${subjectOf(measure)} this reading is for`
      else if (!family && personId && !allowed.includes(personId)) {
        fields[at('personId')] =
          subjectOf(measure) === 'adult' ? 'Choose a parent or carer on this case' : 'Choose a child on this case'
      } else if (seen.has(personId)) fields[at('personId')] = 'Each person can have one reading at a time'
      seen.add(personId)
      const checked = checkValue(measure, e.value, facts)
      for (const [field, message] of Object.entries(checked.problems)) fields[at(field)] = message
      if (checked.value) readings.push({ personId, value: checked.value })
    })
  }
  if (Object.keys(fields).length > 0 || !measure || !day || !occasion) return { ok: false, fields }
  return {
    ok: true,
    data: { measure, occasion: occasion as MeasureOccasion, recordedOn: day, reviewId, readings },
  }
}

// Distance travelled

export interface ScoreOnDay {
  askedOn: IsoDate
  familyScore: number | null
  workerScore: number | null
}

export interface Distance {
  first: { on: IsoDate; score: number } | null
  latest: { on: IsoDate; score: number } | null
  /** Latest minus first; null until there are two scores. */
  change: number | null
  /** "up 3 points", "down 1 point", "no change", or what is still missing. */
  words: string
}

/** "up 3 points", "down 1 point", "no change". */
export function changeInWords(change: number): string {
  if (change === 0) return 'no change'
  const points = Math.abs(change) === 1 ? 'point' : 'points'
  return `${change > 0 ? 'up' : 'down'} ${Math.abs(change)} ${points}`
}

/** How far one side's score has moved, from its first to its latest, given the scores oldest first. */
export function distanceTravelled(scores: ScoreOnDay[], side: 'familyScore' | 'workerScore' = 'familyScore'): Distance {
  const given = scores.filter((s) => s[side] !== null)
  const first = given[0]
  const latest = given.at(-1)
  if (!first || !latest) return { first: null, latest: null, change: null, words: 'not scored yet' }
  const f = { on: first.askedOn, score: first[side] as number }
  const l = { on: latest.askedOn, score: latest[side] as number }
  if (given.length < 2) return { first: f, latest: l, change: null, words: 'scored once so far' }
  const change = l.score - f.score
  return { first: f, latest: l, change, words: changeInWords(change) }
}
