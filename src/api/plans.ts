import { z } from 'zod'
import { ACTION_STATUS_IDS, PLAN_KINDS, PLAN_STATUSES } from '../domain/plans.ts'
import type { Services } from '../services/index.ts'
import {
  type ActionView,
  agreeInputSchema,
  type EditionSummary,
  editionInputSchema,
  type PlanView,
  planContentSchema,
  requestInputSchema,
  statusInputSchema,
} from '../services/plans.ts'
import { type ApiRoute, apiRoute } from './routing.ts'

/**
 * The case's plans over the API: the crisis intervention plan (where the service writes one) and
 * the family's plan, in editions: start a draft, replace its content, agree it, sign it off,
 * start the next edition, record each action's progress, and the family's copy.
 */

const isoDate = z.iso.date()
const who = z.object({ id: z.uuid(), name: z.string() })
const kind = z.enum(Object.keys(PLAN_KINDS) as [keyof typeof PLAN_KINDS]).describe('crisis or family-action')
const status = z.enum(Object.keys(PLAN_STATUSES) as [keyof typeof PLAN_STATUSES])
const version = z.number().int().describe('The version read (optimistic locking): a stale one answers 409')

const goalBody = z.object({
  id: z.uuid().describe('Kept from edition to edition'),
  position: z.number().int(),
  need: z.string(),
  outcome: z.string(),
  howWeKnow: z.string().nullable(),
  headlineOutcome: z.number().int().nullable().describe('Supporting Families headline outcome, 1 to 10'),
})

const actionBody = z
  .object({
    id: z.uuid().describe('Kept from edition to edition'),
    goalId: z.uuid().nullable(),
    position: z.number().int(),
    what: z.string(),
    who: z.string(),
    byWhen: isoDate.nullable(),
    supportId: z.string().nullable().describe("An item of the service's support catalogue"),
    supportName: z.string().nullable(),
    status: z.enum(ACTION_STATUS_IDS),
    statusNote: z.string().nullable(),
    statusOn: isoDate.nullable(),
    requestedBySocialWorker: z.boolean(),
    professionalOnly: z.boolean().describe("Left out of the family's copy"),
    updatedBy: who.nullable(),
    updatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'PlanAction' })

const editionFields = {
  id: z.uuid(),
  kind,
  name: z.string().describe('What the service calls it: "Tailored package of support", "Measurable goals"…'),
  edition: z.number().int().describe('1 for the first plan of its kind, then 2, 3…'),
  status,
  agreedOn: isoDate.nullable(),
  agreedWith: z.string().nullable(),
  signedOffAt: z.iso.datetime().nullable(),
  changeReason: z.string().nullable().describe('What changed from the previous edition, and why'),
}
const editionBody = z.object(editionFields).meta({ id: 'PlanEdition' })

const planBody = z
  .object({
    ...editionFields,
    caseId: z.uuid(),
    previousId: z.uuid().nullable(),
    summary: z.string().nullable(),
    risks: z.string().nullable(),
    contactArrangements: z.string().nullable(),
    agreedBy: who.nullable(),
    signedOffBy: who.nullable(),
    createdBy: who,
    createdAt: z.iso.datetime(),
    updatedBy: who.nullable(),
    updatedAt: z.iso.datetime().nullable(),
    version,
    goals: z.array(goalBody),
    actions: z.array(actionBody).describe('Every action, in the plan’s order; goalId says which goal each serves'),
  })
  .meta({ id: 'Plan' })

const familyAction = z.object({
  what: z.string(),
  who: z.string(),
  byWhen: isoDate.nullable(),
  progress: z.string().describe('In plain words: "Started", "Done"'),
})
const familyCopyBody = z
  .object({
    kind,
    planName: z.string(),
    familyName: z.string(),
    agreed: z.boolean().describe('False while the plan is still being written with the family'),
    agreedOn: isoDate.nullable(),
    agreedWith: z.string().nullable(),
    summary: z.string().nullable(),
    risks: z.string().nullable(),
    safetyActions: z.array(familyAction),
    contactArrangements: z.string().nullable(),
    goals: z.array(
      z.object({
        workingOn: z.string(),
        wouldLikeToSee: z.string(),
        whatWillHelp: z.array(z.string()),
        whoDoesWhat: z.array(familyAction),
        howWeWillKnow: z.string().nullable(),
      }),
    ),
    otherActions: z.array(familyAction),
  })
  .meta({
    id: 'PlanFamilyCopy',
    description: 'The family’s copy: no professional-only actions, codes, internal statuses or workers’ notes',
  })

