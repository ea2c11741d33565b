import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { and, eq } from 'drizzle-orm'
import { auditEvent, plan, planGoal } from '../../src/db/schema/index.ts'
import type { ReferralBasis } from '../../src/domain/onwardReferrals.ts'
import type { RequestContext } from '../../src/services/context.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../../src/services/errors.ts'
import { callApi } from '../helpers/api.ts'
import { addUser, setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { caseworkTeam, openCase, userCtx } from '../helpers/cases.ts'
import { WebClient } from '../helpers/client.ts'

/**
 * Onward referrals to other agencies, as actions of the family's plan (issue 6): STARS's "referrals
 * to other agencies to provide additional targeted support", and Staying Together's co-ordination of
 * services for a 16 or 17-year-old presenting as homeless. Agency, reason, date sent, consent basis,
 * response and outcome, chased when overdue — and the wait for a response is a deadline in My work.
 */

// Monday 2 November 2026; tests move the clock on when they need time to pass.
const START = new Date('2026-11-02T10:00:00Z')
let now = START
/** Moves the clock, and signs the browsers in again (a session lasts only so long). */
async function at(iso: string) {
  now = new Date(iso)
  worker = new WebClient(app.baseUrl)
  assert.equal((await worker.signIn(team.people.worker.email, team.people.worker.password)).status, 303)
}

let app: TestApp
let authorityId: string
let team: Awaited<ReturnType<typeof caseworkTeam>>
let stars: string
let stayingTogether: string
let lewisham: string
let outsider: RequestContext
let worker: WebClient
let outsiderWeb: WebClient

before(async () => {
  app = await startTestApp({ clock: () => now })
  authorityId = (await setUpAuthority(app.services)).authorityId
  team = await caseworkTeam(app.services, authorityId)
  stars = await openCase(app.services, team.manager, 'tameside-stars')
  stayingTogether = await openCase(app.services, team.manager, 'staying-together')
  lewisham = await openCase(app.services, team.manager, 'lewisham-safer-stronger')
  for (const caseId of [stars, stayingTogether, lewisham]) {
    const { row } = await app.services.cases.open(team.manager, caseId)
    await app.services.cases.allocate(team.manager, caseId, {
      keyWorkerId: team.people.worker.id,
      version: row.version,
    })
  }
  const { id: otherTeam } = await app.services.teams.create({ actor: { type: 'cli', authorityId } }, { name: 'Other' })
  const other = await addUser(app.services, authorityId, 'practitioner', otherTeam)
  outsider = userCtx(authorityId, other.id, 'practitioner')

  worker = new WebClient(app.baseUrl)
  assert.equal((await worker.signIn(team.people.worker.email, team.people.worker.password)).status, 303)
  outsiderWeb = new WebClient(app.baseUrl)
  assert.equal((await outsiderWeb.signIn(other.email, other.password)).status, 303)
})
after(() => app.close())

const page = (caseId: string) => `/cases/${caseId}/onward-referrals`

function referralForm(fields: Record<string, string> = {}): Record<string, string> {
  return {
    agency: 'Perinatal Mental Health Team',
    reason: 'Tola would like help with low mood in pregnancy.\nShe asked for a female practitioner.',
    'sentOn-day': '2',
    'sentOn-month': '11',
    'sentOn-year': '2026',
    basis: 'consent',
    'responseDueOn-day': '',
    'responseDueOn-month': '',
    'responseDueOn-year': '',
    ...fields,
  }
}

const dateFields = (name: string, iso: string) => {
  const [year, month, day] = iso.split('-')
  return { [`${name}-day`]: String(Number(day)), [`${name}-month`]: String(Number(month)), [`${name}-year`]: year }
}

/** The id at the end of a 303 to the referral's page. */
function idFrom(response: Response): string {
  const location = response.headers.get('location') ?? ''
  const id = location.split('/').at(-1) ?? ''
  assert.match(id, /^[0-9a-f-]{36}$/, location)
  return id
}

async function waitingFor(ctx: RequestContext, caseId: string) {
  const work = await app.services.cases.work(ctx, 'mine')
  return work.items.filter((i) => i.summary.row.id === caseId && i.deadline.kind === 'referral-response')
}

describe('STARS: "referrals to other agencies to provide additional targeted support"', () => {
  test('a referral sent, overdue in My work, chased to a new date, then answered and gone from My work', async () => {
    await at('2026-11-02T10:00:00Z')
    const list = await worker.get(page(stars))
    assert.equal(list.status, 200)
    const listHtml = await list.text()
    assert.match(listHtml, /<title>Onward referrals – Hearth<\/title>/)
    assert.match(listHtml, /href="[^"]+\/plan" aria-current="page"/, 'under the Plan tab')
    assert.match(listHtml, /Why:<\/strong> Action plan — the service says “Together we will decide the support needed/)
    assert.match(listHtml, /referrals to other agencies to provide additional targeted support/)
    assert.match(listHtml, /No onward referrals recorded yet/)

    const form = await worker.get(`${page(stars)}/new`)
    assert.equal(form.status, 200)
    const formHtml = await form.text()
    assert.match(formHtml, /<title>Record an onward referral – Hearth<\/title>/)
    assert.match(
      formHtml,
      /Leave blank for 10 working days after it was sent \(for a referral sent today, 16 November 2026\)/,
    )

    const posted = await worker.post(`${page(stars)}/new`, referralForm())
    assert.equal(posted.status, 303)
    const id = idFrom(posted)
    const view = await (await worker.get(`${page(stars)}/${id}`)).text()
    assert.match(view, /Referral to Perinatal Mental Health Team recorded/)
    assert.match(view, /Referral to Perinatal Mental Health Team<\/h2>/)
    assert.match(view, /16 November 2026/, 'a response is due 10 working days after it was sent')
    assert.match(view, /She asked for a female practitioner\./)

    // Waiting: in My work, not yet due; the case header names the next deadline.
    let waiting = await waitingFor(team.worker, stars)
    assert.deepEqual(
      waiting.map((i) => [i.deadline.name, i.deadline.status]),
      [['Response from Perinatal Mental Health Team', 'not-yet-due']],
    )

    // Due soon two days before, then overdue the day after it was due.
    await at('2026-11-15T10:00:00Z')
    assert.equal((await app.services.onwardReferrals.list(team.worker, stars))[0]?.state, 'due-soon')
    await at('2026-11-17T10:00:00Z')
    waiting = await waitingFor(team.worker, stars)
    assert.deepEqual(
      waiting.map((i) => [i.deadline.name, i.deadline.status]),
      [['Response from Perinatal Mental Health Team', 'overdue']],
    )
    const overdueList = await (await worker.get(page(stars))).text()
    assert.match(overdueList, /govuk-tag--red">Overdue — chase</)
    assert.match(await (await worker.get(`${page(stars)}/${id}`)).text(), /The response was due by 16 November 2026/)

    // Chased today by default, with a new date 5 working days on suggested.
    const chaseForm = await (await worker.get(`${page(stars)}/${id}/chase`)).text()
    assert.match(chaseForm, /<title>Record a chase – Hearth<\/title>/)
    assert.match(chaseForm, /name="chasedOn-day"[^>]*value="17"/)
    assert.match(chaseForm, /name="responseDueOn-day"[^>]*value="24"/)
    const chased = await worker.post(`${page(stars)}/${id}/chase`, {
      ...dateFields('chasedOn', '2026-11-17'),
      ...dateFields('responseDueOn', '2026-11-24'),
      version: '1',
    })
    assert.equal(chased.status, 303)
    assert.equal(chased.headers.get('location'), `${page(stars)}/${id}`)
    assert.match(
      await (await worker.get(`${page(stars)}/${id}`)).text(),
      /Chase recorded: a response is now due by 24 November 2026/,
    )
    waiting = await waitingFor(team.worker, stars)
    assert.deepEqual(
      waiting.map((i) => [i.deadline.status, i.deadline.dueDate]),
      [['not-yet-due', '2026-11-24']],
      'no longer overdue',
    )
    const chasedList = await (await worker.get(page(stars))).text()
    assert.match(chasedList, /Chased 17 November 2026/)
    assert.match(chasedList, />Waiting</)

    // The response: the case no longer waits for it.
    await at('2026-11-19T10:00:00Z')
    const responded = await worker.post(`${page(stars)}/${id}/response`, {
      ...dateFields('respondedOn', '2026-11-19'),
      outcome: 'accepted',
      response: 'First appointment on 2 April at the children’s centre.',
      version: '2',
    })
    assert.equal(responded.status, 303)
    assert.deepEqual(await waitingFor(team.worker, stars), [])
    const answered = await (await worker.get(page(stars))).text()
    assert.match(answered, /govuk-tag--green">Responded: Accepted</)
    assert.match(answered, /Responded 19 November 2026/)
    const viewAnswered = await (await worker.get(`${page(stars)}/${id}`)).text()
    assert.match(viewAnswered, /First appointment on 2 April at the children’s centre\./)
    assert.doesNotMatch(viewAnswered, /Record a chase/)

    const referral = (await app.services.onwardReferrals.list(team.worker, stars))[0]
    assert.ok(referral)
    assert.deepEqual(
      [referral.state, referral.outcome, referral.chasedOn, referral.respondedOn, referral.version],
      ['responded', 'accepted', ['2026-11-17'], '2026-11-19', 3],
    )
    await at(START.toISOString())
  })

  test('the chronology says a referral was sent, chased and answered — never why', async () => {
    const entries = (await app.services.chronology.list(team.worker, stars, { origin: 'hearth' })).entries
    const ours = entries.filter((e) => e.originType?.startsWith('onward-referral'))
    assert.deepEqual(ours.map((e) => [e.occurredOn, e.headline, e.category]).sort(), [
      ['2026-11-02', 'Referral to Perinatal Mental Health Team sent', 'plan'],
      ['2026-11-17', 'Referral to Perinatal Mental Health Team chased', 'plan'],
      ['2026-11-19', 'Response from Perinatal Mental Health Team: accepted', 'plan'],
    ])
    for (const e of ours) assert.doesNotMatch(JSON.stringify(e), /low mood|female practitioner|appointment/)
  })

  test('the audit names the case and the referral, and holds none of the words', async () => {
    const events = await app.services.database.withTenant(authorityId, (tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.recordType, 'onward-referral')),
    )
    const [referral] = await app.services.onwardReferrals.list(team.worker, stars)
    assert.ok(referral)
    const changes = events.filter((e) => e.recordId === referral.id && e.action !== 'view')
    assert.deepEqual(
      changes.map((e) => e.action),
      ['create', 'update', 'update'],
    )
    for (const e of events) {
      assert.equal((e.details as Record<string, string>).caseId !== undefined, true)
      assert.doesNotMatch(JSON.stringify(e.details), /Perinatal|low mood|Tola|appointment/)
    }
  })
})

describe('Staying Together: "Support and co-ordination of services for a young person presenting as homeless"', () => {
  test('the key worker co-ordinates housing, health and education, each with its own basis and response', async () => {
    await at('2026-11-04T10:00:00Z')
    const youngPerson = await app.services.network.addPerson(team.worker, stayingTogether, {
      role: 'child',
      givenName: 'Riley',
      familyName: 'Testfamily',
      dateOfBirth: '2009-09-01',
    })
    // Riley, 16, consents for themself — to a referral to Housing Options only.
    await app.services.network.recordConsent(team.worker, stayingTogether, {
      personId: youngPerson,
      purpose: 'onward-referral',
      agency: 'Housing Options',
      decision: 'given',
      decidedOn: '2026-11-03',
      how: 'written',
    })

    const html = await (await worker.get(page(stayingTogether))).text()
    assert.match(
      html,
      /Why:<\/strong> Support and co-ordination of services for a young person presenting as homeless — the service says “It will support and co-ordinate services for them\.”/,
    )
    const form = await (await worker.get(`${page(stayingTogether)}/new`)).text()
    assert.match(form, /Riley Testfamily: to Housing Options, given 3 November 2026/)
    assert.doesNotMatch(form, /id="consent-warning"/)

    const record = (agency: string, basis: ReferralBasis, reason: string, sentOn = '2026-11-04') =>
      app.services.onwardReferrals.record(team.worker, stayingTogether, {
        agency,
        reason,
        sentOn,
        basis,
        responseDueOn: '2026-11-05',
      })
    const housing = await record('housing options', 'consent', 'Riley needs emergency accommodation tonight.')
    const health = await record(
      'Youth Health Drop-in',
      'consent',
      'Registration with a GP near the hostel.',
      '2026-11-03',
    )
    const college = await record('Northshire College', 'vital-interests', 'Riley has not attended for two weeks.')
    assert.equal(housing.consentWarning, false, 'the consent names this agency (case and spaces aside)')
    assert.equal(health.consentWarning, true, 'consent to Housing Options is not consent to another agency')
    assert.equal(college.consentWarning, false, 'a lawful reason needs no consent')

    const housingView = await (await worker.get(`${page(stayingTogether)}/${housing.id}`)).text()
    assert.match(housingView, /Sent with the consent of Riley Testfamily\./)
    assert.match(housingView, /No consent to this referral is recorded from Sam Ellis\./)
    const healthView = await (await worker.get(`${page(stayingTogether)}/${health.id}`)).text()
    assert.match(healthView, /No one on the case has consented to a referral to Youth Health Drop-in/)
    const collegeView = await (await worker.get(`${page(stayingTogether)}/${college.id}`)).text()
    assert.match(
      collegeView,
      /Sent without consent\. The lawful reason: To protect someone&#39;s life \(vital interests\)\./,
    )
    assert.doesNotMatch(collegeView, /id="consent-warning"/)
    const entry = (await app.services.chronology.list(team.worker, stayingTogether)).entries.find(
      (e) => e.originId === college.id,
    )
    assert.equal(entry?.headline, 'Referral to Northshire College sent')
    assert.equal(entry?.action, "Without consent: To protect someone's life (vital interests)")

    // Housing answers the same day; the others wait. The list puts what needs doing first.
    await app.services.onwardReferrals.respond(team.worker, stayingTogether, housing.id, 1, {
      respondedOn: '2026-11-04',
      outcome: 'accepted',
      response: 'Supported lodgings from Friday.',
    })
    await at('2026-11-06T10:00:00Z')
    const referrals = await app.services.onwardReferrals.list(team.worker, stayingTogether)
    assert.deepEqual(
      referrals.map((r) => [r.agency, r.state, r.stateText]),
      [
        ['Northshire College', 'overdue', 'Overdue — chase'],
        ['Youth Health Drop-in', 'overdue', 'Overdue — chase'],
        ['housing options', 'responded', 'Responded: Accepted'],
      ],
    )
    const names = (await waitingFor(team.worker, stayingTogether)).map((i) => i.deadline.name).sort()
    assert.deepEqual(names, ['Response from Northshire College', 'Response from Youth Health Drop-in'])
    const shell = await app.services.cases.open(team.worker, stayingTogether)
    assert.match(shell.next?.name ?? '', /^Response from /)
    await at(START.toISOString())
  })
})

describe('the consent warning', () => {
  test('shown on the form and the referral when no one has consented; it warns and never blocks', async () => {
    const form = await (await worker.get(`${page(lewisham)}/new`)).text()
    assert.match(form, /id="consent-warning"/)
    assert.match(form, /No one on this case has consented to a referral to another agency/)

    const posted = await worker.post(
      `${page(lewisham)}/new`,
      referralForm({ agency: 'Citizens Advice', reason: 'Debt advice.' }),
    )
    assert.equal(posted.status, 303, 'saved all the same')
    const id = idFrom(posted)
    const view = await (await worker.get(`${page(lewisham)}/${id}`)).text()
    assert.match(view, /Referral to Citizens Advice recorded/)
    assert.match(view, /No one on the case has consented to this referral/)
    assert.match(view, /id="consent-warning"/)
    assert.match(view, /No one on the case has consented to a referral to Citizens Advice/)
    assert.match(view, new RegExp(`href="/cases/${lewisham}/people"`))

    // The parent consents to referrals to any agency: the warning goes.
    const network = await app.services.network.network(team.worker, lewisham)
    const parent = network.people.find((p) => p.role === 'adult' || p.role === 'parent')
    assert.ok(parent)
    await app.services.network.recordConsent(team.worker, lewisham, {
      personId: parent.personId,
      purpose: 'onward-referral',
      decision: 'given',
      decidedOn: '2026-11-02',
      how: 'verbal',
    })
    const after = await (await worker.get(`${page(lewisham)}/${id}`)).text()
    assert.doesNotMatch(after, /id="consent-warning"/)
    assert.match(after, /Sent with the consent of Ade Okafor\./)
    assert.match(
      await (await worker.get(`${page(lewisham)}/new`)).text(),
      /Ade Okafor: to any agency, given 2 November 2026/,
    )
  })
})

describe('checking what is typed', () => {
  test('every problem at once in an error summary, keeping the text; nothing is saved', async () => {
    const before = (await app.services.onwardReferrals.list(team.worker, stars)).length
    const empty = await worker.post(`${page(stars)}/new`, {
      ...referralForm({ agency: '', reason: ' ', basis: '', 'sentOn-day': '', 'sentOn-month': '', 'sentOn-year': '' }),
    })
    assert.equal(empty.status, 400)
    const html = await empty.text()
    assert.match(html, /<title>Error: Record an onward referral – Hearth<\/title>/)
    assert.match(html, /There is a problem/)
    const summary = [...html.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((m) => `${m[1]} ${m[2]}`)
    assert.deepEqual(summary.slice(0, 4), [
      '#agency Enter the agency the referral was sent to',
      '#reason Enter why the family is being referred',
      '#sentOn-day Enter the date the referral was sent',
      '#basis Select whether the family consented, or the lawful reason to refer without consent',
    ])

    const dates = await worker.post(
      `${page(stars)}/new`,
      referralForm({ 'sentOn-day': '3', ...dateFields('responseDueOn', '2026-11-01'), reason: 'Kept: "a" <b>' }),
    )
    assert.equal(dates.status, 400)
    const datesHtml = await dates.text()
    assert.match(datesHtml, /href="#sentOn-day">The date the referral was sent must be today or in the past/)
    assert.match(datesHtml, /Kept: &quot;a&quot; &lt;b&gt;/)

    const due = await worker.post(`${page(stars)}/new`, referralForm(dateFields('responseDueOn', '2026-11-01')))
    assert.equal(due.status, 400)
    assert.match(
      await due.text(),
      /href="#responseDueOn-day">The date a response is due must be on or after the date the referral was sent/,
    )

    const unreadable = await worker.post(
      `${page(stars)}/new`,
      referralForm({ 'responseDueOn-day': '9', 'responseDueOn-month': '', 'responseDueOn-year': '2026', agency: '' }),
    )
    assert.equal(unreadable.status, 400)
    const unreadableHtml = await unreadable.text()
    assert.match(unreadableHtml, /href="#responseDueOn-day">The date a response is due must include a month/)
    assert.match(unreadableHtml, /href="#agency">Enter the agency the referral was sent to/)

    const early = await worker.post(`${page(stars)}/new`, referralForm({ 'sentOn-day': '1' }))
    assert.equal(early.status, 400)
    assert.match(await early.text(), /on or after 2 November 2026, when the family was accepted/)

    const goal = await worker.post(`${page(stars)}/new`, referralForm({ goalId: randomUUID() }))
    assert.equal(goal.status, 400)
    assert.match(await goal.text(), /href="#goalId">Select a goal of the family’s plan/)

    assert.equal((await app.services.onwardReferrals.list(team.worker, stars)).length, before)
  })

  test('a chase and a response are checked too', async () => {
    await at('2026-11-10T10:00:00Z')
    const { id } = await app.services.onwardReferrals.record(team.worker, stars, {
      agency: 'Welfare Rights',
      reason: 'Benefits check.',
      sentOn: '2026-11-05',
      basis: 'consent',
    })
    const chase = await worker.post(`${page(stars)}/${id}/chase`, {
      ...dateFields('chasedOn', '2026-11-04'),
      ...dateFields('responseDueOn', '2026-11-04'),
      version: '1',
    })
    assert.equal(chase.status, 400)
    const chaseHtml = await chase.text()
    assert.match(chaseHtml, /href="#chasedOn-day">The date it was chased must be on or after 5 November 2026/)
    assert.match(
      chaseHtml,
      /href="#responseDueOn-day">The new date a response is due must be after the date it was chased/,
    )
    const noDue = await worker.post(`${page(stars)}/${id}/chase`, {
      ...dateFields('chasedOn', '2026-11-10'),
      version: '1',
    })
    assert.equal(noDue.status, 400)
    assert.match(await noDue.text(), /href="#responseDueOn-day">Enter the new date a response is due/)

    const response = await worker.post(`${page(stars)}/${id}/response`, {
      ...dateFields('respondedOn', '2026-11-04'),
      response: 'Kept: they will call',
      version: '1',
    })
    assert.equal(response.status, 400)
    const responseHtml = await response.text()
    assert.match(responseHtml, /href="#respondedOn-day">The date of the response must be on or after 5 November 2026/)
    assert.match(responseHtml, /href="#outcome">Select what came of the referral/)
    assert.match(responseHtml, /Kept: they will call/)

    const found = await app.services.onwardReferrals.get(team.worker, stars, id)
    assert.deepEqual([found.referral.version, found.referral.chasedOn, found.referral.respondedOn], [1, [], null])

    // A second chase must come after the first; none once the agency has answered.
    await app.services.onwardReferrals.chase(team.worker, stars, id, 1, {
      chasedOn: '2026-11-09',
      responseDueOn: '2026-11-12',
    })
    await assert.rejects(
      app.services.onwardReferrals.chase(team.worker, stars, id, 2, {
        chasedOn: '2026-11-09',
        responseDueOn: '2026-11-13',
      }),
      (e: unknown) => e instanceof InvalidInputError && /when it was last chased/.test(e.fields.chasedOn ?? ''),
    )
    await app.services.onwardReferrals.respond(team.worker, stars, id, 2, {
      respondedOn: '2026-11-10',
      outcome: 'waiting-list',
    })
    await assert.rejects(
      app.services.onwardReferrals.chase(team.worker, stars, id, 3, {
        chasedOn: '2026-11-10',
        responseDueOn: '2026-11-13',
      }),
      (e: unknown) => e instanceof InvalidInputError && /already responded/.test(e.fields.form ?? ''),
    )
    const chasePage = await (await worker.get(`${page(stars)}/${id}/chase`)).text()
    assert.match(chasePage, /Welfare Rights has already responded, so the referral cannot be chased/)
    await at(START.toISOString())
  })
})

describe('changing a referral', () => {
  test('a change on an out-of-date copy answers 409, shows the referral as it is now and keeps what was typed', async () => {
    const { id } = await app.services.onwardReferrals.record(team.worker, stars, {
      agency: 'Family Nurse Partnership',
      reason: 'Support for a first-time parent.',
      sentOn: '2026-11-02',
      basis: 'consent',
    })
    const edit = `${page(stars)}/${id}/edit`
    const form = await (await worker.get(edit)).text()
    assert.match(form, /<title>Change an onward referral – Hearth<\/title>/)
    assert.match(form, /name="version" value="1"/)
    assert.match(form, /value="Family Nurse Partnership"/)

    await app.services.onwardReferrals.update(team.colleague, stars, id, 1, {
      agency: 'Family Nurse Partnership (Northshire)',
      reason: 'Support for a first-time parent.',
      sentOn: '2026-11-02',
      basis: 'consent',
      responseDueOn: '2026-11-20',
    })
    const mine = referralForm({ agency: 'FNP', reason: 'My fuller reason.', version: '1' })
    const stale = await worker.post(edit, mine, edit)
    assert.equal(stale.status, 409)
    const html = await stale.text()
    assert.match(html, /Someone changed this referral after you opened it/)
    assert.match(html, /Family Nurse Partnership \(Northshire\)/, "the colleague's version")
    assert.match(html, /My fuller reason\./, 'what the worker typed')
    assert.match(html, /name="version" value="2"/)

    const saved = await worker.post(edit, { ...mine, version: '2' }, edit)
    assert.equal(saved.status, 303)
    // Left blank on a change, the due date stays as the colleague set it.
    const now = await app.services.onwardReferrals.get(team.worker, stars, id)
    assert.deepEqual(
      [now.referral.agency, now.referral.reason, now.referral.responseDueOn, now.referral.version],
      ['FNP', 'My fuller reason.', '2026-11-20', 3],
    )
    assert.equal(now.referral.updatedBy?.id, team.people.worker.id)
    const entry = (await app.services.chronology.list(team.worker, stars)).entries.find((e) => e.originId === id)
    assert.equal(entry?.headline, 'Referral to FNP sent', 'the chronology follows the agency')

    // A stale chase or response is refused too, on the page and by the service.
    const staleChase = await worker.post(`${page(stars)}/${id}/chase`, {
      ...dateFields('chasedOn', '2026-11-02'),
      ...dateFields('responseDueOn', '2026-11-09'),
      version: '1',
    })
    assert.equal(staleChase.status, 409)
    assert.match(await staleChase.text(), /the chase has not been recorded/)
    await assert.rejects(
      app.services.onwardReferrals.respond(team.worker, stars, id, 2, {
        respondedOn: '2026-11-02',
        outcome: 'declined',
      }),
      ConflictError,
    )
  })

  test('a plan goal can be named, and the list shows it', async () => {
    const planId = randomUUID()
    const goalId = randomUUID()
    await app.services.database.withTenant(authorityId, async (tx) => {
      await tx.insert(plan).values({
        authorityId,
        caseId: stars,
        id: planId,
        kind: 'family-action',
        edition: 1,
        status: 'draft',
        createdBy: team.people.worker.id,
        createdAt: now,
      })
      await tx.insert(planGoal).values({
        authorityId,
        caseId: stars,
        planId,
        id: goalId,
        position: 1,
        need: 'Money worries',
        outcome: 'Tola feels on top of the bills',
      })
    })
    const form = await (await worker.get(`${page(stars)}/new`)).text()
    assert.match(form, /Goal 1: Tola feels on top of the bills/)
    const posted = await worker.post(`${page(stars)}/new`, referralForm({ agency: 'Citizens Advice', goalId }))
    assert.equal(posted.status, 303)
    const list = await (await worker.get(page(stars))).text()
    assert.match(list, /Goal 1: Tola feels on top of the bills/)
    const [row] = await app.services.database.withTenant(authorityId, (tx) =>
      tx
        .select()
        .from(planGoal)
        .where(and(eq(planGoal.planId, planId), eq(planGoal.id, goalId))),
    )
    assert.ok(row)
  })
})

describe('who can see them', () => {
  test("another team's practitioner finds nothing, on the pages or the service", async () => {
    const [referral] = await app.services.onwardReferrals.list(team.worker, stars)
    assert.ok(referral)
    for (const path of [
      page(stars),
      `${page(stars)}/new`,
      `${page(stars)}/${referral.id}`,
      `${page(stars)}/${referral.id}/edit`,
      `${page(stars)}/${referral.id}/chase`,
      `${page(stars)}/${referral.id}/response`,
    ]) {
      assert.equal((await outsiderWeb.get(path)).status, 404, path)
    }
    assert.equal((await outsiderWeb.post(`${page(stars)}/new`, referralForm(), '/cases')).status, 404)
    await assert.rejects(app.services.onwardReferrals.list(outsider, stars), NotFoundError)
    await assert.rejects(app.services.onwardReferrals.get(outsider, stars, referral.id), NotFoundError)
    // A referral of another case is not found through this one; nor one that does not exist.
    assert.equal((await worker.get(`${page(lewisham)}/${referral.id}`)).status, 404)
    assert.equal((await worker.get(`${page(stars)}/${randomUUID()}`)).status, 404)
    assert.equal((await worker.get(`${page(stars)}/not-a-uuid`)).status, 404)
  })
})

describe('the API', () => {
  const tokenFor = async (userId: string) =>
    (await app.services.apiTokens.create({ actor: { type: 'cli', authorityId } }, userId, 'onward')).token

  test('records, reads, changes, chases and answers a referral, with problem+json for what it refuses', async () => {
    await at('2026-11-12T10:00:00Z')
    const token = await tokenFor(team.people.worker.id)
    const api = (method: string, path: string, json?: unknown) => callApi(app.baseUrl, token, method, path, json)
    const base = `/cases/${stars}/onward-referrals`

    const created = await api('POST', base, {
      agency: 'Drug and Alcohol Service',
      reason: 'Through the API',
      sentOn: '2026-11-12',
      basis: 'legal-duty',
    })
    assert.equal(created.status, 201)
    const { id, consentWarning } = await created.json()
    assert.equal(consentWarning, false)

    const one = await api('GET', `${base}/${id}`)
    assert.equal(one.status, 200)
    const body = await one.json()
    assert.equal(body.referral.responseDueOn, '2026-11-26')
    assert.equal(body.referral.state, 'waiting')
    assert.equal(body.consent.lawfulReason, 'A legal duty or court order')
    const listed = await (await api('GET', base)).json()
    assert.ok(listed.referrals.some((r: { id: string }) => r.id === id))
    assert.match(listed.sources[0].source, /referrals to other agencies/)

    const bad = await api('POST', base, { agency: '', sentOn: '2026-11-13', basis: 'because' })
    assert.equal(bad.status, 400)
    assert.equal(bad.headers.get('content-type'), 'application/problem+json; charset=utf-8')
    const badNames = (await bad.json()).errors.map((e: { name: string }) => e.name).sort()
    assert.deepEqual(badNames, ['agency', 'basis', 'reason'])
    const future = await api('POST', base, { agency: 'X', reason: 'Y', sentOn: '2026-11-13', basis: 'consent' })
    assert.equal(future.status, 400)
    assert.deepEqual(
      (await future.json()).errors.map((e: { name: string }) => e.name),
      ['sentOn'],
    )

    const changed = await api('PATCH', `${base}/${id}`, {
      agency: 'Drug and Alcohol Service',
      reason: 'Through the API, corrected',
      sentOn: '2026-11-12',
      basis: 'legal-duty',
      responseDueOn: '2026-11-19',
      version: 1,
    })
    assert.equal(changed.status, 200)
    assert.deepEqual(await changed.json(), { version: 2 })
    const stale = await api('PATCH', `${base}/${id}`, {
      agency: 'X',
      reason: 'Y',
      sentOn: '2026-11-12',
      basis: 'consent',
      version: 1,
    })
    assert.equal(stale.status, 409)
    assert.equal(stale.headers.get('content-type'), 'application/problem+json; charset=utf-8')

    const chased = await api('POST', `${base}/${id}/chases`, {
      chasedOn: '2026-11-12',
      responseDueOn: '2026-11-20',
      version: 2,
    })
    assert.equal(chased.status, 200)
    assert.deepEqual(await chased.json(), { version: 3, responseDueOn: '2026-11-20' })
    // A correction that leaves the due date out keeps the one the chase set.
    const corrected = await api('PATCH', `${base}/${id}`, {
      agency: 'Drug and Alcohol Service',
      reason: 'Through the API, corrected again',
      sentOn: '2026-11-12',
      basis: 'legal-duty',
      version: 3,
    })
    assert.equal(corrected.status, 200)
    assert.equal((await (await api('GET', `${base}/${id}`)).json()).referral.responseDueOn, '2026-11-20')
    const answered = await api('POST', `${base}/${id}/response`, {
      respondedOn: '2026-11-12',
      outcome: 'declined',
      response: 'Not the right service; try the recovery college.',
      version: 4,
    })
    assert.equal(answered.status, 200)
    const after = (await (await api('GET', `${base}/${id}`)).json()).referral
    assert.deepEqual(
      [after.state, after.stateText, after.chasedOn, after.outcome],
      ['responded', 'Responded: Declined', ['2026-11-12'], 'declined'],
    )
    const noOutcome = await api('POST', `${base}/${id}/response`, { respondedOn: '2026-11-12', version: 5 })
    assert.equal(noOutcome.status, 400)
    assert.deepEqual(
      (await noOutcome.json()).errors.map((e: { name: string }) => e.name),
      ['outcome'],
    )
    assert.equal((await api('GET', `${base}/${randomUUID()}`)).status, 404)
    await at(START.toISOString())
  })

  test('the OpenAPI document describes them', async () => {
    const document = await (await fetch(`${app.baseUrl}/api/v1/openapi.json`)).json()
    const paths = document.paths
    assert.ok(paths['/cases/{caseId}/onward-referrals']?.get)
    assert.ok(paths['/cases/{caseId}/onward-referrals']?.post)
    assert.ok(paths['/cases/{caseId}/onward-referrals/{onwardReferralId}']?.get)
    assert.ok(paths['/cases/{caseId}/onward-referrals/{onwardReferralId}']?.patch)
    assert.ok(paths['/cases/{caseId}/onward-referrals/{onwardReferralId}/chases']?.post)
    assert.ok(paths['/cases/{caseId}/onward-referrals/{onwardReferralId}/response']?.post)
    assert.match(JSON.stringify(paths['/cases/{caseId}/onward-referrals'].get), /OnwardReferral/)
  })
})

describe('a closed case', () => {
  test('takes no new referrals, changes or chases, but still takes the response that ends the wait', async () => {
    await at('2026-11-20T10:00:00Z')
    const { id } = await app.services.onwardReferrals.record(team.worker, lewisham, {
      agency: 'Early Help Hub',
      reason: 'Step-across after closure.',
      sentOn: '2026-11-20',
      basis: 'consent',
    })
    const { row } = await app.services.cases.open(team.manager, lewisham)
    await app.services.cases.move(team.manager, lewisham, row.version, 'closed', now)

    const list = await (await worker.get(page(lewisham))).text()
    assert.match(list, /The case is closed, so no new onward referrals can be recorded/)
    assert.doesNotMatch(list, /Record an onward referral/)
    assert.match(await (await worker.get(`${page(lewisham)}/new`)).text(), /The case is closed, so onward referrals/)
    const posted = await worker.post(`${page(lewisham)}/new`, referralForm({ 'sentOn-day': '20' }), page(lewisham))
    assert.equal(posted.status, 400)
    assert.match(await posted.text(), /href="#form">The case is closed: new onward referrals can no longer be recorded/)

    const view = await (await worker.get(`${page(lewisham)}/${id}`)).text()
    assert.doesNotMatch(view, /Change the referral/)
    assert.doesNotMatch(view, /Record a chase/)
    assert.match(view, /Record the response/)
    await assert.rejects(
      app.services.onwardReferrals.chase(team.worker, lewisham, id, 1, {
        chasedOn: '2026-11-20',
        responseDueOn: '2026-11-27',
      }),
      (e: unknown) => e instanceof InvalidInputError && /case is closed/.test(e.fields.form ?? ''),
    )
    await assert.rejects(
      app.services.onwardReferrals.update(team.worker, lewisham, id, 1, {
        agency: 'Changed',
        reason: 'Changed',
        sentOn: '2026-11-20',
        basis: 'consent',
      }),
      InvalidInputError,
    )
    const token = (
      await app.services.apiTokens.create({ actor: { type: 'cli', authorityId } }, team.people.worker.id, 'c')
    ).token
    const refused = await callApi(app.baseUrl, token, 'POST', page(lewisham), {
      agency: 'X',
      reason: 'Y',
      sentOn: '2026-11-20',
      basis: 'consent',
    })
    assert.equal(refused.status, 400)

    const responded = await worker.post(`${page(lewisham)}/${id}/response`, {
      ...dateFields('respondedOn', '2026-11-20'),
      outcome: 'accepted',
      version: '1',
    })
    assert.equal(responded.status, 303)
    assert.equal((await app.services.onwardReferrals.get(team.worker, lewisham, id)).referral.outcome, 'accepted')
    await at(START.toISOString())
  })
})
