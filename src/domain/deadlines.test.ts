import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { loadProgrammeLibrary } from '../programmes/library.ts'
import { calendarFor } from './bankHolidays.ts'
import { type CaseEvent, deadlines } from './deadlines.ts'
import type { Programme } from './programme/schema.ts'
import { CASE_EVENTS, type CaseEventType } from './programme/vocabulary.ts'

const library = loadProgrammeLibrary()
const calendar = calendarFor()
const programme = (id: string) => library.get(id) as Programme
const at = (iso: string) => new Date(iso)
const find = (list: ReturnType<typeof deadlines>, id: string, index = 0) => {
  const found = list.filter((d) => d.id === id)[index]
  assert.ok(found, `deadline ${id} #${index}`)
  return found
}

describe('Derby: "a home visit with the lead worker within 48hrs"', () => {
  const derby = programme('derby-staying-together')
  const accepted: CaseEvent = { type: 'accepted', at: at('2026-11-20T16:30:00Z') } // a Friday afternoon

  test('is due 48 clock hours after acceptance, weekend included', () => {
    const visit = find(deadlines(derby, [accepted], calendar, at('2026-11-21T09:00:00Z')), 'home-visit')
    assert.equal(visit.dueAt.toISOString(), '2026-11-22T16:30:00.000Z')
    assert.equal(visit.status, 'not-yet-due')
  })

  test('is due soon in its last 12 hours, overdue after, and met on time or late by the visit', () => {
    assert.equal(
      find(deadlines(derby, [accepted], calendar, at('2026-11-22T06:00:00Z')), 'home-visit').status,
      'due-soon',
    )
    assert.equal(
      find(deadlines(derby, [accepted], calendar, at('2026-11-22T17:00:00Z')), 'home-visit').status,
      'overdue',
    )
    const onTime = [accepted, { type: 'first-home-visit', at: at('2026-11-22T10:00:00Z') } as CaseEvent]
    assert.equal(
      find(deadlines(derby, onTime, calendar, at('2026-11-30T00:00:00Z')), 'home-visit').status,
      'met-on-time',
    )
    const late = [accepted, { type: 'first-home-visit', at: at('2026-11-23T10:00:00Z') } as CaseEvent]
    assert.equal(find(deadlines(derby, late, calendar, at('2026-11-30T00:00:00Z')), 'home-visit').status, 'met-late')
  })
})

describe('Derby: "a crisis intervention plan and a tailored package of support within 5 days"', () => {
  const derby = programme('derby-staying-together')

  test('is read as 5 working days after the visit, skipping Christmas and Boxing Day', () => {
    // Visit on Wednesday 23 December 2026; 25 and 28 December 2026 are bank holidays.
    const events: CaseEvent[] = [
      { type: 'accepted', at: at('2026-12-22T10:00:00Z') },
      { type: 'first-home-visit', at: at('2026-12-23T10:00:00Z') },
    ]
    const plan = find(deadlines(derby, events, calendar, at('2026-12-23T12:00:00Z')), 'crisis-plan')
    // 24 Dec, 29, 30, 31 Dec, 1 Jan is a holiday, so 4 January 2027.
    assert.equal(plan.dueDate, '2027-01-04')
  })
})

describe('Staying Together: "Support is reviewed during weeks three, six and nine, and then again at 12 weeks"', () => {
  const stayingTogether = programme('staying-together')
  const started: CaseEvent = { type: 'support-started', at: at('2026-01-05T10:00:00Z') } // a Monday

  test('reviews are due by the end of weeks 3, 6, 9 and 12, and the social worker attends week 6', () => {
    const reviews = deadlines(stayingTogether, [started], calendar, at('2026-01-06T00:00:00Z')).filter(
      (d) => d.kind === 'review',
    )
    assert.deepEqual(
      reviews.map((r) => [r.name, r.dueDate]),
      [
        ['Week 3 review', '2026-01-25'],
        ['Week 6 review', '2026-02-15'],
        ['Week 9 review', '2026-03-08'],
        ['Week 12 review', '2026-03-29'],
      ],
    )
    assert.deepEqual(reviews[1]?.attendees, ['allocated-social-worker'])
  })

  test('reviews held meet the schedule in order; a missed one is overdue', () => {
    const events: CaseEvent[] = [started, { type: 'review', at: at('2026-01-23T10:00:00Z') }]
    const list = deadlines(stayingTogether, events, calendar, at('2026-02-20T10:00:00Z'))
    assert.equal(find(list, 'review-week-3').status, 'met-on-time')
    assert.equal(find(list, 'review-week-6').status, 'overdue')
    assert.equal(find(list, 'review-week-9').status, 'not-yet-due')
  })

  test('"another cycle of support" restarts the review schedule', () => {
    const events: CaseEvent[] = [started, { type: 'further-cycle-started', at: at('2026-03-27T10:00:00Z') }]
    const list = deadlines(stayingTogether, events, calendar, at('2026-04-01T10:00:00Z'))
    assert.equal(find(list, 'review-week-3', 1).dueDate, '2026-04-16')
    assert.equal(find(list, 'end-of-cycle', 0).status, 'met-on-time')
    assert.equal(find(list, 'end-of-cycle', 1).dueDate, '2026-06-18')
  })
})

