import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { addDays, type IsoDate, londonDate, londonMoment } from '../../src/domain/isoDate.ts'
import { callApi } from '../helpers/api.ts'
import { setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { caseworkTeam } from '../helpers/cases.ts'

/**
 * Issue 6, done when: "For each of the five services, an end-to-end test takes one family from
 * referral to closure and follow-up exactly as its seed describes". These are the journeys through
 * the JSON API, each played by the people who would do it, with their own personal API tokens: the
 * team manager (decisions, allocation, sign-offs), the key worker (the work with the family) and
 * the family's social worker (referrals, requests, reviews they attend). The app's clock is moved
 * on between steps, so every timescale is met (or not) as it would be in real use.
 */

let now = londonMoment('2026-01-05', 9, 0)
let app: TestApp
let authorityId: string
let team: Awaited<ReturnType<typeof caseworkTeam>>
const tokens: Record<Who, string> = { manager: '', worker: '', socialWorker: '' }

type Who = 'manager' | 'worker' | 'socialWorker'

before(async () => {
  app = await startTestApp({ clock: () => now })
  authorityId = (await setUpAuthority(app.services)).authorityId
  team = await caseworkTeam(app.services, authorityId)
  const cli = { actor: { type: 'cli' as const, authorityId } }
  for (const who of Object.keys(tokens) as Who[]) {
    tokens[who] = (await app.services.apiTokens.create(cli, team.people[who].id, `journeys ${who}`)).token
  }
})
after(() => app.close())

// ── The API's answers, as far as the journeys read them ─────────────────────────────────────

interface Deadline {
  id: string
  name: string
  kind: string
  dueAt: string
  status: string
  metAt: string | null
}
interface CaseBody {
  id: string
  stage: string
  pathway: string | null
  phase: { id: string; name: string; week: number; ofWeeks: number } | null
  children: { personId: string; givenName: string; role: 'child' | 'unborn' }[]
  deadlines: Deadline[]
  version: number
}
interface CasePerson {
  personId: string
  givenName: string
  familyName: string
  role: string
  relationship: string | null
  version: number
}
interface PlanBody {
  id: string
  kind: string
  name: string
  status: string
  signedOffAt: string | null
  version: number
  goals: { id: string; need: string; outcome: string; headlineOutcome: number | null }[]
  actions: {
    id: string
    goalId: string | null
    what: string
    supportId: string | null
    supportName: string | null
    status: string
    requestedBySocialWorker: boolean
  }[]
}
interface FollowUp {
  id: string
  months: number
  dueOn: IsoDate
  status: string
  doneOn: IsoDate | null
  children: { personId: string; livingAtHome: boolean | null }[]
  reReferred: boolean | null
  version: number
}
interface ClosureBody {
  closed: boolean
  closure: {
    status: string
    closedOn: IsoDate
    destination: { id: string; reportsAs: string }
    steps: { stepId: string; done: boolean; doneOn: IsoDate | null }[]
    recipients: { participant: string; sentOn: IsoDate | null }[]
    version: number
  } | null
  toDo: string[]
  followUps: FollowUp[]
}
interface Problem {
  status: number
  detail?: string
  errors?: { name: string; reason: string }[]
}

// ── Steps every journey takes ───────────────────────────────────────────────────────────────

/** Sets Hearth's clock to a time of day (UK time) on `day`. */
function at(day: IsoDate, time = '10:00') {
  const [hours, minutes] = time.split(':').map(Number)
  now = londonMoment(day, hours as number, minutes as number)
}

/** Moves Hearth's clock on by `minutes`: the next step happens a little later the same day. */
function later(minutes: number) {
  now = new Date(now.getTime() + minutes * 60_000)
}

/** `route` is "METHOD /path" under /api/v1. */
function send(who: Who, route: string, body?: unknown): Promise<Response> {
  const [method, path] = route.split(' ') as [string, string]
  return callApi(app.baseUrl, tokens[who], method, path, body)
}

/** Calls the API as `who` and expects it to succeed; answers the body. */
async function ok<T = Record<string, never>>(who: Who, route: string, body?: unknown): Promise<T> {
  const res = await send(who, route, body)
  const text = await res.text()
  assert.ok(res.ok, `${route} as the ${who} answered ${res.status}: ${text}`)
  return (text ? JSON.parse(text) : undefined) as T
}

/** Calls the API as `who` and expects a refusal with `status`, as problem+json. */
async function refused(who: Who, route: string, body: unknown, status: number): Promise<Problem> {
  const res = await send(who, route, body)
  const text = await res.text()
  assert.equal(res.status, status, `${route} as the ${who} should answer ${status}: ${text}`)
  assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/)
  return JSON.parse(text) as Problem
}

/** The problem named `name` in a 400's errors. */
function reason(problem: Problem, name: string): string {
  const found = problem.errors?.find((e) => e.name === name)
  assert.ok(found, `expected a problem with ${name}, got ${JSON.stringify(problem.errors ?? problem.detail)}`)
  return found.reason
}

/**
 * A referral sent now by `who`, for a synthetic family called Testfamily: each child as [given
 * name, date of birth] or an unborn baby's due date, each adult as [given name, relationship].
 * The parents agreed to it. Answers its id and reference.
 */
async function refer(
  who: Who,
  programmeId: string,
  family: {
    referrer: [name: string, organisation: string, role: string]
    children: ([givenName: string, dateOfBirth: IsoDate] | { expectedDueDate: IsoDate })[]
    adults: [givenName: string, relationship: string][]
    indicators?: string[]
    whatIsHappening: string
    facts: Record<string, unknown>
  },
) {
  const [name, organisation, role] = family.referrer
  return ok<{ id: string; reference: string }>(who, 'POST /referrals', {
    programmeId,
    referrer: { type: 'professional', name, organisation, role, email: 'referrer@example.org' },
    children: family.children.map((c) =>
      Array.isArray(c)
        ? { givenName: c[0], familyName: 'Testfamily', dateOfBirth: c[1] }
        : { givenName: 'Baby', familyName: 'Testfamily', unborn: true, expectedDueDate: c.expectedDueDate },
    ),
    adults: family.adults.map(([givenName, relationship]) => ({ givenName, familyName: 'Testfamily', relationship })),
    indicators: family.indicators ?? [],
    whatIsHappening: family.whatIsHappening,
    consent: {
      familyAgreed: true,
      sharingAgreed: true,
      givenBy: `${family.adults.map(([givenName]) => givenName).join(' and ')} Testfamily`,
    },
    facts: family.facts,
  })
}

/**
 * The team manager takes the referral in: checks each person against those already known (new
 * people, in these synthetic families), then accepts it, which opens the case.
 */
async function accept(referralId: string, decision: Record<string, unknown> = {}): Promise<string> {
  let referral = await ok<{ people: { id: string }[]; version: number }>('manager', `GET /referrals/${referralId}`)
  for (const person of referral.people) {
    await ok('manager', `POST /referrals/${referralId}/people/${person.id}/link`, { personId: 'new' })
  }
  referral = await ok('manager', `GET /referrals/${referralId}`)
  const { caseId } = await ok<{ caseId: string }>('manager', `POST /referrals/${referralId}/decision`, {
    version: referral.version,
    outcome: 'accept',
    rationale: 'Synthetic: the family meets the criteria and would like the help.',
    ...decision,
  })
  return caseId
}

const caseOf = (caseId: string, who: Who = 'worker') => ok<CaseBody>(who, `GET /cases/${caseId}`)
const peopleOf = async (caseId: string) =>
  (await ok<{ people: CasePerson[] }>('worker', `GET /cases/${caseId}/people`)).people

/** The manager allocates the key worker and, where there is one, the family's social worker. */
async function allocate(caseId: string, { socialWorker }: { socialWorker: boolean }) {
  const { version } = await caseOf(caseId, 'manager')
  await ok('manager', `POST /cases/${caseId}/allocation`, {
    keyWorkerId: team.people.worker.id,
    socialWorker: socialWorker ? { userId: team.people.socialWorker.id } : null,
    version,
  })
}

async function startSupport(caseId: string) {
  const { version } = await caseOf(caseId)
  const { stage } = await ok<{ stage: string }>('worker', `POST /cases/${caseId}/stage`, {
    event: 'support-started',
    at: now.toISOString(),
    version,
  })
  assert.equal(stage, 'active')
}

/**
 * A contact that took place now, with everyone on the case there and the children named in
 * `seen` seen (all of them unless said); a headline makes it significant, so it joins the chronology.
 */
