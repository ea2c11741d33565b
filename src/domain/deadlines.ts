import type { Calendar } from './calendar.ts'
import { addDays, addMonths, endOfLondonDay, type IsoDate, londonDate, startOfLondonDay } from './isoDate.ts'
import type { Duration, Programme } from './programme/schema.ts'
import { CASE_EVENTS, type CaseEventType, type Participant } from './programme/vocabulary.ts'

/**
 * Deadlines: every timescale and scheduled review of a programme, worked out from what has
 * happened on a case. Computed, never typed in.
 *
 * How a duration is counted from its anchor event:
 * - hours: clock hours from the moment of the event ("within 48 hours");
 * - days and working days: the Nth (working) day after the day of the event, which is day 0,
 *   due by the end of that day in UK time;
 * - weeks and months: a period that starts on the day of the event, so "12 weeks" ends on the
 *   day before the same weekday 12 weeks later, and "6 months" on the day before the same date.
 */

export interface CaseEvent {
  type: CaseEventType
  at: Date
}

export type DeadlineStatus = 'not-yet-due' | 'due-soon' | 'overdue' | 'met-on-time' | 'met-late'

export const DEADLINE_STATUSES: Record<DeadlineStatus, string> = {
  'not-yet-due': 'Not yet due',
  'due-soon': 'Due soon',
  overdue: 'Overdue',
  'met-on-time': 'Met on time',
  'met-late': 'Met late',
}

export interface Deadline {
  /** The timescale id, or `review-week-6`. */
  id: string
  name: string
  kind: 'timescale' | 'review' | 'engagement' | 'referral-response' | 'follow-up'
  /**
   * What the time is counted from: a case event; for engagement, the last time a child was seen;
   * for an onward referral's response, the day it was sent (or last chased).
   */
  anchor: { type: CaseEventType | 'child-seen' | 'referral-sent'; at: Date }
  dueAt: Date
  /** When it starts to show as due soon. */
  dueSoonAt: Date
  /** The UK date it is due by (for hours, the date of the due moment). */
  dueDate: IsoDate
  status: DeadlineStatus
  metAt?: Date
  attendees?: Participant[]
  interpretation?: string
}

/** When `due soon` starts, by the unit of the timescale, unless the programme says otherwise. */
const DEFAULT_DUE_SOON: Record<Duration['unit'], Duration> = {
  hours: { amount: 12, unit: 'hours' },
  days: { amount: 2, unit: 'days' },
  'working days': { amount: 2, unit: 'days' },
  weeks: { amount: 7, unit: 'days' },
  months: { amount: 14, unit: 'days' },
}

/** The moment a duration after `from` runs out. */
export function dueAfter(from: Date, within: Duration, calendar: Calendar): Date {
  const day = londonDate(from)
  switch (within.unit) {
    case 'hours':
      return new Date(from.getTime() + within.amount * 3_600_000)
    case 'days':
      return endOfLondonDay(addDays(day, within.amount))
    case 'working days':
      return endOfLondonDay(calendar.addWorkingDays(day, within.amount))
    case 'weeks':
      return endOfLondonDay(addDays(day, within.amount * 7 - 1))
    case 'months':
      return endOfLondonDay(addDays(addMonths(day, within.amount), -1))
  }
}

function before(due: Date, ahead: Duration): Date {
  const hours = ahead.unit === 'hours' ? ahead.amount : ahead.unit === 'weeks' ? ahead.amount * 168 : ahead.amount * 24
  return new Date(due.getTime() - hours * 3_600_000)
}

function statusOf(dueAt: Date, metAt: Date | undefined, soonFrom: Date, now: Date): DeadlineStatus {
  if (metAt) return metAt.getTime() <= dueAt.getTime() ? 'met-on-time' : 'met-late'
  if (now.getTime() > dueAt.getTime()) return 'overdue'
  if (now.getTime() >= soonFrom.getTime()) return 'due-soon'
  return 'not-yet-due'
}

/**
 * Every deadline on a case, in due order. Each occurrence of an anchor event starts its clock
 * again (a further cycle restarts the reviews); a deadline is met by the first of its events at
 * or after the anchor and before the anchor happens again.
 */