const caseParams = z.object({ caseId: z.uuid() })
const planParams = z.object({ caseId: z.uuid(), planId: z.uuid() })
const actionParams = z.object({ caseId: z.uuid(), planId: z.uuid(), actionId: z.uuid() })
const versioned = z.object({ version: z.number().int().describe('The new version') }).meta({ id: 'PlanVersion' })
const created = z.object({ id: z.uuid() }).meta({ id: 'PlanCreated' })
const problem = (description: string) => ({ description })
const notFound = problem('No such case or plan, or not one you can see')

const editionOf = (e: EditionSummary): z.input<typeof editionBody> => ({
  id: e.id,
  kind: e.kind,
  name: e.name,
  edition: e.edition,
  status: e.status,
  agreedOn: e.agreedOn,
  agreedWith: e.agreedWith,
  signedOffAt: e.signedOffAt ? e.signedOffAt.toISOString() : null,
  changeReason: e.changeReason,
})

const actionOf = (a: ActionView): z.input<typeof actionBody> => ({
  id: a.id,
  goalId: a.goalId,
  position: a.position,
  what: a.what,
  who: a.who,
  byWhen: a.byWhen,
  supportId: a.supportId,
  supportName: a.supportName,
  status: a.status,
  statusNote: a.statusNote,
  statusOn: a.statusOn,
  requestedBySocialWorker: a.requestedBySocialWorker,
  professionalOnly: a.professionalOnly,
  updatedBy: a.updatedBy,
  updatedAt: a.updatedAt ? a.updatedAt.toISOString() : null,
})

const planOf = (p: PlanView): z.input<typeof planBody> => ({
  ...editionOf(p),
  caseId: p.caseId,
  previousId: p.previousId,
  summary: p.summary,
  risks: p.risks,
  contactArrangements: p.contactArrangements,
  agreedBy: p.agreedBy,
  signedOffBy: p.signedOffBy,
  createdBy: p.createdBy,
  createdAt: p.createdAt.toISOString(),
  updatedBy: p.updatedBy,
  updatedAt: p.updatedAt ? p.updatedAt.toISOString() : null,
  version: p.version,
  goals: p.goals,
  actions: p.actions.map(actionOf),
})

