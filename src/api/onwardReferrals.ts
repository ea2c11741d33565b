import { z } from 'zod'
import { REFERRAL_BASES, REFERRAL_OUTCOMES, REFERRAL_STATES } from '../domain/onwardReferrals.ts'
import type { Services } from '../services/index.ts'
import {
  chaseInputSchema,
  type OnwardReferralView,
  onwardReferralInputSchema,
  responseInputSchema,
} from '../services/onwardReferrals.ts'
import { type ApiRoute, apiRoute } from './routing.ts'

/**
 * Onward referrals to other agencies over the API: /api/v1/cases/:caseId/onward-referrals, each
 * changed with the version read (409 when someone else changed it first).
 */

const isoDate = z.iso.date()
const who = z.object({ id: z.uuid(), name: z.string() })
const version = z.number().int().describe('Changes by one each time the referral changes (optimistic locking)')

const referralBody = z
  .object({
    id: z.uuid(),
    caseId: z.uuid(),
    goalId: z.uuid().nullable().describe('The goal of the plan it works towards'),
    goal: z
      .object({ id: z.uuid(), position: z.number().int(), outcome: z.string() })
      .nullable()
      .describe('That goal, if it is still in the current plan'),
    agency: z.string(),
    reason: z.string(),
    sentOn: isoDate,
    basis: z.enum(Object.keys(REFERRAL_BASES) as [string, ...string[]]).describe('consent, or the lawful reason'),
    basisText: z.string().describe('The basis in words'),
    responseDueOn: isoDate,
    chasedOn: z.array(isoDate).describe('Each day it was chased, oldest first'),
    respondedOn: isoDate.nullable(),
    response: z.string().nullable(),
    outcome: z.enum(Object.keys(REFERRAL_OUTCOMES) as [string, ...string[]]).nullable(),
    state: z
      .enum(Object.keys(REFERRAL_STATES) as [string, ...string[]])
      .describe('waiting, due-soon (2 days before the response is due), overdue (after it), or responded'),
    stateText: z.string().describe('"Overdue — chase", "Responded: Accepted"…'),
    recordedBy: who,
    recordedAt: z.iso.datetime(),
    updatedBy: who.nullable(),
    updatedAt: z.iso.datetime().nullable(),
    version,
  })
  .meta({ id: 'OnwardReferral' })

const consentBody = z
  .object({
    basis: z.string(),
    lawfulReason: z.string().nullable().describe('Without consent: the lawful reason, in words'),
    consentedBy: z.array(z.string()).describe('Who consented to a referral to this agency, on the day it was sent'),
    notFrom: z.array(z.string()).describe('Parents, carers and young people of 16 or over with no such consent'),
    warning: z.boolean().describe('Consent is its basis, yet no one has consented: Hearth warns, never blocks'),
  })
  .meta({ id: 'OnwardReferralConsent' })

const listBody = z
  .object({
    closed: z.boolean().describe('A closed case takes no new referrals, changes or chases; responses only'),
    sources: z
      .array(z.object({ about: z.string(), source: z.string() }))
      .describe("The service's own words for referring on, from its programme file"),
    referrals: z.array(referralBody).describe('Overdue first, then due soon, waiting, and answered'),
  })
  .meta({ id: 'OnwardReferrals' })

const caseParams = z.object({ caseId: z.uuid() })
const referralParams = z.object({ caseId: z.uuid(), onwardReferralId: z.uuid() })
const saved = z.object({ version }).meta({ id: 'OnwardReferralSaved' })
const problem = (description: string) => ({ description })
const notFound = problem('No such case or referral, or not one you can see')
const conflict = problem('Someone changed the referral since you read it: read it again, then send your change')

function referralOf(r: OnwardReferralView): z.input<typeof referralBody> {
  return {
    ...r,
    recordedAt: r.recordedAt.toISOString(),
    updatedAt: r.updatedAt ? r.updatedAt.toISOString() : null,
  }
}

