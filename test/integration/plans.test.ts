import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { and, eq } from 'drizzle-orm'
import { auditEvent, caseEvent } from '../../src/db/schema/index.ts'
import { createCasework } from '../../src/services/casework.ts'
import type { RequestContext } from '../../src/services/context.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../../src/services/errors.ts'
import { callApi } from '../helpers/api.ts'
import { addUser, setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { caseworkTeam, openCase, userCtx } from '../helpers/cases.ts'
import { WebClient } from '../helpers/client.ts'

/**
 * Plans: Derby's crisis intervention plan ("create a crisis intervention plan and a tailored package
 * of support within 5 days"), the family's plan with its support package from the service's
 * catalogue, agreed with the family and signed off by a manager, changed in editions that keep
 * their history; Staying Together's pieces of work asked for by the social worker; and the
 * family's copy, with nothing in it the family should not see.
 */

// Monday 2 March 2026, 10:00.
const now = new Date('2026-03-02T10:00:00Z')

let app: TestApp
let authorityId: string
let team: Awaited<ReturnType<typeof caseworkTeam>>
let derby: string
let lewisham: string
let stayingTogether: string
let derbyshire: string
let outsider: RequestContext
let worker: WebClient
let manager: WebClient
let socialWorker: WebClient
let outsiderWeb: WebClient

before(async () => {
  app = await startTestApp({ clock: () => now })
  authorityId = (await setUpAuthority(app.services)).authorityId
  team = await caseworkTeam(app.services, authorityId)
  derby = await openCase(app.services, team.manager, 'derby-staying-together')
  lewisham = await openCase(app.services, team.manager, 'lewisham-safer-stronger')
  stayingTogether = await openCase(app.services, team.manager, 'staying-together')
  derbyshire = await openCase(app.services, team.manager, 'derbyshire-stronger-families')
  for (const caseId of [derby, lewisham, stayingTogether, derbyshire]) {
    const { row } = await app.services.cases.open(team.manager, caseId)
    await app.services.cases.allocate(team.manager, caseId, {
      keyWorkerId: team.people.worker.id,
      socialWorker: { userId: team.people.socialWorker.id },
      version: row.version,
    })
  }
  const { id: otherTeam } = await app.services.teams.create({ actor: { type: 'cli', authorityId } }, { name: 'Other' })
  const other = await addUser(app.services, authorityId, 'practitioner', otherTeam)
  outsider = userCtx(authorityId, other.id, 'practitioner')

  const signIn = async (person: { email: string; password: string }) => {
    const client = new WebClient(app.baseUrl)
    assert.equal((await client.signIn(person.email, person.password)).status, 303)
    return client
  }
  worker = await signIn(team.people.worker)
  manager = await signIn(team.people.manager)
  socialWorker = await signIn(team.people.socialWorker)
  outsiderWeb = await signIn(other)
})
after(() => app.close())

const tab = (caseId: string) => `/cases/${caseId}/plan`

/** Starts a plan through the page and returns its id. */
async function startOnPage(client: WebClient, caseId: string, kind: string): Promise<string> {
  const started = await client.post(`${tab(caseId)}/start`, { kind }, tab(caseId))
  assert.equal(started.status, 303)
  const location = started.headers.get('location') ?? ''
  const id = location.split('/').at(-1) as string
  assert.equal(location, `${tab(caseId)}/${id}`)
  return id
}

async function versionOf(ctx: RequestContext, caseId: string, planId: string) {
  return (await app.services.plans.get(ctx, caseId, planId)).plan.version
}

async function auditOf(recordId: string) {
  return app.services.database.withTenant(authorityId, (tx) =>
    tx.select().from(auditEvent).where(eq(auditEvent.recordId, recordId)),
  )
}

async function eventsOf(caseId: string, type: string) {
  return app.services.database.withTenant(authorityId, (tx) =>
    tx
      .select()
      .from(caseEvent)
      .where(and(eq(caseEvent.caseId, caseId), eq(caseEvent.type, type))),
  )
}

/** A Lewisham Family Action Plan with one goal and a Triple P action, written through the service. */
async function lewishamDraft(caseId = lewisham) {
  const { id } = await app.services.plans.start(team.worker, caseId, 'family-action')
  const goal = await app.services.plans.saveGoal(team.worker, caseId, id, 1, null, {
    need: 'Evenings end in shouting and nobody sleeps well.',
    outcome: 'Calm bedtimes, most nights of the week.',
    howWeKnow: 'Ade says bedtime is calm on 5 nights out of 7.',
    headlineOutcome: 5,
  })
  const action = await app.services.plans.saveAction(team.worker, caseId, id, goal.version, null, {
    goalId: goal.goalId,
    what: 'Triple P group, eight weekly sessions',
    who: 'Ade, with the key worker',
    byWhen: '2026-05-01',
    supportId: 'triple-p',
  })
  return { id, goalId: goal.goalId, actionId: action.actionId, version: action.version }
}

describe('Derby: the crisis intervention plan', () => {
  test('"create a crisis intervention plan … within 5 days": agreeing it meets the timescale counted from the home visit', async () => {
    await app.services.contacts.record(team.worker, derby, {
      occurredAt: new Date('2026-03-02T09:00:00Z'),
      type: 'home-visit',
      outcome: 'completed',
      note: 'Synthetic: first home visit with the lead worker.',
    })
    const before = (await app.services.cases.open(team.manager, derby)).state.deadlines.find(
      (d) => d.id === 'crisis-plan',
    )
    assert.ok(before, 'the crisis plan timescale is on the case')
    assert.ok(!before.metAt, 'not yet met')

    const page = await (await worker.get(tab(derby))).text()
    assert.match(page, /<h2 class="govuk-heading-m" id="crisis-heading">Crisis intervention plan<\/h2>/)
    assert.match(
      page,
      /the service says “the staying together team will identify a worker and create a crisis intervention plan/,
    )
    assert.match(page, /id="family-heading">Tailored package of support<\/h2>/)
    assert.match(page, /Start the crisis intervention plan/)

    const planId = await startOnPage(worker, derby, 'crisis')
    const edition = await (await worker.get(`${tab(derby)}/${planId}`)).text()
    assert.match(edition, /Crisis intervention plan: edition 1/)
    assert.match(edition, />\s*Draft\s*</)

    // Agreeing too early says everything that is missing, at once.
    const early = await worker.post(
      `${tab(derby)}/${planId}/agree`,
      { 'agreedOn-day': '2', 'agreedOn-month': '3', 'agreedOn-year': '2026', agreedWith: 'Dana', version: '1' },
      `${tab(derby)}/${planId}/agree`,
    )
    assert.equal(early.status, 400)
    const earlyHtml = await early.text()
    assert.match(earlyHtml, /href="#risks">Write the immediate risks/)
    assert.match(earlyHtml, /href="#actions">Add at least one safety action/)
    assert.match(earlyHtml, /href="#contactArrangements">Write how the family can reach the team/)

    const details = await worker.post(`${tab(derby)}/${planId}/details`, {
      risks: 'Casey may leave home after arguments at night.',
      contactArrangements: 'Ring the team on 01234 567890, any time, day or night.',
      version: '1',
    })
    assert.equal(details.status, 303)
    const safety = await worker.post(`${tab(derby)}/${planId}/actions/new`, {
      what: 'Casey stays with Grandma on Friday nights',
      who: 'Grandma',
      supportId: 'contact-at-any-time',
      version: '2',
    })
    assert.equal(safety.status, 303)

    const agreePage = await (await worker.get(`${tab(derby)}/${planId}/agree`)).text()
    assert.match(agreePage, /<title>Agree the crisis intervention plan – Hearth<\/title>/)
    assert.match(agreePage, /Casey stays with Grandma on Friday nights/)
    const agreed = await worker.post(`${tab(derby)}/${planId}/agree`, {
      'agreedOn-day': '2',
      'agreedOn-month': '3',
      'agreedOn-year': '2026',
      agreedWith: 'Dana Novak and Casey',
      version: '3',
    })
    assert.equal(agreed.status, 303)

    const met = (await app.services.cases.open(team.manager, derby)).state.deadlines.find((d) => d.id === 'crisis-plan')
    assert.equal(met?.status, 'met-on-time')
    assert.equal((await eventsOf(derby, 'crisis-plan-agreed')).length, 1)
    assert.equal((await eventsOf(derby, 'plan-agreed')).length, 0, 'the family plan is not agreed by the crisis plan')
    const entries = (await app.services.chronology.list(team.worker, derby, { origin: 'hearth' })).entries
    const entry = entries.find((e) => e.originId === planId)
    assert.equal(entry?.headline, 'Crisis intervention plan agreed')
    assert.equal(entry?.category, 'plan')
    assert.equal(entry?.occurredOn, '2026-03-02')
    const audits = await auditOf(planId)
    assert.ok(audits.some((e) => e.action === 'agree'))
    for (const e of audits) assert.doesNotMatch(JSON.stringify(e.details), /Casey|Grandma|Dana/)

    const shown = await (await worker.get(tab(derby))).text()
    assert.match(shown, /Agreed, not signed off/)
    assert.match(shown, /On 2 March 2026 with Dana Novak and Casey/)
    assert.match(shown, /Casey may leave home after arguments at night\./)
    assert.match(shown, /Ring the team on 01234 567890, any time, day or night\./)
  })

  test('services without a crisis plan do not offer one', async () => {
    const page = await (await worker.get(tab(lewisham))).text()
    assert.doesNotMatch(page, /Crisis intervention plan/)
    await assert.rejects(
      app.services.plans.start(team.worker, lewisham, 'crisis'),
      (e: unknown) =>
        e instanceof InvalidInputError && /does not write a crisis intervention plan/.test(e.fields.kind ?? ''),
    )
  })
})

describe('Lewisham: the Family Action Plan', () => {
  let plan: Awaited<ReturnType<typeof lewishamDraft>>

  test('goals written with the family, and Triple P chosen from the catalogue as the support package', async () => {
    plan = await lewishamDraft()
    const page = await (await worker.get(tab(lewisham))).text()
    assert.match(page, /id="family-heading">Family Action Plan<\/h2>/)
    assert.match(page, /Evenings end in shouting and nobody sleeps well\./)
    assert.match(page, /Calm bedtimes, most nights of the week\./)
    assert.match(page, /Ade says bedtime is calm on 5 nights out of 7\./)
    assert.match(page, /5\. Improved family relationships|Improved family relationships/)
    assert.match(page, /id="support-heading">The support package<\/h2>/)
    assert.match(page, /<h3 class="govuk-heading-s">Triple P \(Positive Parenting Program\)<\/h3>/)
    assert.match(page, /Triple P group, eight weekly sessions \(Ade, with the key worker, not started\)/)
    assert.match(page, /1 May 2026/)

    // Support must come from the service's own list.
    await assert.rejects(
      app.services.plans.saveAction(team.worker, lewisham, plan.id, plan.version, null, {
        goalId: plan.goalId,
        what: 'Something',
        who: 'Someone',
        supportId: 'crisis-intervention-plan',
      }),
      (e: unknown) => e instanceof InvalidInputError && Boolean(e.fields.supportId),
    )
  })

  test('agreeing it records the plan agreed; a practitioner cannot sign it off, a manager can, once', async () => {
    const agreed = await app.services.plans.agree(team.worker, lewisham, plan.id, plan.version, {
      agreedOn: '2026-03-02',
      agreedWith: 'Ade Okafor and Robin',
    })
    assert.equal((await eventsOf(lewisham, 'plan-agreed')).length, 1)

    // The team manager finds it waiting in Team work, with a pointer from My work; the worker does not.
    const link = `href="${tab(lewisham)}/${plan.id}">Family Action Plan<`
    const teamWork = await (await manager.get('/work/team')).text()
    assert.match(teamWork, /<h2 class="govuk-heading-m">Waiting for sign-off<\/h2>/)
    assert.ok(teamWork.includes(link), 'the agreed plan links from Team work')
    assert.match(
      teamWork,
      new RegExp(`2 March 2026</td>\\s*<td class="govuk-table__cell">${team.people.worker.name}</td>`),
    )
    const waiting = teamWork
      .split('<h2 class="govuk-heading-m">Deadlines</h2>')[0]
      ?.match(/<tr class="govuk-table__row">/g)
    assert.ok(waiting && waiting.length > 1)
    assert.match(
      await (await manager.get('/work')).text(),
      new RegExp(
        `${waiting.length - 1} plans or closures are waiting for sign-off: see <a class="govuk-link" href="/work/team">`,
      ),
    )
    assert.doesNotMatch(await (await worker.get('/work')).text(), /waiting for sign-off/)

    await assert.rejects(
      app.services.plans.signOff(team.worker, lewisham, plan.id, agreed.version),
      (e: unknown) => e instanceof InvalidInputError && /Only a team manager/.test(e.fields.form ?? ''),
    )
    const edition = await (await worker.get(`${tab(lewisham)}/${plan.id}`)).text()
    assert.doesNotMatch(edition, /Sign off the plan/)
    const refused = await worker.post(
      `${tab(lewisham)}/${plan.id}/sign-off`,
      { version: String(agreed.version) },
      `${tab(lewisham)}/${plan.id}`,
    )
    assert.equal(refused.status, 403)

    const managerPage = await (await manager.get(`${tab(lewisham)}/${plan.id}`)).text()
    assert.match(managerPage, /Sign off the plan/)
    const signed = await manager.post(
      `${tab(lewisham)}/${plan.id}/sign-off`,
      { version: String(agreed.version) },
      `${tab(lewisham)}/${plan.id}`,
    )
    assert.equal(signed.status, 303)
    const after = await (await worker.get(`${tab(lewisham)}/${plan.id}`)).text()
    assert.match(after, /Signed off/)
    assert.match(after, new RegExp(`By ${team.people.manager.name} on 2 March 2026`))
    assert.ok(!(await (await manager.get('/work/team')).text()).includes(link), 'signed off, it no longer waits')
    assert.ok((await auditOf(plan.id)).some((e) => e.action === 'sign-off'))

    const again = await manager.post(
      `${tab(lewisham)}/${plan.id}/sign-off`,
      { version: String(agreed.version + 1) },
      `${tab(lewisham)}/${plan.id}`,
    )
    assert.equal(again.status, 400)
    assert.match(await again.text(), /href="#plan-controls">This edition is already signed off/)
  })

  test('progress on an action is recorded without a new edition', async () => {
    const version = await versionOf(team.worker, lewisham, plan.id)
    const form = await worker.get(`${tab(lewisham)}/${plan.id}/actions/${plan.actionId}/status`)
    assert.equal(form.status, 200)
    const saved = await worker.post(`${tab(lewisham)}/${plan.id}/actions/${plan.actionId}/status`, {
      status: 'in-progress',
      statusNote: 'Two sessions attended so far.',
      'statusOn-day': '2',
      'statusOn-month': '3',
      'statusOn-year': '2026',
      version: String(version),
    })
    assert.equal(saved.status, 303)
    const { plan: now } = await app.services.plans.get(team.worker, lewisham, plan.id)
    assert.equal(now.edition, 1)
    assert.equal(now.actions[0]?.status, 'in-progress')
    assert.equal(now.actions[0]?.statusNote, 'Two sessions attended so far.')
    assert.equal(now.actions[0]?.statusOn, '2026-03-02')

    const future = await worker.post(`${tab(lewisham)}/${plan.id}/actions/${plan.actionId}/status`, {
      status: '',
      'statusOn-day': '3',
      'statusOn-month': '3',
      'statusOn-year': '2026',
      version: String(now.version),
    })
    assert.equal(future.status, 400)
    const html = await future.text()
    assert.match(html, /href="#status">Choose how the action is going/)
  })

  test('"Change the plan" starts edition 2 as a copy; agreeing it keeps edition 1 as history', async () => {
    const { plan: first } = await app.services.plans.get(team.worker, lewisham, plan.id)
    const noReason = await worker.post(
      `${tab(lewisham)}/${plan.id}/change`,
      { changeReason: '', version: String(first.version) },
      `${tab(lewisham)}/${plan.id}/change`,
    )
    assert.equal(noReason.status, 400)
    assert.match(await noReason.text(), /href="#changeReason">Enter what is changing, and why/)

    const started = await worker.post(
      `${tab(lewisham)}/${plan.id}/change`,
      { changeReason: 'Robin wants to add a goal about school.', version: String(first.version) },
      `${tab(lewisham)}/${plan.id}/change`,
    )
    assert.equal(started.status, 303)
    const secondId = (started.headers.get('location') ?? '').split('/').at(-1) as string
    const { plan: second } = await app.services.plans.get(team.worker, lewisham, secondId)
    assert.equal(second.edition, 2)
    assert.equal(second.status, 'draft')
    assert.equal(second.previousId, plan.id)
    assert.deepEqual(
      second.goals.map((g) => g.id),
      [plan.goalId],
    )
    assert.equal(second.actions[0]?.id, plan.actionId)
    assert.equal(second.actions[0]?.status, 'in-progress', 'progress carries over')

    await assert.rejects(
      app.services.plans.newEdition(team.worker, lewisham, plan.id, first.version, { changeReason: 'Again' }),
      (e: unknown) => e instanceof InvalidInputError && /already being written/.test(e.fields.form ?? ''),
    )
    const tabPage = await (await worker.get(tab(lewisham))).text()
    assert.match(tabPage, /Edition 2 is being written\. Edition 1 stays in force until it is agreed\./)
    assert.match(tabPage, /What is changing: Robin wants to add a goal about school\./)

    const goal = await app.services.plans.saveGoal(team.worker, lewisham, secondId, second.version, null, {
      need: 'Robin finds school hard after the holidays.',
      outcome: 'Robin goes to school every day.',
    })
    const withAction = await app.services.plans.saveAction(team.worker, lewisham, secondId, goal.version, null, {
      goalId: goal.goalId,
      what: 'Meet the head of year together',
      who: 'Ade and the key worker',
    })
    // Until the family agrees the change, scaling and reviews keep to the goals in force.
    const goalsNow = () =>
      app.services.database.withTenant(authorityId, (tx) =>
        createCasework(app.services.audit, () => now, app.services.programmes).goals(tx, authorityId, lewisham),
      )
    assert.equal((await goalsNow()).length, 1, 'a goal only in the draft is not scored yet')

    await app.services.plans.agree(team.worker, lewisham, secondId, withAction.version, {
      agreedOn: '2026-03-02',
      agreedWith: 'Ade and Robin',
    })
    assert.equal((await goalsNow()).length, 2, 'once agreed, the new goal is one of the plan’s')
    const { plan: old } = await app.services.plans.get(team.worker, lewisham, plan.id)
    assert.equal(old.status, 'superseded')
    const oldCopy = await (await worker.get(`${tab(lewisham)}/${plan.id}/family-copy`)).text()
    assert.match(oldCopy, /This is an earlier plan\. We have agreed a newer one together since/)
    assert.equal(old.goals.length, 1, 'edition 1 is kept as it was')
    assert.equal((await eventsOf(lewisham, 'plan-agreed')).length, 1, 'only the first agreement is the timescale event')
    const entries = (await app.services.chronology.list(team.worker, lewisham, { origin: 'hearth' })).entries
    assert.ok(entries.some((e) => e.headline === 'Family Action Plan agreed (edition 2)'))

    const list = await app.services.plans.list(team.worker, lewisham)
    assert.equal(list.family.inForce?.id, secondId)
    assert.equal(list.family.draft, null)
    assert.deepEqual(
      list.family.earlier.map((e) => e.edition),
      [1],
    )
    const page = await (await worker.get(tab(lewisham))).text()
    assert.match(
      page,
      new RegExp(`href="${tab(lewisham)}/${plan.id}">Edition 1</a>, agreed on 2 March 2026 with Ade Okafor and Robin`),
    )
    const oldPage = await (await worker.get(`${tab(lewisham)}/${plan.id}`)).text()
    assert.match(oldPage, /A later edition has replaced this one/)
    assert.doesNotMatch(oldPage, /Record progress/)
    assert.doesNotMatch(oldPage, /Change the plan/)
    // A replaced edition cannot be changed or signed off.
    await assert.rejects(
      app.services.plans.setActionStatus(team.worker, lewisham, plan.id, plan.actionId, old.version, {
        status: 'done',
      }),
      InvalidInputError,
    )
  })
})

describe('the family copy', () => {
  test('is plain, printable, and leaves out professional-only actions, codes, statuses and notes', async () => {
    const caseId = await openCase(app.services, team.manager, 'lewisham-safer-stronger')
    const { row } = await app.services.cases.open(team.manager, caseId)
    await app.services.cases.allocate(team.manager, caseId, {
      keyWorkerId: team.people.worker.id,
      version: row.version,
    })
    const draft = await lewishamDraft(caseId)
    const hidden = await app.services.plans.saveAction(team.worker, caseId, draft.id, draft.version, null, {
      goalId: draft.goalId,
      what: 'Check with the police about the incident in February',
      who: 'Key worker',
      professionalOnly: true,
    })
    const agreed = await app.services.plans.agree(team.worker, caseId, draft.id, hidden.version, {
      agreedOn: '2026-03-02',
      agreedWith: 'Ade Okafor',
    })
    await app.services.plans.setActionStatus(team.worker, caseId, draft.id, draft.actionId, agreed.version, {
      status: 'in-progress',
      statusNote: 'Worker note: Ade was late twice.',
    })

    const response = await worker.get(`${tab(caseId)}/${draft.id}/family-copy`)
    assert.equal(response.status, 200)
    const html = await response.text()
    assert.match(html, /<title>Family copy of the plan – Hearth<\/title>/)
    assert.match(html, /The Okafor family/)
    assert.match(html, /<h1 class="govuk-heading-l">Family Action Plan<\/h1>/)
    assert.match(html, /We agreed this plan together on 2 March 2026, with Ade Okafor\./)
    for (const heading of [
      'What we are working on together',
      "What we'd like to see",
      'What will help',
      'Who will do what, and by when',
      "How we'll know things are better",
    ]) {
      assert.ok(html.includes(heading), `the copy has "${heading}"`)
    }
    assert.match(html, /Triple P \(Positive Parenting Program\)/)
    assert.match(html, /Triple P group, eight weekly sessions/)
    assert.match(html, />Started</)
    assert.doesNotMatch(html, /moj-sub-navigation/, 'no case shell')
    for (const hiddenText of [
      'Check with the police',
      'triple-p',
      'Worker note',
      'Superseded',
      'In progress',
      'Not in the family',
      'Social worker’s request',
      'Headline outcome',
    ]) {
      assert.ok(!html.includes(hiddenText), `the family copy does not show "${hiddenText}"`)
    }
    const views = (await auditOf(draft.id)).filter((e) => e.action === 'view')
    assert.ok(views.some((e) => (e.details as Record<string, string>).page === 'family-copy'))

    const staffView = await (await worker.get(`${tab(caseId)}/${draft.id}`)).text()
    assert.match(staffView, /Check with the police about the incident in February/)
    assert.match(staffView, /Not in the family’s copy/)
  })
})

describe('Staying Together: pieces of work the social worker asked for', () => {
  test('the allocated social worker asks; the request is in the plan; they see its progress', async () => {
    const form = await socialWorker.get(`${tab(stayingTogether)}/requests/new`)
    assert.equal(form.status, 200)
    assert.match(
      await form.text(),
      /the allocated social worker will ask the Staying Together team to undertake particular pieces of work/,
    )

    const missing = await socialWorker.post(`${tab(stayingTogether)}/requests/new`, {
      what: '',
      who: 'The key worker',
      'byWhen-day': '31',
      'byWhen-month': '2',
      'byWhen-year': '2026',
    })
    assert.equal(missing.status, 400)
    const missingHtml = await missing.text()
    assert.match(missingHtml, /href="#what">Enter the piece of work you are asking for/)
    assert.match(missingHtml, /href="#byWhen-day">The date it is needed by must be a real date/)

    const sent = await socialWorker.post(`${tab(stayingTogether)}/requests/new`, {
      what: 'Work with Jordan and Sam on arguments without anyone leaving the house',
      who: 'The key worker',
      'byWhen-day': '30',
      'byWhen-month': '4',
      'byWhen-year': '2026',
    })
    assert.equal(sent.status, 303)
    const list = await app.services.plans.list(team.worker, stayingTogether)
    const request = list.requests[0]
    assert.ok(request)
    assert.equal(request.requestedBySocialWorker, true)
    assert.equal(list.family.draft?.edition, 1, 'the request started the plan as a draft')

    // The key worker writes a goal for it, agrees the plan, and records progress.
    const draftId = list.family.draft?.id as string
    const goal = await app.services.plans.saveGoal(
      team.worker,
      stayingTogether,
      draftId,
      list.family.draft?.version as number,
      null,
      {
        need: 'Arguments end with Jordan leaving the house.',
        outcome: 'Arguments are talked through at home.',
      },
    )
    const linked = await app.services.plans.saveAction(
      team.worker,
      stayingTogether,
      draftId,
      goal.version,
      request.id,
      {
        goalId: goal.goalId,
        what: request.what,
        who: request.who,
        byWhen: request.byWhen,
      },
    )
    const agreed = await app.services.plans.agree(team.worker, stayingTogether, draftId, linked.version, {
      agreedOn: '2026-03-02',
      agreedWith: 'Sam and Jordan Ellis, and their social worker',
    })
    // Asked for again, on the agreed plan: what was agreed stays as it was; the request starts the
    // next edition, for the family to agree, and is audited.
    const second = await app.services.plans.addRequest(team.socialWorker, stayingTogether, {
      what: 'Help Jordan back into school',
      who: 'The key worker',
    })
    assert.notEqual(second.planId, draftId)
    const afterRequest = await app.services.plans.list(team.worker, stayingTogether)
    assert.equal(afterRequest.family.inForce?.id, draftId)
    assert.equal(afterRequest.family.inForce?.actions.length, 1, 'the agreed edition is unchanged')
    assert.equal(afterRequest.family.draft?.edition, 2)
    assert.match(afterRequest.family.draft?.changeReason ?? '', /social worker asked for a piece of work/)
    await app.services.plans.setActionStatus(team.worker, stayingTogether, draftId, request.id, agreed.version, {
      status: 'in-progress',
    })
    assert.ok((await auditOf(second.actionId)).some((e) => e.action === 'create'))

    const page = await (await socialWorker.get(tab(stayingTogether))).text()
    assert.match(page, /id="requests-heading">Pieces of work the social worker asked for<\/h2>/)
    assert.match(page, /id="family-heading">Measurable goals<\/h2>/)
    const section = page.slice(page.indexOf('requests-heading'), page.indexOf('family-heading'))
    assert.match(section, /Work with Jordan and Sam on arguments without anyone leaving the house/)
    assert.match(section, /In progress/)
    assert.match(section, /Help Jordan back into school/)
    assert.match(section, /Not started/)
    assert.match(section, /Ask for a piece of work/)

    // Only the allocated social worker asks, and only where the service takes requests.
    await assert.rejects(
      app.services.plans.addRequest(team.worker, stayingTogether, { what: 'x', who: 'y' }),
      (e: unknown) =>
        e instanceof InvalidInputError && /Only the family's allocated social worker/.test(e.fields.form ?? ''),
    )
    const workerPage = await (await worker.get(tab(stayingTogether))).text()
    assert.doesNotMatch(workerPage, /Ask for a piece of work/)
    assert.equal((await worker.get(`${tab(stayingTogether)}/requests/new`)).status, 303)
    await assert.rejects(
      app.services.plans.addRequest(team.socialWorker, lewisham, { what: 'x', who: 'y' }),
      (e: unknown) => e instanceof InvalidInputError && /does not take requests/.test(e.fields.form ?? ''),
    )
  })
})

describe('writing a draft on the pages', () => {
  let planId: string

  test('bad input comes back with every problem in an error summary, keeping what was typed', async () => {
    planId = await startOnPage(worker, derbyshire, 'family-action')
    const base = `${tab(derbyshire)}/${planId}`
    const goalForm = await (await worker.get(`${base}/goals/new`)).text()
    assert.match(goalForm, /<title>Add a goal – Hearth<\/title>/)
    assert.match(goalForm, /Supporting Families headline outcome/)

    const blank = await worker.post(`${base}/goals/new`, {
      need: '',
      outcome: ' ',
      howWeKnow: 'Kept: "Lee" <smiles>',
      version: '1',
    })
    assert.equal(blank.status, 400)
    const blankHtml = await blank.text()
    assert.match(blankHtml, /<title>Error: Add a goal – Hearth<\/title>/)
    assert.match(blankHtml, /There is a problem/)
    assert.match(blankHtml, /href="#need">Enter the need: what the family is working on/)
    assert.match(blankHtml, /href="#outcome">Enter the outcome the family wants to see/)
    assert.match(blankHtml, /Kept: &quot;Lee&quot; &lt;smiles&gt;/)

    const goal = await worker.post(`${base}/goals/new`, {
      need: 'Morgan finds mornings hard.',
      outcome: 'Calm mornings, on time for school.',
      headlineOutcome: '2',
      version: '1',
    })
    assert.equal(goal.status, 303)
    const { plan } = await app.services.plans.get(team.worker, derbyshire, planId)
    const goalId = plan.goals[0]?.id as string

    const actionForm = await (await worker.get(`${base}/actions/new?goalId=${goalId}`)).text()
    assert.match(actionForm, new RegExp(`<option value="${goalId}" selected>Goal 1: Morgan finds mornings hard\\.`))
    assert.match(actionForm, /Direct, relationship-based work with the family/)

    const bad = await worker.post(`${base}/actions/new`, {
      goalId,
      what: '',
      who: 'x'.repeat(201),
      'byWhen-day': '30',
      'byWhen-month': '2',
      'byWhen-year': '2026',
      version: '2',
    })
    assert.equal(bad.status, 400)
    const badHtml = await bad.text()
    assert.match(badHtml, /href="#what">Enter what will be done/)
    assert.match(badHtml, /href="#who">Who will do it must be 200 characters or fewer/)
    assert.match(badHtml, /href="#byWhen-day">The date it will be done by must be a real date/)

    const notOffered = await worker.post(`${base}/actions/new`, {
      goalId,
      what: 'A morning routine chart',
      who: 'Key worker',
      supportId: 'triple-p',
      version: '2',
    })
    assert.equal(notOffered.status, 400)
    assert.match(await notOffered.text(), /href="#supportId">Choose support from the service&#39;s list/)

    const noGoal = await worker.post(`${base}/actions/new`, { goalId: '', what: 'x', who: 'y', version: '2' })
    assert.equal(noGoal.status, 400)
    assert.match(await noGoal.text(), /href="#goalId">Choose the goal this action is for/)

    const agree = await worker.post(`${base}/agree`, {
      'agreedOn-day': '3',
      'agreedOn-month': '3',
      'agreedOn-year': '2026',
      agreedWith: '',
      version: '2',
    })
    assert.equal(agree.status, 400)
    const agreeHtml = await agree.text()
    assert.match(agreeHtml, /href="#agreedOn-day">The date the plan was agreed must be today or in the past/)
    assert.match(agreeHtml, /href="#agreedWith">Enter who the plan was agreed with/)
    assert.match(agreeHtml, new RegExp(`href="#goal-${goalId}">Add at least one action to goal 1`))
    const before = await worker.post(`${base}/agree`, {
      'agreedOn-day': '1',
      'agreedOn-month': '3',
      'agreedOn-year': '2026',
      agreedWith: 'Lee',
      version: '2',
    })
    assert.match(await before.text(), /must be on or after 2 March 2026, when the family was accepted/)
    assert.equal((await app.services.plans.get(team.worker, derbyshire, planId)).plan.status, 'draft')
  })

  test('a change made on an out-of-date page answers 409 and keeps what was typed', async () => {
    const base = `${tab(derbyshire)}/${planId}`
    const { plan } = await app.services.plans.get(team.worker, derbyshire, planId)
    const goalId = plan.goals[0]?.id as string
    const form = await (await worker.get(`${base}/goals/${goalId}`)).text()
    assert.match(form, new RegExp(`name="version" value="${plan.version}"`))
    // A colleague saves first.
    await app.services.plans.saveDetails(team.colleague, derbyshire, planId, plan.version, {
      summary: 'Lee wants mornings to be calmer.',
    })
    const stale = await worker.post(`${base}/goals/${goalId}`, {
      need: 'Morgan finds mornings hard, and so does Lee.',
      outcome: 'Calm mornings, on time for school.',
      version: String(plan.version),
    })
    assert.equal(stale.status, 409)
    const html = await stale.text()
    assert.match(html, /This plan was changed by someone else since you opened it/)
    assert.match(html, /Morgan finds mornings hard, and so does Lee\./)
    assert.match(html, new RegExp(`name="version" value="${plan.version + 1}"`))
    await assert.rejects(
      app.services.plans.saveGoal(team.worker, derbyshire, planId, plan.version, goalId, {
        need: 'x',
        outcome: 'y',
      }),
      ConflictError,
    )
    const saved = await worker.post(`${base}/goals/${goalId}`, {
      need: 'Morgan finds mornings hard, and so does Lee.',
      outcome: 'Calm mornings, on time for school.',
      version: String(plan.version + 1),
    })
    assert.equal(saved.status, 303)
    const now = (await app.services.plans.get(team.worker, derbyshire, planId)).plan
    assert.equal(now.goals[0]?.need, 'Morgan finds mornings hard, and so does Lee.')
    assert.equal(now.summary, 'Lee wants mornings to be calmer.')
  })

  test('a goal is removed with its actions; other teams find nothing', async () => {
    const base = `${tab(derbyshire)}/${planId}`
    const { plan } = await app.services.plans.get(team.worker, derbyshire, planId)
    const goalId = plan.goals[0]?.id as string
    const removed = await worker.post(`${base}/goals/${goalId}/remove`, { version: String(plan.version) }, base)
    assert.equal(removed.status, 303)
    assert.equal((await app.services.plans.get(team.worker, derbyshire, planId)).plan.goals.length, 0)

    for (const path of [tab(derbyshire), base, `${base}/goals/new`, `${base}/family-copy`]) {
      assert.equal((await outsiderWeb.get(path)).status, 404, path)
    }
    await assert.rejects(app.services.plans.get(outsider, derbyshire, planId), NotFoundError)
    await assert.rejects(app.services.plans.start(outsider, derbyshire, 'family-action'), NotFoundError)
    assert.equal((await worker.get(`${tab(lewisham)}/${planId}`)).status, 404, 'not through another case')
  })
})

describe('the API', () => {
  async function tokenFor(userId: string) {
    return (await app.services.apiTokens.create({ actor: { type: 'cli', authorityId } }, userId, 'plans')).token
  }

  test('start, replace, agree, sign off, progress and the family copy; problems as problem+json', async () => {
    const caseId = await openCase(app.services, team.manager, 'lewisham-safer-stronger')
    const { row } = await app.services.cases.open(team.manager, caseId)
    await app.services.cases.allocate(team.manager, caseId, {
      keyWorkerId: team.people.worker.id,
      version: row.version,
    })
    const token = await tokenFor(team.people.worker.id)
    const managerToken = await tokenFor(team.people.manager.id)
    const api = (method: string, path: string, json?: unknown, as = token) =>
      callApi(app.baseUrl, as, method, `/cases/${caseId}${path}`, json)

    const started = await api('POST', '/plans', { kind: 'family-action' })
    assert.equal(started.status, 201)
    const { id } = await started.json()
    assert.equal((await api('POST', '/plans', { kind: 'family-action' })).status, 400, 'one plan of a kind')

    const bad = await api('PUT', `/plans/${id}`, {
      version: 1,
      goals: [{ need: '', outcome: 'x', actions: [{ what: 'y', who: 'z', supportId: 'not-in-catalogue' }] }],
    })
    assert.equal(bad.status, 400)
    assert.equal(bad.headers.get('content-type'), 'application/problem+json; charset=utf-8')
    assert.ok((await bad.json()).errors.some((e: { name: string }) => e.name === 'goals.0.need'))
    const badSupport = await api('PUT', `/plans/${id}`, {
      version: 1,
      goals: [{ need: 'n', outcome: 'o', actions: [{ what: 'y', who: 'z', supportId: 'not-in-catalogue' }] }],
    })
    assert.equal(badSupport.status, 400)
    assert.deepEqual(
      (await badSupport.json()).errors.map((e: { name: string }) => e.name),
      ['goals.0.actions.0.supportId'],
    )

    const put = await api('PUT', `/plans/${id}`, {
      version: 1,
      summary: 'A calmer home.',
      goals: [
        {
          need: 'Mornings are a battle.',
          outcome: 'Calm mornings.',
          headlineOutcome: 1,
          actions: [
            { what: 'Solution-focused sessions', who: 'Key worker', supportId: 'sfbt' },
            { what: 'Check with the school nurse', who: 'Key worker', professionalOnly: true },
          ],
        },
      ],
    })
    assert.equal(put.status, 200)
    assert.deepEqual(await put.json(), { version: 2 })
    const stale = await api('PUT', `/plans/${id}`, { version: 1, goals: [] })
    assert.equal(stale.status, 409)
    assert.match((await stale.json()).detail, /changed by someone else/)

    const got = await (await api('GET', `/plans/${id}`)).json()
    assert.equal(got.status, 'draft')
    assert.equal(got.goals[0].need, 'Mornings are a battle.')
    assert.equal(got.actions.length, 2)
    assert.equal(got.actions[0].goalId, got.goals[0].id)

    // Replacing again keeps ids given, and each action's progress.
    const kept = await api('PUT', `/plans/${id}`, {
      version: 2,
      summary: 'A calmer home.',
      goals: [
        {
          id: got.goals[0].id,
          need: 'Mornings are a battle.',
          outcome: 'Calm, on-time mornings.',
          actions: [{ id: got.actions[0].id, what: 'Solution-focused sessions', who: 'Key worker', supportId: 'sfbt' }],
        },
      ],
    })
    assert.equal(kept.status, 200)

    const early = await api('POST', `/plans/${id}/agree`, { version: 3, agreedOn: '2026-03-09', agreedWith: '' })
    assert.equal(early.status, 400)
    const earlyNames = (await early.json()).errors.map((e: { name: string }) => e.name).sort()
    assert.deepEqual(earlyNames, ['agreedWith'])
    const future = await api('POST', `/plans/${id}/agree`, { version: 3, agreedOn: '2026-03-09', agreedWith: 'Ade' })
    assert.deepEqual(
      (await future.json()).errors.map((e: { name: string }) => e.name),
      ['agreedOn'],
    )
    const agreed = await api('POST', `/plans/${id}/agree`, { version: 3, agreedOn: '2026-03-02', agreedWith: 'Ade' })
    assert.equal(agreed.status, 200)

    assert.equal((await api('POST', `/plans/${id}/sign-off`, { version: 4 })).status, 403)
    const signed = await api('POST', `/plans/${id}/sign-off`, { version: 4 }, managerToken)
    assert.equal(signed.status, 200)

    const patched = await api('PATCH', `/plans/${id}/actions/${got.actions[0].id}`, {
      version: 5,
      status: 'done',
      statusNote: 'All six sessions.',
    })
    assert.equal(patched.status, 200)

    const copy = await (await api('GET', `/plans/${id}/family-copy`)).json()
    assert.equal(copy.planName, 'Family Action Plan')
    assert.equal(copy.agreedOn, '2026-03-02')
    assert.equal(copy.goals[0].wouldLikeToSee, 'Calm, on-time mornings.')
    assert.deepEqual(copy.goals[0].whatWillHelp, ['Solution Focused Brief Therapy'])
    assert.equal(copy.goals[0].whoDoesWhat[0].progress, 'Done')
    assert.doesNotMatch(JSON.stringify(copy), /school nurse|All six sessions|sfbt/)

    const edition = await api('POST', `/plans/${id}/editions`, { version: 6, changeReason: 'A new goal.' })
    assert.equal(edition.status, 201)
    const editions = await (await api('GET', '/plans')).json()
    assert.deepEqual(
      editions.map((e: { edition: number; status: string }) => [e.edition, e.status]),
      [
        [2, 'draft'],
        [1, 'agreed'],
      ],
    )
    assert.equal(editions[1].signedOffAt, now.toISOString())
  })

  test('the OpenAPI document describes the plan routes', async () => {
    const document = await (await fetch(`${app.baseUrl}/api/v1/openapi.json`)).json()
    assert.ok(document.paths['/cases/{caseId}/plans']?.get)
    assert.ok(document.paths['/cases/{caseId}/plans']?.post)
    assert.ok(document.paths['/cases/{caseId}/plans/{planId}']?.put)
    assert.ok(document.paths['/cases/{caseId}/plans/{planId}/actions/{actionId}']?.patch)
    assert.match(JSON.stringify(document.paths['/cases/{caseId}/plans/{planId}'].get), /Plan/)
  })
})

describe('two workers at once', () => {
  test('two "Start the plan" clicks at the same moment make one plan, and the other is told why', async () => {
    const caseId = await openCase(app.services, team.manager, 'lewisham-safer-stronger')
    const { row } = await app.services.cases.open(team.manager, caseId)
    await app.services.cases.allocate(team.manager, caseId, {
      keyWorkerId: team.people.worker.id,
      version: row.version,
    })
    const results = await Promise.allSettled([
      app.services.plans.start(team.worker, caseId, 'family-action'),
      app.services.plans.start(team.worker, caseId, 'family-action'),
    ])
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one plan is started')
    const refused = results.find((r) => r.status === 'rejected')
    assert.ok(refused && refused.reason instanceof InvalidInputError, 'the other is a clear refusal, not a crash')
    assert.match(refused.reason.fields.kind ?? '', /already has/)
  })
})

describe('a closed case', () => {
  test('keeps its plans to read, and refuses every change', async () => {
    const { row } = await app.services.cases.open(team.manager, derbyshire)
    await app.services.cases.move(team.manager, derbyshire, row.version, 'closed', now)
    const list = await app.services.plans.list(team.worker, derbyshire)
    assert.equal(list.closed, true)
    const planId = list.family.draft?.id as string
    const page = await (await worker.get(tab(derbyshire))).text()
    assert.match(page, /The case is closed, so its plans can be read but no longer changed/)
    const form = await worker.get(`${tab(derbyshire)}/${planId}/goals/new`)
    assert.equal(form.status, 303)
    await assert.rejects(
      app.services.plans.saveDetails(team.worker, derbyshire, planId, list.family.draft?.version as number, {
        summary: 'After closure',
      }),
      (e: unknown) => e instanceof InvalidInputError && /The case is closed/.test(e.fields.form ?? ''),
    )
    await assert.rejects(app.services.plans.start(team.worker, derbyshire, 'family-action'), InvalidInputError)
  })
})