async function contact(
  caseId: string,
  note: string,
  options: { type?: string; seen?: string[]; headline?: string; others?: string; people?: CasePerson[] } = {},
) {
  const people = options.people ?? (await peopleOf(caseId))
  const children = people.filter((p) => p.role === 'child').map((p) => p.personId)
  const seen = options.seen ?? children
  return ok<{ id: string }>('worker', `POST /cases/${caseId}/contacts`, {
    occurredAt: now.toISOString(),
    type: options.type ?? 'home-visit',
    outcome: 'completed',
    present: people.filter((p) => seen.includes(p.personId) || p.role !== 'child').map((p) => p.personId),
    ...(options.others ? { presentOthers: options.others } : {}),
    children: children.map((personId) => ({ personId, seen: seen.includes(personId) })),
    note,
    ...(options.headline ? { significant: true, headline: options.headline } : {}),
  })
}

/** A visit each week on the same weekday, from `first` until the day before `until`. */
async function weeklyVisits(caseId: string, first: IsoDate, until: IsoDate, note: string) {
  const people = await peopleOf(caseId)
  for (let day = first; day < until; day = addDays(day, 7)) {
    at(day, '11:00')
    await contact(caseId, note, { people })
  }
}

/**
 * A plan of `kind` written as a draft (started now, or the one already started), agreed with the
 * family today, then signed off by the manager (not the key worker). Answers the agreed edition.
 */
async function agreedPlan(
  caseId: string,
  kind: 'crisis' | 'family-action',
  content: Record<string, unknown>,
  agreedWith: string,
): Promise<PlanBody> {
  const editions = await ok<{ id: string; kind: string; status: string }[]>('worker', `GET /cases/${caseId}/plans`)
  const draft = editions.find((e) => e.kind === kind && e.status === 'draft')
  const planId = draft?.id ?? (await ok<{ id: string }>('worker', `POST /cases/${caseId}/plans`, { kind })).id
  let plan = await ok<PlanBody>('worker', `GET /cases/${caseId}/plans/${planId}`)
  let { version } = await ok<{ version: number }>('worker', `PUT /cases/${caseId}/plans/${planId}`, {
    ...content,
    version: plan.version,
  })
  ;({ version } = await ok<{ version: number }>('worker', `POST /cases/${caseId}/plans/${planId}/agree`, {
    version,
    agreedOn: londonDay(),
    agreedWith,
  }))
  await refused('worker', `POST /cases/${caseId}/plans/${planId}/sign-off`, { version }, 403)
  await ok('manager', `POST /cases/${caseId}/plans/${planId}/sign-off`, { version })
  plan = await ok<PlanBody>('worker', `GET /cases/${caseId}/plans/${planId}`)
  assert.equal(plan.status, 'agreed')
  assert.ok(plan.signedOffAt, 'the manager signed the plan off')
  return plan
}

/** A goal of the family's plan, each action as [what, the catalogue's support id]; the key worker does them. */
const goal = (need: string, outcome: string, headlineOutcome: number, ...actions: [string, string][]) => ({
  need,
  outcome,
  headlineOutcome,
  actions: actions.map(([what, supportId]) => ({ what, who: 'Key worker', supportId })),
})

const londonDay = (): IsoDate => londonDate(now)

/** A review held today, as the key worker records it. */
async function review(caseId: string, body: Record<string, unknown>) {
  return ok<{ id: string; decision: string }>('worker', `POST /cases/${caseId}/reviews`, {
    heldOn: londonDay(),
    attendees: { participants: ['family', 'key-worker'] },
    ...body,
  })
}

/**
 * The key worker proposes the closure today; the manager signs it off (the key worker cannot) an
 * hour later. Answers the follow-ups' due dates.
 */
async function closeCase(caseId: string, body: Record<string, unknown>): Promise<IsoDate[]> {
  const proposed = await ok<{ version: number }>('worker', `POST /cases/${caseId}/closure`, {
    closedOn: londonDay(),
    ...body,
  })
  const problem = await refused('worker', `POST /cases/${caseId}/closure/sign-off`, proposed, 403)
  assert.match(problem.detail ?? '', /role/)
  later(60)
  const { followUps } = await ok<{ followUps: IsoDate[] }>('manager', `POST /cases/${caseId}/closure/sign-off`, {
    version: proposed.version,
  })
  assert.equal(followUps.length, 3)
  return followUps
}

/**
 * The follow-up checks at 3, 6 and 12 months, each recorded by the key worker on the day it is
 * due: it shows in their My work until then, and the children are still at home each time.
 */
async function followUpsRecorded(caseId: string, note: string) {
  const list = await ok<FollowUp[]>('worker', `GET /cases/${caseId}/follow-ups`)
  assert.deepEqual(
    list.map((f) => f.months),
    [3, 6, 12],
  )
  const { children } = await caseOf(caseId)
  for (const check of list) {
    at(check.dueOn, '09:30')
    const work = await ok<{ items: { caseId: string; deadline: Deadline }[] }>('worker', 'GET /work')
    const due = work.items.find((i) => i.caseId === caseId && i.deadline.id === `follow-up-${check.months}`)
    assert.equal(due?.deadline.status, 'due-soon', `the ${check.months}-month follow-up is in My work`)
    await ok('worker', `POST /cases/${caseId}/follow-ups/${check.id}`, {
      version: check.version,
      doneOn: check.dueOn,
      children: children.map((c) => ({ personId: c.personId, livingAtHome: true })),
      reReferred: false,
      note: `${note} (${check.months} months).`,
    })
  }
  const done = await ok<FollowUp[]>('worker', `GET /cases/${caseId}/follow-ups`)
  for (const check of done) {
    assert.equal(check.status, 'met-on-time', `${check.months}-month follow-up`)
    assert.equal(check.reReferred, false)
    assert.ok(check.children.length > 0 && check.children.every((c) => c.livingAtHome === true))
  }
  const work = await ok<{ items: { caseId: string }[] }>('worker', 'GET /work')
  assert.ok(!work.items.some((i) => i.caseId === caseId), 'nothing is left in My work for the family')
}

/**
 * The chronology tells the family's story in order: the referral and its acceptance, `middle`,
 * the closure proposed and signed off, `afterClosure`, then the three follow-ups.
 */
async function tellsTheStory(
  caseId: string,
  reference: string,
  middle: (Headline | Headline[])[],
  afterClosure: Headline[] = [],
) {
  tellsInOrder(await story(caseId), [
    `Referral ${reference} received`,
    /^Accepted by /,
    ...middle,
    'Closure proposed',
    'Case closed',
    ...afterClosure,
    '3-month follow-up after closure',
    '6-month follow-up after closure',
    '12-month follow-up after closure',
  ])
}

/** The chronology's headlines, oldest first, every page. */
async function story(caseId: string): Promise<string[]> {
  const headlines: string[] = []
  for (let page = 1; ; page++) {
    const body = await ok<{ entries: { headline: string }[]; pages: number }>(
      'worker',
      `GET /cases/${caseId}/chronology?order=oldest&page=${page}`,
    )
    headlines.push(...body.entries.map((e) => e.headline))
    if (page >= body.pages) return headlines
  }
}

type Headline = string | RegExp

/**
 * Each of `expected` is in `headlines`, in this order (other entries may come between). A group
 * is entries written together on one day, a decision and what it started, in either order.
 */
function tellsInOrder(headlines: string[], expected: (Headline | Headline[])[]) {
  let from = 0
  const matches = (h: string, want: Headline) => (typeof want === 'string' ? h === want : want.test(h))
  for (const step of expected) {
    const group = Array.isArray(step) ? step : [step]
    const taken = new Set<number>()
    for (const want of group) {
      const index = headlines.findIndex((h, i) => i >= from && !taken.has(i) && matches(h, want))
      assert.ok(
        index >= 0,
        `the chronology should say "${want}" after "${headlines[from - 1]}":\n${headlines.join('\n')}`,
      )
      taken.add(index)
    }
    from = Math.max(...taken) + 1
  }
}

/**
 * What a manager sees at the end: the case closed (nothing more can be recorded on it), every
 * deadline it kept met on time (those named among them), and the outcomes report giving the
 * destination and every child at home at closure and at each follow-up.
 */
async function closedAndKept(caseId: string, destination: string, metOnTime: string[]) {
  const closed = await caseOf(caseId, 'manager')
  assert.equal(closed.stage, 'closed')
  assert.equal(closed.phase, null)
  const late = await refused(
    'worker',
    `POST /cases/${caseId}/contacts`,
    { occurredAt: now.toISOString(), type: 'phone', outcome: 'completed', note: 'Synthetic: a call after closure.' },
    400,
  )
  assert.match(reason(late, 'form'), /The case is closed/)
  for (const id of metOnTime) {
    assert.ok(
      closed.deadlines.some((d) => d.id === id),
      `${id} is among the deadlines: ${closed.deadlines.map((d) => d.id)}`,
    )
  }
  for (const d of closed.deadlines) assert.equal(d.status, 'met-on-time', `${d.name} (${d.id})`)
  const closure = await ok<ClosureBody>('manager', `GET /cases/${caseId}/closure`)
  assert.equal(closure.closed, true)
  assert.equal(closure.closure?.status, 'signed-off')
  assert.equal(closure.closure?.destination.id, destination)
  const outcomes = await app.services.closures.outcomes(team.manager, caseId)
  assert.equal(outcomes?.destination.id, destination)
  assert.equal(outcomes?.reReferred, false)
  assert.equal(outcomes?.stillAtHomeAfterSixMonths, true)
  assert.equal(outcomes?.everyNeedPositive, true)
  assert.ok(outcomes?.children.length)
  for (const child of outcomes?.children ?? []) {
    assert.equal(child.atClosure, true)
    assert.deepEqual(Object.values(child.after), [true, true, true])
  }
  return { closed, closure, outcomes }
}

