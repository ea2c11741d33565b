import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { and, eq } from 'drizzle-orm'
import { auditEvent, caseEvent, chronologyEntry, contactRevision } from '../../src/db/schema/index.ts'
import { addDays, londonDate } from '../../src/domain/isoDate.ts'
import { ContactConflictError, type ContactInput } from '../../src/services/contacts.ts'
import type { RequestContext } from '../../src/services/context.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../../src/services/errors.ts'
import { callApi } from '../helpers/api.ts'
import { addUser, setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { caseworkTeam, openCase, userCtx } from '../helpers/cases.ts'
import { WebClient } from '../helpers/client.ts'
import { agreedPlan } from '../helpers/progress.ts'

/**
 * Contacts and case notes: recording visits (attempts too), the deadlines they meet, the
 * children's engagement, significant events in the chronology, and corrections that never
 * lose a note, even when two workers edit at once.
 */

const HOUR = 3_600_000
const DAY = 24 * HOUR
// A Monday morning in March 2026 (GMT), moved on by each test as it needs.
let now = new Date('2026-03-02T09:00:00Z')
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms)
}

let app: TestApp
let authorityId: string
let team: Awaited<ReturnType<typeof caseworkTeam>>
let outsider: RequestContext
let outsiderLogin: { email: string; password: string }

before(async () => {
  app = await startTestApp({ clock: () => now })
  authorityId = (await setUpAuthority(app.services)).authorityId
  team = await caseworkTeam(app.services, authorityId)
  const { id: otherTeam } = await app.services.teams.create(
    { actor: { type: 'cli', authorityId } },
    { name: 'Another team' },
  )
  const other = await addUser(app.services, authorityId, 'practitioner', otherTeam)
  outsider = userCtx(authorityId, other.id, 'practitioner')
  outsiderLogin = other
})
after(() => app.close())

async function allocatedCase(programmeId: string): Promise<string> {
  const caseId = await openCase(app.services, team.manager, programmeId)
  const { row } = await app.services.cases.open(team.manager, caseId)
  await app.services.cases.allocate(team.manager, caseId, {
    keyWorkerId: team.people.worker.id,
    version: row.version,
    reason: 'Synthetic: the team agreed to go over the caseload for a test.',
  })
  return caseId
}

async function childrenOf(caseId: string) {
  const options = await app.services.contacts.formOptions(team.worker, caseId)
  return options.children
}

function visit(overrides: Partial<ContactInput> = {}): ContactInput {
  return {
    occurredAt: new Date(now.getTime() - HOUR),
    type: 'home-visit',
    outcome: 'completed',
    note: 'Synthetic: talked with the family about mornings before school.',
    ...overrides,
  }
}

async function deadline(caseId: string, id: string) {
  const shell = await app.services.cases.open(team.manager, caseId)
  return shell.state.deadlines.find((d) => d.id === id)
}

async function query<T>(fn: (tx: Parameters<Parameters<TestApp['services']['database']['withTenant']>[1]>[0]) => T) {
  return app.services.database.withTenant(authorityId, async (tx) => fn(tx))
}

describe('first home visit', () => {
  test('Derby: an attempted visit does not meet the 48-hour home visit; one that took place does', async () => {
    const caseId = await allocatedCase('derby-staying-together')
    const opened = now
    advance(30 * HOUR)
    const attempted = await app.services.contacts.record(
      team.worker,
      caseId,
      visit({ occurredAt: new Date(opened.getTime() + 4 * HOUR), outcome: 'attempted', note: 'Synthetic: no answer.' }),
    )
    assert.equal((await deadline(caseId, 'home-visit'))?.status, 'not-yet-due')

    const visited = await app.services.contacts.record(
      team.worker,
      caseId,
      visit({ occurredAt: new Date(opened.getTime() + 20 * HOUR) }),
    )
    assert.equal((await deadline(caseId, 'home-visit'))?.status, 'met-on-time')
    const events = await query((tx) =>
      tx
        .select()
        .from(caseEvent)
        .where(and(eq(caseEvent.caseId, caseId), eq(caseEvent.type, 'first-home-visit'))),
    )
    assert.equal(events.length, 1)
    assert.equal(events[0]?.sourceId, visited.id)
    // The crisis plan's 5 working days now count from the visit.
    assert.ok(await deadline(caseId, 'crisis-plan'))

    // A correction: the visit did not get in after all. The deadline is no longer met.
    await app.services.contacts.update(team.worker, caseId, visited.id, 1, {
      ...visit({ occurredAt: new Date(opened.getTime() + 20 * HOUR) }),
      outcome: 'no-access',
    })
    assert.notEqual((await deadline(caseId, 'home-visit'))?.status, 'met-on-time')
    // The earlier attempt, corrected to a visit that took place, becomes the first home visit.
    await app.services.contacts.update(team.worker, caseId, attempted.id, 1, {
      ...visit({ occurredAt: new Date(opened.getTime() + 4 * HOUR) }),
    })
    const after = await query((tx) =>
      tx
        .select()
        .from(caseEvent)
        .where(and(eq(caseEvent.caseId, caseId), eq(caseEvent.type, 'first-home-visit'))),
    )
    assert.equal(after.length, 1)
    assert.equal(after[0]?.sourceId, attempted.id)
    assert.equal(after[0]?.at.getTime(), opened.getTime() + 4 * HOUR)
    assert.equal((await deadline(caseId, 'home-visit'))?.status, 'met-on-time')
  })
})

