import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import feed from '../../reference/bank-holidays.json' with { type: 'json' }
import { calendarFor } from './bankHolidays.ts'
import { easterSunday, englandAndWalesRules } from './calendar.ts'
import { addDays, fromDayNumber, type IsoDate, weekday } from './isoDate.ts'

const calendar = calendarFor()

/** Any date from 2019 to 2032: inside and beyond the official list. */
const anyDate = fc.integer({ min: 17_897, max: 23_010 }).map(fromDayNumber)

describe('the England and Wales calendar', () => {
  test('ships every official date from 2020 to 2028, one-off holidays included', () => {
    assert.deepEqual(calendar.officialYears, { from: 2020, to: 2028 })
    for (const [date, title] of [
      ['2020-05-08', 'VE day'],
      ['2022-06-03', 'Platinum Jubilee'],
      ['2022-09-19', 'State Funeral'],
      ['2023-05-08', 'coronation'],
    ] as const) {
      assert.match(calendar.holiday(date)?.title ?? '', new RegExp(title), date)
      assert.equal(calendar.holiday(date)?.source, 'official')
      assert.equal(calendar.isWorkingDay(date), false)
    }
    // Early May was moved in 2020, so 4 May 2020 was an ordinary Monday.
    assert.equal(calendar.isWorkingDay('2020-05-04'), true)
    assert.equal(calendar.holidaysIn(2026).length, 8)
  })

  test('the computed rules give the official dates in every year without a one-off change', () => {
    const official = (feed['england-and-wales'].events as { date: string }[]).map((e) => e.date)
    for (const year of [2021, 2024, 2025, 2026, 2027, 2028]) {
      const computed = englandAndWalesRules(year).map((h) => h.date)
      assert.deepEqual(
        computed,
        official.filter((d) => d.startsWith(String(year))),
        String(year),
      )
    }
  })

  test('beyond 2028 it computes the dates and says so', () => {
    assert.equal(calendar.isComputedYear(2029), true)
    assert.equal(calendar.isComputedYear(2028), false)
    // Christmas Day 2032 is a Saturday: Christmas moves to Monday 27th, Boxing Day to Tuesday 28th.
    assert.deepEqual(
      calendar.holidaysIn(2032).map((h) => [h.date, h.source]),
      [
        ['2032-01-01', 'computed'],
        ['2032-03-26', 'computed'],
        ['2032-03-29', 'computed'],
        ['2032-05-03', 'computed'],
        ['2032-05-31', 'computed'],
        ['2032-08-30', 'computed'],
        ['2032-12-27', 'computed'],
        ['2032-12-28', 'computed'],
      ],
    )
    assert.equal(easterSunday(2030), '2030-04-21')
  })

  test('an authority can add a one-off holiday and mark a listed one as worked', () => {
    const local = calendarFor('england-and-wales', [
      { date: '2029-06-04', title: 'A proclaimed holiday', kind: 'holiday' },
      { date: '2026-08-31', title: 'Worked locally', kind: 'working-day' },
    ])
    assert.equal(local.holiday('2029-06-04')?.source, 'override')
    assert.equal(local.isWorkingDay('2029-06-04'), false)
    assert.equal(local.isWorkingDay('2026-08-31'), true)
    assert.equal(calendar.isWorkingDay('2026-08-31'), false)
  })

  test('"within 5 working days" of a Thursday before Easter skips the weekend and both holidays', () => {
    // Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April are holidays.
    assert.equal(calendar.addWorkingDays('2026-04-02', 5), '2026-04-13')
    assert.equal(calendar.addWorkingDays('2026-04-02', 0), '2026-04-02')
    assert.equal(calendar.workingDaysBetween('2026-04-02', '2026-04-13'), 5)
  })
})

describe('working days (properties)', () => {
  test('adding one or more working days never lands on a weekend or a holiday', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 300 }), (date, n) => {
        const result = calendar.addWorkingDays(date, n)
        return weekday(result) !== 0 && weekday(result) !== 6 && calendar.holiday(result) === undefined
      }),
    )
  })

  test('adding working days is monotonic in N', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), (date, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a]
        return calendar.addWorkingDays(date, low) <= calendar.addWorkingDays(date, high)
      }),
    )
  })

  test('counting the working days between two dates inverts adding them', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 300 }), (date, n) => {
        return calendar.workingDaysBetween(date, calendar.addWorkingDays(date, n)) === n
      }),
    )
  })

  test('the result is never before the start date, and one working day later is the next working day', () => {
    fc.assert(
      fc.property(anyDate, (date: IsoDate) => {
        const next = calendar.addWorkingDays(date, 1)
        if (next <= date) return false
        for (let d = addDays(date, 1); d < next; d = addDays(d, 1)) if (calendar.isWorkingDay(d)) return false
        return true
      }),
    )
  })
})
