import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { and, eq } from 'drizzle-orm'
import { auditEvent, chronologyEntry } from '../../src/db/schema/index.ts'
import type { ClosureBody } from '../../src/services/closures.ts'
import type { RequestContext } from '../../src/services/context.ts'
import { ConflictError, InvalidInputError } from '../../src/services/errors.ts'
import { callApi } from '../helpers/api.ts'
import { setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { caseworkTeam, openCase } from '../helpers/cases.ts'
import { WebClient } from '../helpers/client.ts'

/**
 * Closure and after (issue 6): a worker proposes closing the case, with the reason, where the
 * family goes next, the outcome per headline need, whether each child is living at home and the
 * programme's closure steps; a team manager signs it off, which closes the case and schedules
 * follow-up checks at 3, 6 and 12 months, listed in My work until they are recorded.
 */

const DAY = 24 * 60 * 60 * 1000
let now = new Date('2026-03-02T10:00:00Z') // Monday 2 March 2026

let app: TestApp
let authorityId: string
let team: Awaited<ReturnType<typeof caseworkTeam>>

/** A browser signed in now (moving the clock on ends earlier sessions). */
async function signedIn(person: { email: string; password: string }) {
  const client = new WebClient(app.baseUrl)
  assert.equal((await client.signIn(person.email, person.password)).status, 303)
  return client
}

/** Moves the test clock on by whole days. */
function later(days: number): Date {
  now = new Date(now.getTime() + days * DAY)
  return now
}
const today = () => now.toISOString().slice(0, 10)

before(async () => {
  app = await startTestApp({ clock: () => now })
  authorityId = (await setUpAuthority(app.services)).authorityId
  team = await caseworkTeam(app.services, authorityId)
})
after(() => app.close())

/** A case of `programmeId`, allocated to the worker; support started now unless `accepted` only. */
async function activeCase(programmeId: string, { start = true } = {}) {
  const caseId = await openCase(app.services, team.manager, programmeId)
  let { row } = await app.services.cases.open(team.manager, caseId)
  await app.services.cases.allocate(team.manager, caseId, { keyWorkerId: team.people.worker.id, version: row.version })
  if (start) {
    row = (await app.services.cases.open(team.manager, caseId)).row
    await app.services.cases.move(team.manager, caseId, row.version, 'support-started', now)
  }
  return caseId
}

async function move(caseId: string, event: 'step-down-started') {
  const { row } = await app.services.cases.open(team.manager, caseId)
  await app.services.cases.move(team.manager, caseId, row.version, event, now)
}

async function deadline(caseId: string, id: string) {
  return (await app.services.cases.open(team.manager, caseId)).state.deadlines.find((d) => d.id === id)
}

async function childrenOf(caseId: string) {
  return (await app.services.closures.overview(team.manager, caseId)).children
}

async function tokenFor(userId: string) {
  return (await app.services.apiTokens.create({ actor: { type: 'cli', authorityId } }, userId, 'closure')).token
}

function dateFields(name: string, iso: string): Record<string, string> {
  const [y, m, d] = iso.split('-')
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y as string }
}

/** The links in a page's error summary, in order. */
function summaryLinks(html: string): string[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? ''
  return [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1] as string)
}

async function closureBody(caseId: string, extra: Partial<ClosureBody> = {}): Promise<ClosureBody> {
  const o = await app.services.closures.overview(team.manager, caseId)
  return {
    closedOn: today(),
    reason: 'Synthetic: the family met the goals they set.',
    destinationId: o.destinations[0]?.id as string,
    outcomes: [{ headline: o.needs.headlines[0]?.headline as number, result: 'improved', evidence: 'Synthetic.' }],
    children: o.children.map((c) => ({ personId: c.personId, livingAtHome: c.role === 'unborn' ? null : true })),
    ...extra,
  }
}

async function signOff(caseId: string, ctx: RequestContext = team.manager) {
  const o = await app.services.closures.overview(ctx, caseId)
  return app.services.closures.signOff(ctx, caseId, o.closure?.version as number)
}

