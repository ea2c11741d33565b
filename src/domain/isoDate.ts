import { TZDate } from '@date-fns/tz'
import { LONDON } from './dates.ts'

/**
 * A calendar date with no time and no zone, written `2026-01-05`. Working days, ages and
 * gestation are questions about dates, not instants, so they are answered in whole days.
 */
export type IsoDate = string

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DAY_MS = 86_400_000

/** True for a real date written YYYY-MM-DD (30 February is not one). */
export function isIsoDate(value: string): value is IsoDate {
  const match = ISO_DATE.exec(value)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** Days since 1 January 1970. */
export function dayNumber(date: IsoDate): number {
  if (!isIsoDate(date)) throw new RangeError(`not a date: ${date}`)
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS
}

export function fromDayNumber(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(dayNumber(date) + days)
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(to) - dayNumber(from)
}

/** 0 is Sunday, 6 is Saturday. */
export function weekday(date: IsoDate): number {
  return new Date(dayNumber(date) * DAY_MS).getUTCDay()
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4))
}

export function isoDate(year: number, month: number, day: number): IsoDate {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10)
}

/** Add calendar months, keeping the day where it exists (31 January + 1 month = 28 or 29 February). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  const target = new Date(Date.UTC(year, month - 1 + months, 1))
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  return isoDate(target.getUTCFullYear(), target.getUTCMonth() + 1, Math.min(day, lastDay))
}

/** Whole years from `from` to `on`: a person's age on a date, counting a 29 February birthday on 28 February. */
export function completedYears(from: IsoDate, on: IsoDate): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number]
  const [ty, tm, td] = on.split('-').map(Number) as [number, number, number]
  let years = ty - fy
  if (tm < fm || (tm === fm && td < fd)) years -= 1
  // Born on 29 February: in a year without one, the birthday is 1 March in law (England), so
  // the comparison above, which treats 28 February as before 29 February, is already right.
  return years
}

/** The date in the UK on which an instant falls. */
export function londonDate(instant: Date): IsoDate {
  const local = new TZDate(instant, LONDON)
  return isoDate(local.getFullYear(), local.getMonth() + 1, local.getDate())
}

/** The last moment of a UK date: a deadline "by" that date is met until then. */
export function endOfLondonDay(date: IsoDate): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  return new Date(new TZDate(year, month - 1, day, 23, 59, 59, 999, LONDON).getTime())
}

/** A UK date and wall-clock time ("14:30" on 5 January 2026) as an instant. */
export function londonMoment(date: IsoDate, hours: number, minutes: number): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  return new Date(new TZDate(year, month - 1, day, hours, minutes, 0, 0, LONDON).getTime())
}

export function startOfLondonDay(date: IsoDate): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  return new Date(new TZDate(year, month - 1, day, 0, 0, 0, 0, LONDON).getTime())
}

/** 5 January 2026, from an IsoDate. */
export function formatIsoDate(date: IsoDate): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  return `${day} ${MONTHS[month - 1]} ${year}`
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
