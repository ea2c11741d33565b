import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { loadProgrammeLibrary } from '../programmes/library.ts'
import { calendarFor } from './bankHolidays.ts'
import { deadlines } from './deadlines.ts'
import type { Programme } from './programme/schema.ts'
import { CONTACT_FREQUENCIES } from './programme/vocabulary.ts'
import {
  checkDecision,
  checkFrequencies,
  checkProgress,
  checkScaling,
  decisionOptions,
  missingAttendees,
  nextScheduledReview,
  participantList,
  reviewCycles,
} from './reviews.ts'

const library = loadProgrammeLibrary()
const programme = (id: string) => library.get(id) as Programme
const calendar = calendarFor()
const started = new Date('2026-01-05T10:00:00Z')
const midday = (day: string) => new Date(`${day}T12:00:00Z`)

describe('the schedule: "Support is reviewed during weeks three, six and nine, and then again at 12 weeks."', () => {
  const staying = programme('staying-together')

  test('the next scheduled review is the earliest one not yet held, in the cycle of the day', () => {
    const events = [
      { type: 'support-started' as const, at: started },
      { type: 'review' as const, at: midday('2026-01-22') },
    ]
    const list = deadlines(staying, events, calendar, midday('2026-02-10'))
    const next = nextScheduledReview(list, midday('2026-02-10'))
    assert.equal(next?.review.id, 'review-week-6')
    assert.deepEqual(next?.review.attendees, ['allocated-social-worker'])
    assert.deepEqual(next?.heldAfter, midday('2026-01-22'))
    assert.equal(nextScheduledReview(list, new Date('2026-01-01T12:00:00Z')), undefined)
  })

  test('a further cycle starts the schedule again, as a second cycle', () => {
    const events = [
      { type: 'support-started' as const, at: started },
      { type: 'further-cycle-started' as const, at: midday('2026-03-26') },
    ]
    const cycles = reviewCycles(deadlines(staying, events, calendar, midday('2026-04-01')))
    assert.deepEqual(
      cycles.map((c) => [c.number, c.startedBy, c.reviews.length]),
      [
        [1, 'support-started', 4],
        [1 + 1, 'further-cycle-started', 4],
      ],
    )
    assert.equal(
      nextScheduledReview(deadlines(staying, events, calendar, midday('2026-04-01')), midday('2026-04-01'))?.review
        .dueDate,
      '2026-04-15',
    )
  })

  test('"The allocated social worker for the young person will attend the review at six weeks."', () => {
    assert.deepEqual(missingAttendees(['allocated-social-worker'], ['family', 'key-worker']), [
      'allocated-social-worker',
    ])
    assert.deepEqual(missingAttendees(['allocated-social-worker'], ['allocated-social-worker']), [])
    assert.equal(
      participantList(['allocated-social-worker', 'lead-professional']),
      'the allocated social worker and lead professional',
    )
  })
})

describe('decisions follow the programme and the stage', () => {
  test('a further cycle only where the programme offers one, once support has started', () => {
    assert.equal(decisionOptions(programme('staying-together'), 'active', 0).extend.ok, true)
    assert.equal(decisionOptions(programme('staying-together'), 'accepted', 0).extend.ok, false)
    assert.equal(decisionOptions(programme('lewisham-safer-stronger'), 'active', 0).extend.ok, false)
    const capped = {
      ...programme('staying-together'),
      extension: { ...(programme('staying-together').extension as NonNullable<Programme['extension']>), maximum: 1 },
    }
    assert.deepEqual(decisionOptions(capped as Programme, 'active', 1).extend, {
      ok: false,
      reason: 'Staying Together offers at most 1 further cycle.',
    })
  })

  test('a change of pathway in Derbyshire, never in STARS, whose pre-birth assessment sets it', () => {
    assert.equal(decisionOptions(programme('derbyshire-stronger-families'), 'active', 0)['change-pathway'].ok, true)
    const stars = decisionOptions(programme('tameside-stars'), 'active', 0)['change-pathway']
    assert.equal(stars.ok, false)
    assert.equal(decisionOptions(programme('derby-staying-together'), 'active', 0)['change-pathway'].ok, false)
  })

  test('the step-down where the programme has one; nothing on a closed case', () => {
    assert.equal(decisionOptions(programme('lewisham-safer-stronger'), 'active', 0)['step-down'].ok, true)
    assert.equal(decisionOptions(programme('lewisham-safer-stronger'), 'step-down', 0)['step-down'].ok, false)
    assert.equal(decisionOptions(programme('staying-together'), 'active', 0)['step-down'].ok, false)
    const closed = decisionOptions(programme('lewisham-safer-stronger'), 'closed', 0)
    assert.ok(Object.values(closed).every((o) => !o.ok))
  })

  test('an extension names who asked, from those the programme allows', () => {
    const staying = programme('staying-together')
    const asked = (requestedBy: string) =>
      checkDecision(staying, 'active', null, 0, '2026-03-26', { decision: 'extend', requestedBy })
    assert.deepEqual(asked('allocated-social-worker'), {
      ok: true,
      details: { requestedBy: 'allocated-social-worker' },
    })
    assert.equal(asked('key-worker').ok, false)
    assert.equal(asked('').ok, false)
  })

  test('a change of pathway needs a different pathway and a reason', () => {
    const derbyshire = programme('derbyshire-stronger-families')
    const change = (pathway: string, pathwayReason: string) =>
      checkDecision(derbyshire, 'active', 'risk-of-care', 0, '2026-03-26', {
        decision: 'change-pathway',
        pathway,
        pathwayReason,
      })
    assert.deepEqual(change('reunification', 'Home is safe'), {
      ok: true,
      details: { pathway: 'reunification', reason: 'Home is safe' },
    })
    const same = change('risk-of-care', '')
    assert.ok(!same.ok && same.problems.pathway && same.problems.pathwayReason)
    assert.equal(change('nowhere', 'x').ok, false)
  })
})

