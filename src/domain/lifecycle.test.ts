import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { loadProgrammeLibrary } from '../programmes/library.ts'
import { calendarFor } from './bankHolidays.ts'
import type { CaseEvent } from './deadlines.ts'
import {
  CASE_STAGES,
  type CaseStage,
  currentPhase,
  engagement,
  nextEvents,
  STAGE_EVENTS,
  stageOf,
  transition,
} from './lifecycle.ts'
import type { Programme } from './programme/schema.ts'

const library = loadProgrammeLibrary()
const programme = (id: string) => library.get(id) as Programme
const calendar = calendarFor()
const at = (iso: string) => new Date(iso)

describe('the life of a case: accepted → active → step-down → closed', () => {
  test('support starts once, from acceptance', () => {
    const lewisham = programme('lewisham-safer-stronger')
    assert.deepEqual(transition(lewisham, 'accepted', 'support-started'), { ok: true, to: 'active' })
    const again = transition(lewisham, 'active', 'support-started')
    assert.equal(again.ok, false)
  })

  test('only a programme with a step-down phase has a step-down: Lewisham’s "10 week step down period"', () => {
    assert.deepEqual(transition(programme('lewisham-safer-stronger'), 'active', 'step-down-started'), {
      ok: true,
      to: 'step-down',
    })
    // Derby's "gradual reduction in support" is its step-down; Derbyshire has none.
    assert.equal(transition(programme('derby-staying-together'), 'active', 'step-down-started').ok, true)
    const derbyshire = transition(programme('derbyshire-stronger-families'), 'active', 'step-down-started')
    assert.deepEqual(derbyshire, { ok: false, reason: 'Stronger Families Team has no step-down phase.' })
  })

  test('Staying Together offers "another cycle of support", and Derby extends "if needed"', () => {
    assert.equal(transition(programme('staying-together'), 'active', 'further-cycle-started').ok, true)
    assert.equal(transition(programme('derby-staying-together'), 'active', 'further-cycle-started').ok, true)
    assert.equal(transition(programme('derbyshire-stronger-families'), 'active', 'further-cycle-started').ok, false)
  })

  test('nothing happens to a closed case, and every refusal says why', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...library.programmes),
        fc.constantFrom(...(Object.keys(CASE_STAGES) as CaseStage[])),
        fc.constantFrom(...STAGE_EVENTS),
        (p, stage, event) => {
          const result = transition(p, stage, event)
          if (stage === 'closed') assert.equal(result.ok, false)
          if (!result.ok) assert.ok(result.reason.length > 10, 'a reason a user can read')
          else assert.ok(result.to in CASE_STAGES)
          assert.equal(nextEvents(p, stage).includes(event), result.ok, 'offered exactly when allowed')
        },
      ),
    )
  })

  test('the stage read from the events agrees with the moves that made them', () => {
    fc.assert(
      fc.property(fc.constantFrom(...library.programmes), fc.array(fc.constantFrom(...STAGE_EVENTS)), (p, moves) => {
        let stage: CaseStage = 'accepted'
        const events: CaseEvent[] = [{ type: 'accepted', at: at('2026-01-05T09:00:00Z') }]
        moves.forEach((move, i) => {
          const result = transition(p, stage, move)
          if (!result.ok) return
          stage = result.to
          events.push({ type: move, at: new Date(Date.UTC(2026, 0, 6 + i)) })
        })
        assert.equal(stageOf(events), stage)
      }),
    )
  })
})

