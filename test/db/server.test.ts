import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import pg from 'pg'
import { createDatabase } from '../../src/db/client.ts'
import { createServerDatabase, dropServerDatabase, silentLogger } from '../helpers/database.ts'

/** Behaviour only a PostgreSQL server shows. Required in CI (HEARTH_REQUIRE_POSTGRES). */
const skip = process.env.DATABASE_URL ? false : 'set DATABASE_URL to run the PostgreSQL server tests'
if (skip && process.env.HEARTH_REQUIRE_POSTGRES)
  throw new Error('HEARTH_REQUIRE_POSTGRES is set but DATABASE_URL is not')

let url: URL

before(async () => {
  if (!skip) url = await createServerDatabase(process.env.DATABASE_URL as string)
})
after(async () => {
  if (!skip) await dropServerDatabase(url)
})

test('instances starting together migrate once, under the advisory lock', { skip }, async () => {
  const [a, b] = await Promise.all([
    createDatabase({ url: url.href, logger: silentLogger }),
    createDatabase({ url: url.href, logger: silentLogger }),
  ])
  const admin = new pg.Client({ connectionString: url.href })
  await admin.connect()
  const { rows } = await admin.query('SELECT name, count(*)::int AS n FROM hearth_migration GROUP BY name')
  const { rows: version } = await admin.query('SHOW server_version_num')
  await admin.end()
  await Promise.all([a.close(), b.close()])
  assert.ok(rows.length >= 2)
  assert.ok(rows.every((r) => r.n === 1))
  assert.ok(Number(version[0].server_version_num) >= 150000)
})

test('a database restart that drops every connection does not kill the process', { skip }, async () => {
  const database = await createDatabase({ url: url.href, logger: silentLogger, poolSize: 3 })
  const uncaught: unknown[] = []
  const record = (error: unknown) => uncaught.push(error)
  process.on('uncaughtException', record)
  try {
    await Promise.all([database.ping(), database.ping(), database.ping()])
    const admin = new pg.Client({ connectionString: url.href })
    await admin.connect()
    const { rows } = await admin.query(
      'SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    )
    await admin.end()
    assert.ok(rows.length >= 1, 'the pool had idle connections to drop')
    await new Promise((resolve) => setTimeout(resolve, 300))
    await database.ping()
    assert.deepEqual(uncaught, [])
  } finally {
    process.off('uncaughtException', record)
    await database.close()
  }
})
