/**
 * The family's chronology: a date-ordered record of significant events, good and bad, not
 * every contact (../shared/domain/practice.md). Hearth writes the events it knows about
 * (referral, decision, allocation, phases); workers add the rest.
 */

export const CHRONOLOGY_CATEGORIES = {
  referral: 'Referral and decision',
  allocation: 'Allocation',
  phase: 'Stage of the work',
  contact: 'Contact with the family',
  plan: 'Plans and reviews',
  safeguarding: 'Safeguarding',
  health: 'Health',
  education: 'Education',
  police: 'Police and justice',
  housing: 'Housing and money',
  family: 'Family life and relationships',
  progress: 'Progress and achievements',
  closure: 'Closure',
  other: 'Other',
} as const
export type ChronologyCategory = keyof typeof CHRONOLOGY_CATEGORIES

/** Categories a worker chooses from (Hearth's own categories are written by Hearth). */
export const WORKER_CATEGORIES: readonly ChronologyCategory[] = [
  'safeguarding',
  'health',
  'education',
  'police',
  'housing',
  'family',
  'progress',
  'plan',
  'other',
]