/** An Early Help Assessment, started, written whole and completed by the key worker today. */
async function completedAssessment(caseId: string, children: { personId: string }[], headlineNeeds: number[]) {
  const { id } = await ok<{ id: string }>('worker', `POST /cases/${caseId}/assessments`)
  const drafts = await ok<{ id: string; version: number }[]>('worker', `GET /cases/${caseId}/assessments`)
  const { version } = await ok<{ version: number }>('worker', `PATCH /cases/${caseId}/assessments/${id}`, {
    version: drafts.find((a) => a.id === id)?.version,
    familyStory: 'Synthetic: the family’s story, in their words.',
    children: children.map(({ personId }) => ({ personId, story: 'Synthetic: their story.', voice: 'Synthetic.' })),
    parentsVoice: 'Synthetic: what the parents say.',
    domains: {
      'child-development': { strengths: 'Synthetic strengths.', worries: 'Synthetic worries.' },
      'parenting-capacity': { strengths: 'Synthetic strengths.', worries: 'Synthetic worries.' },
      'family-environment': { strengths: 'Synthetic strengths.', worries: 'Synthetic worries.' },
    },
    workingWell: 'Synthetic: what is working well.',
    worries: 'Synthetic: what we are worried about.',
    needsToHappen: 'Synthetic: what needs to happen.',
    headlineNeeds,
  })
  await ok('worker', `POST /cases/${caseId}/assessments/${id}/complete`, { version })
}

/** A measure read today for each person given (or the family), as the key worker records it. */
async function measured(
  caseId: string,
  measureId: string,
  occasion: string,
  readings: { personId?: string; value: Record<string, unknown> }[],
  reviewId?: string,
) {
  await ok('worker', `POST /cases/${caseId}/measures`, {
    measureId,
    occasion,
    recordedOn: londonDay(),
    ...(reviewId ? { reviewId } : {}),
    readings,
  })
}

interface Measure {
  id: string
  readings: { person: { id: string } | null; occasion: string; text: string; flags: string[] }[]
}
const readingsOf = async (caseId: string, measureId: string) =>
  (await ok<{ measures: Measure[] }>('worker', `GET /cases/${caseId}/progress`)).measures.find(
    (m) => m.id === measureId,
  )?.readings ?? []

const deadline = (c: CaseBody, id: string) => c.deadlines.find((d) => d.id === id)

// ── The five journeys ───────────────────────────────────────────────────────────────────────

