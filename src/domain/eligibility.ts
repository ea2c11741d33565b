import { z } from 'zod'
import { addDays, completedYears, daysBetween, formatIsoDate, type IsoDate, isIsoDate } from './isoDate.ts'
import type { Criterion, Programme } from './programme/schema.ts'
import { keysOf, PRESENTING_INDICATORS, type PresentingIndicator, SAFEGUARDING_LEVELS } from './programme/vocabulary.ts'

/**
 * Screening: a programme's eligibility rules applied to the facts about a referral. Screening
 * advises; a manager decides. A fact that is missing makes a rule "unknown", never "not met",
 * and a rule a person must weigh up is "judgement". Nothing here declines a family.
 */

export type CriterionOutcome = 'met' | 'not-met' | 'judgement' | 'unknown'
export type ScreeningResult = 'eligible' | 'needs-judgement' | 'needs-information' | 'not-eligible'

export const SCREENING_RESULTS: Record<ScreeningResult, { label: string; explanation: string }> = {
  eligible: { label: 'Appears eligible', explanation: 'The facts given meet the criteria.' },
  'needs-judgement': {
    label: 'Needs professional judgement',
    explanation: 'The facts fit so far; the rest is for the managers to decide.',
  },
  'needs-information': {
    label: 'Needs more information',
    explanation: 'Some facts are missing, so Hearth cannot say yet.',
  },
  'not-eligible': {
    label: 'Does not appear eligible',
    explanation: 'At least one criterion is not met. A manager can still decide otherwise.',
  },
}

export const CRITERION_OUTCOMES: Record<CriterionOutcome, string> = {
  met: 'Met',
  'not-met': 'Not met',
  judgement: 'Needs judgement',
  unknown: 'Unknown',
}

// ── Facts ───────────────────────────────────────────────────────────────────────────────────

const isoDateSchema = z.string().refine(isIsoDate, 'Enter a real date, like 2026-01-05')

const childSchema = z
  .object({
    dateOfBirth: isoDateSchema.optional(),
    age: z.number().int('Enter an age in whole years').min(0, 'An age cannot be negative').max(25).optional(),
  })
  .strict()

/** What is known about a family when deciding where to refer. Leave out what you do not know. */
export const screeningFactsSchema = z
  .object({
    children: z.array(childSchema).max(12).default([]).describe('Each child, by date of birth or age in years'),
    expectingBaby: z.boolean().optional().describe('Someone in the family is expecting a baby'),
    expectedDeliveryDate: isoDateSchema.optional().describe('For an expected baby'),
    previousRemovals: z
      .number()
      .int('Enter a whole number')
      .min(0, 'The number of children removed cannot be negative')
      .max(20)
      .optional()
      .describe('Children previously removed from either parent'),
    safeguardingLevel: z.number().int().min(1).max(4).optional().describe('The local 1 to 4 scale of need'),
    indicators: z
      .array(z.enum(keysOf(PRESENTING_INDICATORS)))
      .optional()
      .describe('Presenting indicators'),
    youngPersonHomeless: z.boolean().optional().describe('A 16 or 17-year-old is presenting as homeless'),
    socialWorkerAllocated: z.boolean().optional(),
    childInNeedStepDown: z.boolean().optional().describe('Stepping down from a Child in Need plan'),
  })
  .strict()

export type ScreeningFacts = z.output<typeof screeningFactsSchema>

export interface FactProblem {
  path: (string | number)[]
  message: string
}

/** Facts that cannot be true on the referral date: a child born after it, a due date too far ahead. */
export function impossibleFacts(facts: ScreeningFacts, on: IsoDate): FactProblem[] {
  const problems: FactProblem[] = []
  facts.children.forEach((child, index) => {
    if (child.dateOfBirth && child.dateOfBirth > on) {
      problems.push({
        path: ['children', index, 'dateOfBirth'],
        message: `A child's date of birth must be on or before ${formatIsoDate(on)}`,
      })
    }
    if (child.dateOfBirth === undefined && child.age === undefined) {
      problems.push({ path: ['children', index], message: 'Give a date of birth or an age for each child' })
    }
  })
  if (facts.expectingBaby === false && facts.expectedDeliveryDate) {
    problems.push({
      path: ['expectedDeliveryDate'],
      message: 'Leave the expected date of delivery out if no one is expecting a baby',
    })
  }
  if (facts.expectedDeliveryDate && daysBetween(on, facts.expectedDeliveryDate) > FULL_TERM_DAYS) {
    problems.push({
      path: ['expectedDeliveryDate'],
      message: `The expected date of delivery must be no later than ${formatIsoDate(addDays(on, FULL_TERM_DAYS))}, 40 weeks after ${formatIsoDate(on)}`,
    })
  }
  return problems
}