export function onwardReferralsApiRoutes(services: Services): ApiRoute[] {
  const s = services.onwardReferrals
  return [
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/onward-referrals',
      access: 'cases:work',
      summary: "The case's onward referrals to other agencies, each with its state",
      tags: ['plans'],
      params: caseParams,
      responses: { 200: { description: 'The referrals', schema: listBody }, 404: notFound },
      handler: async ({ ctx, params }) => {
        const overview = await s.overview(ctx, params.caseId)
        return { status: 200, body: { ...overview, referrals: overview.referrals.map(referralOf) } }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/onward-referrals',
      access: 'cases:work',
      summary: 'Record an onward referral sent to another agency (response due in 10 working days unless given)',
      tags: ['plans'],
      params: caseParams,
      body: onwardReferralInputSchema.meta({ id: 'OnwardReferralInput' }),
      responses: {
        201: {
          description: 'Recorded, noted in the chronology, and a deadline on the case until the agency responds',
          schema: z
            .object({
              id: z.uuid(),
              consentWarning: z.boolean().describe('Made with consent, yet no one on the case has consented to it'),
            })
            .meta({ id: 'OnwardReferralCreated' }),
        },
        400: problem('Invalid fields, or the case is closed'),
        404: notFound,
      },
      handler: async ({ ctx, params, body }) => ({ status: 201, body: await s.record(ctx, params.caseId, body) }),
    }),
    apiRoute({
      method: 'get',
      path: '/cases/:caseId/onward-referrals/:onwardReferralId',
      access: 'cases:work',
      summary: 'One onward referral, with the consent behind it',
      tags: ['plans'],
      params: referralParams,
      responses: {
        200: {
          description: 'The referral',
          schema: z
            .object({ referral: referralBody, consent: consentBody, closed: z.boolean() })
            .meta({ id: 'OnwardReferralDetail' }),
        },
        404: notFound,
      },
      handler: async ({ ctx, params }) => {
        const found = await s.get(ctx, params.caseId, params.onwardReferralId)
        return {
          status: 200,
          body: { referral: referralOf(found.referral), consent: found.consent, closed: found.closed },
        }
      },
    }),
    apiRoute({
      method: 'patch',
      path: '/cases/:caseId/onward-referrals/:onwardReferralId',
      access: 'cases:work',
      summary: 'Correct what was sent: agency, reason, dates, basis, goal (all fields, with the version read)',
      tags: ['plans'],
      params: referralParams,
      body: onwardReferralInputSchema.extend({ version }).meta({ id: 'OnwardReferralChange' }),
      responses: {
        200: { description: 'Changed', schema: saved },
        400: problem('Invalid fields, or the case is closed'),
        404: notFound,
        409: conflict,
      },
      handler: async ({ ctx, params, body }) => {
        const { version: read, ...input } = body
        return { status: 200, body: await s.update(ctx, params.caseId, params.onwardReferralId, read, input) }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/onward-referrals/:onwardReferralId/chases',
      access: 'cases:work',
      summary: 'Record a chase while waiting for the response, with the new date a response is due',
      tags: ['plans'],
      params: referralParams,
      body: chaseInputSchema.extend({ version }).meta({ id: 'OnwardReferralChase' }),
      responses: {
        200: {
          description: 'Chased',
          schema: z.object({ version, responseDueOn: isoDate }).meta({ id: 'OnwardReferralChased' }),
        },
        400: problem('Invalid fields, already answered, or the case is closed'),
        404: notFound,
        409: conflict,
      },
      handler: async ({ ctx, params, body }) => {
        const { version: read, ...input } = body
        return { status: 200, body: await s.chase(ctx, params.caseId, params.onwardReferralId, read, input) }
      },
    }),
    apiRoute({
      method: 'post',
      path: '/cases/:caseId/onward-referrals/:onwardReferralId/response',
      access: 'cases:work',
      summary: 'Record or correct the agency’s response and outcome (a closed case takes this too)',
      tags: ['plans'],
      params: referralParams,
      body: responseInputSchema.extend({ version }).meta({ id: 'OnwardReferralResponse' }),
      responses: {
        200: { description: 'Recorded: the case no longer waits for it', schema: saved },
        400: problem('Invalid fields'),
        404: notFound,
        409: conflict,
      },
      handler: async ({ ctx, params, body }) => {
        const { version: read, ...input } = body
        return { status: 200, body: await s.respond(ctx, params.caseId, params.onwardReferralId, read, input) }
      },
    }),
  ]
}
