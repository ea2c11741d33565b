import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { eq } from 'drizzle-orm'
import { auditEvent } from '../../src/db/schema/index.ts'
import { addUser, PASSWORD, setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { WebClient } from '../helpers/client.ts'

let app: TestApp
let now = new Date('2026-11-23T09:00:00Z').getTime()
let authorityId: string

before(async () => {
  app = await startTestApp({ clock: () => new Date(now), env: { SIGN_IN_RATE_LIMIT: '30' } })
  ;({ authorityId } = await setUpAuthority(app.services))
})
after(() => app.close())

function sessionCookie(response: Response): string | undefined {
  return response.headers.getSetCookie().find((c) => c.startsWith('hearth.sid='))
}

describe('signing in and out', () => {
  test('the session id changes at sign-in, and the cookie is HttpOnly and SameSite', async () => {
    const person = await addUser(app.services, authorityId, 'practitioner')
    const client = new WebClient(app.baseUrl)
    const before = sessionCookie(await client.get('/sign-in'))
    assert.ok(before)
    const signedIn = await client.signIn(person.email, person.password)
    assert.equal(signedIn.status, 303)
    assert.equal(signedIn.headers.get('location'), '/')
    const after = sessionCookie(signedIn)
    assert.ok(after)
    assert.notEqual(after.split(';')[0], before.split(';')[0])
    assert.match(after, /HttpOnly/)
    assert.match(after, /SameSite=Lax/)
    const home = await client.get('/')
    assert.equal(home.status, 200)
    assert.match(await home.text(), /You are signed in as Test practitioner/)
  })

  test('a wrong password keeps the email, shows an error summary, and does not say which was wrong', async () => {
    const person = await addUser(app.services, authorityId, 'practitioner')
    const client = new WebClient(app.baseUrl)
    const response = await client.signIn(person.email, 'not the password')
    assert.equal(response.status, 400)
    const html = await response.text()
    assert.match(html, /There is a problem/)
    assert.match(html, /Enter a correct email address and password/)
    assert.ok(html.includes(`value="${person.email}"`))
    assert.ok(!html.includes('not the password'), 'the password is never sent back')
  })

  test('ten failures lock the account for 15 minutes, even against the right password', async () => {
    const person = await addUser(app.services, authorityId, 'practitioner')
    const client = new WebClient(app.baseUrl)
    for (let i = 0; i < 10; i++) await (await client.signIn(person.email, `wrong ${i}`)).arrayBuffer()
    const locked = await client.signIn(person.email, PASSWORD)
    assert.equal(locked.status, 400)
    assert.match(await locked.text(), /This account is locked/)
    now += 16 * 60_000
    const unlocked = await client.signIn(person.email, PASSWORD)
    assert.equal(unlocked.status, 303)
    const events = await app.db.database.withTenant(authorityId, (tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.recordId, person.id)),
    )
    assert.ok(events.some((e) => e.action === 'account-locked'))
    assert.equal(events.filter((e) => e.action === 'sign-in-failed').length, 10)
  })

  test('30 minutes idle signs you out', async () => {
    const person = await addUser(app.services, authorityId, 'practitioner')
    const client = new WebClient(app.baseUrl)
    const signedIn = await client.signIn(person.email, person.password)
    assert.equal(signedIn.status, 303, await signedIn.text())
    now += 29 * 60_000
    assert.equal((await client.get('/')).status, 200)
    now += 29 * 60_000
    assert.equal((await client.get('/')).status, 200, 'activity pushes the idle timeout back')
    now += 31 * 60_000
    const response = await client.get('/')
    assert.equal(response.status, 303)
    assert.equal(response.headers.get('location'), '/sign-in')
  })

  test('10 hours after signing in you are signed out, however active', async () => {
    const person = await addUser(app.services, authorityId, 'practitioner')
    const client = new WebClient(app.baseUrl)
    await client.signIn(person.email, person.password)
    for (let minutes = 25; minutes <= 600; minutes += 25) {
      now += 25 * 60_000
      const response = await client.get('/')
      await response.arrayBuffer()
      assert.equal(response.status, 200, `after ${minutes} minutes`)
    }
    now += 5 * 60_000
    const response = await client.get('/')
    assert.equal(response.status, 303)
    const signIn = await client.get('/sign-in')
    assert.match(await signIn.text(), /You have been signed out/)
  })

  test('signing out ends the session', async () => {
    const person = await addUser(app.services, authorityId, 'practitioner')
    const client = new WebClient(app.baseUrl)
    await client.signIn(person.email, person.password)
    const out = await client.post('/sign-out', {}, '/')
    assert.equal(out.status, 303)
    assert.equal((await client.get('/')).status, 303)
    assert.match(await (await client.get('/sign-in')).text(), /You have signed out/)
  })

  test('a deactivated person is signed out at their next request', async () => {
    const person = await addUser(app.services, authorityId, 'practitioner')
    const client = new WebClient(app.baseUrl)
    await client.signIn(person.email, person.password)
    await app.services.users.setActive({ actor: { type: 'cli', authorityId } }, person.id, false)
    assert.equal((await client.get('/')).status, 303)
    assert.equal((await client.signIn(person.email, person.password)).status, 400)
  })
})

