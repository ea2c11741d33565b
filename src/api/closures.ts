import { z } from 'zod'
import { OUTCOME_RESULTS } from '../domain/closure.ts'
import { EPISODE_END_REASONS, keysOf, PARTICIPANTS } from '../domain/programme/vocabulary.ts'
import {
  type ClosureOverview,
  closureInputSchema,
  type FollowUpView,
  followUpInputSchema,
  laterStepsSchema,
} from '../services/closures.ts'
import type { Services } from '../services/index.ts'
import { type ApiRoute, apiRoute } from './routing.ts'

/**
 * A case's closure and the follow-ups after it: /api/v1/cases/{caseId}/closure and
 * /api/v1/cases/{caseId}/follow-ups. Problems with a closure come back at once, keyed as the
 * closure form's fields: closedOn, reason, destinationId, outcome-5, outcome-5-evidence,
 * child-{personId}, step-{stepId}, step-{stepId}-doneOn, step-{stepId}-note, sent-{participant}.
 */

const isoDate = z.iso.date()
const who = z.object({ id: z.uuid(), name: z.string() })
const problem = (description: string) => ({ description })
const caseParams = z.object({ caseId: z.uuid() })
const followUpParams = caseParams.extend({ followUpId: z.uuid() })
const version = z.number().int().describe('The version you read (optimistic locking)')
const childAtHome = z.object({
  personId: z.uuid(),
  livingAtHome: z.boolean().nullable().describe('Null for a baby not born yet'),
})
const destination = z.object({
  id: z.string(),
  name: z.string(),
  source: z.string().optional().describe("The service's own words"),
  reportsAs: z.enum(keysOf(EPISODE_END_REASONS)).describe('Standard Safeguarding Dataset episode end reason'),
  common: z.boolean().describe('One every programme has: the family withdrew consent, or moved away'),
})

const followUpBody = z
  .object({
    id: z.uuid(),
    months: z.number().int().describe('3, 6 or 12 months after closure'),
    dueOn: isoDate,
    openFrom: isoDate.describe('The first day it can be recorded'),
    doneOn: isoDate.nullable(),
    status: z.string().describe('not-yet-due, due-soon, overdue, met-on-time or met-late'),
    children: z.array(childAtHome).describe('Each child still at home, when recorded'),
    reReferred: z.boolean().nullable(),
    note: z.string().nullable(),
    recordedBy: who.nullable(),
    recordedAt: z.iso.datetime().nullable(),
    version,
  })
  .meta({ id: 'FollowUp' })

const closureBody = z
  .object({
    programme: z.string(),
    closed: z.boolean().describe('Whether the case is closed'),
    lastMove: z
      .object({ on: isoDate, what: z.string() })
      .describe('The closing date cannot be before the last move of the case'),
    destinations: z.array(destination).describe("The programme's destinations, then the common ones"),
    steps: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        source: z.string(),
        event: z.string().optional().describe('The case event marking it done records'),
        recipients: z.array(z.enum(keysOf(PARTICIPANTS))).describe('Who receives the report, if it is one'),
      }),
    ),
    needs: z.object({
      headlines: z.array(z.number().int()).describe('The headline outcomes to record a result for'),
      identified: z
        .boolean()
        .describe("False when none was recorded: the programme's list, of which at least one needs a result"),
    }),
    children: z.array(z.object({ personId: z.uuid(), unborn: z.boolean() })),
    closure: z
      .object({
        id: z.uuid(),
        status: z.enum(['proposed', 'signed-off']),
        closedOn: isoDate,
        reason: z.string(),
        destination,
        outcomes: z.array(
          z.object({ headline: z.number().int(), result: z.enum(keysOf(OUTCOME_RESULTS)), evidence: z.string() }),
        ),
        children: z.array(childAtHome),
        steps: z.array(
          z.object({ stepId: z.string(), done: z.boolean(), doneOn: isoDate.nullable(), note: z.string().nullable() }),
        ),
        recipients: z.array(z.object({ participant: z.string(), sentOn: isoDate.nullable() })),
        proposedBy: who,
        proposedAt: z.iso.datetime(),
        signedOffBy: who.nullable(),
        signedOffAt: z.iso.datetime().nullable(),
        version,
      })
      .nullable()
      .describe('Null until a closure is proposed'),
    toDo: z.array(z.string()).describe('Ids of steps not done yet'),
    followUps: z.array(followUpBody),
  })
  .meta({ id: 'Closure' })

const saved = z.object({ id: z.uuid(), version: z.number().int() }).meta({ id: 'ClosureSaved' })
const versionOnly = z.object({ version: z.number().int() })

function followUpOf(f: FollowUpView): z.input<typeof followUpBody> {
  return {
    id: f.id,
    months: f.months,
    dueOn: f.dueOn,
    openFrom: f.openFrom,
    doneOn: f.doneOn,
    status: f.deadline.status,
    children: f.children,
    reReferred: f.reReferred,
    note: f.note,
    recordedBy: f.recordedBy,
    recordedAt: f.recordedAt ? f.recordedAt.toISOString() : null,
    version: f.version,
  }
}