describe('engagement', () => {
  test('Lewisham: no child seen for more than 5 working days is overdue; seeing a child meets it again', async () => {
    const caseId = await allocatedCase('lewisham-safer-stronger')
    const [child] = await childrenOf(caseId)
    assert.ok(child)
    advance(2 * DAY)
    assert.notEqual((await deadline(caseId, 'children-seen'))?.status, 'overdue')
    advance(8 * DAY)
    assert.equal((await deadline(caseId, 'children-seen'))?.status, 'overdue')

    // Assertive outreach: an attempt is recorded and shows, but does not see the child.
    await app.services.contacts.record(
      team.worker,
      caseId,
      visit({ outcome: 'attempted', note: 'Synthetic: no answer.' }),
    )
    assert.equal((await deadline(caseId, 'children-seen'))?.status, 'overdue')
    // A visit where the parent was seen but not the child does not either.
    await app.services.contacts.record(
      team.worker,
      caseId,
      visit({ children: [{ personId: child.personId, seen: false }] }),
    )
    assert.equal((await deadline(caseId, 'children-seen'))?.status, 'overdue')

    await app.services.contacts.record(
      team.worker,
      caseId,
      visit({ children: [{ personId: child.personId, seen: true, seenAlone: true }] }),
    )
    const seen = await deadline(caseId, 'children-seen')
    assert.equal(seen?.status, 'not-yet-due')
    const shell = await app.services.cases.open(team.manager, caseId)
    assert.equal(shell.state.engagement.childLastSeen[child.personId]?.getTime(), now.getTime() - HOUR)
  })
})

