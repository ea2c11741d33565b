import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { eq } from 'drizzle-orm'
import { runProgrammesCommand } from '../../src/cli/programmes.ts'
import { auditEvent, authorityProgramme } from '../../src/db/schema/index.ts'
import { PROGRAMMES_DIR } from '../../src/programmes/library.ts'
import type { RequestContext } from '../../src/services/context.ts'
import { addUser, setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { rejectsWith } from '../helpers/assert.ts'
import { WebClient } from '../helpers/client.ts'

const FIVE = [
  'derby-staying-together',
  'derbyshire-stronger-families',
  'lewisham-safer-stronger',
  'staying-together',
  'tameside-stars',
]

let app: TestApp
let first: string
let second: string
let token: string
const as = (authorityId: string): RequestContext => ({ actor: { type: 'cli', authorityId } })

before(async () => {
  // The referral date for every screening here is 23 November 2026.
  app = await startTestApp({ clock: () => new Date('2026-11-23T10:00:00Z') })
  first = (await setUpAuthority(app.services)).authorityId
  second = await app.services.setup.createAuthority('Southshire Council')
  const worker = await addUser(app.services, first, 'practitioner')
  token = (await app.services.apiTokens.create(as(first), worker.id, 'tests')).token
})
after(() => app.close())

function api(path: string, json?: unknown) {
  return fetch(`${app.baseUrl}/api/v1${path}`, {
    method: json === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
  })
}

describe('the services an authority runs', () => {
  test('the first authority on an installation runs all five; a later one starts with none', async () => {
    assert.deepEqual(
      (await app.services.programmes.running(as(first))).map((p) => p.id),
      FIVE,
    )
    assert.deepEqual(await app.services.programmes.running(as(second)), [])
  })

  test("one authority cannot see another's choices, even by asking the database", async () => {
    const rows = await app.db.database.withTenant(second, (tx) => tx.select().from(authorityProgramme))
    assert.deepEqual(rows, [])
  })

  test('an administrator chooses services; the change is audited; an unknown id changes nothing', async () => {
    await app.services.programmes.choose(as(second), ['staying-together', 'lewisham-safer-stronger'])
    assert.deepEqual(
      (await app.services.programmes.running(as(second))).map((p) => p.id),
      ['lewisham-safer-stronger', 'staying-together'],
    )
    await rejectsWith(
      app.services.programmes.choose(as(second), ['staying-together', 'no-such-thing']),
      /Invalid input/,
    )
    assert.equal((await app.services.programmes.running(as(second))).length, 2)
    const events = await app.db.database.withTenant(second, (tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.recordType, 'authority-programmes')),
    )
    assert.equal(events.length, 1)
    assert.deepEqual(events[0]?.details, { added: 'staying-together lewisham-safer-stronger', removed: '' })
  })

  test("an authority's calendar change counts for it alone", async () => {
    await app.services.programmes.addOverride(as(second), {
      date: '2029-06-04',
      title: 'A proclaimed holiday',
      kind: 'holiday',
    })
    assert.equal((await app.services.programmes.calendar(as(second))).isWorkingDay('2029-06-04'), false)
    assert.equal((await app.services.programmes.calendar(as(first))).isWorkingDay('2029-06-04'), true)
    await rejectsWith(
      app.services.programmes.addOverride(as(second), { date: '2029-06-04', title: 'Again', kind: 'holiday' }),
      /Invalid input/,
    )
    await app.services.programmes.removeOverride(as(second), '2029-06-04')
    assert.equal((await app.services.programmes.calendar(as(second))).isWorkingDay('2029-06-04'), true)
  })
})

describe('programmes and screenings in the API', () => {
  test('GET /programmes lists the library and says which the authority runs', async () => {
    const response = await api('/programmes')
    assert.equal(response.status, 200)
    const body = (await response.json()) as { id: string; running: boolean }[]
    assert.deepEqual(
      body.map((p) => [p.id, p.running]),
      FIVE.map((id) => [id, true]),
    )
  })

  test('GET /programmes/{id} gives the whole definition; an unknown id is a 404 problem', async () => {
    const response = await api('/programmes/derby-staying-together')
    const body = await response.json()
    assert.deepEqual(body.definition.timescales[0].within, { amount: 48, unit: 'hours' })
    const missing = await api('/programmes/nowhere')
    assert.equal(missing.status, 404)
    assert.equal(missing.headers.get('content-type'), 'application/problem+json; charset=utf-8')
  })

  test('POST /screenings screens every programme the authority runs, best fits first', async () => {
    const response = await api('/screenings', {
      facts: { children: [{ dateOfBirth: '2017-05-01' }], safeguardingLevel: 3, indicators: ['weapons'] },
    })
    assert.equal(response.status, 200)
    const body = (await response.json()) as { programmeId: string; result: string; on: string }[]
    assert.equal(body.length, 5)
    assert.equal(body[0]?.programmeId, 'derby-staying-together')
    assert.equal(body[0]?.result, 'eligible')
    assert.equal(body[0]?.on, '2026-11-23')
  })

  test('POST /screenings for one programme, on a given date', async () => {
    const response = await api('/screenings', {
      programmeId: 'staying-together',
      on: '2026-01-05',
      facts: { children: [{ age: 10 }] },
    })
    const [only] = (await response.json()) as { programmeId: string; criteria: { of: unknown[] } }[]
    assert.equal(only?.programmeId, 'staying-together')
  })

  test('impossible facts are refused with a problem naming each field', async () => {
    const negative = await api('/screenings', { facts: { previousRemovals: -1, children: [{ age: 3.5 }] } })
    assert.equal(negative.status, 400)
    const problem = (await negative.json()) as { errors: { name: string; reason: string }[] }
    assert.deepEqual(problem.errors.map((e) => e.name).sort(), ['facts.children.0.age', 'facts.previousRemovals'])

    const future = await api('/screenings', { facts: { children: [{ dateOfBirth: '2027-01-01' }] } })
    assert.equal(future.status, 400)
    const futureProblem = (await future.json()) as { errors: { name: string; reason: string }[] }
    assert.equal(futureProblem.errors[0]?.name, 'facts.children.0.dateOfBirth')
    assert.match(futureProblem.errors[0]?.reason ?? '', /on or before 23 November 2026/)
  })

  test('the OpenAPI document describes the programme and screening routes', async () => {
    const document = await (await fetch(`${app.baseUrl}/api/v1/openapi.json`)).json()
    for (const path of ['/programmes', '/programmes/{programmeId}', '/screenings'])
      assert.ok(document.paths[path], path)
  })
})

