import type { Request, Response } from 'express'
import { can } from '../../domain/access.ts'
import { DEADLINE_STATUSES } from '../../domain/deadlines.ts'
import { isUuid } from '../../domain/identifiers.ts'
import { londonDate, londonMoment } from '../../domain/isoDate.ts'
import { CASE_STAGES, daysSince, isCaseStage } from '../../domain/lifecycle.ts'
import { CONSENT_PURPOSES } from '../../domain/network.ts'
import { CASE_EVENTS } from '../../domain/programme/vocabulary.ts'
import {
  ALLOCATION_ROLES,
  CASE_SORTS,
  type CaseFilter,
  type CaseSort,
  externalContactSchema,
} from '../../services/cases.ts'
import type { RequestContext } from '../../services/context.ts'
import { ConflictError, InvalidInputError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import { requestContext } from '../context.ts'
import { readDateInput } from '../dateInput.ts'
import { type FormBody, fieldText, formErrors, keptAnswers } from '../forms.ts'
import { listPages, pageNumber } from '../pagination.ts'
import type { PageRoute } from '../routing.ts'
import { caseHandler, caseLocals, renderCasePage, type Shell } from './shell.ts'

/** Case lists, a case's overview, allocation, starting support, my work, and the access log. */

/** How the access log says what was done. */
const AUDIT_ACTION_LABELS: Record<string, string> = {
  view: 'Opened',
  list: 'Listed',
  create: 'Added',
  update: 'Changed',
  delete: 'Removed',
  decide: 'Decided',
  allocate: 'Allocated',
  transition: 'Moved the case on',
  export: 'Printed or exported',
  withdraw: 'Withdrew',
}

/**
 * A date input plus an optional time ("14:30"), as a moment in UK time. Without a time it is
 * now when the date is today, and midday on any other day.
 */
export function readMoment(body: FormBody, name: string, label: string, now: Date): { at?: Date; error?: string } {
  const date = readDateInput(body, name, label, true)
  if (!date.ok) return { error: date.message }
  const time = fieldText(body, `${name}-time`)
  const match = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/.exec(time)
  if (time && !match) return { error: 'Enter a time like 14:30' }
  if (!match && date.value === londonDate(now)) return { at: now }
  return { at: londonMoment(date.value as string, match ? Number(match[1]) : 12, match ? Number(match[2]) : 0) }
}

/**
 * The work so far, for the overview: each plan and where it stands, the next review (and STARS's
 * pre-birth outcome while it is awaited), the distance travelled on each goal, referrals to other
 * agencies still waiting, and closure: proposed, or signed off with its follow-ups.
 */
async function workSoFar(services: Services, ctx: RequestContext, shell: Shell) {
  const caseId = shell.row.id
  const [plans, progress, referrals, closure, preBirth] = [
    await services.plans.list(ctx, caseId),
    await services.progress.summary(ctx, caseId),
    await services.onwardReferrals.list(ctx, caseId),
    await services.closures.overview(ctx, caseId),
    await services.reviews.preBirth(ctx, caseId),
  ]
  const planLine = (line: typeof plans.family, name: string) => ({
    name,
    inForce: line.inForce,
    draft: line.draft,
  })
  return {
    plans: [
      ...(plans.offers.crisis ? [planLine(plans.crisis, 'Crisis intervention plan')] : []),
      planLine(plans.family, plans.offers.plan.name),
    ],
    nextReview: shell.state.deadlines.find(
      (d) => d.kind === 'review' && (d.status === 'overdue' || d.status === 'due-soon' || d.status === 'not-yet-due'),
    ),
    preBirth: preBirth.offered && !preBirth.recorded ? preBirth : undefined,
    goals: progress.goals,
    referralsWaiting: referrals.filter((r) => r.state !== 'responded'),
    referralsOverdue: referrals.filter((r) => r.state === 'overdue').length,
    closure: closure.closure,
    nextFollowUp: closure.followUps.find((f) => !f.doneOn),
  }
}

export function caseRoutes(services: Services): PageRoute[] {
  async function listPage(req: Request, res: Response, scope: 'mine' | 'team') {
    const ctx = requestContext(req, res)
    const running = await services.programmes.running(ctx)
    const sort: CaseSort = (CASE_SORTS as readonly string[]).includes(String(req.query.sort))
      ? (req.query.sort as CaseSort)
      : 'due'
    const order = req.query.order === 'desc' ? 'desc' : 'asc'
    const stageValue = String(req.query.stage ?? 'open')
    const filter: CaseFilter = {
      scope,
      programmeId: running.some((p) => p.id === req.query.service) ? String(req.query.service) : undefined,
      stage: stageValue === 'open' ? 'open' : isCaseStage(stageValue) ? stageValue : 'open',
      pathway: String(req.query.pathway ?? '') || undefined,
      overdue: req.query.overdue === 'yes',
      sort,
      order,
      page: pageNumber(req),
    }
    const result = await services.cases.list(ctx, filter)
    const sortLink = (column: CaseSort) => {
      const query = new URLSearchParams(req.query as Record<string, string>)
      query.set('sort', column)
      query.set('order', sort === column && order === 'asc' ? 'desc' : 'asc')
      query.delete('page')
      return `${req.path}?${query}`
    }
    const ariaSort = (column: CaseSort) => (sort === column ? (order === 'asc' ? 'ascending' : 'descending') : 'none')
    res.render('cases/views/list.njk', {
      scope,
      filter: { ...filter, stage: stageValue },
      running,
      pathways: running.flatMap((p) => p.pathways.map((w) => ({ ...w, service: p.name }))),
      cases: result.cases,
      stages: CASE_STAGES,
      deadlineStatuses: DEADLINE_STATUSES,
      sortLinks: Object.fromEntries(CASE_SORTS.map((c) => [c, sortLink(c)])),
      ariaSorts: Object.fromEntries(CASE_SORTS.map((c) => [c, ariaSort(c)])),
      ...listPages(req, result.page, result.total, result.pageSize),
    })
  }

  async function workPage(req: Request, res: Response, scope: 'mine' | 'team') {
    const ctx = requestContext(req, res)
    const result = await services.cases.work(ctx, scope, pageNumber(req))
    // Team managers sign plans and closures off: what waits for them heads Team work.
    const signOffs =
      ctx.actor.role && can(ctx.actor.role, 'cases:manage') ? await services.cases.awaitingSignOff(ctx) : []
    res.render('cases/views/work.njk', {
      scope,
      signOffs,
      items: result.items,
      overdue: result.overdue,
      deadlineStatuses: DEADLINE_STATUSES,
      ...listPages(req, result.page, result.total, result.pageSize),
    })
  }

  /** Whose cases to move (anyone holding open cases, even after leaving), their cases, and who can take them. */
  async function reallocatePage(
    req: Request,
    res: Response,
    from: string,
    extra: { answers?: Record<string, string>; errors?: ReturnType<typeof formErrors> },
    status = 200,
  ) {
    const ctx = requestContext(req, res)
    const holders = await services.cases.holders(ctx)
    const leaving = holders.find((h) => h.userId === from)
    res.status(status).render('cases/views/reallocate.njk', {
      pageTitle: 'Move a worker’s cases',
      holders,
      caseloads: await services.cases.caseloads(ctx),
      leaving,
      cases: leaving ? await services.cases.heldBy(ctx, from) : [],
      answers: extra.answers ?? {},
      errors: extra.errors,
    })
  }

  async function allocationPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const ctx = requestContext(req, res)
    const caseId = String(req.params.caseId)
    const shell = await services.cases.open(ctx, caseId, 'allocation')
    const [caseloads, socialWorkers, history] = [
      await services.cases.caseloads(ctx, shell.programme.id),
      await services.cases.socialWorkers(ctx),
      await services.cases.allocations(ctx, caseId),
    ]
    const social = shell.row.socialWorkerContact as Record<string, string> | null
    const answers = (extra.answers as Record<string, string>) ?? {
      version: String(shell.row.version),
      keyWorkerId: shell.row.keyWorkerId ?? '',
      coWorkerId: shell.row.coWorkerId ?? '',
      socialWorkerId: shell.row.socialWorkerUserId ?? '',
      socialWorkerName: social?.name ?? '',
      socialWorkerOrganisation: social?.organisation ?? '',
      socialWorkerRole: social?.role ?? '',
      socialWorkerEmail: social?.email ?? '',
      socialWorkerPhone: social?.phone ?? '',
    }
    // After a conflict the form keeps the manager's choices, and saves over the version now stored.
    if (status === 409) answers.version = String(shell.row.version)
    res.status(status).render('cases/views/allocation.njk', {
      ...caseLocals(res, shell),
      tab: 'overview',
      pageTitle: 'Allocate the case',
      roles: ALLOCATION_ROLES,
      caseloads,
      socialWorkers,
      history,
      answers,
      ...extra,
    })
  }

  return [
    { method: 'get', path: '/cases', access: 'cases:work', handler: (req, res) => listPage(req, res, 'mine') },
    { method: 'get', path: '/cases/team', access: 'cases:manage', handler: (req, res) => listPage(req, res, 'team') },
    { method: 'get', path: '/work', access: 'cases:work', handler: (req, res) => workPage(req, res, 'mine') },
    { method: 'get', path: '/work/team', access: 'cases:manage', handler: (req, res) => workPage(req, res, 'team') },
    {
      method: 'get',
      path: '/cases/reallocate',
      access: 'cases:manage',
      handler: async (req, res) => {
        await reallocatePage(req, res, String(req.query.from ?? ''), {})
      },
    },
    {
      method: 'post',
      path: '/cases/reallocate',
      access: 'cases:manage',
      handler: async (req, res) => {
        const ctx = requestContext(req, res)
        const body = req.body as FormBody
        const from = fieldText(body, 'from')
        const caseIds = Object.keys(body)
          .filter((k) => k.startsWith('to-'))
          .map((k) => k.slice(3))
          .filter(isUuid)
        const moves = caseIds
          .map((caseId) => ({ caseId, toUserId: fieldText(body, `to-${caseId}`) }))
          .filter((m) => m.toUserId)
        try {
          const moved = await services.cases.reallocateAll(ctx, from, moves, fieldText(body, 'reason'))
          req.session.flash = { type: 'success', text: `${moved} ${moved === 1 ? 'case has' : 'cases have'} moved.` }
          return res.redirect(303, '/cases/team')
        } catch (error) {
          if (!(error instanceof InvalidInputError || error instanceof ConflictError)) throw error
          const fields =
            error instanceof InvalidInputError
              ? Object.fromEntries(
                  Object.entries(error.fields).map(([k, v]) => [
                    k === 'moves' && caseIds[0] ? `to-${caseIds[0]}` : k,
                    v,
                  ]),
                )
              : { reason: error.message }
          await reallocatePage(
            req,
            res,
            from,
            { answers: keptAnswers(body), errors: formErrors(fields) },
            error instanceof ConflictError ? 409 : 400,
          )
        }
      },
    },
    {
      method: 'get',
      path: '/cases/:caseId',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const shell = await services.cases.open(ctx, String(req.params.caseId), 'overview')
        const now = services.clock()
        const cap = shell.programme.caseload?.maximumFamiliesPerWorker
        const keyWorkerLoad =
          cap && shell.keyWorker
            ? (await services.cases.caseloads(ctx, shell.programme.id)).find((c) => c.userId === shell.keyWorker?.id)
            : undefined
        const gaps = await services.network.gaps(ctx, shell.row.id)
        const work = await workSoFar(services, ctx, shell)
        const engagement = shell.state.engagement
        res.render('cases/views/overview.njk', {
          ...caseLocals(res, shell),
          tab: 'overview',
          pageTitle: 'Case overview',
          events: [...shell.state.events].reverse().map((e) => ({ ...e, label: CASE_EVENTS[e.type] })),
          deadlines: shell.state.deadlines,
          overdue: shell.state.deadlines.filter((d) => d.status === 'overdue'),
          overCap: keyWorkerLoad && cap && keyWorkerLoad.keyWorkerCases > cap ? { ...keyWorkerLoad, cap } : undefined,
          gaps,
          consentPurposes: CONSENT_PURPOSES,
          lastSeenDays: engagement.lastSeenAt ? daysSince(engagement.lastSeenAt, now) : undefined,
          childrenSeen: shell.children
            .filter((c) => c.role === 'child')
            .map((c) => {
              const seen = engagement.childLastSeen[c.personId]
              return { ...c, seenAt: seen, days: seen ? daysSince(seen, now) : undefined }
            }),
          childrenOverdue: engagement.deadline?.status === 'overdue' ? engagement.deadline : undefined,
          engagementRule: shell.programme.engagement,
          canStartSupport: shell.nextEvents.includes('support-started'),
          work,
        })
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/allocation',
      access: 'cases:manage',
      handler: caseHandler((req, res) => allocationPage(req, res)),
    },
    {
      method: 'post',
      path: '/cases/:caseId/allocation',
      access: 'cases:manage',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const body = req.body as FormBody
        const caseId = String(req.params.caseId)
        const answers = keptAnswers(body)
        const fields: Record<string, string> = {}
        const socialWorkerId = fieldText(body, 'socialWorkerId')
        const externalName = fieldText(body, 'socialWorkerName')
        let socialWorker: { userId: string } | { contact: Record<string, string | undefined> } | null = null
        if (socialWorkerId && socialWorkerId !== 'other') {
          socialWorker = { userId: socialWorkerId }
        } else if (socialWorkerId === 'other' || externalName) {
          const parsed = externalContactSchema.safeParse({
            name: externalName,
            organisation: fieldText(body, 'socialWorkerOrganisation') || undefined,
            role: fieldText(body, 'socialWorkerRole') || undefined,
            email: fieldText(body, 'socialWorkerEmail') || undefined,
            phone: fieldText(body, 'socialWorkerPhone') || undefined,
          })
          if (parsed.success) socialWorker = { contact: parsed.data }
          else {
            for (const issue of parsed.error.issues) {
              const key = `socialWorker${String(issue.path[0])[0]?.toUpperCase()}${String(issue.path[0]).slice(1)}`
              fields[key] ??= issue.message
            }
          }
        }
        const keyWorkerId = fieldText(body, 'keyWorkerId')
        if (!isUuid(keyWorkerId)) fields.keyWorkerId = 'Choose a key worker'
        const coWorkerId = fieldText(body, 'coWorkerId')
        if (coWorkerId && !isUuid(coWorkerId)) fields.coWorkerId = 'Choose a co-worker from the list'
        try {
          if (Object.keys(fields).length > 0) throw new InvalidInputError(fields)
          await services.cases.allocate(ctx, caseId, {
            keyWorkerId,
            coWorkerId: coWorkerId || null,
            socialWorker: socialWorker as never,
            reason: fieldText(body, 'reason') || undefined,
            version: Number(fieldText(body, 'version')),
          })
          req.session.flash = { type: 'success', text: 'The case is allocated.' }
          res.redirect(303, `/cases/${caseId}`)
        } catch (error) {
          if (error instanceof ConflictError) {
            return allocationPage(req, res, { errors: formErrors({ keyWorkerId: error.message }), answers }, 409)
          }
          if (!(error instanceof InvalidInputError)) throw error
          await allocationPage(req, res, { errors: formErrors(error.fields), answers }, 400)
        }
      }),
    },
    ...stageRoutes(services),
    {
      method: 'get',
      path: '/cases/:caseId/access-log',
      access: 'cases:manage',
      handler: caseHandler(async (req, res) => {
        const log = await services.cases.accessLog(requestContext(req, res), String(req.params.caseId), pageNumber(req))
        await renderCasePage(services, req, res, 'access-log', 'cases/views/access-log.njk', {
          pageTitle: 'Access log',
          log,
          actions: AUDIT_ACTION_LABELS,
          ...listPages(req, log.page, log.total, log.pageSize),
        })
      }),
    },
  ]
}