describe('Lewisham: "Our 12 week programme was followed by a 10 week step down period"', () => {
  test('the step-down is due the day after week 12 ends, and closure by the end of week 22', () => {
    const lewisham = programme('lewisham-safer-stronger')
    const started: CaseEvent = { type: 'support-started', at: at('2026-01-05T10:00:00Z') }
    const first = find(deadlines(lewisham, [started], calendar, at('2026-01-05T12:00:00Z')), 'end-of-programme')
    assert.equal(first.dueDate, '2026-03-29') // week 12 ends Sunday 29 March; step-down from Monday 30 March
    const stepDown: CaseEvent = { type: 'step-down-started', at: at('2026-03-30T09:00:00Z') }
    const list = deadlines(lewisham, [started, stepDown], calendar, at('2026-03-30T12:00:00Z'))
    assert.equal(find(list, 'end-of-programme').status, 'met-late')
    assert.equal(find(list, 'end-of-step-down').dueDate, '2026-06-07') // 22 weeks from 5 January end on 7 June
  })
})

describe('STARS and Derbyshire: long timescales', () => {
  test('STARS support "up to a period of 2 years" ends 104 weeks after the pre-birth assessment', () => {
    const stars = programme('tameside-stars')
    const list = deadlines(
      stars,
      [{ type: 'pre-birth-assessment-completed', at: at('2026-03-02T10:00:00Z') }],
      calendar,
      at('2028-01-10T10:00:00Z'),
    )
    assert.equal(find(list, 'end-of-support').dueDate, '2028-02-27')
    assert.equal(find(list, 'end-of-support').status, 'due-soon')
  })

  test('Derbyshire warns as "three to six months" runs out', () => {
    const derbyshire = programme('derbyshire-stronger-families')
    const events: CaseEvent[] = [{ type: 'support-started', at: at('2026-01-31T10:00:00Z') }]
    assert.equal(
      find(deadlines(derbyshire, events, calendar, at('2026-02-01T00:00:00Z')), 'six-months').dueDate,
      '2026-07-30',
    )
    assert.equal(
      find(deadlines(derbyshire, events, calendar, at('2026-07-10T00:00:00Z')), 'six-months').status,
      'due-soon',
    )
  })
})

describe('deadlines (properties)', () => {
  const eventTypes = Object.keys(CASE_EVENTS) as CaseEventType[]
  const anyEvents = fc.array(
    fc.record({
      type: fc.constantFrom(...eventTypes),
      at: fc.date({
        min: new Date('2019-01-01T00:00:00Z'),
        max: new Date('2032-12-31T00:00:00Z'),
        noInvalidDate: true,
      }),
    }),
    { maxLength: 12 },
  )

  test('no deadline is ever due before its anchor event, in any programme', () => {
    fc.assert(
      fc.property(fc.constantFrom(...library.programmes), anyEvents, (p, events) =>
        deadlines(p, events, calendar, new Date('2026-06-01T00:00:00Z')).every(
          (d) => d.dueAt.getTime() >= d.anchor.at.getTime(),
        ),
      ),
    )
  })

  test('a deadline met is met at or after its anchor, and its status says met', () => {
    fc.assert(
      fc.property(fc.constantFrom(...library.programmes), anyEvents, (p, events) =>
        deadlines(p, events, calendar, new Date('2026-06-01T00:00:00Z')).every((d) =>
          d.metAt
            ? d.metAt.getTime() >= d.anchor.at.getTime() && d.status.startsWith('met')
            : !d.status.startsWith('met'),
        ),
      ),
    )
  })
})
