import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { loadProgrammeLibrary } from '../programmes/library.ts'
import {
  type ClosureInput,
  type ClosureRules,
  checkClosure,
  checkFollowUp,
  checkLaterSteps,
  closureDestinations,
  closureOutcomes,
  closureSteps,
  followUpSchedule,
  headlineNeeds,
  stepEvents,
  stepsToDo,
} from './closure.ts'
import { addMonths, daysBetween, type IsoDate } from './isoDate.ts'
import type { Programme } from './programme/schema.ts'

const library = loadProgrammeLibrary()
const programme = (id: string) => library.get(id) as Programme

const CHILD = '11111111-1111-4111-8111-111111111111'
const BABY = '22222222-2222-4222-8222-222222222222'

function rules(id: string, extra: Partial<ClosureRules> = {}): ClosureRules {
  return {
    programme: programme(id),
    today: '2026-06-10',
    openedOn: '2026-01-05',
    lastMove: { on: '2026-03-02', what: 'step-down started' },
    children: [{ personId: CHILD, unborn: false }],
    needs: { headlines: [1, 7], identified: true },
    ...extra,
  }
}

function lewishamClosure(extra: Partial<ClosureInput> = {}): ClosureInput {
  return {
    closedOn: '2026-06-05',
    reason: 'The family reached the goals in their Family Action Plan.',
    destinationId: 'universal-services',
    outcomes: [
      { headline: 1, result: 'improved', evidence: 'Attendance up from 72% to 95%.' },
      { headline: 7, result: 'sustained', evidence: 'No police call-outs since February.' },
    ],
    children: [{ personId: CHILD, livingAtHome: true }],
    steps: [
      { stepId: 'taf-closure-meeting', done: true, doneOn: '2026-06-01' },
      { stepId: 'family-celebration', done: false },
    ],
    ...extra,
  }
}

describe('where a family goes on closing', () => {
  test("the programme's destinations first, then withdrew consent and moved away", () => {
    const derby = closureDestinations(programme('derby-staying-together'))
    assert.deepEqual(
      derby.map((d) => d.id),
      ['remains-with-social-care', 'step-across-early-help', 'step-down-universal', 'withdrew-consent', 'moved-away'],
    )
    assert.equal(derby.find((d) => d.id === 'step-down-universal')?.reportsAs, 'outcomes-met')
    assert.deepEqual(
      derby.filter((d) => d.common).map((d) => d.reportsAs),
      ['no-further-action', 'no-further-action'],
    )
  })

  test('Staying Together\'s intervention report has recipients: "The family and the social worker will receive a copy"', () => {
    const [report] = closureSteps(programme('staying-together'))
    assert.equal(report?.event, 'intervention-report-sent')
    assert.deepEqual(report?.recipients, ['family', 'allocated-social-worker'])
    // Lewisham's closure meeting is an event, but people take part in it rather than receive it.
    const [meeting] = closureSteps(programme('lewisham-safer-stronger'))
    assert.equal(meeting?.event, 'closure-meeting')
    assert.deepEqual(meeting?.recipients, [])
  })
})

describe('headline needs', () => {
  test('from the assessment, then the plan goals, each once', () => {
    assert.deepEqual(headlineNeeds(programme('lewisham-safer-stronger'), [1, 10], [10, null, 7]), {
      headlines: [1, 10, 7],
      identified: true,
    })
  })
  test("none recorded: the programme's headline outcomes to choose from", () => {
    assert.deepEqual(headlineNeeds(programme('lewisham-safer-stronger'), [], [null]), {
      headlines: [1, 7, 10, 6],
      identified: false,
    })
  })
})