// ── Screening ───────────────────────────────────────────────────────────────────────────────

export interface CriterionScreening {
  id: string
  label: string
  type: Criterion['type']
  outcome: CriterionOutcome
  /** One sentence in plain English. */
  explanation: string
  source?: string
  interpretation?: string
  question?: string
  of?: CriterionScreening[]
}

export interface Screening {
  programmeId: string
  programmeName: string
  on: IsoDate
  result: ScreeningResult
  label: string
  explanation: string
  criteria: CriterionScreening
  counts: Record<CriterionOutcome, number>
}

const FULL_TERM_DAYS = 280

/** Screens the facts against one programme, on the referral date `on`. */
export function screen(programme: Programme, facts: ScreeningFacts, on: IsoDate): Screening {
  const criteria = evaluate(programme.eligibility.rule, facts, on)
  const result = RESULT_FOR[criteria.outcome]
  const counts: Record<CriterionOutcome, number> = { met: 0, 'not-met': 0, judgement: 0, unknown: 0 }
  for (const leaf of leaves(criteria)) counts[leaf.outcome] += 1
  return {
    programmeId: programme.id,
    programmeName: programme.name,
    on,
    result,
    label: SCREENING_RESULTS[result].label,
    explanation: SCREENING_RESULTS[result].explanation,
    criteria,
    counts,
  }
}

/** Every programme's screening, the best fits first. */
export function whichServicesFit(facts: ScreeningFacts, programmes: readonly Programme[], on: IsoDate): Screening[] {
  return programmes
    .map((programme) => screen(programme, facts, on))
    .sort(
      (a, b) =>
        RANK[a.result] - RANK[b.result] ||
        b.counts.met - a.counts.met ||
        a.counts['not-met'] - b.counts['not-met'] ||
        a.programmeName.localeCompare(b.programmeName),
    )
}

const RESULT_FOR: Record<CriterionOutcome, ScreeningResult> = {
  met: 'eligible',
  judgement: 'needs-judgement',
  unknown: 'needs-information',
  'not-met': 'not-eligible',
}
const RANK: Record<ScreeningResult, number> = {
  eligible: 0,
  'needs-judgement': 1,
  'needs-information': 2,
  'not-eligible': 3,
}

export function leaves(result: CriterionScreening): CriterionScreening[] {
  return result.of ? result.of.flatMap(leaves) : [result]
}

