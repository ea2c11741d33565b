import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  childSeen,
  firstHomeVisit,
  londonInstant,
  londonTimeOfDay,
  readTimeOfDay,
  seesFamily,
  sightingOf,
  sightingProblem,
} from './contacts.ts'

describe('children seen at a contact', () => {
  test('seen alone means seen', () => {
    assert.deepEqual(childSeen('a', 'seen-alone'), { personId: 'a', seen: true, seenAlone: true })
    assert.deepEqual(childSeen('a', 'not-seen'), { personId: 'a', seen: false, seenAlone: false })
    assert.equal(sightingOf({ seen: true, seenAlone: true }), 'seen-alone')
    assert.equal(sightingOf({ seen: false, seenAlone: false }), 'not-seen')
    assert.equal(sightingOf(undefined), 'not-seen')
    assert.match(
      sightingProblem({ type: 'home-visit', outcome: 'completed' }, [{ seen: false, seenAlone: true }]) ?? '',
      /seen on their own/,
    )
  })

  test('no child is seen at a contact that did not take place, or at a call or a message', () => {
    const seen = [{ seen: true, seenAlone: false }]
    assert.equal(sightingProblem({ type: 'home-visit', outcome: 'completed' }, seen), undefined)
    assert.equal(sightingProblem({ type: 'video', outcome: 'completed' }, seen), undefined)
    assert.match(sightingProblem({ type: 'home-visit', outcome: 'attempted' }, seen) ?? '', /did not take place/)
    assert.match(sightingProblem({ type: 'home-visit', outcome: 'no-access' }, seen) ?? '', /did not take place/)
    assert.match(sightingProblem({ type: 'phone', outcome: 'completed' }, seen) ?? '', /phone call or a message/)
    assert.match(sightingProblem({ type: 'message', outcome: 'completed' }, seen) ?? '', /phone call or a message/)
    // An attempt where no child was seen is fine: assertive outreach is recorded too.
    assert.equal(
      sightingProblem({ type: 'home-visit', outcome: 'attempted' }, [{ seen: false, seenAlone: false }]),
      undefined,
    )
    assert.equal(seesFamily({ type: 'home-visit', outcome: 'attempted' }), false)
  })
})

describe('the first home visit', () => {
  const at = (iso: string) => new Date(iso)
  test('is the earliest home visit that took place', () => {
    const contacts = [
      { id: 'b', type: 'home-visit', outcome: 'completed', occurredAt: at('2026-03-04T10:00:00Z') },
      { id: 'a', type: 'home-visit', outcome: 'attempted', occurredAt: at('2026-03-02T10:00:00Z') },
      { id: 'c', type: 'office', outcome: 'completed', occurredAt: at('2026-03-01T10:00:00Z') },
      { id: 'd', type: 'home-visit', outcome: 'completed', occurredAt: at('2026-03-03T10:00:00Z') },
    ]
    assert.equal(firstHomeVisit(contacts)?.id, 'd')
    assert.equal(
      firstHomeVisit(contacts.filter((c) => c.outcome !== 'completed' || c.type !== 'home-visit')),
      undefined,
    )
  })
})

describe('times of day', () => {
  test('reads the ways people type a time, and refuses what is not one', () => {
    assert.deepEqual(readTimeOfDay('14:30'), { hours: 14, minutes: 30 })
    assert.deepEqual(readTimeOfDay('9.05'), { hours: 9, minutes: 5 })
    assert.deepEqual(readTimeOfDay('2:30pm'), { hours: 14, minutes: 30 })
    assert.deepEqual(readTimeOfDay('12am'), { hours: 0, minutes: 0 })
    assert.deepEqual(readTimeOfDay('12:15 PM'), { hours: 12, minutes: 15 })
    for (const bad of ['', '14', '25:00', '12:60', '13pm', 'noon', '1:2'])
      assert.equal(readTimeOfDay(bad), undefined, bad)
  })

  test('a UK date and time is the right instant either side of the clocks changing', () => {
    assert.equal(londonInstant('2026-01-05', { hours: 14, minutes: 30 }).toISOString(), '2026-01-05T14:30:00.000Z')
    assert.equal(londonInstant('2026-07-05', { hours: 14, minutes: 30 }).toISOString(), '2026-07-05T13:30:00.000Z')
    assert.equal(londonTimeOfDay(new Date('2026-07-05T13:30:00Z')), '14:30')
    assert.equal(londonTimeOfDay(new Date('2026-01-05T00:05:00Z')), '00:05')
  })
})
