import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  consentGaps,
  consentStatus,
  describePerson,
  describeRelationship,
  isCurrentConsent,
  layoutNetwork,
  mustConsent,
  type NetworkConsent,
  type NetworkPerson,
  type NetworkRelationship,
  RELATIONSHIP_KINDS,
  sharingGaps,
} from './network.ts'

const ON = '2026-11-23'

const mum: NetworkPerson = { personId: 'mum', givenName: 'Dana', familyName: 'Novak', role: 'parent' }
const carer: NetworkPerson = { personId: 'carer', givenName: 'Ade', familyName: 'Okafor', role: 'adult' }
const casey: NetworkPerson = {
  personId: 'casey',
  givenName: 'Casey',
  familyName: 'Novak',
  role: 'child',
  dateOfBirth: '2015-03-02',
}
/** Sixteen on 23 November 2026. */
const jordan: NetworkPerson = {
  personId: 'jordan',
  givenName: 'Jordan',
  familyName: 'Novak',
  role: 'child',
  dateOfBirth: '2010-11-23',
}
const nan: NetworkPerson = { personId: 'nan', givenName: 'Rose', familyName: 'Novak', role: 'wider-family' }
const gp: NetworkPerson = {
  personId: 'gp',
  givenName: 'Priya',
  familyName: 'Shah',
  role: 'professional',
  agency: 'Northshire Surgery',
  professionalRole: 'GP',
}
const friend: NetworkPerson = { personId: 'friend', givenName: 'Kim', familyName: 'Lowe', role: 'friend' }
const unborn: NetworkPerson = {
  personId: 'bump',
  givenName: 'Baby',
  familyName: 'Novak',
  role: 'unborn',
  expectedDueDate: '2027-03-01',
}

let n = 0
const consent = (personId: string, extra: Partial<NetworkConsent> = {}): NetworkConsent => ({
  id: `c${++n}`,
  personId,
  purpose: 'assessment',
  agency: null,
  decision: 'given',
  decidedOn: '2026-11-01',
  ...extra,
})

describe('who must consent', () => {
  test('parents and carers do; young children, wider family and professionals do not', () => {
    assert.equal(mustConsent(mum, ON), true)
    assert.equal(mustConsent(carer, ON), true)
    assert.equal(mustConsent(casey, ON), false)
    assert.equal(mustConsent(nan, ON), false)
    assert.equal(mustConsent(gp, ON), false)
    assert.equal(mustConsent(unborn, ON), false)
  })

  test('a young person consents for themselves from their 16th birthday', () => {
    assert.equal(mustConsent(jordan, '2026-11-22'), false)
    assert.equal(mustConsent(jordan, ON), true)
  })
})

describe('consentGaps', () => {
  const people = [mum, carer, casey, jordan, nan, gp]

  test('everyone who must consent and has no assessment consent is a gap', () => {
    assert.deepEqual(
      consentGaps(people, [], ON).map((g) => g.personId),
      ['mum', 'carer', 'jordan'],
    )
    assert.ok(consentGaps(people, [], ON).every((g) => g.purpose === 'assessment'))
  })

  test('a 16-year-old is a gap only once they are 16', () => {
    const adultsConsented = [consent('mum'), consent('carer')]
    assert.deepEqual(consentGaps(people, adultsConsented, '2026-11-22'), [])
    assert.deepEqual(consentGaps(people, adultsConsented, ON), [{ personId: 'jordan', purpose: 'assessment' }])
  })

  test('refused, withdrawn, other-purpose and other-agency consents do not fill a gap', () => {
    const gaps = consentGaps(
      [mum, carer, jordan],
      [
        consent('mum', { decision: 'refused' }),
        consent('carer', { withdrawnOn: '2026-11-20' }),
        consent('jordan', { purpose: 'sharing' }),
        consent('jordan', { agency: 'Northshire Surgery' }),
      ],
      ON,
    )
    assert.deepEqual(
      gaps.map((g) => g.personId),
      ['mum', 'carer', 'jordan'],
    )
  })

  test('withdrawal makes the gap return from the day it is withdrawn', () => {
    const given = consent('mum', { withdrawnOn: '2026-11-23' })
    assert.deepEqual(consentGaps([mum], [given], '2026-11-22'), [])
    assert.deepEqual(consentGaps([mum], [given], ON), [{ personId: 'mum', purpose: 'assessment' }])
    assert.equal(consentStatus(given, '2026-11-22'), 'given')
    assert.equal(consentStatus(given, ON), 'withdrawn')
    assert.equal(isCurrentConsent(given, ON), false)
  })
})

