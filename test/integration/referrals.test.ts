import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { and, eq, sql } from 'drizzle-orm'
import type { z } from 'zod'
import { caseEvent, familyCase, notification, person, referral, referralDecision } from '../../src/db/schema/index.ts'
import { phoneticKey } from '../../src/domain/names.ts'
import type { RequestContext } from '../../src/services/context.ts'
import { InvalidInputError } from '../../src/services/errors.ts'
import { type ReferralInput, referralInputSchema } from '../../src/services/referralInput.ts'
import { addUser, setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { rejectsWith } from '../helpers/assert.ts'

let app: TestApp
let authorityId: string
let manager: RequestContext
const publicForm = (): RequestContext => ({ actor: { type: 'public', authorityId } })
const NOW = new Date('2026-11-23T10:00:00Z') // a Monday

before(async () => {
  app = await startTestApp({ clock: () => NOW })
  authorityId = (await setUpAuthority(app.services)).authorityId
  const tm = await addUser(app.services, authorityId, 'team_manager')
  manager = { actor: { type: 'user', authorityId, userId: tm.id, role: 'team_manager' } }
})
after(() => app.close())

/** A synthetic family, as a professional would refer them to Derby's Staying Together Team. */
function derbyReferral(change: Partial<z.input<typeof referralInputSchema>> = {}): ReferralInput {
  return referralInputSchema.parse({
    programmeId: 'derby-staying-together',
    referrer: {
      type: 'professional',
      name: 'Rita Referrer',
      organisation: 'Northshire School',
      role: 'Designated safeguarding lead',
      email: 'rita@example.org',
    },
    children: [{ givenName: 'Catherine', familyName: 'Phillips', dateOfBirth: '2014-03-02' }],
    adults: [{ givenName: 'Dana', familyName: 'Phillips', relationship: 'Mother' }],
    postcode: 'de1 2fs',
    indicators: ['missing-episodes'],
    whatIsHappening: 'Catherine has been missing from home three times this month.',
    consent: { familyAgreed: true, sharingAgreed: true, givenBy: 'Dana Phillips' },
    facts: { safeguardingLevel: 3 },
    ...change,
  })
}

async function calendar() {
  return app.services.programmes.calendar(manager)
}

describe('receiving a referral', () => {
  test('is stored whole with a reference, a decision due in 1 working day and an acknowledgement queued', async () => {
    const first = await app.services.referrals.create(
      publicForm(),
      derbyReferral(),
      'public-professional',
      await calendar(),
    )
    const second = await app.services.referrals.create(
      publicForm(),
      derbyReferral(),
      'public-professional',
      await calendar(),
    )
    assert.match(first.reference, /^HRT-2026-\d{6}$/)
    assert.equal(Number(second.reference.slice(-6)), Number(first.reference.slice(-6)) + 1)
    const got = await app.services.referrals.get(manager, first.id)
    assert.equal(got.row.status, 'new')
    // Received on Monday 23 November: due by the end of Tuesday 24 November.
    assert.equal(got.row.decisionDueAt.toISOString(), '2026-11-24T23:59:59.999Z')
    assert.deepEqual(
      got.people.map((p) => [p.role, p.givenName]),
      [
        ['child', 'Catherine'],
        ['adult', 'Dana'],
      ],
    )
    assert.equal(got.screening?.result, 'eligible')
    const queued = await app.db.database.withTenant(authorityId, (tx) =>
      tx.select().from(notification).where(eq(notification.referralId, first.id)),
    )
    assert.equal(queued[0]?.kind, 'referral-acknowledgement')
  })

  test('impossible dates store nothing at all', async () => {
    const before = await count()
    await rejectsWith(
      app.services.referrals.create(
        publicForm(),
        derbyReferral({
          children: [
            { givenName: 'Future', familyName: 'Child', dateOfBirth: '2027-01-01', unborn: false },
            { givenName: 'Baby', familyName: 'Child', unborn: true, expectedDueDate: '2027-12-01' },
          ],
        }),
        'public-professional',
        await calendar(),
      ),
      /Invalid input/,
    )
    try {
      await app.services.referrals.create(
        publicForm(),
        derbyReferral({
          children: [{ givenName: 'Future', familyName: 'Child', dateOfBirth: '2027-01-01', unborn: false }],
        }),
        'public-professional',
        await calendar(),
      )
    } catch (error) {
      assert.ok(error instanceof InvalidInputError)
      assert.match(error.fields['children.0.dateOfBirth'] ?? '', /on or before 23 November 2026/)
    }
    assert.equal(await count(), before)
  })
})

async function count(): Promise<number> {
  const [row] = await app.db.database.withTenant(authorityId, (tx) =>
    tx.select({ n: sql<number>`count(*)::int` }).from(referral),
  )
  return Number(row?.n)
}

describe('person matching', () => {
  test('finds someone known by a name spelt differently and the same date of birth, and says why', async () => {
    await app.db.database.withTenant(authorityId, (tx) =>
      tx.insert(person).values({
        authorityId,
        id: '00000000-0000-4000-8000-000000000001',
        givenName: 'Katherine',
        familyName: 'Philips',
        nameKey: phoneticKey('Katherine Philips'),
        dateOfBirth: '2014-03-02',
        createdAt: NOW,
      }),
    )
    const { id } = await app.services.referrals.create(
      publicForm(),
      derbyReferral(),
      'public-professional',
      await calendar(),
    )
    const got = await app.services.referrals.get(manager, id)
    const child = got.people[0]
    assert.ok(child)
    const candidates = await app.services.referrals.candidates(manager, id, child.id)
    assert.equal(candidates[0]?.personId, '00000000-0000-4000-8000-000000000001')
    assert.deepEqual(candidates[0]?.reasons, ['Name spelt similarly', 'Name sounds the same', 'Same date of birth'])
  })

  test('accepting needs every person checked; then it opens a case, starts the clock and tells the referrer', async () => {
    const { id } = await app.services.referrals.create(
      publicForm(),
      derbyReferral(),
      'public-professional',
      await calendar(),
    )
    let got = await app.services.referrals.get(manager, id)
    await rejectsWith(
      app.services.referrals.decide(manager, id, got.row.version, { outcome: 'accept' }),
      /Invalid input/,
    )
    for (const p of got.people) await app.services.referrals.link(manager, id, p.id, 'new')
    got = await app.services.referrals.get(manager, id)
    assert.equal(got.row.status, 'screening')
    const { caseId } = await app.services.referrals.decide(manager, id, got.row.version, { outcome: 'accept' })
    assert.ok(caseId)
    got = await app.services.referrals.get(manager, id)
    assert.equal(got.row.status, 'accepted')
    assert.equal(got.caseId, caseId)
    const events = await app.db.database.withTenant(authorityId, (tx) =>
      tx.select().from(caseEvent).where(eq(caseEvent.caseId, caseId)),
    )
    assert.deepEqual(events.map((e) => e.type).sort(), ['accepted', 'referral-received'])
    const [opened] = await app.db.database.withTenant(authorityId, (tx) =>
      tx
        .select()
        .from(familyCase)
        .where(and(eq(familyCase.id, caseId))),
    )
    assert.equal(opened?.programmeId, 'derby-staying-together')
    const messages = await app.db.database.withTenant(authorityId, (tx) =>
      tx.select().from(notification).where(eq(notification.referralId, id)),
    )
    assert.deepEqual(messages.map((m) => m.kind).sort(), ['referral-acknowledgement', 'referral-outcome'])
    // Decided once: it cannot be decided again, and the decision cannot be edited.
    await rejectsWith(
      app.services.referrals.decide(manager, id, got.row.version, { outcome: 'withdrawn' }),
      /Invalid input/,
    )
    await rejectsWith(
      app.db.database.withTenant(authorityId, (tx) => tx.update(referralDecision).set({ outcome: 'decline' })),
      /permission denied/,
    )
  })

  test('a stale version is refused rather than overwriting someone else’s decision', async () => {
    const { id } = await app.services.referrals.create(
      publicForm(),
      derbyReferral(),
      'public-professional',
      await calendar(),
    )
    await rejectsWith(
      app.services.referrals.decide(manager, id, 99, { outcome: 'withdrawn' }),
      /changed by someone else/,
    )
  })
})

describe('referrals in the API', () => {
  async function tokenFor(role: 'team_manager' | 'social_worker' | 'practitioner') {
    const user = await addUser(app.services, authorityId, role)
    return (await app.services.apiTokens.create({ actor: { type: 'cli', authorityId } }, user.id, 'tests')).token
  }
  const call = (token: string, path: string, json?: unknown) =>
    fetch(`${app.baseUrl}/api/v1${path}`, {
      method: json === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    })

  test('a social worker refers a family; a team manager finds it in the list and reads it', async () => {
    const socialWorker = await tokenFor('social_worker')
    const body = {
      programmeId: 'staying-together',
      referrer: {
        type: 'professional',
        name: 'Sol Worker',
        organisation: 'Northshire Children’s Services',
        role: 'Social worker',
        email: 'sol@example.org',
      },
      children: [{ givenName: 'Jordan', familyName: 'Ellis', dateOfBirth: '2010-06-15' }],
      whatIsHappening: 'Jordan and his dad argue most nights; Jordan has asked to leave home.',
      consent: { familyAgreed: true, sharingAgreed: true },
      facts: { socialWorkerAllocated: true },
    }
    const created = await call(socialWorker, '/referrals', body)
    assert.equal(created.status, 201)
    const { id, reference } = (await created.json()) as { id: string; reference: string }
    assert.match(reference, /^HRT-2026-/)

    const manager = await tokenFor('team_manager')
    const list = (await (await call(manager, '/referrals?status=new&programmeId=staying-together')).json()) as {
      id: string
      screeningResult: string
    }[]
    assert.ok(list.some((r) => r.id === id))
    const detail = await (await call(manager, `/referrals/${id}`)).json()
    assert.equal(detail.people[0].givenName, 'Jordan')
    assert.equal(detail.screening.result, 'needs-judgement')

    // A practitioner cannot see the inbox; a bad filter is a 400 problem; a bad date names the field.
    assert.equal((await call(await tokenFor('practitioner'), '/referrals')).status, 403)
    assert.equal((await call(manager, '/referrals?status=lost')).status, 400)
    const bad = await call(socialWorker, '/referrals', {
      ...body,
      children: [{ givenName: 'Jordan', familyName: 'Ellis', dateOfBirth: '2030-01-01' }],
    })
    assert.equal(bad.status, 400)
    const problem = (await bad.json()) as { errors: { name: string }[] }
    assert.deepEqual(
      problem.errors.map((e) => e.name),
      ['children.0.dateOfBirth'],
    )
  })
})

describe('a referral where the referrer was not sure of the service', () => {
  test('the manager chooses the service on accepting, and the pathway when the service asks for one', async () => {
    const { id } = await app.services.referrals.create(
      publicForm(),
      derbyReferral({ programmeId: undefined }),
      'public-professional',
      await calendar(),
    )
    let got = await app.services.referrals.get(manager, id)
    assert.equal(got.row.programmeId, null)
    for (const p of got.people) await app.services.referrals.link(manager, id, p.id, 'new')
    got = await app.services.referrals.get(manager, id)
    await rejectsWith(
      app.services.referrals.decide(manager, id, got.row.version, { outcome: 'accept' }),
      /Invalid input/,
    )
    await rejectsWith(
      app.services.referrals.decide(manager, id, got.row.version, {
        outcome: 'accept',
        programmeId: 'derbyshire-stronger-families',
      }),
      /Invalid input/,
    )
    const { caseId } = await app.services.referrals.decide(manager, id, got.row.version, {
      outcome: 'accept',
      programmeId: 'derbyshire-stronger-families',
      pathway: 'risk-of-care',
    })
    assert.ok(caseId)
    got = await app.services.referrals.get(manager, id)
    assert.equal(got.row.programmeId, 'derbyshire-stronger-families')
    // Support has not started, so no timescale runs yet; only the children need seeing.
    const deadlines = await app.services.referrals.caseDeadlines(manager, caseId)
    assert.deepEqual(
      deadlines.map((d) => d.id),
      ['children-seen'],
    )
  })
})
