import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { loadProgrammeFile, PROGRAMMES_DIR } from '../programmes/library.ts'
import {
  attendance,
  type CaseFacts,
  changeInWords,
  checkMeasureRecord,
  checkScaling,
  checkValue,
  describeValue,
  distanceTravelled,
  EMPLOYMENT_STATUSES,
  flagsOf,
  isWorkless,
  type MeasurePerson,
  peopleFor,
  rangeOf,
  subjectOf,
} from './measures.ts'
import type { Measure, Programme } from './programme/schema.ts'

const lewisham = loadProgrammeFile(join(PROGRAMMES_DIR, 'lewisham-safer-stronger.yaml'))
const measure = (id: string) => lewisham.outcomes.measures.find((m) => m.id === id) as Measure

const facts: CaseFacts = {
  today: '2026-03-02',
  acceptedOn: '2026-01-05',
  reviews: [{ id: 'review-1', heldOn: '2026-02-16' }],
  closed: false,
}
const people: MeasurePerson[] = [
  { id: 'robin', group: 'child' },
  { id: 'baby', group: 'unborn' },
  { id: 'ade', group: 'adult' },
  { id: 'aunt', group: 'other' },
]

/** A licensed tool's total, as a programme might add it: scores only, 0 to 40. */
const licensed: Measure = {
  id: 'sdq-total',
  name: 'Total difficulties score',
  kind: 'licensed-score',
  per: 'child',
  minimum: 0,
  maximum: 40,
  instrument: 'Strengths and Difficulties Questionnaire',
}
const withLicensed = {
  ...lewisham,
  outcomes: { ...lewisham.outcomes, measures: [...lewisham.outcomes.measures, licensed] },
} as Programme

const attendanceRecord = (value: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  measureId: 'school-attendance',
  occasion: 'start',
  recordedOn: '2026-01-12',
  readings: [{ personId: 'robin', value: { from: '2025-09-03', to: '2025-12-19', ...value } }],
  ...extra,
})

describe('the measures Lewisham’s seed names: “improving school attendance, reducing worklessness, offending behaviour and supporting children in need of help”', () => {
  test('each is read for the right people: attendance and child in need per child, work per adult, offending for the family', () => {
    assert.equal(subjectOf(measure('school-attendance')), 'child')
    assert.equal(subjectOf(measure('worklessness')), 'adult')
    assert.equal(subjectOf(measure('offending')), 'family')
    assert.equal(subjectOf(measure('children-in-need')), 'child')
    assert.deepEqual(
      peopleFor(measure('school-attendance'), people).map((p) => p.id),
      ['robin'],
    )
    assert.deepEqual(
      peopleFor(measure('children-in-need'), people).map((p) => p.id),
      ['robin', 'baby'],
      'an unborn baby can be on a child protection plan',
    )
    assert.deepEqual(
      peopleFor(measure('worklessness'), people).map((p) => p.id),
      ['ade'],
    )
    assert.deepEqual(peopleFor(measure('offending'), people), [])
  })
})

