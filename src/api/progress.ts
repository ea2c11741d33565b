import { z } from 'zod'
import {
  CHILD_IN_NEED_STATUSES,
  EMPLOYMENT_STATUSES,
  FLAG_NAMES,
  MEASURE_OCCASIONS,
  SCALING_OCCASIONS,
} from '../domain/measures.ts'
import { MEASURE_KINDS, MEASURE_SUBJECTS } from '../domain/programme/vocabulary.ts'
import type { Services } from '../services/index.ts'
import type { ProgressView } from '../services/progress.ts'
import { type ApiRoute, apiRoute } from './routing.ts'

/**
 * Measuring change over the API: /api/v1/cases/:caseId/progress (every goal's scaling scores
 * with the distance travelled, every measure's readings), and POST scaling-scores and measures.
 */

const keys = <T extends Record<string, unknown>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]]
const list = (o: Record<string, unknown>) => Object.keys(o).join(', ')
const isoDate = z.iso.date()
const who = z.object({ id: z.uuid(), name: z.string() })

const distance = z
  .object({
    first: z.object({ on: isoDate, score: z.number().int() }).nullable(),
    latest: z.object({ on: isoDate, score: z.number().int() }).nullable(),
    change: z.number().int().nullable().describe('Latest minus first; null until there are two scores'),
    words: z.string().describe('"up 3 points", "down 1 point", "no change", "scored once so far", "not scored yet"'),
  })
  .meta({ id: 'DistanceTravelled' })

const score = z.object({
  id: z.uuid(),
  askedOn: isoDate,
  occasion: z.enum(keys(SCALING_OCCASIONS)),
  reviewId: z.uuid().nullable(),
  familyScore: z.number().int().nullable(),
  workerScore: z.number().int().nullable(),
  note: z.string().nullable(),
  recordedBy: who,
})

const reading = z.object({
  id: z.uuid(),
  person: who.nullable().describe('The child or adult it is about; null for the whole family'),
  recordedOn: isoDate,
  occasion: z.enum(keys(MEASURE_OCCASIONS)),
  reviewId: z.uuid().nullable(),
  value: z.record(z.string(), z.unknown()).describe('What the measure’s kind holds; see MeasureReadingInput.value'),
  text: z.string().describe('The reading in words: "80.0% (persistent absence)", "In work"'),
  flags: z
    .array(z.enum(keys(FLAG_NAMES)))
    .describe('persistent-absence (10% or more of sessions missed), severe-absence (50% or more), workless'),
  recordedBy: who,
})

const progressBody = z
  .object({
    closed: z.boolean().describe('A closed case takes follow-up readings only, and no more scaling scores'),
    goals: z
      .array(
        z.object({
          id: z.uuid().describe('The plan goal (kept across plan editions)'),
          position: z.number().int(),
          need: z.string(),
          outcome: z.string(),
          family: distance.describe('How far the family’s score has moved'),
          worker: distance.describe('How far the worker’s score has moved'),
          scores: z.array(score).describe('Oldest first'),
        }),
      )
      .describe('The current plan’s goals, in order'),
    measures: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        kind: z.enum(keys(MEASURE_KINDS)),
        per: z.enum(keys(MEASURE_SUBJECTS)),
        instrument: z.string().nullable().describe('A licensed tool, by name: Hearth keeps its score only'),
        minimum: z.number().int().nullable(),
        maximum: z.number().int().nullable(),
        readings: z.array(reading).describe('Person by person, oldest first'),
      }),
    ),
  })
  .meta({ id: 'CaseProgress' })

const scalingInput = z
  .object({
    askedOn: isoDate.describe('The day the scores were given: not in the future, not before the family was accepted'),
    occasion: z.enum(keys(SCALING_OCCASIONS)).describe(`One of ${list(SCALING_OCCASIONS)}`),
    reviewId: z.uuid().nullish().describe('The review the scores were given at (occasion review)'),
    scores: z
      .array(
        z.object({
          goalId: z.uuid().describe('A goal of the current plan'),
          familyScore: z.number().nullish().describe('The family’s score, a whole number from 0 to 10'),
          workerScore: z.number().nullish().describe('The worker’s score, a whole number from 0 to 10'),
          note: z.string().nullish(),
        }),
      )
      .describe('One entry per goal scored, with the family’s score, the worker’s or both'),
  })
  .meta({ id: 'ScalingScoresInput' })

