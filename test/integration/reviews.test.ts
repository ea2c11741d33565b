import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { and, eq } from 'drizzle-orm'
import { auditEvent, pathwayChange, review, scalingScore } from '../../src/db/schema/index.ts'
import { addDays } from '../../src/domain/isoDate.ts'
import type { RequestContext } from '../../src/services/context.ts'
import { InvalidInputError, NotFoundError } from '../../src/services/errors.ts'
import type { ReviewInput } from '../../src/services/reviews.ts'
import { callApi } from '../helpers/api.ts'
import { addUser, setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { caseworkTeam, openCase, userCtx } from '../helpers/cases.ts'
import { WebClient } from '../helpers/client.ts'
import { agreedPlan } from '../helpers/progress.ts'

/**
 * Reviews on each programme's schedule, the warning when a required attendee is not there,
 * progress and scaling per goal, and each decision a review can take — continue, a further
 * cycle, a change of pathway, the step-down, close — as the seeds describe them; and STARS's
 * pre-birth assessment outcome, which sets the pathway and starts two years of support.
 */

// Support starts on Monday 5 January 2026; the reviews are recorded on 1 April 2026.
const started = new Date('2026-01-05T10:00:00Z')
let now = new Date('2026-01-05T11:00:00Z')
const april = new Date('2026-04-01T09:00:00Z')

let app: TestApp
let authorityId: string
let team: Awaited<ReturnType<typeof caseworkTeam>>
let worker: WebClient
let outsider: RequestContext
let token: string
const cases: Record<string, string> = {}
const goals: Record<string, string[]> = {}

/** A plan with two goals, as the plans feature will write it. */
async function withGoals(caseId: string): Promise<string[]> {
  const { goalIds } = await agreedPlan(app.services, authorityId, caseId, team.people.worker.id, [
    { need: 'Arguments at home', outcome: 'Calmer evenings' },
    { need: 'Missing school', outcome: 'At school every day' },
  ])
  return goalIds
}

async function startedCase(name: string, programmeId: string, on = started) {
  const caseId = await openCase(app.services, team.manager, programmeId)
  const { row } = await app.services.cases.open(team.manager, caseId)
  await app.services.cases.allocate(team.manager, caseId, { keyWorkerId: team.people.worker.id, version: row.version })
  const { row: allocated } = await app.services.cases.open(team.manager, caseId)
  await app.services.cases.move(team.manager, caseId, allocated.version, 'support-started', on)
  cases[name] = caseId
  goals[name] = await withGoals(caseId)
}

before(async () => {
  app = await startTestApp({ clock: () => now })
  authorityId = (await setUpAuthority(app.services)).authorityId
  team = await caseworkTeam(app.services, authorityId)
  await startedCase('staying', 'staying-together')
  await startedCase('stayingWeek6', 'staying-together')
  await startedCase('lewisham', 'lewisham-safer-stronger')
  await startedCase('derby', 'derby-staying-together')
  await startedCase('derbyshire', 'derbyshire-stronger-families')
  const other = await addUser(app.services, authorityId, 'practitioner')
  outsider = userCtx(authorityId, other.id, 'practitioner')
  now = april
  worker = new WebClient(app.baseUrl)
  assert.equal((await worker.signIn(team.people.worker.email, team.people.worker.password)).status, 303)
  token = (
    await app.services.apiTokens.create({ actor: { type: 'cli', authorityId } }, team.people.worker.id, 'reviews')
  ).token
})
after(() => app.close())

const here = ['family', 'key-worker'] as const

function reviewInput(fields: Partial<ReviewInput> = {}): ReviewInput {
  return { heldOn: '2026-01-22', attendees: { participants: [...here] }, decision: 'continue', ...fields }
}

async function deadlinesOf(caseId: string) {
  return (await app.services.cases.open(team.manager, caseId)).state.deadlines
}

async function pathwayChanges(caseId: string) {
  return app.services.database.withTenant(authorityId, (tx) =>
    tx.select().from(pathwayChange).where(eq(pathwayChange.caseId, caseId)),
  )
}

async function scoresOf(caseId: string) {
  return app.services.database.withTenant(authorityId, (tx) =>
    tx.select().from(scalingScore).where(eq(scalingScore.caseId, caseId)),
  )
}

const api = (method: string, path: string, json?: unknown) => callApi(app.baseUrl, token, method, path, json)

function reviewForm(fields: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    'heldOn-day': '22',
    'heldOn-month': '1',
    'heldOn-year': '2026',
    attendees: ['family', 'key-worker'],
    familyView: 'Sam says evenings are calmer.',
    summary: 'Good progress.',
    decision: 'continue',
    ...fields,
  }
}

