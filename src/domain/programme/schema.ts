import { z } from 'zod'
import {
  CASE_EVENTS,
  COMMON_DESTINATIONS,
  EPISODE_END_REASONS,
  HEADLINE_OUTCOMES,
  keysOf,
  MEASURE_KINDS,
  MEASURE_SUBJECTS,
  PARTICIPANTS,
  PRESENTING_INDICATORS,
} from './vocabulary.ts'

/**
 * The programme definition: one YAML file per service in `programmes/`. Everything a service
 * does differently from another lives here, so a new authority writes a file, not code.
 * Every rule carries `source`, the source document's own words, so a user can see where a
 * rule comes from; where the words are ambiguous, `interpretation` states the reading Hearth takes.
 */

const id = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use lower-case letters, digits and single hyphens, like "risk-of-care"')
const text = z.string().trim().min(1, 'cannot be empty')
const source = text.describe("The source document's own words for this rule, quoted exactly")
const interpretation = text
  .describe('The reading Hearth takes where the source is ambiguous; shown to users')
  .optional()

const caseEvent = z.enum(keysOf(CASE_EVENTS))
const participant = z.enum(keysOf(PARTICIPANTS))

export const DURATION_UNITS = ['hours', 'days', 'working days', 'weeks', 'months'] as const
export type DurationUnit = (typeof DURATION_UNITS)[number]
export interface Duration {
  amount: number
  unit: DurationUnit
}

const DURATION = /^(\d{1,4}) (hours?|days?|working days?|weeks?|months?)$/
/** "48 hours", "5 working days", "12 weeks", "6 months". */
export const durationSchema = z
  .string()
  .regex(DURATION, 'write a whole number and a unit: hours, days, working days, weeks or months, like "5 working days"')
  .transform((value): Duration => {
    const [, amount, unit] = DURATION.exec(value) as RegExpExecArray
    const singular = unit === 'working day' || unit === 'hour' || unit === 'day' || unit === 'week' || unit === 'month'
    return { amount: Number(amount), unit: (singular ? `${unit}s` : unit) as DurationUnit }
  })

// ── Eligibility ─────────────────────────────────────────────────────────────────────────────

const bound = z.object({
  years: z.number().int().min(0).max(25),
  inclusive: z.boolean().describe('true: this age itself is inside the range'),
})

const criterionBase = {
  id,
  label: text.describe('The rule in plain words, as a user reads it: "Aged 8 to 18"'),
  source,
  interpretation,
  professionalJudgement: text
    .describe(
      'When set, a rule that is not met asks for professional judgement instead (e.g. "not an exhaustive list")',
    )
    .optional(),
}

const ageCriterion = z.object({
  ...criterionBase,
  type: z.literal('age'),
  minimum: bound.optional(),
  maximum: bound.optional(),
})
const gestationCriterion = z.object({
  ...criterionBase,
  type: z.literal('gestation'),
  maximumWeeks: z.number().int().min(1).max(42).describe('Completed weeks of pregnancy on the referral date, at most'),
})
const previousRemovalsCriterion = z.object({
  ...criterionBase,
  type: z.literal('previous-removals'),
  minimum: z.number().int().min(1),
})
const safeguardingLevelCriterion = z.object({
  ...criterionBase,
  type: z.literal('safeguarding-level'),
  levels: z.array(z.number().int().min(1).max(4)).min(1),
})
const indicatorsCriterion = z.object({
  ...criterionBase,
  type: z.literal('indicators'),
  anyOf: z.array(z.enum(keysOf(PRESENTING_INDICATORS))).min(1),
})
const homelessCriterion = z.object({
  ...criterionBase,
  type: z.literal('homeless-young-person'),
  ages: z.array(z.number().int().min(10).max(25)).min(1),
})
const flagCriterion = (type: 'social-worker-allocated' | 'child-in-need-step-down') =>
  z.object({ ...criterionBase, type: z.literal(type) })
const judgementCriterion = z.object({
  ...criterionBase,
  type: z.literal('judgement'),
  question: text.describe('What the manager decides, as a question'),
})

export type Criterion =
  | z.infer<typeof ageCriterion>
  | z.infer<typeof gestationCriterion>
  | z.infer<typeof previousRemovalsCriterion>
  | z.infer<typeof safeguardingLevelCriterion>
  | z.infer<typeof indicatorsCriterion>
  | z.infer<typeof homelessCriterion>
  | z.infer<ReturnType<typeof flagCriterion>>
  | z.infer<typeof judgementCriterion>
  | Combination

export interface Combination {
  id: string
  label: string
  source?: string
  interpretation?: string
  professionalJudgement?: string
  type: 'all' | 'any'
  of: Criterion[]
}

const combination = (type: 'all' | 'any'): z.ZodType<Combination> =>
  z.object({
    id,
    label: text,
    source: source.optional(),
    interpretation,
    professionalJudgement: text.optional(),
    type: z.literal(type),
    of: z.array(z.lazy(() => criterionSchema)).min(1),
  })

