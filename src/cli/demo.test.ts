import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts'
import { loadConfig } from '../config.ts'
import type { Deadline } from '../domain/deadlines.ts'
import { verifyAuditChain } from '../services/audit.ts'
import type { RequestContext } from '../services/context.ts'
import { createServices, type Services, shippedProgrammes } from '../services/index.ts'
import { DEMO_EMAIL_DOMAIN, planFamilies, runDemo, stagesFor } from './demo.ts'
import { runCli, UsageError } from './index.ts'

let db: TestDatabase
let services: Services
const config = loadConfig({ NODE_ENV: 'test' })
const library = shippedProgrammes()
const lines: string[] = []
const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), readStdin: async () => '' }
/** The families the demo said it added. */
const added: string[] = []
/** The demo's manager and key worker, once the demo has run. */
let manager: RequestContext
let worker: RequestContext

before(async () => {
  db = await createTestDatabase()
  services = createServices(db.database, () => new Date(), config)
})
after(() => db.close())

async function as(email: string, role: 'team_manager' | 'practitioner'): Promise<RequestContext> {
  const found = await services.auth.findByEmail(email)
  assert.ok(found, `${email} exists`)
  return { actor: { type: 'user', authorityId: found.authority_id, userId: found.user_id, role } }
}

/** Every case of a service at a stage (open means not closed), as the team manager sees them. */
async function casesOf(programmeId: string, stage: 'open' | 'accepted' | 'active' | 'step-down' | 'closed') {
  return (await services.cases.list(manager, { scope: 'team', programmeId, stage })).cases
}

async function deadlinesOf(caseId: string): Promise<Deadline[]> {
  return (await services.cases.open(manager, caseId)).state.deadlines
}

test('the demo is refused in production mode unless forced', async () => {
  const production = { ...config, production: true }
  await assert.rejects(runDemo(db.database, production, library, { seed: 1, force: false }, io), /production mode/)
  await assert.rejects(
    runCli(['demo'], services, 'https://hearth.example.org', io, { config: production, library }),
    (e: unknown) => e instanceof UsageError && /--force/.test(e.message),
  )
})