/** The week 12 review's step-down, with each planned step as [day, month, year, frequency]. */
function stepDownForm(steps: [string, string, string, string][]) {
  const fields: Record<string, string> = {
    'heldOn-day': '26',
    'heldOn-month': '3',
    scheduledId: 'review-week-12',
    decision: 'step-down',
  }
  steps.forEach(([day, month, year, frequency], i) => {
    Object.assign(fields, {
      [`frequencies-${i + 1}-from-day`]: day,
      [`frequencies-${i + 1}-from-month`]: month,
      [`frequencies-${i + 1}-from-year`]: year,
      [`frequencies-${i + 1}-frequency`]: frequency,
    })
  })
  return reviewForm(fields)
}

describe('Staying Together: "Support is reviewed during weeks three, six and nine, and then again at 12 weeks."', () => {
  test('the reviews held at weeks 3, 6 and 9 meet the schedule in order, each on time', async () => {
    const caseId = cases.staying as string
    const list = await app.services.reviews.list(team.worker, caseId)
    assert.equal(list.setting.next?.id, 'review-week-3')
    assert.deepEqual(
      list.cycles[0]?.reviews.map((r) => [r.id, r.dueDate]),
      [
        ['review-week-3', '2026-01-25'],
        ['review-week-6', '2026-02-15'],
        ['review-week-9', '2026-03-08'],
        ['review-week-12', '2026-03-29'],
      ],
    )
    // Out of order is refused: the week 6 review is not next.
    await assert.rejects(
      app.services.reviews.record(team.worker, caseId, reviewInput({ scheduledId: 'review-week-6' })),
      (e: unknown) =>
        e instanceof InvalidInputError && /next one is the week 3 review/.test(e.fields.scheduledId ?? ''),
    )
    const [g1, g2] = goals.staying as [string, string]
    const held: Record<string, string> = {}
    for (const [scheduledId, heldOn] of [
      ['review-week-3', '2026-01-22'],
      ['review-week-6', '2026-02-12'],
      ['review-week-9', '2026-03-05'],
    ] as const) {
      const participants = scheduledId === 'review-week-6' ? [...here, 'allocated-social-worker' as const] : [...here]
      const { id } = await app.services.reviews.record(team.worker, caseId, {
        heldOn,
        scheduledId,
        attendees: { participants },
        progress: [{ goalId: g1, direction: 'better', evidence: 'No shouting for a week' }],
        scaling: [
          { goalId: g1, family: 6, worker: 5 },
          { goalId: g2, worker: 3 },
        ],
        decision: 'continue',
      })
      held[scheduledId] = id
    }
    const reviews = (await deadlinesOf(caseId)).filter((d) => d.kind === 'review')
    assert.deepEqual(
      reviews.map((d) => [d.id, d.status]),
      [
        ['review-week-3', 'met-on-time'],
        ['review-week-6', 'met-on-time'],
        ['review-week-9', 'met-on-time'],
        ['review-week-12', 'overdue'],
      ],
    )
    const after = await app.services.reviews.list(team.worker, caseId)
    assert.deepEqual(
      after.cycles[0]?.reviews.map((r) => r.reviewId),
      [...['review-week-3', 'review-week-6', 'review-week-9'].map((id) => held[id]), null],
    )
    assert.equal(after.setting.next?.id, 'review-week-12')
    const scores = await scoresOf(caseId)
    assert.equal(scores.length, 6)
    assert.ok(scores.every((s) => s.occasion === 'review' && s.reviewId))
    const week6 = await app.services.reviews.get(team.worker, caseId, held['review-week-6'] as string)
    assert.deepEqual(week6.missingAttendees, [])
    assert.deepEqual(
      week6.scaling.map((s) => [s.goal?.outcome, s.family, s.worker]),
      [
        ['Calmer evenings', 6, 5],
        ['At school every day', null, 3],
      ],
    )

    const html = await (await worker.get(`/cases/${caseId}/reviews`)).text()
    assert.match(html, /<title>Reviews – Hearth<\/title>/)
    assert.match(html, /Cycle 1, from 5 January 2026/)
    assert.match(html, /Week 6 review<\/td>\s*<td class="govuk-table__cell">15 February 2026/)
    assert.match(html, new RegExp(`href="/cases/${caseId}/reviews/${held['review-week-6']}">Held 12 February 2026`))
    assert.match(html, /Support is reviewed during weeks three, six and nine/)
    assert.match(html, /Record a review/)
  })

  test('the week 6 review without the social worker warns, quoting the source, then keeps who was missing', async () => {
    const caseId = cases.stayingWeek6 as string
    await app.services.reviews.record(team.worker, caseId, reviewInput({ scheduledId: 'review-week-3' }))
    const form = await (await worker.get(`/cases/${caseId}/reviews/new`)).text()
    assert.match(form, /<title>Record a review – Hearth<\/title>/)
    assert.match(form, /value="review-week-6" checked/)
    assert.match(form, /The allocated social worker should attend/)

    const first = await worker.post(
      `/cases/${caseId}/reviews/new`,
      reviewForm({ 'heldOn-day': '12', 'heldOn-month': '2', scheduledId: 'review-week-6' }),
    )
    assert.equal(first.status, 400)
    const html = await first.text()
    assert.match(html, /There is a problem/)
    assert.match(html, /href="#confirmMissingAttendees">The allocated social worker should attend the week 6 review/)
    assert.match(html, /The allocated social worker for the young person will attend the review at six weeks\./)
    assert.match(html, /Sam says evenings are calmer\./)
    assert.equal((await app.services.reviews.list(team.worker, caseId)).reviews.length, 1)

    const api400 = await api(
      'POST',
      `/cases/${caseId}/reviews`,
      reviewInput({ heldOn: '2026-02-12', scheduledId: 'review-week-6' }),
    )
    assert.equal(api400.status, 400)
    assert.match(api400.headers.get('content-type') ?? '', /application\/problem\+json/)
    const problem = await api400.json()
    assert.equal(problem.errors[0].name, 'confirmMissingAttendees')
    assert.match(problem.errors[0].reason, /allocated social worker/)

    const confirmed = await worker.post(
      `/cases/${caseId}/reviews/new`,
      reviewForm({
        'heldOn-day': '12',
        'heldOn-month': '2',
        scheduledId: 'review-week-6',
        confirmMissingAttendees: 'yes',
      }),
    )
    assert.equal(confirmed.status, 303)
    const location = confirmed.headers.get('location') ?? ''
    assert.match(location, new RegExp(`^/cases/${caseId}/reviews/[0-9a-f-]{36}$`))
    const id = location.split('/').at(-1) as string
    const saved = await app.services.reviews.get(team.worker, caseId, id)
    assert.deepEqual(saved.missingAttendees, ['allocated-social-worker'])
    assert.equal(saved.scheduledId, 'review-week-6')
    const page = await (await worker.get(location)).text()
    assert.match(page, /Review recorded/)
    assert.match(page, /Required at this review but not there: Allocated social worker\./)
    const list = await (await worker.get(`/cases/${caseId}/reviews`)).text()
    assert.match(list, /Allocated social worker not there/)

    // Correcting the attendees to show the social worker was there clears the warning.
    const corrected = await app.services.reviews.update(team.worker, caseId, id, saved.version, {
      attendees: { participants: [...here, 'allocated-social-worker'] },
      summary: 'The social worker joined by phone.',
    })
    assert.equal(corrected.version, 2)
    assert.deepEqual((await app.services.reviews.get(team.worker, caseId, id)).missingAttendees, [])
  })

  test('"the family’s social worker can ask the Staying Together team for another cycle of support": the week 12 review extends, and a new week 3 review is due', async () => {
    const caseId = cases.staying as string
    const setting = await app.services.reviews.setting(team.worker, caseId)
    assert.equal(setting.decisions.extend.ok, true)
    assert.equal(setting.decisions['step-down'].ok, false)
    assert.equal(setting.decisions['change-pathway'].ok, false)
    await assert.rejects(
      app.services.reviews.record(
        team.worker,
        caseId,
        reviewInput({ heldOn: '2026-03-26', decision: 'extend', requestedBy: 'key-worker' }),
      ),
      (e: unknown) =>
        e instanceof InvalidInputError && /asked for by the allocated social worker/.test(e.fields.requestedBy ?? ''),
    )
    const { id } = await app.services.reviews.record(
      team.worker,
      caseId,
      reviewInput({
        heldOn: '2026-03-26',
        scheduledId: 'review-week-12',
        decision: 'extend',
        requestedBy: 'allocated-social-worker',
      }),
    )
    const shell = await app.services.cases.open(team.manager, caseId)
    assert.equal(shell.phase?.phase.id, 'further-cycle')
    const week3 = shell.state.deadlines.filter((d) => d.id === 'review-week-3')
    assert.equal(week3.length, 2)
    assert.equal(week3[1]?.anchor.type, 'further-cycle-started')
    assert.equal(week3[1]?.dueDate, '2026-04-15')
    assert.equal(week3[1]?.status, 'not-yet-due')
    // The first cycle's reviews are all met, the week 12 review by this one.
    assert.deepEqual(
      shell.state.deadlines
        .filter((d) => d.kind === 'review' && d.anchor.type === 'support-started')
        .map((d) => d.status),
      ['met-on-time', 'met-on-time', 'met-on-time', 'met-on-time'],
    )
    const list = await app.services.reviews.list(team.worker, caseId)
    assert.equal(list.cycles.length, 2)
    assert.equal(list.setting.next?.id, 'review-week-3')
    const extended = list.reviews.find((r) => r.id === id)
    assert.deepEqual(extended?.decisionDetails, { requestedBy: 'allocated-social-worker' })
    const html = await (await worker.get(`/cases/${caseId}/reviews`)).text()
    assert.match(html, /Cycle 2, from 26 March 2026 \(further cycle of support started\) – the current cycle/)
    assert.match(html, /Extend with a further cycle of support, at the request of the allocated social worker/)
    const chronology = (await app.services.chronology.list(team.worker, caseId, { origin: 'hearth' })).entries
    assert.ok(
      chronology.some((e) => e.originId === id && e.headline === 'Week 12 review held' && e.category === 'plan'),
    )
    assert.ok(chronology.some((e) => e.headline === 'A further cycle of support started'))
  })
})