describe('sharingGaps', () => {
  const people = [mum, carer, casey, jordan]

  test('sharing about a young child needs the parents and carers; about a 16-year-old, their own consent', () => {
    assert.deepEqual(
      sharingGaps(people, [], ['casey'], 'School', ON).map((p) => p.personId),
      ['mum', 'carer'],
    )
    assert.deepEqual(
      sharingGaps(people, [], ['jordan'], 'School', ON).map((p) => p.personId),
      ['jordan'],
    )
  })

  test('a blank agency covers any agency; a named one only that agency', () => {
    const consents = [
      consent('mum', { purpose: 'sharing' }),
      consent('carer', { purpose: 'sharing', agency: 'Northshire School' }),
    ]
    assert.deepEqual(sharingGaps(people, consents, ['casey'], ' northshire school ', ON), [])
    assert.deepEqual(
      sharingGaps(people, consents, ['casey'], 'Police', ON).map((p) => p.personId),
      ['carer'],
    )
  })
})

describe('layoutNetwork', () => {
  const people = [casey, mum, nan, gp, friend, unborn]
  const relationships: NetworkRelationship[] = [
    { id: 'r1', fromPersonId: 'mum', toPersonId: 'casey', kind: 'parent' },
    { id: 'r2', fromPersonId: 'nan', toPersonId: 'mum', kind: 'parent' },
    { id: 'r3', fromPersonId: 'gp', toPersonId: 'mum', kind: 'strong-support' },
    { id: 'r4', fromPersonId: 'friend', toPersonId: 'mum', kind: 'stressful' },
  ]
  const layout = layoutNetwork(people, relationships)
  const node = (id: string) => {
    const found = layout.nodes.find((x) => x.personId === id)
    assert.ok(found, id)
    return found
  }

  test('children sit below their parents, grandparents above', () => {
    assert.ok(node('casey').y > node('mum').y)
    assert.ok(node('bump').y > node('mum').y)
    assert.ok(node('nan').y < node('mum').y)
  })

  test('professionals and friends sit beside the family, as the ecomap', () => {
    for (const id of ['gp', 'friend']) assert.equal(node(id).generation, 'edge')
    const family = layout.nodes.filter((x) => x.generation !== 'edge')
    const left = Math.min(...family.map((x) => x.x))
    const right = Math.max(...family.map((x) => x.x + x.width))
    for (const id of ['gp', 'friend']) assert.ok(node(id).x + node(id).width < left || node(id).x > right)
  })

  test('no two boxes overlap and everything fits in the drawing', () => {
    for (const a of layout.nodes) {
      assert.ok(a.x >= 0 && a.y >= 0 && a.x + a.width <= layout.width && a.y + a.height <= layout.height)
      for (const b of layout.nodes) {
        if (a === b) continue
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y
        assert.ok(apart, `${a.personId} overlaps ${b.personId}`)
      }
    }
  })

  test('a wider-family member who is a sibling of a parent sits with the parents', () => {
    const aunt: NetworkPerson = { personId: 'aunt', givenName: 'Jo', familyName: 'Novak', role: 'wider-family' }
    const l = layoutNetwork(
      [mum, aunt, casey],
      [{ id: 'r', fromPersonId: 'aunt', toPersonId: 'mum', kind: 'siblings' }],
    )
    const y = (id: string) => l.nodes.find((x) => x.personId === id)?.y
    assert.equal(y('aunt'), y('mum'))
  })

  test('every relationship becomes a line', () => {
    assert.deepEqual(layout.edges.map((e) => e.id).sort(), ['r1', 'r2', 'r3', 'r4'])
  })
})

describe('the text alternative', () => {
  const people = new Map([mum, casey, nan, gp].map((p) => [p.personId, p]))

  test('says who is a parent of whom', () => {
    assert.equal(
      describeRelationship({ id: 'r', fromPersonId: 'mum', toPersonId: 'casey', kind: 'parent' }, people),
      'Dana Novak is a parent of Casey Novak',
    )
  })

  test('every kind of relationship names both people and how they are connected', () => {
    const seen = new Set<string>()
    for (const kind of Object.keys(RELATIONSHIP_KINDS)) {
      const text = describeRelationship({ id: kind, fromPersonId: 'gp', toPersonId: 'nan', kind }, people)
      assert.match(text, /Priya Shah/)
      assert.match(text, /Rose Novak/)
      seen.add(text)
    }
    assert.equal(seen.size, Object.keys(RELATIONSHIP_KINDS).length, 'each kind reads differently')
  })

  test('says who each person is', () => {
    assert.equal(describePerson(casey, ON), 'Casey Novak: child; aged 11')
    assert.equal(describePerson(gp, ON), 'Priya Shah: professional; GP, Northshire Surgery')
  })
})