describe('Each service, one family, from the referral to the last follow-up, through the API', () => {
  test('derby-staying-together, Staying Together Team (Derby): "a home visit with the lead worker within 48hrs" and "a crisis intervention plan and a tailored package of support within 5 days", 12 weeks "extended if needed", "A gradual reduction in support", then "step down to universal services"', async () => {
    // Monday 2 February 2026. The locality social worker (the lead professional) sends the single
    // assessment as the referral: "The completed assessment/ plans will be used as the main form of referral".
    at('2026-02-02', '09:00')
    const { id: referralId, reference } = await refer('socialWorker', 'derby-staying-together', {
      referrer: ['Lee Leadworker', 'Derby City locality 2', 'Social worker'],
      children: [['Casey', '2012-03-02']],
      adults: [['Dana', 'Mother']],
      indicators: ['family-breakdown', 'missing-episodes', 'parental-conflict'],
      whatIsHappening:
        'Synthetic: Casey has been missing three nights this month; Dana has asked for Casey to be accommodated.',
      facts: { safeguardingLevel: 3, socialWorkerAllocated: true },
    })
    const screened = await ok<{ screeningResult: string; status: string }>('manager', `GET /referrals/${referralId}`)
    assert.equal(screened.screeningResult, 'eligible', 'level 3, aged 13, escalating behaviours: the criteria are met')

    // "Access to the Staying Together Team will be in the first instance a case discussion with the
    // Staying Together Team Manager / DHOS and the allocated Team Manager".
    at('2026-02-02', '14:00')
    const referral = await ok<{ people: { id: string }[] }>('manager', `GET /referrals/${referralId}`)
    for (const person of referral.people) {
      await ok('manager', `POST /referrals/${referralId}/people/${person.id}/link`, { personId: 'new' })
    }
    await ok('manager', `POST /referrals/${referralId}/case-discussion`, {
      heldOn: '2026-02-02',
      attendees: ['Staying Together Team Manager', 'Allocated Team Manager, locality 2'],
      presentingIssues: 'Synthetic: missing episodes and a parent asking for care.',
      criteriaDiscussion: 'Aged 13, level 3, at risk of family breakdown: the criteria are met.',
      risks: 'Synthetic: Casey missing overnight.',
      decision: 'Staying Together work to be offered.',
    })
    const discussed = await ok<{ status: string }>('manager', `GET /referrals/${referralId}`)
    assert.equal(discussed.status, 'awaiting-decision')

    at('2026-02-02', '15:00')
    const caseId = await accept(referralId)
    at('2026-02-02', '15:30')
    await allocate(caseId, { socialWorker: true })
    let shown = await caseOf(caseId)
    assert.equal(shown.stage, 'accepted')
    assert.equal(deadline(shown, 'home-visit')?.status, 'not-yet-due')
    assert.equal(deadline(shown, 'home-visit')?.dueAt, new Date('2026-02-04T15:00:00Z').toISOString())
    const casey = shown.children[0]?.personId as string

    // Wednesday 4 February, 10:00, 43 hours after acceptance: the home visit with the lead worker.
    at('2026-02-04', '10:00')
    await contact(caseId, 'Synthetic: met Casey and Dana at home with the lead worker.', {
      others: 'Lee Leadworker, lead professional',
      headline: 'Home visit with the lead worker',
    })
    later(60)
    await startSupport(caseId)
    shown = await caseOf(caseId)
    assert.equal(deadline(shown, 'home-visit')?.status, 'met-on-time')
    assert.equal(deadline(shown, 'crisis-plan')?.dueAt, new Date('2026-02-11T23:59:59.999Z').toISOString())
    assert.deepEqual(shown.phase && [shown.phase.id, shown.phase.ofWeeks], ['intensive', 12])

    // Monday 9 February, 3 working days after the visit: the crisis intervention plan, then the
    // family's plan, which Derby calls the "Tailored package of support".
    at('2026-02-09', '14:00')
    const crisisPlan = await agreedPlan(
      caseId,
      'crisis',
      {
        risks: 'Synthetic: Casey goes missing after arguments in the evening.',
        contactArrangements: 'Dana and Casey can ring the team at any time, day or night.',
        actions: [
          { what: 'Dana rings the team before an argument boils over', who: 'Dana', supportId: 'contact-at-any-time' },
          { what: 'Casey texts Dana where they are by 9pm', who: 'Casey', supportId: 'crisis-intervention-plan' },
        ],
      },
      'Dana and Casey Testfamily, and the lead professional',
    )
    // "The family can contact the team at any time": the family's copy says how.
    const copy = await ok<{ agreed: boolean; contactArrangements: string; safetyActions: { what: string }[] }>(
      'worker',
      `GET /cases/${caseId}/plans/${crisisPlan.id}/family-copy`,
    )
    assert.equal(copy.agreed, true)
    assert.equal(copy.contactArrangements, 'Dana and Casey can ring the team at any time, day or night.')
    assert.equal(copy.safetyActions.length, 2)
    later(60)
    const familyPlan = await agreedPlan(
      caseId,
      'family-action',
      {
        summary: 'Casey stays at home, and evenings are calmer.',
        goals: [
          goal('Arguments at home', 'Calmer evenings', 5, ['Family sessions each week', 'tailored-support-package']),
          goal('Missing episodes', 'Casey home every night', 6, [
            'Safety planning with Casey',
            'tailored-support-package',
          ]),
        ],
      },
      'Dana and Casey Testfamily',
    )
    assert.equal(familyPlan.name, 'Tailored package of support')
    const goals = familyPlan.goals.map((g) => g.id)
    later(30)
    await ok('worker', `POST /cases/${caseId}/scaling-scores`, {
      askedOn: '2026-02-09',
      occasion: 'start',
      scores: goals.map((goalId) => ({ goalId, familyScore: 2, workerScore: 3 })),
    })
    shown = await caseOf(caseId)
    assert.equal(deadline(shown, 'crisis-plan')?.status, 'met-on-time')

    // Intensive support: a visit every week, seeing Casey.
    await weeklyVisits(caseId, '2026-02-11', '2026-04-21', 'Synthetic: weekly family session')

    // Tuesday 21 April, week 12: the review with the lead professional. "this will be extended if
    // needed ... agreed at relevant meetings with both the lead professional and the team".
    at('2026-04-21', '15:00')
    shown = await caseOf(caseId)
    assert.equal(shown.phase?.week, 11)
    const week12 = {
      heldOn: '2026-04-21',
      scheduledId: 'review-week-12',
      attendees: { participants: ['family', 'key-worker', 'lead-professional'] },
      scaling: goals.map((goalId) => ({ goalId, family: 5, worker: 5 })),
      familyView: 'Dana: better, but we are not there yet.',
      summary: 'Evenings calmer; one missing night since February.',
      decision: 'extend',
    }
    const byFamily = await refused('worker', `POST /cases/${caseId}/reviews`, { ...week12, requestedBy: 'family' }, 400)
    assert.match(reason(byFamily, 'requestedBy'), /lead professional and key worker/)
    await review(caseId, { ...week12, requestedBy: 'lead-professional' })
    shown = await caseOf(caseId)
    assert.equal(shown.phase?.id, 'extended')
    assert.equal(deadline(shown, 'first-period')?.status, 'met-on-time')

    // The extension: weekly still, then a review with the lead professional starts the gradual
    // reduction, planned contact falling from weekly to fortnightly to monthly.
    await weeklyVisits(caseId, '2026-04-28', '2026-05-26', 'Synthetic: weekly session in the extension')
    at('2026-05-26', '15:00')
    const steps = [
      { from: '2026-05-26', frequency: 'weekly' },
      { from: '2026-06-09', frequency: 'fortnightly' },
      { from: '2026-06-23', frequency: 'monthly' },
    ]
    await review(caseId, {
      attendees: { participants: ['family', 'key-worker', 'lead-professional'] },
      scaling: goals.map((goalId) => ({ goalId, family: 7, worker: 7 })),
      summary: 'Casey home every night for six weeks: time to reduce support gradually.',
      decision: 'step-down',
      frequencies: steps,
    })
    shown = await caseOf(caseId)
    assert.equal(shown.stage, 'step-down')
    assert.equal(shown.phase?.id, 'gradual-reduction')
    // The lead professional sees what the reviews decided: the extension they asked for, then contact falling.
    const held = await ok<{ reviews: { decision: string; decisionDetails: Record<string, unknown> }[] }>(
      'socialWorker',
      `GET /cases/${caseId}/reviews`,
    )
    assert.deepEqual(
      held.reviews.map((r) => [r.decision, r.decisionDetails]),
      [
        ['step-down', { frequencies: steps }],
        ['extend', { requestedBy: 'lead-professional' }],
      ],
    )
    for (const day of ['2026-06-02', '2026-06-09', '2026-06-23'] as IsoDate[]) {
      at(day, '11:00')
      await contact(caseId, 'Synthetic: reduced contact, the family using what they have learned.')
    }

    // Tuesday 7 July: "This ideally should take place at review meetings and after a case
    // discussion with the lead worker"; the risk of care has subsided, and the family steps down
    // "to universal services".
    at('2026-07-07', '15:00')
    const closing = await review(caseId, {
      attendees: { participants: ['family', 'key-worker', 'lead-professional', 'team-manager'] },
      scaling: goals.map((goalId) => ({ goalId, family: 8, worker: 8 })),
      summary: 'The risk of care has subsided.',
      decision: 'close',
    })
    assert.equal(closing.decision, 'close')
    later(30)
    const followUps = await closeCase(caseId, {
      reason: 'The risk of Casey entering care has subsided.',
      destinationId: 'step-down-universal',
      outcomes: [
        { headline: 5, result: 'improved', evidence: 'No police call-outs since March.' },
        { headline: 6, result: 'improved', evidence: 'Casey home every night since April.' },
      ],
      children: [{ personId: casey, livingAtHome: true }],
      steps: [
        { stepId: 'gradual-reduction', done: true, doneOn: '2026-07-07' },
        { stepId: 'closure-review', done: true, doneOn: '2026-07-07' },
      ],
    })
    assert.deepEqual(followUps, ['2026-10-07', '2027-01-07', '2027-07-07'])
    await followUpsRecorded(caseId, 'Synthetic: Casey still at home')
    // A correction on a copy read before the 3-month check was recorded is refused, not lost.
    const [first] = await ok<FollowUp[]>('worker', `GET /cases/${caseId}/follow-ups`)
    const stale = {
      version: (first?.version ?? 0) - 1,
      doneOn: first?.dueOn,
      children: [{ personId: casey, livingAtHome: true }],
      reReferred: false,
    }
    await refused('worker', `POST /cases/${caseId}/follow-ups/${first?.id}`, stale, 409)

    await closedAndKept(caseId, 'step-down-universal', ['home-visit', 'crisis-plan', 'first-period', 'review-week-12'])
    const progress = await ok<{ goals: { family: { change: number | null } }[] }>(
      'worker',
      `GET /cases/${caseId}/progress`,
    )
    assert.deepEqual(
      progress.goals.map((g) => g.family.change),
      [6, 6],
    )
    await tellsTheStory(caseId, reference, [
      /^Key worker allocated/,
      'Home visit with the lead worker',
      'Support started',
      'Crisis intervention plan agreed',
      'Tailored package of support agreed',
      'Scaling scores recorded at the start',
      ['Week 12 review held', 'A further cycle of support started'],
      ['Review held', 'Step-down started'],
      'Review held',
    ])
  })

  test('derbyshire-stronger-families, Stronger Families Team (Derbyshire): "Risk of care identified" then "Reunification which enables the return of children to the family", with "case consultations and case formulations", for "between three to six months"', async () => {
    // Monday 9 February 2026: the allocated worker asks for the team's involvement.
    at('2026-02-09', '09:00')
    const { id: referralId, reference } = await refer('manager', 'derbyshire-stronger-families', {
      referrer: ['Ash Allocated', 'Derbyshire Children’s Services, locality team', 'Allocated worker'],
      children: [
        ['Morgan', '2014-09-09'],
        ['Sky', '2019-04-01'],
      ],
      adults: [['Lee', 'Father']],
      indicators: ['family-breakdown', 'parental-resilience'],
      whatIsHappening: 'Synthetic: Lee is struggling to cope alone and has asked whether Morgan could go into care.',
      facts: { safeguardingLevel: 3, socialWorkerAllocated: true },
    })
    // Derbyshire asks for no case discussion before a decision; the pathway is chosen on accepting.
    const programme = await ok<{ definition: { referral: { caseDiscussion?: unknown } } }>(
      'manager',
      'GET /programmes/derbyshire-stronger-families',
    )
    assert.equal(programme.definition.referral.caseDiscussion, undefined)
    at('2026-02-09', '14:00')
    const { version } = await ok<{ version: number }>('manager', `GET /referrals/${referralId}`)
    const noPathway = await refused(
      'manager',
      `POST /referrals/${referralId}/decision`,
      { version, outcome: 'accept' },
      400,
    )
    assert.equal(reason(noPathway, 'pathway'), 'Choose the pathway')
    const caseId = await accept(referralId, { pathway: 'risk-of-care' })
    later(30)
    await allocate(caseId, { socialWorker: true })
    const [morgan, sky] = (await caseOf(caseId)).children.map((c) => c.personId) as [string, string]

    // Wednesday 11 February: the first visit; support starts on the risk of care pathway.
    at('2026-02-11', '10:00')
    await contact(caseId, 'Synthetic: met Lee, Morgan and Sky at home.', { headline: 'First home visit' })
    later(60)
    await startSupport(caseId)
    let shown = await caseOf(caseId)
    assert.equal(shown.pathway, 'risk-of-care')
    assert.equal(shown.phase?.id, 'intensive')
    // "working with wider family members and other supporters to pull in the resources that are
    // already available to the family".
    later(30)
    await ok('worker', `POST /cases/${caseId}/people`, {
      role: 'wider-family',
      givenName: 'Nan',
      familyName: 'Testfamily',
      relationship: 'Paternal grandmother',
    })

    // "As well as direct involvement we invest in indirect involvement through case consultations
    // and case formulations."
    at('2026-02-18', '14:00')
    await ok('worker', `POST /cases/${caseId}/consultations`, {
      heldOn: '2026-02-18',
      attendees: 'Key worker, team manager, systemic practitioner',
      dilemma: 'Synthetic: how to support Lee without taking over.',
      hypotheses: 'Synthetic: Lee fears being judged as he was as a child.',
      ideas: 'Synthetic: bring Nan into the work.',
      actions: 'Synthetic: family network meeting.',
      nextOn: '2026-03-18',
    })
    at('2026-02-25', '14:00')
    await ok('worker', `POST /cases/${caseId}/formulations`, {
      writtenOn: '2026-02-25',
      presenting: 'Synthetic: arguments and Lee asking for care.',
      predisposing: 'Synthetic: Lee’s own time in care.',
      precipitating: 'Synthetic: losing his job.',
      perpetuating: 'Synthetic: isolation from the family network.',
      protective: 'Synthetic: Nan, and Lee’s love for the children.',
    })
    at('2026-03-04', '14:00')
    await completedAssessment(caseId, [{ personId: morgan }, { personId: sky }], [5, 6])
    at('2026-03-09', '14:00')
    const plan = await agreedPlan(
      caseId,
      'family-action',
      {
        summary: 'Morgan and Sky stay safely at home, with Nan’s help.',
        goals: [
          goal('Arguments between Lee and Morgan', 'Calmer evenings at home', 5, [
            'Weekly sessions with Lee and Morgan',
            'direct-work',
          ]),
          goal('Lee on his own with no help', 'Nan and friends help every week', 6, [
            'Family network meeting',
            'family-network',
          ]),
        ],
      },
      'Lee Testfamily, with Nan',
    )
    later(30)
    await measured(caseId, 'child-at-home', 'start', [
      { personId: morgan, value: { atHome: true } },
      { personId: sky, value: { atHome: true } },
    ])
    await weeklyVisits(caseId, '2026-03-11', '2026-04-01', 'Synthetic: weekly session')

    // Wednesday 1 April: a crisis; Morgan is placed with foster carers in an emergency. A week later
    // the review changes the pathway: "Reunification which enables the return of children to the
    // family or wider networks when this is considered safe to do so and part of their care plan."
    at('2026-04-01', '18:00')
    await contact(caseId, 'Synthetic: Morgan placed with foster carers after a crisis; saw Sky at home.', {
      type: 'out-of-hours',
      seen: [sky],
      headline: 'Morgan placed with foster carers in an emergency',
    })
    at('2026-04-08', '15:00')
    const change = {
      decision: 'change-pathway',
      pathwayReason: 'Morgan’s return home is part of the care plan and is considered safe with support.',
      scaling: plan.goals.map((g) => ({ goalId: g.id, family: 3, worker: 2 })),
    }
    const samePathway = await refused(
      'worker',
      `POST /cases/${caseId}/reviews`,
      { ...change, heldOn: '2026-04-08', attendees: { participants: ['family'] }, pathway: 'risk-of-care' },
      400,
    )
    assert.match(reason(samePathway, 'pathway'), /different pathway/)
    const changed = await review(caseId, { ...change, pathway: 'reunification' })
    later(30)
    await measured(caseId, 'child-at-home', 'review', [{ personId: morgan, value: { atHome: false } }], changed.id)
    shown = await caseOf(caseId)
    assert.equal(shown.pathway, 'reunification')
    assert.equal(shown.phase?.id, 'intensive')

    at('2026-04-15', '14:00')
    await ok('worker', `POST /cases/${caseId}/consultations`, {
      heldOn: '2026-04-15',
      attendees: 'Key worker, team manager, Morgan’s social worker',
      dilemma: 'Synthetic: how to plan Morgan’s return home at Morgan’s pace.',
      actions: 'Synthetic: overnight stays at home, then a return date.',
    })
    await weeklyVisits(caseId, '2026-04-22', '2026-05-06', 'Synthetic: session with Lee; Morgan at home for the day')
    at('2026-05-06', '17:00')
    await contact(caseId, 'Synthetic: Morgan moved home today.', { headline: 'Morgan returned home' })
    await weeklyVisits(caseId, '2026-05-13', '2026-07-01', 'Synthetic: weekly session with the family')

    // Wednesday 1 July, after four and a half months: the last review, then closure.
    at('2026-07-01', '15:00')
    const last = await review(caseId, {
      scaling: plan.goals.map((g) => ({ goalId: g.id, family: 8, worker: 7 })),
      summary: 'Morgan settled back at home; Nan visits twice a week.',
      decision: 'close',
    })
    later(30)
    await measured(
      caseId,
      'child-at-home',
      'closure',
      [morgan, sky].map((personId) => ({ personId, value: { atHome: true } })),
    )
    assert.ok(last.id)
    later(30)
    await closeCase(caseId, {
      reason: 'Morgan is home and the family has the support of its network.',
      destinationId: 'returned-home',
      outcomes: [
        { headline: 5, result: 'improved', evidence: 'Calmer evenings; no police call-outs since May.' },
        { headline: 6, result: 'improved', evidence: 'Morgan home since 6 May, with Nan’s help.' },
      ],
      children: [morgan, sky].map((personId) => ({ personId, livingAtHome: true })),
      steps: [{ stepId: 'sustainable-change', done: true, doneOn: '2026-07-01' }],
    })
    await followUpsRecorded(caseId, 'Synthetic: Morgan and Sky still at home')

    const { closed } = await closedAndKept(caseId, 'returned-home', ['six-months'])
    assert.equal(closed.pathway, 'reunification')
    assert.deepEqual(
      (await readingsOf(caseId, 'child-at-home')).filter((r) => r.person?.id === morgan).map((r) => r.text),
      ['Living at home', 'Not living at home', 'Living at home'],
    )
    await tellsTheStory(caseId, reference, [
      'First home visit',
      'Support started',
      'Case consultation held',
      'Case formulation written',
      'Early Help Assessment completed',
      'Family Action Plan agreed',
      'Morgan placed with foster carers in an emergency',
      ['Review held', 'Pathway changed to reunification'],
      'Case consultation held',
      'Morgan returned home',
      'Review held',
    ])
  })

  test('lewisham-safer-stronger, Safer Stronger Families (Lewisham): "a 22 week period (12 week programme and 10 week step down period)", a Family Action Plan using "Triple P, Solution Focused Brief Therapy", the national outcomes, then "a Team around the Family closure meeting and finally a family celebration"', async () => {
    // Monday 12 January 2026: Robin's school refers the family for early help.
    at('2026-01-12', '09:00')
    const { id: referralId, reference } = await refer('manager', 'lewisham-safer-stronger', {
      referrer: ['Pat Pastoral', 'Lewisham primary school (synthetic)', 'Designated safeguarding lead'],
      children: [['Robin', '2016-12-01']],
      adults: [['Ade', 'Mother']],
      indicators: ['parental-conflict'],
      whatIsHappening: 'Synthetic: Robin misses school most Mondays; the police were called to a row at home.',
      facts: { safeguardingLevel: 2 },
    })
    at('2026-01-12', '14:00')
    const caseId = await accept(referralId)
    later(30)
    await allocate(caseId, { socialWorker: false })
    const robin = (await caseOf(caseId)).children[0]?.personId as string
    const ade = (await peopleOf(caseId)).find((p) => p.givenName === 'Ade')?.personId as string

    // Wednesday 14 January: the dedicated key worker's first visit; the 12-week programme starts.
    at('2026-01-14', '10:00')
    await contact(caseId, 'Synthetic: met Ade and Robin at home.', { headline: 'First home visit' })
    later(60)
    await startSupport(caseId)

    // The assessment names the Supporting Families headline needs: education, crime, money and work.
    at('2026-01-21', '14:00')
    await completedAssessment(caseId, [{ personId: robin }], [1, 7, 10])
    at('2026-01-28', '14:00')
    const plan = await agreedPlan(
      caseId,
      'family-action',
      {
        summary: 'Robin at school every day, a calmer home, and Ade back in work.',
        goals: [
          goal(
            'Robin misses school',
            'Robin at school every day',
            1,
            ['Positive parenting sessions on morning routines', 'triple-p'],
            ['Solution-focused sessions with Robin', 'sfbt'],
          ),
          goal('Rows at home that bring the police', 'No more police call-outs', 7, [
            'Solution-focused work on settling rows',
            'sfbt',
          ]),
          goal('Ade out of work', 'Ade in work', 10, ['Help with a CV and the job centre', 'practical-support']),
        ],
      },
      'Ade and Robin Testfamily',
    )
    assert.deepEqual(
      plan.actions.map((a) => a.supportName),
      [
        'Triple P (Positive Parenting Program)',
        'Solution Focused Brief Therapy',
        'Solution Focused Brief Therapy',
        "Practical support in the family's own home",
      ],
    )
    // The national outcomes, measured at the start.
    later(30)
    await measured(caseId, 'school-attendance', 'start', [
      { personId: robin, value: { from: '2025-09-03', to: '2026-01-23', possible: 150, attended: 120 } },
    ])
    await measured(caseId, 'worklessness', 'start', [{ personId: ade, value: { status: 'looking-for-work' } }])
    await measured(caseId, 'offending', 'start', [{ value: { count: 2 } }])
    await measured(caseId, 'children-in-need', 'start', [{ personId: robin, value: { status: 'early-help' } }])
    await ok('worker', `POST /cases/${caseId}/scaling-scores`, {
      askedOn: '2026-01-28',
      occasion: 'start',
      scores: plan.goals.map((g) => ({ goalId: g.id, familyScore: 3, workerScore: 2 })),
    })
    await weeklyVisits(caseId, '2026-02-04', '2026-04-02', 'Synthetic: assertive outreach visit')

    // Thursday 2 April, week 12 (it ends on Tuesday 7 April): "Our 12 week programme was followed by a
    // 10 week step down period".
    at('2026-04-02', '15:00')
    await review(caseId, {
      scheduledId: 'review-week-12',
      scaling: plan.goals.map((g) => ({ goalId: g.id, family: 6, worker: 6 })),
      summary: 'Robin in school most days; no police call-outs since February.',
      decision: 'step-down',
      frequencies: [
        { from: '2026-04-02', frequency: 'weekly' },
        { from: '2026-05-07', frequency: 'fortnightly' },
      ],
    })
    let shown = await caseOf(caseId)
    assert.equal(shown.stage, 'step-down')
    assert.deepEqual(shown.phase && [shown.phase.id, shown.phase.ofWeeks], ['step-down', 10])
    assert.equal(deadline(shown, 'end-of-programme')?.status, 'met-on-time')
    assert.equal(deadline(shown, 'end-of-step-down')?.dueAt, new Date('2026-06-10T22:59:59.999Z').toISOString())
    for (const day of [
      '2026-04-08',
      '2026-04-15',
      '2026-04-22',
      '2026-04-29',
      '2026-05-06',
      '2026-05-20',
    ] as IsoDate[]) {
      at(day, '11:00')
      await contact(caseId, 'Synthetic: step-down visit, focused on the Family Action Plan.')
    }

    // Wednesday 3 June: the national outcomes again, at closure.
    at('2026-06-03', '11:00')
    await contact(caseId, 'Synthetic: last step-down visit.')
    later(60)
    await measured(caseId, 'school-attendance', 'closure', [
      { personId: robin, value: { from: '2026-01-26', to: '2026-05-22', possible: 160, attended: 154 } },
    ])
    await measured(caseId, 'worklessness', 'closure', [{ personId: ade, value: { status: 'in-work' } }])
    await measured(caseId, 'offending', 'closure', [{ value: { count: 0 } }])
    await measured(caseId, 'children-in-need', 'closure', [{ personId: robin, value: { status: 'none' } }])

    // "convening a Team around the Family closure meeting and finally a family celebration to mark
    // their success": the meeting on Thursday 4 June, the celebration and closure on Tuesday 9 June.
    at('2026-06-09', '16:00')
    await closeCase(caseId, {
      reason: 'The family has sustained the changes through the step-down.',
      destinationId: 'universal-services',
      outcomes: [
        { headline: 1, result: 'improved', evidence: 'Attendance up from 80% to 96.3%.' },
        { headline: 7, result: 'improved', evidence: 'No offences since January.' },
        { headline: 10, result: 'improved', evidence: 'Ade started work in May.' },
      ],
      children: [{ personId: robin, livingAtHome: true }],
      steps: [
        { stepId: 'taf-closure-meeting', done: true, doneOn: '2026-06-04', note: 'School, health visitor and family.' },
        { stepId: 'family-celebration', done: true, doneOn: '2026-06-09' },
      ],
    })
    shown = await caseOf(caseId)
    assert.equal(deadline(shown, 'end-of-step-down')?.metAt, new Date('2026-06-04T11:00:00Z').toISOString())
    await followUpsRecorded(caseId, 'Synthetic: Robin still at home and at school')

    await closedAndKept(caseId, 'universal-services', ['end-of-programme', 'end-of-step-down', 'review-week-12'])
    const summary = async (measureId: string) =>
      (await readingsOf(caseId, measureId)).map((r) => [r.occasion, r.text, r.flags.join(',')])
    assert.deepEqual(await summary('school-attendance'), [
      ['start', '80.0% (persistent absence)', 'persistent-absence'],
      ['closure', '96.3%', ''],
    ])
    assert.deepEqual(await summary('worklessness'), [
      ['start', 'Looking for work', 'workless'],
      ['closure', 'In work', ''],
    ])
    assert.deepEqual(await summary('offending'), [
      ['start', '2', ''],
      ['closure', '0', ''],
    ])
    assert.deepEqual(await summary('children-in-need'), [
      ['start', 'Early help', ''],
      ['closure', 'No plan', ''],
    ])
    await tellsTheStory(caseId, reference, [
      'First home visit',
      'Support started',
      'Early Help Assessment completed',
      'Family Action Plan agreed',
      ['Week 12 review held', 'Step-down started'],
      'Closure meeting held',
    ])
  })

  test('staying-together, Staying Together: "The family’s social worker will contact the Staying Together team", "Support is reviewed during weeks three, six and nine, and then again at 12 weeks", "another cycle of support", then "The family and the social worker will receive a copy the report"', async () => {
    // Monday 2 March 2026. "As part of this conversation, the allocated social worker will ask the
    // Staying Together team to undertake particular pieces of work".
    at('2026-03-02', '09:00')
    const { id: referralId, reference } = await refer('socialWorker', 'staying-together', {
      referrer: ['Sol Socialworker', 'Children’s social care, north team', 'Allocated social worker'],
      children: [['Jordan', '2012-06-15']],
      adults: [['Sam', 'Father']],
      indicators: ['family-breakdown', 'risk-taking'],
      whatIsHappening: 'Synthetic: Jordan and Sam argue most nights and Sam has asked for Jordan to be looked after.',
      facts: { safeguardingLevel: 3, socialWorkerAllocated: true },
    })
    at('2026-03-02', '14:00')
    const caseId = await accept(referralId)
    later(30)
    await allocate(caseId, { socialWorker: true })
    const jordan = (await caseOf(caseId)).children[0]?.personId as string

    // The social worker asks for the pieces of work agreed in the Children and Family assessment:
    // they start the family's plan, marked as the social worker's requests.
    at('2026-03-03', '10:00')
    const ask = (what: string) =>
      ok<{ planId: string; actionId: string }>('socialWorker', `POST /cases/${caseId}/plans/requests`, {
        what,
        who: 'Staying Together practitioner',
      })
    const settle = await ask('Work with Jordan and Sam on settling arguments')
    const school = await ask('Help Jordan back into school every day')
    const refusedRequest = await refused(
      'worker',
      `POST /cases/${caseId}/plans/requests`,
      { what: 'Anything', who: 'Anyone' },
      400,
    )
    assert.match(reason(refusedRequest, 'form'), /allocated social worker/)

    // Thursday 5 March: the first visit, and support starts.
    at('2026-03-05', '10:00')
    await contact(caseId, 'Synthetic: first visit, met Jordan and Sam at home.', { headline: 'First home visit' })
    later(60)
    await startSupport(caseId)

    // Monday 9 March: "They assess problems, develop measurable goals": each request joins a goal.
    at('2026-03-09', '14:00')
    const plan = await agreedPlan(
      caseId,
      'family-action',
      {
        summary: 'Jordan stays at home, and the family can settle arguments together.',
        goals: [
          {
            need: 'Arguments most nights',
            outcome: 'Arguments settled without anyone leaving the house',
            howWeKnow: 'No nights away from home; Sam and Jordan score it 7 or more',
            headlineOutcome: 5,
            actions: [
              { id: settle.actionId, what: 'Work with Jordan and Sam on settling arguments', who: 'Practitioner' },
              {
                what: 'Solution-focused sessions each week',
                who: 'Practitioner',
                supportId: 'systemic-solution-focused',
              },
            ],
          },
          {
            need: 'Missing school',
            outcome: 'Jordan at school every day',
            howWeKnow: 'Attendance over 95% for a half term',
            headlineOutcome: 1,
            actions: [{ id: school.actionId, what: 'Help Jordan back into school every day', who: 'Practitioner' }],
          },
        ],
      },
      'Sam and Jordan Testfamily, and their social worker',
    )
    assert.equal(plan.name, 'Measurable goals')
    assert.deepEqual(
      plan.actions.filter((a) => a.requestedBySocialWorker).map((a) => a.id),
      [settle.actionId, school.actionId],
    )
    const goals = plan.goals.map((g) => g.id)
    later(30)
    await ok('worker', `POST /cases/${caseId}/scaling-scores`, {
      askedOn: '2026-03-09',
      occasion: 'start',
      scores: goals.map((goalId) => ({ goalId, familyScore: 2, workerScore: 2 })),
    })
    later(30)
    await ok('worker', `PATCH /cases/${caseId}/plans/${plan.id}/actions/${settle.actionId}`, {
      version: (await ok<PlanBody>('worker', `GET /cases/${caseId}/plans/${plan.id}`)).version,
      status: 'in-progress',
      statusNote: 'Two sessions so far.',
    })
    // The social worker sees the progress of the work they asked for.
    const seen = await ok<PlanBody>('socialWorker', `GET /cases/${caseId}/plans/${plan.id}`)
    assert.deepEqual(
      seen.actions.filter((a) => a.requestedBySocialWorker).map((a) => [a.what, a.status]),
      [
        ['Work with Jordan and Sam on settling arguments', 'in-progress'],
        ['Help Jordan back into school every day', 'not-started'],
      ],
    )

    // The reviews of the first cycle, each with scaling, on Tuesdays in weeks 3, 6, 9 and 12 (support
    // started on a Thursday, so each week ends on a Wednesday).
    const scaling = (family: number) => goals.map((goalId) => ({ goalId, family, worker: family }))
    const visitsUntil = (from: IsoDate, until: IsoDate) =>
      weeklyVisits(caseId, from, until, 'Synthetic: weekly session with Jordan and Sam.')
    await visitsUntil('2026-03-12', '2026-03-24')
    at('2026-03-24', '15:00')
    await review(caseId, { scheduledId: 'review-week-3', scaling: scaling(3), decision: 'continue' })
    await visitsUntil('2026-03-26', '2026-04-14')
    // "The allocated social worker for the young person will attend the review at six weeks."
    at('2026-04-14', '15:00')
    const withoutSocialWorker = await refused(
      'worker',
      `POST /cases/${caseId}/reviews`,
      {
        heldOn: '2026-04-14',
        scheduledId: 'review-week-6',
        attendees: { participants: ['family', 'key-worker'] },
        decision: 'continue',
      },
      400,
    )
    assert.match(
      reason(withoutSocialWorker, 'confirmMissingAttendees'),
      /allocated social worker should attend the week 6 review/,
    )
    await review(caseId, {
      scheduledId: 'review-week-6',
      attendees: { participants: ['family', 'young-person', 'key-worker', 'allocated-social-worker'] },
      scaling: scaling(5),
      decision: 'continue',
    })
    await visitsUntil('2026-04-16', '2026-05-05')
    at('2026-05-05', '15:00')
    await review(caseId, { scheduledId: 'review-week-9', scaling: scaling(6), decision: 'continue' })
    await visitsUntil('2026-05-07', '2026-05-26')

    // Week 12: "Should more support be needed after the 12 weeks, then the family’s social worker can
    // ask the Staying Together team for another cycle of support."
    at('2026-05-26', '15:00')
    const byKeyWorker = await refused(
      'worker',
      `POST /cases/${caseId}/reviews`,
      {
        heldOn: '2026-05-26',
        scheduledId: 'review-week-12',
        decision: 'extend',
        requestedBy: 'key-worker',
        attendees: { participants: ['family'] },
      },
      400,
    )
    assert.match(reason(byKeyWorker, 'requestedBy'), /asked for by the allocated social worker/)
    await review(caseId, {
      scheduledId: 'review-week-12',
      attendees: { participants: ['family', 'key-worker', 'allocated-social-worker'] },
      scaling: scaling(6),
      summary: 'School still not every day: the social worker asks for another cycle.',
      decision: 'extend',
      requestedBy: 'allocated-social-worker',
    })
    let shown = await caseOf(caseId)
    assert.equal(shown.phase?.id, 'further-cycle')
    const cycles = await ok<{ cycles: { number: number; reviews: { id: string; status: string }[] }[] }>(
      'socialWorker',
      `GET /cases/${caseId}/reviews`,
    )
    assert.deepEqual(
      cycles.cycles.map((c) => [c.number, c.reviews.map((r) => `${r.id} ${r.status}`)]),
      [
        [
          1,
          [
            'review-week-3 met-on-time',
            'review-week-6 met-on-time',
            'review-week-9 met-on-time',
            'review-week-12 met-on-time',
          ],
        ],
        [
          2,
          [
            'review-week-3 not-yet-due',
            'review-week-6 not-yet-due',
            'review-week-9 not-yet-due',
            'review-week-12 not-yet-due',
          ],
        ],
      ],
    )

    // The further cycle, from Tuesday 26 May: reviews in its weeks 3 and 6 (on the Mondays they end),
    // the social worker at the second, which agrees to close.
    await visitsUntil('2026-05-28', '2026-06-15')
    at('2026-06-15', '15:00')
    await review(caseId, { scheduledId: 'review-week-3', scaling: scaling(7), decision: 'continue' })
    await visitsUntil('2026-06-18', '2026-07-06')
    at('2026-07-06', '15:00')
    await review(caseId, {
      scheduledId: 'review-week-6',
      attendees: { participants: ['family', 'young-person', 'key-worker', 'allocated-social-worker'] },
      scaling: scaling(8),
      summary: 'The aims of the work have been met.',
      decision: 'close',
    })
    later(30)
    await closeCase(caseId, {
      reason: 'The aims of the work have been met: Jordan is at home and at school.',
      destinationId: 'remains-at-home',
      outcomes: [
        { headline: 5, result: 'improved', evidence: 'No nights away from home since April.' },
        { headline: 1, result: 'improved', evidence: 'Jordan at school every day this half term.' },
      ],
      children: [{ personId: jordan, livingAtHome: true }],
    })
    shown = await caseOf(caseId)
    assert.equal(deadline(shown, 'intervention-report')?.status, 'not-yet-due')
    assert.equal(deadline(shown, 'intervention-report')?.dueAt, new Date('2026-07-20T22:59:59.999Z').toISOString())

    // Monday 13 July: "At the end of the support, the service will complete an ‘intervention report’".
    at('2026-07-13', '12:00')
    const { closure } = await ok<ClosureBody>('worker', `GET /cases/${caseId}/closure`)
    await ok('worker', `POST /cases/${caseId}/closure/steps`, {
      version: closure?.version,
      recipients: [
        { participant: 'family', sentOn: '2026-07-13' },
        { participant: 'allocated-social-worker', sentOn: '2026-07-13' },
      ],
    })
    const sent = await ok<ClosureBody>('socialWorker', `GET /cases/${caseId}/closure`)
    assert.deepEqual(sent.closure?.steps, [
      { stepId: 'intervention-report', done: true, doneOn: '2026-07-13', note: null },
    ])
    assert.deepEqual(sent.toDo, [])
    await followUpsRecorded(caseId, 'Synthetic: Jordan still at home')

    await closedAndKept(caseId, 'remains-at-home', [
      'end-of-cycle',
      'intervention-report',
      'review-week-12',
      'review-week-6',
    ])
    const progress = await ok<{ goals: { family: { words: string } }[] }>(
      'socialWorker',
      `GET /cases/${caseId}/progress`,
    )
    assert.deepEqual(
      progress.goals.map((g) => g.family.words),
      ['up 6 points', 'up 6 points'],
    )
    await tellsTheStory(
      caseId,
      reference,
      [
        'First home visit',
        'Support started',
        'Measurable goals agreed',
        'Week 3 review held',
        'Week 6 review held',
        'Week 9 review held',
        ['Week 12 review held', 'A further cycle of support started'],
        'Week 3 review held',
        'Week 6 review held',
      ],
      ['Intervention report sent'],
    )
  })

  test('tameside-stars, STARS (Tameside): "pregnant and have had children removed previously", "an Early Help Assessment", "an action plan ... which includes next steps and referrals to other agencies", and "where the child remains with the family ... intensive early help support up to a period of 2 years"', async () => {
    // Monday 12 January 2026: the midwife's MARS referral, at 11 weeks of pregnancy.
    at('2026-01-12', '09:30')
    const { id: referralId, reference } = await refer('manager', 'tameside-stars', {
      referrer: ['Mo Midwife', 'Tameside maternity (synthetic)', 'Community midwife'],
      children: [{ expectedDueDate: '2026-08-03' }],
      adults: [
        ['Tola', 'Mother'],
        ['Kit', 'Father'],
      ],
      whatIsHappening: 'Synthetic: Tola’s first child was removed in 2023; Tola and Kit want to keep this baby safe.',
      facts: { previousRemovals: 1 },
    })
    type Criterion = { id: string; outcome: string; of?: Criterion[] }
    const screening = (await ok<{ screening: { criteria: Criterion } }>('manager', `GET /referrals/${referralId}`))
      .screening.criteria
    const outcomeOf = (id: string) => screening.of?.find((c) => c.id === id)?.outcome
    assert.equal(outcomeOf('early-pregnancy'), 'met', '"12 weeks or less"')
    assert.equal(outcomeOf('previous-removal'), 'met', '"one or more children removed previously"')
    assert.equal(outcomeOf('risk-of-further-removal'), 'judgement')
    at('2026-01-12', '15:00')
    const caseId = await accept(referralId)
    later(30)
    await allocate(caseId, { socialWorker: false })

    // Wednesday 14 January: the first visit to both parents; support starts with the assessment.
    at('2026-01-14', '10:00')
    await contact(caseId, 'Synthetic: met Tola and Kit at home.', { headline: 'First home visit' })
    later(60)
    await startSupport(caseId)
    let shown = await caseOf(caseId)
    assert.equal(shown.phase?.id, 'early-help-assessment')
    assert.equal(shown.pathway, null)

    // "A families strengths and their worries will be captured within an Early Help Assessment".
    at('2026-01-28', '14:00')
    await completedAssessment(caseId, [], [2, 3, 10])
    at('2026-02-04', '14:00')
    const plan = await agreedPlan(
      caseId,
      'family-action',
      {
        summary: 'Tola and Kit feel ready and confident to care for their baby.',
        goals: [
          goal(
            'Getting ready for the baby',
            'Tola and Kit feel confident caring for their newborn',
            2,
            ['One-to-one parenting sessions', 'parenting'],
            ['Attachment work before the birth', 'attachment'],
          ),
          goal('Tola’s low mood', 'Tola feels well in herself', 3, ['Trauma-informed wellbeing sessions', 'wellbeing']),
          goal('Money worries', 'Debts under control before the baby arrives', 10, [
            'Referral for debt advice',
            'benefits-debt',
          ]),
        ],
      },
      'Tola and Kit Testfamily',
    )
    assert.equal(plan.name, 'Action plan')
    later(30)
    await measured(caseId, 'parent-confidence', 'start', [{ value: { score: 3 } }])
    const tola = (await peopleOf(caseId)).find((p) => p.givenName === 'Tola')?.personId as string
    await ok('worker', `POST /cases/${caseId}/consents`, {
      personId: tola,
      purpose: 'onward-referral',
      agency: 'Citizens Advice Tameside',
      decision: 'given',
      decidedOn: '2026-02-04',
      how: 'written',
    })

    // Thursday 5 February: "referrals to other agencies to provide additional targeted support".
    at('2026-02-05', '11:00')
    const money = plan.goals.find((g) => g.headlineOutcome === 10)?.id
    const sent = await ok<{ id: string; consentWarning: boolean }>('worker', `POST /cases/${caseId}/onward-referrals`, {
      agency: 'Citizens Advice Tameside',
      reason: 'Synthetic: debt advice before the baby arrives.',
      sentOn: '2026-02-05',
      basis: 'consent',
      goalId: money,
    })
    assert.equal(sent.consentWarning, false)
    type Onward = { state: string; responseDueOn: IsoDate; version: number }
    const onward = () => ok<{ referral: Onward }>('worker', `GET /cases/${caseId}/onward-referrals/${sent.id}`)
    assert.equal((await onward()).referral.responseDueOn, '2026-02-19', '10 working days')
    // Friday 20 February: no answer yet, so the key worker chases it.
    at('2026-02-20', '09:30')
    let { referral } = await onward()
    assert.equal(referral.state, 'overdue')
    const work = await ok<{ items: { caseId: string; deadline: Deadline }[] }>('worker', 'GET /work')
    assert.equal(
      work.items.find((i) => i.caseId === caseId && i.deadline.kind === 'referral-response')?.deadline.status,
      'overdue',
    )
    await ok('worker', `POST /cases/${caseId}/onward-referrals/${sent.id}/chases`, {
      version: referral.version,
      chasedOn: '2026-02-20',
      responseDueOn: '2026-02-27',
    })
    at('2026-02-25', '12:00')
    ;({ referral } = await onward())
    await ok('worker', `POST /cases/${caseId}/onward-referrals/${sent.id}/response`, {
      version: referral.version,
      respondedOn: '2026-02-25',
      outcome: 'accepted',
      response: 'Synthetic: a debt adviser will see Tola and Kit on 3 March.',
    })
    assert.equal((await onward()).referral.state, 'responded')
    for (const day of ['2026-03-18', '2026-04-15', '2026-05-13'] as IsoDate[]) {
      at(day, '11:00')
      await contact(caseId, 'Synthetic: visit to Tola and Kit before the birth.')
    }

    // Monday 1 June: "Following the outcome of the pre- birth assessment, where the child remains
    // with the family, the STARS team will provide intensive early help support up to a period of 2 years".
    at('2026-06-01', '15:00')
    const outcome = {
      decidedOn: '2026-06-01',
      outcome: 'child-remains',
      note: 'Synthetic: the baby will stay with Tola and Kit.',
    }
    assert.deepEqual(await ok('worker', `POST /cases/${caseId}/pre-birth-outcome`, outcome), {
      pathway: 'child-remains',
    })
    const again = await refused('worker', `POST /cases/${caseId}/pre-birth-outcome`, outcome, 400)
    assert.match(reason(again, 'form'), /was recorded on 1 June 2026/)
    shown = await caseOf(caseId)
    assert.equal(shown.pathway, 'child-remains')
    assert.deepEqual(shown.phase && [shown.phase.id, shown.phase.ofWeeks], ['intensive-support', 104])
    const twoYears = deadline(shown, 'end-of-support')
    assert.equal(twoYears?.dueAt, new Date(`${addDays('2026-06-01', 104 * 7 - 1)}T22:59:59.999Z`).toISOString())
    for (const day of ['2026-06-17', '2026-07-15'] as IsoDate[]) {
      at(day, '11:00')
      await contact(caseId, 'Synthetic: visit to Tola and Kit before the birth.')
    }

    // Friday 31 July: Remi is born. On Monday the key worker changes the unborn baby into a child
    // with a date of birth on People and network.
    at('2026-08-03', '10:00')
    const baby = (await peopleOf(caseId)).find((p) => p.role === 'unborn') as CasePerson
    await ok('worker', `PATCH /cases/${caseId}/people/${baby.personId}`, {
      role: 'child',
      givenName: 'Remi',
      familyName: 'Testfamily',
      dateOfBirth: '2026-07-31',
      relationship: baby.relationship,
      version: baby.version,
    })
    shown = await caseOf(caseId)
    assert.deepEqual(
      shown.children.map((c) => [c.givenName, c.role]),
      [['Remi', 'child']],
    )
    later(60)
    await contact(caseId, 'Synthetic: met Remi at home with Tola and Kit.', { headline: 'Remi born on 31 July' })
    shown = await caseOf(caseId)
    assert.equal(deadline(shown, 'children-seen')?.status, 'not-yet-due', 'Remi seen')
    await weeklyVisits(caseId, '2026-08-10', '2026-10-21', 'Synthetic: parenting and play session with Remi')

    // Wednesday 21 October: Remi is thriving at home; support ends well within the two years.
    at('2026-10-21', '14:00')
    const remi = baby.personId
    await review(caseId, { summary: 'Remi thriving; Tola and Kit confident.', decision: 'close' })
    later(30)
    await measured(caseId, 'parent-confidence', 'closure', [{ value: { score: 8 } }])
    await measured(caseId, 'child-at-home', 'closure', [{ personId: remi, value: { atHome: true } }])
    later(30)
    await closeCase(caseId, {
      reason: 'Remi is living with Tola and Kit, and they have a support network around them.',
      destinationId: 'family-together',
      outcomes: [
        { headline: 2, result: 'improved', evidence: 'Remi meeting milestones at the health visitor check.' },
        { headline: 3, result: 'improved', evidence: 'Tola reports feeling well.' },
        { headline: 10, result: 'improved', evidence: 'Debt repayment plan in place.' },
      ],
      children: [{ personId: remi, livingAtHome: true }],
      steps: [
        {
          stepId: 'support-network-in-place',
          done: true,
          doneOn: '2026-10-21',
          note: 'Kit’s sister and a parents’ group.',
        },
      ],
    })
    await followUpsRecorded(caseId, 'Synthetic: Remi still living with Tola and Kit')

    await closedAndKept(caseId, 'family-together', ['end-of-support'])
    assert.deepEqual(
      (await readingsOf(caseId, 'parent-confidence')).map((r) => r.text),
      ['3 out of 10', '8 out of 10'],
    )
    await tellsTheStory(caseId, reference, [
      'First home visit',
      'Support started',
      'Early Help Assessment completed',
      'Action plan agreed',
      'Referral to Citizens Advice Tameside sent',
      'Referral to Citizens Advice Tameside chased',
      'Response from Citizens Advice Tameside: accepted',
      'Pre-birth assessment completed: child remains with the family',
      'Remi born on 31 July',
      'Review held',
    ])
  })
})