const measureInput = z
  .object({
    measureId: z.string().describe('One of the programme’s outcomes.measures ids, e.g. school-attendance'),
    occasion: z
      .enum(keys(MEASURE_OCCASIONS))
      .describe(`One of ${list(MEASURE_OCCASIONS)}; follow-up only once the case is closed, and then only follow-up`),
    recordedOn: isoDate.describe('Not in the future, not before the family was accepted'),
    reviewId: z.uuid().nullish().describe('The review it was read at (occasion review)'),
    readings: z
      .array(
        z.object({
          personId: z
            .uuid()
            .nullish()
            .describe(
              'The child (attendance, child in need, at home) or parent or carer (work) it is about; none for a family measure',
            ),
          value: z
            .object({
              from: isoDate.optional().describe('school-attendance: the first day of the period'),
              to: isoDate.optional().describe('school-attendance: the last day of the period'),
              possible: z.number().optional().describe('school-attendance: possible sessions, 1 or more'),
              attended: z.number().optional().describe('school-attendance: sessions attended, no more than possible'),
              status: z
                .string()
                .optional()
                .describe(
                  `education-employment: ${list(EMPLOYMENT_STATUSES)}; child-in-need: ${list(CHILD_IN_NEED_STATUSES)}`,
                ),
              atHome: z.boolean().optional().describe('child-at-home'),
              score: z.number().optional().describe('scaling (0 to 10) or licensed-score (its minimum to maximum)'),
              count: z.number().optional().describe('count: a whole number, 0 or more'),
            })
            .describe('What the measure’s kind needs; anything else is not kept'),
        }),
      )
      .describe('One per person (or one for the family)'),
  })
  .meta({ id: 'MeasureReadingInput' })

const caseParams = z.object({ caseId: z.uuid() })
const created = z.object({ ids: z.array(z.uuid()) }).meta({ id: 'ProgressRecorded' })
const problem = (description: string) => ({ description })

function progressOf(view: ProgressView): z.input<typeof progressBody> {
  const people = new Map(view.people.map((p) => [p.id, { id: p.id, name: p.name }]))
  return {
    closed: view.closed,
    goals: view.goals.map((g) => ({
      id: g.goal.id,
      position: g.goal.position,
      need: g.goal.need,
      outcome: g.goal.outcome,
      family: g.family,
      worker: g.worker,
      scores: g.scores,
    })),
    measures: view.measures.map((m) => ({
      id: m.measure.id,
      name: m.measure.name,
      kind: m.measure.kind,
      per: m.subject,
      instrument: m.measure.instrument ?? null,
      minimum: m.range?.minimum ?? null,
      maximum: m.range?.maximum ?? null,
      readings: m.rows.flatMap((r) =>
        r.readings.map((x) => ({
          id: x.id,
          person: x.personId ? (people.get(x.personId) ?? null) : null,
          recordedOn: x.recordedOn,
          occasion: x.occasion,
          reviewId: x.reviewId,
          value: x.value as Record<string, unknown>,
          text: x.text,
          flags: x.flags as (keyof typeof FLAG_NAMES)[],
          recordedBy: x.recordedBy,
        })),
      ),
    })),
  }
}

export function progressApiRoutes(services: Services): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/progress',
      access: 'cases:work',
      summary: 'Every goal’s scaling scores with the distance travelled, and every measure’s readings',
      tags: ['cases'],
      params: caseParams,
      responses: {
        200: { description: 'The case’s progress', schema: progressBody },
        404: problem('No such case, or not one you can see'),
      },
      handler: async ({ ctx, params }) => ({
        status: 200,
        body: progressOf(await services.progress.progress(ctx, params.caseId)),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/scaling-scores',
      access: 'cases:work',
      summary: 'Record the family’s and the worker’s scaling scores (0 to 10) for goals of the plan',
      tags: ['cases'],
      params: caseParams,
      body: scalingInput,
      responses: {
        201: { description: 'Recorded, one id per goal scored', schema: created },
        400: problem(
          'Invalid fields (every problem at once, e.g. scores.0.familyScore), a goal not in the plan, or a closed case',
        ),
        404: problem('No such case, or not one you can see'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 201,
        body: await services.progress.recordScaling(ctx, params.caseId, body),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/measures',
      access: 'cases:work',
      summary: 'Record a reading of one of the programme’s measures, for each person it is read for or the family',
      tags: ['cases'],
      params: caseParams,
      body: measureInput,
      responses: {
        201: { description: 'Recorded, one id per reading', schema: created },
        400: problem(
          'Invalid fields (every problem at once, e.g. readings.0.attended), a measure not the programme’s, or a person not on the case',
        ),
        404: problem('No such case, or not one you can see'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 201,
        body: await services.progress.recordMeasure(ctx, params.caseId, {
          ...body,
          readings: body.readings.map((r) => ({ personId: r.personId ?? null, value: r.value })),
        }),
      }),
    }),
  ]
}
