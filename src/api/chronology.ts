import { z } from 'zod'
import { CHRONOLOGY_CATEGORIES, type ChronologyCategory, isChronologyCategory } from '../domain/chronology.ts'
import { isIsoDate } from '../domain/isoDate.ts'
import { type ChronologyEntryView, chronologyEntryInputSchema } from '../services/chronology.ts'
import type { Services } from '../services/index.ts'
import { type ApiRoute, apiRoute } from './routing.ts'

/** The family's chronology over the API: read it a page at a time, and add to it. */

const categories = Object.keys(CHRONOLOGY_CATEGORIES) as [ChronologyCategory, ...ChronologyCategory[]]

const chronologyEntry = z
  .object({
    id: z.uuid(),
    caseId: z.uuid(),
    occurredOn: z.iso.date(),
    headline: z.string(),
    category: z.string().describe(`One of: ${categories.join(', ')}`),
    source: z.string().nullable(),
    impact: z.string().nullable().describe('Impact on the child'),
    action: z.string().nullable().describe('Action or decision'),
    writtenBy: z
      .enum(['hearth', 'worker'])
      .describe('Hearth wrote it from something that happened in Hearth, or a worker added it'),
    originType: z
      .string()
      .nullable()
      .describe('What Hearth wrote it from: referral, decision, allocation, phase, contact…'),
    originId: z.uuid().nullable(),
    recordedBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    recordedAt: z.iso.datetime(),
    version: z.number().int().describe('Send it back when you correct the entry (optimistic locking)'),
    editable: z.boolean(),
  })
  .meta({ id: 'ChronologyEntry' })

const chronologyPage = z
  .object({
    entries: z.array(chronologyEntry),
    total: z.number().int(),
    page: z.number().int(),
    pages: z.number().int(),
    pageSize: z.number().int(),
  })
  .meta({ id: 'ChronologyPage' })

const caseParams = z.object({ caseId: z.uuid() })

const isoDate = (name: string) => z.string().refine(isIsoDate, `${name} must be a date written YYYY-MM-DD`).optional()

const chronologyQuery = z.object({
  category: z
    .string()
    .refine((v) => v.split(',').every(isChronologyCategory), 'Unknown category')
    .optional()
    .describe(`Comma-separated categories: ${categories.join(', ')}`),
  writtenBy: z.enum(['hearth', 'worker']).optional(),
  from: isoDate('from').describe('Entries on or after this date'),
  to: isoDate('to').describe('Entries on or before this date'),
  order: z.enum(['newest', 'oldest']).optional().describe('Newest first unless oldest'),
  page: z.string().regex(/^\d+$/, 'page must be a whole number').optional(),
})

const created = z.object({ id: z.uuid() }).meta({ id: 'ChronologyEntryCreated' })
const problem = (description: string) => ({ description })

function bodyOf(e: ChronologyEntryView): z.input<typeof chronologyEntry> {
  return {
    id: e.id,
    caseId: e.caseId,
    occurredOn: e.occurredOn,
    headline: e.headline,
    category: e.category,
    source: e.source,
    impact: e.impact,
    action: e.action,
    writtenBy: e.origin,
    originType: e.originType,
    originId: e.originId,
    recordedBy: e.recordedBy,
    recordedAt: e.recordedAt.toISOString(),
    version: e.version,
    editable: e.editable,
  }
}

export function chronologyApiRoutes(services: Services): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/chronology',
      access: 'cases:work',
      summary: "The family's chronology, filtered, 25 entries a page",
      tags: ['cases'],
      params: caseParams,
      query: chronologyQuery,
      responses: {
        200: { description: 'A page of the chronology', schema: chronologyPage },
        400: problem('Invalid filter'),
        404: problem('No such case, or not one you can see'),
      },
      handler: async ({ ctx, params, query }) => {
        const list = await services.chronology.list(
          ctx,
          params.caseId,
          {
            ...(query.category ? { categories: query.category.split(',') as ChronologyCategory[] } : {}),
            ...(query.writtenBy ? { origin: query.writtenBy } : {}),
            ...(query.from ? { from: query.from } : {}),
            ...(query.to ? { to: query.to } : {}),
            order: query.order ?? 'newest',
          },
          query.page ? Number(query.page) : 1,
        )
        return {
          status: 200,
          body: {
            entries: list.entries.map(bodyOf),
            total: list.total,
            page: list.page,
            pages: list.pages,
            pageSize: list.pageSize,
          },
        }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/chronology',
      access: 'cases:work',
      summary: "Add an entry to the family's chronology (the date may not be in the future)",
      tags: ['cases'],
      params: caseParams,
      body: chronologyEntryInputSchema.meta({ id: 'ChronologyEntryInput' }),
      responses: {
        201: { description: 'Added', schema: created },
        400: problem('Invalid fields'),
        404: problem('No such case, or not one you can see'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 201,
        body: await services.chronology.add(ctx, params.caseId, body),
      }),
    }),
  ]
}
