import { sql } from 'drizzle-orm'
import { foreignKey, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { authority } from './platform.ts'

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull()

export const team = pgTable(
  'team',
  {
    authorityId: uuid('authority_id')
      .notNull()
      .references(() => authority.id),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.id] }),
    uniqueIndex('team_name_key').on(t.authorityId, sql`lower(${t.name})`),
  ],
)

export const appUser = pgTable(
  'app_user',
  {
    authorityId: uuid('authority_id')
      .notNull()
      .references(() => authority.id),
    id: uuid('id').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    teamId: uuid('team_id'),
    /** argon2id; null until the person sets a password from their set-up link. */
    passwordHash: text('password_hash'),
    failedSignIns: integer('failed_sign_ins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true, mode: 'date' }),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    /** Optimistic locking: every edit names the version it read. */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.id] }),
    foreignKey({ columns: [t.authorityId, t.teamId], foreignColumns: [team.authorityId, team.id] }),
    // An email address signs in to one authority: sign-in looks people up by it alone.
    uniqueIndex('app_user_email_key').on(sql`lower(${t.email})`),
  ],
)

export const apiToken = pgTable(
  'api_token',
  {
    authorityId: uuid('authority_id').notNull(),
    id: uuid('id').notNull(),
    userId: uuid('user_id').notNull(),
    name: text('name').notNull(),
    /** sha256 of the token; the token itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.id] }),
    foreignKey({ columns: [t.authorityId, t.userId], foreignColumns: [appUser.authorityId, appUser.id] }),
    uniqueIndex('api_token_hash_key').on(t.tokenHash),
  ],
)

/** A one-time link for a person to choose their password (new account or reset by an administrator). */
export const passwordLink = pgTable(
  'password_link',
  {
    authorityId: uuid('authority_id').notNull(),
    id: uuid('id').notNull(),
    userId: uuid('user_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.id] }),
    foreignKey({ columns: [t.authorityId, t.userId], foreignColumns: [appUser.authorityId, appUser.id] }),
    uniqueIndex('password_link_hash_key').on(t.tokenHash),
  ],
)
