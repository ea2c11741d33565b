import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { eq } from 'drizzle-orm'
import { apiRoutes } from '../../src/api/index.ts'
import { auditEvent } from '../../src/db/schema/index.ts'
import { addUser, setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'

let app: TestApp
let authorityId: string
let adminToken: string
let adminTokenId: string

before(async () => {
  app = await startTestApp()
  const done = await setUpAuthority(app.services)
  authorityId = done.authorityId
  const created = await app.services.apiTokens.create({ actor: { type: 'cli', authorityId } }, done.userId, 'tests')
  adminToken = created.token
  adminTokenId = created.id
})
after(() => app.close())

function api(path: string, init: RequestInit & { token?: string; json?: unknown } = {}) {
  const { token = adminToken, json, ...rest } = init
  return fetch(`${app.baseUrl}/api/v1${path}`, {
    ...rest,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  })
}

describe('JSON API', () => {
  test('without a token: 401 problem+json with a WWW-Authenticate challenge', async () => {
    const response = await api('/me', { token: '' })
    assert.equal(response.status, 401)
    assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8')
    assert.match(response.headers.get('www-authenticate') ?? '', /Bearer/)
    const body = await response.json()
    assert.equal(body.status, 401)
    assert.equal(body.instance, '/api/v1/me')
  })

  test('a token identifies its owner; using it is audited with the token id', async () => {
    const response = await api('/users')
    assert.equal(response.status, 200)
    const users = await response.json()
    assert.equal(users.length, 1)
    assert.equal(users[0].role, 'administrator')
    assert.equal('passwordHash' in users[0], false)
    const events = await app.db.database.withTenant(authorityId, (tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.action, 'list')),
    )
    const latest = events.at(-1)
    assert.ok(latest)
    assert.equal((latest.details as Record<string, string>).tokenId, adminTokenId)
    assert.equal(latest.actorType, 'token')
  })

  test('bad input: 400 naming each bad field, and nothing written', async () => {
    const response = await api('/users', { method: 'POST', json: { name: '', email: 'nope', role: 'chief' } })
    assert.equal(response.status, 400)
    const body = await response.json()
    assert.deepEqual(body.errors.map((e: { name: string }) => e.name).sort(), ['email', 'name', 'role'])
    assert.equal((await (await api('/users')).json()).length, 1)
  })

  test('a duplicate email is a 400 on that field', async () => {
    const person = await addUser(app.services, authorityId, 'practitioner')
    const response = await api('/users', {
      method: 'POST',
      json: { name: 'Someone Synthetic', email: person.email.toUpperCase(), role: 'practitioner' },
    })
    assert.equal(response.status, 400)
    assert.deepEqual((await response.json()).errors, [
      { name: 'email', reason: 'An account already uses this email address' },
    ])
  })

  test('creating a user answers 201 with their one-time password link', async () => {
    const response = await api('/users', {
      method: 'POST',
      json: { name: 'Lee Synthetic', email: 'lee.synthetic@example.org', role: 'commissioner' },
    })
    assert.equal(response.status, 201)
    const body = await response.json()
    assert.match(body.passwordLink, /\/password\/[\w-]{40,}$/)
    const got = await (await api(`/users/${body.id}`)).json()
    assert.equal(got.hasPassword, false)
    assert.equal(got.role, 'commissioner')
  })

  test('a stale version gets 409 and changes nothing', async () => {
    const person = await addUser(app.services, authorityId, 'practitioner')
    const change = { name: 'New Name', role: 'practitioner', version: 1 }
    assert.equal((await api(`/users/${person.id}`, { method: 'PATCH', json: change })).status, 204)
    const stale = await api(`/users/${person.id}`, { method: 'PATCH', json: { ...change, name: 'Other Name' } })
    assert.equal(stale.status, 409)
    assert.equal((await (await api(`/users/${person.id}`)).json()).name, 'New Name')
  })

  test('unknown ids and routes: 404 problem+json', async () => {
    assert.equal((await api(`/users/${crypto.randomUUID()}`)).status, 404)
    assert.equal((await api('/users/not-a-uuid')).status, 404)
    const missing = await api('/nowhere')
    assert.equal(missing.status, 404)
    assert.equal(missing.headers.get('content-type'), 'application/problem+json; charset=utf-8')
  })

  test('malformed JSON is 400 and an oversized body is 413', async () => {
    const bad = await fetch(`${app.baseUrl}/api/v1/teams`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: '{"name":',
    })
    assert.equal(bad.status, 400)
    const big = await api('/teams', { method: 'POST', json: { name: 'x'.repeat(200_000) } })
    assert.equal(big.status, 413)
    assert.equal((await big.json()).status, 413)
  })

  test('a revoked token stops working at once', async () => {
    const person = await addUser(app.services, authorityId, 'practitioner')
    const cli = { actor: { type: 'cli' as const, authorityId } }
    const { id, token } = await app.services.apiTokens.create(cli, person.id, 'short-lived')
    assert.equal((await api('/me', { token })).status, 200)
    await app.services.apiTokens.revoke(cli, id)
    assert.equal((await api('/me', { token })).status, 401)
  })

  test('the OpenAPI 3.1 document lists every API route, generated from the schemas', async () => {
    const response = await api('/openapi.json', { token: '' })
    assert.equal(response.status, 200)
    const doc = await response.json()
    assert.equal(doc.openapi, '3.1.0')
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops as object).map((m) => `${m} ${path}`),
    )
    const declared = apiRoutes(app.services, app.config).map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
    assert.deepEqual(listed.sort(), declared.sort())
    const create = doc.paths['/users'].post.requestBody.content['application/json'].schema
    assert.deepEqual(create.required.sort(), ['email', 'name', 'role'])
    assert.deepEqual(create.properties.role.enum, [
      'administrator',
      'team_manager',
      'practitioner',
      'social_worker',
      'commissioner',
    ])
  })
})
