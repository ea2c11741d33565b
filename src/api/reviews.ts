import { z } from 'zod'
import { DEADLINE_STATUSES } from '../domain/deadlines.ts'
import { CONTACT_FREQUENCIES, keysOf, PARTICIPANTS } from '../domain/programme/vocabulary.ts'
import { PROGRESS_DIRECTIONS, REVIEW_DECISIONS } from '../domain/reviews.ts'
import type { Services } from '../services/index.ts'
import {
  preBirthOutcomeSchema,
  type ReviewView,
  reviewCorrectionSchema,
  reviewInputSchema,
} from '../services/reviews.ts'
import { type ApiRoute, apiRoute } from './routing.ts'

/**
 * Reviews over the API: /api/v1/cases/:caseId/reviews (the schedule for each cycle and the
 * reviews held), one review, recording one (with its decision) and correcting one; and STARS's
 * pre-birth assessment outcome.
 */

const isoDate = z.iso.date()
const who = z.object({ id: z.uuid(), name: z.string() })
const participant = z.enum(keysOf(PARTICIPANTS))

const reviewBody = z
  .object({
    id: z.uuid(),
    caseId: z.uuid(),
    heldOn: isoDate,
    scheduledId: z
      .string()
      .nullable()
      .describe('The scheduled review it was held as, `review-week-6`; null outside the schedule'),
    attendees: z.object({ participants: z.array(participant), others: z.string().nullable() }),
    progress: z.array(
      z.object({ goalId: z.uuid(), direction: z.enum(keysOf(PROGRESS_DIRECTIONS)), evidence: z.string() }),
    ),
    scaling: z
      .array(z.object({ goalId: z.uuid(), family: z.number().int().nullable(), worker: z.number().int().nullable() }))
      .describe('Scaling scores given at the review, 0 to 10'),
    familyView: z.string().nullable(),
    summary: z.string().nullable(),
    decision: z.enum(keysOf(REVIEW_DECISIONS)),
    decisionDetails: z
      .object({
        requestedBy: participant.optional().describe('extend'),
        pathway: z.string().optional().describe('change-pathway'),
        reason: z.string().optional().describe('change-pathway'),
        frequencies: z
          .array(z.object({ from: isoDate, frequency: z.enum(keysOf(CONTACT_FREQUENCIES)) }))
          .optional()
          .describe('step-down: planned contact, falling'),
      })
      .describe('What the decision needed'),
    missingAttendees: z
      .array(participant)
      .describe('Required attendees of the scheduled review who were not there, as confirmed when it was recorded'),
    recordedBy: who,
    recordedAt: z.iso.datetime(),
    updatedBy: who.nullable(),
    updatedAt: z.iso.datetime().nullable(),
    version: z.number().int().describe('Changes by one each time the review is corrected (optimistic locking)'),
  })
  .meta({ id: 'Review' })

const scheduledBody = z.object({
  id: z.string().describe('review-week-6'),
  name: z.string(),
  dueDate: isoDate,
  status: z.enum(keysOf(DEADLINE_STATUSES)),
  attendees: z.array(participant).describe('Who must attend, besides the family and key worker'),
  reviewId: z.uuid().nullable().describe('The review that met it'),
  metOn: isoDate.nullable(),
})

const listBody = z
  .object({
    closed: z.boolean(),
    cycles: z
      .array(
        z.object({
          number: z.number().int(),
          startedBy: z.string().describe('What started the cycle: support, or a further cycle'),
          startedOn: isoDate,
          reviews: z.array(scheduledBody),
        }),
      )
      .describe("The programme's review schedule, once for each cycle of support, oldest first"),
    next: z
      .object({ id: z.string(), name: z.string(), dueDate: isoDate, attendees: z.array(participant) })
      .nullable()
      .describe('The scheduled review a review held today would be'),
    decisions: z
      .record(z.string(), z.object({ ok: z.boolean(), reason: z.string().optional() }))
      .describe('Each decision and whether a review may take it now, with the reason when not'),
    reviews: z.array(reviewBody).describe('Newest first'),
    preBirth: z
      .object({
        offered: z.boolean(),
        canRecord: z.boolean(),
        reason: z.string().nullable(),
        recorded: z.object({ decidedOn: isoDate, pathway: z.string(), note: z.string().nullable() }).nullable(),
      })
      .describe("STARS: the pre-birth assessment's outcome, which sets the pathway"),
  })
  .meta({ id: 'Reviews' })

const caseParams = z.object({ caseId: z.uuid() })
const reviewParams = z.object({ caseId: z.uuid(), reviewId: z.uuid() })
const problem = (description: string) => ({ description })