describe('a step-down plans contact falling: "A gradual reduction in support"', () => {
  const levels = Object.keys(CONTACT_FREQUENCIES)

  test('falling steps from the day of the review are accepted; rising, equal or early ones are not', () => {
    assert.deepEqual(
      checkFrequencies(
        [
          { from: '2026-03-27', frequency: 'weekly' },
          { from: '2026-04-24', frequency: 'fortnightly' },
        ],
        '2026-03-26',
      ),
      {},
    )
    assert.ok(checkFrequencies([], '2026-03-26').frequencies)
    assert.ok(checkFrequencies([{ from: '2026-03-20', frequency: 'weekly' }], '2026-03-26')['frequencies.1.from'])
    const rising = checkFrequencies(
      [
        { from: '2026-03-27', frequency: 'weekly' },
        { from: '2026-04-03', frequency: 'daily' },
      ],
      '2026-03-26',
    )
    assert.match(rising['frequencies.2.frequency'] ?? '', /less often than step 1 \(once a week\)/)
    const backwards = checkFrequencies(
      [
        { from: '2026-04-27', frequency: 'weekly' },
        { from: '2026-04-03', frequency: 'monthly' },
      ],
      '2026-03-26',
    )
    assert.ok(backwards['frequencies.2.from'])
  })

  test('any plan that is accepted falls at every step', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...levels), { minLength: 1, maxLength: 5 }), (frequencies) => {
        const steps = frequencies.map((frequency, i) => ({
          from: `2026-04-${String(i + 1).padStart(2, '0')}`,
          frequency,
        }))
        const accepted = Object.keys(checkFrequencies(steps, '2026-04-01')).length === 0
        const falling = frequencies.every(
          (f, i) => i === 0 || levels.indexOf(f) > levels.indexOf(frequencies[i - 1] as string),
        )
        assert.equal(accepted, falling)
      }),
    )
  })
})

describe('progress and scaling per goal', () => {
  const goals = ['g1', 'g2']

  test('a direction needs its evidence; only the plan’s goals, each once', () => {
    assert.deepEqual(checkProgress([{ goalId: 'g1', direction: 'better', evidence: ' Calmer ' }], goals), {
      ok: true,
      progress: [{ goalId: 'g1', direction: 'better', evidence: 'Calmer' }],
    })
    assert.deepEqual(checkProgress([{ goalId: 'g2' }], goals), { ok: true, progress: [] })
    const missing = checkProgress([{ goalId: 'g1', direction: 'worse' }], goals)
    assert.ok(!missing.ok && missing.problems['progress.g1.evidence'])
    const noDirection = checkProgress([{ goalId: 'g1', evidence: 'Something' }], goals)
    assert.ok(!noDirection.ok && noDirection.problems['progress.g1.direction'])
    assert.equal(checkProgress([{ goalId: 'g9', direction: 'same', evidence: 'x' }], goals).ok, false)
  })

  test('scores are whole numbers from 0 to 10, at least one of the family’s and the worker’s', () => {
    assert.deepEqual(checkScaling([{ goalId: 'g1', family: 0, worker: 10 }], goals), {
      ok: true,
      scaling: [{ goalId: 'g1', family: 0, worker: 10 }],
    })
    for (const bad of [{ family: 11 }, { worker: -1 }, { family: 2.5 }, {}]) {
      assert.equal(checkScaling([{ goalId: 'g1', ...bad }], goals).ok, false, JSON.stringify(bad))
    }
  })
})
