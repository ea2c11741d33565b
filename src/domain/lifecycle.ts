import type { Calendar } from './calendar.ts'
import { type CaseEvent, type Deadline, dueAfter } from './deadlines.ts'
import { addDays, addMonths, daysBetween, type IsoDate, londonDate } from './isoDate.ts'
import type { Duration, Phase, Programme } from './programme/schema.ts'
import type { CaseEventType } from './programme/vocabulary.ts'

/**
 * The life of a case: accepted → active → step-down → closed. Which moves a programme allows
 * follows from its phases (a step-down needs a phase that starts with `step-down-started`),
 * and each move is a case event, so deadlines and the timeline come from the same record.
 */

export const CASE_STAGES = {
  accepted: 'Accepted',
  active: 'Active',
  'step-down': 'Step-down',
  closed: 'Closed',
} as const
export type CaseStage = keyof typeof CASE_STAGES

export function isCaseStage(value: string): value is CaseStage {
  return value in CASE_STAGES
}

/** The events that move a case from one stage to another. */
export const STAGE_EVENTS = ['support-started', 'further-cycle-started', 'step-down-started', 'closed'] as const
export type StageEvent = (typeof STAGE_EVENTS)[number]

export type Transition = { ok: true; to: CaseStage } | { ok: false; reason: string }

const startsAPhase = (programme: Programme, event: CaseEventType) =>
  programme.phases.some((p) => p.startsWith === event)

/** Whether `event` may happen to a case at `stage`, and the stage it leads to; a reason when not. */
export function transition(programme: Programme, stage: CaseStage, event: StageEvent): Transition {
  if (stage === 'closed') return { ok: false, reason: 'The case is closed.' }
  switch (event) {
    case 'support-started':
      if (stage !== 'accepted') return { ok: false, reason: 'Support has already started.' }
      return { ok: true, to: 'active' }
    case 'further-cycle-started':
      if (!startsAPhase(programme, event)) return { ok: false, reason: `${programme.name} has no further cycles.` }
      if (stage !== 'active')
        return { ok: false, reason: 'A further cycle follows a cycle of support that has started.' }
      return { ok: true, to: 'active' }
    case 'step-down-started':
      if (!startsAPhase(programme, event)) return { ok: false, reason: `${programme.name} has no step-down phase.` }
      if (stage === 'step-down') return { ok: false, reason: 'The step-down has already started.' }
      if (stage !== 'active') return { ok: false, reason: 'The step-down follows support that has started.' }
      return { ok: true, to: 'step-down' }
    case 'closed':
      return { ok: true, to: 'closed' }
  }
}

/** The moves open to a case now, for offering them as actions. */
export function nextEvents(programme: Programme, stage: CaseStage): StageEvent[] {
  return STAGE_EVENTS.filter((event) => transition(programme, stage, event).ok)
}

export interface CurrentPhase {
  phase: Phase
  startedAt: Date
  /** Week 1 is the day the phase started and the six days after. */
  week: number
  /** How many weeks the phase lasts (its length, or its maximum). */
  ofWeeks: number
  /** The last day of the phase. */
  endsOn: IsoDate
}

function lastDay(start: IsoDate, length: Duration): IsoDate {
  switch (length.unit) {
    case 'weeks':
      return addDays(start, length.amount * 7 - 1)
    case 'months':
      return addDays(addMonths(start, length.amount), -1)
    case 'days':
    case 'working days':
      return addDays(start, length.amount)
    case 'hours':
      return addDays(start, Math.ceil(length.amount / 24))
  }
}

/**
 * The phase the case is in: the one whose starting event happened most recently (on the
 * case's pathway), and how far through it the family is. None before support starts or after closure.
 */
export function currentPhase(
  programme: Programme,
  events: readonly CaseEvent[],
  now: Date,
  pathway?: string | null,
): CurrentPhase | undefined {
  const sorted = [...events].sort((a, b) => a.at.getTime() - b.at.getTime())
  if (sorted.some((e) => e.type === 'closed')) return undefined
  let found: { phase: Phase; startedAt: Date } | undefined
  for (const event of sorted) {
    const phase = programme.phases.find(
      (p) => p.startsWith === event.type && (!p.pathways || !pathway || p.pathways.includes(pathway)),
    )
    if (phase && event.at.getTime() <= now.getTime()) found = { phase, startedAt: event.at }
  }
  if (!found) return undefined
  const start = londonDate(found.startedAt)
  const length = (found.phase.length ?? found.phase.maximum) as Duration
  const endsOn = lastDay(start, length)
  const today = londonDate(now)
  return {
    ...found,
    week: Math.floor(Math.max(0, daysBetween(start, today)) / 7) + 1,
    ofWeeks: Math.ceil((daysBetween(start, endsOn) + 1) / 7),
    endsOn,
  }
}