export function plansApiRoutes(services: Services): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/plans',
      access: 'cases:work',
      summary: "Every edition of the case's plans, newest first within each kind",
      tags: ['cases'],
      params: caseParams,
      responses: {
        200: { description: 'The editions', schema: z.array(editionBody) },
        404: notFound,
      },
      handler: async ({ ctx, params }) => ({
        status: 200,
        body: (await services.plans.editions(ctx, params.caseId)).map(editionOf),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/plans',
      access: 'cases:work',
      summary: 'Start the first edition of a plan as a draft (a crisis plan only where the service writes one)',
      tags: ['cases'],
      params: caseParams,
      body: z.object({ kind }).meta({ id: 'PlanStart' }),
      responses: {
        201: { description: 'The draft', schema: created },
        400: problem('Not offered by the service, a plan of that kind already exists, or the case is closed'),
        404: notFound,
      },
      handler: async ({ ctx, params, body }) => ({
        status: 201,
        body: await services.plans.start(ctx, params.caseId, body.kind),
      }),
    }),
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/plans/:planId',
      access: 'cases:work',
      summary: 'One edition of a plan, with its goals and actions',
      tags: ['cases'],
      params: planParams,
      responses: { 200: { description: 'The edition', schema: planBody }, 404: notFound },
      handler: async ({ ctx, params }) => ({
        status: 200,
        body: planOf((await services.plans.get(ctx, params.caseId, params.planId)).plan),
      }),
    }),
    apiRoute({
      method: 'put',
      path: '/cases/:caseId/plans/:planId',
      access: 'cases:work',
      summary:
        "Replace a draft's content: details, goals with their actions, and actions without a goal (ids kept where given)",
      tags: ['cases'],
      params: planParams,
      body: planContentSchema.meta({ id: 'PlanContentInput' }),
      responses: {
        200: { description: 'Saved', schema: versioned },
        400: problem(
          'Invalid fields (named by path, such as goals.0.actions.1.supportId), not a draft, or a closed case',
        ),
        404: notFound,
        409: problem('Someone changed the plan since the version was read'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 200,
        body: await services.plans.replace(ctx, params.caseId, params.planId, body),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/plans/:planId/agree',
      access: 'cases:work',
      summary:
        'Agree a draft with the family; the first of each kind meets its timescale, and replaces the edition in force',
      tags: ['cases'],
      params: planParams,
      body: agreeInputSchema.extend({ version }).meta({ id: 'PlanAgreement' }),
      responses: {
        200: { description: 'Agreed', schema: versioned },
        400: problem('Invalid fields, or the plan is not complete enough to agree (named by field)'),
        404: notFound,
        409: problem('Someone changed the plan since the version was read'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 200,
        body: await services.plans.agree(ctx, params.caseId, params.planId, body.version, body),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/plans/:planId/sign-off',
      access: 'cases:manage',
      summary: 'Sign off an agreed edition (team managers)',
      tags: ['cases'],
      params: planParams,
      body: z.object({ version }).meta({ id: 'PlanSignOff' }),
      responses: {
        200: { description: 'Signed off', schema: versioned },
        400: problem('Not agreed yet, already signed off, or replaced'),
        404: notFound,
        409: problem('Someone changed the plan since the version was read'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 200,
        body: await services.plans.signOff(ctx, params.caseId, params.planId, body.version),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/plans/:planId/editions',
      access: 'cases:work',
      summary: 'Start the next edition of an agreed plan, as a draft copy of it',
      tags: ['cases'],
      params: planParams,
      body: editionInputSchema.extend({ version }).meta({ id: 'PlanEditionInput' }),
      responses: {
        201: { description: 'The new draft edition', schema: created },
        400: problem('No reason given, the plan is not the agreed one, or a draft already exists'),
        404: notFound,
        409: problem('Someone changed the plan since the version was read'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 201,
        body: await services.plans.newEdition(ctx, params.caseId, params.planId, body.version, body),
      }),
    }),
    apiRoute({
      method: 'patch',
      path: '/cases/:caseId/plans/:planId/actions/:actionId',
      access: 'cases:work',
      summary: 'Record how an action is going, without a new edition',
      tags: ['cases'],
      params: actionParams,
      body: statusInputSchema.extend({ version }).meta({ id: 'PlanActionStatus' }),
      responses: {
        200: { description: 'Recorded', schema: versioned },
        400: problem('Invalid fields, a replaced edition, or a closed case'),
        404: notFound,
        409: problem('Someone changed the plan since the version was read'),
      },
      handler: async ({ ctx, params, body }) => ({
        status: 200,
        body: await services.plans.setActionStatus(
          ctx,
          params.caseId,
          params.planId,
          params.actionId,
          body.version,
          body,
        ),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/plans/requests',
      access: 'cases:work',
      summary: "The allocated social worker asks for a piece of work (services that take the social worker's requests)",
      tags: ['cases'],
      params: caseParams,
      body: requestInputSchema.meta({ id: 'PlanRequest' }),
      responses: {
        201: {
          description: 'Added to the current plan (started as a draft when there is none)',
          schema: z.object({ planId: z.uuid(), actionId: z.uuid() }).meta({ id: 'PlanRequestAdded' }),
        },
        400: problem('Not offered by the service, not the allocated social worker, or invalid fields'),
        404: notFound,
      },
      handler: async ({ ctx, params, body }) => ({
        status: 201,
        body: await services.plans.addRequest(ctx, params.caseId, body),
      }),
    }),
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/plans/:planId/family-copy',
      access: 'cases:work',
      summary: "The family's copy of an edition, in plain language",
      tags: ['cases'],
      params: planParams,
      responses: { 200: { description: 'The family’s copy', schema: familyCopyBody }, 404: notFound },
      handler: async ({ ctx, params }) => ({
        status: 200,
        body: await services.plans.familyCopy(ctx, params.caseId, params.planId),
      }),
    }),
  ]
}
