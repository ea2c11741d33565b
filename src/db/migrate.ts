import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'

/**
 * Applies src/db/migrations/*.sql in name order, each in its own transaction, recording
 * what ran in hearth_migration. Migrations are written by `npm run db:generate` (tables,
 * from the Drizzle schema) or by hand (`drizzle-kit generate --custom`) for roles,
 * policies and triggers. A migration that changed after it ran stops start-up.
 */

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations')

export interface MigrationConnection {
  query(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>
  /** Runs a script of several statements. */
  exec(text: string): Promise<void>
  /** Runs fn holding a lock no other process can hold at the same time. */
  withLock<T>(fn: () => Promise<T>): Promise<T>
}

export interface Migration {
  name: string
  sql: string
  checksum: string
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(dir, file), 'utf8')
      return {
        name: file.replace(/\.sql$/, ''),
        sql: text.replaceAll('--> statement-breakpoint', ''),
        checksum: createHash('sha256').update(text).digest('hex'),
      }
    })
}

export class MigrationChangedError extends Error {
  constructor(name: string) {
    super(`Migration ${name} has changed since it was applied. Write a new migration instead of editing an old one.`)
    this.name = 'MigrationChangedError'
  }
}

export async function migrate(connection: MigrationConnection, logger: Logger, migrations = readMigrations()) {
  return connection.withLock(async () => {
    await connection.exec(`CREATE TABLE IF NOT EXISTS hearth_migration (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`)
    const applied = new Map(
      (await connection.query('SELECT name, checksum FROM hearth_migration')).map((r) => [
        String(r.name),
        String(r.checksum),
      ]),
    )
    const pending: string[] = []
    for (const migration of migrations) {
      const checksum = applied.get(migration.name)
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) throw new MigrationChangedError(migration.name)
        continue
      }
      await connection.exec('BEGIN')
      try {
        await connection.exec(migration.sql)
        await connection.query('INSERT INTO hearth_migration (name, checksum) VALUES ($1, $2)', [
          migration.name,
          migration.checksum,
        ])
        await connection.exec('COMMIT')
      } catch (error) {
        await connection.exec('ROLLBACK')
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error })
      }
      pending.push(migration.name)
    }
    if (pending.length > 0) logger.info({ migrations: pending }, 'database migrated')
    return pending
  })
}
