import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts'
import { loadConfig } from '../config.ts'
import { verifyAuditChain } from '../services/audit.ts'
import { createServices, type Services, shippedProgrammes } from '../services/index.ts'
import { DEMO_EMAIL_DOMAIN, runDemo } from './demo.ts'
import { runCli, UsageError } from './index.ts'

let db: TestDatabase
let services: Services
const config = loadConfig({ NODE_ENV: 'test' })
const library = shippedProgrammes()
const lines: string[] = []
const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), readStdin: async () => '' }

before(async () => {
  db = await createTestDatabase()
  services = createServices(db.database, () => new Date(), config)
})
after(() => db.close())

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
  const password = lines.at(-1) as string
  const manager = await services.auth.signIn(`manager@${DEMO_EMAIL_DOMAIN}`, password)
  assert.equal(manager.outcome, 'signed-in', 'the printed password signs the demo manager in')
  const found = await services.auth.findByEmail(`manager@${DEMO_EMAIL_DOMAIN}`)
  const ctx = {
    actor: {
      type: 'user' as const,
      authorityId: found?.authority_id as string,
      userId: found?.user_id,
      role: 'team_manager' as const,
    },
  }

  const referrals = await services.referrals.list(ctx, {})
  for (const programme of library.programmes) {
    assert.ok(
      referrals.some((r) => r.row.programmeId === programme.id && r.row.status !== 'accepted'),
      `${programme.name} has a referral waiting for a decision`,
    )
  }
  const cases = await services.cases.list(ctx, { scope: 'team', stage: 'open' })
  const stages = new Set(cases.cases.map((c) => `${c.row.programmeId}:${c.row.status}`))
  for (const programme of library.programmes) {
    for (const stage of ['accepted', 'active']) {
      assert.ok(stages.has(`${programme.id}:${stage}`), `${programme.name} has a case ${stage}`)
    }
  }

  lines.length = 0
  await runCli(['demo', '--seed', '7'], services, 'https://hearth.example.org', io, { config, library })
  assert.match(lines.join('\n'), /already has the demo families: nothing was changed/)
  assert.equal((await services.referrals.list(ctx, {})).length, referrals.length, 'a second run adds nothing')

  const chain = await verifyAuditChain(db.database)
  assert.deepEqual(chain.problems, [], 'the audit trail the demo wrote is intact')
})

test('the same seed gives the same families', async () => {
  const other = await createTestDatabase()
  try {
    const first = await familyNames(other, 3)
    const again = await createTestDatabase()
    try {
      assert.deepEqual(await familyNames(again, 3), first)
    } finally {
      await again.close()
    }
  } finally {
    await other.close()
  }
})

async function familyNames(database: TestDatabase, seed: number): Promise<string[]> {
  const out: string[] = []
  await runDemo(database.database, config, library, { seed, force: false }, { err: (l) => out.push(l) })
  return out
}
