import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createDatabase, type Database } from '../../src/db/client.ts'
import { createLogger } from '../../src/logger.ts'

/**
 * A fresh, migrated database for one test file: in-memory PGlite, or — when DATABASE_URL
 * is set — a new database on that PostgreSQL server, dropped again by `close()`.
 */
export const usingPostgres = Boolean(process.env.DATABASE_URL)

export const silentLogger = createLogger('silent')

export interface TestDatabase {
  database: Database
  /** The server URL of this test's own database (PostgreSQL only). */
  url?: string
  close(): Promise<void>
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!process.env.DATABASE_URL) {
    const database = await createDatabase({ logger: silentLogger })
    return { database, close: () => database.close() }
  }
  const url = await createServerDatabase(process.env.DATABASE_URL)
  const database = await createDatabase({ url: url.href, logger: silentLogger, poolSize: 5 })
  return {
    database,
    url: url.href,
    async close() {
      await database.close()
      await dropServerDatabase(url)
    },
  }
}

/** CREATE DATABASE hearth_test_… on the server DATABASE_URL points at. */
export async function createServerDatabase(serverUrl: string): Promise<URL> {
  const name = `hearth_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url
}

export async function dropServerDatabase(url: URL): Promise<void> {
  const serverUrl = new URL(url)
  serverUrl.pathname = new URL(process.env.DATABASE_URL as string).pathname
  const admin = new pg.Client({ connectionString: serverUrl.href })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${url.pathname.slice(1)} WITH (FORCE)`)
  } finally {
    await admin.end()
  }
}
