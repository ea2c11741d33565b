import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { shippedProgrammes } from '../services/index.ts'
import { calendarFor } from './bankHolidays.ts'
import { screen, screeningFactsSchema } from './eligibility.ts'
import { londonDate } from './isoDate.ts'
import type { Programme } from './programme/schema.ts'
import { decisionDue, decisionProblems } from './referral.ts'

const programme = (id: string) => shippedProgrammes().get(id) as Programme
const ON = '2026-11-23'

describe('deciding on a referral', () => {
  test('Derbyshire chooses the pathway at acceptance; STARS after the pre-birth assessment', () => {
    const derbyshire = programme('derbyshire-stronger-families')
    assert.deepEqual(
      decisionProblems(derbyshire, 'awaiting-decision', undefined, { outcome: 'accept' }).map((p) => p.field),
      ['pathway'],
    )
    assert.deepEqual(
      decisionProblems(derbyshire, 'awaiting-decision', undefined, { outcome: 'accept', pathway: 'reunification' }),
      [],
    )
    assert.deepEqual(decisionProblems(programme('tameside-stars'), 'new', undefined, { outcome: 'accept' }), [])
  })

  test('accepting against a criterion that is not met needs a written rationale', () => {
    const derby = programme('derby-staying-together')
    const screening = screen(derby, screeningFactsSchema.parse({ children: [{ age: 7 }] }), ON)
    assert.equal(screening.counts['not-met'], 1)
    assert.deepEqual(
      decisionProblems(derby, 'screening', screening, { outcome: 'accept' }).map((p) => p.field),
      ['rationale'],
    )
    assert.deepEqual(
      decisionProblems(derby, 'screening', screening, {
        outcome: 'accept',
        rationale: 'Their 8th birthday is next week and the risk is immediate.',
      }),
      [],
    )
  })

  test('a decided referral cannot be decided again; a decline needs its reason explained', () => {
    const lewisham = programme('lewisham-safer-stronger')
    assert.equal(decisionProblems(lewisham, 'accepted', undefined, { outcome: 'withdrawn' })[0]?.field, 'outcome')
    assert.equal(
      decisionProblems(lewisham, 'new', undefined, { outcome: 'decline', reason: 'other', detail: ' ' })[0]?.field,
      'detail',
    )
  })

  test('a decision is due within 1 working day of receipt unless the programme says otherwise', () => {
    const calendar = calendarFor()
    // Received on Thursday 24 December 2026: Christmas Day and the Boxing Day substitute are holidays.
    const due = decisionDue(programme('derby-staying-together'), new Date('2026-12-24T15:00:00Z'), calendar)
    assert.equal(londonDate(due), '2026-12-29')
  })
})
