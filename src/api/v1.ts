import { z } from 'zod'
import { ROLES } from '../domain/access.ts'
import { CRITERION_OUTCOMES, SCREENING_RESULTS } from '../domain/eligibility.ts'
import { programmeSchema } from '../domain/programme/schema.ts'
import {
  DECLINE_REASONS,
  type DeclineReason,
  decisionFromAnswers,
  REFERRAL_STATUSES,
  type ReferralStatus,
} from '../domain/referral.ts'
import { InvalidInputError } from '../services/errors.ts'
import { optionalText, requiredDate, requiredText } from '../services/fields.ts'
import type { Services } from '../services/index.ts'
import { screeningRequestSchema } from '../services/programmes.ts'
import { referralInputSchema } from '../services/referralInput.ts'
import { newTeamSchema } from '../services/teams.ts'
import { newUserSchema, userChangeSchema } from '../services/users.ts'
import { type ApiRoute, apiRoute } from './routing.ts'

/** Schemas of what the API answers. Only these fields leave Hearth. */
const me = z
  .object({ id: z.uuid(), authorityId: z.uuid(), name: z.string(), role: z.enum(ROLES), teamId: z.uuid().nullable() })
  .meta({ id: 'Me' })

const team = z
  .object({ id: z.uuid(), name: z.string(), members: z.number().int(), createdAt: z.iso.datetime() })
  .meta({ id: 'Team' })

const user = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    teamId: z.uuid().nullable(),
    active: z.boolean(),
    locked: z.boolean(),
    hasPassword: z.boolean(),
    lastSignInAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    version: z.number().int().describe('Send it back when you change the user (optimistic locking)'),
  })
  .meta({ id: 'User' })

const created = z.object({ id: z.uuid() }).meta({ id: 'Created' })
const userCreated = created
  .extend({ passwordLink: z.url().describe('One-time link for the person to choose a password. Shown once.') })
  .meta({ id: 'UserCreated' })
const userIdParams = z.object({ userId: z.uuid() })

const programmeSummary = z
  .object({
    id: z.string(),
    name: z.string(),
    authority: z.string().describe('Who runs the service described'),
    summary: z.string(),
    running: z.boolean().describe('Whether your authority runs this service'),
  })
  .meta({ id: 'ProgrammeSummary' })

const programmeDetail = programmeSummary
  .extend({ definition: programmeSchema.describe('The whole definition, as checked from its file') })
  .meta({ id: 'Programme' })

const outcomeEnum = z.enum(Object.keys(CRITERION_OUTCOMES) as [keyof typeof CRITERION_OUTCOMES])
const criterionScreening = z
  .object({
    id: z.string(),
    label: z.string(),
    type: z.string(),
    outcome: outcomeEnum,
    explanation: z.string().describe('One sentence in plain English'),
    source: z.string().optional().describe("The source document's own words"),
    interpretation: z.string().optional(),
    question: z.string().optional().describe('For a professional judgement: what the managers decide'),
    get of() {
      return z.array(criterionScreening).optional()
    },
  })
  .meta({ id: 'CriterionScreening' })

const screeningBody = z
  .object({
    programmeId: z.string(),
    programmeName: z.string(),
    on: z.string().describe('The referral date screened on'),
    result: z.enum(Object.keys(SCREENING_RESULTS) as [keyof typeof SCREENING_RESULTS]),
    label: z.string(),
    explanation: z.string(),
    counts: z.record(outcomeEnum, z.number().int()),
    criteria: criterionScreening,
  })
  .meta({ id: 'Screening' })
const programmeIdParams = z.object({ programmeId: z.string() })

const referralStatus = z.enum(Object.keys(REFERRAL_STATUSES) as [ReferralStatus])
const referralCreated = z
  .object({ id: z.uuid(), reference: z.string().describe('HRT-2026-000123: quote it to the family and the team') })
  .meta({ id: 'ReferralCreated' })
const referralPersonBody = z.object({
  id: z.uuid(),
  role: z.enum(['child', 'unborn', 'adult']),
  givenName: z.string(),
  familyName: z.string(),
  dateOfBirth: z.string().nullable(),
  expectedDueDate: z.string().nullable(),
  relationship: z.string().nullable(),
  personId: z.uuid().nullable().describe('The known person this entry was linked to, once matched'),
})
const referralSummary = z
  .object({
    id: z.uuid(),
    reference: z.string(),
    programmeId: z.string().nullable(),
    route: z.string(),
    status: referralStatus,
    receivedAt: z.iso.datetime(),
    decisionDueAt: z.iso.datetime(),
    screeningResult: z.enum(Object.keys(SCREENING_RESULTS) as [keyof typeof SCREENING_RESULTS]).nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'ReferralSummary' })
