/**
 * The shared words programme files use. They are reference data, not programme rules: a case
 * records events of these types, screening facts use these indicators, and plans and reviews
 * name these participants. Programmes choose among them; they never need new code.
 */

/** Events on a case from which timescales are counted and by which they are met. */
export const CASE_EVENTS = {
  'referral-received': 'Referral received',
  'case-discussion': 'Case discussion held',
  accepted: 'Referral accepted',
  allocated: 'Key worker allocated',
  'first-home-visit': 'First home visit',
  'crisis-plan-agreed': 'Crisis intervention plan agreed',
  'assessment-completed': 'Assessment completed',
  'pre-birth-assessment-completed': 'Pre-birth assessment completed',
  'plan-agreed': 'Plan agreed',
  'support-started': 'Support started',
  'further-cycle-started': 'Further cycle of support started',
  review: 'Review held',
  'step-down-started': 'Step-down started',
  'intervention-report-sent': 'Intervention report sent',
  'closure-meeting': 'Closure meeting held',
  closed: 'Case closed',
} as const
export type CaseEventType = keyof typeof CASE_EVENTS

/** People who request, attend or receive things. */
export const PARTICIPANTS = {
  family: 'The family',
  'young-person': 'The young person',
  'key-worker': 'Key worker',
  'lead-professional': 'Lead professional',
  'allocated-social-worker': 'Allocated social worker',
  'team-manager': 'Team manager',
  'allocated-team-manager': 'Allocated team manager',
  'partner-agencies': 'Partner agencies',
} as const
export type Participant = keyof typeof PARTICIPANTS

/**
 * Presenting indicators: the 16 escalation indicators Derby's Staying Together Team lists
 * ("This is not an exhaustive list"), used as a shared vocabulary for screening.
 */
export const PRESENTING_INDICATORS = {
  'criminal-exploitation': 'Child criminal exploitation (CRE)',
  'damage-to-property': 'Damage to property (home or carers)',
  'risk-of-harm-to-others': 'Risk of harm to others',
  'vulnerability-to-harm': 'Vulnerability to being harmed',
  'worsening-health': 'Worsening health conditions of child or parent',
  'risk-taking': 'Escalation of risk-taking behaviours',
  'parental-resilience': 'Degenerating parental resilience',
  weapons: 'Accessing or carrying weapons',
  'substance-misuse': 'Substance misuse',
  'family-breakdown': 'Risk of family breakdown',
  'fear-of-abandonment': 'Fear of child being abandoned',
  'domestic-abuse': 'Domestic abuse (parental or interfamily)',
  'exclusion-neet': 'Exclusion, or not in education, employment or training',
  'homelessness-eviction': 'Homelessness or eviction',
  'missing-episodes': 'Frequent missing episodes',
  'parental-conflict': 'Parental conflict',
} as const
export type PresentingIndicator = keyof typeof PRESENTING_INDICATORS

/** The Supporting Families national outcome framework's 10 headline outcomes, by number. */
export const HEADLINE_OUTCOMES = {
  1: 'Getting a good education',
  2: 'Good early years development',
  3: 'Improved mental and physical health',
  4: 'Promoting recovery and reducing harm from substance use',
  5: 'Improved family relationships',
  6: 'Children safe from abuse and exploitation',
  7: 'Crime prevention and tackling crime',
  8: 'Safe from domestic abuse',
  9: 'Secure housing',
  10: 'Financial stability',
} as const

/** The local 1 to 4 scale of need. */
export const SAFEGUARDING_LEVELS = {
  1: 'Level 1: universal',
  2: 'Level 2: early help',
  3: 'Level 3: targeted early help or complex needs',
  4: 'Level 4: statutory (child in need, child protection, looked after)',
} as const

/** How a closure is reported in the Standard Safeguarding Dataset (episode end reason). */
export const EPISODE_END_REASONS = {
  'outcomes-met': 'Outcomes met',
  'step-up': 'Step-up',
  'no-further-action': 'No further action',
} as const

export const MEASURE_KINDS = {
  scaling: 'Scaling question, 0 to 10',
  'school-attendance': 'School attendance',
  'education-employment': 'Education, employment or training',
  'child-at-home': 'Child living at home',
  'child-in-need': 'Child in need status',
  'licensed-score': 'Score from a licensed tool (scores only, never its wording)',
  count: 'A count',
} as const
export type MeasureKind = keyof typeof MEASURE_KINDS

/** Whom a measure is recorded for, when the programme does not say: each child, each adult, or the family. */
export const MEASURE_SUBJECTS = { child: 'Each child', adult: 'Each adult', family: 'The family' } as const
export type MeasureSubject = keyof typeof MEASURE_SUBJECTS
export const DEFAULT_MEASURE_SUBJECT: Record<MeasureKind, MeasureSubject> = {
  scaling: 'family',
  'school-attendance': 'child',
  'education-employment': 'adult',
  'child-at-home': 'child',
  'child-in-need': 'child',
  'licensed-score': 'family',
  count: 'family',
}

/**
 * Ways a case can close that every programme has, besides its own destinations: the family
 * can always withdraw its consent, or move away.
 */
export const COMMON_DESTINATIONS = {
  'withdrew-consent': { name: 'The family withdrew consent', reportsAs: 'no-further-action' },
  'moved-away': { name: 'The family moved away', reportsAs: 'no-further-action' },
} as const satisfies Record<string, { name: string; reportsAs: keyof typeof EPISODE_END_REASONS }>

/** How often the key worker plans to see the family: a step-down plans it falling. Most often first. */
export const CONTACT_FREQUENCIES = {
  daily: 'Most days',
  'several-weekly': 'Two or three times a week',
  weekly: 'Once a week',
  fortnightly: 'Once a fortnight',
  monthly: 'Once a month',
} as const
export type ContactFrequency = keyof typeof CONTACT_FREQUENCIES

export const keysOf = <T extends object>(vocabulary: T) =>
  Object.keys(vocabulary) as [keyof T & string, ...(keyof T & string)[]]
