import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { and, eq } from 'drizzle-orm'
import { auditEvent } from '../../src/db/schema/index.ts'
import type { RequestContext } from '../../src/services/context.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../../src/services/errors.ts'
import { callApi } from '../helpers/api.ts'
import { addUser, setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { caseworkTeam, openCase, userCtx } from '../helpers/cases.ts'
import { WebClient } from '../helpers/client.ts'

/**
 * The family's chronology: what Hearth writes as the work happens, what workers add and
 * correct (never losing a correction to someone else's), filters and pages, and the copies
 * that leave Hearth (print and CSV), which are audited.
 */

const DAY = 86_400_000
// Monday 2 March 2026, moved on by the set-up as it needs.
let now = new Date('2026-03-02T10:00:00Z')

let app: TestApp
let authorityId: string
let team: Awaited<ReturnType<typeof caseworkTeam>>
let caseId: string
let outsider: RequestContext
let worker: WebClient
let outsiderWeb: WebClient

before(async () => {
  app = await startTestApp({ clock: () => now })
  authorityId = (await setUpAuthority(app.services)).authorityId
  team = await caseworkTeam(app.services, authorityId)
  caseId = await openCase(app.services, team.manager, 'lewisham-safer-stronger')
  // Allocated the next day, so Hearth's entries fall on two dates.
  now = new Date(now.getTime() + DAY)
  const { row } = await app.services.cases.open(team.manager, caseId)
  await app.services.cases.allocate(team.manager, caseId, { keyWorkerId: team.people.worker.id, version: row.version })
  now = new Date(now.getTime() + DAY)

  const { id: otherTeam } = await app.services.teams.create({ actor: { type: 'cli', authorityId } }, { name: 'Other' })
  const other = await addUser(app.services, authorityId, 'practitioner', otherTeam)
  outsider = userCtx(authorityId, other.id, 'practitioner')

  worker = new WebClient(app.baseUrl)
  assert.equal((await worker.signIn(team.people.worker.email, team.people.worker.password)).status, 303)
  outsiderWeb = new WebClient(app.baseUrl)
  assert.equal((await outsiderWeb.signIn(other.email, other.password)).status, 303)
})
after(() => app.close())

const base = () => `/cases/${caseId}/chronology`

/** The headlines on a page of the timeline, in the order shown. */
function headlines(html: string): string[] {
  return [...html.matchAll(/<h3 class="moj-timeline__title">([^<]*)<\/h3>/g)].map((m) => m[1] as string)
}

function entryForm(fields: Record<string, string> = {}): Record<string, string> {
  return {
    'occurredOn-day': '10',
    'occurredOn-month': '2',
    'occurredOn-year': '2026',
    headline: 'School reported Robin missed 6 sessions',
    category: 'education',
    source: 'School attendance officer',
    impact: 'Robin is behind in maths.',
    action: 'Key worker to meet school.',
    ...fields,
  }
}

async function auditOf(action: string, recordType = 'chronology-entry') {
  return app.services.database.withTenant(authorityId, (tx) =>
    tx
      .select()
      .from(auditEvent)
      .where(and(eq(auditEvent.action, action), eq(auditEvent.recordType, recordType))),
  )
}

describe('what Hearth writes', () => {
  test("an accepted, allocated case has Hearth's referral, acceptance and allocation entries, in date order", async () => {
    const oldest = await app.services.chronology.list(team.worker, caseId, { order: 'oldest' })
    assert.deepEqual(
      oldest.entries.map((e) => [e.occurredOn, e.origin, e.category]),
      [
        ['2026-03-02', 'hearth', 'referral'],
        ['2026-03-02', 'hearth', 'referral'],
        ['2026-03-03', 'hearth', 'allocation'],
      ],
    )
    assert.match(oldest.entries[0]?.headline ?? '', /^Referral HRT-2026-\d{6} received$/)
    assert.match(oldest.entries[1]?.headline ?? '', /^Accepted by /)
    assert.match(oldest.entries[2]?.headline ?? '', /^Key worker allocated: /)
    assert.ok(oldest.entries.every((e) => !e.editable))

    const page = await worker.get(base())
    assert.equal(page.status, 200)
    const html = await page.text()
    assert.match(html, /Showing 1 to 3 of 3 entries/)
    const shown = headlines(html)
    assert.match(shown[0] ?? '', /^Key worker allocated/, 'newest first by default')
    assert.match(shown[2] ?? '', /received$/)
    assert.doesNotMatch(html, /\/edit"/, "Hearth's entries have no change link")
  })

  test('a Hearth entry cannot be edited, on the page or through the service', async () => {
    const [hearth] = (await app.services.chronology.list(team.worker, caseId, { origin: 'hearth' })).entries
    assert.ok(hearth)
    const page = await worker.get(`${base()}/${hearth.id}/edit`)
    assert.equal(page.status, 409)
    assert.match(await page.text(), /This entry cannot be changed/)
    const posted = await worker.post(
      `${base()}/${hearth.id}/edit`,
      { ...entryForm({ headline: 'Rewritten history' }), version: String(hearth.version) },
      base(),
    )
    assert.equal(posted.status, 409)
    await assert.rejects(
      app.services.chronology.update(team.worker, caseId, hearth.id, hearth.version, {
        occurredOn: '2026-03-01',
        headline: 'Rewritten history',
        category: 'other',
      }),
      ConflictError,
    )
    const after = await app.services.chronology.get(team.worker, caseId, hearth.id)
    assert.equal(after.headline, hearth.headline)
    assert.equal(after.version, hearth.version)
  })
})

describe('a worker adds to the chronology', () => {
  test('the entry appears in date order, and the filters find it', async () => {
    const posted = await worker.post(`${base()}/new`, entryForm())
    assert.equal(posted.status, 303)
    assert.equal(posted.headers.get('location'), base())
    const landing = await (await worker.get(base())).text()
    assert.match(landing, /Entry added to the chronology/)
    assert.match(landing, /Showing 1 to 4 of 4 entries/)
    const shown = headlines(landing)
    assert.equal(shown.at(-1), 'School reported Robin missed 6 sessions', 'dated before the referral, so last')
    assert.match(landing, /School attendance officer/)
    assert.match(landing, /Robin is behind in maths\./)

    const oldest = headlines(await (await worker.get(`${base()}?order=oldest`)).text())
    assert.equal(oldest[0], 'School reported Robin missed 6 sessions')

    const byCategory = await (await worker.get(`${base()}?category=education`)).text()
    assert.deepEqual(headlines(byCategory), ['School reported Robin missed 6 sessions'])
    assert.match(byCategory, /Showing 1 to 1 of 1 entry/)

    const byHearth = headlines(await (await worker.get(`${base()}?writtenBy=hearth`)).text())
    assert.equal(byHearth.length, 3)
    assert.ok(!byHearth.includes('School reported Robin missed 6 sessions'))

    const range = `from-day=1&from-month=2&from-year=2026&to-day=28&to-month=2&to-year=2026`
    assert.deepEqual(headlines(await (await worker.get(`${base()}?${range}`)).text()), [
      'School reported Robin missed 6 sessions',
    ])
    const later = `from-day=3&from-month=3&from-year=2026`
    assert.deepEqual(headlines(await (await worker.get(`${base()}?${later}`)).text()).length, 1)

    const created = await auditOf('create')
    assert.ok(created.some((e) => (e.details as Record<string, string>).caseId === caseId))
    assert.ok(
      created.every((e) => !JSON.stringify(e.details).includes('Robin')),
      'no notes in the audit',
    )
  })

  test('bad input is shown with an error summary and keeps what was typed; nothing is added', async () => {
    const before = (await app.services.chronology.list(team.worker, caseId)).total
    const response = await worker.post(
      `${base()}/new`,
      entryForm({ headline: '', category: '', impact: 'Kept: "Robin" said <nothing>' }),
    )
    assert.equal(response.status, 400)
    const html = await response.text()
    assert.match(html, /There is a problem/)
    assert.match(html, /href="#headline">Enter a headline/)
    assert.match(html, /href="#category">Choose a category/)
    assert.match(html, /Kept: &quot;Robin&quot; said &lt;nothing&gt;/)
    assert.match(html, /value="School attendance officer"/)

    const future = await worker.post(`${base()}/new`, entryForm({ 'occurredOn-day': '5', 'occurredOn-month': '3' }))
    assert.equal(future.status, 400)
    const futureHtml = await future.text()
    assert.match(futureHtml, /href="#occurredOn-day">The date must be today or in the past/)
    assert.match(futureHtml, /value="School reported Robin missed 6 sessions"/)

    const long = await worker.post(`${base()}/new`, entryForm({ headline: 'x'.repeat(201), 'occurredOn-day': '31' }))
    assert.equal(long.status, 400)
    const longHtml = await long.text()
    assert.match(longHtml, /Headline must be 200 characters or fewer/)
    assert.match(longHtml, /real date/)

    assert.equal((await app.services.chronology.list(team.worker, caseId)).total, before)
    await assert.rejects(
      app.services.chronology.add(team.worker, caseId, {
        occurredOn: '2026-03-05',
        headline: 'Soon',
        category: 'other',
      }),
      InvalidInputError,
    )
  })
})

describe('correcting an entry', () => {
  test('a worker corrects their entry; a stale edit answers 409, shows both and loses nothing', async () => {
    const { id } = await app.services.chronology.add(team.worker, caseId, {
      occurredOn: '2026-03-01',
      headline: 'Police called to the home',
      category: 'police',
    })
    const form = await worker.get(`${base()}/${id}/edit`)
    assert.equal(form.status, 200)
    const formHtml = await form.text()
    assert.match(formHtml, /value="Police called to the home"/)
    assert.match(formHtml, /name="version" value="1"/)

    // A colleague corrects it first.
    await app.services.chronology.update(team.colleague, caseId, id, 1, {
      occurredOn: '2026-03-01',
      headline: 'Police called to the home after a neighbour dispute',
      category: 'police',
    })

    const stale = await worker.post(
      `${base()}/${id}/edit`,
      {
        ...entryForm({ 'occurredOn-day': '1', 'occurredOn-month': '3', category: 'police' }),
        headline: 'Police called; no further action',
        impact: 'Robin heard shouting and was frightened.',
        version: '1',
      },
      `${base()}/${id}/edit`,
    )
    assert.equal(stale.status, 409)
    const html = await stale.text()
    assert.match(html, /Someone changed this entry after you opened it/)
    assert.match(html, /Police called to the home after a neighbour dispute/, "shows the colleague's version")
    assert.match(html, /value="Police called; no further action"/, 'keeps what the worker typed')
    assert.match(html, /Robin heard shouting and was frightened\./)
    assert.match(html, /name="version" value="2"/)

    const kept = await app.services.chronology.get(team.worker, caseId, id)
    assert.equal(kept.headline, 'Police called to the home after a neighbour dispute')
    assert.equal(kept.version, 2)

    // Saving again, having seen the other version, replaces it.
    const saved = await worker.post(
      `${base()}/${id}/edit`,
      {
        ...entryForm({ 'occurredOn-day': '1', 'occurredOn-month': '3', category: 'police' }),
        headline: 'Police called; no further action',
        version: '2',
      },
      `${base()}/${id}/edit`,
    )
    assert.equal(saved.status, 303)
    const now3 = await app.services.chronology.get(team.worker, caseId, id)
    assert.equal(now3.headline, 'Police called; no further action')
    assert.equal(now3.version, 3)
    await assert.rejects(
      app.services.chronology.update(team.worker, caseId, id, 2, { ...now3, category: 'police' }),
      ConflictError,
    )
  })
})

describe('copies that leave Hearth', () => {
  test('the CSV download is quoted, guarded against formulas, named by case id only, and audited', async () => {
    await app.services.chronology.add(team.worker, caseId, {
      occurredOn: '2026-02-20',
      headline: '=HYPERLINK("http://example.org","click")',
      category: 'health',
      source: 'GP, by "phone"',
      impact: 'Line one\nLine two',
      action: '+1 more appointment',
    })
    const response = await worker.get(`${base()}.csv`)
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/)
    assert.equal(response.headers.get('content-disposition'), `attachment; filename="chronology-${caseId}.csv"`)
    const bytes = new Uint8Array(await response.arrayBuffer())
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark')
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1)
    const lines = text.split('\r\n')
    assert.equal(
      lines[0],
      'Date,Headline,Category,Source,Impact on the child,Action or decision,Recorded by,Written by',
    )
    assert.ok(text.endsWith('\r\n'))
    assert.ok(
      text.includes(
        `2026-02-20,"'=HYPERLINK(""http://example.org"",""click"")",Health,"GP, by ""phone""","Line one\nLine two",'+1 more appointment,`,
      ),
      text,
    )
    assert.match(text, /,Worker\r\n/)
    assert.match(text, /Referral HRT-2026-\d{6} received,Referral and decision,,,,[^,]*,Hearth\r\n/)
    const total = (await app.services.chronology.list(team.worker, caseId)).total
    // Header, one record per entry (the line break inside a cell is LF, not a record's CRLF), and '' after the last.
    assert.equal(lines.length, 1 + total + 1)

    const filtered = await (await worker.get(`${base()}.csv?category=health`)).text()
    assert.equal(filtered.split('\r\n').filter(Boolean).length, 2, 'the heading and one entry')

    const exports = (await auditOf('export')).map((e) => e.details as Record<string, unknown>)
    assert.ok(exports.some((d) => d.caseId === caseId && d.format === 'csv' && d.rows === total))
    assert.ok(exports.some((d) => d.caseId === caseId && d.format === 'csv' && d.rows === 1))
  })

  test('the printable chronology is the whole filtered list with the family name and date', async () => {
    const response = await worker.get(`${base()}/print?order=oldest`)
    assert.equal(response.status, 200)
    const html = await response.text()
    assert.match(html, /Okafor family: chronology/)
    assert.match(html, /Printed 4 March 2026/)
    const total = (await app.services.chronology.list(team.worker, caseId)).total
    assert.equal([...html.matchAll(/<tr class="govuk-table__row">/g)].length, total + 1)
    assert.ok(html.indexOf('School reported Robin') < html.indexOf('Key worker allocated'), 'oldest first')
    assert.doesNotMatch(html, /moj-sub-navigation/)
    const exports = (await auditOf('export')).map((e) => e.details as Record<string, unknown>)
    assert.ok(exports.some((d) => d.caseId === caseId && d.format === 'print' && d.rows === total))
  })
})

