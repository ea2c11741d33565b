import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { and, eq } from 'drizzle-orm'
import { auditEvent, casePerson, chronologyEntry, informationSharing } from '../../src/db/schema/index.ts'
import { InvalidInputError } from '../../src/services/errors.ts'
import { addUser, setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { caseworkTeam, openCase } from '../helpers/cases.ts'
import { WebClient } from '../helpers/client.ts'

/** People, network and consent: the People and network tab, through the pages a key worker uses. */

let app: TestApp
let authorityId: string
let team: Awaited<ReturnType<typeof caseworkTeam>>
let caseId: string
let worker: WebClient
let outsider: WebClient
let apiToken: string

const people = () => `/cases/${caseId}/people`
const html = async (res: Response) => res.text()

async function personId(name: string): Promise<string> {
  const network = await app.services.network.network(team.worker, caseId)
  const found = network.people.find((p) => `${p.givenName} ${p.familyName}` === name)
  assert.ok(found, `${name} is on the case`)
  return found.personId
}

const gapNames = async () => (await app.services.network.gaps(team.worker, caseId)).map((g) => g.name).sort()

before(async () => {
  app = await startTestApp({ clock: () => new Date('2026-11-23T10:00:00Z') })
  authorityId = (await setUpAuthority(app.services)).authorityId
  team = await caseworkTeam(app.services, authorityId)
  caseId = await openCase(app.services, team.manager, 'derby-staying-together')
  const opened = await app.services.cases.open(team.manager, caseId)
  await app.services.cases.allocate(team.manager, caseId, {
    keyWorkerId: team.people.worker.id,
    version: opened.row.version,
  })
  worker = new WebClient(app.baseUrl)
  await worker.signIn(team.people.worker.email, team.people.worker.password)
  const { id: otherTeam } = await app.services.teams.create(
    { actor: { type: 'cli', authorityId } },
    { name: 'Another team' },
  )
  const other = await addUser(app.services, authorityId, 'practitioner', otherTeam)
  outsider = new WebClient(app.baseUrl)
  await outsider.signIn(other.email, other.password)
  apiToken = (
    await app.services.apiTokens.create({ actor: { type: 'cli', authorityId } }, team.people.worker.id, 'tests')
  ).token
})
after(() => app.close())

describe('the People and network page', () => {
  test('shows the family from the referral, grouped, with ages, a drawing and a text alternative', async () => {
    const res = await worker.get(people())
    assert.equal(res.status, 200)
    const page = await html(res)
    assert.match(page, /<caption[^>]*>Children<\/caption>/)
    assert.match(page, /<caption[^>]*>Parents and carers<\/caption>/)
    assert.match(page, /Casey Novak<\/th>\s*<td[^>]*>\s*Child/)
    assert.match(page, />\s*11 <span class="govuk-body-s">\(born 2 March 2015\)/)
    assert.match(page, /<svg[^>]+role="img"[^>]+aria-labelledby="genogram-title genogram-desc"/)
    assert.match(page, /Dana Novak: parent; Mother/, 'the referral’s mother joins the network as a parent')
  })

  test('another team’s practitioner cannot find the case', async () => {
    assert.equal((await outsider.get(people())).status, 404)
    assert.equal((await outsider.get(`${people()}/new`)).status, 404)
    const csrf = await outsider.csrfToken('/')
    const res = await outsider.post(
      `${people()}/new`,
      { _csrf: csrf, role: 'friend', givenName: 'Sneaky', familyName: 'Person' },
      '/',
    )
    assert.equal(res.status, 404)
    assert.ok(!(await gapNames()).includes('Sneaky Person'))
  })
})

describe('adding and changing people', () => {
  test('a form with mistakes comes back with an error summary and what was typed', async () => {
    const res = await worker.post(`${people()}/new`, {
      role: 'professional',
      givenName: '',
      familyName: 'Shah',
      professionalRole: 'GP',
      email: 'not an email',
    })
    assert.equal(res.status, 400)
    const page = await html(res)
    assert.match(page, /There is a problem/)
    assert.match(page, /href="#givenName">Enter their given name/)
    assert.match(page, /href="#agency">Enter the agency they work for/)
    assert.match(page, /href="#email">Enter an email address in the correct format/)
    assert.match(page, /name="familyName" type="text" value="Shah"/)
    assert.match(page, /value="professional" checked/)
  })

  test('an unborn baby needs an expected due date', async () => {
    const res = await worker.post(`${people()}/new`, { role: 'unborn', givenName: 'Baby', familyName: 'Novak' })
    assert.equal(res.status, 400)
    assert.match(await html(res), /href="#expectedDueDate-day">Enter the expected due date/)
  })

  test('a professional and a grandparent are added and drawn; a name with markup is shown as text', async () => {
    let res = await worker.post(`${people()}/new`, {
      role: 'professional',
      givenName: 'Priya',
      familyName: 'Shah',
      agency: 'Northshire Surgery',
      professionalRole: 'GP',
      phone: '01234 567890',
      email: 'priya.shah@example.org',
    })
    assert.equal(res.status, 303)
    res = await worker.post(`${people()}/new`, {
      role: 'wider-family',
      givenName: '<script>alert(1)</script>',
      familyName: 'Novak',
      relationship: 'Maternal grandmother',
      'dateOfBirth-day': '1',
      'dateOfBirth-month': '2',
      'dateOfBirth-year': '1960',
    })
    assert.equal(res.status, 303)
    assert.equal(res.headers.get('location'), people())
    const page = await html(await worker.get(people()))
    assert.match(page, /Priya Shah<\/th>/)
    assert.match(page, /mailto:priya.shah@example.org/)
    assert.ok(!page.includes('<script>alert(1)</script>'), 'the name is never markup')
    const svg = /<svg[^>]+class="hearth-genogram"[\s\S]*?<\/svg>/.exec(page)?.[0] ?? ''
    assert.match(svg, /&lt;script&gt;alert\(1\)/)
    assert.match(svg, />Priya Shah</)
  })

  test('a 16-year-old added to the case must consent for themselves', async () => {
    const res = await worker.post(`${people()}/new`, {
      role: 'child',
      givenName: 'Jordan',
      familyName: 'Novak',
      'dateOfBirth-day': '1',
      'dateOfBirth-month': '11',
      'dateOfBirth-year': '2010',
    })
    assert.equal(res.status, 303)
    assert.deepEqual(await gapNames(), ['Dana Novak', 'Jordan Novak'])
    const shell = await app.services.cases.open(team.worker, caseId)
    assert.ok(
      shell.children.some((c) => c.givenName === 'Jordan'),
      'the new child is in the case header',
    )
  })

  test('a change to someone’s details is saved; a stale change is refused and loses nothing', async () => {
    const id = await personId('Priya Shah')
    const form = await html(await worker.get(`${people()}/${id}/edit`))
    const version = /name="version" value="(\d+)"/.exec(form)?.[1] ?? ''
    const fields = {
      version,
      role: 'professional',
      givenName: 'Priya',
      familyName: 'Shah',
      agency: 'Northshire Surgery',
      professionalRole: 'Practice nurse',
    }
    assert.equal((await worker.post(`${people()}/${id}/edit`, fields)).status, 303)
    const stale = await worker.post(`${people()}/${id}/edit`, { ...fields, professionalRole: 'Health visitor' })
    assert.equal(stale.status, 409)
    const page = await html(stale)
    assert.match(page, /Someone else has changed these details/)
    assert.match(page, /value="Health visitor"/)
    const network = await app.services.network.network(team.worker, caseId)
    assert.equal(network.people.find((p) => p.personId === id)?.professionalRole, 'Practice nurse')
  })
})

describe('connections', () => {
  test('a connection is added, read out in words, and removed with an audit record', async () => {
    const [dana, casey] = [await personId('Dana Novak'), await personId('Casey Novak')]
    const bad = await worker.post(`/cases/${caseId}/relationships/new`, { fromPersonId: dana, toPersonId: dana })
    assert.equal(bad.status, 400)
    assert.match(await html(bad), /There is a problem/)
    const res = await worker.post(`/cases/${caseId}/relationships/new`, {
      fromPersonId: dana,
      toPersonId: casey,
      kind: 'parent',
    })
    assert.equal(res.status, 303)
    await worker.post(`/cases/${caseId}/relationships/new`, {
      fromPersonId: await personId('Priya Shah'),
      toPersonId: dana,
      kind: 'strong-support',
    })
    const page = await html(await worker.get(people()))
    assert.match(page, /Dana Novak is a parent of Casey Novak/)
    assert.match(page, /Priya Shah gives strong support to Dana Novak/)
    assert.match(page, /marker-end="url\(#genogram-arrow-strong-support\)"/)
    const network = await app.services.network.network(team.worker, caseId)
    const support = network.relationships.find((r) => r.kind === 'strong-support')
    assert.ok(support)
    const removed = await worker.post(`/cases/${caseId}/relationships/${support.id}/remove`, {}, people())
    assert.equal(removed.status, 303)
    assert.doesNotMatch(await html(await worker.get(people())), /gives strong support/)
    const audits = await app.db.database.withTenant(authorityId, (tx) =>
      tx
        .select()
        .from(auditEvent)
        .where(and(eq(auditEvent.recordType, 'relationship'), eq(auditEvent.action, 'delete'))),
    )
    assert.equal(audits.length, 1)
    assert.equal(audits[0]?.recordId, support.id)
  })
})

describe('consent', () => {
  test('recording consent closes the gap; withdrawing it opens the gap again and joins the chronology', async () => {
    assert.match(await html(await worker.get(people())), /Work is going on without consent/)
    const dana = await personId('Dana Novak')
    const bad = await worker.post(`/cases/${caseId}/consent/new`, { personId: dana, purpose: 'assessment' })
    assert.equal(bad.status, 400)
    const badPage = await html(bad)
    assert.match(badPage, /href="#decidedOn-day">Enter the date of the decision/)
    assert.match(badPage, /href="#decision">Select whether consent was given or refused/)
    assert.match(badPage, /value="assessment" checked/)
    const consent = {
      personId: dana,
      purpose: 'assessment',
      decision: 'given',
      'decidedOn-day': '20',
      'decidedOn-month': '11',
      'decidedOn-year': '2026',
      how: 'written',
    }
    assert.equal((await worker.post(`/cases/${caseId}/consent/new`, consent)).status, 303)
    assert.equal(
      (await worker.post(`/cases/${caseId}/consent/new`, { ...consent, personId: await personId('Jordan Novak') }))
        .status,
      303,
    )
    assert.deepEqual(await gapNames(), [])
    assert.doesNotMatch(await html(await worker.get(people())), /Work is going on without consent/)

    const network = await app.services.network.network(team.worker, caseId)
    const given = network.consents.find((c) => c.personId === dana && c.purpose === 'assessment')
    assert.ok(given)
    const withdraw = `/cases/${caseId}/consent/${given.id}/withdraw`
    const before = await worker.post(withdraw, {
      version: String(given.version),
      'withdrawnOn-day': '19',
      'withdrawnOn-month': '11',
      'withdrawnOn-year': '2026',
      how: 'verbal',
    })
    assert.equal(before.status, 400)
    assert.match(await html(before), /Consent cannot be withdrawn before it was given/)
    const res = await worker.post(withdraw, {
      version: String(given.version),
      'withdrawnOn-day': '23',
      'withdrawnOn-month': '11',
      'withdrawnOn-year': '2026',
      how: 'verbal',
    })
    assert.equal(res.status, 303)
    assert.deepEqual(await gapNames(), ['Dana Novak'])
    const page = await html(await worker.get(people()))
    assert.match(page, /Work is going on without consent[\s\S]*Dana Novak/)
    assert.match(page, /Withdrawn 23 November 2026, verbally/)
    const entries = await app.db.database.withTenant(authorityId, (tx) =>
      tx
        .select()
        .from(chronologyEntry)
        .where(and(eq(chronologyEntry.caseId, caseId), eq(chronologyEntry.originId, given.id))),
    )
    assert.equal(entries.length, 1)
    assert.match(entries[0]?.headline ?? '', /withdrew consent/)
    // A second withdrawal from a page opened before the first is a conflict, not a silent overwrite.
    const again = await worker.post(withdraw, {
      version: String(given.version),
      'withdrawnOn-day': '23',
      'withdrawnOn-month': '11',
      'withdrawnOn-year': '2026',
      how: 'written',
    })
    assert.equal(again.status, 409)
  })
})

describe('information sharing', () => {
  const shareWithSchool = async (extra: Record<string, string> = {}) =>
    worker.post(`/cases/${caseId}/sharing/new`, {
      'sharedOn-day': '23',
      'sharedOn-month': '11',
      'sharedOn-year': '2026',
      agency: 'Northshire Primary School',
      what: 'Attendance worries and the plan for mornings.',
      personIds: await personId('Casey Novak'),
      ...extra,
    })

  test('sharing without consent needs the lawful reason, and says so', async () => {
    const res = await shareWithSchool()
    assert.equal(res.status, 400)
    const page = await html(res)
    assert.match(
      page,
      /href="#lawfulReason">There is no consent from Dana Novak to share with Northshire Primary School/,
    )
    assert.match(
      page,
      /value="Attendance worries and the plan for mornings."|Attendance worries and the plan for mornings./,
    )
    const saved = await shareWithSchool({
      lawfulReason: 'significant-harm',
      reasonDetail: 'Agreed with the team manager: the school needs to know today.',
    })
    assert.equal(saved.status, 303)
    const rows = await app.db.database.withTenant(authorityId, (tx) =>
      tx.select().from(informationSharing).where(eq(informationSharing.caseId, caseId)),
    )
    assert.equal(rows.length, 1)
    assert.equal(rows[0]?.withConsent, false)
    assert.equal(rows[0]?.lawfulReason, 'significant-harm')
    const entries = await app.db.database.withTenant(authorityId, (tx) =>
      tx
        .select()
        .from(chronologyEntry)
        .where(eq(chronologyEntry.originId, rows[0]?.id ?? '')),
    )
    assert.equal(entries[0]?.category, 'safeguarding')
  })

  test('with the parent’s consent to share with any agency, it is recorded as with consent', async () => {
    assert.equal(
      (
        await worker.post(`/cases/${caseId}/consent/new`, {
          personId: await personId('Dana Novak'),
          purpose: 'sharing',
          decision: 'given',
          'decidedOn-day': '23',
          'decidedOn-month': '11',
          'decidedOn-year': '2026',
          how: 'verbal',
        })
      ).status,
      303,
    )
    // The worker's say-so about a lawful reason is not needed, and not kept.
    assert.equal((await shareWithSchool({ lawfulReason: 'legal-duty' })).status, 303)
    const page = await html(await worker.get(people()))
    assert.match(page, /With consent/)
    assert.match(page, /Without consent<\/strong><br>Risk of significant harm to a child/)
    // About the 16-year-old, their own consent is needed, and the parent's does not stand for it.
    const about16 = await shareWithSchool({ personIds: await personId('Jordan Novak') })
    assert.equal(about16.status, 400)
    assert.match(await html(about16), /There is no consent from Jordan Novak/)
  })
})

describe('the API', () => {
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${app.baseUrl}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json', ...init.headers },
    })

  test('lists people and consents, adds a person and records and withdraws consent', async () => {
    const list = await api(`/cases/${caseId}/people`)
    assert.equal(list.status, 200)
    const body = (await list.json()) as { people: { name: string; mustConsent: boolean }[]; gaps: unknown[] }
    assert.ok(body.people.some((p) => p.name === 'Dana Novak' && p.mustConsent))
    const added = await api(`/cases/${caseId}/people`, {
      method: 'POST',
      body: JSON.stringify({ role: 'friend', givenName: 'Kim', familyName: 'Lowe' }),
    })
    assert.equal(added.status, 201)
    const { id: kim } = (await added.json()) as { id: string }
    const bad = await api(`/cases/${caseId}/consents`, { method: 'POST', body: JSON.stringify({ personId: kim }) })
    assert.equal(bad.status, 400)
    const recorded = await api(`/cases/${caseId}/consents`, {
      method: 'POST',
      body: JSON.stringify({
        personId: kim,
        purpose: 'evaluation',
        decision: 'given',
        decidedOn: '2026-11-23',
        how: 'electronic',
      }),
    })
    assert.equal(recorded.status, 201)
    const { id: consentId } = (await recorded.json()) as { id: string }
    const withdrawn = await api(`/cases/${caseId}/consents/${consentId}/withdraw`, {
      method: 'POST',
      body: JSON.stringify({ withdrawnOn: '2026-11-23', how: 'verbal', version: 1 }),
    })
    assert.equal(withdrawn.status, 204)
    const consents = (await (await api(`/cases/${caseId}/consents`)).json()) as { id: string; status: string }[]
    assert.equal(consents.find((c) => c.id === consentId)?.status, 'withdrawn')
  })

  test('another team cannot read the network, and the OpenAPI document describes it', async () => {
    const other = await addUser(app.services, authorityId, 'practitioner')
    const token = (await app.services.apiTokens.create({ actor: { type: 'cli', authorityId } }, other.id, 'x')).token
    const res = await fetch(`${app.baseUrl}/api/v1/cases/${caseId}/people`, {
      headers: { authorization: `Bearer ${token}` },
    })
    assert.equal(res.status, 404)
    const doc = (await (await fetch(`${app.baseUrl}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, unknown>
    }
    assert.ok(doc.paths['/cases/{caseId}/consents/{consentId}/withdraw'])
    const text = JSON.stringify(doc)
    assert.match(text, /"CasePerson"/)
    assert.match(text, /"Consent"/)
  })
})

describe('a person known on two families’ cases', () => {
  test('only a team manager can change who they are, and both cases see the change', async () => {
    const other = await openCase(app.services, team.manager, 'lewisham-safer-stronger')
    const child = (await app.services.network.network(team.worker, caseId)).people.find((p) => p.role === 'child')
    assert.ok(child)
    await app.services.database.asOwner((tx) =>
      tx.insert(casePerson).values({ authorityId, caseId: other, personId: child.personId, role: 'child' }),
    )
    const change = {
      role: 'child' as const,
      givenName: 'Cassie',
      familyName: child.familyName,
      dateOfBirth: child.dateOfBirth ?? undefined,
      version: child.version,
    }
    await assert.rejects(
      app.services.network.updatePerson(team.worker, caseId, child.personId, change),
      (e: unknown) => e instanceof InvalidInputError && /only a team manager/.test(e.fields.givenName ?? ''),
    )
    await app.services.network.updatePerson(team.manager, caseId, child.personId, change)
    const onOther = (await app.services.cases.open(team.manager, other)).children.map((c) => c.givenName)
    assert.ok(onOther.includes('Cassie'), 'the other family’s case shows the corrected name')
  })
})
