import { addDays, dayNumber, type IsoDate, isIsoDate, isoDate, weekday, yearOf } from './isoDate.ts'

/**
 * The working-day calendar. A working day is Monday to Friday and not a bank holiday of the
 * authority's nation. Official dates come from the shipped data file (the GOV.UK
 * bank-holidays feed); beyond its last year the usual rules are computed, and the calendar
 * says so. An authority can add a one-off holiday or mark a listed one as worked.
 */

export interface BankHoliday {
  date: IsoDate
  title: string
}

export interface CalendarOverride {
  date: IsoDate
  title: string
  /** 'holiday' adds a day off (a one-off proclamation); 'working-day' removes a listed holiday. */
  kind: 'holiday' | 'working-day'
}

export type HolidaySource = 'official' | 'computed' | 'override'

export interface Holiday extends BankHoliday {
  source: HolidaySource
}

export interface Calendar {
  nation: string
  /** First and last years the official list covers. */
  officialYears: { from: number; to: number }
  isWorkingDay(date: IsoDate): boolean
  holiday(date: IsoDate): Holiday | undefined
  /** Holidays in a year, in date order, each saying where it came from. */
  holidaysIn(year: number): Holiday[]
  /** True when dates in this year are computed from rules rather than read from the official list. */
  isComputedYear(year: number): boolean
  /** The Nth working day after `date` (the date itself is day 0). */
  addWorkingDays(date: IsoDate, days: number): IsoDate
  /** Working days after `from`, up to and including `to`: the inverse of addWorkingDays. */
  workingDaysBetween(from: IsoDate, to: IsoDate): number
}

export interface CalendarOptions {
  nation: string
  official: readonly BankHoliday[]
  overrides?: readonly CalendarOverride[]
}

export function createCalendar({ nation, official, overrides = [] }: CalendarOptions): Calendar {
  if (official.length === 0) throw new Error(`no bank holidays for ${nation}`)
  const officialByDate = new Map(official.map((h) => [h.date, h]))
  const years = official.map((h) => yearOf(h.date))
  const officialYears = { from: Math.min(...years), to: Math.max(...years) }
  const overrideByDate = new Map(overrides.map((o) => [o.date, o]))
  const computed = new Map<number, Map<IsoDate, BankHoliday>>()

  const isComputedYear = (year: number) => year < officialYears.from || year > officialYears.to

  function computedFor(year: number): Map<IsoDate, BankHoliday> {
    let days = computed.get(year)
    if (!days) {
      days = new Map(englandAndWalesRules(year).map((h) => [h.date, h]))
      computed.set(year, days)
    }
    return days
  }

  function holiday(date: IsoDate): Holiday | undefined {
    const override = overrideByDate.get(date)
    if (override) return override.kind === 'holiday' ? { ...override, source: 'override' } : undefined
    const year = yearOf(date)
    const listed = isComputedYear(year) ? computedFor(year).get(date) : officialByDate.get(date)
    return listed
      ? { date: listed.date, title: listed.title, source: isComputedYear(year) ? 'computed' : 'official' }
      : undefined
  }

  function isWorkingDay(date: IsoDate): boolean {
    const day = weekday(date)
    return day !== 0 && day !== 6 && !holiday(date)
  }

  function holidaysIn(year: number): Holiday[] {
    const result: Holiday[] = []
    for (let date = isoDate(year, 1, 1); yearOf(date) === year; date = addDays(date, 1)) {
      const found = holiday(date)
      if (found) result.push(found)
    }
    return result
  }

  function addWorkingDays(date: IsoDate, days: number): IsoDate {
    if (!Number.isInteger(days) || days < 0) throw new RangeError('working days must be a whole number, 0 or more')
    let current = date
    let remaining = days
    while (remaining > 0) {
      current = addDays(current, 1)
      if (isWorkingDay(current)) remaining -= 1
    }
    return current
  }

  function workingDaysBetween(from: IsoDate, to: IsoDate): number {
    if (dayNumber(to) < dayNumber(from)) return -workingDaysBetween(to, from)
    let count = 0
    for (let current = addDays(from, 1); dayNumber(current) <= dayNumber(to); current = addDays(current, 1)) {
      if (isWorkingDay(current)) count += 1
    }
    return count
  }

  return {
    nation,
    officialYears,
    isWorkingDay,
    holiday,
    holidaysIn,
    isComputedYear,
    addWorkingDays,
    workingDaysBetween,
  }
}

