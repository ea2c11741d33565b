import { addDays, addMonths, formatIsoDate, type IsoDate, isIsoDate } from './isoDate.ts'
import type { Programme } from './programme/schema.ts'
import {
  type CaseEventType,
  COMMON_DESTINATIONS,
  EPISODE_END_REASONS,
  HEADLINE_OUTCOMES,
  PARTICIPANTS,
  type Participant,
} from './programme/vocabulary.ts'

/**
 * Closing a case and checking on the family after it. The worker proposes the closure: the
 * day, the reason and where the family goes next (the programme's destinations, then the ones
 * every programme has), the outcome for each Supporting Families headline need, whether each
 * child is living at home, and the programme's closure steps. A manager signs it off; that
 * closes the case and schedules the follow-up checks at 3, 6 and 12 months.
 *
 * Problems are keyed by the names the closure form uses, so a page and the API say the same:
 * `closedOn`, `reason`, `destinationId`, `outcome-5` (its result) and `outcome-5-evidence`,
 * `child-<personId>`, `step-<stepId>`, `step-<stepId>-doneOn`, `step-<stepId>-note`, and
 * `sent-<participant>` (when a report reached them).
 */

export const TEXT_MAX = 5000

/**
 * The result for a headline need at closure. Supporting Families counts a need as turned round
 * when it shows "a positive outcome that is sustained for at least 6 months after closure"
 * (../shared/domain/codes-and-standards.md): improved and sustained are the positive results.
 */
export const OUTCOME_RESULTS = {
  improved: 'Improved',
  sustained: 'Sustained: a positive change that has lasted',
  'no-change': 'No change',
  worse: 'Worse',
} as const
export type OutcomeResult = keyof typeof OUTCOME_RESULTS
export const POSITIVE_RESULTS: readonly OutcomeResult[] = ['improved', 'sustained']

export const isOutcomeResult = (value: unknown): value is OutcomeResult =>
  typeof value === 'string' && Object.hasOwn(OUTCOME_RESULTS, value)

/** The follow-up checks after closure, in months. */
export const FOLLOW_UP_MONTHS = [3, 6, 12] as const

/** A follow-up can be recorded from this many days before it is due (when it shows as due soon). */
export const FOLLOW_UP_EARLY_DAYS = 14

/**
 * Events that say a report was sent: a closure step that records one is a report, and the people
 * its `with` names are its recipients, each with the day it reached them (Staying Together: "The
 * family and the social worker will receive a copy the report").
 */
export const REPORT_EVENTS: readonly CaseEventType[] = ['intervention-report-sent']

export type ClosureStatus = 'proposed' | 'signed-off'

export interface Destination {
  id: string
  name: string
  source?: string
  reportsAs: keyof typeof EPISODE_END_REASONS
  /** One every programme has (withdrew consent, moved away), not the programme's own. */
  common: boolean
}

/** Where a family can go on closing: the programme's destinations first, then the common ones. */
export function closureDestinations(programme: Programme): Destination[] {
  return [
    ...programme.closure.destinations.map((d) => ({
      id: d.id,
      name: d.name,
      source: d.source,
      reportsAs: d.reportsAs,
      common: false,
    })),
    ...Object.entries(COMMON_DESTINATIONS).map(([id, d]) => ({
      id,
      name: d.name,
      reportsAs: d.reportsAs,
      common: true,
    })),
  ]
}

export interface ClosureStepRule {
  id: string
  name: string
  source: string
  interpretation?: string | undefined
  with: Participant[]
  event?: CaseEventType | undefined
  /** A report's recipients: the step is done when every one of them has a day it was sent. */
  recipients: Participant[]
}

/** The programme's closure steps, with who receives a report where the step is one. */
export function closureSteps(programme: Programme): ClosureStepRule[] {
  return programme.closure.steps.map((s) => ({
    id: s.id,
    name: s.name,
    source: s.source,
    interpretation: s.interpretation,
    with: s.with,
    event: s.event,
    recipients: s.event && REPORT_EVENTS.includes(s.event) ? s.with : [],
  }))
}

