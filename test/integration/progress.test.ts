import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { and, eq } from 'drizzle-orm'
import { auditEvent, familyCase, measureRecord, review } from '../../src/db/schema/index.ts'
import type { RequestContext } from '../../src/services/context.ts'
import { InvalidInputError, NotFoundError } from '../../src/services/errors.ts'
import { callApi } from '../helpers/api.ts'
import { addUser, setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { caseworkTeam, openCase, userCtx } from '../helpers/cases.ts'
import { WebClient } from '../helpers/client.ts'
import { agreedPlan } from '../helpers/progress.ts'

/**
 * Measuring change (issue 6): scaling questions per goal with the distance-travelled chart and
 * its table, and the measures Lewisham's seed names — "improving school attendance, reducing
 * worklessness, offending behaviour and supporting children in need of help" — recorded at the
 * start, at reviews and at closure, through the pages, the service and the API.
 */

// The families are accepted on Monday 5 January 2026; the tests run on Monday 2 March 2026.
let now = new Date('2026-01-05T10:00:00Z')

let app: TestApp
let authorityId: string
let team: Awaited<ReturnType<typeof caseworkTeam>>
let lewisham: string
let staying: string
let stayingGoals: string[]
let lewishamGoals: string[]
let robin: string
let ade: string
let reviewId: string
let worker: WebClient
let outsider: RequestContext
let outsiderWeb: WebClient

async function peopleOf(caseId: string) {
  const view = await app.services.progress.progress(team.manager, caseId)
  return view.people
}

before(async () => {
  app = await startTestApp({ clock: () => now })
  authorityId = (await setUpAuthority(app.services)).authorityId
  team = await caseworkTeam(app.services, authorityId)
  lewisham = await openCase(app.services, team.manager, 'lewisham-safer-stronger')
  staying = await openCase(app.services, team.manager, 'staying-together')
  for (const caseId of [lewisham, staying]) {
    const { row } = await app.services.cases.open(team.manager, caseId)
    await app.services.cases.allocate(team.manager, caseId, {
      keyWorkerId: team.people.worker.id,
      version: row.version,
    })
  }
  stayingGoals = (
    await agreedPlan(app.services, authorityId, staying, team.people.worker.id, [
      {
        need: 'Jordan and Sam argue most evenings.',
        outcome: 'Jordan and Sam can talk without shouting',
        headlineOutcome: 5,
      },
      { need: 'Jordan stays out late.', outcome: 'Jordan is home by ten on school nights' },
    ])
  ).goalIds
  lewishamGoals = (
    await agreedPlan(app.services, authorityId, lewisham, team.people.worker.id, [
      { need: 'Robin misses school on Mondays.', outcome: 'Robin gets to school every day', headlineOutcome: 1 },
    ])
  ).goalIds
  const people = await peopleOf(lewisham)
  robin = people.find((p) => p.group === 'child')?.id as string
  ade = people.find((p) => p.group === 'adult')?.id as string
  reviewId = randomUUID()
  await app.services.database.withTenant(authorityId, (tx) =>
    tx.insert(review).values({
      authorityId,
      caseId: lewisham,
      id: reviewId,
      heldOn: '2026-02-16',
      attendees: { participants: ['family'] },
      decision: 'continue',
      recordedBy: team.people.worker.id,
      recordedAt: new Date('2026-02-16T15:00:00Z'),
    }),
  )

  const { id: otherTeam } = await app.services.teams.create({ actor: { type: 'cli', authorityId } }, { name: 'Other' })
  const other = await addUser(app.services, authorityId, 'practitioner', otherTeam)
  outsider = userCtx(authorityId, other.id, 'practitioner')
  now = new Date('2026-03-02T10:00:00Z')

  worker = new WebClient(app.baseUrl)
  assert.equal((await worker.signIn(team.people.worker.email, team.people.worker.password)).status, 303)
  outsiderWeb = new WebClient(app.baseUrl)
  assert.equal((await outsiderWeb.signIn(other.email, other.password)).status, 303)
})
after(() => app.close())

const progressPage = (caseId: string) => `/cases/${caseId}/progress`
const scalingForm = (caseId: string, query = '') => `/cases/${caseId}/progress/scaling/new${query}`
const measureForm = (caseId: string, measure: string, query = '') =>
  `/cases/${caseId}/progress/measures/new?measure=${measure}${query}`

const day = (name: string, iso: string) => {
  const [y, m, d] = iso.split('-')
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y as string }
}