describe('school attendance (DfE: persistent absence is 10% or more of sessions missed; severe 50% or more)', () => {
  test('80% attendance is persistent absence', () => {
    assert.deepEqual(attendance({ possible: 100, attended: 80 }), {
      percent: 80,
      missed: 20,
      persistent: true,
      severe: false,
    })
    assert.equal(
      describeValue(measure('school-attendance'), {
        from: '2025-09-03',
        to: '2025-12-19',
        possible: 100,
        attended: 80,
      }),
      '80.0% (persistent absence)',
    )
  })

  test('45% attendance is severe absence, which is also persistent', () => {
    const a = attendance({ possible: 200, attended: 90 })
    assert.equal(a.percent, 45)
    assert.ok(a.severe && a.persistent)
    assert.deepEqual(
      flagsOf(measure('school-attendance'), { from: '2025-09-03', to: '2025-12-19', possible: 200, attended: 90 }),
      ['severe-absence', 'persistent-absence'],
    )
  })

  test('exactly 90% is persistent and exactly 50% severe; 90.1% is neither', () => {
    assert.equal(attendance({ possible: 1000, attended: 900 }).persistent, true)
    assert.equal(attendance({ possible: 1000, attended: 901 }).persistent, false)
    assert.equal(attendance({ possible: 100, attended: 50 }).severe, true)
    assert.equal(attendance({ possible: 100, attended: 51 }).severe, false)
  })

  test('the percentage is to one decimal place', () => {
    assert.equal(attendance({ possible: 3, attended: 2 }).percent, 66.7)
    assert.equal(attendance({ possible: 152, attended: 139 }).percent, 91.4)
  })

  test('property: the flags follow the sessions, severe implies persistent, and the percentage is between 0 and 100', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 0, max: 2000 }), (possible, n) => {
        const attended = n % (possible + 1)
        const a = attendance({ possible, attended })
        assert.equal(a.persistent, attended * 10 <= possible * 9)
        assert.equal(a.severe, attended * 2 <= possible)
        if (a.severe) assert.ok(a.persistent)
        assert.ok(a.percent >= 0 && a.percent <= 100)
        assert.ok(Math.abs(a.percent - (attended / possible) * 100) <= 0.05 + 1e-9)
      }),
    )
  })

  test('sessions attended cannot be more than those possible, and there must be some possible', () => {
    const more = checkMeasureRecord(lewisham, attendanceRecord({ possible: 100, attended: 101 }), people, facts)
    assert.deepEqual(more, {
      ok: false,
      fields: { 'readings.0.attended': 'Sessions attended cannot be more than the possible sessions' },
    })
    const none = checkMeasureRecord(lewisham, attendanceRecord({ possible: 0, attended: 0 }), people, facts)
    assert.equal(none.ok, false)
    assert.match((none as { fields: Record<string, string> }).fields['readings.0.possible'] ?? '', /1 or more/)
  })

  test('the period: real dates, the end not before the start nor in the future', () => {
    const result = checkMeasureRecord(
      lewisham,
      attendanceRecord({ from: '2026-02-30', to: '2026-03-09', possible: 10, attended: 9 }),
      people,
      facts,
    )
    assert.deepEqual(result, {
      ok: false,
      fields: {
        'readings.0.from': 'The start of the period must be a real date',
        'readings.0.to': 'The end of the period must be today or in the past',
      },
    })
    const backwards = checkMeasureRecord(
      lewisham,
      attendanceRecord({ from: '2026-02-01', to: '2026-01-01', possible: 10, attended: 9 }),
      people,
      facts,
    )
    assert.match(
      (backwards as { fields: Record<string, string> }).fields['readings.0.to'] ?? '',
      /on or after its start/,
    )
  })

  test('a good reading is accepted, holding the period and the sessions only', () => {
    const result = checkMeasureRecord(
      lewisham,
      attendanceRecord({ possible: '120', attended: '96', note: 'not kept' }),
      people,
      facts,
    )
    assert.ok(result.ok)
    assert.deepEqual(result.data.readings, [
      { personId: 'robin', value: { from: '2025-09-03', to: '2025-12-19', possible: 120, attended: 96 } },
    ])
    assert.equal(result.data.occasion, 'start')
  })
})

describe('work, education and training', () => {
  test('looking for work and not working count as workless; in work and in education or training do not', () => {
    assert.deepEqual(
      Object.keys(EMPLOYMENT_STATUSES).filter((s) => isWorkless(s as keyof typeof EMPLOYMENT_STATUSES)),
      ['looking-for-work', 'not-working-caring', 'not-working-health', 'not-working-other'],
    )
    assert.deepEqual(flagsOf(measure('worklessness'), { status: 'looking-for-work' }), ['workless'])
    assert.deepEqual(flagsOf(measure('worklessness'), { status: 'in-work' }), [])
  })

  test('the status must be one of the list, and the person a parent or carer on the case', () => {
    const result = checkMeasureRecord(
      lewisham,
      {
        measureId: 'worklessness',
        occasion: 'start',
        recordedOn: '2026-01-12',
        readings: [
          { personId: 'robin', value: { status: 'in-work' } },
          { personId: 'ade', value: { status: 'retired-early' } },
          { personId: 'ade', value: { status: 'in-work' } },
        ],
      },
      people,
      facts,
    )
    assert.deepEqual(result, {
      ok: false,
      fields: {
        'readings.0.personId': 'Choose a parent or carer on this case',
        'readings.1.status': 'Select their work, education or training',
        'readings.2.personId': 'Each person can have one reading at a time',
      },
    })
  })
})