const referralDetail = referralSummary
  .extend({
    people: z.array(referralPersonBody),
    indicators: z.array(z.string()),
    whatIsHappening: z.string(),
    hopedChange: z.string().nullable(),
    caseId: z.uuid().nullable(),
    screening: screeningBody.nullable(),
  })
  .meta({ id: 'Referral' })
const referralQuery = z.object({
  status: z
    .string()
    .optional()
    .describe(`Comma-separated statuses: ${Object.keys(REFERRAL_STATUSES).join(', ')}`)
    .refine(
      (v) => !v || v.split(',').every((s) => s in REFERRAL_STATUSES),
      `Use statuses from: ${Object.keys(REFERRAL_STATUSES).join(', ')}`,
    ),
  programmeId: z.string().optional(),
})
const referralIdParams = z.object({ referralId: z.uuid() })

/** A case discussion before the decision, where the service asks for one (Derby's, with the allocated team manager). */
const discussionBody = z.object({
  heldOn: requiredDate('Enter the date of the discussion').describe('The day it was held; not in the future'),
  attendees: z
    .array(z.string().trim().min(1, 'Name each person who took part').max(200))
    .min(1, 'List who took part and their roles')
    .max(30)
    .describe('Who took part, with their roles: one entry each'),
  presentingIssues: requiredText('Enter the presenting issues', 'The presenting issues'),
  criteriaDiscussion: requiredText('Record how the criteria were discussed', 'The criteria discussion'),
  risks: requiredText('Enter the risks discussed', 'The risks'),
  decision: requiredText('Enter what was decided', 'The decision'),
  actions: optionalText('The actions'),
  nextSteps: optionalText('The next steps'),
})
const referralPersonParams = z.object({ referralId: z.uuid(), personId: z.uuid() })
const linkBody = z
  .object({
    personId: z
      .union([z.uuid(), z.literal('new')])
      .describe('A known person (from GET .../candidates) or "new" to record a new person'),
  })
  .meta({ id: 'PersonLink' })
const candidateBody = z
  .object({
    personId: z.uuid(),
    givenName: z.string(),
    familyName: z.string(),
    dateOfBirth: z.string().nullable(),
    reasons: z.array(z.string()).describe('Why this person may be the same'),
    score: z.number(),
  })
  .meta({ id: 'MatchCandidate' })
const decisionBody = z
  .object({
    version: z.number().int().describe('The version you read (optimistic locking)'),
    outcome: z.enum(['accept', 'decline', 'signpost', 'more-information', 'withdrawn']),
    programmeId: z.string().optional().describe('On accepting, when the referrer was not sure of the service'),
    pathway: z.string().optional(),
    rationale: z.string().max(5000).optional().describe('Needed to accept when a criterion is not met'),
    reason: z
      .enum(Object.keys(DECLINE_REASONS) as [DeclineReason])
      .optional()
      .describe('Needed to decline'),
    detail: z.string().max(5000).optional(),
    signpostTo: z.string().max(500).optional(),
  })
  .meta({ id: 'ReferralDecision' })

type ReferralRow = Awaited<ReturnType<Services['referrals']['get']>>['row']
const summaryOf = (row: ReferralRow, screeningResult: string | undefined) => ({
  id: row.id,
  reference: row.reference,
  programmeId: row.programmeId,
  route: row.route,
  status: row.status,
  receivedAt: row.receivedAt.toISOString(),
  decisionDueAt: row.decisionDueAt.toISOString(),
  screeningResult: screeningResult ?? null,
  version: row.version,
})

const iso = (d: Date | null) => (d ? d.toISOString() : null)
const problem = (description: string) => ({ description })

