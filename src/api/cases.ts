import { z } from 'zod'
import { DEADLINE_STATUSES, type Deadline } from '../domain/deadlines.ts'
import { CASE_STAGES } from '../domain/lifecycle.ts'
import { allocationSchema, CASE_SORTS, type CaseSummary } from '../services/cases.ts'
import type { Services } from '../services/index.ts'
import { type ApiRoute, apiRoute } from './routing.ts'

/** Cases, their deadlines and allocation, and my work: /api/v1/cases… and /api/v1/work. */

const problem = (description: string) => ({ description })
const stage = z.enum(Object.keys(CASE_STAGES) as [keyof typeof CASE_STAGES])
const deadlineStatus = z.enum(Object.keys(DEADLINE_STATUSES) as [keyof typeof DEADLINE_STATUSES])

const deadlineBody = z
  .object({
    id: z.string().describe('The timescale id, `review-week-6`, or `children-seen`'),
    name: z.string(),
    kind: z.enum(['timescale', 'review', 'engagement']),
    dueAt: z.iso.datetime(),
    status: deadlineStatus,
    metAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Deadline' })

const caseSummaryBody = z
  .object({
    id: z.uuid(),
    familyName: z.string(),
    programmeId: z.string(),
    pathway: z.string().nullable(),
    stage,
    phase: z.object({ id: z.string(), name: z.string(), week: z.number().int(), ofWeeks: z.number().int() }).nullable(),
    children: z.array(
      z.object({
        personId: z.uuid(),
        givenName: z.string(),
        role: z.enum(['child', 'unborn']),
        age: z.number().int().nullable(),
        expectedDueDate: z.iso.date().nullable(),
      }),
    ),
    keyWorkerId: z.uuid().nullable(),
    coWorkerId: z.uuid().nullable(),
    openedAt: z.iso.datetime(),
    nextDeadline: z.object({ name: z.string(), dueAt: z.iso.datetime(), status: deadlineStatus }).nullable(),
    version: z.number().int().describe('Send it back when you change the case (optimistic locking)'),
  })
  .meta({ id: 'CaseSummary' })

const caseDetailBody = caseSummaryBody
  .extend({
    socialWorker: z
      .object({
        userId: z.uuid().optional(),
        name: z.string(),
        organisation: z.string().optional(),
        role: z.string().optional(),
        email: z.string().optional(),
        phone: z.string().optional(),
      })
      .nullable(),
    events: z.array(z.object({ type: z.string(), at: z.iso.datetime() })),
    deadlines: z.array(deadlineBody),
    lastSeenAt: z.iso.datetime().nullable().describe('The last contact at which the family was seen'),
    childrenLastSeen: z
      .record(z.string(), z.iso.datetime().nullable())
      .describe('Each child’s last sighting, by person id'),
  })
  .meta({ id: 'Case' })

const caseList = z
  .object({
    cases: z.array(caseSummaryBody),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  })
  .meta({ id: 'CaseList' })

const caseQuery = z.object({
  scope: z
    .enum(['mine', 'team'])
    .default('mine')
    .describe('Your cases, or your team’s (team managers only: anyone else gets their own cases)'),
  programmeId: z.string().optional(),
  stage: z.enum(['open', ...Object.keys(CASE_STAGES)] as [string, ...string[]]).default('open'),
  pathway: z.string().optional(),
  overdue: z.enum(['true', 'false']).optional().describe('Only cases with an overdue deadline'),
  sort: z.enum(CASE_SORTS).default('due'),
  order: z.enum(['asc', 'desc']).default('asc'),
  page: z.coerce.number().int().min(1).default(1),
})

const caseIdParams = z.object({ caseId: z.uuid() })

function deadlineOut(d: Deadline) {
  return {
    id: d.id,
    name: d.name,
    kind: d.kind,
    dueAt: d.dueAt.toISOString(),
    status: d.status,
    metAt: d.metAt?.toISOString() ?? null,
  }
}

function summaryOut(c: CaseSummary) {
  return {
    id: c.row.id,
    familyName: c.row.familyName,
    programmeId: c.row.programmeId,
    pathway: c.row.pathway,
    stage: c.stage,
    phase: c.phase
      ? { id: c.phase.phase.id, name: c.phase.phase.name, week: c.phase.week, ofWeeks: c.phase.ofWeeks }
      : null,
    children: c.children.map((child) => ({
      personId: child.personId,
      givenName: child.givenName,
      role: child.role,
      age: child.age ?? null,
      expectedDueDate: child.expectedDueDate,
    })),
    keyWorkerId: c.row.keyWorkerId,
    coWorkerId: c.row.coWorkerId,
    openedAt: c.row.openedAt.toISOString(),
    nextDeadline: c.next ? { name: c.next.name, dueAt: c.next.dueAt.toISOString(), status: c.next.status } : null,
    version: c.row.version,
  }
}

export function casesApiRoutes(services: Services): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/cases',
      access: 'cases:work',
      summary: 'Your cases, or your team’s: filtered, sorted and a page at a time',
      tags: ['cases'],
      query: caseQuery,
      responses: { 200: { description: 'A page of cases', schema: caseList }, 400: problem('Invalid filter') },
      handler: async ({ ctx, query }) => {
        const result = await services.cases.list(ctx, {
          scope: query.scope,
          programmeId: query.programmeId,
          stage: query.stage as never,
          pathway: query.pathway,
          overdue: query.overdue === 'true',
          sort: query.sort,
          order: query.order,
          page: query.page,
        })
        return { status: 200, body: { ...result, cases: result.cases.map(summaryOut) } }
      },
    }),
    apiRoute({
      method: 'get',
      path: '/cases/:caseId',
      access: 'cases:work',
      summary: 'One case: who holds it, its stage, what has happened, its deadlines and when the family was last seen',
      tags: ['cases'],
      params: caseIdParams,
      responses: { 200: { description: 'The case', schema: caseDetailBody }, 404: problem('No such case') },
      handler: async ({ ctx, params }) => {
        const c = await services.cases.open(ctx, params.caseId, 'api')
        return {
          status: 200,
          body: {
            ...summaryOut(c),
            socialWorker: c.socialWorker ?? null,
            events: c.state.events.map((e) => ({ type: e.type, at: e.at.toISOString() })),
            deadlines: c.state.deadlines.map(deadlineOut),
            lastSeenAt: c.state.engagement.lastSeenAt?.toISOString() ?? null,
            childrenLastSeen: Object.fromEntries(
              Object.entries(c.state.engagement.childLastSeen).map(([k, v]) => [k, v?.toISOString() ?? null]),
            ),
          },
        }
      },
    }),
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/deadlines',
      access: 'cases:work',
      summary: 'A case’s deadlines from its programme’s rules, soonest first',
      tags: ['cases'],
      params: caseIdParams,
      responses: { 200: { description: 'Deadlines', schema: z.array(deadlineBody) }, 404: problem('No such case') },
      handler: async ({ ctx, params }) => ({
        status: 200,
        body: (await services.referrals.caseDeadlines(ctx, params.caseId)).map(deadlineOut),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/allocation',
      access: 'cases:manage',
      summary: 'Allocate or reallocate the key worker, co-worker and lead professional',
      tags: ['cases'],
      params: caseIdParams,
      body: allocationSchema,
      responses: {
        204: { description: 'Allocated' },
        400: problem('Invalid fields, or over the caseload without a reason'),
        404: problem('No such case'),
        409: problem('The case changed since you read it'),
      },
      handler: async ({ ctx, params, body }) => {
        await services.cases.allocate(ctx, params.caseId, body)
        return { status: 204 }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/stage',
      access: 'cases:work',
      summary:
        'Start support. A further cycle and the step-down are decisions at a review (POST /cases/{caseId}/reviews); closure is signed off (/cases/{caseId}/closure)',
      tags: ['cases'],
      params: caseIdParams,
      body: z.object({
        event: z.literal('support-started').describe('The only move recorded directly'),
        at: z.iso.datetime({ offset: true }),
        version: z.number().int(),
      }),
      responses: {
        200: { description: 'The stage the case is now at', schema: z.object({ stage }) },
        400: problem('Not allowed now, with the reason'),
        404: problem('No such case'),
        409: problem('The case changed since you read it'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 200,
        body: {
          stage: await services.cases.move(ctx, params.caseId, body.version, body.event as never, new Date(body.at)),
        },
      }),
    }),
    apiRoute({
      method: 'get',
      path: '/work',
      access: 'cases:work',
      summary: 'Every deadline not yet met across your cases (or your team’s): overdue first, then soonest',
      tags: ['cases'],
      query: z.object({
        scope: z.enum(['mine', 'team']).default('mine'),
        page: z.coerce.number().int().min(1).default(1),
      }),
      responses: {
        200: {
          description: 'Deadlines',
          schema: z
            .object({
              items: z.array(z.object({ caseId: z.uuid(), familyName: z.string(), deadline: deadlineBody })),
              total: z.number().int(),
              overdue: z.number().int(),
              page: z.number().int(),
              pageSize: z.number().int(),
            })
            .meta({ id: 'Work' }),
        },
      },
      handler: async ({ ctx, query }) => {
        const work = await services.cases.work(ctx, query.scope, query.page)
        return {
          status: 200,
          body: {
            ...work,
            items: work.items.map((i) => ({
              caseId: i.summary.row.id,
              familyName: i.summary.row.familyName,
              deadline: deadlineOut(i.deadline),
            })),
          },
        }
      },
    }),
  ]
}