export function deadlines(
  programme: Programme,
  caseEvents: readonly CaseEvent[],
  calendar: Calendar,
  now: Date,
  pathway?: string,
): Deadline[] {
  const events = [...caseEvents].sort((a, b) => a.at.getTime() - b.at.getTime())
  const result: Deadline[] = []

  for (const timescale of programme.timescales) {
    if (pathway && timescale.pathways && !timescale.pathways.includes(pathway)) continue
    const anchors = events.filter((e) => timescale.from.includes(e.type))
    anchors.forEach((anchor, index) => {
      const until = anchors[index + 1]?.at
      const met = events.find(
        (e) =>
          timescale.metBy.includes(e.type) &&
          e.at.getTime() >= anchor.at.getTime() &&
          // The next anchor can itself meet this one: a further cycle ends the cycle before it.
          (!until || e.at.getTime() <= until.getTime()) &&
          e !== anchor,
      )
      const dueAt = dueAfter(anchor.at, timescale.within, calendar)
      const soonFrom = before(dueAt, timescale.dueSoon ?? DEFAULT_DUE_SOON[timescale.within.unit])
      result.push({
        id: timescale.id,
        name: timescale.name,
        kind: 'timescale',
        anchor: { type: anchor.type, at: anchor.at },
        dueAt,
        dueSoonAt: soonFrom,
        dueDate: londonDate(dueAt),
        status: statusOf(dueAt, met?.at, soonFrom, now),
        ...(met ? { metAt: met.at } : {}),
        ...(timescale.interpretation ? { interpretation: timescale.interpretation } : {}),
      })
    })
  }

  const schedule = programme.reviewSchedule
  if (schedule) {
    const anchors = events.filter((e) => schedule.from.includes(e.type))
    anchors.forEach((anchor, index) => {
      const until = anchors[index + 1]?.at
      // Reviews held in this cycle meet the scheduled reviews in order.
      const held = events.filter(
        (e) =>
          e.type === 'review' && e.at.getTime() >= anchor.at.getTime() && (!until || e.at.getTime() < until.getTime()),
      )
      schedule.reviews.forEach((review, k) => {
        const dueAt = dueAfter(anchor.at, { amount: review.week, unit: 'weeks' }, calendar)
        const metAt = held[k]?.at
        const soonFrom = before(dueAt, DEFAULT_DUE_SOON.weeks)
        result.push({
          id: `review-week-${review.week}`,
          name: `Week ${review.week} review`,
          kind: 'review',
          anchor: { type: anchor.type, at: anchor.at },
          dueAt,
          dueSoonAt: soonFrom,
          dueDate: londonDate(dueAt),
          status: statusOf(dueAt, metAt, soonFrom, now),
          ...(metAt ? { metAt } : {}),
          attendees: review.attendees,
        })
      })
    })
  }

  return result.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.name.localeCompare(b.name))
}

export const eventLabel = (type: CaseEventType) => CASE_EVENTS[type]

/**
 * A deadline set by a date someone chose (a response from another agency, a follow-up after
 * closure) rather than by the programme: due by the end of that day, and due soon `soonDays` before.
 */
export function datedDeadline(
  input: Pick<Deadline, 'id' | 'name' | 'kind' | 'anchor'> & { dueOn: IsoDate; soonDays: number; metAt?: Date },
  now: Date,
): Deadline {
  const dueAt = endOfLondonDay(input.dueOn)
  // Due soon from the start of the day `soonDays` before: a follow-up due on 1 July is due soon on 17 June.
  const soonFrom = startOfLondonDay(addDays(input.dueOn, -input.soonDays))
  return {
    id: input.id,
    name: input.name,
    kind: input.kind,
    anchor: input.anchor,
    dueAt,
    dueSoonAt: soonFrom,
    dueDate: input.dueOn,
    status: statusOf(dueAt, input.metAt, soonFrom, now),
    ...(input.metAt ? { metAt: input.metAt } : {}),
  }
}
