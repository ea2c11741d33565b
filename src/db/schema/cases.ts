import { sql } from 'drizzle-orm'
import { boolean, date, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { at } from './columns.ts'
import { caseKey, person } from './referrals.ts'

/** The work on a family's case: who holds it, contacts, the chronology, the network and consent. */

/** Who held the case, in which role, from when to when. A reallocation ends one row and starts another. */
export const caseAllocation = pgTable(
  'case_allocation',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    /** key-worker, co-worker or social-worker */
    role: text('role').notNull(),
    userId: uuid('user_id'),
    /** A social worker without a Hearth account: { name, organisation, role, email, phone }. */
    contact: jsonb('contact'),
    startedAt: at('started_at').notNull(),
    endedAt: at('ended_at'),
    allocatedBy: uuid('allocated_by').notNull(),
    /** Why: required when the worker goes over the programme's caseload, and for bulk moves. */
    reason: text('reason'),
    overCap: boolean('over_cap').notNull().default(false),
    endedBy: uuid('ended_by'),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    index('case_allocation_case').on(t.authorityId, t.caseId, t.startedAt),
    index('case_allocation_user').on(t.authorityId, t.userId, t.endedAt),
  ],
)

/**
 * A contact with the family: a visit, a call, a message, a group session, or an attempt that
 * did not reach them. Edits keep the previous version in `contact_revision`.
 */
export const contact = pgTable(
  'contact',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    occurredAt: at('occurred_at').notNull(),
    /** home-visit, office, phone, video, message, group-session, out-of-hours */
    type: text('type').notNull(),
    /** completed, attempted, no-access */
    outcome: text('outcome').notNull(),
    workerId: uuid('worker_id').notNull(),
    /** Person ids of the family and network who were there, and anyone else in words. */
    present: jsonb('present').notNull().default([]),
    presentOthers: text('present_others'),
    /** Each child: { personId, seen, seenAlone }. */
    children: jsonb('children').notNull().default([]),
    note: text('note').notNull(),
    /** Plan goals this contact worked on (plans arrive with the family action plan). */
    goalIds: jsonb('goal_ids').notNull().default([]),
    significant: boolean('significant').notNull().default(false),
    /** The chronology headline, when the contact is a significant event. */
    headline: text('headline'),
    recordedBy: uuid('recorded_by').notNull(),
    recordedAt: at('recorded_at').notNull(),
    updatedBy: uuid('updated_by'),
    updatedAt: at('updated_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    index('contact_case').on(t.authorityId, t.caseId, t.occurredAt),
    index('contact_worker').on(t.authorityId, t.workerId, t.occurredAt),
    index('contact_note_trgm').using('gin', sql`${t.note} gin_trgm_ops`),
  ],
)

/** Every earlier version of a contact: what it said, who changed it and when. */
export const contactRevision = pgTable(
  'contact_revision',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    version: integer('version').notNull(),
    /** The whole contact as it was at this version. */
    snapshot: jsonb('snapshot').notNull(),
    /** Who wrote this version, and when. */
    writtenBy: uuid('written_by').notNull(),
    writtenAt: at('written_at').notNull(),
    /** Who replaced it, and when. */
    replacedBy: uuid('replaced_by').notNull(),
    replacedAt: at('replaced_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.contactId, t.version] }),
    foreignKey({
      columns: [t.authorityId, t.caseId, t.contactId],
      foreignColumns: [contact.authorityId, contact.caseId, contact.id],
    }),
  ],
)

/** The family's chronology: significant events, good and bad, written by Hearth or by a worker. */
export const chronologyEntry = pgTable(
  'chronology_entry',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
    headline: text('headline').notNull(),
    /** domain/chronology.ts CHRONOLOGY_CATEGORIES */
    category: text('category').notNull(),
    /** Where the information came from: "Police", "School", "Key worker visit". */
    source: text('source'),
    impact: text('impact'),
    action: text('action'),
    /** 'hearth' for entries Hearth writes, 'worker' for entries a worker adds. */
    origin: text('origin').notNull(),
    /** What Hearth wrote it from (referral, decision, allocation, contact, phase), and that record's id. */
    originType: text('origin_type'),
    originId: uuid('origin_id'),
    recordedBy: uuid('recorded_by'),
    recordedAt: at('recorded_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    index('chronology_entry_case').on(t.authorityId, t.caseId, t.occurredOn),
    index('chronology_entry_origin').on(t.authorityId, t.caseId, t.originId),
  ],
)

/** How two people in the family's network are connected, for the genogram and ecomap. */
export const personRelationship = pgTable(
  'person_relationship',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    fromPersonId: uuid('from_person_id').notNull(),
    toPersonId: uuid('to_person_id').notNull(),
    /** domain/people.ts RELATIONSHIP_KINDS */
    kind: text('kind').notNull(),
    note: text('note'),
    recordedBy: uuid('recorded_by').notNull(),
    recordedAt: at('recorded_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    foreignKey({ columns: [t.authorityId, t.fromPersonId], foreignColumns: [person.authorityId, person.id] }),
    foreignKey({ columns: [t.authorityId, t.toPersonId], foreignColumns: [person.authorityId, person.id] }),
  ],
)

/** Consent given (or refused) by one person, for one purpose, with one agency; and its withdrawal. */
export const consent = pgTable(
  'consent',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    personId: uuid('person_id').notNull(),
    /** assessment, sharing, onward-referral, evaluation */
    purpose: text('purpose').notNull(),
    /** The agency it applies to; null for the service itself. */
    agency: text('agency'),
    /** given or refused */
    decision: text('decision').notNull(),
    decidedOn: date('decided_on', { mode: 'string' }).notNull(),
    /** written, verbal, electronic */
    how: text('how').notNull(),
    recordedBy: uuid('recorded_by').notNull(),
    recordedAt: at('recorded_at').notNull(),
    withdrawnOn: date('withdrawn_on', { mode: 'string' }),
    withdrawnHow: text('withdrawn_how'),
    withdrawnRecordedBy: uuid('withdrawn_recorded_by'),
    withdrawnRecordedAt: at('withdrawn_recorded_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    foreignKey({ columns: [t.authorityId, t.personId], foreignColumns: [person.authorityId, person.id] }),
    index('consent_case').on(t.authorityId, t.caseId, t.personId),
  ],
)

/** Information shared with another agency: with consent, or without it and the lawful reason why. */
export const informationSharing = pgTable(
  'information_sharing',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    sharedOn: date('shared_on', { mode: 'string' }).notNull(),
    agency: text('agency').notNull(),
    /** What was shared and why, in a sentence. */
    what: text('what').notNull(),
    /** The people the information is about. */
    personIds: jsonb('person_ids').notNull().default([]),
    withConsent: boolean('with_consent').notNull(),
    /** domain/consent.ts LAWFUL_REASONS, when shared without consent. */
    lawfulReason: text('lawful_reason'),
    reasonDetail: text('reason_detail'),
    recordedBy: uuid('recorded_by').notNull(),
    recordedAt: at('recorded_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    index('information_sharing_case').on(t.authorityId, t.caseId, t.sharedOn),
  ],
)