export function apiV1Routes(services: Services, links: { publicUrl: string }): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/me',
      access: 'home:view',
      summary: 'The person the token belongs to',
      tags: ['account'],
      responses: { 200: { description: 'You', schema: me } },
      handler: async ({ res }) => ({ status: 200, body: res.locals.user }),
    }),
    apiRoute({
      method: 'get',
      path: '/teams',
      access: 'teams:manage',
      summary: 'Teams in your authority',
      tags: ['administration'],
      responses: { 200: { description: 'Teams', schema: z.array(team) } },
      handler: async ({ ctx }) => ({
        status: 200,
        body: (await services.teams.list(ctx)).map((t) => ({ ...t, createdAt: t.createdAt.toISOString() })),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/teams',
      access: 'teams:manage',
      summary: 'Create a team',
      tags: ['administration'],
      body: newTeamSchema,
      responses: { 201: { description: 'Created', schema: created }, 400: problem('Invalid fields') },
      handler: async ({ ctx, body }) => ({ status: 201, body: await services.teams.create(ctx, body) }),
    }),
    apiRoute({
      method: 'get',
      path: '/programmes',
      access: 'services:view',
      summary: 'Every service model in the library, and whether your authority runs it',
      tags: ['services'],
      responses: { 200: { description: 'Programmes', schema: z.array(programmeSummary) } },
      handler: async ({ ctx }) => {
        const running = await services.programmes.runningIds(ctx)
        return {
          status: 200,
          body: services.programmes.library().map((p) => ({
            id: p.id,
            name: p.name,
            authority: p.authority,
            summary: p.summary,
            running: running.has(p.id),
          })),
        }
      },
    }),
    apiRoute({
      method: 'get',
      path: '/programmes/:programmeId',
      access: 'services:view',
      summary: 'One programme definition',
      tags: ['services'],
      params: programmeIdParams,
      responses: { 200: { description: 'The programme', schema: programmeDetail }, 404: problem('No such programme') },
      handler: async ({ ctx, params }) => {
        const p = services.programmes.get(params.programmeId)
        const running = (await services.programmes.runningIds(ctx)).has(p.id)
        return {
          status: 200,
          body: { id: p.id, name: p.name, authority: p.authority, summary: p.summary, running, definition: p },
        }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/screenings',
      access: 'services:view',
      summary: 'Screen facts about a family against one programme, or every programme your authority runs',
      tags: ['services'],
      body: screeningRequestSchema,
      responses: {
        200: { description: 'Screenings, the best fits first. Nothing is stored.', schema: z.array(screeningBody) },
        400: problem('Invalid or impossible facts'),
        404: problem('No such programme'),
      },
      handler: async ({ ctx, body }) => ({ status: 200, body: await services.programmes.screen(ctx, body) }),
    }),
    apiRoute({
      method: 'post',
      path: '/referrals',
      access: 'referrals:create',
      summary: 'Refer a family to a service (stored whole, or not at all)',
      tags: ['referrals'],
      body: referralInputSchema,
      responses: { 201: { description: 'Received', schema: referralCreated }, 400: problem('Invalid fields') },
      handler: async ({ ctx, body }) => ({
        status: 201,
        body: await services.referrals.create(ctx, body, 'api', await services.programmes.calendar(ctx)),
      }),
    }),
    apiRoute({
      method: 'get',
      path: '/referrals',
      access: 'referrals:manage',
      summary: 'Referrals in your authority, newest first',
      tags: ['referrals'],
      query: referralQuery,
      responses: {
        200: { description: 'Referrals', schema: z.array(referralSummary) },
        400: problem('Invalid filter'),
      },
      handler: async ({ ctx, query }) => {
        const list = await services.referrals.list(ctx, {
          status: query.status ? (query.status.split(',') as ReferralStatus[]) : undefined,
          programmeId: query.programmeId,
        })
        return { status: 200, body: list.map((r) => summaryOf(r.row, r.screening?.result)) }
      },
    }),
    apiRoute({
      method: 'get',
      path: '/referrals/:referralId',
      access: 'referrals:manage',
      summary: 'One referral, with its people and screening',
      tags: ['referrals'],
      params: referralIdParams,
      responses: { 200: { description: 'The referral', schema: referralDetail }, 404: problem('No such referral') },
      handler: async ({ ctx, params }) => {
        const r = await services.referrals.get(ctx, params.referralId)
        return {
          status: 200,
          body: {
            ...summaryOf(r.row, r.screening?.result),
            people: r.people.map((p) => ({
              id: p.id,
              role: p.role,
              givenName: p.givenName,
              familyName: p.familyName,
              dateOfBirth: p.dateOfBirth,
              expectedDueDate: p.expectedDueDate,
              relationship: p.relationship,
              personId: p.personId,
            })),
            indicators: r.row.indicators,
            whatIsHappening: r.row.whatIsHappening,
            hopedChange: r.row.hopedChange,
            caseId: r.caseId ?? null,
            screening: r.screening ?? null,
          },
        }
      },
    }),
    apiRoute({
      method: 'get',
      path: '/referrals/:referralId/people/:personId/candidates',
      access: 'referrals:manage',
      summary: 'People already known who may be this person in the referral, and why',
      tags: ['referrals'],
      params: referralPersonParams,
      responses: {
        200: { description: 'Candidates, best first', schema: z.array(candidateBody) },
        404: problem('Not found'),
      },
      handler: async ({ ctx, params }) => ({
        status: 200,
        body: (await services.referrals.candidates(ctx, params.referralId, params.personId)).map((c) => ({
          personId: c.personId,
          givenName: c.givenName,
          familyName: c.familyName,
          dateOfBirth: c.dateOfBirth,
          reasons: c.reasons,
          score: c.score,
        })),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/referrals/:referralId/people/:personId/link',
      access: 'referrals:manage',
      summary: 'Link a person in the referral to someone known, or record them as new',
      tags: ['referrals'],
      params: referralPersonParams,
      body: linkBody,
      responses: { 204: { description: 'Linked' }, 404: problem('Not found'), 409: problem('Already decided') },
      handler: async ({ ctx, params, body }) => {
        await services.referrals.link(ctx, params.referralId, params.personId, body.personId)
        return { status: 204 }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/referrals/:referralId/case-discussion',
      access: 'referrals:manage',
      summary: 'Record the case discussion held before the decision, where the service asks for one',
      tags: ['referrals'],
      params: referralIdParams,
      body: discussionBody,
      responses: {
        201: { description: 'Recorded', schema: z.object({ id: z.uuid() }).meta({ id: 'DiscussionRecorded' }) },
        400: problem('Something is missing, or the date is in the future'),
        404: problem('No such referral'),
      },
      handler: async ({ ctx, params, body }) => {
        if (body.heldOn > services.cases.isoToday()) {
          throw new InvalidInputError({ heldOn: 'The date of the discussion must be today or in the past' })
        }
        const id = await services.referrals.recordDiscussion(ctx, params.referralId, body)
        return { status: 201, body: { id } }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/referrals/:referralId/decision',
      access: 'referrals:manage',
      summary: 'Decide: accept (opens the case), decline, signpost, ask for more information, or withdrawn',
      tags: ['referrals'],
      params: referralIdParams,
      body: decisionBody,
      responses: {
        201: {
          description: 'Recorded',
          schema: z.object({ caseId: z.uuid().nullable() }).meta({ id: 'DecisionRecorded' }),
        },
        400: problem('Something the decision needs is missing'),
        404: problem('No such referral'),
        409: problem('Changed by someone else since the version you sent'),
      },
      handler: async ({ ctx, params, body }) => {
        const decision = decisionFromAnswers(body)
        if (!decision) throw new InvalidInputError({ reason: 'Give the reason for declining' })
        const result = await services.referrals.decide(ctx, params.referralId, body.version, decision)
        return { status: 201, body: { caseId: result.caseId ?? null } }
      },
    }),
    apiRoute({
      method: 'get',
      path: '/users',
      access: 'users:manage',
      summary: 'People with an account in your authority',
      tags: ['administration'],
      responses: { 200: { description: 'Users', schema: z.array(user) } },
      handler: async ({ ctx }) => ({ status: 200, body: (await services.users.list(ctx)).map(userBody) }),
    }),
    apiRoute({
      method: 'post',
      path: '/users',
      access: 'users:manage',
      summary: 'Add a user; answers with their one-time password link',
      tags: ['administration'],
      body: newUserSchema,
      responses: { 201: { description: 'Created', schema: userCreated }, 400: problem('Invalid fields') },
      handler: async ({ ctx, body }) => {
        const result = await services.users.create(ctx, body)
        return {
          status: 201,
          body: { id: result.id, passwordLink: `${links.publicUrl}/password/${result.passwordToken}` },
        }
      },
    }),
    apiRoute({
      method: 'get',
      path: '/users/:userId',
      access: 'users:manage',
      summary: 'One user',
      tags: ['administration'],
      params: userIdParams,
      responses: { 200: { description: 'The user', schema: user }, 404: problem('No such user') },
      handler: async ({ ctx, params }) => ({
        status: 200,
        body: userBody(await services.users.get(ctx, params.userId)),
      }),
    }),
    apiRoute({
      method: 'patch',
      path: '/users/:userId',
      access: 'users:manage',
      summary: "Change a user's name, role or team",
      tags: ['administration'],
      params: userIdParams,
      body: userChangeSchema,
      responses: {
        204: { description: 'Changed' },
        400: problem('Invalid fields'),
        404: problem('No such user'),
        409: problem('Changed by someone else since the version you sent'),
      },
      handler: async ({ ctx, params, body }) => {
        await services.users.update(ctx, params.userId, body)
        return { status: 204 }
      },
    }),
  ]
}

function userBody(u: Awaited<ReturnType<Services['users']['get']>>) {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    teamId: u.teamId,
    active: u.active,
    locked: u.locked,
    hasPassword: u.hasPassword,
    lastSignInAt: iso(u.lastSignInAt),
    createdAt: iso(u.createdAt),
    version: u.version,
  }
}
