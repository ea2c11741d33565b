import type { Request, Response } from 'express'
import { z } from 'zod'
import { DEADLINE_STATUSES } from '../../domain/deadlines.ts'
import { CRITERION_OUTCOMES, SCREENING_RESULTS } from '../../domain/eligibility.ts'
import { isUuid } from '../../domain/identifiers.ts'
import { completedYears, londonDate } from '../../domain/isoDate.ts'
import { PRESENTING_INDICATORS, SAFEGUARDING_LEVELS } from '../../domain/programme/vocabulary.ts'
import {
  DECISION_FIELDS,
  DECLINE_REASONS,
  decisionFromAnswers,
  isOpen,
  REFERRAL_STATUSES,
  type ReferralStatus,
} from '../../domain/referral.ts'
import { ConflictError, InvalidInputError, NotFoundError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import { NOTIFICATION_STATUSES } from '../../services/notifications.ts'
import { requestContext } from '../context.ts'
import { readDateInput } from '../dateInput.ts'
import { type FormBody, fieldText, formErrors, yesNo } from '../forms.ts'
import type { PageRoute } from '../routing.ts'

/** The team manager's side of referrals: the inbox, matching, screening, case discussion and decision. */

const PAGE_SIZE = 25

const vocabulary = {
  statuses: REFERRAL_STATUSES,
  results: SCREENING_RESULTS,
  outcomes: CRITERION_OUTCOMES,
  indicators: PRESENTING_INDICATORS,
  levels: SAFEGUARDING_LEVELS,
  declineReasons: DECLINE_REASONS,
  deadlineStatuses: DEADLINE_STATUSES,
  messageStatuses: NOTIFICATION_STATUSES,
}

const discussionSchema = z.object({
  attendees: z
    .string()
    .trim()
    .min(1, 'List who took part and their roles')
    .max(2000, 'The list of people must be 2000 characters or fewer'),
  presentingIssues: z.string().trim().min(1, 'Enter the presenting issues').max(5000),
  criteriaDiscussion: z.string().trim().min(1, 'Record how the criteria were discussed').max(5000),
  risks: z.string().trim().min(1, 'Enter the risks discussed').max(5000),
  decision: z.string().trim().min(1, 'Enter what was decided').max(5000),
  actions: z.string().trim().max(5000).optional(),
  nextSteps: z.string().trim().max(5000).optional(),
})

function notFound(res: Response) {
  return res.status(404).render('errors/404.njk')
}

export function referralRoutes(services: Services): PageRoute[] {
  async function referralPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const ctx = requestContext(req, res)
    const referral = await services.referrals.get(ctx, String(req.params.referralId))
    const programme = services.programmes.find(referral.row.programmeId)
    const messages = await services.notifications.forReferral(ctx, referral.row.id)
    const caseDeadlines = referral.caseId ? await services.referrals.caseDeadlines(ctx, referral.caseId) : []
    const on = londonDate(referral.row.receivedAt)
    res.status(status).render('referrals/views/referral.njk', {
      referral,
      programme,
      messages,
      caseDeadlines,
      open: isOpen(referral.row.status as ReferralStatus),
      unmatched: referral.people.filter((p) => !p.personId).length,
      ages: Object.fromEntries(
        referral.people.map((p) => [p.id, p.dateOfBirth ? completedYears(p.dateOfBirth, on) : undefined]),
      ),
      notificationSetUp: services.notifications.notifier.kind !== 'none',
      vocabulary,
      ...extra,
    })
  }

  const withReferral =
    (handler: PageRoute['handler']): PageRoute['handler'] =>
    async (req, res, next) => {
      // Ids in the path are UUIDs; anything else is simply not found.
      const ids = [req.params.referralId, req.params.personId, req.params.discussionId, req.params.messageId]
      if (ids.some((id) => id !== undefined && !isUuid(String(id)))) return notFound(res)
      try {
        return await handler(req, res, next)
      } catch (error) {
        if (error instanceof NotFoundError) return notFound(res)
        if (error instanceof ConflictError) {
          req.session.flash = { type: 'important', text: error.message }
          return res.redirect(303, `/referrals/${req.params.referralId}`)
        }
        throw error
      }
    }

  return [
    {
      method: 'get',
      path: '/referrals',
      access: 'referrals:manage',
      handler: async (req, res) => {
        const ctx = requestContext(req, res)
        const status = String(req.query.status ?? 'open')
        const programmeId = String(req.query.service ?? '')
        const sort = req.query.sort === 'received' ? 'received' : 'due'
        const statuses: ReferralStatus[] | undefined =
          status === 'open'
            ? ['new', 'screening', 'awaiting-decision']
            : status in REFERRAL_STATUSES
              ? [status as ReferralStatus]
              : undefined
        const all = await services.referrals.list(ctx, { status: statuses, programmeId: programmeId || undefined })
        all.sort((a, b) =>
          sort === 'received'
            ? b.row.receivedAt.getTime() - a.row.receivedAt.getTime()
            : a.row.decisionDueAt.getTime() - b.row.decisionDueAt.getTime(),
        )
        const page = Math.max(1, Number.parseInt(String(req.query.page ?? '1'), 10) || 1)
        const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE))
        const shown = all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
        const now = services.clock()
        const rows = shown.map(({ row, people, screening }) => ({
          id: row.id,
          reference: row.reference,
          receivedAt: row.receivedAt,
          programme: row.programmeId
            ? (services.programmes.find(row.programmeId)?.name ?? row.programmeId)
            : 'Not sure',
          source: sourceOf(row),
          children: people
            .filter((p) => p.role !== 'adult')
            .map((p) =>
              p.role === 'unborn'
                ? 'unborn baby'
                : `${p.givenName}, ${p.dateOfBirth ? completedYears(p.dateOfBirth, londonDate(row.receivedAt)) : '?'}`,
            )
            .join('; '),
          screening,
          status: row.status,
          decisionDueAt: row.decisionDueAt,
          due: !isOpen(row.status as ReferralStatus)
            ? undefined
            : now > row.decisionDueAt
              ? 'overdue'
              : row.decisionDueAt.getTime() - now.getTime() < 4 * 3_600_000
                ? 'due-soon'
                : 'not-yet-due',
        }))
        const query = (change: Record<string, string | number>) =>
          `?${new URLSearchParams({ status, service: programmeId, sort, page: String(page), ...Object.fromEntries(Object.entries(change).map(([k, v]) => [k, String(v)])) })}`
        res.render('referrals/views/inbox.njk', {
          rows,
          total: all.length,
          from: all.length ? (page - 1) * PAGE_SIZE + 1 : 0,
          to: Math.min(page * PAGE_SIZE, all.length),
          page,
          pages,
          previous: page > 1 ? query({ page: page - 1 }) : undefined,
          next: page < pages ? query({ page: page + 1 }) : undefined,
          sortLinks: { due: query({ sort: 'due', page: 1 }), received: query({ sort: 'received', page: 1 }) },
          filter: { status, service: programmeId, sort },
          running: await services.programmes.running(ctx),
          vocabulary,
        })
      },
    },
    {
      method: 'get',
      path: '/referrals/:referralId',
      access: 'referrals:manage',
      handler: withReferral((req, res) => referralPage(req, res)),
    },
    {
      method: 'get',
      path: '/referrals/:referralId/people/:personId',
      access: 'referrals:manage',
      handler: withReferral(async (req, res) => {
        const ctx = requestContext(req, res)
        const referral = await services.referrals.get(ctx, String(req.params.referralId))
        const entry = referral.people.find((p) => p.id === req.params.personId)
        if (!entry) return notFound(res)
        const candidates = await services.referrals.candidates(ctx, referral.row.id, entry.id)
        res.render('referrals/views/match.njk', { referral, entry, candidates })
      }),
    },
    {
      method: 'post',
      path: '/referrals/:referralId/people/:personId',
      access: 'referrals:manage',
      handler: withReferral(async (req, res) => {
        const ctx = requestContext(req, res)
        const choice = fieldText(req.body as FormBody, 'match')
        if (!choice) {
          const referral = await services.referrals.get(ctx, String(req.params.referralId))
          const entry = referral.people.find((p) => p.id === req.params.personId)
          if (!entry) return notFound(res)
          const candidates = await services.referrals.candidates(ctx, referral.row.id, entry.id)
          return res.status(400).render('referrals/views/match.njk', {
            referral,
            entry,
            candidates,
            errors: formErrors({ match: 'Select the person this is, or say they are new' }),
          })
        }
        await services.referrals.link(ctx, String(req.params.referralId), String(req.params.personId), choice)
        req.session.flash = {
          type: 'success',
          text: choice === 'new' ? 'Recorded as a new person.' : 'Linked to the person already known.',
        }
        res.redirect(303, `/referrals/${req.params.referralId}#people`)
      }),
    },
    {
      method: 'post',
      path: '/referrals/:referralId/facts',
      access: 'referrals:manage',
      handler: withReferral(async (req, res) => {
        const body = req.body as FormBody
        const removals = fieldText(body, 'previousRemovals')
        if (removals && (!/^\d+$/.test(removals) || Number(removals) > 20)) {
          return referralPage(
            req,
            res,
            {
              errors: formErrors({
                previousRemovals: 'Enter the number of children removed as a whole number from 0 to 20',
              }),
            },
            400,
          )
        }
        const level = fieldText(body, 'safeguardingLevel')
        const facts: Record<string, unknown> = {}
        if (['1', '2', '3', '4'].includes(level)) facts.safeguardingLevel = Number(level)
        for (const name of ['socialWorkerAllocated', 'childInNeedStepDown', 'youngPersonHomeless']) {
          const value = yesNo(fieldText(body, name))
          if (value !== undefined) facts[name] = value
        }
        if (removals) facts.previousRemovals = Number(removals)
        await services.referrals.updateFacts(
          requestContext(req, res),
          String(req.params.referralId),
          Number(fieldText(body, 'version')),
          facts,
        )
        req.session.flash = { type: 'success', text: 'The facts are saved and the screening has been run again.' }
        res.redirect(303, `/referrals/${req.params.referralId}#screening`)
      }),
    },
    {
      method: 'get',
      path: '/referrals/:referralId/discussion/new',
      access: 'referrals:manage',
      handler: withReferral(async (req, res) => {
        const referral = await services.referrals.get(requestContext(req, res), String(req.params.referralId))
        res.render('referrals/views/discussion-new.njk', { referral, answers: {} })
      }),
    },
    {
      method: 'post',
      path: '/referrals/:referralId/discussion/new',
      access: 'referrals:manage',
      handler: withReferral(async (req, res) => {
        const ctx = requestContext(req, res)
        const body = req.body as FormBody
        const held = readDateInput(body, 'heldOn', 'the date of the discussion', true)
        const parsed = discussionSchema.safeParse(body)
        const fields: Record<string, string> = {}
        if (!held.ok) fields['heldOn-day'] = held.message
        else if (held.value && held.value > londonDate(services.clock())) {
          fields['heldOn-day'] = 'The date of the discussion must be today or in the past'
        }
        if (!parsed.success) for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message
        if (Object.keys(fields).length > 0 || !parsed.success || !held.ok) {
          const referral = await services.referrals.get(ctx, String(req.params.referralId))
          return res
            .status(400)
            .render('referrals/views/discussion-new.njk', { referral, answers: body, errors: formErrors(fields) })
        }
        const id = await services.referrals.recordDiscussion(ctx, String(req.params.referralId), {
          heldOn: held.value as string,
          attendees: parsed.data.attendees
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean),
          presentingIssues: parsed.data.presentingIssues,
          criteriaDiscussion: parsed.data.criteriaDiscussion,
          risks: parsed.data.risks,
          decision: parsed.data.decision,
          actions: parsed.data.actions || null,
          nextSteps: parsed.data.nextSteps || null,
        })
        req.session.flash = { type: 'success', text: 'Case discussion recorded.' }
        res.redirect(303, `/referrals/${req.params.referralId}/discussion/${id}`)
      }),
    },
    {
      method: 'get',
      path: '/referrals/:referralId/discussion/:discussionId',
      access: 'referrals:manage',
      handler: withReferral(async (req, res) => {
        const referral = await services.referrals.get(requestContext(req, res), String(req.params.referralId))
        const discussion = referral.discussions.find((d) => d.id === req.params.discussionId)
        if (!discussion) return notFound(res)
        const programme = services.programmes.find(referral.row.programmeId)
        res.render('referrals/views/discussion.njk', { referral, discussion, programme, vocabulary })
      }),
    },
    {
      method: 'get',
      path: '/referrals/:referralId/decision',
      access: 'referrals:manage',
      handler: withReferral(async (req, res) => {
        const referral = await services.referrals.get(requestContext(req, res), String(req.params.referralId))
        res.render('referrals/views/decision.njk', {
          ...(await decisionModel(requestContext(req, res), referral)),
          answers: {},
        })
      }),
    },
    {
      method: 'post',
      path: '/referrals/:referralId/decision',
      access: 'referrals:manage',
      handler: withReferral(async (req, res) => {
        const ctx = requestContext(req, res)
        const body = req.body as FormBody
        const outcome = fieldText(body, 'outcome')
        const decision = decisionFromAnswers(
          Object.fromEntries(DECISION_FIELDS.map((name) => [name, fieldText(body, name)])),
        )
        const rerender = async (fields: Record<string, string>) => {
          const referral = await services.referrals.get(ctx, String(req.params.referralId))
          res.status(400).render('referrals/views/decision.njk', {
            ...(await decisionModel(ctx, referral)),
            answers: body,
            errors: formErrors(fields),
          })
        }
        if (!decision) {
          return rerender(
            outcome === 'decline'
              ? { reason: 'Select the reason for declining' }
              : { outcome: 'Select what you have decided' },
          )
        }
        try {
          await services.referrals.decide(
            ctx,
            String(req.params.referralId),
            Number(fieldText(body, 'version')),
            decision,
          )
        } catch (error) {
          if (error instanceof InvalidInputError) return rerender(error.fields)
          throw error
        }
        req.session.flash = {
          type: 'success',
          heading: 'Decision recorded',
          text:
            decision.outcome === 'accept'
              ? 'The case is open and its timescales have started.'
              : 'The referrer will be told.',
        }
        res.redirect(303, `/referrals/${req.params.referralId}`)
      }),
    },
    {
      method: 'post',
      path: '/referrals/:referralId/messages/:messageId/retry',
      access: 'referrals:manage',
      handler: withReferral(async (req, res) => {
        await services.notifications.retry(requestContext(req, res), String(req.params.messageId))
        req.session.flash = { type: 'success', text: 'The message will be sent again in the next minute.' }
        res.redirect(303, `/referrals/${req.params.referralId}#messages`)
      }),
    },
  ]

  async function decisionModel(
    ctx: ReturnType<typeof requestContext>,
    referral: Awaited<ReturnType<Services['referrals']['get']>>,
  ) {
    const programme = services.programmes.find(referral.row.programmeId)
    const running = programme ? [] : await services.programmes.running(ctx)
    // Pathways chosen on accepting: this service's, or, if the service is chosen now, every service's.
    const pathways = (programme ? [programme] : running)
      .filter((p) => p.pathways.length > 0 && p.pathwayChosenAt?.event === 'accepted')
      .flatMap((p) => p.pathways.map((pathway) => ({ ...pathway, service: programme ? undefined : p.name })))
    return {
      referral,
      programme,
      running,
      pathways,
      unmatched: referral.people.filter((p) => !p.personId).length,
      vocabulary,
    }
  }
}

/** Where a referral came from, in a few words: the organisation, a parent, or inside Hearth. */
function sourceOf(row: { route: string; referrer: unknown }): string {
  const referrer = row.referrer as { type?: string; organisation?: string }
  if (row.route === 'internal') return `Inside Hearth (${referrer.organisation ?? 'this authority'})`
  if (referrer.type === 'parent') return 'A parent or carer'
  return referrer.organisation ?? 'A professional'
}