describe('the phase and week a family is in', () => {
  test('Staying Together: week 1 is the day support starts and the six after; the cycle is 12 weeks', () => {
    const st = programme('staying-together')
    const events: CaseEvent[] = [
      { type: 'accepted', at: at('2026-01-02T09:00:00Z') },
      { type: 'support-started', at: at('2026-01-05T09:00:00Z') },
    ]
    assert.equal(currentPhase(st, events, at('2026-01-04T09:00:00Z')), undefined, 'none before support starts')
    const first = currentPhase(st, events, at('2026-01-11T20:00:00Z'))
    assert.deepEqual([first?.phase.id, first?.week, first?.ofWeeks, first?.endsOn], ['cycle', 1, 12, '2026-03-29'])
    assert.equal(currentPhase(st, events, at('2026-01-12T09:00:00Z'))?.week, 2)
    const further = [...events, { type: 'further-cycle-started', at: at('2026-03-30T09:00:00Z') } as CaseEvent]
    const second = currentPhase(st, further, at('2026-04-01T09:00:00Z'))
    assert.deepEqual([second?.phase.id, second?.week], ['further-cycle', 1])
  })

  test('Derbyshire: the pathway decides the phase; six months is 26 weeks', () => {
    const d = programme('derbyshire-stronger-families')
    const events: CaseEvent[] = [{ type: 'support-started', at: at('2026-01-05T09:00:00Z') }]
    assert.equal(currentPhase(d, events, at('2026-01-06T09:00:00Z'), 'crisis-de-escalation')?.phase.id, 'crisis')
    const intensive = currentPhase(d, events, at('2026-01-06T09:00:00Z'), 'reunification')
    assert.deepEqual([intensive?.phase.id, intensive?.ofWeeks], ['intensive', 26])
  })

  test('a closed case is in no phase', () => {
    const events: CaseEvent[] = [
      { type: 'support-started', at: at('2026-01-05T09:00:00Z') },
      { type: 'closed', at: at('2026-02-05T09:00:00Z') },
    ]
    assert.equal(currentPhase(programme('lewisham-safer-stronger'), events, at('2026-02-06T09:00:00Z')), undefined)
  })
})

describe('seeing the children', () => {
  const lewisham = programme('lewisham-safer-stronger')
  const base = {
    acceptedAt: at('2026-01-05T09:00:00Z'), // a Monday
    children: ['robin', 'sky'],
    familySeen: [] as Date[],
    stage: 'active' as CaseStage,
  }

  test('Lewisham’s "assertive outreach": no child seen for 5 working days is overdue', () => {
    const notYet = engagement(lewisham, { ...base, sightings: [] }, calendar, at('2026-01-09T12:00:00Z'))
    assert.equal(notYet.deadline?.dueDate, '2026-01-12')
    assert.equal(notYet.deadline?.status, 'due-soon')
    const late = engagement(lewisham, { ...base, sightings: [] }, calendar, at('2026-01-13T09:00:00Z'))
    assert.equal(late.deadline?.status, 'overdue')
  })

  test('a sighting of any child restarts the count; each child keeps their own last sighting', () => {
    const seen = engagement(
      lewisham,
      {
        ...base,
        familySeen: [at('2026-01-08T10:00:00Z')],
        sightings: [
          { at: at('2026-01-07T10:00:00Z'), childrenSeen: ['robin', 'sky'] },
          { at: at('2026-01-08T10:00:00Z'), childrenSeen: ['robin'] },
          { at: at('2026-01-09T10:00:00Z'), childrenSeen: ['someone-else'] },
        ],
      },
      calendar,
      at('2026-01-13T09:00:00Z'),
    )
    assert.equal(seen.deadline?.status, 'not-yet-due')
    assert.equal(seen.deadline?.dueDate, '2026-01-15', '5 working days after Thursday the 8th')
    assert.equal(seen.childLastSeen.robin?.toISOString(), '2026-01-08T10:00:00.000Z')
    assert.equal(seen.childLastSeen.sky?.toISOString(), '2026-01-07T10:00:00.000Z')
    assert.equal(seen.lastSeenAt?.toISOString(), '2026-01-08T10:00:00.000Z')
  })

  test('no flag for a closed case, or before a baby is born', () => {
    assert.equal(
      engagement(lewisham, { ...base, stage: 'closed', sightings: [] }, calendar, base.acceptedAt).deadline,
      undefined,
    )
    assert.equal(
      engagement(lewisham, { ...base, children: [], sightings: [] }, calendar, base.acceptedAt).deadline,
      undefined,
    )
  })
})
