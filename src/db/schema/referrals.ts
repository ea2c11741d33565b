import { sql } from 'drizzle-orm'
import {
  boolean,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { at } from './columns.ts'
import { authority } from './platform.ts'

/**
 * A person known to the authority: a child, an unborn baby or an adult. People are created
 * only when a manager has looked for them and confirmed they are new, never silently.
 */
export const person = pgTable(
  'person',
  {
    authorityId: uuid('authority_id')
      .notNull()
      .references(() => authority.id),
    id: uuid('id').notNull(),
    givenName: text('given_name').notNull(),
    familyName: text('family_name').notNull(),
    /** NYSIIS key of the whole name, for matching names that sound alike. */
    nameKey: text('name_key').notNull(),
    dateOfBirth: date('date_of_birth', { mode: 'string' }),
    expectedDueDate: date('expected_due_date', { mode: 'string' }),
    nhsNumber: text('nhs_number'),
    postcode: text('postcode'),
    createdAt: at('created_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.id] }),
    uniqueIndex('person_nhs_number_key').on(t.authorityId, t.nhsNumber).where(sql`${t.nhsNumber} IS NOT NULL`),
    index('person_name_trgm').using('gin', sql`(${t.givenName} || ' ' || ${t.familyName}) gin_trgm_ops`),
    index('person_date_of_birth').on(t.authorityId, t.dateOfBirth),
    index('person_name_key').on(t.authorityId, t.nameKey),
  ],
)

/** Referral numbers run per authority and year: HRT-2026-000123. */
export const referralCounter = pgTable(
  'referral_counter',
  {
    authorityId: uuid('authority_id')
      .notNull()
      .references(() => authority.id),
    year: integer('year').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.authorityId, t.year] })],
)

/** A referral, stored whole: who referred, the family as described, what is happening, consent. */
export const referral = pgTable(
  'referral',
  {
    authorityId: uuid('authority_id')
      .notNull()
      .references(() => authority.id),
    id: uuid('id').notNull(),
    reference: text('reference').notNull(),
    /** Null when the referrer was not sure which service. */
    programmeId: text('programme_id'),
    route: text('route').notNull(),
    status: text('status').notNull(),
    receivedAt: at('received_at').notNull(),
    decisionDueAt: at('decision_due_at').notNull(),
    referrer: jsonb('referrer').notNull(),
    address: text('address'),
    /** Kept apart from the address, tidied (DE1 2FS), for matching people by postcode. */
    postcode: text('postcode'),
    indicators: jsonb('indicators').notNull().default([]),
    whatIsHappening: text('what_is_happening').notNull(),
    hopedChange: text('hoped_change'),
    consent: jsonb('consent').notNull(),
    /** Facts for screening beyond the people: level, social worker, step-down, removals, homelessness. */
    facts: jsonb('facts').notNull().default({}),
    createdBy: uuid('created_by'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.id] }),
    uniqueIndex('referral_reference_key').on(t.authorityId, t.reference),
    index('referral_status').on(t.authorityId, t.status, t.receivedAt),
  ],
)

/** Each person named in a referral, as the referrer gave them, and whom they turned out to be. */
export const referralPerson = pgTable(
  'referral_person',
  {
    authorityId: uuid('authority_id').notNull(),
    referralId: uuid('referral_id').notNull(),
    id: uuid('id').notNull(),
    /** child, unborn, parent or carer */
    role: text('role').notNull(),
    givenName: text('given_name').notNull(),
    familyName: text('family_name').notNull(),
    dateOfBirth: date('date_of_birth', { mode: 'string' }),
    expectedDueDate: date('expected_due_date', { mode: 'string' }),
    nhsNumber: text('nhs_number'),
    relationship: text('relationship'),
    /** Set when a manager links this entry to a known person or confirms a new one. */
    personId: uuid('person_id'),
    matchedBy: uuid('matched_by'),
    matchedAt: at('matched_at'),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.referralId, t.id] }),
    foreignKey({ columns: [t.authorityId, t.referralId], foreignColumns: [referral.authorityId, referral.id] }),
    foreignKey({ columns: [t.authorityId, t.personId], foreignColumns: [person.authorityId, person.id] }),
  ],
)

