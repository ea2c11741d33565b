import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { loadProgrammeLibrary } from '../programmes/library.ts'
import {
  type CriterionOutcome,
  type CriterionScreening,
  impossibleFacts,
  type ScreeningFacts,
  screen,
  screeningFactsSchema,
  whichServicesFit,
} from './eligibility.ts'
import type { Programme } from './programme/schema.ts'

const library = loadProgrammeLibrary()
const programme = (id: string): Programme => {
  const found = library.get(id)
  assert.ok(found, id)
  return found
}
const ON = '2026-11-23'
const facts = (given: Partial<ScreeningFacts> = {}): ScreeningFacts => screeningFactsSchema.parse(given)

/** The outcome of one criterion, found by id anywhere in the tree. */
function outcomeOf(id: string, programmeId: string, given: Partial<ScreeningFacts>, on = ON): CriterionOutcome {
  const find = (node: CriterionScreening): CriterionScreening | undefined =>
    node.id === id ? node : node.of?.map(find).find(Boolean)
  const found = find(screen(programme(programmeId), facts(given), on).criteria)
  assert.ok(found, `${programmeId} has a criterion ${id}`)
  return found.outcome
}

describe('Tameside STARS: "women early in pregnancy (12 weeks or less) who have had one or more children removed"', () => {
  // Due 40 weeks after conception-dating: 12 weeks pregnant on 23 November 2026 means due 28 weeks later.
  const dueAtWeeks = (weeks: number, days = 0) => {
    const due = new Date(Date.parse(`${ON}T00:00:00Z`) + ((40 - weeks) * 7 - days) * 86_400_000)
    return due.toISOString().slice(0, 10)
  }

  test('12 weeks pregnant on the referral date is met', () => {
    assert.equal(outcomeOf('early-pregnancy', 'tameside-stars', { expectedDeliveryDate: dueAtWeeks(12) }), 'met')
  })

  test('12 weeks and 6 days is still "12 weeks"; 13 weeks is not met', () => {
    assert.equal(outcomeOf('early-pregnancy', 'tameside-stars', { expectedDeliveryDate: dueAtWeeks(12, 6) }), 'met')
    assert.equal(outcomeOf('early-pregnancy', 'tameside-stars', { expectedDeliveryDate: dueAtWeeks(13) }), 'not-met')
  })

  test('without an expected date of delivery, gestation is unknown, not "not met"', () => {
    assert.equal(outcomeOf('early-pregnancy', 'tameside-stars', {}), 'unknown')
  })

  test('"one or more children removed previously": 1 met, 0 not met', () => {
    assert.equal(outcomeOf('previous-removal', 'tameside-stars', { previousRemovals: 1 }), 'met')
    assert.equal(outcomeOf('previous-removal', 'tameside-stars', { previousRemovals: 0 }), 'not-met')
  })

  test('"there is risk of further removals" is for the managers, so a family that fits the facts needs judgement', () => {
    const result = screen(
      programme('tameside-stars'),
      facts({ expectedDeliveryDate: dueAtWeeks(10), previousRemovals: 2 }),
      ON,
    )
    assert.equal(result.result, 'needs-judgement')
    assert.match(result.criteria.of?.[0]?.explanation ?? '', /10 weeks/)
  })
})

describe('Staying Together: "young people aged from 11 to 18 years old"', () => {
  test('10 is not met, 11 is met', () => {
    assert.equal(outcomeOf('age', 'staying-together', { children: [{ age: 10 }] }), 'not-met')
    assert.equal(outcomeOf('age', 'staying-together', { children: [{ age: 11 }] }), 'met')
  })

  test('the day before the 11th birthday is 10; on the birthday, 11', () => {
    assert.equal(outcomeOf('age', 'staying-together', { children: [{ dateOfBirth: '2015-11-24' }] }), 'not-met')
    assert.equal(outcomeOf('age', 'staying-together', { children: [{ dateOfBirth: '2015-11-23' }] }), 'met')
  })

  test('"11 to 18" is read as up to the 18th birthday: 17 met, 18 not', () => {
    assert.equal(outcomeOf('age', 'staying-together', { children: [{ age: 17 }] }), 'met')
    assert.equal(outcomeOf('age', 'staying-together', { children: [{ age: 18 }] }), 'not-met')
  })

  test('"any 16 or 17 year old\'s that present as homeless": a 16-year-old presenting homeless is met', () => {
    assert.equal(
      outcomeOf('homeless', 'staying-together', { children: [{ age: 16 }], youngPersonHomeless: true }),
      'met',
    )
    assert.equal(
      outcomeOf('homeless', 'staying-together', { children: [{ age: 15 }], youngPersonHomeless: true }),
      'not-met',
    )
    const result = screen(
      programme('staying-together'),
      facts({ children: [{ age: 16 }], youngPersonHomeless: true, socialWorkerAllocated: true }),
      ON,
    )
    assert.equal(result.result, 'eligible')
  })

  test('"The family\'s social worker will contact the Staying Together team": no social worker is not met', () => {
    const result = screen(
      programme('staying-together'),
      facts({ children: [{ age: 16 }], youngPersonHomeless: true, socialWorkerAllocated: false }),
      ON,
    )
    assert.equal(result.result, 'not-eligible')
  })
})