describe('checking a proposed closure', () => {
  test('a Lewisham closure with the TAF closure meeting done and the celebration still to come', () => {
    const checked = checkClosure(lewishamClosure(), rules('lewisham-safer-stronger'))
    assert.ok(checked.ok, JSON.stringify(checked))
    assert.deepEqual(checked.data.steps, [
      { stepId: 'taf-closure-meeting', done: true, doneOn: '2026-06-01', note: null },
      { stepId: 'family-celebration', done: false, doneOn: null, note: null },
    ])
    assert.deepEqual(stepEvents(programme('lewisham-safer-stronger'), checked.data.steps), [
      { type: 'closure-meeting', on: '2026-06-01' },
    ])
    assert.deepEqual(
      stepsToDo(programme('lewisham-safer-stronger'), checked.data.steps).map((s) => s.id),
      ['family-celebration'],
    )
  })

  test('every problem at once, each on its field', () => {
    const checked = checkClosure(
      {
        closedOn: '2026-02-20',
        reason: ' ',
        destinationId: 'somewhere',
        outcomes: [{ headline: 1, result: 'improved', evidence: '' }],
        children: [],
        steps: [{ stepId: 'taf-closure-meeting', done: true, doneOn: '' }],
      },
      rules('lewisham-safer-stronger'),
    )
    assert.equal(checked.ok, false)
    assert.ok(!checked.ok)
    assert.deepEqual(checked.fields, {
      closedOn: 'The closing date must be on or after 2 March 2026, when step-down started',
      reason: 'Enter the reason for closing',
      destinationId: 'Choose one of the destinations Safer Stronger Families offers',
      'outcome-1-evidence': 'Say what shows the outcome for getting a good education',
      'outcome-7': 'Choose the outcome for crime prevention and tackling crime',
      [`child-${CHILD}`]: 'Say whether the child is living at home',
      'step-taf-closure-meeting-doneOn':
        'Team Around the Family closure meeting: enter the date it was done, or say it is not done yet',
    })
  })

  test('dates cannot be in the future, and nothing can be missing', () => {
    const checked = checkClosure(
      lewishamClosure({
        closedOn: '2026-06-11',
        steps: [{ stepId: 'taf-closure-meeting', done: true, doneOn: '2026-13-01' }],
      }),
      rules('lewisham-safer-stronger'),
    )
    assert.ok(!checked.ok)
    assert.equal(checked.fields.closedOn, 'The closing date must be today or in the past')
    assert.equal(checked.fields['step-taf-closure-meeting-doneOn'], 'The date it was done must be a real date')
    const empty = checkClosure({}, rules('lewisham-safer-stronger'))
    assert.ok(!empty.ok)
    assert.equal(empty.fields.closedOn, 'Enter the closing date')
    assert.equal(empty.fields.destinationId, 'Choose where the family goes next')
  })

  test('a report is done when it has reached every recipient, on the last day, none before closure', () => {
    const base: ClosureInput = {
      closedOn: '2026-06-05',
      reason: 'Goals met.',
      destinationId: 'remains-at-home',
      outcomes: [{ headline: 5, result: 'improved', evidence: 'Fewer arguments.' }],
      children: [{ personId: CHILD, livingAtHome: true }],
    }
    const st = rules('staying-together', { needs: { headlines: [5], identified: true } })
    const half = checkClosure({ ...base, recipients: [{ participant: 'family', sentOn: '2026-06-08' }] }, st)
    assert.ok(half.ok)
    assert.deepEqual(half.data.steps, [{ stepId: 'intervention-report', done: false, doneOn: null, note: null }])
    const both = checkClosure(
      {
        ...base,
        recipients: [
          { participant: 'family', sentOn: '2026-06-08' },
          { participant: 'allocated-social-worker', sentOn: '2026-06-09' },
        ],
      },
      st,
    )
    assert.ok(both.ok)
    assert.deepEqual(both.data.steps, [{ stepId: 'intervention-report', done: true, doneOn: '2026-06-09', note: null }])
    const early = checkClosure({ ...base, recipients: [{ participant: 'family', sentOn: '2026-06-01' }] }, st)
    assert.ok(!early.ok)
    assert.match(early.fields['sent-family'] ?? '', /on or after the closing date/)
  })

  test('with no needs recorded, the worker records at least one of the programme’s', () => {
    const open = rules('lewisham-safer-stronger', { needs: { headlines: [1, 7, 10, 6], identified: false } })
    const none = checkClosure(lewishamClosure({ outcomes: [] }), open)
    assert.ok(!none.ok)
    assert.equal(none.fields['outcome-1'], 'Choose the outcome for at least one headline need the family had')
    const one = checkClosure(
      lewishamClosure({ outcomes: [{ headline: 10, result: 'worse', evidence: 'Debts grew.' }] }),
      open,
    )
    assert.ok(one.ok)
    assert.deepEqual(one.data.outcomes, [{ headline: 10, result: 'worse', evidence: 'Debts grew.' }])
  })

  test('an unborn baby can be "not born yet"; a child cannot', () => {
    const stars = rules('tameside-stars', {
      children: [
        { personId: BABY, unborn: true },
        { personId: CHILD, unborn: false },
      ],
      needs: { headlines: [2], identified: true },
    })
    const input: ClosureInput = {
      closedOn: '2026-06-05',
      reason: 'Parents confident.',
      destinationId: 'family-together',
      outcomes: [{ headline: 2, result: 'improved', evidence: 'Health visitor pleased.' }],
      children: [
        { personId: BABY, livingAtHome: null },
        { personId: CHILD, livingAtHome: null },
      ],
    }
    const checked = checkClosure(input, stars)
    assert.ok(!checked.ok)
    assert.deepEqual(Object.keys(checked.fields), [`child-${CHILD}`])
  })

  test('after sign-off, only steps still to do can be recorded; done ones stay as signed off', () => {
    const st = programme('staying-together')
    const signedOff = {
      closedOn: '2026-06-05' as IsoDate,
      steps: [{ stepId: 'intervention-report', done: false, doneOn: null, note: null }],
      recipients: [
        { participant: 'family' as const, sentOn: '2026-06-05' as IsoDate },
        { participant: 'allocated-social-worker' as const, sentOn: null },
      ],
    }
    const later = checkLaterSteps(
      st,
      signedOff,
      {
        recipients: [
          { participant: 'family', sentOn: '2026-06-09' },
          { participant: 'allocated-social-worker', sentOn: '2026-06-10' },
        ],
      },
      { today: '2026-06-10', openedOn: '2026-01-05' },
    )
    assert.ok(later.ok)
    assert.deepEqual(later.data.recipients, [
      { participant: 'family', sentOn: '2026-06-05' },
      { participant: 'allocated-social-worker', sentOn: '2026-06-10' },
    ])
    assert.deepEqual(later.data.steps, [
      { stepId: 'intervention-report', done: true, doneOn: '2026-06-10', note: null },
    ])
  })
})