export const criterionSchema: z.ZodType<Criterion> = z.lazy(() =>
  z.discriminatedUnion('type', [
    ageCriterion,
    gestationCriterion,
    previousRemovalsCriterion,
    safeguardingLevelCriterion,
    indicatorsCriterion,
    homelessCriterion,
    flagCriterion('social-worker-allocated'),
    flagCriterion('child-in-need-step-down'),
    judgementCriterion,
    combination('all') as unknown as z.ZodObject<{ type: z.ZodLiteral<'all'> }>,
    combination('any') as unknown as z.ZodObject<{ type: z.ZodLiteral<'any'> }>,
  ]),
) as z.ZodType<Criterion>

// ── The rest of the definition ──────────────────────────────────────────────────────────────

const named = { id, name: text, description: text.optional(), source, interpretation }

const phase = z.object({
  ...named,
  startsWith: caseEvent.describe('The case event that starts this phase'),
  length: durationSchema.optional().describe('A fixed length: "12 weeks"'),
  minimum: durationSchema.optional(),
  maximum: durationSchema.optional(),
  pathways: z.array(id).optional().describe('Only on these pathways; every pathway if left out'),
})

const timescale = z.object({
  ...named,
  from: z
    .union([caseEvent, z.array(caseEvent).min(1)])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .describe('The anchor event the time is counted from; a list means each of these events starts the clock again'),
  within: durationSchema,
  metBy: z.array(caseEvent).min(1).describe('Any of these events meets the timescale'),
  dueSoon: durationSchema
    .optional()
    .describe('How long before the due time to show "due soon" (hours, days or weeks); a default by unit otherwise'),
  pathways: z.array(id).optional(),
})

const review = z.object({
  week: z.number().int().min(1).max(104),
  attendees: z.array(participant).default([]).describe('Who must attend, besides the family and key worker'),
})

const reviewSchedule = z.object({
  from: z.array(caseEvent).min(1).describe('Each of these events starts the schedule again (a new cycle restarts it)'),
  reviews: z.array(review).min(1),
  source,
  interpretation,
})

const extension = z.object({
  requestedBy: z.array(participant).min(1),
  agreedAt: text.describe('Where an extension is agreed, e.g. "a review"'),
  length: durationSchema.optional(),
  maximum: z.number().int().min(1).optional().describe('How many extensions at most; no limit if left out'),
  source,
  interpretation,
})

const supportItem = z.object({
  ...named,
  licensed: z.boolean().default(false).describe('A licensed programme: Hearth names it but never copies its materials'),
})

const measure = z.object({
  id,
  name: text,
  kind: z.enum(keysOf(MEASURE_KINDS)),
  per: z
    .enum(keysOf(MEASURE_SUBJECTS))
    .optional()
    .describe(
      'Whom it is recorded for: child, adult or family; by kind if left out (attendance per child, work per adult)',
    ),
  minimum: z.number().int().optional().describe('The lowest score (licensed-score and count); 0 if left out'),
  maximum: z.number().int().optional().describe('The highest score (licensed-score); required for a licensed score'),
  instrument: text
    .optional()
    .describe('The licensed tool a score comes from, by name only: Hearth stores the score, never the wording'),
  source: source.optional(),
  interpretation,
})

