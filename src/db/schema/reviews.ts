import { boolean, date, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { at } from './columns.ts'
import { caseKey } from './referrals.ts'

/** Reviews, closure, and the follow-up checks after it. */

/**
 * A review of the work with the family. Recording one records the case's `review` event on the
 * day it was held, which meets the programme's scheduled reviews in order. Its decision may move
 * the case on: a further cycle, a new pathway, the step-down, or closure.
 */
export const review = pgTable(
  'review',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    /** The scheduled review it was held as: `review-week-6`; null for one outside the schedule. */
    scheduledId: text('scheduled_id'),
    /** Who attended: { participants: ['family', 'allocated-social-worker'], others: 'School nurse' }. */
    attendees: jsonb('attendees').notNull(),
    /** Progress per goal: [{ goalId, direction: better | same | worse, evidence }]. */
    progress: jsonb('progress').notNull().default([]),
    familyView: text('family_view'),
    summary: text('summary'),
    /** continue, extend, change-pathway, step-down or close */
    decision: text('decision').notNull(),
    /**
     * What the decision needs: { requestedBy } to extend; { pathway } to change pathway;
     * { frequencies: [{ from, frequency }] } for a step-down's planned contact.
     */
    decisionDetails: jsonb('decision_details').notNull().default({}),
    /** Required attendees who were not there, when it was recorded (the warning, kept). */
    missingAttendees: jsonb('missing_attendees').notNull().default([]),
    recordedBy: uuid('recorded_by').notNull(),
    recordedAt: at('recorded_at').notNull(),
    updatedBy: uuid('updated_by'),
    updatedAt: at('updated_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    index('review_case').on(t.authorityId, t.caseId, t.heldOn),
  ],
)

/**
 * A case's closure: proposed by the worker, signed off by a manager (which closes the case and
 * schedules the follow-ups). One per case.
 */
export const closure = pgTable(
  'closure',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    /** proposed or signed-off */
    status: text('status').notNull(),
    closedOn: date('closed_on', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    /** A destination from the programme, or one every programme has (withdrew consent, moved away). */
    destinationId: text('destination_id').notNull(),
    /** Per headline need: [{ headline: 5, result: improved | sustained | no-change | worse, evidence }]. */
    outcomes: jsonb('outcomes').notNull().default([]),
    /** Each child: [{ personId, livingAtHome }]. */
    children: jsonb('children').notNull().default([]),
    /** The programme's closure steps: [{ stepId, done, doneOn, note }]. */
    steps: jsonb('steps').notNull().default([]),
    /** Who receives the closing report and when it was sent: [{ participant, sentOn }]. */
    recipients: jsonb('recipients').notNull().default([]),
    proposedBy: uuid('proposed_by').notNull(),
    proposedAt: at('proposed_at').notNull(),
    signedOffBy: uuid('signed_off_by'),
    signedOffAt: at('signed_off_at'),
    updatedBy: uuid('updated_by'),
    updatedAt: at('updated_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    uniqueIndex('closure_case').on(t.authorityId, t.caseId),
  ],
)

/** A check 3, 6 or 12 months after closure: is each child still at home, has the family been referred again? */
export const followUp = pgTable(
  'follow_up',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    months: integer('months').notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    doneOn: date('done_on', { mode: 'string' }),
    /** Each child: [{ personId, livingAtHome }]. */
    children: jsonb('children').notNull().default([]),
    reReferred: boolean('re_referred'),
    note: text('note'),
    recordedBy: uuid('recorded_by'),
    recordedAt: at('recorded_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    uniqueIndex('follow_up_case').on(t.authorityId, t.caseId, t.months),
    index('follow_up_due').on(t.authorityId, t.dueOn),
  ],
)