describe('follow-ups', () => {
  test('at 3, 6 and 12 months after closure, keeping the day where the month has it', () => {
    assert.deepEqual(followUpSchedule('2026-11-30'), [
      { months: 3, dueOn: '2027-02-28' },
      { months: 6, dueOn: '2027-05-30' },
      { months: 12, dueOn: '2027-11-30' },
    ])
  })

  test('every follow-up falls the right number of months after any closing day', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }), (d) => {
        const closedOn = d.toISOString().slice(0, 10) as IsoDate
        const schedule = followUpSchedule(closedOn)
        assert.deepEqual(
          schedule.map((s) => s.dueOn),
          [3, 6, 12].map((m) => addMonths(closedOn, m)),
        )
        for (const s of schedule) assert.ok(daysBetween(closedOn, s.dueOn) >= s.months * 28)
      }),
    )
  })

  test('recorded from 14 days before it is due, after closure, not in the future, every answer given', () => {
    const base = {
      today: '2026-09-10' as IsoDate,
      closedOn: '2026-06-05' as IsoDate,
      dueOn: '2026-09-05' as IsoDate,
      months: 3,
      children: [{ personId: CHILD, unborn: false }],
    }
    const early = checkFollowUp({ doneOn: '2026-08-21', children: [], reReferred: null }, base)
    assert.ok(!early.ok)
    assert.deepEqual(early.fields, {
      doneOn: 'The 3-month follow-up is due on 5 September 2026: it can be recorded from 22 August 2026',
      [`child-${CHILD}`]: 'Say whether the child is still living at home',
      reReferred: 'Say whether the family has been referred again',
    })
    const done = checkFollowUp(
      { doneOn: '2026-08-22', children: [{ personId: CHILD, livingAtHome: true }], reReferred: false, note: ' ' },
      base,
    )
    assert.ok(done.ok)
    assert.deepEqual(done.data, {
      doneOn: '2026-08-22',
      children: [{ personId: CHILD, livingAtHome: true }],
      reReferred: false,
      note: null,
    })
    const future = checkFollowUp({ doneOn: '2026-09-11' }, base)
    assert.ok(!future.ok)
    assert.equal(future.fields.doneOn, 'The date of the follow-up must be today or in the past')
  })
})

describe('what closure says for the outcomes report', () => {
  test('destination and how it is reported, needs, each child at home at closure and after, re-referral', () => {
    const derby = programme('derby-staying-together')
    const closure = {
      status: 'signed-off' as const,
      closedOn: '2026-06-05' as IsoDate,
      destinationId: 'step-down-universal',
      outcomes: [
        { headline: 5, result: 'improved' as const, evidence: 'Calmer at home.' },
        { headline: 6, result: 'no-change' as const, evidence: 'Still missing some nights.' },
      ],
      children: [{ personId: CHILD, livingAtHome: true }],
    }
    const due = followUpSchedule('2026-06-05')
    const none = closureOutcomes(
      derby,
      closure,
      due.map((d) => ({ ...d, doneOn: null, children: [], reReferred: null })),
    )
    assert.deepEqual(none.destination, {
      id: 'step-down-universal',
      name: 'Step down to universal services',
      reportsAs: 'outcomes-met',
      reportsAsName: 'Outcomes met',
    })
    assert.equal(none.everyNeedPositive, false)
    assert.equal(none.reReferred, null)
    assert.equal(none.stillAtHomeAfterSixMonths, null)
    assert.deepEqual(none.children, [{ personId: CHILD, atClosure: true, after: { 3: null, 6: null, 12: null } }])

    const all = closureOutcomes(
      derby,
      closure,
      due.map((d) => ({
        ...d,
        doneOn: d.dueOn,
        children: [{ personId: CHILD, livingAtHome: d.months < 12 }],
        reReferred: false,
      })),
    )
    assert.equal(all.reReferred, false)
    assert.equal(all.stillAtHomeAfterSixMonths, false, 'not at home at 12 months')
    assert.deepEqual(all.children[0]?.after, { 3: true, 6: true, 12: false })
  })
})
