import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { eq } from 'drizzle-orm'
import { auditEvent } from '../../src/db/schema/index.ts'
import type { RequestContext } from '../../src/services/context.ts'
import { InvalidInputError, NotFoundError } from '../../src/services/errors.ts'
import { callApi } from '../helpers/api.ts'
import { addUser, setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { caseworkTeam, openCase, userCtx } from '../helpers/cases.ts'
import { WebClient } from '../helpers/client.ts'

/**
 * Case consultation and formulation, which Derbyshire's Stronger Families team offers to the
 * allocated worker: recorded and listed newest first with the service's reason, noted in the
 * chronology, corrected without losing anyone's words, and absent from services that do not
 * offer them.
 */

// Monday 2 March 2026.
const now = new Date('2026-03-02T10:00:00Z')

let app: TestApp
let authorityId: string
let team: Awaited<ReturnType<typeof caseworkTeam>>
let derbyshire: string
let lewisham: string
let outsider: RequestContext
let outsiderId: string
let worker: WebClient
let outsiderWeb: WebClient

before(async () => {
  app = await startTestApp({ clock: () => now })
  authorityId = (await setUpAuthority(app.services)).authorityId
  team = await caseworkTeam(app.services, authorityId)
  derbyshire = await openCase(app.services, team.manager, 'derbyshire-stronger-families')
  lewisham = await openCase(app.services, team.manager, 'lewisham-safer-stronger')
  for (const caseId of [derbyshire, lewisham]) {
    const { row } = await app.services.cases.open(team.manager, caseId)
    await app.services.cases.allocate(team.manager, caseId, {
      keyWorkerId: team.people.worker.id,
      version: row.version,
    })
  }

  const { id: otherTeam } = await app.services.teams.create({ actor: { type: 'cli', authorityId } }, { name: 'Other' })
  const other = await addUser(app.services, authorityId, 'practitioner', otherTeam)
  outsiderId = other.id
  outsider = userCtx(authorityId, other.id, 'practitioner')

  worker = new WebClient(app.baseUrl)
  assert.equal((await worker.signIn(team.people.worker.email, team.people.worker.password)).status, 303)
  outsiderWeb = new WebClient(app.baseUrl)
  assert.equal((await outsiderWeb.signIn(other.email, other.password)).status, 303)
})
after(() => app.close())

const page = (caseId = derbyshire) => `/cases/${caseId}/consultation`

function consultationForm(fields: Record<string, string> = {}): Record<string, string> {
  return {
    'heldOn-day': '25',
    'heldOn-month': '2',
    'heldOn-year': '2026',
    attendees: 'Key worker, systemic consultant, team manager',
    dilemma: 'Morgan will not go to school and Lee feels blamed by every professional.',
    hypotheses: 'Perhaps school feels unsafe since the move.',
    ideas: 'Ask Lee what helped when Morgan was younger.',
    actions: 'Key worker to map the network with Lee.',
    'nextOn-day': '25',
    'nextOn-month': '3',
    'nextOn-year': '2026',
    ...fields,
  }
}

function formulationForm(fields: Record<string, string> = {}): Record<string, string> {
  return {
    'writtenOn-day': '26',
    'writtenOn-month': '2',
    'writtenOn-year': '2026',
    presenting: 'Morgan is missing school; arguments at bedtime.',
    predisposing: 'Two house moves in a year.',
    precipitating: 'Grandmother moved away in January.',
    perpetuating: 'Lee works nights, so mornings are rushed.',
    protective: 'Lee and Morgan share a love of football.',
    ...fields,
  }
}

/** The titles of the summary cards on the page, in the order shown. */
function cards(html: string): string[] {
  return [...html.matchAll(/<h4 class="govuk-summary-card__title">([^<]*)<\/h4>/g)].map((m) => m[1] as string)
}

async function auditOf(recordType: string) {
  return app.services.database.withTenant(authorityId, (tx) =>
    tx.select().from(auditEvent).where(eq(auditEvent.recordType, recordType)),
  )
}

describe('which services offer them', () => {
  test('a Derbyshire case has the tab, the reason from the source, and a button for each', async () => {
    const overview = await (await worker.get(`/cases/${derbyshire}`)).text()
    assert.match(overview, new RegExp(`href="${page()}">Consultations</a>`))

    const response = await worker.get(page())
    assert.equal(response.status, 200)
    const html = await response.text()
    assert.match(html, /<title>Consultation and formulation – Hearth<\/title>/)
    assert.match(html, /href="[^"]+\/consultation" aria-current="page"/)
    assert.match(html, /Why:<\/strong> the service says “consultation is a reflective space to support/)
    assert.match(html, /Why:<\/strong> the service says “A case formulation is the gathering and understanding/)
    assert.match(html, /How Hearth reads this:<\/span> Hearth records a formulation in the &quot;5 Ps&quot;/)
    assert.match(html, new RegExp(`href="/cases/${derbyshire}/consultation/new"[^>]*>\\s*Record a consultation`))
    assert.match(html, new RegExp(`href="/cases/${derbyshire}/formulation/new"[^>]*>\\s*Record a formulation`))
    assert.match(html, /No consultations recorded yet/)
    assert.match(html, /No formulations recorded yet/)
  })

  test('a Lewisham case has no such tab, page or form, and the service refuses to record one', async () => {
    const overview = await worker.get(`/cases/${lewisham}`)
    assert.equal(overview.status, 200)
    const html = await overview.text()
    assert.doesNotMatch(html, />Consultations</)
    assert.doesNotMatch(html, /\/consultation"/)

    assert.equal((await worker.get(page(lewisham))).status, 404)
    assert.equal((await worker.get(`${page(lewisham)}/new`)).status, 404)
    assert.equal((await worker.get(`/cases/${lewisham}/formulation/new`)).status, 404)
    const posted = await worker.post(`${page(lewisham)}/new`, consultationForm(), `/cases/${lewisham}/chronology/new`)
    assert.equal(posted.status, 404)

    await assert.rejects(
      app.services.consultations.recordConsultation(team.worker, lewisham, {
        heldOn: '2026-02-25',
        attendees: 'Key worker',
        dilemma: 'A dilemma',
      }),
      (e: unknown) => e instanceof InvalidInputError && /does not offer case consultations/.test(e.fields.form ?? ''),
    )
    await assert.rejects(
      app.services.consultations.recordFormulation(team.worker, lewisham, {
        writtenOn: '2026-02-25',
        presenting: 'Presenting',
      }),
      InvalidInputError,
    )
    const list = await app.services.consultations.list(team.worker, lewisham)
    assert.deepEqual(list.offers, { consultation: null, formulation: null, closed: false })
  })
})

describe('recording', () => {
  test('a worker records consultations and a formulation; the page lists them newest first', async () => {
    const form = await worker.get(`${page()}/new`)
    assert.equal(form.status, 200)
    const formHtml = await form.text()
    assert.match(formHtml, /<title>Record a case consultation – Hearth<\/title>/)
    assert.match(formHtml, /name="heldOn-day"/)
    assert.match(formHtml, /Bring the genogram/)

    const posted = await worker.post(`${page()}/new`, consultationForm())
    assert.equal(posted.status, 303)
    assert.equal(posted.headers.get('location'), page())
    // An earlier one, recorded afterwards: it still lists below the later one.
    const earlier = await worker.post(
      `${page()}/new`,
      consultationForm({
        'heldOn-day': '4',
        dilemma: 'How to begin with a father who has been let down before.',
        hypotheses: '',
        ideas: '',
        actions: '',
        'nextOn-day': '',
        'nextOn-month': '',
        'nextOn-year': '',
      }),
    )
    assert.equal(earlier.status, 303)

    const formulation = await worker.post(`/cases/${derbyshire}/formulation/new`, formulationForm())
    assert.equal(formulation.status, 303)
    assert.equal(formulation.headers.get('location'), page())

    const html = await (await worker.get(page())).text()
    assert.match(html, /Case formulation recorded/)
    assert.deepEqual(cards(html), [
      'Consultation on 25 February 2026',
      'Consultation on 4 February 2026',
      'Formulation of 26 February 2026',
    ])
    for (const text of [
      'Key worker, systemic consultant, team manager',
      'Morgan will not go to school and Lee feels blamed by every professional.',
      'Perhaps school feels unsafe since the move.',
      'Ask Lee what helped when Morgan was younger.',
      'Key worker to map the network with Lee.',
      '25 March 2026',
      'How to begin with a father who has been let down before.',
      'Morgan is missing school; arguments at bedtime.',
      'Two house moves in a year.',
      'Grandmother moved away in January.',
      'Lee works nights, so mornings are rushed.',
      'Lee and Morgan share a love of football.',
    ]) {
      assert.ok(html.includes(text), `the page shows: ${text}`)
    }
    for (const p of ['Presenting', 'Predisposing', 'Precipitating', 'Perpetuating', 'Protective']) {
      assert.match(html, new RegExp(`<dt class="govuk-summary-list__key">${p}</dt>`))
    }
    assert.match(html, /Recorded by /)

    const list = await app.services.consultations.list(team.worker, derbyshire)
    assert.deepEqual(
      list.consultations.map((c) => [c.heldOn, c.nextOn, c.hypotheses]),
      [
        ['2026-02-25', '2026-03-25', 'Perhaps school feels unsafe since the move.'],
        ['2026-02-04', null, null],
      ],
    )
    assert.equal(list.formulations[0]?.recordedBy.id, team.people.worker.id)
  })

  test('each record joins the chronology, as Hearth wrote it', async () => {
    const list = await app.services.consultations.list(team.worker, derbyshire)
    const entries = (await app.services.chronology.list(team.worker, derbyshire, { origin: 'hearth' })).entries
    const consultation = list.consultations[0]
    const formulation = list.formulations[0]
    assert.ok(consultation && formulation)

    const held = entries.find((e) => e.originId === consultation.id)
    assert.ok(held, 'a chronology entry for the consultation')
    assert.equal(held.headline, 'Case consultation held')
    assert.equal(held.category, 'plan')
    assert.equal(held.originType, 'consultation')
    assert.equal(held.occurredOn, '2026-02-25')
    assert.equal(held.editable, false)

    const written = entries.find((e) => e.originId === formulation.id)
    assert.ok(written, 'a chronology entry for the formulation')
    assert.equal(written.headline, 'Case formulation written')
    assert.equal(written.originType, 'formulation')
    assert.equal(written.occurredOn, '2026-02-26')
    assert.equal(entries.filter((e) => e.headline === 'Case consultation held').length, 2)

    const chronology = await (await worker.get(`/cases/${derbyshire}/chronology`)).text()
    assert.match(chronology, /Case consultation held/)
    assert.match(chronology, /Case formulation written/)
  })

  test('the audit names the case and the records, and holds none of the words', async () => {
    const events = [...(await auditOf('case-consultation')), ...(await auditOf('case-formulation'))]
    const created = events.filter((e) => e.action === 'create')
    assert.equal(created.length, 3)
    assert.ok(created.every((e) => (e.details as Record<string, string>).caseId === derbyshire))
    const { consultations, formulations } = await app.services.consultations.list(team.worker, derbyshire)
    const ids = new Set(created.map((e) => e.recordId))
    for (const r of [...consultations, ...formulations]) assert.ok(ids.has(r.id))
    assert.ok(events.some((e) => e.action === 'list'))
    for (const e of events) {
      const details = JSON.stringify(e.details)
      for (const word of ['Morgan', 'Lee', 'school', 'football', 'consultant']) {
        assert.ok(!details.includes(word), `no "${word}" in the audit: ${details}`)
      }
    }
  })
})

describe('checking what is typed', () => {
  test('missing and wrong answers come back with an error summary, keeping the text; nothing is saved', async () => {
    const before = await app.services.consultations.list(team.worker, derbyshire)

    const missing = await worker.post(
      `${page()}/new`,
      consultationForm({ attendees: '', dilemma: '  ', hypotheses: 'Kept: "Morgan" said <nothing>' }),
    )
    assert.equal(missing.status, 400)
    const html = await missing.text()
    assert.match(html, /<title>Error: Record a case consultation – Hearth<\/title>/)
    assert.match(html, /There is a problem/)
    assert.match(html, /href="#attendees">Enter who took part/)
    assert.match(html, /href="#dilemma">Enter the worker&#39;s dilemma/)
    assert.match(html, /Kept: &quot;Morgan&quot; said &lt;nothing&gt;/)
    assert.match(html, /Ask Lee what helped when Morgan was younger\./)
    assert.match(html, /name="heldOn-day" type="text" value="25"|name="heldOn-day"[^>]*value="25"/)

    const dates = await worker.post(
      `${page()}/new`,
      consultationForm({ 'heldOn-day': '3', 'heldOn-month': '3', 'nextOn-day': '1', 'nextOn-month': '3' }),
    )
    assert.equal(dates.status, 400)
    const datesHtml = await dates.text()
    assert.match(datesHtml, /href="#heldOn-day">The date of the consultation must be today or in the past/)
    assert.match(datesHtml, /href="#nextOn-day">The next consultation must be after the date of this one/)

    const same = await worker.post(`${page()}/new`, consultationForm({ 'nextOn-day': '25', 'nextOn-month': '2' }))
    assert.equal(same.status, 400)
    assert.match(await same.text(), /The next consultation must be after the date of this one/)

    const badDates = await worker.post(
      `${page()}/new`,
      consultationForm({ 'heldOn-day': '', 'heldOn-month': '', 'heldOn-year': '', 'nextOn-month': '' }),
    )
    assert.equal(badDates.status, 400)
    const badHtml = await badDates.text()
    assert.match(badHtml, /href="#heldOn-day">Enter the date of the consultation/)
    assert.match(badHtml, /href="#nextOn-day">The date of the next consultation must include a month/)

    const long = await worker.post(`${page()}/new`, consultationForm({ ideas: 'x'.repeat(5001) }))
    assert.equal(long.status, 400)
    assert.match(await long.text(), /href="#ideas">Ideas must be 5000 characters or fewer/)

    const formulation = await worker.post(
      `/cases/${derbyshire}/formulation/new`,
      formulationForm({ presenting: '', protective: 'Kept: a strong bond', 'writtenOn-day': '30' }),
    )
    assert.equal(formulation.status, 400)
    const fHtml = await formulation.text()
    assert.match(fHtml, /href="#writtenOn-day">The date of the formulation must be a real date/)
    assert.match(fHtml, /href="#presenting">Enter the presenting factors/)
    assert.match(fHtml, /Kept: a strong bond/)

    const after = await app.services.consultations.list(team.worker, derbyshire)
    assert.equal(after.consultations.length, before.consultations.length)
    assert.equal(after.formulations.length, before.formulations.length)
    await assert.rejects(
      app.services.consultations.recordFormulation(team.worker, derbyshire, {
        writtenOn: '2026-03-03',
        presenting: 'Tomorrow',
      }),
      (e: unknown) => e instanceof InvalidInputError && Boolean(e.fields.writtenOn),
    )
  })
})

describe('correcting', () => {
  test('a stale consultation edit answers 409, shows the saved version and keeps the typed text', async () => {
    const { id } = await app.services.consultations.recordConsultation(team.worker, derbyshire, {
      heldOn: '2026-02-18',
      attendees: 'Key worker and consultant',
      dilemma: 'Whether to involve the school nurse',
    })
    const edit = `${page()}/${id}/edit`
    const form = await worker.get(edit)
    assert.equal(form.status, 200)
    const formHtml = await form.text()
    assert.match(formHtml, /<title>Change a case consultation – Hearth<\/title>/)
    assert.match(formHtml, /Whether to involve the school nurse/)
    assert.match(formHtml, /name="version" value="1"/)

    // A colleague corrects it first.
    await app.services.consultations.updateConsultation(team.colleague, derbyshire, id, 1, {
      heldOn: '2026-02-18',
      attendees: 'Key worker, consultant and the social worker',
      dilemma: 'Whether to involve the school nurse',
    })

    const mine = {
      ...consultationForm({ 'heldOn-day': '18' }),
      dilemma: 'Whether, and how, to involve the school nurse',
      hypotheses: 'Lee may trust health more than education.',
      version: '1',
    }
    const stale = await worker.post(edit, mine, edit)
    assert.equal(stale.status, 409)
    const html = await stale.text()
    assert.match(html, /Someone changed this consultation after you opened it/)
    assert.match(html, /Key worker, consultant and the social worker/, "shows the colleague's version")
    assert.match(html, /Whether, and how, to involve the school nurse/, 'keeps what the worker typed')
    assert.match(html, /Lee may trust health more than education\./)
    assert.match(html, /name="version" value="2"/)

    const kept = await app.services.consultations.getConsultation(team.worker, derbyshire, id)
    assert.equal(kept.attendees, 'Key worker, consultant and the social worker')
    assert.equal(kept.version, 2)

    // Having seen theirs, the worker saves again, with a new date: the chronology moves with it.
    const saved = await worker.post(edit, { ...mine, 'heldOn-day': '19', version: '2' }, edit)
    assert.equal(saved.status, 303)
    const now = await app.services.consultations.getConsultation(team.worker, derbyshire, id)
    assert.equal(now.dilemma, 'Whether, and how, to involve the school nurse')
    assert.equal(now.heldOn, '2026-02-19')
    assert.equal(now.version, 3)
    assert.equal(now.updatedBy?.id, team.people.worker.id)
    const entry = (await app.services.chronology.list(team.worker, derbyshire)).entries.find((e) => e.originId === id)
    assert.equal(entry?.occurredOn, '2026-02-19')
    assert.equal(
      (await auditOf('case-consultation')).filter((e) => e.recordId === id && e.action === 'update').length,
      2,
    )
  })

  test('a stale formulation edit answers 409 too, and a good one saves', async () => {
    const { id } = await app.services.consultations.recordFormulation(team.worker, derbyshire, {
      writtenOn: '2026-02-20',
      presenting: 'First thoughts',
    })
    const edit = `/cases/${derbyshire}/formulation/${id}/edit`
    assert.match(await (await worker.get(edit)).text(), /First thoughts/)
    await app.services.consultations.updateFormulation(team.colleague, derbyshire, id, 1, {
      writtenOn: '2026-02-20',
      presenting: "The colleague's thoughts",
    })
    const stale = await worker.post(
      edit,
      { ...formulationForm({ presenting: 'My fuller thoughts' }), version: '1' },
      edit,
    )
    assert.equal(stale.status, 409)
    const html = await stale.text()
    assert.match(html, /Someone changed this formulation after you opened it/)
    assert.match(html, /The colleague&#39;s thoughts/)
    assert.match(html, /My fuller thoughts/)
    assert.equal((await app.services.consultations.getFormulation(team.worker, derbyshire, id)).version, 2)

    const invalid = await worker.post(edit, { ...formulationForm({ presenting: '' }), version: '2' }, edit)
    assert.equal(invalid.status, 400)
    assert.match(await invalid.text(), /Lee and Morgan share a love of football\./)

    const saved = await worker.post(
      edit,
      { ...formulationForm({ presenting: 'My fuller thoughts' }), version: '2' },
      edit,
    )
    assert.equal(saved.status, 303)
    const now = await app.services.consultations.getFormulation(team.worker, derbyshire, id)
    assert.equal(now.presenting, 'My fuller thoughts')
    assert.equal(now.protective, 'Lee and Morgan share a love of football.')
  })
})

describe('who can see them', () => {
  test("another team's practitioner finds nothing, on the pages, the forms or the service", async () => {
    const [consultation] = (await app.services.consultations.list(team.worker, derbyshire)).consultations
    const [formulation] = (await app.services.consultations.list(team.worker, derbyshire)).formulations
    assert.ok(consultation && formulation)
    for (const path of [
      page(),
      `${page()}/new`,
      `${page()}/${consultation.id}/edit`,
      `/cases/${derbyshire}/formulation/new`,
      `/cases/${derbyshire}/formulation/${formulation.id}/edit`,
    ]) {
      assert.equal((await outsiderWeb.get(path)).status, 404, path)
    }
    const posted = await outsiderWeb.post(`${page()}/new`, consultationForm(), '/cases')
    assert.equal(posted.status, 404)
    const edited = await outsiderWeb.post(
      `${page()}/${consultation.id}/edit`,
      { ...consultationForm(), version: String(consultation.version) },
      '/cases',
    )
    assert.equal(edited.status, 404)

    await assert.rejects(app.services.consultations.list(outsider, derbyshire), NotFoundError)
    await assert.rejects(
      app.services.consultations.getConsultation(outsider, derbyshire, consultation.id),
      NotFoundError,
    )
    await assert.rejects(
      app.services.consultations.recordFormulation(outsider, derbyshire, { writtenOn: '2026-02-20', presenting: 'X' }),
      NotFoundError,
    )
    // A record of another case is not found through this one.
    assert.equal((await worker.get(`${page(lewisham)}/${consultation.id}/edit`)).status, 404)
    assert.equal((await worker.get(`${page()}/${crypto.randomUUID()}/edit`)).status, 404)
    assert.equal((await worker.get(`${page()}/not-a-uuid/edit`)).status, 404)
    const unchanged = await app.services.consultations.getConsultation(team.worker, derbyshire, consultation.id)
    assert.equal(unchanged.version, consultation.version)
  })
})

describe('the API', () => {
  async function tokenFor(userId: string) {
    return (await app.services.apiTokens.create({ actor: { type: 'cli', authorityId } }, userId, 'consultations')).token
  }
  const api = (path: string, token: string, json?: unknown) =>
    callApi(app.baseUrl, token, json === undefined ? 'GET' : 'POST', path, json)

  test('records both and lists them; refuses bad input, other services and other teams', async () => {
    const token = await tokenFor(team.people.worker.id)
    const consultation = await api(`/cases/${derbyshire}/consultations`, token, {
      heldOn: '2026-03-02',
      attendees: 'Key worker and consultant',
      dilemma: 'Through the API',
      nextOn: '2026-03-30',
    })
    assert.equal(consultation.status, 201)
    const { id } = await consultation.json()
    const formulation = await api(`/cases/${derbyshire}/formulations`, token, {
      writtenOn: '2026-03-02',
      presenting: 'Through the API too',
      protective: 'A warm grandmother',
    })
    assert.equal(formulation.status, 201)
    const { id: formulationId } = await formulation.json()

    const list = await api(`/cases/${derbyshire}/consultations`, token)
    assert.equal(list.status, 200)
    const body = await list.json()
    assert.equal(body.consultations[0].id, id)
    assert.equal(body.consultations[0].dilemma, 'Through the API')
    assert.equal(body.consultations[0].nextOn, '2026-03-30')
    assert.equal(body.consultations[0].hypotheses, null)
    assert.equal(body.consultations[0].recordedBy.id, team.people.worker.id)
    assert.equal(body.formulations[0].id, formulationId)
    assert.equal(body.formulations[0].protective, 'A warm grandmother')
    assert.match(body.offers.consultation.source, /reflective space/)
    assert.equal(body.offers.closed, false)

    const bad = await api(`/cases/${derbyshire}/consultations`, token, {
      heldOn: '2026-03-02',
      attendees: '',
      dilemma: 'x',
      nextOn: '2026-03-01',
    })
    assert.equal(bad.status, 400)
    const problem = await bad.json()
    const names = problem.errors.map((e: { name: string }) => e.name).sort()
    assert.ok(names.includes('attendees'), JSON.stringify(problem))

    const later = await api(`/cases/${derbyshire}/consultations`, token, {
      heldOn: '2026-03-02',
      attendees: 'x',
      dilemma: 'x',
      nextOn: '2026-03-01',
    })
    assert.equal(later.status, 400)
    assert.deepEqual(
      (await later.json()).errors.map((e: { name: string }) => e.name),
      ['nextOn'],
    )

    const notOffered = await api(`/cases/${lewisham}/formulations`, token, { writtenOn: '2026-03-02', presenting: 'x' })
    assert.equal(notOffered.status, 400)
    const lewishamList = await (await api(`/cases/${lewisham}/consultations`, token)).json()
    assert.deepEqual(lewishamList.offers, { consultation: null, formulation: null, closed: false })

    const outsiderToken = await tokenFor(outsiderId)
    assert.equal((await api(`/cases/${derbyshire}/consultations`, outsiderToken)).status, 404)
    assert.equal(
      (await api(`/cases/${derbyshire}/formulations`, outsiderToken, { writtenOn: '2026-03-02', presenting: 'x' }))
        .status,
      404,
    )
  })

  test('the OpenAPI document describes them', async () => {
    const document = await (await fetch(`${app.baseUrl}/api/v1/openapi.json`)).json()
    assert.ok(document.paths['/cases/{caseId}/consultations']?.get)
    assert.ok(document.paths['/cases/{caseId}/consultations']?.post)
    assert.ok(document.paths['/cases/{caseId}/formulations']?.post)
    const list = JSON.stringify(document.paths['/cases/{caseId}/consultations'].get)
    assert.match(list, /CaseConsultation/)
    assert.match(list, /CaseFormulation/)
  })
})

describe('a closed case', () => {
  test('keeps its records to read, but takes no new ones or changes', async () => {
    const { row } = await app.services.cases.open(team.manager, derbyshire)
    await app.services.cases.move(team.manager, derbyshire, row.version, 'closed', now)
    const list = await app.services.consultations.list(team.worker, derbyshire)
    assert.equal(list.offers.closed, true)
    const consultation = list.consultations[0]
    assert.ok(consultation)

    const html = await (await worker.get(page())).text()
    assert.match(html, /The case is closed/)
    assert.doesNotMatch(html, /Record a consultation/)
    assert.doesNotMatch(html, /\/edit"/)
    assert.ok(cards(html).length > 0, 'the records are still there to read')

    const form = await worker.get(`${page()}/new`)
    assert.match(await form.text(), /The case is closed, so consultations can no longer be recorded/)
    const posted = await worker.post(`${page()}/new`, consultationForm(), page())
    assert.equal(posted.status, 400)
    assert.match(await posted.text(), /href="#form">The case is closed/)
    await assert.rejects(
      app.services.consultations.updateConsultation(team.worker, derbyshire, consultation.id, consultation.version, {
        heldOn: consultation.heldOn,
        attendees: 'Changed after closure',
        dilemma: consultation.dilemma,
      }),
      InvalidInputError,
    )
    const after = await app.services.consultations.list(team.worker, derbyshire)
    assert.equal(after.consultations.length, list.consultations.length)
  })
})