describe('recording and correcting', () => {
  test('the rules of what was seen, when, and what a significant event needs', async () => {
    const caseId = await allocatedCase('staying-together')
    const [child] = await childrenOf(caseId)
    assert.ok(child)
    advance(DAY)
    const refused = async (input: ContactInput, field: string) => {
      await assert.rejects(
        app.services.contacts.record(team.worker, caseId, input),
        (e: unknown) => e instanceof InvalidInputError && field in e.fields,
      )
    }
    await refused(visit({ type: 'phone', children: [{ personId: child.personId, seen: true }] }), 'children')
    await refused(visit({ outcome: 'no-access', children: [{ personId: child.personId, seen: true }] }), 'children')
    await refused(visit({ children: [{ personId: child.personId, seen: false, seenAlone: true }] }), 'children')
    await refused(visit({ significant: true }), 'headline')
    await refused(visit({ note: '   ' }), 'note')
    await refused(visit({ note: 'x'.repeat(20001) }), 'note')
    await refused(visit({ occurredAt: new Date(now.getTime() + HOUR) }), 'occurredAt')
    await refused(visit({ occurredAt: new Date(now.getTime() - 30 * DAY) }), 'occurredAt')
    await refused(visit({ present: [team.people.worker.id] }), 'present')
    // A little ahead of the clock is allowed.
    await app.services.contacts.record(team.worker, caseId, visit({ occurredAt: new Date(now.getTime() + 60_000) }))
  })

  test('a closed case takes no new contacts and no corrections', async () => {
    const caseId = await allocatedCase('staying-together')
    advance(DAY)
    const { id } = await app.services.contacts.record(team.worker, caseId, visit())
    const { row } = await app.services.cases.open(team.manager, caseId)
    await app.services.cases.move(team.manager, caseId, row.version, 'closed', new Date(now.getTime() - 1000))
    const closed = (e: unknown) => e instanceof InvalidInputError && /closed/.test(e.fields.form ?? '')
    await assert.rejects(app.services.contacts.record(team.worker, caseId, visit()), closed)
    await assert.rejects(
      app.services.contacts.update(team.worker, caseId, id, 1, visit({ note: 'Synthetic: later.' })),
      closed,
    )
    assert.equal((await app.services.contacts.get(team.worker, caseId, id)).row.version, 1)
  })

  test('a significant event joins the chronology, follows its edits, and leaves when it is no longer significant', async () => {
    const caseId = await allocatedCase('staying-together')
    advance(DAY)
    const entries = () =>
      query((tx) =>
        tx
          .select()
          .from(chronologyEntry)
          .where(and(eq(chronologyEntry.caseId, caseId), eq(chronologyEntry.originType, 'contact'))),
      )
    const { id } = await app.services.contacts.record(
      team.worker,
      caseId,
      visit({ significant: true, headline: 'Synthetic: Jordan returned home' }),
    )
    let list = await entries()
    assert.equal(list.length, 1)
    assert.equal(list[0]?.originId, id)
    assert.equal(list[0]?.headline, 'Synthetic: Jordan returned home')

    const earlier = new Date(now.getTime() - DAY + HOUR)
    await app.services.contacts.update(team.worker, caseId, id, 1, {
      ...visit({ occurredAt: earlier, significant: true, headline: 'Synthetic: Jordan moved back home' }),
    })
    list = await entries()
    assert.equal(list.length, 1)
    assert.equal(list[0]?.headline, 'Synthetic: Jordan moved back home')
    assert.equal(list[0]?.occurredOn, londonDate(earlier))

    await app.services.contacts.update(team.worker, caseId, id, 2, visit({ significant: false }))
    assert.equal((await entries()).length, 0)
    const contact = await app.services.contacts.get(team.worker, caseId, id)
    assert.equal(contact.row.headline, null)
    assert.equal(contact.revisions.length, 2)
  })

  test('audit events name the contact but never hold what the note says', async () => {
    const caseId = await allocatedCase('staying-together')
    advance(DAY)
    const secret = 'Synthetic-unique-phrase-about-the-family'
    const { id } = await app.services.contacts.record(
      team.worker,
      caseId,
      visit({ note: secret, significant: true, headline: `${secret} headline`, presentOthers: `${secret} aunt` }),
    )
    await app.services.contacts.update(team.worker, caseId, id, 1, visit({ note: `${secret} corrected` }))
    await app.services.contacts.get(team.worker, caseId, id)
    await app.services.contacts.list(team.worker, caseId, { keyword: secret })
    const events = await query((tx) => tx.select().from(auditEvent).where(eq(auditEvent.recordType, 'contact')))
    const mine = events.filter((e) => (e.details as { caseId?: string }).caseId === caseId)
    assert.deepEqual([...new Set(mine.map((e) => e.action))].sort(), ['create', 'list', 'update', 'view'])
    for (const event of mine) assert.ok(!JSON.stringify(event.details).includes('Synthetic'))
  })

  test('a practitioner in another team cannot see the contacts', async () => {
    const caseId = await allocatedCase('staying-together')
    advance(DAY)
    const { id } = await app.services.contacts.record(team.worker, caseId, visit())
    await assert.rejects(app.services.contacts.list(outsider, caseId), NotFoundError)
    await assert.rejects(app.services.contacts.get(outsider, caseId, id), NotFoundError)
    await assert.rejects(app.services.contacts.record(outsider, caseId, visit()), NotFoundError)
    await assert.rejects(app.services.contacts.update(outsider, caseId, id, 1, visit()), NotFoundError)
    // A colleague in the same team can.
    assert.equal((await app.services.contacts.list(team.colleague, caseId)).total, 1)

    const web = new WebClient(app.baseUrl)
    await web.signIn(outsiderLogin.email, outsiderLogin.password)
    assert.equal((await web.get(`/cases/${caseId}/contacts`)).status, 404)
    assert.equal((await web.get(`/cases/${caseId}/contacts/${id}`)).status, 404)
    assert.equal((await web.get(`/cases/${caseId}/contacts/${id}/edit`)).status, 404)
  })
})