describe('Lewisham: "Our 12 week programme was followed by a 10 week step down period"', () => {
  test('the week 12 review starts the step-down, with planned contact falling; rising contact is refused', async () => {
    const caseId = cases.lewisham as string
    const setting = await app.services.reviews.setting(team.worker, caseId)
    assert.equal(setting.next?.id, 'review-week-12')
    assert.equal(setting.decisions.extend.ok, false)

    const rising = await worker.post(
      `/cases/${caseId}/reviews/new`,
      stepDownForm([
        ['27', '3', '2026', 'weekly'],
        ['24', '4', '2026', 'several-weekly'],
        ['1', '5', '', ''],
      ]),
    )
    assert.equal(rising.status, 400)
    const html = await rising.text()
    assert.match(html, /href="#frequencies-2-frequency">Step 2 must plan contact less often than step 1/)
    assert.match(html, /href="#frequencies-3-from-day">The date step 3 starts must include a year/)
    assert.equal((await app.services.reviews.list(team.worker, caseId)).reviews.length, 0)

    const earlyStep = await api('POST', `/cases/${caseId}/reviews`, {
      ...reviewInput({ heldOn: '2026-03-26', scheduledId: 'review-week-12', decision: 'step-down' }),
      frequencies: [{ from: '2026-03-20', frequency: 'weekly' }],
    })
    assert.equal(earlyStep.status, 400)
    assert.deepEqual(
      (await earlyStep.json()).errors.map((e: { name: string }) => e.name),
      ['frequencies.1.from'],
    )

    const saved = await worker.post(
      `/cases/${caseId}/reviews/new`,
      stepDownForm([
        ['27', '3', '2026', 'weekly'],
        ['24', '4', '2026', 'fortnightly'],
        ['22', '5', '2026', 'monthly'],
      ]),
    )
    assert.equal(saved.status, 303)
    const shell = await app.services.cases.open(team.manager, caseId)
    assert.equal(shell.stage, 'step-down')
    assert.equal(shell.phase?.phase.id, 'step-down')
    assert.equal(shell.state.deadlines.find((d) => d.id === 'end-of-programme')?.status, 'met-on-time')
    assert.equal(shell.state.deadlines.find((d) => d.id === 'end-of-step-down')?.dueDate, '2026-06-03')
    const [held] = (await app.services.reviews.list(team.worker, caseId)).reviews
    assert.deepEqual(held?.decisionDetails, {
      frequencies: [
        { from: '2026-03-27', frequency: 'weekly' },
        { from: '2026-04-24', frequency: 'fortnightly' },
        { from: '2026-05-22', frequency: 'monthly' },
      ],
    })
    const page = await (await worker.get(saved.headers.get('location') as string)).text()
    assert.match(page, /From 27 March 2026: once a week/)
    assert.match(page, /From 22 May 2026: once a month/)
    // The step-down has started: a second one is not offered.
    assert.equal((await app.services.reviews.setting(team.worker, caseId)).decisions['step-down'].ok, false)
  })
})

