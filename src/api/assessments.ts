import { z } from 'zod'
import { ASSESSMENT_STATUSES } from '../domain/assessment.ts'
import { assessmentContentSchema } from '../services/assessments.ts'
import type { Services } from '../services/index.ts'
import { type ApiRoute, apiRoute } from './routing.ts'

/** A case's Early Help Assessments: /api/v1/cases/{caseId}/assessments… */

const problem = (description: string) => ({ description })
const caseIdParams = z.object({ caseId: z.uuid() })
const assessmentParams = caseIdParams.extend({ assessmentId: z.uuid() })

const assessmentBody = assessmentContentSchema
  .extend({
    id: z.uuid(),
    status: z.enum(Object.keys(ASSESSMENT_STATUSES) as ['draft', 'completed']),
    createdAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
    version: z.number().int().describe('Send it back when you save (optimistic locking)'),
  })
  .meta({ id: 'Assessment' })

export function assessmentApiRoutes(services: Services): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/assessments',
      access: 'cases:work',
      summary: 'A case’s Early Help Assessments, newest first',
      tags: ['assessments'],
      params: caseIdParams,
      responses: { 200: { description: 'Assessments', schema: z.array(assessmentBody) }, 404: problem('No such case') },
      handler: async ({ ctx, params }) => {
        const { assessments } = await services.assessments.list(ctx, params.caseId)
        return {
          status: 200,
          body: assessments.map((a) => ({
            id: a.id,
            status: a.status,
            ...a.content,
            createdAt: a.createdAt.toISOString(),
            completedAt: a.completedAt?.toISOString() ?? null,
            version: a.version,
          })),
        }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/assessments',
      access: 'cases:work',
      summary:
        'Start a draft assessment (a reassessment starts from the last one); the draft already started if there is one',
      tags: ['assessments'],
      params: caseIdParams,
      responses: {
        201: { description: 'The draft', schema: z.object({ id: z.uuid() }).meta({ id: 'AssessmentStarted' }) },
        400: problem('The case is closed'),
        404: problem('No such case'),
      },
      handler: async ({ ctx, params }) => ({
        status: 201,
        body: { id: await services.assessments.start(ctx, params.caseId) },
      }),
    }),
    apiRoute({
      method: 'patch',
      path: '/cases/:caseId/assessments/:assessmentId',
      access: 'cases:work',
      summary: 'Save a draft assessment whole, with the version you read',
      tags: ['assessments'],
      params: assessmentParams,
      body: assessmentContentSchema.extend({ version: z.number().int() }),
      responses: {
        200: { description: 'Saved', schema: z.object({ version: z.number().int() }).meta({ id: 'AssessmentSaved' }) },
        400: problem('Invalid fields, or the assessment is complete'),
        404: problem('No such case or assessment'),
        409: problem('Someone saved it since you read it'),
      },
      handler: async ({ ctx, params, body }) => {
        const { version, ...content } = body
        return {
          status: 200,
          body: { version: await services.assessments.save(ctx, params.caseId, params.assessmentId, version, content) },
        }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/assessments/:assessmentId/complete',
      access: 'cases:work',
      summary: 'Complete a draft assessment: every part must be written (the 400 lists what is missing)',
      tags: ['assessments'],
      params: assessmentParams,
      body: z.object({ version: z.number().int() }),
      responses: {
        204: { description: 'Completed' },
        400: problem('Parts are missing'),
        404: problem('No such case or assessment'),
        409: problem('Someone saved it since you read it'),
      },
      handler: async ({ ctx, params, body }) => {
        await services.assessments.complete(ctx, params.caseId, params.assessmentId, body.version)
        return { status: 204 }
      },
    }),
  ]
}
