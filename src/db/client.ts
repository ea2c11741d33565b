import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { type ExtractTablesWithRelations, type SQL, sql } from 'drizzle-orm'
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres'
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import pg from 'pg'
import type { Logger } from 'pino'
import { type DataDirLock, lockDataDir } from './lock.ts'
import { type MigrationConnection, migrate } from './migrate.ts'
import * as schema from './schema/index.ts'

export type Schema = typeof schema
export type HearthDb = PgDatabase<PgQueryResultHKT, Schema>
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>

/** The role every application query runs as (created by the migrations). */
export const APP_ROLE = 'hearth_app'

export interface DatabaseOptions {
  /** postgres://… for a server; unset for the embedded database. */
  url?: string
  /** Folder for the embedded database; unset (with no url) for an in-memory one, as tests use. */
  dataDir?: string
  poolSize?: number
  statementTimeoutMs?: number
  logger: Logger
}

export interface Database {
  kind: 'embedded' | 'postgres'
  /** Drizzle, connected as hearth_app with no tenant: tenant tables read as empty here. */
  db: HearthDb
  /** One transaction scoped to an authority: row-level security admits only its rows. */
  withTenant<T>(authorityId: string, fn: (tx: Tx) => Promise<T>): Promise<T>
  /** One transaction with no tenant, for the tables that have none (sessions, set-up links). */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>
  /**
   * One transaction as the connecting (owner) role, bypassing row-level security. For
   * operator commands (audit verify, listing authorities) and tests only — never a request.
   */
  asOwner<T>(fn: (tx: Tx) => Promise<T>): Promise<T>
  ping(): Promise<void>
  close(): Promise<void>
}

export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? createServerDatabase(options.url, options) : createEmbeddedDatabase(options)
}

function scoped(db: HearthDb) {
  return {
    withTenant<T>(authorityId: string, fn: (tx: Tx) => Promise<T>) {
      return db.transaction(async (tx) => {
        await tx.execute(sql`SELECT set_config('hearth.authority_id', ${authorityId}, true)`)
        return fn(tx)
      })
    },
    transaction<T>(fn: (tx: Tx) => Promise<T>) {
      return db.transaction(fn)
    },
    asOwner<T>(fn: (tx: Tx) => Promise<T>) {
      return db.transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL ROLE NONE`)
        return fn(tx)
      })
    },
  }
}

/** PostgreSQL extensions Hearth uses, built into PGlite (a server has them in its contrib package). */
const extensions = { pg_trgm }

async function createEmbeddedDatabase(options: DatabaseOptions): Promise<Database> {
  let lock: DataDirLock | undefined
  let client: PGlite
  if (options.dataDir) {
    const dir = path.resolve(options.dataDir)
    mkdirSync(dir, { recursive: true })
    lock = lockDataDir(dir)
    try {
      client = await PGlite.create({ dataDir: path.join(dir, 'pgdata'), extensions })
    } catch (error) {
      lock.release()
      throw error
    }
  } else {
    client = await PGlite.create({ extensions })
  }
  try {
    // PGlite has one connection: migrations first, then the application's role for good.
    await migrate(pgliteConnection(client), options.logger)
    await client.exec(`SET ROLE ${APP_ROLE}`)
  } catch (error) {
    await client.close()
    lock?.release()
    throw error
  }
  const db = drizzlePglite(client, { schema }) as unknown as HearthDb
  return {
    kind: 'embedded',
    db,
    ...scoped(db),
    async ping() {
      await client.query('SELECT 1')
    },
    async close() {
      if (!client.closed) await client.close()
      lock?.release()
    },
  }
}

function pgliteConnection(client: PGlite): MigrationConnection {
  return {
    query: async (text, params) => (await client.query<Record<string, unknown>>(text, params)).rows,
    exec: async (text) => {
      await client.exec(text)
    },
    // One connection, one process (the data folder lock): nothing else can migrate at once.
    withLock: (fn) => fn(),
  }
}

const MIGRATION_LOCK_KEY = 72_490_001

async function createServerDatabase(url: string, options: DatabaseOptions): Promise<Database> {
  const connection = {
    connectionString: url,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    idle_in_transaction_session_timeout: options.statementTimeoutMs ?? 30_000,
    application_name: 'hearth',
  }
  const migrator = new pg.Client(connection)
  migrator.on('error', (error) => options.logger.warn({ err: errorSummary(error) }, 'migration connection error'))
  await migrator.connect()
  try {
    await migrate(
      {
        query: async (text, params) => (await migrator.query(text, params as unknown[])).rows,
        exec: async (text) => {
          await migrator.query(text)
        },
        withLock: async (fn) => {
          // An advisory lock: several instances starting together migrate one at a time.
          await migrator.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
          try {
            return await fn()
          } finally {
            await migrator.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
          }
        },
      },
      options.logger,
    )
  } finally {
    await migrator.end()
  }

  // Every pooled connection starts as the application's role; if it cannot, it fails to connect.
  const pool = new pg.Pool({ ...connection, options: `-c role=${APP_ROLE}`, max: options.poolSize ?? 10 })
  // Without this listener an idle connection dropped by the server (a restart, a failover)
  // emits an unhandled 'error' and the process dies. The pool replaces the connection.
  pool.on('error', (error) => options.logger.warn({ err: errorSummary(error) }, 'database connection lost'))
  const db = drizzleNodePg(pool, { schema }) as unknown as HearthDb
  return {
    kind: 'postgres',
    db,
    ...scoped(db),
    async ping() {
      await pool.query('SELECT 1')
    },
    async close() {
      await pool.end()
    },
  }
}

/** Error code and message only: database errors can quote the row that failed. */
export function errorSummary(error: unknown): { code?: string; message: string } {
  const e = error as { code?: string; message?: string }
  return { code: e?.code, message: (e?.message ?? String(error)).split('\n')[0].replace(/\(.*\)=\(.*\)/, '(…)') }
}

/** Rows of a raw SQL query, the same on both drivers (both answer with `rows`). */
export async function queryRows<T>(runner: HearthDb | Tx, query: SQL): Promise<T[]> {
  const result = (await runner.execute(query)) as { rows: T[] }
  return result.rows
}