describe('the check which service fits page', () => {
  test('a worker gets each service screened, criterion by criterion, with the seed’s words', async () => {
    const worker = await addUser(app.services, first, 'social_worker')
    const client = new WebClient(app.baseUrl)
    await client.signIn(worker.email, worker.password)
    const response = await client.post('/services/check', {
      child1: '16',
      homeless: 'yes',
      socialWorker: 'yes',
      expecting: 'no',
      previousRemovals: '0',
    })
    assert.equal(response.status, 200)
    const html = await response.text()
    assert.match(html, /A young person aged 16 or 17 is presenting as homeless\./)
    assert.match(html, /The project is also available for any 16 or 17 year old/)
    assert.match(html, /How each service screens this family on 23 November 2026/)
  })

  test('impossible facts get an error summary, and the answers stay', async () => {
    const worker = await addUser(app.services, first, 'team_manager')
    const client = new WebClient(app.baseUrl)
    await client.signIn(worker.email, worker.password)
    const response = await client.post('/services/check', {
      child1: '9',
      child2: '1/1/2027',
      previousRemovals: '-2',
      expecting: 'yes',
      'dueDate-day': '30',
      'dueDate-month': '2',
      'dueDate-year': '2027',
    })
    assert.equal(response.status, 400)
    const html = await response.text()
    assert.match(html, /There is a problem/)
    assert.match(html, /href="#child2">A child&#39;s date of birth must be on or before 23 November 2026/)
    assert.match(html, /href="#dueDate-day">The expected date of delivery must be a real date/)
    assert.match(html, /href="#previousRemovals">The number of children removed cannot be negative/)
    // In the order of the form.
    assert.ok(html.indexOf('href="#child2"') < html.indexOf('href="#dueDate-day"'))
    assert.ok(html.indexOf('href="#dueDate-day"') < html.indexOf('href="#previousRemovals"'))
    assert.match(html, /id="child1" name="child1" [^>]*value="9"/)
  })
})

describe('programme files at start-up and on the command line', () => {
  function brokenCopy(): string {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-programmes-'))
    cpSync(PROGRAMMES_DIR, dir, { recursive: true })
    const file = join(dir, 'lewisham-safer-stronger.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('length: 12 weeks', 'length: twelve weeks'))
    return dir
  }

  test('Hearth refuses to start with a broken programme file, naming the file, line, path and reason', () => {
    const dir = brokenCopy()
    const dataDir = mkdtempSync(join(tmpdir(), 'hearth-data-'))
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, DATABASE_URL: '', HEARTH_PROGRAMMES_DIR: dir, HEARTH_DATA_DIR: dataDir, PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    })
    assert.equal(result.status, 1)
    assert.match(result.stderr, /a programme file has a mistake/)
    assert.match(
      result.stderr,
      /lewisham-safer-stronger\.yaml \(line \d+, phases\.0\.length\): write a whole number and a unit/,
    )
  })

  test('`programmes check` passes the shipped files and fails a broken one', () => {
    const lines: string[] = []
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) }
    assert.equal(runProgrammesCommand('check', [], PROGRAMMES_DIR, io), 0)
    assert.equal(lines.filter((l) => l.startsWith('ok\t')).length, 5)
    const dir = brokenCopy()
    lines.length = 0
    assert.equal(runProgrammesCommand('check', [join(dir, 'lewisham-safer-stronger.yaml')], dir, io), 1)
    assert.match(lines.join('\n'), /phases\.0\.length/)
    copyFileSync(join(PROGRAMMES_DIR, 'tameside-stars.yaml'), join(dir, 'tameside-stars.yaml'))
    assert.equal(runProgrammesCommand('check', [join(dir, 'tameside-stars.yaml')], dir, io), 0)
  })
})