describe('pages of the chronology', () => {
  test('25 entries a page, with pagination that keeps the filters', async () => {
    for (let i = 1; i <= 26; i++) {
      await app.services.chronology.add(team.worker, caseId, {
        occurredOn: '2025-12-01',
        headline: `Progress note ${i}`,
        category: 'progress',
      })
    }
    const first = await (await worker.get(`${base()}?category=progress`)).text()
    assert.match(first, /Showing 1 to 25 of 26 entries/)
    assert.equal(headlines(first).length, 25)
    assert.match(first, /href="\/cases\/[^"]+\/chronology\?category=progress&amp;page=2"/)
    const second = await (await worker.get(`${base()}?category=progress&page=2`)).text()
    assert.match(second, /Showing 26 to 26 of 26 entries/)
    assert.equal(headlines(second).length, 1)
  })
})

describe('who can see it', () => {
  test('a practitioner from another team gets "not found", on every page and in the service', async () => {
    const [entry] = (await app.services.chronology.list(team.worker, caseId, { origin: 'worker' })).entries
    assert.ok(entry)
    for (const path of [base(), `${base()}/new`, `${base()}/print`, `${base()}.csv`, `${base()}/${entry.id}/edit`]) {
      assert.equal((await outsiderWeb.get(path)).status, 404, path)
    }
    const token = await outsiderWeb.csrfToken('/')
    const posted = await outsiderWeb.post(`${base()}/new`, { ...entryForm(), _csrf: token })
    assert.equal(posted.status, 404)
    await assert.rejects(app.services.chronology.list(outsider, caseId), NotFoundError)
    await assert.rejects(app.services.chronology.get(outsider, caseId, entry.id), NotFoundError)
    await assert.rejects(
      app.services.chronology.add(outsider, caseId, { occurredOn: '2026-03-01', headline: 'x', category: 'other' }),
      NotFoundError,
    )
    assert.equal((await worker.get(`${base()}/not-a-uuid/edit`)).status, 404)
    assert.equal((await worker.get(`/cases/${crypto.randomUUID()}/chronology`)).status, 404)
  })
})

