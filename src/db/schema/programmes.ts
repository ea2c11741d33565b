import { date, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { authority } from './platform.ts'

/**
 * Which services from the programme library an authority runs. The definitions themselves are
 * files (programmes/*.yaml); this records the authority's choice of them.
 */
export const authorityProgramme = pgTable(
  'authority_programme',
  {
    authorityId: uuid('authority_id')
      .notNull()
      .references(() => authority.id),
    programmeId: text('programme_id').notNull(),
    chosenAt: timestamp('chosen_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.authorityId, t.programmeId] })],
)

/** An authority's own changes to the bank holiday calendar: a one-off holiday, or a holiday worked. */
export const calendarOverride = pgTable(
  'calendar_override',
  {
    authorityId: uuid('authority_id')
      .notNull()
      .references(() => authority.id),
    date: date('date', { mode: 'string' }).notNull(),
    title: text('title').notNull(),
    kind: text('kind').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.authorityId, t.date] })],
)