/**
 * The headline needs to record an outcome for: those the family's latest completed assessment
 * identified, then any its plan's goals work towards. When none are recorded, the programme's
 * headline outcomes, for the worker to choose from (`identified` false).
 */
export function headlineNeeds(
  programme: Programme,
  assessed: readonly number[],
  goals: readonly (number | null)[],
): { headlines: number[]; identified: boolean } {
  const known = [...assessed, ...goals].filter(
    (n): n is number => typeof n === 'number' && Object.hasOwn(HEADLINE_OUTCOMES, n),
  )
  const unique = [...new Set(known)]
  if (unique.length > 0) return { headlines: unique, identified: true }
  return { headlines: [...programme.outcomes.headline], identified: false }
}

export const headlineName = (n: number) => HEADLINE_OUTCOMES[n as keyof typeof HEADLINE_OUTCOMES] ?? `Outcome ${n}`
export const participantName = (p: string) => PARTICIPANTS[p as Participant] ?? p

/** What a closure holds, as a worker or an integrator gives it: dates as YYYY-MM-DD. */
export interface ClosureInput {
  closedOn?: string | null
  reason?: string | null
  destinationId?: string | null
  outcomes?: { headline: number; result?: string | null; evidence?: string | null }[]
  children?: { personId: string; livingAtHome?: boolean | null }[]
  steps?: { stepId: string; done?: boolean | null; doneOn?: string | null; note?: string | null }[]
  recipients?: { participant: string; sentOn?: string | null }[]
}

export interface ClosureOutcome {
  headline: number
  result: OutcomeResult
  evidence: string
}
export interface ChildAtHome {
  personId: string
  /** Null for a baby not yet born. */
  livingAtHome: boolean | null
}
export interface StepDone {
  stepId: string
  done: boolean
  doneOn: IsoDate | null
  note: string | null
}
export interface RecipientSent {
  participant: Participant
  sentOn: IsoDate | null
}

export interface ClosureData {
  closedOn: IsoDate
  reason: string
  destinationId: string
  outcomes: ClosureOutcome[]
  children: ChildAtHome[]
  steps: StepDone[]
  recipients: RecipientSent[]
}

export interface ClosureRules {
  programme: Programme
  today: IsoDate
  /** The day the family was accepted: nothing on the case is earlier. */
  openedOn: IsoDate
  /** The last move of the case (support started, the step-down): closure cannot come before it. */
  lastMove: { on: IsoDate; what: string }
  children: { personId: string; unborn: boolean }[]
  needs: { headlines: number[]; identified: boolean }
}

export type Checked<T> = { ok: true; data: T } | { ok: false; fields: Record<string, string> }

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '')

/** A day that must be real, and not in the future; `label` starts the messages ("The closing date"). */
function checkDay(value: unknown, label: string, today: IsoDate): { on?: IsoDate; problem?: string } {
  const on = text(value)
  if (!on) return {}
  if (!isIsoDate(on)) return { problem: `${label} must be a real date` }
  if (on > today) return { problem: `${label} must be today or in the past` }
  return { on }
}

function checkText(value: unknown, label: string): { value: string | null; problem?: string } {
  const v = text(value)
  if (v.length > TEXT_MAX) return { value: v, problem: `${label} must be ${TEXT_MAX} characters or fewer` }
  return { value: v || null }
}

