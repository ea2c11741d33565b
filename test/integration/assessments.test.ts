import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ConflictError, InvalidInputError, NotFoundError } from '../../src/services/errors.ts'
import { callApi } from '../helpers/api.ts'
import { addUser, setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { caseworkTeam, openCase, userCtx } from '../helpers/cases.ts'
import { WebClient } from '../helpers/client.ts'

/**
 * The Early Help Assessment (STARS: "A families strengths and their worries will be captured
 * within an Early Help Assessment with each family"): drafted, saved, completed, kept.
 */

let app: TestApp
let authorityId: string
let team: Awaited<ReturnType<typeof caseworkTeam>>
let caseId: string
let children: { personId: string; givenName: string }[]

before(async () => {
  app = await startTestApp()
  authorityId = (await setUpAuthority(app.services)).authorityId
  team = await caseworkTeam(app.services, authorityId)
  caseId = await openCase(app.services, team.manager, 'derbyshire-stronger-families')
  await app.services.cases.allocate(team.manager, caseId, {
    keyWorkerId: team.people.worker.id,
    version: (await app.services.cases.open(team.manager, caseId)).row.version,
  })
  children = (await app.services.assessments.list(team.worker, caseId)).children
})
after(() => app.close())

function whole() {
  return {
    familyStory: 'Synthetic: Lee moved here with the children last spring.',
    children: children.map((c) => ({ personId: c.personId, story: `Synthetic: ${c.givenName} loves drawing.` })),
    parentsVoice: 'Synthetic: Lee wants bedtimes to be calmer.',
    domains: {
      'child-development': { strengths: 'Synthetic: doing well at nursery.' },
      'parenting-capacity': { worries: 'Synthetic: Lee is exhausted.' },
      'family-environment': { strengths: 'Synthetic: a helpful neighbour.' },
    },
    workingWell: 'Synthetic: the children are close.',
    worries: 'Synthetic: evenings end in shouting.',
    needsToHappen: 'Synthetic: a bedtime routine and a break for Lee.',
    headlineNeeds: [5, 3],
  }
}

describe('writing and completing an assessment', () => {
  test('a draft is saved half-written; completing names every part still missing', async () => {
    const id = await app.services.assessments.start(team.worker, caseId)
    assert.equal(await app.services.assessments.start(team.worker, caseId), id, 'one draft at a time')
    const version = await app.services.assessments.save(team.worker, caseId, id, 1, {
      familyStory: 'Synthetic: a first go.',
    })
    assert.equal(version, 2)
    await assert.rejects(
      app.services.assessments.complete(team.worker, caseId, id, version),
      (e: unknown) =>
        e instanceof InvalidInputError &&
        'parentsVoice' in e.fields &&
        'headlineNeeds' in e.fields &&
        children.every((c) => `child-${c.personId}-story` in e.fields) &&
        !('familyStory' in e.fields),
    )
    await assert.rejects(
      app.services.assessments.save(team.worker, caseId, id, 1, { familyStory: 'Synthetic: stale.' }),
      ConflictError,
      'a save on an old version is refused',
    )
    const saved = await app.services.assessments.save(team.worker, caseId, id, version, whole())
    await app.services.assessments.complete(team.worker, caseId, id, saved)
    const { assessments } = await app.services.assessments.list(team.worker, caseId)
    assert.equal(assessments[0]?.status, 'completed')
    assert.deepEqual(assessments[0]?.content.headlineNeeds, [5, 3])
    const opened = await app.services.cases.open(team.worker, caseId)
    assert.ok(opened.state.events.some((e) => e.type === 'assessment-completed'))
    const chronology = await app.services.chronology.list(team.worker, caseId, {}, 1)
    assert.ok(JSON.stringify(chronology).includes('Early Help Assessment completed'))
    await assert.rejects(
      app.services.assessments.save(team.worker, caseId, id, saved + 1, whole()),
      InvalidInputError,
      'a completed assessment is kept as it was',
    )
    // Each child's own story is shown under their name.
    const web = new WebClient(app.baseUrl)
    await web.signIn(team.people.worker.email, team.people.worker.password)
    const page = await (await web.get(`/cases/${caseId}/assessment`)).text()
    assert.equal(children.length, 2)
    for (const child of children) {
      assert.match(
        page,
        new RegExp(
          `${child.givenName}</h4>\\s*<p class="govuk-body hearth-pre">Synthetic: ${child.givenName} loves drawing\\.`,
        ),
      )
    }
  })

  test('a reassessment starts from the last one’s words', async () => {
    const id = await app.services.assessments.start(team.worker, caseId)
    const { assessments } = await app.services.assessments.list(team.worker, caseId)
    const draft = assessments.find((a) => a.id === id)
    assert.equal(draft?.status, 'draft')
    assert.equal(draft?.content.familyStory, whole().familyStory)
  })

  test('another team’s practitioner cannot find it', async () => {
    const { id: otherTeam } = await app.services.teams.create(
      { actor: { type: 'cli', authorityId } },
      { name: 'Other' },
    )
    const stranger = await addUser(app.services, authorityId, 'practitioner', otherTeam)
    await assert.rejects(
      app.services.assessments.list(userCtx(authorityId, stranger.id, 'practitioner'), caseId),
      NotFoundError,
    )
  })
})

describe('the pages', () => {
  test('what is missing comes back in an error summary, with everything typed kept', async () => {
    const web = new WebClient(app.baseUrl)
    await web.signIn(team.people.worker.email, team.people.worker.password)
    const other = await openCase(app.services, team.manager, 'lewisham-safer-stronger')
    await app.services.cases.allocate(team.manager, other, {
      keyWorkerId: team.people.worker.id,
      version: (await app.services.cases.open(team.manager, other)).row.version,
    })
    assert.match(await (await web.get(`/cases/${other}/assessment`)).text(), /Start the assessment/)
    const started = await web.post(`/cases/${other}/assessment/start`, {})
    assert.equal(started.status, 303)
    const edit = started.headers.get('location') as string
    const form = await (await web.get(edit)).text()
    const version = /name="version" value="(\d+)"/.exec(form)?.[1] as string
    const missing = await web.post(edit, {
      version,
      familyStory: 'Synthetic: Ade and Robin live with Gran.',
      action: 'complete',
    })
    assert.equal(missing.status, 400)
    const html = await missing.text()
    assert.match(html, /There is a problem/)
    assert.match(html, /Write what the parents or carers say/)
    assert.match(html, /Synthetic: Ade and Robin live with Gran\./, 'what was typed is kept')
    const draft = await web.post(edit, {
      version: /name="version" value="(\d+)"/.exec(html)?.[1] as string,
      familyStory: 'Synthetic: Ade and Robin live with Gran.',
      headlineNeeds: ['1', '5'],
      action: 'save',
    })
    assert.equal(draft.status, 303)
    const reread = await (await web.get(edit)).text()
    assert.match(reread, /value="1" checked/)
  })
})

describe('the API', () => {
  test('start, save with the version read, and complete', async () => {
    const cli = { actor: { type: 'cli' as const, authorityId } }
    const token = (await app.services.apiTokens.create(cli, team.people.worker.id, 'assessments')).token
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await callApi(app.baseUrl, token, method, path, body)
      return { status: response.status, body: response.status === 204 ? undefined : await response.json() }
    }
    const fresh = await openCase(app.services, team.manager, 'derbyshire-stronger-families')
    await app.services.cases.allocate(team.manager, fresh, {
      keyWorkerId: team.people.worker.id,
      version: (await app.services.cases.open(team.manager, fresh)).row.version,
    })
    const kids = (await app.services.assessments.list(team.worker, fresh)).children
    const started = await call('POST', `/cases/${fresh}/assessments`)
    assert.equal(started.status, 201)
    const content = { ...whole(), children: kids.map((c) => ({ personId: c.personId, voice: 'Synthetic.' })) }
    const saved = await call('PATCH', `/cases/${fresh}/assessments/${started.body.id}`, { ...content, version: 1 })
    assert.equal(saved.status, 200)
    const stale = await call('PATCH', `/cases/${fresh}/assessments/${started.body.id}`, { ...content, version: 1 })
    assert.equal(stale.status, 409)
    const done = await call('POST', `/cases/${fresh}/assessments/${started.body.id}/complete`, {
      version: saved.body.version,
    })
    assert.equal(done.status, 204)
    const list = await call('GET', `/cases/${fresh}/assessments`)
    assert.equal(list.body[0].status, 'completed')
  })
})