describe('filters and pages', () => {
  test('by type, dates, worker and keyword, 25 to a page, newest first', async () => {
    const caseId = await allocatedCase('staying-together')
    advance(40 * DAY)
    const start = new Date(now.getTime() - 35 * DAY)
    for (let i = 0; i < 30; i++) {
      await app.services.contacts.record(team.worker, caseId, {
        occurredAt: new Date(start.getTime() + i * DAY),
        type: i % 3 === 0 ? 'phone' : 'home-visit',
        outcome: 'completed',
        workerId: i < 10 ? team.people.colleague.id : team.people.worker.id,
        note: i === 7 ? 'Synthetic: talked about the Breakfast Club at school' : `Synthetic: contact number ${i}`,
      })
    }
    const first = await app.services.contacts.list(team.worker, caseId, {}, 1)
    assert.equal(first.total, 30)
    assert.equal(first.contacts.length, 25)
    assert.equal(first.pages, 2)
    assert.equal(first.contacts[0]?.row.note, 'Synthetic: contact number 29')
    const second = await app.services.contacts.list(team.worker, caseId, {}, 2)
    assert.equal(second.contacts.length, 5)
    assert.equal(second.contacts.at(-1)?.row.note, 'Synthetic: contact number 0')

    assert.equal((await app.services.contacts.list(team.worker, caseId, { type: 'phone' })).total, 10)
    assert.equal(
      (await app.services.contacts.list(team.worker, caseId, { workerId: team.people.colleague.id })).total,
      10,
    )
    const found = await app.services.contacts.list(team.worker, caseId, { keyword: 'breakfast club' })
    assert.deepEqual(
      found.contacts.map((c) => c.row.note),
      ['Synthetic: talked about the Breakfast Club at school'],
    )
    assert.equal((await app.services.contacts.list(team.worker, caseId, { keyword: '100%' })).total, 0)
    const from = londonDate(new Date(start.getTime() + 5 * DAY))
    const dated = await app.services.contacts.list(team.worker, caseId, { from, to: addDays(from, 2) })
    assert.equal(dated.total, 3)

    const web = new WebClient(app.baseUrl)
    await web.signIn(team.people.worker.email, team.people.worker.password)
    const page = await (await web.get(`/cases/${caseId}/contacts`)).text()
    assert.match(page, /Showing 1 to 25 of 30 contacts/)
    assert.match(page, /govuk-pagination/)
    const page2 = await (await web.get(`/cases/${caseId}/contacts?page=2`)).text()
    assert.match(page2, /Showing 26 to 30 of 30 contacts/)
    const phones = await (await web.get(`/cases/${caseId}/contacts?type=phone`)).text()
    assert.match(phones, /of 10 contacts/)
    const keyword = await (await web.get(`/cases/${caseId}/contacts?keyword=breakfast`)).text()
    assert.match(keyword, /Showing 1 to 1 of 1 contact</)
  })
})

/** The form's fields for a visit that took place today, as a browser would post them. */
function visitForm(fields: Record<string, string> = {}): Record<string, string> {
  const at = new Date(now.getTime() - HOUR)
  const [year, month, day] = londonDate(at).split('-')
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at)
  return {
    'date-day': String(Number(day)),
    'date-month': String(Number(month)),
    'date-year': String(year),
    time,
    type: 'home-visit',
    outcome: 'completed',
    note: 'Synthetic: a visit.',
    ...fields,
  }
}

const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]
const htmlText = (html: string) =>
  html
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')

