import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { londonDate } from '../../src/domain/isoDate.ts'
import type { RequestContext } from '../../src/services/context.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../../src/services/errors.ts'
import { callApi } from '../helpers/api.ts'
import { addUser, setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { caseworkTeam, openCase, userCtx } from '../helpers/cases.ts'
import { WebClient } from '../helpers/client.ts'

/**
 * Casework: a family accepted into each of the five services is allocated and worked with,
 * and its deadlines follow that service's own rules. The clock is the test's, so weeks pass.
 */

let now = new Date('2026-11-23T10:00:00Z')
const HOUR = 3_600_000
const DAY = 24 * HOUR
let app: TestApp
let authorityId: string
let team: Awaited<ReturnType<typeof caseworkTeam>>

before(async () => {
  app = await startTestApp({ clock: () => now })
  authorityId = (await setUpAuthority(app.services)).authorityId
  team = await caseworkTeam(app.services, authorityId)
})
after(() => app.close())

async function version(caseId: string, ctx: RequestContext = team.manager) {
  return (await app.services.cases.open(ctx, caseId)).row.version
}

async function allocate(caseId: string, keyWorkerId = team.people.worker.id, extra: Record<string, unknown> = {}) {
  await app.services.cases.allocate(team.manager, caseId, { keyWorkerId, version: await version(caseId), ...extra })
}

async function deadline(caseId: string, id: string) {
  const found = (await app.services.cases.open(team.manager, caseId)).state.deadlines.filter((d) => d.id === id)
  return found.at(-1)
}

/** Moves the test clock on, and returns the new time. */
function later(ms: number): Date {
  now = new Date(now.getTime() + ms)
  return now
}

describe('deadlines follow each programme’s rules', () => {
  test('Derby Staying Together: "a home visit with the lead worker within 48hrs" of acceptance', async () => {
    now = new Date('2026-11-23T10:00:00Z')
    const caseId = await openCase(app.services, team.manager, 'derby-staying-together')
    await allocate(caseId)
    const visit = await deadline(caseId, 'home-visit')
    assert.equal(visit?.dueAt.toISOString(), '2026-11-25T10:00:00.000Z', '48 clock hours from acceptance')
    assert.equal(visit?.status, 'not-yet-due')
    later(40 * HOUR)
    assert.equal((await deadline(caseId, 'home-visit'))?.status, 'due-soon', 'due soon in the last 12 hours')
    later(9 * HOUR)
    assert.equal((await deadline(caseId, 'home-visit'))?.status, 'overdue')
    const list = await app.services.cases.list(team.manager, { scope: 'team', overdue: true })
    assert.ok(
      list.cases.some((c) => c.row.id === caseId),
      'the overdue filter finds the case',
    )
  })

  test('Derby: a crisis plan agreed on the day of an afternoon home visit meets "within 5 days"', async () => {
    now = new Date('2026-11-23T09:00:00Z')
    const caseId = await openCase(app.services, team.manager, 'derby-staying-together')
    await allocate(caseId)
    now = new Date('2026-11-23T17:00:00Z')
    await app.services.contacts.record(team.worker, caseId, {
      occurredAt: new Date('2026-11-23T14:30:00Z'),
      type: 'home-visit',
      outcome: 'completed',
      note: 'Synthetic: the first home visit, in the afternoon.',
    })
    const { id } = await app.services.plans.start(team.worker, caseId, 'crisis')
    const { version: planVersion } = await app.services.plans.replace(team.worker, caseId, id, {
      version: 1,
      risks: 'Synthetic: arguments at bedtime.',
      contactArrangements: 'Synthetic: the team’s phone, any time.',
      actions: [{ what: 'Synthetic: a calm-down plan for bedtime', who: 'Key worker and Dana' }],
    })
    await app.services.plans.agree(team.worker, caseId, id, planVersion, {
      agreedOn: '2026-11-23',
      agreedWith: 'Dana Novak',
    })
    const crisis = await deadline(caseId, 'crisis-plan')
    assert.equal(crisis?.status, 'met-on-time', 'agreed after the visit, the same day')
    later(10 * DAY)
    assert.equal((await deadline(caseId, 'crisis-plan'))?.status, 'met-on-time', 'and it stays met')
  })

  test('Staying Together: reviews "during weeks three, six and nine, and then again at 12 weeks"', async () => {
    now = new Date('2026-11-23T10:00:00Z')
    const caseId = await openCase(app.services, team.manager, 'staying-together')
    await allocate(caseId, team.people.worker.id, { socialWorker: { userId: team.people.socialWorker.id } })
    assert.equal(
      await app.services.cases.move(team.worker, caseId, await version(caseId), 'support-started', now),
      'active',
    )
    const opened = await app.services.cases.open(team.worker, caseId)
    const reviews = opened.state.deadlines.filter((d) => d.kind === 'review')
    assert.deepEqual(
      reviews.map((r) => [r.id, r.dueDate]),
      [
        ['review-week-3', '2026-12-13'],
        ['review-week-6', '2027-01-03'],
        ['review-week-9', '2027-01-24'],
        ['review-week-12', '2027-02-14'],
      ],
    )
    assert.deepEqual(reviews[1]?.attendees, ['allocated-social-worker'], 'the social worker attends at six weeks')
    assert.equal(opened.phase?.week, 1)
    assert.equal(opened.phase?.ofWeeks, 12)
    later(15 * DAY)
    assert.equal((await app.services.cases.open(team.worker, caseId)).phase?.week, 3, 'week 3 of 12 after 15 days')
    // The partner social worker leads this case, so sees it too.
    assert.equal((await app.services.cases.open(team.socialWorker, caseId)).row.id, caseId)
  })

  test('Lewisham: "12 week programme and 10 week step down period", and no step-down before support', async () => {
    now = new Date('2026-11-23T10:00:00Z')
    const caseId = await openCase(app.services, team.manager, 'lewisham-safer-stronger')
    await allocate(caseId)
    await assert.rejects(
      app.services.cases.move(team.worker, caseId, await version(caseId), 'step-down-started', now),
      (e: unknown) => e instanceof InvalidInputError && /follows support/.test(e.fields.event ?? ''),
    )
    await app.services.cases.move(team.worker, caseId, await version(caseId), 'support-started', now)
    assert.equal((await deadline(caseId, 'end-of-programme'))?.dueDate, '2027-02-14')
    later(83 * DAY)
    await app.services.cases.move(team.worker, caseId, await version(caseId), 'step-down-started', now)
    const opened = await app.services.cases.open(team.worker, caseId)
    assert.equal(opened.stage, 'step-down')
    assert.equal(opened.phase?.phase.id, 'step-down')
    assert.equal((await deadline(caseId, 'end-of-programme'))?.status, 'met-on-time')
    assert.equal((await deadline(caseId, 'end-of-step-down'))?.dueDate, '2027-04-24', '10 weeks: week 22 overall')
    await assert.rejects(
      app.services.cases.move(team.worker, caseId, await version(caseId), 'step-down-started', now),
      /./,
      'the step-down cannot start twice',
    )
  })

  test('Derbyshire: six months of support, due soon four weeks before', async () => {
    now = new Date('2026-11-23T10:00:00Z')
    const caseId = await openCase(app.services, team.manager, 'derbyshire-stronger-families')
    await allocate(caseId)
    await app.services.cases.move(team.worker, caseId, await version(caseId), 'support-started', now)
    const sixMonths = await deadline(caseId, 'six-months')
    assert.equal(sixMonths?.dueDate, '2027-05-22')
    later(155 * DAY)
    assert.equal((await deadline(caseId, 'six-months'))?.status, 'due-soon')
    const opened = await app.services.cases.open(team.worker, caseId)
    assert.equal(opened.pathwayName, 'Risk of care')
    assert.equal(opened.phase?.phase.id, 'intensive', 'the risk-of-care pathway’s phase')
  })

  test('Tameside STARS: support "up to a period of 2 years" from the pre-birth assessment', async () => {
    now = new Date('2026-11-23T10:00:00Z')
    const caseId = await openCase(app.services, team.manager, 'tameside-stars')
    await allocate(caseId)
    await app.services.cases.move(team.worker, caseId, await version(caseId), 'support-started', now)
    assert.equal((await app.services.cases.open(team.worker, caseId)).phase?.phase.id, 'early-help-assessment')
    later(30 * DAY)
    await app.services.reviews.recordPreBirthOutcome(team.worker, caseId, {
      decidedOn: londonDate(now),
      outcome: 'child-remains',
    })
    const opened = await app.services.cases.open(team.worker, caseId)
    assert.equal(opened.phase?.phase.id, 'intensive-support')
    assert.equal(opened.phase?.ofWeeks, 104)
    assert.equal(opened.pathwayName, 'Child remains with the family')
    assert.equal((await deadline(caseId, 'end-of-support'))?.dueDate, '2028-12-19')

    // The baby is born: "once the baby is born" the children are expected to be seen, counted from the birth.
    assert.equal(await deadline(caseId, 'children-seen'), undefined, 'no child to see before the birth')
    later(60 * DAY)
    const network = await app.services.network.network(team.worker, caseId)
    const baby = network.people.find((p) => p.role === 'unborn')
    assert.ok(baby)
    await app.services.network.updatePerson(team.worker, caseId, baby.personId, {
      role: 'child',
      givenName: 'Ife',
      familyName: baby.familyName,
      dateOfBirth: londonDate(now),
      version: baby.version,
    })
    const seen = await deadline(caseId, 'children-seen')
    assert.equal(seen?.status, 'not-yet-due', 'not overdue from the day the family was accepted')
    assert.equal(seen?.anchor.at.toISOString(), '2027-02-21T00:00:00.000Z', 'counted from the day of the birth')
  })
})

describe('allocation and caseloads', () => {
  test('Derbyshire works with at most 6 families per worker: the 7th needs a reason, which is kept', async () => {
    now = new Date('2026-11-23T10:00:00Z')
    const { id: smallTeam } = await app.services.teams.create(
      { actor: { type: 'cli', authorityId } },
      { name: 'Derbyshire Stronger Families' },
    )
    const busy = await addUser(app.services, authorityId, 'practitioner', smallTeam)
    const cases: string[] = []
    for (let i = 0; i < 7; i++) cases.push(await openCase(app.services, team.manager, 'derbyshire-stronger-families'))
    for (const caseId of cases.slice(0, 6)) await allocate(caseId, busy.id)
    const loads = await app.services.cases.caseloads(team.manager, 'derbyshire-stronger-families')
    const load = loads.find((l) => l.userId === busy.id)
    assert.deepEqual([load?.keyWorkerCases, load?.cap, load?.overCap], [6, 6, true])
    const seventh = cases[6] as string
    await assert.rejects(
      allocate(seventh, busy.id),
      (e: unknown) => e instanceof InvalidInputError && /at most 6 families/.test(e.fields.reason ?? ''),
    )
    await allocate(seventh, busy.id, { reason: 'Synthetic: the only worker who speaks the family’s language.' })
    const history = await app.services.cases.allocations(team.manager, seventh)
    assert.equal(history[0]?.overCap, true)
    assert.match(history[0]?.reason ?? '', /language/)
    // Over the cap shows on the case's overview.
    const manager = new WebClient(app.baseUrl)
    await manager.signIn(team.people.manager.email, team.people.manager.password)
    const overview = await (await manager.get(`/cases/${seventh}`)).text()
    assert.match(overview, /holds 7 cases: more than the 6 families per worker/)
  })

  test('reallocation keeps who held the case when, and a stale form is refused', async () => {
    const caseId = await openCase(app.services, team.manager, 'lewisham-safer-stronger')
    await allocate(caseId, team.people.worker.id)
    const stale = await version(caseId)
    later(DAY)
    await allocate(caseId, team.people.colleague.id)
    await assert.rejects(
      app.services.cases.allocate(team.manager, caseId, { keyWorkerId: team.people.worker.id, version: stale }),
      ConflictError,
    )
    const history = (await app.services.cases.allocations(team.manager, caseId)).filter((h) => h.role === 'key-worker')
    assert.equal(history.length, 2)
    assert.equal(history[0]?.userId, team.people.colleague.id)
    assert.equal(history[0]?.endedAt, null)
    assert.equal(history[1]?.userId, team.people.worker.id)
    assert.ok(history[1]?.endedAt, 'the first key worker’s time on the case ended')
    const events = (await app.services.cases.open(team.manager, caseId)).state.events.filter(
      (e) => e.type === 'allocated',
    )
    assert.equal(events.length, 1, 'allocation is an event once; reallocation is history, not a new start')
  })

  test('bulk reallocation when a worker leaves moves every case, or none', async () => {
    const { id: teamId } = await app.services.teams.create({ actor: { type: 'cli', authorityId } }, { name: 'Leavers' })
    const leaver = await addUser(app.services, authorityId, 'practitioner', teamId)
    const stayer = await addUser(app.services, authorityId, 'practitioner', teamId)
    const cases = [
      await openCase(app.services, team.manager, 'staying-together'),
      await openCase(app.services, team.manager, 'lewisham-safer-stronger'),
    ]
    for (const caseId of cases) await allocate(caseId, leaver.id)
    await assert.rejects(
      app.services.cases.reallocateAll(
        team.manager,
        leaver.id,
        cases.map((caseId) => ({ caseId, toUserId: stayer.id })),
        '',
      ),
      InvalidInputError,
    )
    // One case moved in between: nothing moves.
    await allocate(cases[1] as string, team.people.worker.id)
    await assert.rejects(
      app.services.cases.reallocateAll(
        team.manager,
        leaver.id,
        cases.map((caseId) => ({ caseId, toUserId: stayer.id })),
        'Synthetic: leaving the authority.',
      ),
      ConflictError,
    )
    assert.equal((await app.services.cases.open(team.manager, cases[0] as string)).keyWorker?.id, leaver.id)
    const moved = await app.services.cases.reallocateAll(
      team.manager,
      leaver.id,
      [{ caseId: cases[0] as string, toUserId: stayer.id }],
      'Synthetic: leaving the authority.',
    )
    assert.equal(moved, 1)
    assert.equal((await app.services.cases.open(team.manager, cases[0] as string)).keyWorker?.id, stayer.id)
  })
})

describe('who sees what', () => {
  test('a key worker in another team, and a social worker who does not lead the case, cannot open it', async () => {
    const caseId = await openCase(app.services, team.manager, 'staying-together')
    await allocate(caseId)
    const { id: otherTeam } = await app.services.teams.create(
      { actor: { type: 'cli', authorityId } },
      { name: 'Other' },
    )
    const stranger = await addUser(app.services, authorityId, 'practitioner', otherTeam)
    const otherSocialWorker = await addUser(app.services, authorityId, 'social_worker')
    for (const ctx of [
      userCtx(authorityId, stranger.id, 'practitioner'),
      userCtx(authorityId, otherSocialWorker.id, 'social_worker'),
    ]) {
      await assert.rejects(app.services.cases.open(ctx, caseId), NotFoundError)
      const mine = await app.services.cases.list(ctx, { scope: 'team' })
      assert.ok(!mine.cases.some((c) => c.row.id === caseId), 'not in their lists either')
    }
    // A colleague in the same team can cover.
    assert.equal((await app.services.cases.open(team.colleague, caseId)).row.id, caseId)
    const client = new WebClient(app.baseUrl)
    await client.signIn(stranger.email, stranger.password)
    assert.equal((await client.get(`/cases/${caseId}`)).status, 404)
  })

  test('the access log lists who opened the case, for managers only', async () => {
    const caseId = await openCase(app.services, team.manager, 'derby-staying-together')
    await allocate(caseId)
    const worker = new WebClient(app.baseUrl)
    await worker.signIn(team.people.worker.email, team.people.worker.password)
    assert.equal((await worker.get(`/cases/${caseId}`)).status, 200)
    assert.equal((await worker.get(`/cases/${caseId}/access-log`)).status, 403)
    const log = await app.services.cases.accessLog(team.manager, caseId)
    const opened = log.events.find((e) => e.actorId === team.people.worker.id && e.action === 'view')
    assert.ok(opened, 'the key worker opening the case is in its log')
    assert.ok(
      log.events.some((e) => e.action === 'allocate'),
      'so is the allocation',
    )
    for (const e of log.events) assert.doesNotMatch(JSON.stringify(e.details), /Novak|Casey/, 'no names in the log')
  })
})

describe('lists and my work', () => {
  test('my cases: sorted on the server, a page at a time, with each row’s children and week', async () => {
    now = new Date('2026-11-23T10:00:00Z')
    const { id: teamId } = await app.services.teams.create({ actor: { type: 'cli', authorityId } }, { name: 'Paged' })
    const worker = await addUser(app.services, authorityId, 'practitioner', teamId)
    const ctx = userCtx(authorityId, worker.id, 'practitioner')
    const ids: string[] = []
    for (let i = 0; i < 27; i++) {
      const caseId = await openCase(app.services, team.manager, i % 2 ? 'lewisham-safer-stronger' : 'staying-together')
      await allocate(caseId, worker.id)
      ids.push(caseId)
    }
    await app.services.cases.move(ctx, ids[0] as string, await version(ids[0] as string), 'support-started', now)
    const first = await app.services.cases.list(ctx, { scope: 'mine', sort: 'service' })
    assert.equal(first.total, 27)
    assert.equal(first.cases.length, 25)
    const second = await app.services.cases.list(ctx, { scope: 'mine', sort: 'service', page: 2 })
    assert.equal(second.cases.length, 2)
    const services = [...first.cases, ...second.cases].map((c) => c.row.programmeId)
    assert.deepEqual(services, [...services].sort(), 'sorted by service across pages')
    const lewisham = await app.services.cases.list(ctx, { scope: 'mine', programmeId: 'lewisham-safer-stronger' })
    assert.equal(lewisham.total, 13)
    const active = await app.services.cases.list(ctx, { scope: 'mine', stage: 'active' })
    assert.equal(active.total, 1)
    assert.equal(active.cases[0]?.phase?.week, 1)
    assert.equal(active.cases[0]?.phase?.ofWeeks, 12)
    assert.match(active.cases[0]?.children.map((c) => `${c.givenName} ${c.age}`).join() ?? '', /Jordan 14/)

    const web = new WebClient(app.baseUrl)
    await web.signIn(worker.email, worker.password)
    const page = await (await web.get('/cases?sort=family&page=2')).text()
    assert.match(page, /Showing 26 to 27 of 27 cases/)
  })

  test('my work lists every unmet deadline across my cases, overdue first', async () => {
    now = new Date('2026-11-23T10:00:00Z')
    const { id: teamId } = await app.services.teams.create({ actor: { type: 'cli', authorityId } }, { name: 'Work' })
    const worker = await addUser(app.services, authorityId, 'practitioner', teamId)
    const ctx = userCtx(authorityId, worker.id, 'practitioner')
    const derby = await openCase(app.services, team.manager, 'derby-staying-together')
    await allocate(derby, worker.id)
    later(3 * DAY)
    const lewisham = await openCase(app.services, team.manager, 'lewisham-safer-stronger')
    await allocate(lewisham, worker.id)
    const work = await app.services.cases.work(ctx, 'mine')
    assert.equal(work.items[0]?.deadline.status, 'overdue')
    assert.equal(work.items[0]?.summary.row.id, derby)
    const dues = work.items.filter((i) => i.deadline.status !== 'overdue').map((i) => i.deadline.dueAt.getTime())
    assert.deepEqual(
      dues,
      [...dues].sort((a, b) => a - b),
      'then soonest first',
    )
    assert.ok(work.items.some((i) => i.summary.row.id === lewisham))
  })
})

describe('pages', () => {
  test('starting support: a missing or future date is refused keeping the answers; it starts once', async () => {
    const caseId = await openCase(app.services, team.manager, 'staying-together')
    await allocate(caseId)
    const worker = new WebClient(app.baseUrl)
    await worker.signIn(team.people.worker.email, team.people.worker.password)
    const missingDate = await worker.post(`/cases/${caseId}/stage`, { version: String(await version(caseId)) })
    assert.equal(missingDate.status, 400)
    const missing = await missingDate.text()
    assert.match(missing, /There is a problem/)
    assert.match(missing, /Enter the date support started/)
    const future = await worker.post(`/cases/${caseId}/stage`, {
      version: String(await version(caseId)),
      'at-day': '5',
      'at-month': '1',
      'at-year': '2099',
    })
    assert.equal(future.status, 400)
    const futureHtml = await future.text()
    assert.match(futureHtml, /cannot be in the future/)
    assert.match(futureHtml, /value="2099"/, 'the answers are kept')
    const today = londonDate(now).split('-')
    const started = await worker.post(`/cases/${caseId}/stage`, {
      version: String(await version(caseId)),
      'at-day': String(Number(today[2])),
      'at-month': String(Number(today[1])),
      'at-year': today[0] as string,
    })
    assert.equal(started.status, 303)
    assert.equal((await app.services.cases.open(team.worker, caseId)).stage, 'active')
    assert.match(await (await worker.get(`/cases/${caseId}/stage`)).text(), /Support has already started/)
    const again = await worker.post(`/cases/${caseId}/stage`, {
      version: String(await version(caseId)),
      'at-day': String(Number(today[2])),
      'at-month': String(Number(today[1])),
      'at-year': today[0] as string,
    })
    assert.equal(again.status, 400)
    assert.match(await again.text(), /Support has already started\./)
  })

  test('allocating in the pages: over the caseload shows why a reason is needed, and keeps the choice', async () => {
    const { id: teamId } = await app.services.teams.create({ actor: { type: 'cli', authorityId } }, { name: 'Full' })
    const full = await addUser(app.services, authorityId, 'practitioner', teamId)
    for (let i = 0; i < 6; i++) {
      await allocate(await openCase(app.services, team.manager, 'derbyshire-stronger-families'), full.id)
    }
    const caseId = await openCase(app.services, team.manager, 'derbyshire-stronger-families')
    const manager = new WebClient(app.baseUrl)
    await manager.signIn(team.people.manager.email, team.people.manager.password)
    const form = await (await manager.get(`/cases/${caseId}/allocation`)).text()
    assert.match(form, /works with at most 6 families per worker/)
    const refused = await manager.post(`/cases/${caseId}/allocation`, {
      version: String(await version(caseId)),
      keyWorkerId: full.id,
      socialWorkerId: 'other',
      socialWorkerName: 'Sam Social',
      socialWorkerEmail: 'not an email',
    })
    assert.equal(refused.status, 400)
    const html = await refused.text()
    assert.match(html, /Enter an email address in the correct format/)
    assert.match(html, new RegExp(`value="${full.id}" checked`), 'the chosen key worker is kept')
    const done = await manager.post(`/cases/${caseId}/allocation`, {
      version: String(await version(caseId)),
      keyWorkerId: full.id,
      reason: 'Synthetic: continuity with an earlier piece of work.',
      socialWorkerId: 'other',
      socialWorkerName: 'Sam Social',
      socialWorkerOrganisation: 'Locality team',
    })
    assert.equal(done.status, 303)
    const opened = await app.services.cases.open(team.manager, caseId)
    assert.equal(opened.keyWorker?.id, full.id)
    assert.equal(opened.socialWorker?.name, 'Sam Social')
  })
})

describe('the API', () => {
  async function api(token: string, path: string, init: { method?: string; body?: unknown } = {}) {
    const response = await callApi(app.baseUrl, token, init.method ?? 'GET', path, init.body)
    return { status: response.status, type: response.headers.get('content-type'), body: await response.json() }
  }

  test('cases, their deadlines and my work; moves the programme refuses come back as problems', async () => {
    now = new Date('2026-11-23T10:00:00Z')
    const cli = { actor: { type: 'cli' as const, authorityId } }
    const workerToken = (await app.services.apiTokens.create(cli, team.people.worker.id, 'api test')).token
    const caseId = await openCase(app.services, team.manager, 'derby-staying-together')
    await allocate(caseId)
    const list = await api(workerToken, '/cases?sort=family')
    assert.equal(list.status, 200)
    assert.ok(list.body.cases.some((c: { id: string }) => c.id === caseId))
    const one = await api(workerToken, `/cases/${caseId}`)
    assert.equal(one.status, 200)
    assert.equal(one.body.stage, 'accepted')
    assert.equal(one.body.children[0].age, 11)
    const deadlines = await api(workerToken, `/cases/${caseId}/deadlines`)
    assert.deepEqual(
      deadlines.body.map((d: { id: string }) => d.id),
      ['home-visit', 'children-seen'],
    )
    const refused = await api(workerToken, `/cases/${caseId}/stage`, {
      method: 'POST',
      body: { event: 'step-down-started', at: now.toISOString(), version: one.body.version },
    })
    assert.equal(refused.status, 400, 'the step-down is a decision at a review, not a move recorded here')
    assert.match(refused.type ?? '', /^application\/problem\+json/)
    const moved = await api(workerToken, `/cases/${caseId}/stage`, {
      method: 'POST',
      body: { event: 'support-started', at: now.toISOString(), version: one.body.version },
    })
    assert.deepEqual([moved.status, moved.body.stage], [200, 'active'])
    const twice = await api(workerToken, `/cases/${caseId}/stage`, {
      method: 'POST',
      body: { event: 'support-started', at: now.toISOString(), version: one.body.version + 1 },
    })
    assert.equal(twice.status, 400)
    assert.match(JSON.stringify(twice.body), /Support has already started/)
    const forbidden = await api(workerToken, `/cases/${caseId}/allocation`, {
      method: 'POST',
      body: { keyWorkerId: team.people.colleague.id, version: one.body.version + 1 },
    })
    assert.equal(forbidden.status, 403, 'only managers allocate')
    const work = await api(workerToken, '/work')
    assert.equal(work.status, 200)
    assert.ok(work.body.items.some((i: { caseId: string }) => i.caseId === caseId))
  })
})

describe('after review', () => {
  test('a stale allocation form keeps the choices and can be saved on the version now stored', async () => {
    const caseId = await openCase(app.services, team.manager, 'staying-together')
    const stale = String(await version(caseId))
    await allocate(caseId, team.people.colleague.id)
    const manager = new WebClient(app.baseUrl)
    await manager.signIn(team.people.manager.email, team.people.manager.password)
    const conflict = await manager.post(`/cases/${caseId}/allocation`, {
      version: stale,
      keyWorkerId: team.people.worker.id,
    })
    assert.equal(conflict.status, 409)
    const html = await conflict.text()
    assert.match(html, new RegExp(`value="${team.people.worker.id}" checked`), 'the choice is kept')
    const shown = /name="version" value="(\d+)"/.exec(html)?.[1]
    assert.equal(shown, String(await version(caseId)), 'the form now carries the stored version')
    const saved = await manager.post(`/cases/${caseId}/allocation`, {
      version: shown as string,
      keyWorkerId: team.people.worker.id,
    })
    assert.equal(saved.status, 303)
  })

  test('moving a leaver’s cases finds every one, across teams and after they are deactivated', async () => {
    const cli = { actor: { type: 'cli' as const, authorityId } }
    const { id: elsewhere } = await app.services.teams.create(cli, { name: 'Elsewhere' })
    const leaver = await addUser(app.services, authorityId, 'practitioner', elsewhere)
    const cases: string[] = []
    for (let i = 0; i < 3; i++) {
      const caseId = await openCase(app.services, team.manager, 'derbyshire-stronger-families')
      await allocate(caseId, leaver.id)
      cases.push(caseId)
    }
    await app.services.users.setActive(cli, leaver.id, false)
    const holders = await app.services.cases.holders(team.manager)
    assert.equal(holders.find((h) => h.userId === leaver.id)?.cases, 3)
    const held = await app.services.cases.heldBy(team.manager, leaver.id)
    assert.deepEqual(held.map((c) => c.row.id).sort(), [...cases].sort())
    // Moving all three onto a worker who already holds six Derbyshire families records each as over the cap.
    const full = await addUser(app.services, authorityId, 'practitioner', team.teamId)
    for (let i = 0; i < 6; i++) {
      await allocate(await openCase(app.services, team.manager, 'derbyshire-stronger-families'), full.id)
    }
    await app.services.cases.reallocateAll(
      team.manager,
      leaver.id,
      cases.map((caseId) => ({ caseId, toUserId: full.id })),
      'Synthetic: leaving.',
    )
    const history = await app.services.cases.allocations(team.manager, cases[0] as string)
    assert.equal(history[0]?.userId, full.id)
    assert.equal(history[0]?.overCap, true)
  })

  test('a stage cannot be dated before the stage it follows', async () => {
    now = new Date('2026-11-23T10:00:00Z')
    const caseId = await openCase(app.services, team.manager, 'lewisham-safer-stronger')
    await allocate(caseId)
    later(10 * DAY)
    await app.services.cases.move(team.worker, caseId, await version(caseId), 'support-started', now)
    await assert.rejects(
      app.services.cases.move(
        team.worker,
        caseId,
        await version(caseId),
        'step-down-started',
        new Date(now.getTime() - 2 * DAY),
      ),
      (e: unknown) => e instanceof InvalidInputError && /on or after 3 December 2026/.test(e.fields.at ?? ''),
    )
  })

  test('a page past the end shows the last page', async () => {
    const list = await app.services.cases.list(team.manager, { scope: 'team', page: 999 })
    assert.ok(list.cases.length > 0)
    assert.equal(list.page, Math.ceil(list.total / list.pageSize))
  })
})