describe('offending, child in need, and scores', () => {
  test('offending is a count for the whole family: a whole number, 0 or more, with no person', () => {
    const bad = checkMeasureRecord(
      lewisham,
      {
        measureId: 'offending',
        occasion: 'start',
        recordedOn: '2026-01-12',
        readings: [{ personId: 'ade', value: { count: -1 } }],
      },
      people,
      facts,
    )
    assert.deepEqual(bad, {
      ok: false,
      fields: {
        'readings.0.personId': 'This measure is for the whole family, not one person',
        'readings.0.count': 'The count must be a whole number 0 or more',
      },
    })
    const good = checkMeasureRecord(
      lewisham,
      { measureId: 'offending', occasion: 'start', recordedOn: '2026-01-12', readings: [{ value: { count: 2 } }] },
      people,
      facts,
    )
    assert.ok(good.ok)
    assert.deepEqual(good.data.readings, [{ personId: null, value: { count: 2 } }])
  })

  test('child in need status is one of the census plans, or early help, or none', () => {
    assert.equal(
      describeValue(measure('children-in-need'), { status: 'child-protection-plan' }),
      'Child protection plan',
    )
    assert.deepEqual(checkValue(measure('children-in-need'), { status: 'section-47' }, facts).problems, {
      status: 'Select the child’s status',
    })
  })

  test('a licensed score stores only the number, within the tool’s range; never its items', () => {
    assert.deepEqual(rangeOf(licensed), { minimum: 0, maximum: 40 })
    const result = checkMeasureRecord(
      withLicensed,
      {
        measureId: 'sdq-total',
        occasion: 'start',
        recordedOn: '2026-01-12',
        readings: [{ personId: 'robin', value: { score: 17, items: ['an item’s wording', 2, 1] } }],
      },
      people,
      facts,
    )
    assert.ok(result.ok)
    assert.deepEqual(result.data.readings[0]?.value, { score: 17 })
    assert.equal(describeValue(licensed, { score: 17 }), '17 out of 40')
    assert.deepEqual(checkValue(licensed, { score: 41 }, facts).problems, {
      score: 'The score must be a whole number from 0 to 40',
    })
    assert.deepEqual(checkValue(licensed, { score: 3.5 }, facts).problems, {
      score: 'The score must be a whole number from 0 to 40',
    })
  })

  test('a family-level scaling measure is a score from 0 to 10', () => {
    const scaling: Measure = { id: 'worries', name: 'Worries', kind: 'scaling' }
    assert.deepEqual(rangeOf(scaling), { minimum: 0, maximum: 10 })
    assert.equal(subjectOf(scaling), 'family')
    assert.deepEqual(checkValue(scaling, { score: 11 }, facts).problems, {
      score: 'The score must be a whole number from 0 to 10',
    })
  })
})

describe('the reading as a whole: every problem at once', () => {
  test('a measure not the programme’s, a future date, no occasion and no readings', () => {
    assert.deepEqual(
      checkMeasureRecord(lewisham, { measureId: 'sdq-total', recordedOn: '2026-03-03' }, people, facts),
      {
        ok: false,
        fields: {
          measureId: 'Choose one of the service’s measures',
          recordedOn: 'The date of the reading must be today or in the past',
          occasion: 'Select when this was recorded',
          readings: 'Enter at least one reading',
        },
      },
    )
  })

  test('not before the family was accepted; a review named must be this case’s, held by then', () => {
    const early = checkMeasureRecord(
      lewisham,
      attendanceRecord({ possible: 10, attended: 10 }, { recordedOn: '2026-01-04' }),
      people,
      facts,
    )
    assert.deepEqual((early as { fields: Record<string, string> }).fields, {
      recordedOn: 'The date of the reading must be on or after the day the family was accepted',
    })
    const review = (reviewId: string, occasion = 'review', recordedOn = '2026-02-20') =>
      checkMeasureRecord(
        lewisham,
        attendanceRecord({ possible: 10, attended: 10 }, { occasion, reviewId, recordedOn }),
        people,
        facts,
      )
    assert.ok(review('review-1').ok)
    assert.match(
      (review('review-9') as { fields: Record<string, string> }).fields.reviewId ?? '',
      /not one of this case’s reviews/,
    )
    assert.match(
      (review('review-1', 'start') as { fields: Record<string, string> }).fields.reviewId ?? '',
      /only be named/,
    )
    assert.match(
      (review('review-1', 'review', '2026-02-10') as { fields: Record<string, string> }).fields.reviewId ?? '',
      /held after/,
    )
  })

  test('follow-up readings come after closure, and only they do', () => {
    const open = checkMeasureRecord(
      lewisham,
      attendanceRecord({ possible: 10, attended: 10 }, { occasion: 'follow-up' }),
      people,
      facts,
    )
    assert.match((open as { fields: Record<string, string> }).fields.occasion ?? '', /after the case has closed/)
    const closed = { ...facts, closed: true }
    assert.ok(
      checkMeasureRecord(
        lewisham,
        attendanceRecord({ possible: 10, attended: 10 }, { occasion: 'follow-up' }),
        people,
        closed,
      ).ok,
    )
    const late = checkMeasureRecord(lewisham, attendanceRecord({ possible: 10, attended: 10 }), people, closed)
    assert.match((late as { fields: Record<string, string> }).fields.occasion ?? '', /only follow-up readings/)
  })
})

