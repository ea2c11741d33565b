import { boolean, date, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { at } from './columns.ts'
import { caseKey } from './referrals.ts'

/**
 * Plans: the crisis intervention plan (Derby, within 5 days) and the Family Action Plan, each
 * in editions. An edition is written as a draft, agreed with the family (which records the
 * case's `crisis-plan-agreed` or `plan-agreed` event) and signed off by a manager. Changing an
 * agreed plan starts the next edition as a copy; the earlier one is kept, superseded.
 *
 * Goals and actions keep their ids from edition to edition, so scaling scores, contacts and
 * review progress that name a goal still find it in a later edition.
 */
export const plan = pgTable(
  'plan',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    /** crisis or family-action */
    kind: text('kind').notNull(),
    /** 1 for the first plan of its kind on the case, then 2, 3… */
    edition: integer('edition').notNull(),
    /** draft, agreed or superseded */
    status: text('status').notNull(),
    /** The edition this one replaced. */
    previousId: uuid('previous_id'),
    /** Family Action Plan: what the family is working towards, in their words. */
    summary: text('summary'),
    /** Crisis plan: the immediate risks. */
    risks: text('risks'),
    /** Crisis plan: how the family can reach the team, at any time. */
    contactArrangements: text('contact_arrangements'),
    /** What changed from the previous edition, and why. */
    changeReason: text('change_reason'),
    agreedOn: date('agreed_on', { mode: 'string' }),
    /** With whom it was agreed: "Sam and Alex Testfamily, and their social worker". */
    agreedWith: text('agreed_with'),
    agreedBy: uuid('agreed_by'),
    signedOffBy: uuid('signed_off_by'),
    signedOffAt: at('signed_off_at'),
    createdBy: uuid('created_by').notNull(),
    createdAt: at('created_at').notNull(),
    updatedBy: uuid('updated_by'),
    updatedAt: at('updated_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    uniqueIndex('plan_edition').on(t.authorityId, t.caseId, t.kind, t.edition),
  ],
)

/** A goal written with the family: the need, the outcome wanted, and how we will know. */
export const planGoal = pgTable(
  'plan_goal',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    planId: uuid('plan_id').notNull(),
    /** Kept from edition to edition. */
    id: uuid('id').notNull(),
    position: integer('position').notNull(),
    need: text('need').notNull(),
    outcome: text('outcome').notNull(),
    howWeKnow: text('how_we_know'),
    /** The Supporting Families headline outcome (1 to 10) the goal works towards, if any. */
    headlineOutcome: integer('headline_outcome'),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.planId, t.id] }),
    caseKey(t),
    index('plan_goal_plan').on(t.authorityId, t.planId, t.position),
  ],
)

/**
 * An action: what, who, by when, and the support from the programme's catalogue it delivers.
 * A crisis plan's safety actions have no goal. Status moves on without a new edition.
 */
export const planAction = pgTable(
  'plan_action',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    planId: uuid('plan_id').notNull(),
    /** Kept from edition to edition. */
    id: uuid('id').notNull(),
    goalId: uuid('goal_id'),
    position: integer('position').notNull(),
    what: text('what').notNull(),
    who: text('who').notNull(),
    byWhen: date('by_when', { mode: 'string' }),
    /** An item of the programme's support catalogue: `triple-p`. */
    supportId: text('support_id'),
    /** not-started, in-progress, done or stopped */
    status: text('status').notNull().default('not-started'),
    statusNote: text('status_note'),
    statusOn: date('status_on', { mode: 'string' }),
    /** A piece of work the allocated social worker asked for (Staying Together). */
    requestedBySocialWorker: boolean('requested_by_social_worker').notNull().default(false),
    /** Left out of the family's copy of the plan. */
    professionalOnly: boolean('professional_only').notNull().default(false),
    updatedBy: uuid('updated_by'),
    updatedAt: at('updated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.planId, t.id] }),
    caseKey(t),
    index('plan_action_plan').on(t.authorityId, t.planId, t.position),
  ],
)

/**
 * A referral to another agency for targeted support, as part of the plan: what was sent, on
 * what basis, when a response is due, each time it was chased, and what came of it.
 */
export const onwardReferral = pgTable(
  'onward_referral',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    /** The plan goal it serves, if any (kept across editions). */
    goalId: uuid('goal_id'),
    agency: text('agency').notNull(),
    reason: text('reason').notNull(),
    sentOn: date('sent_on', { mode: 'string' }).notNull(),
    /** consent, or one of the lawful reasons for sharing without it. */
    basis: text('basis').notNull(),
    responseDueOn: date('response_due_on', { mode: 'string' }).notNull(),
    /** Each day it was chased, oldest first. */
    chasedOn: jsonb('chased_on').notNull().default([]),
    respondedOn: date('responded_on', { mode: 'string' }),
    response: text('response'),
    /** accepted, declined, waiting-list, support-completed, no-response */
    outcome: text('outcome'),
    recordedBy: uuid('recorded_by').notNull(),
    recordedAt: at('recorded_at').notNull(),
    updatedBy: uuid('updated_by'),
    updatedAt: at('updated_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    index('onward_referral_case').on(t.authorityId, t.caseId, t.sentOn),
  ],
)

/**
 * Each time the case's pathway was set or changed: by the pre-birth assessment's outcome (STARS),
 * or by a review's decision (Derbyshire). The case row holds the current pathway.
 */
export const pathwayChange = pgTable(
  'pathway_change',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    /** pre-birth-outcome or review */
    cause: text('cause').notNull(),
    fromPathway: text('from_pathway'),
    toPathway: text('to_pathway').notNull(),
    decidedOn: date('decided_on', { mode: 'string' }).notNull(),
    reason: text('reason'),
    reviewId: uuid('review_id'),
    recordedBy: uuid('recorded_by').notNull(),
    recordedAt: at('recorded_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    index('pathway_change_case').on(t.authorityId, t.caseId, t.decidedOn),
  ],
)