/** Whether each child on the case is living at home: every child answered; only a baby not yet born can be null. */
function checkChildren(
  given: { personId: string; livingAtHome?: boolean | null }[] | undefined,
  onCase: { personId: string; unborn: boolean }[],
  question: string,
  problem: (field: string, message: string) => void,
): ChildAtHome[] {
  const answers = new Map((given ?? []).map((c) => [c.personId, c.livingAtHome]))
  for (const child of given ?? []) {
    if (!onCase.some((c) => c.personId === child.personId)) problem('children', 'A child is not on this case')
  }
  const children: ChildAtHome[] = []
  for (const child of onCase) {
    const answer = answers.get(child.personId)
    if (answer === true || answer === false) children.push({ personId: child.personId, livingAtHome: answer })
    else if (child.unborn && answer === null) children.push({ personId: child.personId, livingAtHome: null })
    else {
      problem(
        `child-${child.personId}`,
        child.unborn
          ? 'Say whether the baby is living at home, or has not been born yet'
          : `Say whether the child is ${question}`,
      )
    }
  }
  return children
}

/** Every problem with a proposed closure at once, or the closure to keep (one row per step and recipient). */
export function checkClosure(input: ClosureInput, rules: ClosureRules): Checked<ClosureData> {
  const fields: Record<string, string> = {}
  const problem = (field: string, message: string | undefined) => {
    if (message) fields[field] ??= message
  }

  const closed = checkDay(input.closedOn, 'The closing date', rules.today)
  problem('closedOn', closed.problem)
  if (!text(input.closedOn)) problem('closedOn', 'Enter the closing date')
  if (closed.on && closed.on < rules.lastMove.on) {
    problem(
      'closedOn',
      `The closing date must be on or after ${formatIsoDate(rules.lastMove.on)}, when ${rules.lastMove.what}`,
    )
  }

  const reason = checkText(input.reason, 'The reason for closing')
  problem('reason', reason.problem)
  if (!reason.value) problem('reason', 'Enter the reason for closing')

  const destinationId = text(input.destinationId)
  if (!destinationId) problem('destinationId', 'Choose where the family goes next')
  else if (!closureDestinations(rules.programme).some((d) => d.id === destinationId)) {
    problem('destinationId', `Choose one of the destinations ${rules.programme.name} offers`)
  }

  const outcomes: ClosureOutcome[] = []
  const given = new Map((input.outcomes ?? []).map((o) => [o.headline, o]))
  for (const o of input.outcomes ?? []) {
    if (!rules.needs.headlines.includes(o.headline)) {
      problem('outcomes', `${headlineName(o.headline)} is not one of this family's headline needs`)
    }
  }
  for (const headline of rules.needs.headlines) {
    const o = given.get(headline)
    const result = text(o?.result)
    const evidence = checkText(o?.evidence, 'What shows this')
    const name = headlineName(headline).toLowerCase()
    problem(`outcome-${headline}-evidence`, evidence.problem)
    if (!result) {
      if (rules.needs.identified) problem(`outcome-${headline}`, `Choose the outcome for ${name}`)
      else if (evidence.value) problem(`outcome-${headline}`, `Choose the outcome for ${name}, or clear what shows it`)
      continue
    }
    if (!isOutcomeResult(result)) {
      problem(`outcome-${headline}`, `Choose improved, sustained, no change or worse for ${name}`)
      continue
    }
    if (!evidence.value) problem(`outcome-${headline}-evidence`, `Say what shows the outcome for ${name}`)
    outcomes.push({ headline, result, evidence: evidence.value ?? '' })
  }
  if (!rules.needs.identified && outcomes.length === 0 && !fields.outcomes) {
    problem(
      rules.needs.headlines.length > 0 ? `outcome-${rules.needs.headlines[0]}` : 'outcomes',
      'Choose the outcome for at least one headline need the family had',
    )
  }

  const children = checkChildren(input.children, rules.children, 'living at home', problem)

  const done = checkSteps(rules.programme, input, { today: rules.today, openedOn: rules.openedOn, closedOn: closed.on })
  for (const [field, message] of Object.entries(done.fields)) problem(field, message)
  const { steps, recipients } = done

  if (Object.keys(fields).length > 0) return { ok: false, fields }
  return {
    ok: true,
    data: {
      closedOn: closed.on as IsoDate,
      reason: reason.value as string,
      destinationId,
      outcomes,
      children,
      steps,
      recipients,
    },
  }
}