/**
 * Starting support: the one move a worker records directly. A further cycle and the step-down are
 * decisions at a review, and closure is signed off by a manager, each on its own page.
 */
function stageRoutes(services: Services): PageRoute[] {
  async function form(
    req: Request,
    res: Response,
    extra: { errors?: ReturnType<typeof formErrors>; answers?: Record<string, string> } = {},
    status = 200,
  ) {
    const shell = await services.cases.open(requestContext(req, res), String(req.params.caseId), 'stage')
    res.status(status).render('cases/views/start-support.njk', {
      ...caseLocals(res, shell),
      tab: 'overview',
      pageTitle: 'Start support',
      canStart: shell.nextEvents.includes('support-started'),
      answers: extra.answers
        ? { ...extra.answers, ...(status === 409 ? { version: String(shell.row.version) } : {}) }
        : { version: String(shell.row.version) },
      errors: extra.errors,
    })
  }

  return [
    {
      method: 'get',
      path: '/cases/:caseId/stage',
      access: 'cases:work',
      handler: caseHandler((req, res) => form(req, res)),
    },
    {
      method: 'post',
      path: '/cases/:caseId/stage',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const body = req.body as FormBody
        const caseId = String(req.params.caseId)
        const moment = readMoment(body, 'at', 'the date support started', services.clock())
        try {
          if (moment.error) throw new InvalidInputError({ at: moment.error })
          await services.cases.move(
            ctx,
            caseId,
            Number(fieldText(body, 'version')),
            'support-started',
            moment.at as Date,
          )
          req.session.flash = { type: 'success', text: 'Recorded: support started.' }
          res.redirect(303, `/cases/${caseId}`)
        } catch (error) {
          if (error instanceof ConflictError) {
            return form(req, res, { errors: formErrors({ 'at-day': error.message }), answers: keptAnswers(body) }, 409)
          }
          if (!(error instanceof InvalidInputError)) throw error
          const shown = Object.fromEntries(
            Object.entries(error.fields).map(([k, v]) => [k === 'at' || k === 'event' ? 'at-day' : k, v]),
          )
          await form(req, res, { errors: formErrors(shown), answers: keptAnswers(body) }, 400)
        }
      }),
    },
  ]
}