describe('the pages', () => {
  let caseId: string
  let worker: WebClient
  let colleague: WebClient

  before(async () => {
    caseId = await allocatedCase('derbyshire-stronger-families')
    advance(DAY)
    worker = new WebClient(app.baseUrl)
    await worker.signIn(team.people.worker.email, team.people.worker.password)
    colleague = new WebClient(app.baseUrl)
    await colleague.signIn(team.people.colleague.email, team.people.colleague.password)
  })

  test('a contact names the goals of the family’s plan it worked on; a goal from elsewhere is refused', async () => {
    const caseId = await allocatedCase('lewisham-safer-stronger')
    const other = await allocatedCase('lewisham-safer-stronger')
    const { goalIds } = await agreedPlan(app.services, authorityId, caseId, team.people.worker.id, [
      { need: 'Synthetic: mornings are a rush', outcome: 'Synthetic: calm mornings before school' },
      { need: 'Synthetic: rent arrears', outcome: 'Synthetic: a plan for the rent' },
    ])
    const { goalIds: elsewhere } = await agreedPlan(app.services, authorityId, other, team.people.worker.id, [
      { need: 'Synthetic', outcome: 'Synthetic: another family’s goal' },
    ])
    const options = await app.services.contacts.formOptions(team.worker, caseId)
    assert.deepEqual(
      options.goals.map((g) => g.outcome),
      ['Synthetic: calm mornings before school', 'Synthetic: a plan for the rent'],
    )
    await assert.rejects(
      app.services.contacts.record(team.worker, caseId, visit({ goalIds: [elsewhere[0] as string] })),
      (e: unknown) => e instanceof InvalidInputError && /current plan/.test(e.fields.goalIds ?? ''),
    )
    const { id } = await app.services.contacts.record(team.worker, caseId, visit({ goalIds: [goalIds[0] as string] }))
    const recorded = await app.services.contacts.get(team.worker, caseId, id)
    assert.deepEqual(
      recorded.goals.map((g) => g.outcome),
      ['Synthetic: calm mornings before school'],
    )
    const page = await (await worker.get(`/cases/${caseId}/contacts/${id}`)).text()
    assert.match(page, /Goals worked on/)
    assert.match(page, /Synthetic: calm mornings before school/)
    const form = await (await worker.get(`/cases/${caseId}/contacts/new`)).text()
    assert.match(form, /Goals worked on \(optional\)/)
    assert.match(form, new RegExp(`value="${goalIds[1]}"`))
  })

  test('recording a contact: each child seen, who was there, and the worker defaulting to me', async () => {
    const form = await (await worker.get(`/cases/${caseId}/contacts/new`)).text()
    assert.match(form, /<title>Record a contact – Hearth<\/title>/)
    assert.match(form, new RegExp(`<option value="${team.people.worker.id}" selected>`))
    const children = await childrenOf(caseId)
    assert.equal(children.length, 2)
    const [morgan, sky] = children
    assert.ok(morgan && sky)
    for (const child of children) assert.match(form, new RegExp(`name="child-${child.personId}"`))
    const adult = (await app.services.contacts.formOptions(team.worker, caseId)).people.find((p) => p.role !== 'child')
    assert.ok(adult)

    const saved = await worker.post(
      `/cases/${caseId}/contacts/new`,
      visitForm({
        [`child-${morgan.personId}`]: 'seen-alone',
        [`child-${sky.personId}`]: 'seen',
        present: adult.personId,
        presentOthers: 'Synthetic health visitor',
        note: 'Synthetic: played in the garden.',
      }),
    )
    assert.equal(saved.status, 303)
    const location = saved.headers.get('location') ?? ''
    assert.match(location, new RegExp(`^/cases/${caseId}/contacts/[0-9a-f-]{36}$`))
    const page = await (await worker.get(location)).text()
    assert.match(page, /The contact is recorded/)
    assert.match(page, /Synthetic: played in the garden\./)
    assert.match(page, /Morgan Price \(seen alone\), Sky Price/)
    assert.match(page, /Lee Price, Synthetic health visitor/)
    const list = await (await worker.get(`/cases/${caseId}/contacts`)).text()
    assert.match(list, /Showing 1 to 1 of 1 contact</)
    assert.match(list, /Morgan Price \(seen alone\), Sky Price/)
  })

  test('a form with problems comes back with the error summary and the note as typed', async () => {
    const [child] = await childrenOf(caseId)
    assert.ok(child)
    const typed = 'Synthetic: a long note the worker must not lose, with <angle> brackets & "quotes".'
    const response = await worker.post(
      `/cases/${caseId}/contacts/new`,
      visitForm({
        type: 'phone',
        [`child-${child.personId}`]: 'seen',
        time: '25:99',
        significant: 'yes',
        note: typed,
      }),
    )
    assert.equal(response.status, 400)
    const html = await response.text()
    assert.match(html, /govuk-error-summary/)
    assert.match(html, /<title>Error: Record a contact – Hearth<\/title>/)
    assert.match(html, /href="#time">Enter the time in the 24-hour clock/)
    assert.match(html, /href="#headline">Enter a short headline/)
    assert.match(html, new RegExp(`href="#child-${child.personId}">A child cannot be seen at a phone call`))
    assert.ok(htmlText(html).includes(typed), 'the note is kept as typed')
    assert.equal((await app.services.contacts.list(team.worker, caseId)).total, 1)

    const future = await worker.post(`/cases/${caseId}/contacts/new`, {
      ...visitForm({ note: typed }),
      'date-year': String(Number(londonDate(now).slice(0, 4)) + 1),
    })
    assert.equal(future.status, 400)
    const futureHtml = await future.text()
    assert.match(futureHtml, /href="#date-day">The date and time of the contact must not be in the future/)
    assert.ok(htmlText(futureHtml).includes(typed))
  })

  test('two workers correct the same note: the second is shown both versions, and no note is lost', async () => {
    const { id } = await app.services.contacts.record(
      team.worker,
      caseId,
      visit({ note: 'Synthetic: the original note.' }),
    )
    const editPath = `/cases/${caseId}/contacts/${id}/edit`
    // Both open the edit page at version 1.
    const first = await (await worker.get(editPath)).text()
    const second = await (await colleague.get(editPath)).text()
    assert.equal(hidden(first, 'version'), '1')
    assert.equal(hidden(second, 'version'), '1')
    const base = (html: string) => ({
      _csrf: hidden(html, '_csrf') ?? '',
      version: hidden(html, 'version') ?? '',
    })

    const workerText = 'Synthetic: the original note. Added by the key worker: the school called.'
    const saved = await worker.post(editPath, { ...visitForm({ note: workerText }), ...base(first) })
    assert.equal(saved.status, 303)

    const colleagueText = 'Synthetic: the original note. Added by the colleague: the GP appointment is booked.'
    const refused = await colleague.post(editPath, { ...visitForm({ note: colleagueText }), ...base(second) })
    assert.equal(refused.status, 409)
    const conflictPage = htmlText(await refused.text())
    assert.match(conflictPage, /Someone else saved this contact since you opened it/)
    assert.ok(conflictPage.includes(workerText), 'the version now saved is shown')
    assert.ok(conflictPage.includes(colleagueText), 'the unsaved text stays in the form')
    assert.match(conflictPage, /Saved by Test practitioner \d+ on /)
    assert.equal(hidden(conflictPage, 'version'), '2')
    let contact = await app.services.contacts.get(team.worker, caseId, id)
    assert.equal(contact.row.version, 2)
    assert.equal(contact.row.note, workerText)

    // The colleague brings in the key worker's addition and saves on the new version.
    const merged = `${workerText} Added by the colleague: the GP appointment is booked.`
    const again = await colleague.post(editPath, {
      ...visitForm({ note: merged }),
      _csrf: hidden(conflictPage, '_csrf') ?? '',
      version: '2',
    })
    assert.equal(again.status, 303)

    contact = await app.services.contacts.get(team.worker, caseId, id)
    assert.equal(contact.row.version, 3)
    const everything = [contact.row.note, ...contact.revisions.map((r) => r.snapshot.note)].join('\n')
    assert.ok(everything.includes('the school called'), "the key worker's text is kept")
    assert.ok(everything.includes('the GP appointment is booked'), "the colleague's text is kept")
    assert.ok(everything.includes('Synthetic: the original note.'))
    assert.deepEqual(
      contact.revisions.map((r) => [r.version, r.snapshot.note]),
      [
        [2, workerText],
        [1, 'Synthetic: the original note.'],
      ],
    )
    assert.equal(contact.revisions[0]?.writtenBy, contact.revisions[1]?.replacedBy)

    const page = await (await worker.get(`/cases/${caseId}/contacts/${id}`)).text()
    assert.match(page, /Version 2: written by Test practitioner \d+ on .*, replaced by Test practitioner \d+ on /)
    assert.match(page, /Version 1: written by/)
  })

  test('two saves at the same moment: exactly one wins, and the history stays whole', async () => {
    const { id } = await app.services.contacts.record(team.worker, caseId, visit({ note: 'Synthetic: v1.' }))
    const results = await Promise.allSettled([
      app.services.contacts.update(team.worker, caseId, id, 1, visit({ note: 'Synthetic: from the key worker.' })),
      app.services.contacts.update(team.colleague, caseId, id, 1, visit({ note: 'Synthetic: from the colleague.' })),
    ])
    const won = results.filter((r) => r.status === 'fulfilled')
    const lost = results.filter((r) => r.status === 'rejected')
    assert.equal(won.length, 1)
    assert.equal(lost.length, 1)
    assert.ok((lost[0] as PromiseRejectedResult).reason instanceof ConflictError)
    assert.ok((lost[0] as PromiseRejectedResult).reason instanceof ContactConflictError)
    const contact = await app.services.contacts.get(team.worker, caseId, id)
    assert.equal(contact.row.version, 2)
    assert.deepEqual(
      contact.revisions.map((r) => [r.version, r.snapshot.note]),
      [[1, 'Synthetic: v1.']],
    )
    const stored = await query((tx) => tx.select().from(contactRevision).where(eq(contactRevision.contactId, id)))
    assert.equal(stored.length, 1)
    // The winner's words are the ones saved.
    const winner =
      results[0]?.status === 'fulfilled' ? 'Synthetic: from the key worker.' : 'Synthetic: from the colleague.'
    assert.equal(contact.row.note, winner)
  })
})