test('the demo fills a new authority with families at every stage of all five services, once', async () => {
  lines.length = 0
  await runCli(['demo', '--seed', '7'], services, 'https://hearth.example.org', io, { config, library })
  added.push(...lines.filter((l) => / family \(/.test(l)).map((l) => l.trim()))
  const password = lines.at(-1) as string
  const signedIn = await services.auth.signIn(`manager@${DEMO_EMAIL_DOMAIN}`, password)
  assert.equal(signedIn.outcome, 'signed-in', 'the printed password signs the demo manager in')
  manager = await as(`manager@${DEMO_EMAIL_DOMAIN}`, 'team_manager')
  worker = await as(`worker@${DEMO_EMAIL_DOMAIN}`, 'practitioner')
  const expected = library.programmes.reduce((n, p) => n + stagesFor(p).length, 0)
  assert.match(lines.join('\n'), new RegExp(`Added ${expected} invented families`))
  const admin = await services.auth.signIn(`admin@${DEMO_EMAIL_DOMAIN}`, password)
  assert.equal(admin.outcome, 'signed-in', 'the authority the demo made has an administrator')

  const referrals = await services.referrals.list(manager, {})
  for (const programme of library.programmes) {
    assert.ok(
      referrals.some((r) => r.row.programmeId === programme.id && r.row.status !== 'accepted'),
      `${programme.name} has a referral waiting for a decision`,
    )
    for (const stage of ['accepted', 'active', 'closed'] as const) {
      assert.ok((await casesOf(programme.id, stage)).length > 0, `${programme.name} has a case ${stage}`)
    }
  }
  for (const id of ['derby-staying-together', 'lewisham-safer-stronger']) {
    assert.equal((await casesOf(id, 'step-down')).length, 1, `${id} has a family in its step-down`)
  }

  lines.length = 0
  await runCli(['demo', '--seed', '7'], services, 'https://hearth.example.org', io, { config, library })
  assert.match(lines.join('\n'), /already has the demo families: nothing was changed/)
  assert.equal((await services.referrals.list(manager, {})).length, referrals.length, 'a second run adds nothing')
})

test('every service has a closed case signed off by the manager, its 3-month follow-up done and the 6-month one in My work', async () => {
  const work = await services.cases.work(worker, 'mine')
  for (const programme of library.programmes) {
    const [closed] = await casesOf(programme.id, 'closed')
    assert.ok(closed, `${programme.name} has a closed case`)
    const overview = await services.closures.overview(manager, closed.row.id)
    assert.equal(overview.closure?.status, 'signed-off', `${programme.name}: closure signed off`)
    assert.equal(overview.closure?.signedOffBy?.name, 'Demo Manager')
    assert.ok(overview.toDo.length === 0, `${programme.name}: every closure step done`)
    const [three, six] = overview.followUps
    assert.ok(three?.doneOn, `${programme.name}: the 3-month follow-up is recorded`)
    assert.ok(
      six && !six.doneOn && ['due-soon', 'overdue'].includes(six.deadline.status),
      `${programme.name}: the 6-month follow-up is due now`,
    )
    assert.ok(
      work.items.some((i) => i.summary.row.id === closed.row.id && i.deadline.name === '6-month follow-up'),
      `${programme.name}: the 6-month follow-up is in My work`,
    )
  }
})

test('every pathway has a family on it: Derbyshire’s three avenues, and both of STARS’s after the pre-birth assessment', async () => {
  for (const programme of library.programmes.filter((p) => p.pathways.length > 0)) {
    const all = [...(await casesOf(programme.id, 'open')), ...(await casesOf(programme.id, 'closed'))]
    for (const pathway of programme.pathways) {
      assert.ok(
        all.some((c) => c.row.pathway === pathway.id),
        `${programme.name}: a family on the ${pathway.name.toLowerCase()} pathway`,
      )
    }
  }
  const changes = []
  for (const c of await casesOf('derbyshire-stronger-families', 'active')) {
    changes.push(
      ...(await services.reviews.list(manager, c.row.id)).reviews.filter((r) => r.decision === 'change-pathway'),
    )
  }
  assert.equal(changes.length, 1, 'a review changed one family’s pathway')
  assert.ok(
    changes[0]?.progress.every((p) => p.direction === 'worse'),
    'when things got worse: one family is not improving',
  )
})

test('the deadlines show met on time, met late and overdue, as real work makes them', async () => {
  // Derby: "a home visit with the lead worker within 48hrs"
  const [accepted] = await casesOf('derby-staying-together', 'accepted')
  assert.ok(accepted)
  assert.equal((await deadlinesOf(accepted.row.id)).find((d) => d.id === 'home-visit')?.status, 'overdue')
  for (const c of await casesOf('derby-staying-together', 'active')) {
    const visit = (await deadlinesOf(c.row.id)).filter((d) => d.id === 'home-visit' || d.id === 'crisis-plan')
    assert.deepEqual(
      visit.map((d) => d.status),
      ['met-on-time', 'met-on-time'],
      'home visit and crisis plan on time',
    )
  }
  // Staying Together: reviews in weeks 3, 6, 9 and 12; "the family's social worker can ask … for another cycle of support"
  const statuses = new Map<string, string[]>()
  for (const c of await casesOf('staying-together', 'active')) {
    const reviews = await services.reviews.list(manager, c.row.id)
    statuses.set(
      c.row.id,
      reviews.cycles.flatMap((cycle) => cycle.reviews.map((r) => r.status)),
    )
    if (reviews.cycles.length > 1) {
      const extended = reviews.reviews.find((r) => r.decision === 'extend')
      assert.deepEqual(extended?.decisionDetails, { requestedBy: 'allocated-social-worker' })
    }
  }
  const all = [...statuses.values()].flat()
  for (const status of ['met-on-time', 'met-late', 'overdue']) assert.ok(all.includes(status), `a review ${status}`)
  assert.ok(
    [...statuses.values()].some((s) => s.length > 4),
    'a Staying Together family is in a further cycle of support',
  )
  // STARS: "referrals to other agencies to provide additional targeted support"
  const waiting = []
  for (const c of await casesOf('tameside-stars', 'active')) {
    waiting.push(...(await services.onwardReferrals.list(manager, c.row.id)).filter((r) => r.state === 'overdue'))
  }
  assert.equal(waiting.length, 1, 'one STARS onward referral is overdue, to chase')
})

test('the work itself is there: assessments, plans signed off, reviews and their decisions, measures and consultations', async () => {
  // Lewisham: "Our 12 week programme was followed by a 10 week step down period"
  const [lewisham] = await casesOf('lewisham-safer-stronger', 'step-down')
  assert.ok(lewisham)
  const stepDown = (await services.reviews.list(manager, lewisham.row.id)).reviews.find(
    (r) => r.decision === 'step-down',
  )
  assert.ok(stepDown, 'the 12-week review started the step-down')
  const steps = (stepDown.decisionDetails as { frequencies: { frequency: string }[] }).frequencies
  assert.deepEqual(
    steps.map((s) => s.frequency),
    ['weekly', 'fortnightly', 'monthly'],
    'contact falls step by step',
  )
  const progress = await services.progress.progress(manager, lewisham.row.id)
  for (const measure of progress.measures) assert.ok(measure.count > 0, `${measure.measure.name} recorded`)
  assert.ok(
    progress.goals.every((g) => g.scores.length >= 2 && (g.family.change ?? 0) > 0),
    'goals improving',
  )

  // Derby: "A gradual reduction in support from the staying together team"
  const [derby] = await casesOf('derby-staying-together', 'step-down')
  assert.ok(derby)
  assert.ok((await services.reviews.list(manager, derby.row.id)).reviews.some((r) => r.decision === 'step-down'))

  // Derbyshire: "indirect involvement through case consultations and case formulations"
  let consulted = 0
  let formulated = 0
  for (const c of await casesOf('derbyshire-stronger-families', 'active')) {
    const found = await services.consultations.list(manager, c.row.id)
    consulted += found.consultations.length
    formulated += found.formulations.length
  }
  assert.ok(consulted >= 3 && formulated >= 1, 'consultations and a formulation recorded')

  let signedOff = 0
  let waitingForSignOff = 0
  let proposed = 0
  for (const programme of library.programmes) {
    for (const c of [...(await casesOf(programme.id, 'active')), ...(await casesOf(programme.id, 'step-down'))]) {
      const [assessment] = (await services.assessments.list(manager, c.row.id)).assessments
      assert.ok(assessment?.content.headlineNeeds.length, `${programme.name}: headline needs identified`)
      const plans = await services.plans.list(manager, c.row.id)
      if (plans.family.inForce?.signedOffAt) signedOff += 1
      else if (plans.family.inForce) waitingForSignOff += 1
      if ((await services.closures.overview(manager, c.row.id)).closure?.status === 'proposed') proposed += 1
    }
  }
  assert.ok(signedOff > 5, 'most plans are signed off')
  assert.equal(waitingForSignOff, 1, 'one plan waits for the manager')
  assert.equal(proposed, library.programmes.length, 'each service has a closure waiting for sign-off')
})

test('the audit trail the demo wrote is intact', async () => {
  const chain = await verifyAuditChain(db.database)
  assert.deepEqual(chain.problems, [])
})

test('the same seed gives the same families, and they are the ones the demo added', () => {
  const names = (seed: number) =>
    planFamilies(library.programmes, seed).map((f) => `${f.programme.name}: the ${f.surname} family`)
  assert.deepEqual(names(7), names(7))
  assert.notDeepEqual(names(8), names(7), 'another seed, other families')
  assert.deepEqual(
    added.map((line) => line.replace(/ \([^()]*\)$/, '')),
    names(7),
    'the demo run with --seed 7 added seed 7’s families',
  )
})