describe('Lewisham Safer Stronger Families', () => {
  test('"convening a Team around the Family closure meeting and finally a family celebration": the meeting meets "Closure meeting at the end of the step-down"', async () => {
    now = new Date('2026-03-02T10:00:00Z')
    const caseId = await activeCase('lewisham-safer-stronger')
    later(84)
    await move(caseId, 'step-down-started') // Monday 25 May 2026
    later(63) // Monday 27 July 2026, week 10 of the step-down
    const [child] = await childrenOf(caseId)
    const tab = `/cases/${caseId}/closure`

    const worker = await signedIn(team.people.worker)
    const intro = await (await worker.get(tab)).text()
    assert.match(intro, /<title>Closure – Hearth<\/title>/)
    assert.match(intro, /Team Around the Family closure meeting/)
    assert.match(intro, /the service says “convening a Team around the Family closure meeting”/)
    assert.match(intro, /the service says “finally a family celebration to mark their success.”/)
    assert.match(intro, /Signposted to universal services/)
    assert.match(intro, /The family withdrew consent/)
    assert.match(intro, /The family moved away/)
    assert.match(intro, new RegExp(`href="${tab}/propose"[^>]*>\\s*Propose closure`))

    const form = await (await worker.get(`${tab}/propose`)).text()
    assert.match(form, /<title>Propose closure – Hearth<\/title>/)
    // No needs recorded: Lewisham's headline outcomes to choose from, its own first.
    assert.match(form, /No headline needs were recorded/)
    assert.match(form, /Getting a good education \(optional\)/)
    assert.match(form, /Is Robin Okafor living at home\?/)

    const posted = await worker.post(`${tab}/propose`, {
      ...dateFields('closedOn', '2026-07-24'),
      reason: 'Robin is back at school every day and the family want to carry on alone.',
      destinationId: 'universal-services',
      'outcome-1': 'improved',
      'outcome-1-evidence': 'Attendance up from 71% to 96% this term.',
      'outcome-7': 'sustained',
      'outcome-7-evidence': 'No police call-outs since March.',
      [`child-${child?.personId}`]: 'yes',
      'step-taf-closure-meeting': 'yes',
      ...dateFields('step-taf-closure-meeting-doneOn', '2026-07-22'),
      'step-taf-closure-meeting-note': 'School, health visitor and the family attended.',
      'step-family-celebration': 'no',
    })
    assert.equal(posted.status, 303)
    assert.equal(posted.headers.get('location'), tab)

    const meeting = await deadline(caseId, 'end-of-step-down')
    assert.equal(meeting?.status, 'met-on-time', 'the TAF closure meeting on 22 July meets week 10 of the step-down')
    assert.equal(
      (await app.services.cases.open(team.manager, caseId)).row.status,
      'step-down',
      'still open until signed off',
    )

    const proposed = await (await worker.get(tab)).text()
    assert.match(proposed, /Closure proposed: a team manager will sign it off/)
    assert.match(proposed, /govuk-tag--yellow">\s*Proposed\s*</)
    assert.match(proposed, /Not done yet: Family celebration/)
    assert.doesNotMatch(proposed, /Sign off closure/, 'only managers are offered the sign-off')
    assert.match(proposed, /Attendance up from 71% to 96% this term/)
    assert.match(proposed, /Done on 22 July 2026/)

    const manager = await signedIn(team.people.manager)
    const signOffPage = await (await manager.get(`${tab}/sign-off`)).text()
    assert.match(signOffPage, /<title>Sign off closure – Hearth<\/title>/)
    assert.match(signOffPage, /Not done yet: Family celebration\. You can still sign off/)
    const signed = await manager.post(`${tab}/sign-off`, { version: '1' })
    assert.equal(signed.status, 303)
    const { row } = await app.services.cases.open(team.manager, caseId)
    assert.equal(row.status, 'closed')

    const closed = await (await worker.get(tab)).text()
    assert.match(closed, /govuk-tag--green">\s*Signed off\s*</)
    assert.match(closed, /The case closed on 24 July 2026/)
    assert.match(closed, /3-month follow-up<\/td>\s*<td class="govuk-table__cell">24 October 2026/)
    assert.match(closed, /6-month follow-up<\/td>\s*<td class="govuk-table__cell">24 January 2027/)
    assert.match(closed, /12-month follow-up<\/td>\s*<td class="govuk-table__cell">24 July 2027/)
    assert.doesNotMatch(closed, /Change the proposal/)

    // The celebration, a week after closure.
    const steps = await (await worker.get(`${tab}/steps`)).text()
    assert.match(steps, /Family celebration/)
    assert.doesNotMatch(steps, /step-taf-closure-meeting-doneOn/, 'what was done at sign-off stays as it was')
    const celebrated = await worker.post(`${tab}/steps`, {
      version: '2',
      'step-family-celebration': 'yes',
      ...dateFields('step-family-celebration-doneOn', '2026-07-27'),
    })
    assert.equal(celebrated.status, 303)
    const done = await app.services.closures.overview(team.worker, caseId)
    assert.deepEqual(done.toDo, [])
    assert.deepEqual(
      done.closure?.steps.map((s) => [s.stepId, s.doneOn]),
      [
        ['taf-closure-meeting', '2026-07-22'],
        ['family-celebration', '2026-07-27'],
      ],
    )

    const chronology = await app.services.database.withTenant(authorityId, (tx) =>
      tx
        .select({ headline: chronologyEntry.headline, on: chronologyEntry.occurredOn })
        .from(chronologyEntry)
        .where(and(eq(chronologyEntry.caseId, caseId), eq(chronologyEntry.category, 'closure'))),
    )
    assert.deepEqual(chronology.map((c) => `${c.on} ${c.headline}`).sort(), [
      '2026-07-22 Closure meeting held',
      '2026-07-24 Case closed',
      '2026-07-27 Closure proposed',
    ])
    const audits = await app.services.database.withTenant(authorityId, (tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.recordType, 'closure')),
    )
    const signOffAudit = audits.find((a) => a.action === 'sign-off')
    assert.deepEqual(signOffAudit?.details, { caseId, destination: 'universal-services', version: 2 })
  })
})

describe('Staying Together', () => {
  test('"The family and the social worker will receive a copy the report": sent after closure, within "10 working days"', async () => {
    now = new Date('2026-03-02T10:00:00Z')
    const caseId = await activeCase('staying-together')
    later(60) // Friday 1 May 2026
    const token = await tokenFor(team.people.worker.id)
    const managerToken = await tokenFor(team.people.manager.id)

    const read = await callApi(app.baseUrl, token, 'GET', `/cases/${caseId}/closure`)
    assert.equal(read.status, 200)
    const page = await read.json()
    assert.equal(page.closure, null)
    assert.deepEqual(page.steps[0].recipients, ['family', 'allocated-social-worker'])
    assert.equal(page.steps[0].event, 'intervention-report-sent')

    const proposed = await callApi(app.baseUrl, token, 'POST', `/cases/${caseId}/closure`, {
      ...(await closureBody(caseId, { closedOn: '2026-05-01', destinationId: 'remains-at-home' })),
      recipients: [{ participant: 'family', sentOn: '2026-05-01' }],
    })
    assert.equal(proposed.status, 201, await proposed.clone().text())
    const { version } = await proposed.json()

    const refused = await callApi(app.baseUrl, token, 'POST', `/cases/${caseId}/closure/sign-off`, { version })
    assert.equal(refused.status, 403, 'team managers only')
    const signed = await callApi(app.baseUrl, managerToken, 'POST', `/cases/${caseId}/closure/sign-off`, { version })
    assert.equal(signed.status, 200)
    assert.deepEqual((await signed.json()).followUps, ['2026-08-01', '2026-11-01', '2027-05-01'])

    const report = await deadline(caseId, 'intervention-report')
    assert.equal(report?.status, 'not-yet-due', 'the family has it; the social worker does not yet')
    assert.equal(
      report?.dueAt.toISOString(),
      '2026-05-18T22:59:59.999Z',
      '10 working days after 1 May 2026 (4 May a bank holiday)',
    )

    later(10) // Monday 11 May 2026
    const stale = await callApi(app.baseUrl, token, 'POST', `/cases/${caseId}/closure/steps`, {
      version,
      recipients: [{ participant: 'allocated-social-worker', sentOn: '2026-05-11' }],
    })
    assert.equal(stale.status, 409)
    const early = await callApi(app.baseUrl, token, 'POST', `/cases/${caseId}/closure/steps`, {
      version: version + 1,
      recipients: [{ participant: 'allocated-social-worker', sentOn: '2026-04-30' }],
    })
    assert.equal(early.status, 400)
    assert.deepEqual((await early.json()).errors, [
      {
        name: 'sent-allocated-social-worker',
        reason: 'The report is sent at closure or after it: the date must be on or after the closing date',
      },
    ])
    const sent = await callApi(app.baseUrl, token, 'POST', `/cases/${caseId}/closure/steps`, {
      version: version + 1,
      recipients: [{ participant: 'allocated-social-worker', sentOn: '2026-05-11' }],
    })
    assert.equal(sent.status, 200)
    assert.equal((await deadline(caseId, 'intervention-report'))?.status, 'met-on-time')
    const after = await (await callApi(app.baseUrl, token, 'GET', `/cases/${caseId}/closure`)).json()
    assert.deepEqual(after.closure.recipients, [
      { participant: 'family', sentOn: '2026-05-01' },
      { participant: 'allocated-social-worker', sentOn: '2026-05-11' },
    ])
    assert.deepEqual(after.closure.steps, [
      { stepId: 'intervention-report', done: true, doneOn: '2026-05-11', note: null },
    ])
    assert.deepEqual(after.toDo, [])
  })
})

describe('Derby Staying Together Team', () => {
  test('"step down to universal services": closure and its follow-ups feed outcomes', async () => {
    now = new Date('2026-03-02T10:00:00Z')
    const caseId = await activeCase('derby-staying-together')
    later(70)
    const [child] = await childrenOf(caseId)
    const o = await app.services.closures.overview(team.worker, caseId)
    assert.deepEqual(
      o.destinations.map((d) => d.name),
      [
        'Remains with social care',
        'Step across to early help',
        'Step down to universal services',
        'The family withdrew consent',
        'The family moved away',
      ],
    )
    assert.equal(await app.services.closures.outcomes(team.worker, caseId), null, 'nothing before a proposal')
    await app.services.closures.propose(
      team.worker,
      caseId,
      await closureBody(caseId, {
        destinationId: 'step-down-universal',
        outcomes: [
          { headline: 5, result: 'improved', evidence: 'Arguments down from daily to weekly.' },
          { headline: 6, result: 'sustained', evidence: 'No missing episodes for 8 weeks.' },
        ],
        steps: [{ stepId: 'gradual-reduction', done: true, doneOn: '2026-05-01' }],
      }),
    )
    await signOff(caseId)
    const closedOn = today()

    const check = (await app.services.closures.followUps(team.worker, caseId))[0]
    later(92)
    await app.services.closures.recordFollowUp(team.worker, caseId, check?.id as string, 1, {
      doneOn: today(),
      children: [{ personId: child?.personId as string, livingAtHome: true }],
      reReferred: false,
      note: 'Casey is at college.',
    })
    const outcomes = await app.services.closures.outcomes(team.manager, caseId)
    assert.deepEqual(outcomes?.destination, {
      id: 'step-down-universal',
      name: 'Step down to universal services',
      reportsAs: 'outcomes-met',
      reportsAsName: 'Outcomes met',
    })
    assert.equal(outcomes?.closedOn, closedOn)
    assert.equal(outcomes?.everyNeedPositive, true)
    assert.deepEqual(outcomes?.children, [
      { personId: child?.personId, atClosure: true, after: { 3: true, 6: null, 12: null } },
    ])
    assert.equal(outcomes?.reReferred, null, 'not known until every check is done')
    assert.equal(outcomes?.stillAtHomeAfterSixMonths, null)
  })
})

describe('a family that withdrew consent', () => {
  test('a case still at "accepted" closes to a destination every programme has', async () => {
    now = new Date('2026-03-02T10:00:00Z')
    const caseId = await activeCase('derbyshire-stronger-families', { start: false })
    later(5)
    await app.services.closures.propose(
      team.worker,
      caseId,
      await closureBody(caseId, {
        destinationId: 'withdrew-consent',
        reason: 'Lee asked for the work to stop.',
        outcomes: [{ headline: 5, result: 'no-change', evidence: 'No work was done.' }],
      }),
    )
    await signOff(caseId)
    const outcomes = await app.services.closures.outcomes(team.manager, caseId)
    assert.equal(outcomes?.destination.name, 'The family withdrew consent')
    assert.equal(outcomes?.destination.reportsAs, 'no-further-action')
    assert.equal(outcomes?.everyNeedPositive, false)
    assert.equal((await app.services.cases.open(team.manager, caseId)).row.status, 'closed')
  })
})

describe('follow-ups at 3, 6 and 12 months', () => {
  test('scheduled at the right dates, in My work once due, gone once recorded', async () => {
    now = new Date('2026-01-05T10:00:00Z')
    const caseId = await activeCase('derby-staying-together')
    later(26) // Saturday 31 January 2026
    const [child] = await childrenOf(caseId)
    await app.services.closures.propose(team.worker, caseId, await closureBody(caseId, { closedOn: '2026-01-31' }))
    await signOff(caseId)
    const checks = await app.services.closures.followUps(team.worker, caseId)
    assert.deepEqual(
      checks.map((c) => [c.months, c.dueOn, c.deadline.status]),
      [
        [3, '2026-04-30', 'not-yet-due'],
        [6, '2026-07-31', 'not-yet-due'],
        [12, '2027-01-31', 'not-yet-due'],
      ],
    )
    const mine = async () =>
      (await app.services.cases.work(team.worker, 'mine')).items
        .filter((i) => i.summary.row.id === caseId && i.deadline.kind === 'follow-up')
        .map((i) => `${i.deadline.name} ${i.deadline.status}`)

    later(92) // Monday 3 May 2026
    assert.ok(
      (await mine()).includes('3-month follow-up overdue'),
      'a closed case with a follow-up due shows in My work',
    )
    const worker = await signedIn(team.people.worker)
    const work = await (await worker.get('/work')).text()
    assert.match(work, /3-month follow-up/)

    const path = `/cases/${caseId}/closure/follow-ups/${checks[0]?.id}`
    const form = await (await worker.get(path)).text()
    assert.match(form, /<title>Record the 3-month follow-up – Hearth<\/title>/)
    assert.match(form, /Is Casey Novak still living at home\?/)

    const empty = await worker.post(path, { version: '1' })
    assert.equal(empty.status, 400)
    const emptyHtml = await empty.text()
    assert.match(emptyHtml, /<title>Error: Record the 3-month follow-up – Hearth<\/title>/)
    assert.deepEqual(summaryLinks(emptyHtml), ['doneOn-day', `child-${child?.personId}`, 'reReferred'])

    const early = await worker.post(path, {
      version: '1',
      ...dateFields('doneOn', '2026-04-10'),
      [`child-${child?.personId}`]: 'yes',
      reReferred: 'no',
    })
    assert.equal(early.status, 400)
    assert.match(await early.text(), /due on 30 April 2026: it can be recorded from 16 April 2026/)

    const recorded = await worker.post(path, {
      version: '1',
      ...dateFields('doneOn', '2026-05-01'),
      [`child-${child?.personId}`]: 'yes',
      reReferred: 'no',
      note: 'Phoned Dana: all well.',
    })
    assert.equal(recorded.status, 303)
    assert.deepEqual(await mine(), ['6-month follow-up not-yet-due', '12-month follow-up not-yet-due'])
    const tab = await (await worker.get(`/cases/${caseId}/closure`)).text()
    assert.match(tab, /3-month follow-up recorded/)
    assert.match(tab, /1 May 2026/)

    const stale = await worker.post(path, {
      version: '1',
      ...dateFields('doneOn', '2026-05-02'),
      [`child-${child?.personId}`]: 'no',
      reReferred: 'yes',
    })
    assert.equal(stale.status, 409)
    assert.match(await stale.text(), /Someone changed this follow-up after you opened it/)

    const token = await tokenFor(team.people.worker.id)
    const list = await (await callApi(app.baseUrl, token, 'GET', `/cases/${caseId}/follow-ups`)).json()
    assert.deepEqual(
      list.map((f: { months: number; doneOn: string | null; reReferred: boolean | null }) => [
        f.months,
        f.doneOn,
        f.reReferred,
      ]),
      [
        [3, '2026-05-01', false],
        [6, null, null],
        [12, null, null],
      ],
    )
    const bad = await callApi(app.baseUrl, token, 'POST', `/cases/${caseId}/follow-ups/${list[1].id}`, {
      version: 1,
      doneOn: '2026-05-03',
    })
    assert.equal(bad.status, 400)
    assert.deepEqual(
      (await bad.json()).errors.map((e: { name: string }) => e.name),
      ['doneOn', `child-${child?.personId}`, 'reReferred'],
    )
  })
})

describe('refusals', () => {
  test('sign-off is refused to a practitioner: by the service, the page and the API', async () => {
    now = new Date('2026-03-02T10:00:00Z')
    const caseId = await activeCase('derbyshire-stronger-families')
    later(30)
    await app.services.closures.propose(team.worker, caseId, await closureBody(caseId))
    await assert.rejects(
      signOff(caseId, team.worker),
      (e: unknown) => e instanceof InvalidInputError && e.fields.form === 'Only a team manager can sign off a closure',
    )
    const worker = await signedIn(team.people.worker)
    assert.equal((await worker.get(`/cases/${caseId}/closure/sign-off`)).status, 403)
    const token = await tokenFor(team.people.worker.id)
    const api = await callApi(app.baseUrl, token, 'POST', `/cases/${caseId}/closure/sign-off`, { version: 1 })
    assert.equal(api.status, 403)
    assert.equal((await app.services.cases.open(team.manager, caseId)).row.status, 'active')
  })

  test('bad input: every problem at once, as an error summary and as problem+json', async () => {
    now = new Date('2026-03-02T10:00:00Z')
    const caseId = await activeCase('lewisham-safer-stronger')
    later(7)
    const [child] = await childrenOf(caseId)
    const worker = await signedIn(team.people.worker)
    const posted = await worker.post(`/cases/${caseId}/closure/propose`, {
      'closedOn-day': '31',
      'closedOn-month': '2',
      'closedOn-year': '2026',
      reason: '',
      'outcome-1-evidence': 'Some evidence but no result.',
      'step-taf-closure-meeting': 'yes',
      'step-taf-closure-meeting-doneOn-day': '3',
    })
    assert.equal(posted.status, 400)
    const html = await posted.text()
    assert.match(html, /<title>Error: Propose closure – Hearth<\/title>/)
    assert.deepEqual(summaryLinks(html), [
      'closedOn-day',
      'reason',
      'destinationId',
      'outcome-1',
      `child-${child?.personId}`,
      'step-taf-closure-meeting-doneOn-day',
    ])
    assert.match(html, /The closing date must be a real date/)
    assert.match(html, /The date it was done must include a month and year/)
    assert.match(html, /Some evidence but no result\./, 'nothing typed is lost')

    const future = await worker.post(`/cases/${caseId}/closure/propose`, {
      ...dateFields('closedOn', '2026-03-10'),
      reason: 'x',
      destinationId: 'moved-away',
      'outcome-6': 'worse',
      'outcome-6-evidence': 'x',
      [`child-${child?.personId}`]: 'no',
    })
    assert.equal(future.status, 400)
    assert.match(await future.text(), /The closing date must be today or in the past/)

    const token = await tokenFor(team.people.worker.id)
    const api = await callApi(app.baseUrl, token, 'POST', `/cases/${caseId}/closure`, {
      closedOn: '2026-02-01',
      reason: '',
      destinationId: 'nowhere',
      outcomes: [],
      children: [],
    })
    assert.equal(api.status, 400)
    assert.match(api.headers.get('content-type') ?? '', /application\/problem\+json/)
    assert.deepEqual((await api.json()).errors.map((e: { name: string }) => e.name).sort(), [
      `child-${child?.personId}`,
      'closedOn',
      'destinationId',
      'outcome-1',
      'reason',
    ])
  })

  test('a change made on an out-of-date copy is refused (409), keeping what was typed', async () => {
    now = new Date('2026-03-02T10:00:00Z')
    const caseId = await activeCase('derbyshire-stronger-families')
    later(30)
    const body = await closureBody(caseId)
    const { version } = await app.services.closures.propose(team.worker, caseId, body)
    await app.services.closures.change(team.colleague, caseId, version, { ...body, reason: 'The colleague’s reason.' })
    await assert.rejects(app.services.closures.change(team.worker, caseId, version, body), ConflictError)

    const children = await childrenOf(caseId)
    const worker = await signedIn(team.people.worker)
    const stale = await worker.post(`/cases/${caseId}/closure/propose`, {
      version: String(version),
      ...dateFields('closedOn', today()),
      reason: 'My own reason, typed on an old copy.',
      destinationId: 'remains-at-home',
      'outcome-5': 'improved',
      'outcome-5-evidence': 'x',
      ...Object.fromEntries(children.map((c) => [`child-${c.personId}`, 'yes'])),
    })
    const html = await stale.text()
    assert.equal(stale.status, 409, /govuk-error-summary[\s\S]*?<\/ul>/.exec(html)?.[0])
    assert.match(html, /Someone changed this proposal after you opened it/)
    assert.match(html, /The colleague’s reason\./)
    assert.match(html, /My own reason, typed on an old copy\./)
    assert.match(html, /name="version" value="2"/)

    const token = await tokenFor(team.people.worker.id)
    const api = await callApi(app.baseUrl, token, 'PATCH', `/cases/${caseId}/closure`, { ...body, version })
    assert.equal(api.status, 409)
    const again = await callApi(app.baseUrl, token, 'POST', `/cases/${caseId}/closure`, body)
    assert.equal(again.status, 409, 'one proposal per case: change it instead')
  })

  test('a closed case cannot be proposed for closure again, nor its proposal changed', async () => {
    now = new Date('2026-11-02T10:00:00Z') // the baby is due 20 June 2027: 7 weeks' gestation
    const caseId = await activeCase('tameside-stars')
    later(30)
    const [baby] = await childrenOf(caseId)
    assert.equal(baby?.role, 'unborn')
    const body = await closureBody(caseId, { destinationId: 'moved-away' })
    assert.deepEqual(body.children, [{ personId: baby?.personId, livingAtHome: null }], 'an unborn baby: not born yet')
    await app.services.closures.propose(team.worker, caseId, body)
    await signOff(caseId)
    await assert.rejects(
      app.services.closures.propose(team.worker, caseId, body),
      (e: unknown) => e instanceof InvalidInputError && /The case is closed/.test(e.fields.form ?? ''),
    )
    await assert.rejects(signOff(caseId), InvalidInputError)
    const token = await tokenFor(team.people.worker.id)
    const api = await callApi(app.baseUrl, token, 'POST', `/cases/${caseId}/closure`, body)
    assert.equal(api.status, 400)
    const worker = await signedIn(team.people.worker)
    assert.equal((await worker.get(`/cases/${caseId}/closure/propose`)).status, 303)
    const posted = await worker.post(`/cases/${caseId}/closure/propose`, {}, `/cases/${caseId}/closure`)
    assert.equal(posted.status, 400)
  })

  test('the OpenAPI document describes closure and follow-ups', async () => {
    const document = await (await fetch(`${app.baseUrl}/api/v1/openapi.json`)).json()
    assert.ok(document.paths['/cases/{caseId}/closure']?.get)
    assert.ok(document.paths['/cases/{caseId}/closure']?.post)
    assert.ok(document.paths['/cases/{caseId}/closure']?.patch)
    assert.ok(document.paths['/cases/{caseId}/closure/sign-off']?.post)
    assert.ok(document.paths['/cases/{caseId}/closure/steps']?.post)
    assert.ok(document.paths['/cases/{caseId}/follow-ups']?.get)
    assert.ok(document.paths['/cases/{caseId}/follow-ups/{followUpId}']?.post)
  })
})
