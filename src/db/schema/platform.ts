import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/**
 * Tables that are not tenant data. `authority` is the tenant itself (row-level security
 * lets a connection see only its own authority); `session` and `setup_link` exist before
 * anyone has signed in, so they carry no authority.
 */

export const authority = pgTable('authority', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  /** Whose bank holidays count as non-working days. */
  nation: text('nation').notNull().default('england-and-wales'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
})

/** The one-time link printed on first run, to set up the first authority and administrator. */
export const setupLink = pgTable('setup_link', {
  id: uuid('id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
})

/**
 * express-session's store: ids, a CSRF token and, while a referral is being written, its
 * answers. A session ends 30 minutes after the last request, and sending a referral clears it.
 */
export const session = pgTable('session', {
  sid: text('sid').primaryKey(),
  data: jsonb('data').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
})