describe('Derby: "this will be extended if needed … agreed at relevant meetings with both the lead professional and the team"', () => {
  test('the week 12 review with the lead professional extends at their request; a later review starts the gradual reduction', async () => {
    const caseId = cases.derby as string
    const setting = await app.services.reviews.setting(team.worker, caseId)
    assert.deepEqual(setting.next?.attendees, ['lead-professional'])
    assert.deepEqual(setting.extension?.requestedBy, ['lead-professional', 'key-worker'])
    await app.services.reviews.record(team.worker, caseId, {
      heldOn: '2026-03-26',
      scheduledId: 'review-week-12',
      attendees: { participants: [...here, 'lead-professional'] },
      decision: 'extend',
      requestedBy: 'lead-professional',
    })
    let shell = await app.services.cases.open(team.manager, caseId)
    assert.equal(shell.phase?.phase.id, 'extended')
    assert.equal(shell.state.deadlines.find((d) => d.id === 'first-period')?.status, 'met-on-time')
    assert.equal(shell.state.deadlines.filter((d) => d.id === 'review-week-12').length, 2)

    // "A gradual reduction in support … towards the end of involvement", at a review outside the schedule.
    await assert.rejects(
      app.services.reviews.record(team.worker, caseId, {
        ...reviewInput({ heldOn: '2026-03-31', decision: 'step-down' }),
        frequencies: [
          { from: '2026-04-01', frequency: 'several-weekly' },
          { from: '2026-04-15', frequency: 'several-weekly' },
        ],
      }),
      (e: unknown) => e instanceof InvalidInputError && Boolean(e.fields['frequencies.2.frequency']),
    )
    const { id } = await app.services.reviews.record(team.worker, caseId, {
      ...reviewInput({ heldOn: '2026-03-31', decision: 'step-down' }),
      frequencies: [
        { from: '2026-04-01', frequency: 'several-weekly' },
        { from: '2026-04-15', frequency: 'weekly' },
        { from: '2026-04-29', frequency: 'fortnightly' },
      ],
    })
    shell = await app.services.cases.open(team.manager, caseId)
    assert.equal(shell.stage, 'step-down')
    assert.equal(shell.phase?.phase.id, 'gradual-reduction')
    // A review outside the schedule does not count as the next scheduled one.
    const cycle2 = shell.state.deadlines.filter((d) => d.id === 'review-week-12')[1]
    assert.equal(cycle2?.metAt, undefined)
    assert.equal((await app.services.reviews.get(team.worker, caseId, id)).scheduledId, null)
  })
})