function closureOf(o: ClosureOverview): z.input<typeof closureBody> {
  const c = o.closure
  return {
    programme: o.programmeName,
    closed: o.closed,
    lastMove: o.lastMove,
    destinations: o.destinations,
    steps: o.steps.map((s) => ({
      id: s.id,
      name: s.name,
      source: s.source,
      ...(s.event ? { event: s.event } : {}),
      recipients: s.recipients,
    })),
    needs: { headlines: o.needs.headlines.map((n) => n.headline), identified: o.needs.identified },
    children: o.children.map((child) => ({ personId: child.personId, unborn: child.role === 'unborn' })),
    closure: c
      ? {
          id: c.id,
          status: c.status,
          closedOn: c.closedOn,
          reason: c.reason,
          destination: c.destination,
          outcomes: c.outcomes,
          children: c.children,
          steps: c.steps,
          recipients: c.recipients,
          proposedBy: c.proposedBy,
          proposedAt: c.proposedAt.toISOString(),
          signedOffBy: c.signedOffBy,
          signedOffAt: c.signedOffAt ? c.signedOffAt.toISOString() : null,
          version: c.version,
        }
      : null,
    toDo: o.toDo.map((s) => s.id),
    followUps: o.followUps.map(followUpOf),
  }
}

export function closuresApiRoutes(services: Services): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/closure',
      access: 'cases:work',
      summary: "The case's closure: what closing involves for its programme, the proposal, and the follow-ups",
      tags: ['closure'],
      params: caseParams,
      responses: {
        200: { description: 'The closure page as data', schema: closureBody },
        404: problem('No such case, or not one you can see'),
      },
      handler: async ({ ctx, params }) => ({
        status: 200,
        body: closureOf(await services.closures.overview(ctx, params.caseId)),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/closure',
      access: 'cases:work',
      summary: 'Propose closing the case (one proposal per case; a team manager signs it off)',
      tags: ['closure'],
      params: caseParams,
      body: closureInputSchema.meta({ id: 'ClosureInput' }),
      responses: {
        201: { description: 'Proposed; done steps that are case events are recorded', schema: saved },
        400: problem('Invalid fields (every problem at once, keyed as the form’s fields), or the case is closed'),
        404: problem('No such case, or not one you can see'),
        409: problem('A closure is already proposed: change it with PATCH'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 201,
        body: await services.closures.propose(ctx, params.caseId, body),
      }),
    }),
    apiRoute({
      method: 'patch',
      path: '/cases/:caseId/closure',
      access: 'cases:work',
      summary: 'Change the proposed closure, whole, with the version you read (not once signed off)',
      tags: ['closure'],
      params: caseParams,
      body: closureInputSchema.extend({ version }),
      responses: {
        200: { description: 'Changed', schema: saved },
        400: problem('Invalid fields, or the case is closed'),
        404: problem('No such case or proposal'),
        409: problem('Someone changed it since you read it'),
      },
      handler: async ({ ctx, params, body }) => {
        const { version: read, ...input } = body
        return { status: 200, body: await services.closures.change(ctx, params.caseId, read, input) }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/closure/sign-off',
      access: 'cases:manage',
      summary: 'Sign off the proposed closure: the case closes and follow-ups are scheduled at 3, 6 and 12 months',
      tags: ['closure'],
      params: caseParams,
      body: z.object({ version }),
      responses: {
        200: {
          description: 'Signed off; the follow-ups’ due dates',
          schema: z.object({ followUps: z.array(isoDate) }).meta({ id: 'ClosureSignedOff' }),
        },
        400: problem('Nothing proposed, already signed off, or the proposal no longer fits the case'),
        403: problem('Team managers only'),
        404: problem('No such case'),
        409: problem('Someone changed the proposal since you read it'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 200,
        body: await services.closures.signOff(ctx, params.caseId, body.version),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/closure/steps',
      access: 'cases:work',
      summary:
        'After sign-off: record closure steps still to do, or when a report reached its recipients (what was done stays)',
      tags: ['closure'],
      params: caseParams,
      body: laterStepsSchema.extend({ version }),
      responses: {
        200: { description: 'Recorded; steps that are case events record them', schema: versionOnly },
        400: problem('Invalid dates, or the closure is not signed off yet'),
        404: problem('No such case'),
        409: problem('Someone changed the closure since you read it'),
      },
      handler: async ({ ctx, params, body }) => {
        const { version: read, ...input } = body
        return { status: 200, body: await services.closures.recordSteps(ctx, params.caseId, read, input) }
      },
    }),
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/follow-ups',
      access: 'cases:work',
      summary: "The case's follow-up checks after closure, 3, 6 and 12 months",
      tags: ['closure'],
      params: caseParams,
      responses: {
        200: { description: 'Soonest first; none before sign-off', schema: z.array(followUpBody) },
        404: problem('No such case'),
      },
      handler: async ({ ctx, params }) => ({
        status: 200,
        body: (await services.closures.followUps(ctx, params.caseId)).map(followUpOf),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/follow-ups/:followUpId',
      access: 'cases:work',
      summary: 'Record (or correct) a follow-up check: each child still at home, referred again',
      tags: ['closure'],
      params: followUpParams,
      body: followUpInputSchema.extend({ version }).meta({ id: 'FollowUpInput' }),
      responses: {
        200: { description: 'Recorded; it leaves My work', schema: versionOnly },
        400: problem('Invalid fields: every problem at once'),
        404: problem('No such case or follow-up'),
        409: problem('Someone recorded it since you read it'),
      },
      handler: async ({ ctx, params, body }) => {
        const { version: read, ...input } = body
        return {
          status: 200,
          body: await services.closures.recordFollowUp(ctx, params.caseId, params.followUpId, read, input),
        }
      },
    }),
  ]
}