async function html(path: string) {
  const response = await worker.get(path)
  assert.equal(response.status, 200, path)
  return response.text()
}

/** The text of a table's body rows, cell by cell, with tags and spaces tidied. */
function tableRows(page: string, id: string): string[][] {
  const table = new RegExp(`<table class="govuk-table[^"]*" id="${id}">([\\s\\S]*?)</table>`).exec(page)?.[1] ?? ''
  const body = /<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? ''
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] as string).matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      (cell[1] as string)
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  )
}

async function tokenFor(userId: string) {
  return (await app.services.apiTokens.create({ actor: { type: 'cli', authorityId } }, userId, 'progress')).token
}

describe('scaling questions and the distance-travelled chart (Staying Together: "measurable goals")', () => {
  test('a goal scaled 3 at the start and 7 now shows "up 4 points", a chart, and a table with both rows', async () => {
    const form = await html(scalingForm(staying, '?occasion=start'))
    assert.match(form, /<title>Record scaling scores – Hearth<\/title>/)
    assert.match(form, /Goal 1: Jordan and Sam can talk without shouting/)
    assert.match(form, /name="g1-familyScore"/)
    assert.match(form, /value="start" checked/)

    const posted = await worker.post(scalingForm(staying), {
      ...day('askedOn', '2026-01-12'),
      occasion: 'start',
      'g0-familyScore': '3',
      'g0-workerScore': '4',
      'g0-note': 'Sam said 3: "we manage Sundays"',
      'g1-familyScore': '',
      'g1-workerScore': '',
    })
    assert.equal(posted.status, 303)
    assert.equal(posted.headers.get('location'), progressPage(staying))

    const token = await tokenFor(team.people.worker.id)
    const api = await callApi(app.baseUrl, token, 'POST', `/cases/${staying}/scaling-scores`, {
      askedOn: '2026-03-02',
      occasion: 'other',
      scores: [
        { goalId: stayingGoals[0], familyScore: 7, workerScore: 6 },
        { goalId: stayingGoals[1], workerScore: 5 },
      ],
    })
    assert.equal(api.status, 201)
    assert.equal(((await api.json()) as { ids: string[] }).ids.length, 2)

    const page = await html(progressPage(staying))
    assert.match(page, /Scaling scores recorded/)
    assert.match(page, /<title>Progress – Hearth<\/title>/)
    assert.match(page, /href="[^"]+\/progress" aria-current="page"/)
    assert.match(
      page,
      /the family’s score went from 3 on 12 January 2026 to 7 on 2 March 2026, <strong>up 4 points<\/strong>/,
    )
    assert.match(page, /The worker’s score: up 2 points/)
    assert.match(page, /<svg [^>]*role="img" aria-labelledby="goal-1-chart-title goal-1-chart-desc"/)
    assert.match(
      page,
      /<desc id="goal-1-chart-desc">The family scored 3 on 12 January 2026, and 7 on 2 March 2026: up 4 points\./,
    )
    assert.deepEqual(tableRows(page, 'goal-1-scores'), [
      ['12 January 2026', 'At the start', '3', '4', 'Sam said 3: &quot;we manage Sundays&quot;'],
      ['2 March 2026', 'Another time', '7', '6', ''],
    ])
    assert.deepEqual(tableRows(page, 'goal-2-scores'), [['2 March 2026', 'Another time', 'Not given', '5', '']])
    assert.match(page, /the family has not given a score yet/)

    const summary = await app.services.progress.summary(team.worker, staying)
    assert.deepEqual(summary.goals[0], {
      goalId: stayingGoals[0],
      outcome: 'Jordan and Sam can talk without shouting',
      first: { on: '2026-01-12', score: 3 },
      latest: { on: '2026-03-02', score: 7 },
      change: 4,
      words: 'up 4 points',
    })
  })

  test('scores not given at a review join the chronology; the audit names ids and codes, never scores or words', async () => {
    const entries = (await app.services.chronology.list(team.worker, staying, { origin: 'hearth' })).entries
    const started = entries.find((e) => e.headline === 'Scaling scores recorded at the start')
    assert.ok(started)
    assert.equal(started.occurredOn, '2026-01-12')
    assert.equal(started.category, 'progress')
    assert.ok(entries.some((e) => e.headline === 'Scaling scores recorded' && e.occurredOn === '2026-03-02'))

    const events = await app.services.database.withTenant(authorityId, (tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.recordType, 'scaling-score')),
    )
    assert.equal(events.filter((e) => e.action === 'create').length, 3)
    for (const e of events) {
      const details = e.details as Record<string, unknown>
      assert.equal(details.caseId, staying)
      assert.deepEqual(
        Object.keys(details)
          .filter((k) => k !== 'tokenId')
          .sort(),
        ['caseId', 'goalId', 'occasion', 'reviewId'],
      )
      assert.ok(!JSON.stringify(details).includes('Sundays'))
    }
  })

  test('the form shows every problem at once, keeps what was typed, and saves nothing', async () => {
    const before = await app.services.progress.progress(team.worker, staying)
    const response = await worker.post(scalingForm(staying), {
      ...day('askedOn', '2026-03-03'),
      'g0-familyScore': '11',
      'g0-workerScore': 'seven',
      'g1-note': 'Kept: <Jordan> said "maybe"',
    })
    assert.equal(response.status, 400)
    const page = await response.text()
    assert.match(page, /<title>Error: Record scaling scores – Hearth<\/title>/)
    assert.match(page, /There is a problem/)
    assert.match(page, /href="#askedOn-day">The date the scores were given must be today or in the past/)
    assert.match(page, /href="#occasion">Select when this was recorded/)
    assert.match(page, /href="#g0-familyScore">The family’s score must be a whole number from 0 to 10/)
    assert.match(page, /href="#g0-workerScore">The worker’s score must be a whole number from 0 to 10/)
    assert.match(page, /href="#g1-familyScore">Enter the family’s score, the worker’s score or both/)
    assert.match(page, /Kept: &lt;Jordan&gt; said &quot;maybe&quot;/)
    assert.match(page, /name="g0-workerScore" type="text" value="seven"|id="g0-workerScore"[^>]*value="seven"/)

    const unreadable = await worker.post(scalingForm(staying), {
      'askedOn-day': '30',
      'askedOn-month': '2',
      'askedOn-year': '2026',
      occasion: 'start',
      'g0-familyScore': '5',
    })
    assert.equal(unreadable.status, 400)
    assert.match(await unreadable.text(), /href="#askedOn-day">The date the scores were given must be a real date/)

    const early = await worker.post(scalingForm(staying), {
      ...day('askedOn', '2026-01-02'),
      occasion: 'start',
      'g0-familyScore': '5',
    })
    assert.equal(early.status, 400)
    assert.match(await early.text(), /must be on or after the day the family was accepted/)

    const after = await app.services.progress.progress(team.worker, staying)
    assert.equal(after.goals[0]?.scores.length, before.goals[0]?.scores.length)
  })

  test('the API answers problem+json with every bad field, and refuses a goal from another case', async () => {
    const token = await tokenFor(team.people.worker.id)
    const bad = await callApi(app.baseUrl, token, 'POST', `/cases/${staying}/scaling-scores`, {
      askedOn: '2026-03-02',
      occasion: 'review',
      reviewId,
      scores: [
        { goalId: lewishamGoals[0], familyScore: 5 },
        { goalId: stayingGoals[0], familyScore: 2.5, workerScore: -1 },
      ],
    })
    assert.equal(bad.status, 400)
    assert.match(bad.headers.get('content-type') ?? '', /application\/problem\+json/)
    const problem = (await bad.json()) as { errors: { name: string; reason: string }[] }
    assert.deepEqual(problem.errors, [
      { name: 'reviewId', reason: 'The review named is not one of this case’s reviews' },
      { name: 'scores.0.goalId', reason: 'Choose a goal from the family’s current plan' },
      { name: 'scores.1.familyScore', reason: 'The family’s score must be a whole number from 0 to 10' },
      { name: 'scores.1.workerScore', reason: 'The worker’s score must be a whole number from 0 to 10' },
    ])

    const shape = await callApi(app.baseUrl, token, 'POST', `/cases/${staying}/scaling-scores`, {
      occasion: 'sometime',
    })
    assert.equal(shape.status, 400)
    const names = ((await shape.json()) as { errors: { name: string }[] }).errors.map((e) => e.name)
    assert.ok(names.includes('occasion') && names.includes('askedOn') && names.includes('scores'))
  })

  test('a review service records a review’s scores inside its own transaction, checked the same way', async () => {
    const goalId = lewishamGoals[0] as string
    await app.services.database.withTenant(authorityId, async (tx) => {
      const { ids } = await app.services.progress.recordScalingIn(tx, team.worker, lewisham, {
        askedOn: '2026-02-16',
        occasion: 'review',
        reviewId,
        scores: [{ goalId, familyScore: 4, workerScore: 5 }],
      })
      assert.equal(ids.length, 1)
    })
    await assert.rejects(
      app.services.database.withTenant(authorityId, (tx) =>
        app.services.progress.recordScalingIn(tx, team.worker, lewisham, {
          askedOn: '2026-02-16',
          occasion: 'review',
          reviewId,
          scores: [{ goalId, familyScore: 12 }],
        }),
      ),
      (e: unknown) => e instanceof InvalidInputError && Boolean(e.fields['scores.0.familyScore']),
    )
    const entries = (await app.services.chronology.list(team.worker, lewisham, { origin: 'hearth' })).entries
    assert.ok(!entries.some((e) => e.originType === 'scaling'), 'a review’s scores are part of the review’s own entry')
  })
})