describe('Derbyshire: "Reunification which enables the return of children to the family or wider networks"', () => {
  test('a review changes the pathway from risk of care to reunification, and the change is kept', async () => {
    const caseId = cases.derbyshire as string
    const setting = await app.services.reviews.setting(team.worker, caseId)
    assert.equal(setting.schedule, null)
    assert.equal(setting.next, null)
    assert.equal(setting.decisions.extend.ok, false)
    assert.equal(setting.decisions['change-pathway'].ok, true)

    const form = await (await worker.get(`/cases/${caseId}/reviews/new`)).text()
    assert.doesNotMatch(form, /value="risk-of-care"/)
    assert.match(form, /value="reunification"/)
    assert.doesNotMatch(form, /type="radio" value="extend"|value="extend"/)

    const missing = await worker.post(
      `/cases/${caseId}/reviews/new`,
      reviewForm({ decision: 'change-pathway', pathway: 'risk-of-care' }),
    )
    assert.equal(missing.status, 400)
    const html = await missing.text()
    assert.match(html, /href="#pathway">Choose a different pathway from the one the family is on/)
    assert.match(html, /href="#pathwayReason">Give the reason for changing pathway/)

    const saved = await worker.post(
      `/cases/${caseId}/reviews/new`,
      reviewForm({
        'heldOn-day': '30',
        'heldOn-month': '3',
        decision: 'change-pathway',
        pathway: 'reunification',
        pathwayReason: 'The court agreed a plan for Morgan to return home.',
      }),
    )
    assert.equal(saved.status, 303)
    const shell = await app.services.cases.open(team.manager, caseId)
    assert.equal(shell.row.pathway, 'reunification')
    assert.equal(shell.pathwayName, 'Reunification')
    const [change] = await pathwayChanges(caseId)
    assert.equal(change?.cause, 'review')
    assert.equal(change?.fromPathway, 'risk-of-care')
    assert.equal(change?.toPathway, 'reunification')
    assert.equal(change?.decidedOn, '2026-03-30')
    assert.equal(change?.reason, 'The court agreed a plan for Morgan to return home.')
    const page = await (await worker.get(saved.headers.get('location') as string)).text()
    assert.match(page, /Change pathway to Reunification/)
    const audit = await app.services.database.withTenant(authorityId, (tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.recordType, 'pathway-change')),
    )
    assert.ok(audit.every((e) => !JSON.stringify(e.details).includes('Morgan')))
  })

  test('decisions the programme does not allow are refused, on the form and through the API', async () => {
    const caseId = cases.derbyshire as string
    const extend = await worker.post(
      `/cases/${caseId}/reviews/new`,
      reviewForm({ decision: 'extend', requestedBy: 'key-worker' }),
    )
    assert.equal(extend.status, 400)
    assert.match(await extend.text(), /href="#decision">[^<]*does not offer a further cycle/)
    const stepDown = await api('POST', `/cases/${caseId}/reviews`, reviewInput({ decision: 'step-down' }))
    assert.equal(stepDown.status, 400)
    const problem = await stepDown.json()
    assert.equal(problem.errors[0].name, 'decision')
    assert.match(problem.errors[0].reason, /has no step-down phase/)
  })
})