function reviewOf(r: ReviewView): z.input<typeof reviewBody> {
  return {
    id: r.id,
    caseId: r.caseId,
    heldOn: r.heldOn,
    scheduledId: r.scheduledId,
    attendees: r.attendees,
    progress: r.progress.map(({ goalId, direction, evidence }) => ({ goalId, direction, evidence })),
    scaling: r.scaling.map(({ goalId, family, worker }) => ({ goalId, family, worker })),
    familyView: r.familyView,
    summary: r.summary,
    decision: r.decision,
    decisionDetails: r.decisionDetails as z.input<typeof reviewBody>['decisionDetails'],
    missingAttendees: r.missingAttendees,
    recordedBy: r.recordedBy,
    recordedAt: r.recordedAt.toISOString(),
    updatedBy: r.updatedBy,
    updatedAt: r.updatedAt ? r.updatedAt.toISOString() : null,
    version: r.version,
  }
}

export function reviewsApiRoutes(services: Services): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/reviews',
      access: 'cases:work',
      summary: "The case's review schedule for each cycle, the reviews held, and what a review may decide now",
      tags: ['reviews'],
      params: caseParams,
      responses: {
        200: { description: 'The schedule and the reviews', schema: listBody },
        404: problem('No such case, or not one you can see'),
      },
      handler: async ({ ctx, params }) => {
        const list = await services.reviews.list(ctx, params.caseId)
        const { setting, preBirth } = list
        return {
          status: 200,
          body: {
            closed: setting.closed,
            cycles: list.cycles,
            next: setting.next,
            decisions: setting.decisions,
            reviews: list.reviews.map(reviewOf),
            preBirth: {
              offered: preBirth.offered,
              canRecord: preBirth.canRecord,
              reason: preBirth.reason,
              recorded: preBirth.recorded
                ? {
                    decidedOn: preBirth.recorded.decidedOn,
                    pathway: preBirth.recorded.pathway,
                    note: preBirth.recorded.note,
                  }
                : null,
            },
          },
        }
      },
    }),
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/reviews/:reviewId',
      access: 'cases:work',
      summary: 'One review',
      tags: ['reviews'],
      params: reviewParams,
      responses: {
        200: { description: 'The review', schema: reviewBody },
        404: problem('No such case or review'),
      },
      handler: async ({ ctx, params }) => ({
        status: 200,
        body: reviewOf(await services.reviews.get(ctx, params.caseId, params.reviewId)),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/reviews',
      access: 'cases:work',
      summary:
        'Record a review and carry out its decision (a further cycle, the step-down or a new pathway). A required attendee missing from a scheduled review is a 400 naming them unless confirmMissingAttendees is true',
      tags: ['reviews'],
      params: caseParams,
      body: reviewInputSchema.meta({ id: 'ReviewInput' }),
      responses: {
        201: {
          description: 'Recorded; a decision to close leaves the closure to be proposed',
          schema: z.object({ id: z.uuid(), decision: z.enum(keysOf(REVIEW_DECISIONS)) }).meta({ id: 'ReviewCreated' }),
        },
        400: problem(
          'Invalid fields, a decision the programme or stage does not allow, a missing required attendee not confirmed, or a closed case',
        ),
        404: problem('No such case, or not one you can see'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 201,
        body: await services.reviews.record(ctx, params.caseId, body),
      }),
    }),
    apiRoute({
      method: 'patch',
      path: '/cases/:caseId/reviews/:reviewId',
      access: 'cases:work',
      summary:
        'Correct a review with the version you read: who attended, progress per goal, the family’s view and the summary (the date and decision stay)',
      tags: ['reviews'],
      params: reviewParams,
      body: reviewCorrectionSchema.extend({ version: z.number().int() }).meta({ id: 'ReviewCorrection' }),
      responses: {
        200: {
          description: 'Corrected',
          schema: z.object({ version: z.number().int() }).meta({ id: 'ReviewCorrected' }),
        },
        400: problem('Invalid fields, a missing required attendee not confirmed, or a closed case'),
        404: problem('No such case or review'),
        409: problem('Someone corrected it since you read it'),
      },
      handler: async ({ ctx, params, body }) => {
        const { version, ...correction } = body
        return {
          status: 200,
          body: await services.reviews.update(ctx, params.caseId, params.reviewId, version, correction),
        }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/pre-birth-outcome',
      access: 'cases:work',
      summary:
        "STARS: record the pre-birth assessment's outcome, once. It sets the pathway and starts up to two years of support",
      tags: ['reviews'],
      params: caseParams,
      body: preBirthOutcomeSchema.meta({ id: 'PreBirthOutcomeInput' }),
      responses: {
        201: { description: 'Recorded', schema: z.object({ pathway: z.string() }).meta({ id: 'PreBirthOutcome' }) },
        400: problem(
          'Invalid fields, already recorded, support not started, or a service without a pre-birth assessment',
        ),
        404: problem('No such case, or not one you can see'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 201,
        body: await services.reviews.recordPreBirthOutcome(ctx, params.caseId, body),
      }),
    }),
  ]
}
