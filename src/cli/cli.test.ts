import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts'
import { loadConfig } from '../config.ts'
import { createServices, type Services } from '../services/index.ts'
import { runCli, UsageError } from './index.ts'

let db: TestDatabase
let services: Services

before(async () => {
  db = await createTestDatabase()
  services = createServices(db.database, () => new Date(), loadConfig({ NODE_ENV: 'test' }))
})
after(() => db.close())

async function hearth(args: string, stdin = '') {
  const out: string[] = []
  const err: string[] = []
  await runCli(args.split(' '), services, 'https://hearth.example.org', {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    readStdin: async () => stdin,
  })
  return { out, err }
}

test('users add refuses before there is an authority, with a way forward', async () => {
  await assert.rejects(
    hearth('users add --email a@example.org --name Sam --role practitioner'),
    (e: unknown) => e instanceof UsageError && /authorities add/.test(e.message),
  )
})

test('users add, tokens create, list and revoke, audit verify', async () => {
  const { out: authority } = await hearth('authorities add --name Northshire')
  assert.match(authority[0], /^[0-9a-f-]{36}$/)
  await hearth('users add --email team@example.org --name Team --role team_manager')
  const withPassword = await hearth(
    'users add --email sam@example.org --name Sam --role team-manager --password-stdin',
    'a long synthetic password\n',
  )
  assert.equal(withPassword.err.length, 0, 'no link when a password is given')
  assert.equal((await services.auth.signIn('sam@example.org', 'a long synthetic password')).outcome, 'signed-in')

  const { out: token } = await hearth('tokens create --email sam@example.org --name export')
  assert.match(token[0], /^hearth_[\w-]{43}$/)
  assert.ok(await services.auth.authenticateToken(token[0]))
  const { out: listed } = await hearth('tokens list --email sam@example.org')
  const [id, state, name] = listed[0].split('\t')
  assert.deepEqual([state, name], ['active', 'export'])
  assert.ok(!listed[0].includes(token[0]), 'the token itself is never listed')
  await hearth(`tokens revoke --email sam@example.org --id ${id}`)
  assert.equal(await services.auth.authenticateToken(token[0]), undefined)

  const { err } = await hearth('audit verify')
  assert.match(err.at(-1) ?? '', /intact/)
})

test('bad input is a clear usage error', async () => {
  await assert.rejects(hearth('users add --email x@example.org --name X --role chief'), /--role must be one of/)
  await assert.rejects(
    hearth('users add --email x@example.org --name X --role practitioner --password-stdin', 'short'),
    /12 characters/,
  )
  await assert.rejects(hearth('tokens create --email nobody@example.org'), /No user/)
  await assert.rejects(hearth('nonsense'), /Unknown command/)
})