function evaluate(criterion: Criterion, facts: ScreeningFacts, on: IsoDate): CriterionScreening {
  const base = {
    id: criterion.id,
    label: criterion.label,
    type: criterion.type,
    source: criterion.source,
    interpretation: criterion.interpretation,
  }
  let outcome: CriterionOutcome
  let explanation: string
  let of: CriterionScreening[] | undefined
  let question: string | undefined
  switch (criterion.type) {
    case 'all':
    case 'any': {
      of = criterion.of.map((c) => evaluate(c, facts, on))
      outcome = criterion.type === 'all' ? allOf(of.map((r) => r.outcome)) : anyOf(of.map((r) => r.outcome))
      explanation = combinationExplanation(criterion.type, outcome)
      break
    }
    case 'age':
      ;[outcome, explanation] = ageRule(criterion, facts, on)
      break
    case 'gestation':
      ;[outcome, explanation] = gestationRule(criterion.maximumWeeks, facts, on)
      break
    case 'previous-removals':
      if (facts.previousRemovals === undefined) {
        ;[outcome, explanation] = ['unknown', 'Hearth has not been told how many children were removed before.']
      } else {
        outcome = facts.previousRemovals >= criterion.minimum ? 'met' : 'not-met'
        explanation = `${countOf(facts.previousRemovals, 'child', 'children')} removed previously; the service asks for at least ${criterion.minimum}.`
      }
      break
    case 'safeguarding-level':
      if (facts.safeguardingLevel === undefined) {
        ;[outcome, explanation] = ['unknown', 'Hearth has not been told the level of need.']
      } else {
        outcome = criterion.levels.includes(facts.safeguardingLevel) ? 'met' : 'not-met'
        explanation = `The family is at ${SAFEGUARDING_LEVELS[facts.safeguardingLevel as 1].split(':')[0]}; the service works at ${listOf(
          criterion.levels.map((l) => `level ${l}`),
          'or',
        )}.`
      }
      break
    case 'indicators': {
      if (facts.indicators === undefined) {
        ;[outcome, explanation] = ['unknown', 'Hearth has not been told which indicators are present.']
        break
      }
      const present = criterion.anyOf.filter((i) => facts.indicators?.includes(i))
      outcome = present.length > 0 ? 'met' : 'not-met'
      explanation =
        present.length > 0
          ? `Present: ${listOf(
              present.map((i) => PRESENTING_INDICATORS[i as PresentingIndicator]),
              'and',
            )}.`
          : 'None of the listed indicators is present.'
      break
    }
    case 'homeless-young-person':
      ;[outcome, explanation] = homelessRule(criterion.ages, facts, on)
      break
    case 'social-worker-allocated':
      ;[outcome, explanation] = flagRule(facts.socialWorkerAllocated, {
        unknown: 'Hearth has not been told whether the family has an allocated social worker.',
        yes: 'The family has an allocated social worker.',
        no: 'The family does not have an allocated social worker.',
      })
      break
    case 'child-in-need-step-down':
      ;[outcome, explanation] = flagRule(facts.childInNeedStepDown, {
        unknown: 'Hearth has not been told whether this is a step-down from a Child in Need plan.',
        yes: 'The family is stepping down from a Child in Need plan.',
        no: 'The family is not stepping down from a Child in Need plan.',
      })
      break
    case 'judgement':
      outcome = 'judgement'
      question = criterion.question
      explanation = `For the managers to decide: ${criterion.question}`
      break
  }
  if (outcome === 'not-met' && criterion.professionalJudgement) {
    outcome = 'judgement'
    explanation = `${explanation} ${criterion.professionalJudgement}`
  }
  return { ...base, outcome, explanation, ...(question ? { question } : {}), ...(of ? { of } : {}) }
}

/** Every part must hold: one "not met" settles it; otherwise missing facts come before judgement. */
export function allOf(outcomes: CriterionOutcome[]): CriterionOutcome {
  if (outcomes.includes('not-met')) return 'not-met'
  if (outcomes.includes('unknown')) return 'unknown'
  if (outcomes.includes('judgement')) return 'judgement'
  return 'met'
}

/**
 * One part is enough: one "met" settles it; "not met" only when every part is not met. A part
 * for the managers to judge comes before a missing fact, since their judgement alone can settle it.
 */
export function anyOf(outcomes: CriterionOutcome[]): CriterionOutcome {
  if (outcomes.includes('met')) return 'met'
  if (outcomes.includes('judgement')) return 'judgement'
  if (outcomes.includes('unknown')) return 'unknown'
  return 'not-met'
}

function combinationExplanation(type: 'all' | 'any', outcome: CriterionOutcome): string {
  const need = type === 'all' ? 'Every part must be met' : 'One part is enough'
  const so = {
    met: 'and it is.',
    'not-met': type === 'all' ? 'and at least one is not.' : 'and none is.',
    unknown: 'and some facts are missing.',
    judgement: 'and the rest is for the managers to decide.',
  }[outcome]
  return `${need}, ${so}`
}

interface AgeBound {
  years: number
  inclusive: boolean
}

export function describeAgeRange(minimum?: AgeBound, maximum?: AgeBound): string {
  const parts: string[] = []
  if (minimum) parts.push(minimum.inclusive ? `${minimum.years} or over` : `over ${minimum.years}`)
  if (maximum) parts.push(maximum.inclusive ? `${maximum.years} or under` : `under ${maximum.years}`)
  return `aged ${parts.join(' and ')}`
}