/** Derby's Case Discussion Sheet, or any service's case discussion before a decision. */
export const caseDiscussion = pgTable(
  'case_discussion',
  {
    authorityId: uuid('authority_id').notNull(),
    referralId: uuid('referral_id').notNull(),
    id: uuid('id').notNull(),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    attendees: jsonb('attendees').notNull(),
    presentingIssues: text('presenting_issues').notNull(),
    criteriaDiscussion: text('criteria_discussion').notNull(),
    risks: text('risks').notNull(),
    decision: text('decision').notNull(),
    actions: text('actions'),
    nextSteps: text('next_steps'),
    recordedBy: uuid('recorded_by').notNull(),
    recordedAt: at('recorded_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.referralId, t.id] }),
    foreignKey({ columns: [t.authorityId, t.referralId], foreignColumns: [referral.authorityId, referral.id] }),
  ],
)

/** Every decision on a referral, in order: who, when, what and why. */
export const referralDecision = pgTable(
  'referral_decision',
  {
    authorityId: uuid('authority_id').notNull(),
    referralId: uuid('referral_id').notNull(),
    id: uuid('id').notNull(),
    outcome: text('outcome').notNull(),
    pathway: text('pathway'),
    reason: text('reason'),
    detail: text('detail'),
    signpostTo: text('signpost_to'),
    rationale: text('rationale'),
    /** The screening result when the decision was made. */
    screeningResult: text('screening_result'),
    decidedBy: uuid('decided_by').notNull(),
    decidedAt: at('decided_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.referralId, t.id] }),
    foreignKey({ columns: [t.authorityId, t.referralId], foreignColumns: [referral.authorityId, referral.id] }),
  ],
)

/** The family's case, opened when a referral is accepted. Issue-by-issue it gains its work. */
export const familyCase = pgTable(
  'family_case',
  {
    authorityId: uuid('authority_id')
      .notNull()
      .references(() => authority.id),
    id: uuid('id').notNull(),
    referralId: uuid('referral_id').notNull(),
    programmeId: text('programme_id').notNull(),
    pathway: text('pathway'),
    /** The lifecycle stage: accepted, active, step-down or closed (see domain/lifecycle.ts). */
    status: text('status').notNull(),
    openedAt: at('opened_at').notNull(),
    closedAt: at('closed_at'),
    /** The family name the case is known by in lists, taken from the referral. */
    familyName: text('family_name').notNull().default(''),
    /** The team that holds the case: the key worker's team, or the accepting manager's. */
    teamId: uuid('team_id'),
    keyWorkerId: uuid('key_worker_id'),
    coWorkerId: uuid('co_worker_id'),
    /** The lead professional or allocated social worker when they have a Hearth account. */
    socialWorkerUserId: uuid('social_worker_user_id'),
    /** …or as an external contact: { name, organisation, role, email, phone }. */
    socialWorkerContact: jsonb('social_worker_contact'),
    /** The soonest unmet deadline, kept up to date in the transaction that changes the case, for sorting lists. */
    nextDueAt: at('next_due_at'),
    nextDueName: text('next_due_name'),
    /** When that deadline starts to show as due soon. */
    nextDueSoonAt: at('next_due_soon_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.id] }),
    uniqueIndex('family_case_referral_key').on(t.authorityId, t.referralId),
    index('family_case_key_worker').on(t.authorityId, t.keyWorkerId, t.status),
    index('family_case_co_worker').on(t.authorityId, t.coWorkerId),
    index('family_case_social_worker').on(t.authorityId, t.socialWorkerUserId),
    index('family_case_team').on(t.authorityId, t.teamId, t.status, t.nextDueAt),
    index('family_case_due').on(t.authorityId, t.status, t.nextDueAt),
    foreignKey({ columns: [t.authorityId, t.referralId], foreignColumns: [referral.authorityId, referral.id] }),
  ],
)

/** The foreign key every table of a case's work has: (authority_id, case_id) → family_case. */
// biome-ignore lint/suspicious/noExplicitAny: any table with authority_id and case_id columns
export const caseKey = (t: { authorityId: any; caseId: any }) =>
  foreignKey({ columns: [t.authorityId, t.caseId], foreignColumns: [familyCase.authorityId, familyCase.id] })

export const casePerson = pgTable(
  'case_person',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    personId: uuid('person_id').notNull(),
    /** child, unborn, parent, carer, wider-family, friend or professional (domain/people.ts) */
    role: text('role').notNull(),
    /** How they are related to the children, in the family's words: "maternal grandmother". */
    relationship: text('relationship'),
    /** Professionals: their agency and role, and how to reach them. */
    agency: text('agency'),
    professionalRole: text('professional_role'),
    phone: text('phone'),
    email: text('email'),
    addedBy: uuid('added_by'),
    addedAt: at('added_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.personId] }),
    index('case_person_person').on(t.authorityId, t.personId),
    foreignKey({ columns: [t.authorityId, t.caseId], foreignColumns: [familyCase.authorityId, familyCase.id] }),
    foreignKey({ columns: [t.authorityId, t.personId], foreignColumns: [person.authorityId, person.id] }),
  ],
)

/** What has happened on a case, from which its timescales are computed. */
export const caseEvent = pgTable(
  'case_event',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    type: text('type').notNull(),
    at: at('at').notNull(),
    recordedBy: uuid('recorded_by'),
    recordedAt: at('recorded_at').notNull(),
    /** The record that made it happen, such as the contact that was the first home visit. */
    sourceId: uuid('source_id'),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    index('case_event_case').on(t.authorityId, t.caseId, t.at),
    foreignKey({ columns: [t.authorityId, t.caseId], foreignColumns: [familyCase.authorityId, familyCase.id] }),
  ],
)

/** Messages to send (acknowledgements, outcomes). Sent after the referral is safely stored; retried. */
export const notification = pgTable(
  'notification',
  {
    authorityId: uuid('authority_id').notNull(),
    id: uuid('id').notNull(),
    referralId: uuid('referral_id'),
    kind: text('kind').notNull(),
    toAddress: text('to_address').notNull(),
    personalisation: jsonb('personalisation').notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: at('next_attempt_at').notNull(),
    sentAt: at('sent_at'),
    createdAt: at('created_at').notNull(),
    suppressed: boolean('suppressed').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.authorityId, t.id] }), index('notification_due').on(t.status, t.nextAttemptAt)],
)