/**
 * The programme's closure steps as done or not, one row per step and per report recipient, with
 * every problem: a step done needs its day (not in the future, not before the family was
 * accepted); a report is done when it has reached every recipient, on the last of those days,
 * none of them before the closing day.
 */
function checkSteps(
  programme: Programme,
  input: Pick<ClosureInput, 'steps' | 'recipients'>,
  rules: { today: IsoDate; openedOn: IsoDate; closedOn: IsoDate | undefined },
): { steps: StepDone[]; recipients: RecipientSent[]; fields: Record<string, string> } {
  const fields: Record<string, string> = {}
  const problem = (field: string, message: string | undefined) => {
    if (message) fields[field] ??= message
  }
  const steps: StepDone[] = []
  const recipients: RecipientSent[] = []
  const stepInput = new Map((input.steps ?? []).map((s) => [s.stepId, s]))
  const sentInput = new Map((input.recipients ?? []).map((r) => [r.participant, r]))
  const rulesOfSteps = closureSteps(programme)
  for (const s of input.steps ?? []) {
    if (!rulesOfSteps.some((r) => r.id === s.stepId)) problem('steps', `${programme.name} has no step "${s.stepId}"`)
  }
  for (const r of input.recipients ?? []) {
    if (!rulesOfSteps.some((s) => s.recipients.includes(r.participant as Participant))) {
      problem('recipients', `Nobody called "${r.participant}" receives a report at closure`)
    }
  }
  for (const step of rulesOfSteps) {
    const s = stepInput.get(step.id)
    const note = checkText(s?.note, 'The note')
    problem(`step-${step.id}-note`, note.problem)
    if (step.recipients.length > 0) {
      const days: IsoDate[] = []
      for (const participant of step.recipients) {
        const sent = checkDay(sentInput.get(participant)?.sentOn, 'The date it was sent', rules.today)
        problem(`sent-${participant}`, sent.problem)
        if (sent.on && rules.closedOn && sent.on < rules.closedOn) {
          problem(
            `sent-${participant}`,
            'The report is sent at closure or after it: the date must be on or after the closing date',
          )
        }
        if (sent.on) days.push(sent.on)
        recipients.push({ participant, sentOn: sent.on ?? null })
      }
      const done = days.length === step.recipients.length
      steps.push({ stepId: step.id, done, doneOn: done ? (days.sort().at(-1) as IsoDate) : null, note: note.value })
      continue
    }
    const done = s?.done === true
    const day = checkDay(s?.doneOn, 'The date it was done', rules.today)
    if (done) {
      problem(`step-${step.id}-doneOn`, day.problem)
      if (!text(s?.doneOn)) {
        problem(`step-${step.id}-doneOn`, `${step.name}: enter the date it was done, or say it is not done yet`)
      }
      if (day.on && day.on < rules.openedOn) {
        problem(`step-${step.id}-doneOn`, 'The date must be on or after the day the family was accepted')
      }
    }
    steps.push({ stepId: step.id, done, doneOn: done ? (day.on ?? null) : null, note: note.value })
  }
  return { steps, recipients, fields }
}

/**
 * After sign-off only what is still to do can be recorded (a report sent after closure, say):
 * what was done stays as it was signed off, and a done step's note can no longer change.
 */