function inAgeRange(age: number, minimum?: AgeBound, maximum?: AgeBound): boolean {
  if (minimum && (minimum.inclusive ? age < minimum.years : age <= minimum.years)) return false
  if (maximum && (maximum.inclusive ? age > maximum.years : age >= maximum.years)) return false
  return true
}

function childAges(facts: ScreeningFacts, on: IsoDate): number[] {
  return facts.children.flatMap((child) =>
    child.dateOfBirth ? [completedYears(child.dateOfBirth, on)] : child.age !== undefined ? [child.age] : [],
  )
}

function ageRule(
  criterion: { minimum?: AgeBound; maximum?: AgeBound },
  facts: ScreeningFacts,
  on: IsoDate,
): [CriterionOutcome, string] {
  const ages = childAges(facts, on)
  const range = describeAgeRange(criterion.minimum, criterion.maximum)
  if (ages.length === 0)
    return ['unknown', `Hearth has not been told any child's age; the service is for children ${range}.`]
  const fits = ages.findIndex((age) => inAgeRange(age, criterion.minimum, criterion.maximum))
  if (fits >= 0) {
    const who = ages.length === 1 ? 'The child' : `Child ${fits + 1}`
    return ['met', `${who} is ${ages[fits]} on ${formatIsoDate(on)}; the service is for children ${range}.`]
  }
  const described =
    ages.length === 1 ? `The child is ${ages[0]}` : `The children are ${listOf(ages.map(String), 'and')}`
  return ['not-met', `${described} on ${formatIsoDate(on)}; the service is for children ${range}.`]
}

function gestationRule(maximumWeeks: number, facts: ScreeningFacts, on: IsoDate): [CriterionOutcome, string] {
  if (!facts.expectedDeliveryDate) {
    return facts.expectingBaby === false
      ? ['not-met', 'No one in the family is expecting a baby.']
      : ['unknown', 'Hearth has not been told the expected date of delivery.']
  }
  const days = FULL_TERM_DAYS - daysBetween(on, facts.expectedDeliveryDate)
  const due = formatIsoDate(facts.expectedDeliveryDate)
  if (days > 42 * 7)
    return ['not-met', `The expected date of delivery, ${due}, is more than 2 weeks before ${formatIsoDate(on)}.`]
  const weeks = Math.floor(days / 7)
  const rest = days % 7
  const at = `${countOf(weeks, 'week', 'weeks')}${rest > 0 ? ` and ${countOf(rest, 'day', 'days')}` : ''}`
  const within = weeks <= maximumWeeks
  return [
    within ? 'met' : 'not-met',
    `On ${formatIsoDate(on)} the pregnancy is at ${at} (due ${due}): ${within ? '' : 'more than '}${maximumWeeks} weeks${within ? ' or less' : ''}.`,
  ]
}

function homelessRule(ages: number[], facts: ScreeningFacts, on: IsoDate): [CriterionOutcome, string] {
  const agesText = listOf(ages.map(String), 'or')
  if (facts.youngPersonHomeless === undefined) {
    return ['unknown', `Hearth has not been told whether a young person aged ${agesText} is presenting as homeless.`]
  }
  if (!facts.youngPersonHomeless) return ['not-met', `No young person aged ${agesText} is presenting as homeless.`]
  const childAgesKnown = childAges(facts, on)
  if (childAgesKnown.length > 0 && !childAgesKnown.some((age) => ages.includes(age))) {
    return [
      'not-met',
      `A young person is presenting as homeless, but no child is aged ${agesText} on ${formatIsoDate(on)}.`,
    ]
  }
  return ['met', `A young person aged ${agesText} is presenting as homeless.`]
}

function flagRule(
  value: boolean | undefined,
  words: { unknown: string; yes: string; no: string },
): [CriterionOutcome, string] {
  if (value === undefined) return ['unknown', words.unknown]
  return value ? ['met', words.yes] : ['not-met', words.no]
}

function countOf(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

export function listOf(items: string[], conjunction: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`
}