/**
 * The standing rules for England and Wales: New Year's Day, Good Friday, Easter Monday, the
 * first and last Mondays of May, the last Monday of August, Christmas Day and Boxing Day; a
 * fixed date on a weekend moves to the next weekday not already a holiday. One-off holidays
 * are proclaimed, not computed, so they are never here.
 */
export function englandAndWalesRules(year: number): BankHoliday[] {
  const easter = easterSunday(year)
  const moveable: BankHoliday[] = [
    { date: addDays(easter, -2), title: 'Good Friday' },
    { date: addDays(easter, 1), title: 'Easter Monday' },
    { date: firstMonday(year, 5), title: 'Early May bank holiday' },
    { date: lastMonday(year, 5), title: 'Spring bank holiday' },
    { date: lastMonday(year, 8), title: 'Summer bank holiday' },
  ]
  const fixed: BankHoliday[] = [
    { date: isoDate(year, 1, 1), title: 'New Year’s Day' },
    { date: isoDate(year, 12, 25), title: 'Christmas Day' },
    { date: isoDate(year, 12, 26), title: 'Boxing Day' },
  ]
  const isWeekend = (date: IsoDate) => weekday(date) === 0 || weekday(date) === 6
  const taken = new Set([...moveable, ...fixed.filter((h) => !isWeekend(h.date))].map((h) => h.date))
  const result = [...moveable]
  for (const day of fixed) {
    if (!isWeekend(day.date)) {
      result.push(day)
      continue
    }
    let substitute = addDays(day.date, 1)
    while (isWeekend(substitute) || taken.has(substitute)) substitute = addDays(substitute, 1)
    taken.add(substitute)
    result.push({ date: substitute, title: day.title })
  }
  return result.sort((a, b) => a.date.localeCompare(b.date))
}

/** Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm). */
export function easterSunday(year: number): IsoDate {
  const a = year % 19
  const b = Math.floor(year / 100)
  const c = year % 100
  const d = Math.floor(b / 4)
  const e = b % 4
  const f = Math.floor((b + 8) / 25)
  const g = Math.floor((b - f + 1) / 3)
  const h = (19 * a + b - d - g + 15) % 30
  const i = Math.floor(c / 4)
  const k = c % 4
  const l = (32 + 2 * e + 2 * i - h - k) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const month = Math.floor((h + l - 7 * m + 114) / 31)
  const day = ((h + l - 7 * m + 114) % 31) + 1
  return isoDate(year, month, day)
}

function firstMonday(year: number, month: number): IsoDate {
  let date = isoDate(year, month, 1)
  while (weekday(date) !== 1) date = addDays(date, 1)
  return date
}

function lastMonday(year: number, month: number): IsoDate {
  let date = addDays(isoDate(year, month + 1, 1), -1)
  while (weekday(date) !== 1) date = addDays(date, -1)
  return date
}

/** Reads the GOV.UK bank-holidays feed format: `{ "england-and-wales": { events: [{ title, date }] } }`. */
export function bankHolidaysFromFeed(feed: unknown, division: string): BankHoliday[] {
  const block = (feed as Record<string, { events?: unknown }> | null)?.[division]
  if (!block || !Array.isArray(block.events)) throw new Error(`the bank holidays file has no "${division}" block`)
  return block.events.map((event, index) => {
    const { date, title } = (event ?? {}) as { date?: unknown; title?: unknown }
    if (typeof date !== 'string' || !isIsoDate(date) || typeof title !== 'string') {
      throw new Error(`bank holiday ${index + 1} in "${division}" needs a date (YYYY-MM-DD) and a title`)
    }
    return { date, title }
  })
}
