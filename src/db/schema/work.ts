import { date, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { at } from './columns.ts'
import { caseKey } from './referrals.ts'

/** The work itself: assessments, and (Derbyshire) case consultations and formulations. */

/**
 * An Early Help Assessment: the family's and each child's story, their voices, strengths and
 * worries by the assessment triangle, and the three-part summary. Written as a draft, then
 * completed (which records the case's `assessment-completed` event); a completed one is kept as it was.
 */
export const assessment = pgTable(
  'assessment',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    /** draft or completed */
    status: text('status').notNull(),
    familyStory: text('family_story'),
    /** Each child: { personId, story, voice }. */
    children: jsonb('children').notNull().default([]),
    parentsVoice: text('parents_voice'),
    /** By domain of the assessment triangle: { [domain]: { strengths, worries } }. */
    domains: jsonb('domains').notNull().default({}),
    workingWell: text('working_well'),
    worries: text('worries'),
    needsToHappen: text('needs_to_happen'),
    /** Supporting Families headline outcomes (1 to 10) the family needs help with, for the outcomes report. */
    headlineNeeds: jsonb('headline_needs').notNull().default([]),
    createdBy: uuid('created_by').notNull(),
    createdAt: at('created_at').notNull(),
    updatedBy: uuid('updated_by'),
    updatedAt: at('updated_at'),
    completedBy: uuid('completed_by'),
    completedAt: at('completed_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    index('assessment_case').on(t.authorityId, t.caseId, t.createdAt),
  ],
)

/** A case consultation: a reflective space for the allocated worker (Derbyshire). */
export const caseConsultation = pgTable(
  'case_consultation',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    attendees: text('attendees').notNull(),
    dilemma: text('dilemma').notNull(),
    hypotheses: text('hypotheses'),
    ideas: text('ideas'),
    actions: text('actions'),
    nextOn: date('next_on', { mode: 'string' }),
    recordedBy: uuid('recorded_by').notNull(),
    recordedAt: at('recorded_at').notNull(),
    updatedBy: uuid('updated_by'),
    updatedAt: at('updated_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    index('case_consultation_case').on(t.authorityId, t.caseId, t.heldOn),
  ],
)

/** A case formulation in the "5 Ps": presenting, predisposing, precipitating, perpetuating, protective. */
export const caseFormulation = pgTable(
  'case_formulation',
  {
    authorityId: uuid('authority_id').notNull(),
    caseId: uuid('case_id').notNull(),
    id: uuid('id').notNull(),
    writtenOn: date('written_on', { mode: 'string' }).notNull(),
    presenting: text('presenting').notNull(),
    predisposing: text('predisposing'),
    precipitating: text('precipitating'),
    perpetuating: text('perpetuating'),
    protective: text('protective'),
    recordedBy: uuid('recorded_by').notNull(),
    recordedAt: at('recorded_at').notNull(),
    updatedBy: uuid('updated_by'),
    updatedAt: at('updated_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.authorityId, t.caseId, t.id] }),
    caseKey(t),
    index('case_formulation_case').on(t.authorityId, t.caseId, t.writtenOn),
  ],
)