describe('refusals', () => {
  test('bad input comes back with every problem at once, keeping what was typed', async () => {
    const caseId = cases.derbyshire as string
    const [g1] = goals.derbyshire as [string]
    const response = await worker.post(
      `/cases/${caseId}/reviews/new`,
      reviewForm({
        'heldOn-day': '2',
        'heldOn-month': '4',
        decision: '',
        [`progress-${g1}-direction`]: 'better',
        [`progress-${g1}-evidence`]: '',
        [`scaling-${g1}-family`]: '11',
        [`scaling-${g1}-worker`]: 'six',
        familyView: 'Kept: "Lee" said <calmer>',
      }),
    )
    assert.equal(response.status, 400)
    const html = await response.text()
    assert.match(html, /<title>Error: Record a review – Hearth<\/title>/)
    assert.match(html, /href="#heldOn-day">The date cannot be in the future/)
    assert.match(html, new RegExp(`href="#progress-${g1}-evidence">Say what shows how this goal is going`))
    assert.match(
      html,
      new RegExp(`href="#scaling-${g1}-family">The family&#39;s score must be a whole number from 0 to 10`),
    )
    assert.match(
      html,
      new RegExp(`href="#scaling-${g1}-worker">The worker&#39;s score must be a whole number from 0 to 10`),
    )
    assert.match(html, /href="#decision">Choose what the review decided/)
    assert.match(html, /Kept: &quot;Lee&quot; said &lt;calmer&gt;/)

    const bad = await api('POST', `/cases/${caseId}/reviews`, {
      heldOn: '2026-03-30',
      attendees: { participants: ['family'] },
      decision: 'continue',
      scaling: [{ goalId: g1 }],
      progress: [{ goalId: randomUUID(), direction: 'better', evidence: 'x' }],
    })
    assert.equal(bad.status, 400)
    const names = (await bad.json()).errors.map((e: { name: string }) => e.name).sort()
    assert.equal(names.length, 2)
    assert.ok(names.some((n: string) => n.startsWith('progress.')))
    assert.ok(names.includes(`scaling.${g1}.family`))
  })

  test('a stale correction answers 409 and keeps the text; a good one saves', async () => {
    const caseId = cases.derbyshire as string
    const [g1] = goals.derbyshire as [string]
    const { id } = await app.services.reviews.record(
      team.worker,
      caseId,
      reviewInput({ heldOn: '2026-03-31', summary: 'First' }),
    )
    const edit = `/cases/${caseId}/reviews/${id}/edit`
    const editHtml = await (await worker.get(edit)).text()
    assert.match(editHtml, /<title>Correct a review – Hearth<\/title>/)
    assert.match(editHtml, /cannot be changed once a review is recorded/)
    await app.services.reviews.update(team.colleague, caseId, id, 1, {
      attendees: { participants: [...here] },
      summary: "The colleague's summary",
    })
    const stale = await worker.post(edit, { ...reviewForm({ summary: 'My fuller summary' }), version: '1' }, edit)
    assert.equal(stale.status, 409)
    const html = await stale.text()
    assert.match(html, /Someone corrected this review after you opened it/)
    assert.match(html, /The colleague&#39;s summary/)
    assert.match(html, /My fuller summary/)
    const conflict = await api('PATCH', `/cases/${caseId}/reviews/${id}`, {
      version: 1,
      attendees: { participants: [] },
    })
    assert.equal(conflict.status, 409)

    const saved = await worker.post(
      edit,
      {
        ...reviewForm({ summary: 'My fuller summary' }),
        [`progress-${g1}-direction`]: 'same',
        [`progress-${g1}-evidence`]: 'Still arguing at bedtime',
        version: '2',
      },
      edit,
    )
    assert.equal(saved.status, 303)
    const now2 = await app.services.reviews.get(team.worker, caseId, id)
    assert.equal(now2.summary, 'My fuller summary')
    assert.equal(now2.version, 3)
    assert.deepEqual(
      now2.progress.map((p) => [p.goalId, p.direction]),
      [[g1, 'same']],
    )
    assert.equal(now2.heldOn, '2026-03-31')

    const viaApi = await api('PATCH', `/cases/${caseId}/reviews/${id}`, {
      version: 3,
      attendees: { participants: ['family'], others: 'School nurse' },
      summary: 'Through the API',
    })
    assert.equal(viaApi.status, 200)
    assert.deepEqual(await viaApi.json(), { version: 4 })
    const got = await (await api('GET', `/cases/${caseId}/reviews/${id}`)).json()
    assert.equal(got.attendees.others, 'School nurse')
    assert.equal(got.summary, 'Through the API')
  })

  test('a closed case keeps its reviews to read, but takes no new ones or corrections', async () => {
    const caseId = cases.lewisham as string
    const { id } = await app.services.reviews.record(
      team.worker,
      caseId,
      reviewInput({ heldOn: '2026-03-02', decision: 'close' }),
    )
    const { row } = await app.services.cases.open(team.manager, caseId)
    await app.services.cases.move(team.manager, caseId, row.version, 'closed', now)

    const html = await (await worker.get(`/cases/${caseId}/reviews`)).text()
    assert.match(html, /The case is closed, so reviews can no longer be recorded or changed/)
    assert.doesNotMatch(html, /Record a review/)
    assert.match(html, new RegExp(`/reviews/${id}"`))
    const posted = await worker.post(`/cases/${caseId}/reviews/new`, reviewForm(), `/cases/${caseId}/reviews/${id}`)
    assert.equal(posted.status, 400)
    assert.match(await posted.text(), /The case is closed/)
    const viaApi = await api('POST', `/cases/${caseId}/reviews`, reviewInput())
    assert.equal(viaApi.status, 400)
    assert.match((await viaApi.json()).errors[0].reason, /The case is closed/)
    await assert.rejects(
      app.services.reviews.update(team.worker, caseId, id, 1, { attendees: { participants: [] } }),
      InvalidInputError,
    )
  })

  test('a decision to close saves the review and goes on to Closure', async () => {
    const caseId = cases.stayingWeek6 as string
    const saved = await worker.post(
      `/cases/${caseId}/reviews/new`,
      reviewForm({ 'heldOn-day': '13', 'heldOn-month': '3', scheduledId: 'none', decision: 'close' }),
    )
    assert.equal(saved.status, 303)
    assert.equal(saved.headers.get('location'), `/cases/${caseId}/closure`)
    const [latest] = (await app.services.reviews.list(team.worker, caseId)).reviews
    assert.equal(latest?.decision, 'close')
    assert.equal((await app.services.cases.open(team.manager, caseId)).stage, 'active')
  })

  test("another team's practitioner finds nothing", async () => {
    const caseId = cases.staying as string
    const [first] = (await app.services.reviews.list(team.worker, caseId)).reviews
    assert.ok(first)
    await assert.rejects(app.services.reviews.list(outsider, caseId), NotFoundError)
    await assert.rejects(app.services.reviews.get(outsider, caseId, first.id), NotFoundError)
    await assert.rejects(app.services.reviews.record(outsider, caseId, reviewInput()), NotFoundError)
    assert.equal((await worker.get(`/cases/${caseId}/reviews/${randomUUID()}`)).status, 404)
    assert.equal((await worker.get(`/cases/${cases.lewisham}/reviews/${first.id}`)).status, 404)
    const rows = await app.services.database.withTenant(authorityId, (tx) =>
      tx
        .select()
        .from(review)
        .where(and(eq(review.caseId, caseId), eq(review.id, first.id))),
    )
    assert.equal(rows.length, 1)
  })
})

describe('the API', () => {
  test('lists the schedule and reviews, and the OpenAPI document describes them', async () => {
    const response = await api('GET', `/cases/${cases.staying}/reviews`)
    assert.equal(response.status, 200)
    const body = await response.json()
    assert.equal(body.cycles.length, 2)
    assert.equal(body.cycles[0].reviews[1].id, 'review-week-6')
    assert.deepEqual(body.cycles[0].reviews[1].attendees, ['allocated-social-worker'])
    assert.equal(body.next.id, 'review-week-3')
    assert.equal(body.decisions['change-pathway'].ok, false)
    assert.equal(body.reviews.length, 4)
    assert.equal(body.preBirth.offered, false)

    const document = await (await fetch(`${app.baseUrl}/api/v1/openapi.json`)).json()
    assert.ok(document.paths['/cases/{caseId}/reviews']?.get)
    assert.ok(document.paths['/cases/{caseId}/reviews']?.post)
    assert.ok(document.paths['/cases/{caseId}/reviews/{reviewId}']?.patch)
    assert.ok(document.paths['/cases/{caseId}/pre-birth-outcome']?.post)
    assert.match(JSON.stringify(document.paths['/cases/{caseId}/reviews'].post), /confirmMissingAttendees/)
  })
})

describe('STARS: "Following the outcome of the pre- birth assessment"', () => {
  test('the outcome switches the pathway and starts the two years of support, once', async (t) => {
    // The unborn baby is due on 20 June 2027: the family is referred in the autumn before.
    now = new Date('2026-09-07T11:00:00Z')
    t.after(() => {
      now = april
    })
    await startedCase('stars', 'tameside-stars', new Date('2026-09-07T11:00:00Z'))
    now = new Date('2026-10-01T09:00:00Z')
    const caseId = cases.stars as string
    const web = new WebClient(app.baseUrl)
    assert.equal((await web.signIn(team.people.worker.email, team.people.worker.password)).status, 303)
    const list = await (await web.get(`/cases/${caseId}/reviews`)).text()
    assert.match(list, /Record the outcome of the pre-birth assessment/)
    assert.match(list, new RegExp(`href="/cases/${caseId}/pre-birth-outcome"`))
    const setting = await app.services.reviews.setting(team.worker, caseId)
    assert.match(
      setting.decisions['change-pathway'].ok ? '' : setting.decisions['change-pathway'].reason,
      /pre-birth assessment sets the pathway/,
    )

    const form = await web.get(`/cases/${caseId}/pre-birth-outcome`)
    assert.equal(form.status, 200)
    const formHtml = await form.text()
    assert.match(formHtml, /<title>Pre-birth assessment outcome – Hearth<\/title>/)
    assert.match(formHtml, /Child remains with the family/)
    assert.match(formHtml, /Child removed after the pre-birth assessment/)

    const bad = await web.post(`/cases/${caseId}/pre-birth-outcome`, {
      'decidedOn-day': '1',
      'decidedOn-month': '1',
      'decidedOn-year': '2026',
      note: 'Kept: the note',
    })
    assert.equal(bad.status, 400)
    const badHtml = await bad.text()
    assert.match(badHtml, /href="#decidedOn-day">The date must be on or after the day the family was accepted/)
    assert.match(badHtml, /href="#outcome">Choose the outcome of the pre-birth assessment/)
    assert.match(badHtml, /Kept: the note/)

    const saved = await web.post(`/cases/${caseId}/pre-birth-outcome`, {
      'decidedOn-day': '28',
      'decidedOn-month': '9',
      'decidedOn-year': '2026',
      outcome: 'child-remains',
    })
    assert.equal(saved.status, 303)
    const shell = await app.services.cases.open(team.manager, caseId)
    assert.equal(shell.row.pathway, 'child-remains')
    assert.equal(shell.phase?.phase.id, 'intensive-support')
    const end = shell.state.deadlines.find((d) => d.id === 'end-of-support')
    assert.equal(end?.dueDate, addDays('2026-09-28', 104 * 7 - 1))
    const [change] = await pathwayChanges(caseId)
    assert.equal(change?.cause, 'pre-birth-outcome')
    assert.equal(change?.toPathway, 'child-remains')
    assert.match(
      await (await web.get(`/cases/${caseId}/reviews`)).text(),
      /Child remains with the family, recorded for 28 September 2026/,
    )

    const again = await api('POST', `/cases/${caseId}/pre-birth-outcome`, {
      decidedOn: '2026-09-29',
      outcome: 'child-removed',
    })
    assert.equal(again.status, 400)
    assert.match((await again.json()).errors[0].reason, /was recorded on 28 September 2026/)
    assert.equal((await app.services.cases.open(team.manager, caseId)).row.pathway, 'child-remains')

    assert.equal((await web.get(`/cases/${cases.lewisham}/pre-birth-outcome`)).status, 404)
  })
})
