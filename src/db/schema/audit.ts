import { bigint, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { authority } from './platform.ts'

/**
 * Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE, and the application's role may
 * only SELECT and INSERT. Each authority's events form a hash chain in `seq` order.
 */
export const auditEvent = pgTable(
  'audit_event',
  {
    authorityId: uuid('authority_id')
      .notNull()
      .references(() => authority.id),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    id: uuid('id').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    actorType: text('actor_type').notNull(),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    recordType: text('record_type').notNull(),
    recordId: text('record_id'),
    requestId: text('request_id'),
    /** Ids and codes only, never names or notes. */
    details: jsonb('details').notNull().default({}),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.authorityId, t.seq] })],
)