describe('scaling questions per goal (0 = worst, 10 = the preferred future)', () => {
  const goals = ['goal-a', 'goal-b']
  const scaling = (scores: unknown[], extra: Record<string, unknown> = {}) =>
    checkScaling({ askedOn: '2026-01-12', occasion: 'start', scores, ...extra }, goals, facts)

  test('the family’s score, the worker’s, or both; a note is kept', () => {
    const result = scaling([
      { goalId: 'goal-a', familyScore: 3, workerScore: '4', note: ' Robin chose 3 ' },
      { goalId: 'goal-b', workerScore: 2 },
    ])
    assert.ok(result.ok)
    assert.deepEqual(result.data.scores, [
      { goalId: 'goal-a', familyScore: 3, workerScore: 4, note: 'Robin chose 3' },
      { goalId: 'goal-b', familyScore: null, workerScore: 2, note: null },
    ])
  })

  test('every problem at once: out of range, not whole, neither score, a goal not in the plan, twice', () => {
    assert.deepEqual(
      scaling(
        [
          { goalId: 'goal-a', familyScore: 11, workerScore: 'seven' },
          { goalId: 'goal-b' },
          { goalId: 'goal-z', familyScore: 5 },
          { goalId: 'goal-a', familyScore: 5 },
        ],
        { askedOn: '2026-03-03', occasion: 'whenever' },
      ),
      {
        ok: false,
        fields: {
          askedOn: 'The date the scores were given must be today or in the past',
          occasion: 'Select when this was recorded',
          'scores.0.familyScore': 'The family’s score must be a whole number from 0 to 10',
          'scores.0.workerScore': 'The worker’s score must be a whole number from 0 to 10',
          'scores.1.familyScore': 'Enter the family’s score, the worker’s score or both',
          'scores.2.goalId': 'Choose a goal from the family’s current plan',
          'scores.3.goalId': 'Each goal can be scored once at a time',
        },
      },
    )
  })

  test('no goals in the plan, no scores given, or a closed case: refused', () => {
    assert.match(
      (
        checkScaling({ askedOn: '2026-01-12', occasion: 'start', scores: [] }, [], facts) as {
          fields: Record<string, string>
        }
      ).fields.scores ?? '',
      /no goals yet/,
    )
    assert.match((scaling([]) as { fields: Record<string, string> }).fields.scores ?? '', /at least one goal/)
    const closed = checkScaling(
      { askedOn: '2026-01-12', occasion: 'start', scores: [{ goalId: 'goal-a', familyScore: 3 }] },
      goals,
      { ...facts, closed: true },
    )
    assert.match((closed as { fields: Record<string, string> }).fields.form ?? '', /closed/)
  })

  test('property: any whole number from 0 to 10 is accepted; anything outside is refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 60 }), fc.integer({ min: 0, max: 10 }), (family, worker) => {
        const result = scaling([{ goalId: 'goal-a', familyScore: family, workerScore: worker }])
        assert.equal(result.ok, family >= 0 && family <= 10)
      }),
    )
  })
})

describe('distance travelled', () => {
  test('a goal scaled 3 then 7 by the family is “up 4 points”', () => {
    const d = distanceTravelled([
      { askedOn: '2026-01-12', familyScore: 3, workerScore: 4 },
      { askedOn: '2026-02-16', familyScore: null, workerScore: 5 },
      { askedOn: '2026-03-02', familyScore: 7, workerScore: 6 },
    ])
    assert.deepEqual(d, {
      first: { on: '2026-01-12', score: 3 },
      latest: { on: '2026-03-02', score: 7 },
      change: 4,
      words: 'up 4 points',
    })
  })

  test('in words: up, down, one point, no change, once, not yet', () => {
    assert.equal(changeInWords(1), 'up 1 point')
    assert.equal(changeInWords(-2), 'down 2 points')
    assert.equal(changeInWords(0), 'no change')
    assert.equal(
      distanceTravelled([{ askedOn: '2026-01-12', familyScore: 5, workerScore: null }]).words,
      'scored once so far',
    )
    assert.equal(distanceTravelled([]).words, 'not scored yet')
  })
})
