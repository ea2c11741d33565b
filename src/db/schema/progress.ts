import { date, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { at } from './columns.ts'
import { caseKey } from './referrals.ts'

/**
 * Measuring change. Scaling questions (0 to 10) per plan goal, asked of the family and of the
 * worker; and the programme's measures (school attendance, work, offending, child in need, and
 * scores from licensed tools, never their wording), each recorded at the start, at reviews,
 * at closure and at follow-up.
 */

/** One asking of a goal's scaling question. At least one of the two scores is given. */
export const scalingScore = pgTable(
  'scaling_score',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    /** The plan goal (its id is kept across plan editions). */
    goalId: uuid('goal_id').notNull(),
    askedOn: date('asked_on', { mode: 'string' }).notNull(),
    /** start, review, closure or other */
    occasion: text('occasion').notNull(),
    reviewId: uuid('review_id'),
    familyScore: integer('family_score'),
    workerScore: integer('worker_score'),
    note: text('note'),
    recordedBy: uuid('recorded_by').notNull(),
    recordedAt: at('recorded_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    index('scaling_score_goal').on(t.authorityId, t.caseId, t.goalId, t.askedOn),
  ],
)

/**
 * One reading of a programme measure, for the family or for one person. `value` holds what the
 * measure's kind needs, e.g. { possible: 120, attended: 101 } for school attendance.
 */
export const measureRecord = pgTable(
  'measure_record',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    /** The programme's measure id: `school-attendance`. */
    measureId: text('measure_id').notNull(),
    /** The child or adult it is about; null for the whole family. */
    personId: uuid('person_id'),
    /** start, review, closure or follow-up */
    occasion: text('occasion').notNull(),
    recordedOn: date('recorded_on', { mode: 'string' }).notNull(),
    reviewId: uuid('review_id'),
    value: jsonb('value').notNull(),
    recordedBy: uuid('recorded_by').notNull(),
    recordedAt: at('recorded_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    index('measure_record_case').on(t.authorityId, t.caseId, t.measureId, t.recordedOn),
  ],
)