describe('protections on every page', () => {
  test('a form posted without its CSRF token is refused and changes nothing', async () => {
    const admin = new WebClient(app.baseUrl)
    await admin.signIn('ada.northshire@example.org', PASSWORD)
    const response = await admin.post('/admin/teams/new', { _csrf: 'forged', name: 'Forged Team' })
    assert.equal(response.status, 403)
    assert.match(await response.text(), /This form has expired/)
    const teams = await app.services.teams.list({ actor: { type: 'cli', authorityId } })
    assert.ok(!teams.some((t) => t.name === 'Forged Team'))
  })

  test('headers: CSP with a nonce and no unsafe-inline, no caching, no HSTS outside production', async () => {
    const response = await fetch(`${app.baseUrl}/sign-in`)
    const csp = response.headers.get('content-security-policy') ?? ''
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
    assert.ok(nonce)
    assert.ok(!csp.includes('unsafe-inline'))
    assert.ok((await response.text()).includes(`nonce="${nonce}"`))
    assert.match(response.headers.get('cache-control') ?? '', /no-store/)
    assert.equal(response.headers.get('strict-transport-security'), null)
    assert.equal(response.headers.get('x-powered-by'), null)
    const second = await fetch(`${app.baseUrl}/sign-in`)
    assert.notEqual(/'nonce-([^']+)'/.exec(second.headers.get('content-security-policy') ?? '')?.[1], nonce)
  })

  test('an oversized form gets 413 and saves nothing', async () => {
    const admin = new WebClient(app.baseUrl)
    await admin.signIn('ada.northshire@example.org', PASSWORD)
    const response = await admin.post('/admin/teams/new', { name: 'x'.repeat(200_000) })
    assert.equal(response.status, 413)
    assert.match(await response.text(), /too large/)
  })

  test('unknown pages get the styled 404 page', async () => {
    const response = await fetch(`${app.baseUrl}/no-such-page`)
    assert.equal(response.status, 404)
    const html = await response.text()
    assert.match(html, /Page not found/)
    assert.match(html, /govuk-footer/)
  })

  test('health and readiness answer without signing in', async () => {
    assert.deepEqual(await (await fetch(`${app.baseUrl}/health`)).json(), { status: 'ok' })
    const ready = await fetch(`${app.baseUrl}/ready`)
    assert.equal(ready.status, 200)
    assert.equal((await ready.json()).status, 'ok')
  })
})

describe('forms keep answers and explain errors', () => {
  test('adding a user with bad input keeps the answers, names each problem, and writes nothing', async () => {
    const admin = new WebClient(app.baseUrl)
    await admin.signIn('ada.northshire@example.org', PASSWORD)
    const before = (await app.services.users.list({ actor: { type: 'cli', authorityId } })).length
    const response = await admin.post('/admin/users/new', { name: 'Kit Synthetic', email: 'not-an-email' })
    assert.equal(response.status, 400)
    const html = await response.text()
    assert.match(html, /There is a problem/)
    assert.match(html, /href="#email">Enter an email address in the correct format/)
    assert.match(html, /href="#role">Select a role/)
    assert.ok(html.includes('value="Kit Synthetic"'))
    assert.equal((await app.services.users.list({ actor: { type: 'cli', authorityId } })).length, before)
  })

  test('a new user gets a one-time link; it sets their password once', async () => {
    const admin = new WebClient(app.baseUrl)
    await admin.signIn('ada.northshire@example.org', PASSWORD)
    const created = await admin.post('/admin/users/new', {
      name: 'Jo Synthetic',
      email: 'jo.synthetic@example.org',
      role: 'social_worker',
    })
    assert.equal(created.status, 201)
    const link = /id="password-link">([^<]+)</.exec(await created.text())?.[1]
    assert.ok(link)
    const path = new URL(link).pathname
    const jo = new WebClient(app.baseUrl)
    const mismatch = await jo.post(path, { password: 'a new long password', confirmPassword: 'something else' })
    assert.equal(mismatch.status, 400)
    assert.match(await mismatch.text(), /The passwords do not match/)
    const set = await jo.post(path, { password: 'a new long password', confirmPassword: 'a new long password' })
    assert.equal(set.status, 303)
    assert.equal((await jo.get('/')).status, 200)
    assert.equal((await new WebClient(app.baseUrl).get(path)).status, 404, 'the link works once')
    assert.equal(
      (await new WebClient(app.baseUrl).signIn('jo.synthetic@example.org', 'a new long password')).status,
      303,
    )
  })

  test('editing a user someone else changed meanwhile shows a conflict and keeps their change', async () => {
    const person = await addUser(app.services, authorityId, 'practitioner')
    const admin = new WebClient(app.baseUrl)
    await admin.signIn('ada.northshire@example.org', PASSWORD)
    const cli = { actor: { type: 'cli' as const, authorityId } }
    await app.services.users.update(cli, person.id, { name: 'Renamed Elsewhere', role: 'practitioner', version: 1 })
    const response = await admin.post(`/admin/users/${person.id}/edit`, {
      name: 'My Rename',
      role: 'team_manager',
      teamId: '',
      version: '1',
    })
    assert.equal(response.status, 409)
    assert.match(await response.text(), /changed by someone else/)
    assert.equal((await app.services.users.get(cli, person.id)).name, 'Renamed Elsewhere')
  })
})
