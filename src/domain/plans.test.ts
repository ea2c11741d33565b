import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  agreementDateProblems,
  agreementProblems,
  familyCopy,
  type PlanActionContent,
  type PlanContent,
  planTag,
  supportPackage,
} from './plans.ts'

const goal = { id: 'g1', need: 'Mornings are hard', outcome: 'Calm mornings', howWeKnow: null, headlineOutcome: 1 }
const action = (over: Partial<PlanActionContent> = {}): PlanActionContent => ({
  id: 'a1',
  goalId: 'g1',
  what: 'Routine chart',
  who: 'Key worker',
  byWhen: '2026-04-01',
  supportId: 'routines',
  status: 'not-started',
  requestedBySocialWorker: false,
  professionalOnly: false,
  ...over,
})
const familyPlan = (over: Partial<PlanContent> = {}): PlanContent => ({
  kind: 'family-action',
  summary: 'A calmer home',
  risks: null,
  contactArrangements: null,
  goals: [goal],
  actions: [action()],
  ...over,
})
const catalogue = [
  { id: 'triple-p', name: 'Triple P (Positive Parenting Program)' },
  { id: 'routines', name: 'Routines and boundaries' },
]

describe('agreeing a plan', () => {
  test('a family plan needs a goal, and an action for every goal', () => {
    assert.deepEqual(agreementProblems(familyPlan()), {})
    assert.deepEqual(agreementProblems(familyPlan({ goals: [], actions: [] })), {
      goals: 'Add at least one goal before the plan is agreed',
    })
    const second = { ...goal, id: 'g2' }
    assert.deepEqual(agreementProblems(familyPlan({ goals: [goal, second] })), {
      'goal-g2': 'Add at least one action to goal 2 before the plan is agreed',
    })
  })

  test('a crisis plan needs the risks, a safety action and how "the family can contact the team at any time"', () => {
    const crisis = familyPlan({ kind: 'crisis', goals: [], actions: [] })
    assert.deepEqual(Object.keys(agreementProblems(crisis)).sort(), ['actions', 'contactArrangements', 'risks'])
    assert.deepEqual(
      agreementProblems({
        ...crisis,
        risks: 'Leaving home at night',
        contactArrangements: 'Ring any time',
        actions: [action({ goalId: null })],
      }),
      {},
    )
  })

  test('the day agreed is not in the future, not before acceptance, not before the edition it replaces', () => {
    const limits = { today: '2026-03-02', acceptedOn: '2026-02-02', previousAgreedOn: '2026-02-20' }
    assert.deepEqual(agreementDateProblems('2026-03-02', limits), {})
    assert.match(agreementDateProblems('2026-03-03', limits).agreedOn ?? '', /today or in the past/)
    assert.match(agreementDateProblems('2026-02-01', limits).agreedOn ?? '', /on or after 2 February 2026/)
    assert.match(
      agreementDateProblems('2026-02-10', limits).agreedOn ?? '',
      /on or after 20 February 2026, when the edition/,
    )
  })
})

describe('showing a plan', () => {
  test('the status tag says draft, agreed but not signed off, signed off, or replaced', () => {
    assert.equal(planTag({ status: 'draft', signedOffAt: null }).text, 'Draft')
    assert.equal(planTag({ status: 'agreed', signedOffAt: null }).text, 'Agreed, not signed off')
    assert.equal(planTag({ status: 'agreed', signedOffAt: new Date() }).text, 'Signed off')
    assert.equal(planTag({ status: 'superseded', signedOffAt: new Date() }).text, 'Replaced by a later edition')
  })

  test('the support package lists the catalogue items chosen, in catalogue order, each with its actions', () => {
    const actions = [
      action({ id: 'a1', supportId: 'routines' }),
      action({ id: 'a2', supportId: 'triple-p' }),
      action({ id: 'a3', supportId: null }),
      action({ id: 'a4', supportId: 'triple-p' }),
    ]
    assert.deepEqual(
      supportPackage(actions, catalogue).map((p) => [p.item.id, p.actions.map((a) => a.id)]),
      [
        ['triple-p', ['a2', 'a4']],
        ['routines', ['a1']],
      ],
    )
  })
})

describe("the family's copy", () => {
  const plan = familyPlan({
    actions: [
      action({ id: 'a1', status: 'in-progress', supportId: 'triple-p' }),
      action({ id: 'a2', what: 'Police check', professionalOnly: true }),
      action({ id: 'a3', goalId: null, what: 'Asked for by the social worker', requestedBySocialWorker: true }),
    ],
  })
  const copy = familyCopy(
    { ...plan, status: 'agreed', agreedOn: '2026-03-02', agreedWith: 'Sam Testfamily' },
    { planName: 'Family Action Plan', familyName: 'Testfamily' },
    catalogue,
  )

  test('leaves out professional-only actions, support codes and request markers; says progress plainly', () => {
    const text = JSON.stringify(copy)
    assert.doesNotMatch(text, /Police check/)
    assert.doesNotMatch(text, /triple-p|requestedBySocialWorker|professionalOnly|in-progress/)
    assert.deepEqual(copy.goals[0]?.whatWillHelp, ['Triple P (Positive Parenting Program)'])
    assert.equal(copy.goals[0]?.whoDoesWhat[0]?.progress, 'Started')
    assert.deepEqual(
      copy.otherActions.map((a) => a.what),
      ['Asked for by the social worker'],
    )
    assert.equal(copy.agreedOn, '2026-03-02')
  })

  test('a draft is not presented as agreed', () => {
    const draft = familyCopy(
      { ...plan, status: 'draft', agreedOn: null, agreedWith: null },
      { planName: 'Family Action Plan', familyName: 'Testfamily' },
      catalogue,
    )
    assert.equal(draft.agreed, false)
    assert.equal(draft.agreedOn, null)
  })
})