describe('the API', () => {
  test('record, list, read and correct a contact; a stale version is refused with 409', async () => {
    const caseId = await allocatedCase('staying-together')
    advance(DAY)
    const { token } = await app.services.apiTokens.create(
      { actor: { type: 'cli', authorityId } },
      team.people.worker.id,
      'contacts tests',
    )
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await callApi(app.baseUrl, token, method, path, body)
      return { status: response.status, body: (await response.json()) as Record<string, unknown> }
    }
    const [child] = await childrenOf(caseId)
    assert.ok(child)
    const input = {
      occurredAt: new Date(now.getTime() - HOUR).toISOString(),
      type: 'home-visit',
      outcome: 'completed',
      children: [{ personId: child.personId, seen: true, seenAlone: false }],
      note: 'Synthetic: recorded through the API.',
    }
    const bad = await api('POST', `/cases/${caseId}/contacts`, { ...input, type: 'phone' })
    assert.equal(bad.status, 400)
    assert.deepEqual(
      (bad.body.errors as { name: string }[]).map((e) => e.name),
      ['children'],
    )
    const created = await api('POST', `/cases/${caseId}/contacts`, input)
    assert.equal(created.status, 201)
    const id = created.body.id as string

    const list = await api('GET', `/cases/${caseId}/contacts?type=home-visit&keyword=through%20the%20API`)
    assert.equal(list.status, 200)
    assert.equal(list.body.total, 1)
    assert.equal((list.body.contacts as { id: string }[])[0]?.id, id)
    assert.equal((await api('GET', `/cases/${caseId}/contacts?from=not-a-date`)).status, 400)

    const changed = await api('PATCH', `/cases/${caseId}/contacts/${id}`, {
      ...input,
      note: 'Synthetic: corrected through the API.',
      version: 1,
    })
    assert.equal(changed.status, 200)
    assert.equal(changed.body.version, 2)
    const stale = await api('PATCH', `/cases/${caseId}/contacts/${id}`, {
      ...input,
      note: 'Synthetic: a stale correction.',
      version: 1,
    })
    assert.equal(stale.status, 409)

    const read = await api('GET', `/cases/${caseId}/contacts/${id}`)
    assert.equal(read.status, 200)
    assert.equal(read.body.note, 'Synthetic: corrected through the API.')
    assert.equal(read.body.version, 2)
    const revisions = read.body.revisions as { version: number; contact: { note: string } }[]
    assert.deepEqual(
      revisions.map((r) => [r.version, r.contact.note]),
      [[1, 'Synthetic: recorded through the API.']],
    )

    const { token: outsiderToken } = await app.services.apiTokens.create(
      { actor: { type: 'cli', authorityId } },
      outsider.actor.userId as string,
      'outsider',
    )
    const hidden = await fetch(`${app.baseUrl}/api/v1/cases/${caseId}/contacts/${id}`, {
      headers: { authorization: `Bearer ${outsiderToken}` },
    })
    assert.equal(hidden.status, 404)

    const openapi = (await (await fetch(`${app.baseUrl}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>
    }
    assert.ok(openapi.paths['/cases/{caseId}/contacts']?.get)
    assert.ok(openapi.paths['/cases/{caseId}/contacts/{contactId}']?.patch)
    assert.match(JSON.stringify(openapi), /#\/components\/schemas\/Contact"|"Contact"/)
  })
})
