import { HEADLINE_OUTCOMES } from './programme/vocabulary.ts'

/**
 * The Early Help Assessment (../shared/domain/practice.md): the family's and each child's
 * story, the voices of the children and parents, strengths and worries by the assessment
 * triangle, and the three-part summary. A draft can be saved half-written; it is complete
 * when every part a reader relies on is there.
 */

export const ASSESSMENT_DOMAINS = {
  'child-development': 'The child’s developmental needs',
  'parenting-capacity': 'Parenting capacity',
  'family-environment': 'Family and environmental factors',
} as const
export type AssessmentDomain = keyof typeof ASSESSMENT_DOMAINS

export const ASSESSMENT_STATUSES = { draft: 'Draft', completed: 'Completed' } as const
export type AssessmentStatus = keyof typeof ASSESSMENT_STATUSES

export interface ChildPart {
  personId: string
  story?: string | null
  voice?: string | null
}

export interface AssessmentContent {
  familyStory?: string | null
  children: ChildPart[]
  parentsVoice?: string | null
  domains: Partial<Record<AssessmentDomain, { strengths?: string | null; worries?: string | null }>>
  workingWell?: string | null
  worries?: string | null
  needsToHappen?: string | null
  headlineNeeds: number[]
}

const filled = (value: string | null | undefined) => Boolean(value?.trim())

/**
 * What is missing before an assessment can be completed, by field, in the words a worker
 * reads. `children` are the children on the case (person id and first name).
 */
export function completionProblems(
  content: AssessmentContent,
  children: { personId: string; givenName: string }[],
): Record<string, string> {
  const problems: Record<string, string> = {}
  if (!filled(content.familyStory)) problems.familyStory = 'Write the family’s story'
  for (const child of children) {
    const part = content.children.find((c) => c.personId === child.personId)
    if (!filled(part?.story) && !filled(part?.voice)) {
      problems[`child-${child.personId}-story`] = `Write ${child.givenName}’s story or what ${child.givenName} says`
    }
  }
  if (!filled(content.parentsVoice)) problems.parentsVoice = 'Write what the parents or carers say'
  for (const [domain, label] of Object.entries(ASSESSMENT_DOMAINS)) {
    const part = content.domains[domain as AssessmentDomain]
    if (!filled(part?.strengths) && !filled(part?.worries)) {
      problems[`${domain}-strengths`] = `Write the strengths or worries for ${label.toLowerCase()}`
    }
  }
  if (!filled(content.workingWell)) problems.workingWell = 'Write what’s working well'
  if (!filled(content.worries)) problems.worries = 'Write what we are worried about'
  if (!filled(content.needsToHappen)) problems.needsToHappen = 'Write what needs to happen'
  if (content.headlineNeeds.length === 0) {
    problems.headlineNeeds = 'Choose at least one of the needs the family wants help with'
  }
  return problems
}

export function isHeadlineOutcome(n: number): n is keyof typeof HEADLINE_OUTCOMES {
  return n in HEADLINE_OUTCOMES
}