describe('Derby Staying Together Team: "Child/ Children aged between 8 -18 years"', () => {
  test('8 is met, 7 is not', () => {
    assert.equal(outcomeOf('age', 'derby-staying-together', { children: [{ age: 8 }] }), 'met')
    assert.equal(outcomeOf('age', 'derby-staying-together', { children: [{ age: 7 }] }), 'not-met')
  })

  test('one child in range is enough in a family of several', () => {
    assert.equal(outcomeOf('age', 'derby-staying-together', { children: [{ age: 4 }, { age: 9 }] }), 'met')
  })

  test('"Predominantly these cases will be Level 3 to Level 4": level 3 met, level 2 needs judgement, not a decline', () => {
    assert.equal(outcomeOf('level', 'derby-staying-together', { safeguardingLevel: 3 }), 'met')
    assert.equal(outcomeOf('level', 'derby-staying-together', { safeguardingLevel: 4 }), 'met')
    assert.equal(outcomeOf('level', 'derby-staying-together', { safeguardingLevel: 2 }), 'judgement')
  })

  test('one of the 16 escalation indicators is met; none is "not an exhaustive list", so judgement', () => {
    assert.equal(outcomeOf('escalation', 'derby-staying-together', { indicators: ['missing-episodes'] }), 'met')
    assert.equal(outcomeOf('escalation', 'derby-staying-together', { indicators: [] }), 'judgement')
    assert.equal(outcomeOf('escalation', 'derby-staying-together', {}), 'unknown')
  })

  test('a 9-year-old at level 3 with frequent missing episodes appears eligible', () => {
    const result = screen(
      programme('derby-staying-together'),
      facts({ children: [{ age: 9 }], safeguardingLevel: 3, indicators: ['missing-episodes'] }),
      ON,
    )
    assert.equal(result.result, 'eligible')
    assert.deepEqual(result.counts, { met: 3, 'not-met': 0, judgement: 3, unknown: 0 })
  })
})

describe('Derbyshire Stronger Families: three avenues, each a professional judgement', () => {
  test('a child under 18 with no other facts needs judgement', () => {
    const result = screen(programme('derbyshire-stronger-families'), facts({ children: [{ age: 5 }] }), ON)
    assert.equal(result.result, 'needs-judgement')
  })
})

describe('Lewisham Safer Stronger Families: "before they need support from Children\'s Social Care or as part of a step down plan from a Child in Need plan"', () => {
  test('level 2 or 3 is met; level 4 is not, unless stepping down from a Child in Need plan', () => {
    assert.equal(outcomeOf('route', 'lewisham-safer-stronger', { safeguardingLevel: 2 }), 'met')
    assert.equal(
      outcomeOf('route', 'lewisham-safer-stronger', { safeguardingLevel: 4, childInNeedStepDown: false }),
      'not-met',
    )
    assert.equal(
      outcomeOf('route', 'lewisham-safer-stronger', { safeguardingLevel: 4, childInNeedStepDown: true }),
      'met',
    )
  })
})

describe('screening in general', () => {
  test('with no facts at all every programme needs more information; none is "not eligible"', () => {
    for (const result of whichServicesFit(facts(), library.programmes, ON)) {
      assert.notEqual(result.result, 'not-eligible', result.programmeId)
    }
  })

  test('every criterion explains itself in one sentence and quotes its source', () => {
    const result = screen(programme('derby-staying-together'), facts({ children: [{ age: 12 }] }), ON)
    const walk = (node: CriterionScreening) => {
      assert.match(node.explanation, /^[A-Z].*[.?]$/, node.id)
      if (!node.of) assert.ok(node.source, `${node.id} has a source`)
      node.of?.forEach(walk)
    }
    walk(result.criteria)
  })

  test('which service fits: a pregnant mother with a previous removal is best matched to STARS', () => {
    const results = whichServicesFit(
      facts({ expectedDeliveryDate: '2027-06-21', previousRemovals: 1, children: [] }),
      library.programmes,
      ON,
    )
    assert.equal(results[0]?.programmeId, 'tameside-stars')
    assert.equal(results.length, 5)
  })

  test('which service fits: a 14-year-old at level 3 with escalating behaviour is not pointed at STARS first', () => {
    const results = whichServicesFit(
      facts({
        children: [{ age: 14 }],
        expectingBaby: false,
        previousRemovals: 0,
        safeguardingLevel: 3,
        indicators: ['weapons'],
        socialWorkerAllocated: true,
      }),
      library.programmes,
      ON,
    )
    assert.equal(results[0]?.programmeId, 'derby-staying-together')
    assert.equal(results[0]?.result, 'eligible')
    assert.deepEqual(results.at(-1), { ...results.at(-1), programmeId: 'tameside-stars', result: 'not-eligible' })
  })
})

describe('impossible facts', () => {
  test('a child born after the referral date, a negative count and a far-off due date are refused', () => {
    assert.equal(screeningFactsSchema.safeParse({ previousRemovals: -1 }).success, false)
    assert.equal(screeningFactsSchema.safeParse({ children: [{ age: -2 }] }).success, false)
    assert.equal(screeningFactsSchema.safeParse({ expectedDeliveryDate: '2026-02-30' }).success, false)
    const problems = impossibleFacts(
      facts({ children: [{ dateOfBirth: '2027-01-01' }, {}], expectedDeliveryDate: '2027-09-30' }),
      ON,
    )
    assert.deepEqual(
      problems.map((p) => p.path.join('.')),
      ['children.0.dateOfBirth', 'children.1', 'expectedDeliveryDate'],
    )
  })
})