describe('Lewisham’s measures: “improving school attendance, reducing worklessness, offending behaviour and supporting children in need of help”', () => {
  test('school attendance of 80% at the start flags persistent absence; 45% at the review flags severe absence', async () => {
    const form = await html(measureForm(lewisham, 'school-attendance', '&occasion=start'))
    assert.match(form, /<title>Record a reading: School attendance – Hearth<\/title>/)
    assert.match(form, /Why:<\/strong> the service says “improving school attendance”/)
    assert.match(form, /persistently absent when they miss 10% or more of possible sessions/)
    assert.match(form, /Robin Okafor/)

    const start = await worker.post(
      measureForm(lewisham, 'school-attendance'),
      {
        ...day('recordedOn', '2026-01-12'),
        occasion: 'start',
        ...day('from', '2025-09-03'),
        ...day('to', '2025-12-19'),
        'r0-possible': '140',
        'r0-attended': '112',
      },
      measureForm(lewisham, 'school-attendance'),
    )
    assert.equal(start.status, 303)
    assert.equal(start.headers.get('location'), progressPage(lewisham))

    const atReview = await worker.post(
      measureForm(lewisham, 'school-attendance', `&occasion=review&reviewId=${reviewId}`),
      {
        ...day('recordedOn', '2026-02-16'),
        occasion: 'review',
        reviewId,
        ...day('from', '2026-01-05'),
        ...day('to', '2026-02-13'),
        'r0-possible': '60',
        'r0-attended': '27',
        return: `/cases/${lewisham}/reviews`,
      },
      measureForm(lewisham, 'school-attendance'),
    )
    assert.equal(atReview.status, 303)
    assert.equal(atReview.headers.get('location'), `/cases/${lewisham}/reviews`, 'back to the page that linked here')

    const page = await html(progressPage(lewisham))
    assert.deepEqual(tableRows(page, 'measure-school-attendance-readings'), [
      [
        'Robin Okafor',
        '12 January 2026',
        'At the start',
        '80.0% Persistent absence 112 of 140 sessions, 3 September 2025 to 19 December 2025',
      ],
      [
        'Robin Okafor',
        '16 February 2026',
        'At a review',
        '45.0% Severe absence 27 of 60 sessions, 5 January 2026 to 13 February 2026',
      ],
    ])
    assert.match(page, /govuk-tag--orange[^>]*>Persistent absence/)
    assert.match(page, /govuk-tag--red[^>]*>Severe absence/)

    const [stored] = await app.services.database.withTenant(authorityId, (tx) =>
      tx
        .select()
        .from(measureRecord)
        .where(and(eq(measureRecord.caseId, lewisham), eq(measureRecord.reviewId, reviewId))),
    )
    assert.deepEqual(stored?.value, { from: '2026-01-05', to: '2026-02-13', possible: 60, attended: 27 })
    assert.equal(stored?.personId, robin)
  })

  test('an adult workless at the start and in work at closure', async () => {
    const form = await html(measureForm(lewisham, 'worklessness'))
    assert.match(form, /Looking for work and not working count as workless/)
    assert.match(form, /Ade Okafor/)
    assert.equal(
      (
        await worker.post(measureForm(lewisham, 'worklessness'), {
          ...day('recordedOn', '2026-01-12'),
          occasion: 'start',
          'r0-status': 'looking-for-work',
        })
      ).status,
      303,
    )
    const token = await tokenFor(team.people.worker.id)
    const closing = await callApi(app.baseUrl, token, 'POST', `/cases/${lewisham}/measures`, {
      measureId: 'worklessness',
      occasion: 'closure',
      recordedOn: '2026-03-02',
      readings: [{ personId: ade, value: { status: 'in-work' } }],
    })
    assert.equal(closing.status, 201)

    const page = await html(progressPage(lewisham))
    assert.deepEqual(tableRows(page, 'measure-worklessness-readings'), [
      ['Ade Okafor', '12 January 2026', 'At the start', 'Looking for work Workless'],
      ['Ade Okafor', '2 March 2026', 'At closure', 'In work'],
    ])
  })

  test('offending is counted for the whole family; child in need status per child', async () => {
    const token = await tokenFor(team.people.worker.id)
    for (const [recordedOn, occasion, count] of [
      ['2026-01-12', 'start', 3],
      ['2026-02-16', 'review', 0],
    ] as const) {
      const response = await callApi(app.baseUrl, token, 'POST', `/cases/${lewisham}/measures`, {
        measureId: 'offending',
        occasion,
        recordedOn,
        readings: [{ value: { count } }],
      })
      assert.equal(response.status, 201)
    }
    const cin = await worker.post(measureForm(lewisham, 'children-in-need'), {
      ...day('recordedOn', '2026-01-12'),
      occasion: 'start',
      'r0-status': 'child-in-need-plan',
    })
    assert.equal(cin.status, 303)
    const stepped = await worker.post(measureForm(lewisham, 'children-in-need'), {
      ...day('recordedOn', '2026-03-02'),
      occasion: 'review',
      'r0-status': 'early-help',
    })
    assert.equal(stepped.status, 303)

    const page = await html(progressPage(lewisham))
    assert.deepEqual(tableRows(page, 'measure-offending-readings'), [
      ['12 January 2026', 'At the start', '3'],
      ['16 February 2026', 'At a review', '0'],
    ])
    assert.match(page, /How Hearth reads this:<\/span> The source names offending behaviour without a measure/)
    assert.deepEqual(tableRows(page, 'measure-children-in-need-readings'), [
      ['Robin Okafor', '12 January 2026', 'At the start', 'Child in need plan'],
      ['Robin Okafor', '2 March 2026', 'At a review', 'Early help'],
    ])

    const summary = await app.services.progress.summary(team.manager, lewisham)
    const latest = Object.fromEntries(summary.measures.map((m) => [m.measureId, m.latest]))
    assert.deepEqual(
      latest['school-attendance']?.map((r) => [r.name, r.text, r.flags]),
      [['Robin Okafor', '45.0% (severe absence)', ['severe-absence', 'persistent-absence']]],
    )
    assert.deepEqual(
      latest.worklessness?.map((r) => [r.name, r.text, r.flags]),
      [['Ade Okafor', 'In work', []]],
    )
    assert.deepEqual(
      latest.offending?.map((r) => [r.personId, r.text]),
      [[null, '0']],
    )
    assert.deepEqual(
      latest['children-in-need']?.map((r) => r.text),
      ['Early help'],
    )
  })

  test('the OpenAPI document describes the three endpoints, their inputs and the distance travelled', async () => {
    const document = await (await fetch(`${app.baseUrl}/api/v1/openapi.json`)).json()
    assert.ok(document.paths['/cases/{caseId}/progress']?.get)
    assert.ok(document.paths['/cases/{caseId}/scaling-scores']?.post)
    assert.ok(document.paths['/cases/{caseId}/measures']?.post)
    const text = JSON.stringify(document)
    for (const name of ['CaseProgress', 'DistanceTravelled', 'ScalingScoresInput', 'MeasureReadingInput']) {
      assert.ok(text.includes(name), name)
    }
    assert.match(text, /persistent-absence \(10% or more of sessions missed\)/)
  })

  test('the API lists the goals with their scores and the measures with their readings', async () => {
    const token = await tokenFor(team.people.worker.id)
    const response = await callApi(app.baseUrl, token, 'GET', `/cases/${lewisham}/progress`)
    assert.equal(response.status, 200)
    const body = (await response.json()) as {
      closed: boolean
      goals: { id: string; family: { words: string }; scores: { familyScore: number }[] }[]
      measures: {
        id: string
        per: string
        readings: { person: { name: string } | null; flags: string[]; value: unknown }[]
      }[]
    }
    assert.equal(body.closed, false)
    assert.equal(body.goals[0]?.id, lewishamGoals[0])
    assert.equal(body.goals[0]?.family.words, 'scored once so far')
    const attendance = body.measures.find((m) => m.id === 'school-attendance')
    assert.equal(attendance?.per, 'child')
    assert.deepEqual(attendance?.readings[0]?.flags, ['persistent-absence'])
    assert.equal(attendance?.readings[0]?.person?.name, 'Robin Okafor')
    assert.equal(body.measures.find((m) => m.id === 'offending')?.per, 'family')
  })
})