describe('the API', () => {
  async function tokenFor(userId: string) {
    return (await app.services.apiTokens.create({ actor: { type: 'cli', authorityId } }, userId, 'chronology')).token
  }
  const api = (path: string, token: string, json?: unknown) =>
    callApi(app.baseUrl, token, json === undefined ? 'GET' : 'POST', path, json)

  test('lists the chronology with filters and pages, and adds to it', async () => {
    const token = await tokenFor(team.people.worker.id)
    const added = await api(`/cases/${caseId}/chronology`, token, {
      occurredOn: '2026-01-15',
      headline: 'Family joined a parenting group',
      category: 'family',
      source: 'Children’s centre',
    })
    assert.equal(added.status, 201)
    const { id } = await added.json()

    const list = await api(`/cases/${caseId}/chronology?category=family,education&order=oldest`, token)
    assert.equal(list.status, 200)
    const body = await list.json()
    assert.deepEqual(
      body.entries.map((e: { headline: string }) => e.headline),
      ['Family joined a parenting group', 'School reported Robin missed 6 sessions'],
    )
    const mine = body.entries[0]
    assert.equal(mine.id, id)
    assert.equal(mine.writtenBy, 'worker')
    assert.equal(mine.source, 'Children’s centre')
    assert.equal(mine.impact, null)
    assert.equal(mine.recordedBy.id, team.people.worker.id)
    assert.equal(body.total, 2)

    const hearth = await (await api(`/cases/${caseId}/chronology?writtenBy=hearth`, token)).json()
    assert.ok(hearth.entries.every((e: { writtenBy: string }) => e.writtenBy === 'hearth'))
    assert.equal(hearth.total, 3)

    const bad = await api(`/cases/${caseId}/chronology`, token, {
      occurredOn: '2026-03-05',
      headline: '',
      category: 'referral',
    })
    assert.equal(bad.status, 400)
    const problem = await bad.json()
    const names = problem.errors.map((e: { name: string }) => e.name)
    assert.ok(names.includes('headline') && names.includes('category'), JSON.stringify(problem))
    const future = await api(`/cases/${caseId}/chronology`, token, {
      occurredOn: '2026-03-05',
      headline: 'Tomorrow',
      category: 'other',
    })
    assert.equal(future.status, 400)
    assert.equal((await api(`/cases/${caseId}/chronology?from=2026-02-30`, token)).status, 400)

    const outsiderToken = await tokenFor(outsider.actor.userId as string)
    assert.equal((await api(`/cases/${caseId}/chronology`, outsiderToken)).status, 404)

    const document = await (await fetch(`${app.baseUrl}/api/v1/openapi.json`)).json()
    assert.match(JSON.stringify(document.paths['/cases/{caseId}/chronology'].get), /ChronologyEntry/)
    assert.ok(document.paths['/cases/{caseId}/chronology'].post)
  })
})