export const programmeSchema = z
  .object({
    id,
    name: text,
    authority: text.describe('Who runs the service described'),
    summary: text.describe('One sentence: who the service is for and what it does'),
    description: text,
    sourceDocument: z.object({
      title: text,
      publisher: text,
      file: text.describe('The source text, relative to programmes/, that every quote must come from'),
      updated: text.optional(),
    }),
    referral: z.object({
      routes: z.array(z.object({ ...named })).min(1),
      caseDiscussion: z.object({ required: z.boolean(), source, interpretation }).optional(),
      decisionWithin: durationSchema
        .optional()
        .describe('How soon a referral needs a decision, from when it is received; 1 working day if left out'),
    }),
    eligibility: z.object({
      summary: text,
      rule: criterionSchema,
    }),
    pathways: z.array(z.object(named)).default([]),
    pathwayChosenAt: z.object({ event: caseEvent, source, interpretation }).optional(),
    phases: z.array(phase).min(1),
    extension: extension.optional(),
    timescales: z.array(timescale).default([]),
    reviewSchedule: reviewSchedule.optional(),
    support: z.array(supportItem).min(1),
    crisisPlan: z
      .object({ source, interpretation })
      .optional()
      .describe('The service writes a crisis intervention plan: immediate risks, safety actions, contact arrangements'),
    plan: z
      .object({
        name: text.default('Family Action Plan').describe('What the service calls its plan with the family'),
        socialWorkerRequests: z
          .object({ source, interpretation })
          .optional()
          .describe(
            'The allocated social worker asks for particular pieces of work, shown to them with their progress',
          ),
        source: source.optional(),
        interpretation,
      })
      .default({ name: 'Family Action Plan' }),
    consultation: z
      .object({ source, interpretation })
      .optional()
      .describe('The service offers case consultations: a reflective space for the allocated worker'),
    formulation: z
      .object({ source, interpretation })
      .optional()
      .describe('The service writes case formulations (the "5 Ps")'),
    engagement: z
      .object({
        childrenSeenWithin: durationSchema.describe(
          'How long a case may go without any child being seen before Hearth flags it: "10 working days"',
        ),
        source: source.optional(),
        interpretation,
      })
      .optional()
      .describe('How often the children should be seen; no flag if left out'),
    caseload: z
      .object({
        maximumFamiliesPerWorker: z.number().int().min(1).max(100),
        source,
        interpretation,
      })
      .optional(),
    closure: z.object({
      steps: z
        .array(
          z.object({
            ...named,
            with: z.array(participant).default([]).describe('Who takes part, or who receives it'),
            event: caseEvent
              .optional()
              .describe(
                'Marking this step done records this case event: a closure meeting, the intervention report sent',
              ),
          }),
        )
        .default([]),
      destinations: z.array(z.object({ ...named, reportsAs: z.enum(keysOf(EPISODE_END_REASONS)) })).min(1),
    }),
    outcomes: z.object({
      headline: z
        .array(z.number().int().min(1).max(10))
        .min(1)
        .describe(
          `Supporting Families headline outcomes, by number: ${Object.entries(HEADLINE_OUTCOMES)
            .map(([n, name]) => `${n} ${name}`)
            .join('; ')}`,
        ),
      measures: z.array(measure).default([]),
      source: source.optional(),
    }),
  })
  .strict()
  .superRefine((programme, ctx) => {
    const duplicates = (list: { id: string }[], path: string) => {
      const seen = new Set<string>()
      list.forEach((item, index) => {
        if (seen.has(item.id))
          ctx.addIssue({ code: 'custom', path: [path, index, 'id'], message: `"${item.id}" is used twice` })
        seen.add(item.id)
      })
    }
    duplicates(programme.pathways, 'pathways')
    duplicates(programme.phases, 'phases')
    duplicates(programme.timescales, 'timescales')
    duplicates(programme.support, 'support')
    duplicates(programme.closure.destinations, 'destinations')
    duplicates(programme.outcomes.measures, 'measures')
    programme.closure.destinations.forEach((destination, index) => {
      if (destination.id in COMMON_DESTINATIONS) {
        ctx.addIssue({
          code: 'custom',
          path: ['closure', 'destinations', index, 'id'],
          message: `"${destination.id}" is a destination every programme has already`,
        })
      }
    })
    const criterionIds = new Set<string>()
    const walk = (criterion: Criterion, path: (string | number)[]) => {
      if (criterionIds.has(criterion.id))
        ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: `"${criterion.id}" is used twice` })
      criterionIds.add(criterion.id)
      if (criterion.type === 'age' && !criterion.minimum && !criterion.maximum) {
        ctx.addIssue({ code: 'custom', path, message: 'an age rule needs a minimum, a maximum or both' })
      }
      if (criterion.type === 'all' || criterion.type === 'any') {
        criterion.of.forEach((c, i) => {
          walk(c, [...path, 'of', i])
        })
      }
    }
    walk(programme.eligibility.rule, ['eligibility', 'rule'])

    const pathwayIds = new Set(programme.pathways.map((p) => p.id))
    const checkPathways = (list: { pathways?: string[] }[], name: string) => {
      list.forEach((item, index) => {
        item.pathways?.forEach((p, j) => {
          if (!pathwayIds.has(p)) {
            ctx.addIssue({ code: 'custom', path: [name, index, 'pathways', j], message: `there is no pathway "${p}"` })
          }
        })
      })
    }
    checkPathways(programme.phases, 'phases')
    checkPathways(programme.timescales, 'timescales')
    programme.phases.forEach((phase, index) => {
      if (!phase.length && !phase.maximum) {
        ctx.addIssue({ code: 'custom', path: ['phases', index], message: 'a phase needs a length, or a maximum' })
      }
    })
    programme.outcomes.measures.forEach((measure, index) => {
      if (measure.kind === 'licensed-score' && measure.maximum === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['outcomes', 'measures', index, 'maximum'],
          message: 'a licensed score needs a maximum',
        })
      }
      if (measure.maximum !== undefined && measure.maximum <= (measure.minimum ?? 0)) {
        ctx.addIssue({
          code: 'custom',
          path: ['outcomes', 'measures', index, 'maximum'],
          message: 'the maximum must be above the minimum',
        })
      }
    })
    programme.timescales.forEach((timescale, index) => {
      if (timescale.dueSoon && !['hours', 'days', 'weeks'].includes(timescale.dueSoon.unit)) {
        ctx.addIssue({ code: 'custom', path: ['timescales', index, 'dueSoon'], message: 'use hours, days or weeks' })
      }
    })
  })

export type Programme = z.output<typeof programmeSchema>
export type Phase = Programme['phases'][number]
export type Timescale = Programme['timescales'][number]
export type Measure = Programme['outcomes']['measures'][number]

/** The JSON Schema editors use to check a programme file as it is written. */
export function programmeJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(programmeSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    $id: 'https://hearth.example/programme.schema.json',
    title: 'Hearth programme definition',
    description: 'One intensive family support service, as data. See README: "Writing a programme file".',
  }
}
