import feed from '../../reference/bank-holidays.json' with { type: 'json' }
import { bankHolidaysFromFeed, type Calendar, type CalendarOverride, createCalendar } from './calendar.ts'

/** Nations whose official bank holidays Hearth ships (keys of reference/bank-holidays.json). */
export const NATIONS = { 'england-and-wales': 'England and Wales' } as const
export type Nation = keyof typeof NATIONS

const official = bankHolidaysFromFeed(feed, 'england-and-wales')

/** The working-day calendar for a nation, with an authority's own overrides. */
export function calendarFor(
  nation: Nation = 'england-and-wales',
  overrides: readonly CalendarOverride[] = [],
): Calendar {
  return createCalendar({ nation, official, overrides })
}
