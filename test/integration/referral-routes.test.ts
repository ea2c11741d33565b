import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { RequestContext } from '../../src/services/context.ts'
import { addUser, setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { WebClient } from '../helpers/client.ts'

/**
 * "A referral from each route reaches a decision for each of the five services": the public
 * form, a social worker inside Hearth, and the API, each decided by a team manager.
 */

let app: TestApp
let authorityId: string
let managerCtx: RequestContext
let manager: WebClient
let socialWorker: WebClient
let apiToken: string

before(async () => {
  app = await startTestApp({ env: { REFERRAL_RATE_LIMIT: '1000' }, clock: () => new Date('2026-11-23T10:00:00Z') })
  authorityId = (await setUpAuthority(app.services)).authorityId
  const tm = await addUser(app.services, authorityId, 'team_manager')
  managerCtx = { actor: { type: 'user', authorityId, userId: tm.id, role: 'team_manager' } }
  manager = new WebClient(app.baseUrl)
  await manager.signIn(tm.email, tm.password)
  const sw = await addUser(app.services, authorityId, 'social_worker')
  socialWorker = new WebClient(app.baseUrl)
  await socialWorker.signIn(sw.email, sw.password)
  apiToken = (await app.services.apiTokens.create({ actor: { type: 'cli', authorityId } }, tm.id, 'tests')).token
})
after(() => app.close())

/** A synthetic family each service might see, as the child page's fields. */
const FAMILIES: Record<string, Record<string, string>> = {
  'tameside-stars': {
    givenName: 'Baby',
    familyName: 'Adebayo',
    born: 'no',
    'expectedDueDate-day': '20',
    'expectedDueDate-month': '6',
    'expectedDueDate-year': '2027',
  },
  'staying-together': {
    givenName: 'Jordan',
    familyName: 'Ellis',
    born: 'yes',
    'dateOfBirth-day': '15',
    'dateOfBirth-month': '6',
    'dateOfBirth-year': '2012',
  },
  'derby-staying-together': {
    givenName: 'Casey',
    familyName: 'Novak',
    born: 'yes',
    'dateOfBirth-day': '2',
    'dateOfBirth-month': '3',
    'dateOfBirth-year': '2015',
  },
  'derbyshire-stronger-families': {
    givenName: 'Morgan',
    familyName: 'Price',
    born: 'yes',
    'dateOfBirth-day': '9',
    'dateOfBirth-month': '9',
    'dateOfBirth-year': '2019',
  },
  'lewisham-safer-stronger': {
    givenName: 'Robin',
    familyName: 'Okafor',
    born: 'yes',
    'dateOfBirth-day': '1',
    'dateOfBirth-month': '12',
    'dateOfBirth-year': '2016',
  },
}
const PATHWAY: Record<string, string | undefined> = { 'derbyshire-stronger-families': 'risk-of-care' }

async function fillTheForm(client: WebClient, base: string, programmeId: string, asPublic: boolean) {
  if (asPublic) {
    await client.post(`${base}/who`, { referrerType: 'professional' })
    await client.post(`${base}/about-you`, {
      name: 'Rita Referrer',
      organisation: 'Northshire School',
      role: 'DSL',
      email: 'rita@example.org',
    })
  }
  await client.post(`${base}/service`, { programmeId })
  assert.equal((await client.post(`${base}/child/new`, FAMILIES[programmeId] as Record<string, string>)).status, 303)
  await client.post(`${base}/children`, {})
  await client.post(`${base}/adults`, {})
  await client.post(`${base}/address`, { postcode: 'DE1 2FS' })
  await client.post(`${base}/happening`, {
    indicators: 'family-breakdown',
    whatIsHappening: 'Synthetic: things at home are very hard.',
  })
  if (!asPublic) await client.post(`${base}/facts`, { safeguardingLevel: '3', socialWorkerAllocated: 'yes' })
  await client.post(`${base}/hopes`, { hopedChange: 'Synthetic: calmer evenings.' })
  await client.post(`${base}/consent`, { familyAgreed: 'yes', sharingAgreed: 'yes', givenBy: 'The parents' })
  const sent = await client.post(`${base}/check`, {})
  assert.equal(sent.status, 303, `${programmeId} was sent`)
}

/** The team manager checks each person and accepts, in the pages. */
async function decideInThePages(referralId: string, programmeId: string) {
  const referral = await app.services.referrals.get(managerCtx, referralId)
  for (const person of referral.people) {
    const linked = await manager.post(`/referrals/${referralId}/people/${person.id}`, { match: 'new' })
    assert.equal(linked.status, 303)
  }
  const version = String((await app.services.referrals.get(managerCtx, referralId)).row.version)
  const decided = await manager.post(`/referrals/${referralId}/decision`, {
    version,
    outcome: 'accept',
    ...(PATHWAY[programmeId] ? { pathway: PATHWAY[programmeId] as string } : {}),
    rationale: 'Synthetic: the managers agreed the family needs this service now.',
  })
  assert.equal(decided.status, 303, `${programmeId} decided in the pages`)
}

async function newestReferral(programmeId: string) {
  const list = await app.services.referrals.list(managerCtx, { programmeId })
  return list.sort(
    (a, b) => b.row.receivedAt.getTime() - a.row.receivedAt.getTime() || b.row.reference.localeCompare(a.row.reference),
  )[0]?.row
}

describe('every route reaches a decision for every service', () => {
  for (const programmeId of Object.keys(FAMILIES)) {
    test(`${programmeId}: public form, inside Hearth and the API`, async () => {
      const publicClient = new WebClient(app.baseUrl)
      await fillTheForm(publicClient, `/refer/${authorityId}`, programmeId, true)
      const fromPublic = await newestReferral(programmeId)
      assert.equal(fromPublic?.route, 'public-professional')
      await decideInThePages(fromPublic?.id as string, programmeId)

      await fillTheForm(socialWorker, '/referrals/new', programmeId, false)
      const fromInside = await newestReferral(programmeId)
      assert.equal(fromInside?.route, 'internal')
      await decideInThePages(fromInside?.id as string, programmeId)

      const call = (path: string, json: unknown) =>
        fetch(`${app.baseUrl}/api/v1${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(json),
        })
      const family = FAMILIES[programmeId] as Record<string, string>
      const unborn = family.born === 'no'
      const pad = (n: string | undefined) => (n ?? '').padStart(2, '0')
      const created = await call('/referrals', {
        programmeId,
        referrer: {
          type: 'professional',
          name: 'Ali Api',
          organisation: 'Northshire Health',
          role: 'Health visitor',
          email: 'ali@example.org',
        },
        children: [
          unborn
            ? {
                givenName: 'Baby',
                familyName: family.familyName,
                unborn: true,
                expectedDueDate: `${family['expectedDueDate-year']}-${pad(family['expectedDueDate-month'])}-${pad(family['expectedDueDate-day'])}`,
              }
            : {
                givenName: family.givenName,
                familyName: family.familyName,
                dateOfBirth: `${family['dateOfBirth-year']}-${pad(family['dateOfBirth-month'])}-${pad(family['dateOfBirth-day'])}`,
              },
        ],
        whatIsHappening: 'Synthetic: referred by another system.',
        consent: { familyAgreed: true, sharingAgreed: true, givenBy: 'The parents' },
      })
      assert.equal(created.status, 201)
      const { id } = (await created.json()) as { id: string }
      const referral = await app.services.referrals.get(managerCtx, id)
      for (const person of referral.people) {
        assert.equal((await call(`/referrals/${id}/people/${person.id}/link`, { personId: 'new' })).status, 204)
      }
      const version = (await app.services.referrals.get(managerCtx, id)).row.version
      const decided = await call(`/referrals/${id}/decision`, {
        version,
        outcome: 'accept',
        pathway: PATHWAY[programmeId],
        rationale: 'Synthetic: agreed at the case discussion.',
      })
      assert.equal(decided.status, 201)

      for (const referralId of [fromPublic?.id, fromInside?.id, id]) {
        const got = await app.services.referrals.get(managerCtx, referralId as string)
        assert.equal(got.row.status, 'accepted', `${programmeId} ${got.row.route}`)
        assert.ok(got.caseId)
      }
    })
  }

  test('a declined referral needs its reason, and the API names what is missing', async () => {
    const created = await fetch(`${app.baseUrl}/api/v1/referrals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        programmeId: 'lewisham-safer-stronger',
        referrer: { type: 'parent', name: 'Pat Parent' },
        children: [{ givenName: 'Sam', familyName: 'Jones', dateOfBirth: '2018-01-01' }],
        whatIsHappening: 'Synthetic.',
        consent: { familyAgreed: true, sharingAgreed: true },
      }),
    })
    const { id } = (await created.json()) as { id: string }
    const decide = (json: unknown) =>
      fetch(`${app.baseUrl}/api/v1/referrals/${id}/decision`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(json),
      })
    const missing = await decide({ version: 1, outcome: 'decline' })
    assert.equal(missing.status, 400)
    assert.deepEqual(
      ((await missing.json()) as { errors: { name: string }[] }).errors.map((e) => e.name),
      ['reason'],
    )
    const stale = await decide({ version: 7, outcome: 'decline', reason: 'no-capacity', detail: 'Synthetic.' })
    assert.equal(stale.status, 409)
    const declined = await decide({
      version: 1,
      outcome: 'decline',
      reason: 'no-capacity',
      detail: 'Synthetic: full this month.',
      signpostTo: 'Family hub',
    })
    assert.equal(declined.status, 201)
    assert.equal((await app.services.referrals.get(managerCtx, id)).row.status, 'declined')
  })
})
