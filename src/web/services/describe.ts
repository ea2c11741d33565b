import { describeAgeRange, listOf } from '../../domain/eligibility.ts'
import type { Criterion, Duration } from '../../domain/programme/schema.ts'
import { PRESENTING_INDICATORS, type PresentingIndicator } from '../../domain/programme/vocabulary.ts'

/** Rules and durations in plain words, for people reading a programme. */

export function describeDuration(duration: Duration): string {
  const unit = duration.amount === 1 ? duration.unit.replace(/s$/, '') : duration.unit
  return `${duration.amount} ${unit}`
}

/** What a criterion asks, as a sentence fragment a manager would say. */
export function describeCriterion(criterion: Criterion): string {
  switch (criterion.type) {
    case 'all':
      return 'All of these'
    case 'any':
      return 'At least one of these'
    case 'age':
      return `A child ${describeAgeRange(criterion.minimum, criterion.maximum)} on the referral date`
    case 'gestation':
      return `Pregnant, at ${criterion.maximumWeeks} completed weeks or less on the referral date`
    case 'previous-removals':
      return `At least ${criterion.minimum} ${criterion.minimum === 1 ? 'child' : 'children'} removed before, from either parent`
    case 'safeguarding-level':
      return `At ${listOf(
        criterion.levels.map((l) => `level ${l}`),
        'or',
      )} on the local scale of need`
    case 'indicators':
      return criterion.anyOf.length === Object.keys(PRESENTING_INDICATORS).length
        ? 'At least one of the 16 escalation indicators'
        : `At least one of: ${listOf(
            criterion.anyOf.map((i) => PRESENTING_INDICATORS[i as PresentingIndicator].toLowerCase()),
            'or',
          )}`
    case 'homeless-young-person':
      return `A young person aged ${listOf(criterion.ages.map(String), 'or')} presenting as homeless`
    case 'social-worker-allocated':
      return 'An allocated social worker'
    case 'child-in-need-step-down':
      return 'A step-down from a Child in Need plan'
    case 'judgement':
      return `Professional judgement: ${criterion.question}`
  }
}

export interface CriterionView {
  id: string
  label: string
  rule: string
  source?: string
  interpretation?: string
  professionalJudgement?: string
  of?: CriterionView[]
}

export function criterionView(criterion: Criterion): CriterionView {
  return {
    id: criterion.id,
    label: criterion.label,
    rule: describeCriterion(criterion),
    source: criterion.source,
    interpretation: criterion.interpretation,
    professionalJudgement: criterion.professionalJudgement,
    ...(criterion.type === 'all' || criterion.type === 'any' ? { of: criterion.of.map(criterionView) } : {}),
  }
}

/** Every reading the programme states, with what it is about, so a user sees them together. */
export function interpretationsIn(value: unknown, about = ''): { about: string; text: string }[] {
  if (Array.isArray(value)) return value.flatMap((item) => interpretationsIn(item, about))
  if (!value || typeof value !== 'object') return []
  const record = value as Record<string, unknown>
  const name = (record.name ?? record.label ?? about) as string
  const own = typeof record.interpretation === 'string' ? [{ about: name, text: record.interpretation }] : []
  return [
    ...own,
    ...Object.entries(record)
      .filter(([key]) => key !== 'interpretation')
      .flatMap(([key, item]) => interpretationsIn(item, ABOUT[key] ?? name)),
  ]
}

const ABOUT: Record<string, string> = {
  reviewSchedule: 'Reviews',
  extension: 'Extensions',
  caseload: 'Caseload',
  pathwayChosenAt: 'Choosing the pathway',
  caseDiscussion: 'Case discussion',
}