export function checkLaterSteps(
  programme: Programme,
  signedOff: Pick<ClosureData, 'closedOn' | 'steps' | 'recipients'>,
  input: Pick<ClosureInput, 'steps' | 'recipients'>,
  rules: { today: IsoDate; openedOn: IsoDate },
): Checked<Pick<ClosureData, 'steps' | 'recipients'>> {
  const rulesOfSteps = closureSteps(programme)
  const merged: Pick<ClosureInput, 'steps' | 'recipients'> = {
    steps: rulesOfSteps.map((step) => {
      const before = signedOff.steps.find((s) => s.stepId === step.id)
      const now = input.steps?.find((s) => s.stepId === step.id)
      return before?.done
        ? before
        : {
            stepId: step.id,
            done: now?.done ?? false,
            doneOn: now?.doneOn ?? null,
            note: now?.note ?? before?.note ?? null,
          }
    }),
    recipients: rulesOfSteps
      .flatMap((s) => s.recipients)
      .map((participant) => {
        const before = signedOff.recipients.find((r) => r.participant === participant)
        const now = input.recipients?.find((r) => r.participant === participant)
        return before?.sentOn ? before : { participant, sentOn: now?.sentOn ?? null }
      }),
  }
  for (const s of input.steps ?? []) {
    if (!rulesOfSteps.some((r) => r.id === s.stepId))
      return { ok: false, fields: { steps: `${programme.name} has no step "${s.stepId}"` } }
  }
  const checked = checkSteps(programme, merged, { ...rules, closedOn: signedOff.closedOn })
  if (Object.keys(checked.fields).length > 0) return { ok: false, fields: checked.fields }
  return { ok: true, data: { steps: checked.steps, recipients: checked.recipients } }
}

/** Steps not done yet, by name: the manager is warned at sign-off (some, like a report, follow closure). */
export function stepsToDo(programme: Programme, steps: readonly StepDone[]): ClosureStepRule[] {
  return closureSteps(programme).filter((rule) => !steps.find((s) => s.stepId === rule.id)?.done)
}

/** The case events the closure's done steps record, each on its day. */
export function stepEvents(programme: Programme, steps: readonly StepDone[]): { type: CaseEventType; on: IsoDate }[] {
  const events: { type: CaseEventType; on: IsoDate }[] = []
  for (const rule of closureSteps(programme)) {
    const step = steps.find((s) => s.stepId === rule.id)
    if (rule.event && step?.done && step.doneOn) events.push({ type: rule.event, on: step.doneOn })
  }
  return events
}

/** The follow-up checks a closure on `closedOn` schedules. */
export function followUpSchedule(closedOn: IsoDate): { months: number; dueOn: IsoDate }[] {
  return FOLLOW_UP_MONTHS.map((months) => ({ months, dueOn: addMonths(closedOn, months) }))
}

export interface FollowUpInput {
  doneOn?: string | null
  children?: { personId: string; livingAtHome?: boolean | null }[]
  reReferred?: boolean | null
  note?: string | null
}

export interface FollowUpData {
  doneOn: IsoDate
  children: ChildAtHome[]
  reReferred: boolean
  note: string | null
}

/** Every problem with a follow-up check at once. It can be recorded from 14 days before it is due. */
export function checkFollowUp(
  input: FollowUpInput,
  rules: {
    today: IsoDate
    closedOn: IsoDate
    dueOn: IsoDate
    months: number
    children: { personId: string; unborn: boolean }[]
  },
): Checked<FollowUpData> {
  const fields: Record<string, string> = {}
  const problem = (field: string, message: string | undefined) => {
    if (message) fields[field] ??= message
  }
  const day = checkDay(input.doneOn, 'The date of the follow-up', rules.today)
  problem('doneOn', day.problem)
  if (!text(input.doneOn)) problem('doneOn', 'Enter the date of the follow-up')
  const earliest = addDays(rules.dueOn, -FOLLOW_UP_EARLY_DAYS)
  if (day.on && day.on < rules.closedOn) problem('doneOn', 'The date of the follow-up must be after the case closed')
  if (day.on && day.on < earliest) {
    problem(
      'doneOn',
      `The ${rules.months}-month follow-up is due on ${formatIsoDate(rules.dueOn)}: it can be recorded from ${formatIsoDate(earliest)}`,
    )
  }
  const children = checkChildren(input.children, rules.children, 'still living at home', problem)

  if (input.reReferred !== true && input.reReferred !== false) {
    problem('reReferred', 'Say whether the family has been referred again')
  }
  const note = checkText(input.note, 'The note')
  problem('note', note.problem)
  if (Object.keys(fields).length > 0) return { ok: false, fields }
  return {
    ok: true,
    data: { doneOn: day.on as IsoDate, children, reReferred: input.reReferred as boolean, note: note.value },
  }
}