describe('refusals', () => {
  test('the measure form: sessions, people and dates checked, every problem at once, nothing lost', async () => {
    const response = await worker.post(
      measureForm(lewisham, 'school-attendance'),
      {
        ...day('recordedOn', '2026-03-09'),
        occasion: 'start',
        'from-day': '3',
        'from-month': '',
        'from-year': '2025',
        ...day('to', '2025-12-19'),
        'r0-possible': '100',
        'r0-attended': '101',
      },
      measureForm(lewisham, 'school-attendance'),
    )
    assert.equal(response.status, 400)
    const page = await response.text()
    assert.match(page, /<title>Error: Record a reading: School attendance – Hearth<\/title>/)
    assert.match(page, /href="#recordedOn-day">The date of the reading must be today or in the past/)
    assert.match(page, /href="#from-day">The start of the period must include a month/)
    assert.match(page, /href="#r0-attended">Sessions attended cannot be more than the possible sessions/)
    assert.match(page, /id="r0-attended"[^>]*value="101"|value="101"/)

    const none = await worker.post(measureForm(lewisham, 'offending'), {
      ...day('recordedOn', '2026-03-02'),
      occasion: 'start',
    })
    assert.equal(none.status, 400)
    assert.match(await none.text(), /href="#r0-count">Enter at least one reading/)

    const negative = await worker.post(measureForm(lewisham, 'offending'), {
      ...day('recordedOn', '2026-03-02'),
      occasion: 'follow-up',
      'r0-count': '-2',
    })
    assert.equal(negative.status, 400)
    const negativePage = await negative.text()
    assert.match(negativePage, /href="#occasion">A follow-up reading is recorded after the case has closed/)
    assert.match(negativePage, /href="#r0-count">The count must be a whole number 0 or more/)

    const unknown = await worker.get(measureForm(lewisham, 'sdq-total'))
    assert.equal(unknown.status, 303, 'not one of Lewisham’s measures: back to the Progress page to choose')
    assert.equal(unknown.headers.get('location'), progressPage(lewisham))
  })

  test('the API refuses a measure not the programme’s, a person not on the case, and keeps only what the kind holds', async () => {
    const token = await tokenFor(team.people.worker.id)
    const stayingChild = (await peopleOf(staying)).find((p) => p.group === 'child')?.id
    const bad = await callApi(app.baseUrl, token, 'POST', `/cases/${lewisham}/measures`, {
      measureId: 'school-attendance',
      occasion: 'start',
      recordedOn: '2026-03-02',
      readings: [
        { personId: stayingChild, value: { from: '2026-01-05', to: '2026-02-27', possible: 80, attended: 70 } },
        { personId: ade, value: { from: '2026-01-05', to: '2026-02-27', possible: 0, attended: 0 } },
      ],
    })
    assert.equal(bad.status, 400)
    assert.deepEqual(((await bad.json()) as { errors: unknown[] }).errors, [
      { name: 'readings.0.personId', reason: 'Choose a child on this case' },
      { name: 'readings.1.personId', reason: 'Choose a child on this case' },
      { name: 'readings.1.possible', reason: 'Possible sessions must be a whole number, 1 or more' },
    ])

    const licensed = await callApi(app.baseUrl, token, 'POST', `/cases/${lewisham}/measures`, {
      measureId: 'sdq-total',
      occasion: 'start',
      recordedOn: '2026-03-02',
      readings: [{ personId: robin, value: { score: 17 } }],
    })
    assert.equal(licensed.status, 400)
    assert.deepEqual(((await licensed.json()) as { errors: unknown[] }).errors, [
      { name: 'measureId', reason: 'Choose one of the service’s measures' },
    ])

    const extra = await callApi(app.baseUrl, token, 'POST', `/cases/${lewisham}/measures`, {
      measureId: 'offending',
      occasion: 'start',
      recordedOn: '2026-03-02',
      readings: [{ value: { count: 1, items: ['an item’s wording'], note: 'free text' } }],
    })
    assert.equal(extra.status, 201)
    const [id] = ((await extra.json()) as { ids: string[] }).ids
    const [row] = await app.services.database.withTenant(authorityId, (tx) =>
      tx
        .select()
        .from(measureRecord)
        .where(eq(measureRecord.id, id as string)),
    )
    assert.deepEqual(row?.value, { count: 1 })
  })

  test('someone who cannot see the case gets "not found" from the pages, the service and the API', async () => {
    assert.equal((await outsiderWeb.get(progressPage(lewisham))).status, 404)
    assert.equal((await outsiderWeb.get(scalingForm(staying))).status, 404)
    assert.equal((await outsiderWeb.get(measureForm(lewisham, 'offending'))).status, 404)
    await assert.rejects(app.services.progress.progress(outsider, lewisham), NotFoundError)
    await assert.rejects(
      app.services.progress.recordMeasure(outsider, lewisham, {
        measureId: 'offending',
        occasion: 'start',
        recordedOn: '2026-03-02',
        readings: [{ value: { count: 1 } }],
      }),
      NotFoundError,
    )
    const token = await tokenFor(outsider.actor.userId as string)
    assert.equal((await callApi(app.baseUrl, token, 'GET', `/cases/${lewisham}/progress`)).status, 404)
    const commissioner = await addUser(app.services, authorityId, 'commissioner')
    const theirs = await tokenFor(commissioner.id)
    assert.equal((await callApi(app.baseUrl, theirs, 'GET', `/cases/${lewisham}/progress`)).status, 403)
  })

  test('a closed case takes no more scaling scores, and follow-up readings only', async () => {
    const caseId = await openCase(app.services, team.manager, 'lewisham-safer-stronger')
    await app.services.database.withTenant(authorityId, (tx) =>
      tx
        .update(familyCase)
        .set({ status: 'closed', closedAt: now })
        .where(and(eq(familyCase.authorityId, authorityId), eq(familyCase.id, caseId))),
    )
    const [goalId] = (
      await agreedPlan(app.services, authorityId, caseId, team.people.worker.id, [{ need: 'N', outcome: 'O' }])
    ).goalIds
    await assert.rejects(
      app.services.progress.recordScaling(team.manager, caseId, {
        askedOn: '2026-03-02',
        occasion: 'closure',
        scores: [{ goalId: goalId as string, familyScore: 8 }],
      }),
      (e: unknown) => e instanceof InvalidInputError && /closed/.test(e.fields.form ?? ''),
    )
    const manager = new WebClient(app.baseUrl)
    await manager.signIn(team.people.manager.email, team.people.manager.password)
    const page = await (await manager.get(progressPage(caseId))).text()
    assert.match(page, /The case is closed/)
    assert.doesNotMatch(page, /Record scaling scores/)
    const form = await (await manager.get(scalingForm(caseId))).text()
    assert.match(form, /scaling scores can no longer be recorded/)
    assert.doesNotMatch(form, /action="[^"]*\/scaling\/new"/)

    const late = { measureId: 'offending', recordedOn: '2026-03-02', readings: [{ value: { count: 0 } }] }
    await assert.rejects(
      app.services.progress.recordMeasure(team.manager, caseId, { ...late, occasion: 'closure' }),
      (e: unknown) => e instanceof InvalidInputError && /only follow-up readings/.test(e.fields.occasion ?? ''),
    )
    const { ids } = await app.services.progress.recordMeasure(team.manager, caseId, { ...late, occasion: 'follow-up' })
    assert.equal(ids.length, 1)
  })
})