/** The stage a case is at, read from its events (the stored status is kept equal to this). */
export function stageOf(events: readonly CaseEvent[]): CaseStage {
  const types = new Set(events.map((e) => e.type))
  if (types.has('closed')) return 'closed'
  const sorted = [...events].sort((a, b) => a.at.getTime() - b.at.getTime())
  const lastMove = sorted.filter((e) => e.type === 'support-started' || e.type === 'step-down-started').at(-1)
  if (lastMove?.type === 'step-down-started') return 'step-down'
  if (lastMove?.type === 'support-started' || types.has('further-cycle-started')) return 'active'
  return 'accepted'
}

/**
 * Engagement: when the children were last seen. A programme that sets how often the children
 * must be seen gets a rolling deadline, counted from the last time every child was seen (or
 * from acceptance when no child has been seen yet).
 */
export interface Sighting {
  at: Date
  /** The children seen at this contact (person ids). */
  childrenSeen: string[]
}

export interface Engagement {
  /** The last contact at which the family was seen (any completed contact in person). */
  lastSeenAt?: Date
  /** Each child's last sighting, by person id. */
  childLastSeen: Record<string, Date | undefined>
  /** The last time any child was seen. */
  anyChildLastSeenAt?: Date
  deadline?: Deadline
}

export function engagement(
  programme: Programme,
  input: { acceptedAt: Date; children: string[]; sightings: Sighting[]; familySeen: Date[]; stage: CaseStage },
  calendar: Calendar,
  now: Date,
): Engagement {
  const childLastSeen: Record<string, Date | undefined> = Object.fromEntries(input.children.map((c) => [c, undefined]))
  let anyChildLastSeenAt: Date | undefined
  for (const sighting of input.sightings) {
    if (sighting.at.getTime() > now.getTime()) continue
    for (const child of sighting.childrenSeen) {
      if (!(child in childLastSeen)) continue
      const previous = childLastSeen[child]
      if (!previous || previous.getTime() < sighting.at.getTime()) childLastSeen[child] = sighting.at
      if (!anyChildLastSeenAt || anyChildLastSeenAt.getTime() < sighting.at.getTime()) anyChildLastSeenAt = sighting.at
    }
  }
  const lastSeenAt = input.familySeen
    .filter((d) => d.getTime() <= now.getTime())
    .reduce<Date | undefined>((latest, d) => (!latest || latest.getTime() < d.getTime() ? d : latest), undefined)
  const rule = programme.engagement
  let deadline: Deadline | undefined
  if (rule && input.stage !== 'closed' && input.children.length > 0) {
    const from = anyChildLastSeenAt ?? input.acceptedAt
    const dueAt = dueAfter(from, rule.childrenSeenWithin, calendar)
    const soon = dueAfter(
      from,
      { amount: Math.max(0, rule.childrenSeenWithin.amount - 2), unit: rule.childrenSeenWithin.unit },
      calendar,
    )
    deadline = {
      id: 'children-seen',
      name: 'See the children',
      kind: 'engagement',
      anchor: { type: anyChildLastSeenAt ? 'child-seen' : 'accepted', at: from },
      dueAt,
      dueSoonAt: soon,
      dueDate: londonDate(dueAt),
      status:
        now.getTime() > dueAt.getTime() ? 'overdue' : now.getTime() >= soon.getTime() ? 'due-soon' : 'not-yet-due',
      ...(rule.interpretation ? { interpretation: rule.interpretation } : {}),
    }
  }
  return { lastSeenAt, childLastSeen, anyChildLastSeenAt, deadline }
}

/** Whole days from one moment to another, in UK dates: "seen 3 days ago". */
export function daysSince(then: Date, now: Date): number {
  return daysBetween(londonDate(then), londonDate(now))
}

/** The soonest deadline that is not met, for sorting and for the case header. */
export function nextDeadline(list: readonly Deadline[]): Deadline | undefined {
  return list
    .filter((d) => d.status === 'overdue' || d.status === 'due-soon' || d.status === 'not-yet-due')
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())[0]
}