export interface FollowUpRecord {
  months: number
  dueOn: IsoDate
  doneOn: IsoDate | null
  children: ChildAtHome[]
  reReferred: boolean | null
}

/** What closure and the checks after it say, for the outcomes report. */
export interface ClosureOutcomes {
  status: ClosureStatus
  closedOn: IsoDate
  destination: { id: string; name: string; reportsAs: keyof typeof EPISODE_END_REASONS; reportsAsName: string }
  needs: { headline: number; name: string; result: OutcomeResult; positive: boolean }[]
  /** Whether every need recorded shows a positive outcome at closure (null when none is recorded). */
  everyNeedPositive: boolean | null
  /** Each child at home: at closure, and at each follow-up done (null: not born yet, or not checked yet). */
  children: { personId: string; atClosure: boolean | null; after: Record<string, boolean | null> }[]
  followUps: { months: number; dueOn: IsoDate; doneOn: IsoDate | null; reReferred: boolean | null }[]
  /** Referred again at any check (true); not at any of them, all done (false); otherwise not known yet (null). */
  reReferred: boolean | null
  /** Every child known to be at home at the 6-month check and at every check after it recorded so far. */
  stillAtHomeAfterSixMonths: boolean | null
}

export function closureOutcomes(
  programme: Programme,
  closure: {
    status: ClosureStatus
    closedOn: IsoDate
    destinationId: string
    outcomes: ClosureOutcome[]
    children: ChildAtHome[]
  },
  followUps: readonly FollowUpRecord[],
): ClosureOutcomes {
  const destination = closureDestinations(programme).find((d) => d.id === closure.destinationId)
  const reportsAs = destination?.reportsAs ?? 'no-further-action'
  const needs = closure.outcomes.map((o) => ({
    headline: o.headline,
    name: headlineName(o.headline),
    result: o.result,
    positive: POSITIVE_RESULTS.includes(o.result),
  }))
  const ordered = [...followUps].sort((a, b) => a.months - b.months)
  const done = ordered.filter((f) => f.doneOn)
  const children = closure.children.map((c) => ({
    personId: c.personId,
    atClosure: c.livingAtHome,
    after: Object.fromEntries(
      ordered.map((f) => [
        String(f.months),
        f.doneOn ? (f.children.find((x) => x.personId === c.personId)?.livingAtHome ?? null) : null,
      ]),
    ),
  }))
  const reReferred = done.some((f) => f.reReferred === true)
    ? true
    : ordered.length > 0 && done.length === ordered.length
      ? false
      : null
  const sixOn = done.filter((f) => f.months >= 6)
  const stillAtHome = sixOn.length === 0 ? null : sixOn.every((f) => f.children.every((c) => c.livingAtHome !== false))
  return {
    status: closure.status,
    closedOn: closure.closedOn,
    destination: {
      id: closure.destinationId,
      name: destination?.name ?? closure.destinationId,
      reportsAs,
      reportsAsName: EPISODE_END_REASONS[reportsAs],
    },
    needs,
    everyNeedPositive: needs.length === 0 ? null : needs.every((n) => n.positive),
    children,
    followUps: ordered.map((f) => ({ months: f.months, dueOn: f.dueOn, doneOn: f.doneOn, reReferred: f.reReferred })),
    reReferred,
    stillAtHomeAfterSixMonths: stillAtHome,
  }
}
