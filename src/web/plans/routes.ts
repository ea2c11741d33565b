import type { Request, Response } from 'express'
import type { z } from 'zod'
import {
  ACTION_STATUS_TAGS,
  ACTION_STATUSES,
  agreementProblems,
  FAMILY_PROGRESS,
  PLAN_KINDS,
  planTag,
  supportPackage,
} from '../../domain/plans.ts'
import { HEADLINE_OUTCOMES } from '../../domain/programme/vocabulary.ts'
import { ConflictError, fieldProblems, InvalidInputError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import {
  type ActionInput,
  type AgreeInput,
  actionInputSchema,
  agreeInputSchema,
  type GoalInput,
  type PlanView,
  type RequestInput,
  requestInputSchema,
  type StatusInput,
  statusInputSchema,
} from '../../services/plans.ts'
import { caseHandler, renderCasePage } from '../cases/shell.ts'
import { requestContext } from '../context.ts'
import { dateInputParts, readDateInput } from '../dateInput.ts'
import { type FormBody, type FormErrors, fieldText, formErrors, keptAnswers } from '../forms.ts'
import type { PageRoute } from '../routing.ts'

/**
 * The Plan tab: the crisis intervention plan (where the service writes one) and the family's plan,
 * each edition on its own page; small pages to write a draft (its details, each goal, each action),
 * agree it, sign it off, start the next edition, record each action's progress, and print the
 * family's copy. The social worker's requests (Staying Together) have their own page. Works
 * without JavaScript: every change is a form that posts and comes back.
 */

const vocabulary = {
  kinds: PLAN_KINDS,
  statuses: ACTION_STATUSES,
  statusTags: ACTION_STATUS_TAGS,
  progress: FAMILY_PROGRESS,
  headlines: HEADLINE_OUTCOMES,
  /** The status tag of an edition, for the templates. */
  planTag,
  /** A goal's actions, or (with no goal) the safety actions and requests not tied to a goal. */
  statusItems: (selected: string) =>
    Object.entries(ACTION_STATUSES).map(([value, text]) => ({ value, text, checked: value === selected })),
  headlineItems: (selected: string) => [
    { value: '', text: 'None' },
    ...Object.entries(HEADLINE_OUTCOMES).map(([n, name]) => ({
      value: n,
      text: `${n}. ${name}`,
      selected: n === selected,
    })),
  ],
  supportItems: (catalogue: { id: string; name: string }[], selected: string) => [
    { value: '', text: 'None' },
    ...catalogue.map((s) => ({ value: s.id, text: s.name, selected: s.id === selected })),
  ],
  /** The goals to choose from; a request may stay without one. */
  goalItems: (goals: { id: string; need: string }[], selected: string, loose: boolean) => [
    ...(loose || !goals.some((g) => g.id === selected)
      ? [{ value: '', text: loose ? 'Not tied to a goal yet' : 'Choose a goal' }]
      : []),
    ...goals.map((g, i) => ({
      value: g.id,
      text: `Goal ${i + 1}: ${truncate(g.need, 70)}`,
      selected: g.id === selected,
    })),
  ],
  actionsOf: (plan: PlanView, goalId: string | null) => plan.actions.filter((a) => a.goalId === (goalId ?? null)),
}

const truncate = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text)

const DATE_FIELDS = new Set(['byWhen', 'agreedOn', 'statusOn'])
/** Each form's fields in page order; a problem on a date sits on its day box. */
const ORDER = [
  'form',
  'kind',
  'summary',
  'risks',
  'contactArrangements',
  'need',
  'outcome',
  'howWeKnow',
  'headlineOutcome',
  'goalId',
  'what',
  'who',
  'byWhen',
  'supportId',
  'professionalOnly',
  'status',
  'statusOn',
  'statusNote',
  'agreedOn',
  'agreedWith',
  'changeReason',
]

function ordered(fields: Record<string, string>): FormErrors {
  const field = (name: string) => (DATE_FIELDS.has(name) ? `${name}-day` : name)
  const out: Record<string, string> = {}
  for (const name of ORDER) if (fields[name]) out[field(name)] = fields[name]
  for (const [name, text] of Object.entries(fields)) out[field(name)] ??= text
  return formErrors(out)
}

/** Reads a date input into the service's form (YYYY-MM-DD, or '' when left out), noting its own problems. */
function readDate(body: FormBody, name: string, label: string, problems: Record<string, string>, required = false) {
  const read = readDateInput(body, name, label, required)
  if (!read.ok) {
    problems[name] = read.message
    return ''
  }
  return read.value ?? ''
}

function dateAnswers(name: string, value: string | null): Record<string, string> {
  const parts = dateInputParts(value ?? undefined)
  return { [`${name}-day`]: parts.day, [`${name}-month`]: parts.month, [`${name}-year`]: parts.year }
}

const versionOf = (body: FormBody) => Number.parseInt(fieldText(body, 'version'), 10)

/**
 * A posted form for the service: its input, the date inputs' own problems, and the schema to find
 * every other problem with the fields when a date is wrong (so nothing is saved, and everything is said).
 */
interface Submission<T> {
  input: Record<string, unknown>
  dateProblems?: Record<string, string>
  schema?: z.ZodType
  run: (input: Record<string, unknown>) => Promise<T>
}

async function submit<T>(
  submission: Submission<T>,
): Promise<{ ok: true; value: T } | { ok: false; status: 400 | 409; errors: FormErrors }> {
  const dateProblems = submission.dateProblems ?? {}
  if (Object.keys(dateProblems).length > 0) {
    const parsed = submission.schema?.safeParse(submission.input)
    const fields = parsed && !parsed.success ? fieldProblems(parsed.error) : {}
    return { ok: false, status: 400, errors: ordered({ ...fields, ...dateProblems }) }
  }
  try {
    return { ok: true, value: await submission.run(submission.input) }
  } catch (error) {
    if (error instanceof ConflictError) return { ok: false, status: 409, errors: ordered({ form: error.message }) }
    if (error instanceof InvalidInputError) return { ok: false, status: 400, errors: ordered(error.fields) }
    throw error
  }
}

export function planRoutes(services: Services): PageRoute[] {
  const tabPath = (req: Request) => `/cases/${req.params.caseId}/plan`
  const planPath = (req: Request) => `${tabPath(req)}/${req.params.planId}`

  async function load(req: Request, res: Response) {
    return services.plans.get(requestContext(req, res), String(req.params.caseId), String(req.params.planId))
  }
  type Loaded = Awaited<ReturnType<typeof load>>

  /** The edition, when it is a draft on an open case; otherwise back to its page, saying why. */
  async function draftOnly(req: Request, res: Response): Promise<Loaded | undefined> {
    const loaded = await load(req, res)
    if (loaded.closed || loaded.plan.status !== 'draft') {
      req.session.flash = {
        type: 'important',
        text: loaded.closed
          ? 'The case is closed, so its plans can no longer be changed.'
          : 'This edition is agreed. To change it, choose “Change the plan”: Hearth starts a new edition and keeps this one.',
      }
      res.redirect(303, planPath(req))
      return undefined
    }
    return loaded
  }

  async function render(
    req: Request,
    res: Response,
    view: string,
    pageTitle: string,
    locals: Record<string, unknown>,
    status = 200,
  ) {
    await renderCasePage(
      services,
      req,
      res,
      'plan',
      `plans/views/${view}.njk`,
      { pageTitle, vocabulary, planBase: tabPath(req), ...locals },
      status,
    )
  }

  /**
   * A plan form shown again after a problem, keeping what was typed. After a conflict the form saves
   * on the version now stored, once the worker has checked the plan.
   */
  function again(
    req: Request,
    res: Response,
    view: string,
    title: string,
    loaded: Loaded,
    failure: { status: 400 | 409; errors: FormErrors },
  ) {
    const answers = keptAnswers(req.body)
    if (failure.status === 409) answers.version = String(loaded.plan.version)
    return render(
      req,
      res,
      view,
      title,
      { ...loaded, ...formLocals(req, loaded.plan), answers, errors: failure.errors },
      failure.status,
    )
  }

  /** A form page of a draft: GET shows it filled from the plan, POST saves and returns to the edition. */
  function draftForm(options: {
    path: string
    view: string
    title: (plan: PlanView) => string
    answers: (plan: PlanView, req: Request) => Record<string, string> | undefined
    submission: (req: Request, res: Response, body: FormBody, plan: PlanView) => Submission<unknown>
    done: string
  }): PageRoute[] {
    return [
      {
        method: 'get',
        path: options.path,
        access: 'cases:work',
        handler: caseHandler(async (req, res) => {
          const loaded = await draftOnly(req, res)
          if (!loaded) return
          const answers = options.answers(loaded.plan, req)
          if (!answers) return res.status(404).render('errors/404.njk')
          await render(req, res, options.view, options.title(loaded.plan), {
            ...loaded,
            ...formLocals(req, loaded.plan),
            answers: { ...answers, version: String(loaded.plan.version) },
          })
        }),
      },
      {
        method: 'post',
        path: options.path,
        access: 'cases:work',
        handler: caseHandler(async (req, res) => {
          const loaded = await draftOnly(req, res)
          if (!loaded) return
          if (!options.answers(loaded.plan, req)) return res.status(404).render('errors/404.njk')
          const body = req.body as FormBody
          const result = await submit(options.submission(req, res, body, loaded.plan))
          if (!result.ok) return again(req, res, options.view, options.title(loaded.plan), loaded, result)
          req.session.flash = { type: 'success', text: options.done }
          res.redirect(303, planPath(req))
        }),
      },
    ]
  }

  /** What a draft's form page needs besides the plan: where it posts, and the goal or action it changes. */
  const formLocals = (req: Request, plan: PlanView) => ({
    formAction: req.originalUrl.split('?')[0],
    editing: Boolean(req.params.goalId || req.params.actionId),
    action: actionOf(plan, req),
    missing: req.path.endsWith('/agree') ? agreementProblems(plan) : {},
  })

  const goalOf = (plan: PlanView, req: Request) => plan.goals.find((g) => g.id === req.params.goalId)
  const actionOf = (plan: PlanView, req: Request) => plan.actions.find((a) => a.id === req.params.actionId)

  function goalAnswers(plan: PlanView, req: Request): Record<string, string> | undefined {
    if (plan.kind !== 'family-action') return undefined
    if (!req.params.goalId) return {}
    const goal = goalOf(plan, req)
    return goal
      ? {
          need: goal.need,
          outcome: goal.outcome,
          howWeKnow: goal.howWeKnow ?? '',
          headlineOutcome: goal.headlineOutcome ? String(goal.headlineOutcome) : '',
        }
      : undefined
  }

  function actionAnswers(plan: PlanView, req: Request): Record<string, string> | undefined {
    if (!req.params.actionId) {
      const goalId = typeof req.query.goalId === 'string' ? req.query.goalId : ''
      return { goalId: plan.goals.some((g) => g.id === goalId) ? goalId : '' }
    }
    const action = actionOf(plan, req)
    return action
      ? {
          goalId: action.goalId ?? '',
          what: action.what,
          who: action.who,
          ...dateAnswers('byWhen', action.byWhen),
          supportId: action.supportId ?? '',
          professionalOnly: action.professionalOnly ? 'yes' : '',
        }
      : undefined
  }

  const goalSubmission = (req: Request, res: Response, body: FormBody, goalId: string | null) => {
    const headline = fieldText(body, 'headlineOutcome')
    return {
      input: {
        need: fieldText(body, 'need'),
        outcome: fieldText(body, 'outcome'),
        howWeKnow: fieldText(body, 'howWeKnow'),
        headlineOutcome: headline ? Number(headline) : null,
      },
      run: (input: Record<string, unknown>) =>
        services.plans.saveGoal(requestContext(req, res), ...ids(req), versionOf(body), goalId, input as GoalInput),
    }
  }

  const actionSubmission = (req: Request, res: Response, body: FormBody, plan: PlanView, actionId: string | null) => {
    const dateProblems: Record<string, string> = {}
    return {
      input: {
        goalId: plan.kind === 'crisis' ? null : fieldText(body, 'goalId') || null,
        what: fieldText(body, 'what'),
        who: fieldText(body, 'who'),
        byWhen: readDate(body, 'byWhen', 'the date it will be done by', dateProblems),
        supportId: fieldText(body, 'supportId') || null,
        professionalOnly: fieldText(body, 'professionalOnly') === 'yes',
      },
      dateProblems,
      schema: actionInputSchema,
      run: (input: Record<string, unknown>) =>
        services.plans.saveAction(
          requestContext(req, res),
          ...ids(req),
          versionOf(body),
          actionId,
          input as ActionInput,
        ),
    }
  }

  /** Posts that are a single button (remove, sign off): a problem shows on the edition's page. */
  function buttonPost(
    path: string,
    access: PageRoute['access'],
    change: (req: Request, res: Response, version: number) => Promise<unknown>,
    done: string,
  ): PageRoute {
    return {
      method: 'post',
      path,
      access,
      handler: caseHandler(async (req, res) => {
        const result = await submit({ input: {}, run: () => change(req, res, versionOf(req.body as FormBody)) })
        if (!result.ok) {
          const loaded = await load(req, res)
          return render(
            req,
            res,
            'edition',
            editionTitle(loaded.plan),
            { ...loaded, errors: formErrors({ 'plan-controls': result.errors.list[0]?.text ?? '' }) },
            result.status,
          )
        }
        req.session.flash = { type: 'success', text: done }
        res.redirect(303, planPath(req))
      }),
    }
  }

  const editionTitle = (plan: PlanView) => `${plan.name}, edition ${plan.edition}`
  const ids = (req: Request) => [String(req.params.caseId), String(req.params.planId)] as const

  return [
    {
      method: 'get',
      path: '/cases/:caseId/plan',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const plans = await services.plans.list(ctx, String(req.params.caseId))
        const referrals = await services.onwardReferrals.list(ctx, String(req.params.caseId))
        const family = plans.family.inForce ?? plans.family.draft
        await render(req, res, 'plan', 'Plan', {
          plans,
          referrals,
          supportPackage: family ? supportPackage(family.actions, plans.offers.catalogue) : [],
        })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/plan/start',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        try {
          const { id } = await services.plans.start(
            requestContext(req, res),
            String(req.params.caseId),
            fieldText(req.body as FormBody, 'kind'),
          )
          req.session.flash = { type: 'success', text: 'Draft started. Write it with the family, then agree it.' }
          res.redirect(303, `${tabPath(req)}/${id}`)
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error
          req.session.flash = { type: 'important', text: Object.values(error.fields)[0] ?? 'The plan cannot start' }
          res.redirect(303, tabPath(req))
        }
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/plan/requests/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const plans = await services.plans.list(requestContext(req, res), String(req.params.caseId))
        if (!plans.canRequest || plans.closed) {
          req.session.flash = {
            type: 'important',
            text: plans.closed
              ? 'The case is closed, so no more pieces of work can be asked for.'
              : "Only the family's allocated social worker can ask for a piece of work, on services that take their requests.",
          }
          return res.redirect(303, tabPath(req))
        }
        await render(req, res, 'request-form', 'Ask for a piece of work', { plans, answers: {} })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/plan/requests/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const caseId = String(req.params.caseId)
        const body = req.body as FormBody
        const dateProblems: Record<string, string> = {}
        const result = await submit({
          input: {
            what: fieldText(body, 'what'),
            who: fieldText(body, 'who'),
            byWhen: readDate(body, 'byWhen', 'the date it is needed by', dateProblems),
            goalId: fieldText(body, 'goalId') || null,
          },
          dateProblems,
          schema: requestInputSchema,
          run: (input) => services.plans.addRequest(ctx, caseId, input as RequestInput),
        })
        if (!result.ok) {
          const plans = await services.plans.list(ctx, caseId)
          return render(
            req,
            res,
            'request-form',
            'Ask for a piece of work',
            { plans, answers: keptAnswers(body), errors: result.errors },
            result.status,
          )
        }
        req.session.flash = { type: 'success', text: 'Your request is in the plan. You can follow its progress here.' }
        res.redirect(303, tabPath(req))
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/plan/:planId',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const loaded = await load(req, res)
        await render(req, res, 'edition', editionTitle(loaded.plan), loaded)
      }),
    },
    ...draftForm({
      path: '/cases/:caseId/plan/:planId/details',
      view: 'details-form',
      title: (plan) =>
        plan.kind === 'crisis' ? 'Risks and contact arrangements' : 'What the family is working towards',
      answers: (plan) => ({
        summary: plan.summary ?? '',
        risks: plan.risks ?? '',
        contactArrangements: plan.contactArrangements ?? '',
      }),
      submission: (req, res, body, plan) => ({
        input: {
          summary: plan.kind === 'family-action' ? fieldText(body, 'summary') : plan.summary,
          risks: plan.kind === 'crisis' ? fieldText(body, 'risks') : plan.risks,
          contactArrangements:
            plan.kind === 'crisis' ? fieldText(body, 'contactArrangements') : plan.contactArrangements,
        },
        run: (input) => services.plans.saveDetails(requestContext(req, res), ...ids(req), versionOf(body), input),
      }),
      done: 'Saved',
    }),
    ...draftForm({
      path: '/cases/:caseId/plan/:planId/goals/new',
      view: 'goal-form',
      title: () => 'Add a goal',
      answers: goalAnswers,
      submission: (req, res, body) => goalSubmission(req, res, body, null),
      done: 'Goal added. Now add the actions that will help.',
    }),
    ...draftForm({
      path: '/cases/:caseId/plan/:planId/goals/:goalId',
      view: 'goal-form',
      title: () => 'Change a goal',
      answers: goalAnswers,
      submission: (req, res, body) => goalSubmission(req, res, body, String(req.params.goalId)),
      done: 'Goal changed',
    }),
    buttonPost(
      '/cases/:caseId/plan/:planId/goals/:goalId/remove',
      'cases:work',
      (req, res, version) =>
        services.plans.removeGoal(requestContext(req, res), ...ids(req), version, String(req.params.goalId)),
      'Goal removed, with its actions',
    ),
    ...draftForm({
      path: '/cases/:caseId/plan/:planId/actions/new',
      view: 'action-form',
      title: (plan) => (plan.kind === 'crisis' ? 'Add a safety action' : 'Add an action'),
      answers: actionAnswers,
      submission: (req, res, body, plan) => actionSubmission(req, res, body, plan, null),
      done: 'Action added',
    }),
    ...draftForm({
      path: '/cases/:caseId/plan/:planId/actions/:actionId',
      view: 'action-form',
      title: (plan) => (plan.kind === 'crisis' ? 'Change a safety action' : 'Change an action'),
      answers: actionAnswers,
      submission: (req, res, body, plan) => actionSubmission(req, res, body, plan, String(req.params.actionId)),
      done: 'Action changed',
    }),
    buttonPost(
      '/cases/:caseId/plan/:planId/actions/:actionId/remove',
      'cases:work',
      (req, res, version) =>
        services.plans.removeAction(requestContext(req, res), ...ids(req), version, String(req.params.actionId)),
      'Action removed',
    ),
    ...draftForm({
      path: '/cases/:caseId/plan/:planId/agree',
      view: 'agree-form',
      title: (plan) => `Agree the ${plan.kind === 'crisis' ? 'crisis intervention plan' : 'plan'}`,
      answers: () => ({}),
      submission: (req, res, body) => {
        const dateProblems: Record<string, string> = {}
        return {
          input: {
            agreedOn: readDate(body, 'agreedOn', 'the date the plan was agreed', dateProblems, true),
            agreedWith: fieldText(body, 'agreedWith'),
          },
          dateProblems,
          schema: agreeInputSchema,
          run: (input) =>
            services.plans.agree(requestContext(req, res), ...ids(req), versionOf(body), input as AgreeInput),
        }
      },
      done: 'The plan is agreed. A team manager can now sign it off.',
    }),
    buttonPost(
      '/cases/:caseId/plan/:planId/sign-off',
      'cases:manage',
      (req, res, version) => services.plans.signOff(requestContext(req, res), ...ids(req), version),
      'The plan is signed off',
    ),
    {
      method: 'get',
      path: '/cases/:caseId/plan/:planId/change',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const loaded = await load(req, res)
        if (loaded.closed || loaded.plan.status !== 'agreed') {
          req.session.flash = {
            type: 'important',
            text: loaded.closed
              ? 'The case is closed, so its plans can no longer be changed.'
              : loaded.plan.status === 'draft'
                ? 'This edition is still a draft: change it here.'
                : 'A later edition has replaced this one.',
          }
          return res.redirect(303, planPath(req))
        }
        await render(req, res, 'change-form', 'Change the plan', {
          ...loaded,
          answers: { version: String(loaded.plan.version) },
        })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/plan/:planId/change',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const body = req.body as FormBody
        const result = await submit({
          input: { changeReason: fieldText(body, 'changeReason') },
          run: (input) => services.plans.newEdition(requestContext(req, res), ...ids(req), versionOf(body), input),
        })
        if (!result.ok) return again(req, res, 'change-form', 'Change the plan', await load(req, res), result)
        req.session.flash = {
          type: 'success',
          text: 'A new edition has started as a draft. The edition in force stays in force until this one is agreed.',
        }
        res.redirect(303, `${tabPath(req)}/${result.value.id}`)
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/plan/:planId/actions/:actionId/status',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const loaded = await load(req, res)
        const action = actionOf(loaded.plan, req)
        if (!action) return res.status(404).render('errors/404.njk')
        if (loaded.closed || loaded.plan.status === 'superseded') {
          req.session.flash = {
            type: 'important',
            text: loaded.closed
              ? 'The case is closed, so its plans can no longer be changed.'
              : 'A later edition has replaced this one: record progress on that one.',
          }
          return res.redirect(303, planPath(req))
        }
        await render(req, res, 'status-form', 'Record progress', {
          ...loaded,
          ...formLocals(req, loaded.plan),
          answers: {
            status: action.status,
            statusNote: action.statusNote ?? '',
            ...dateAnswers('statusOn', services.plans.isoToday()),
            version: String(loaded.plan.version),
          },
        })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/plan/:planId/actions/:actionId/status',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const body = req.body as FormBody
        const dateProblems: Record<string, string> = {}
        const result = await submit({
          input: {
            status: fieldText(body, 'status'),
            statusNote: fieldText(body, 'statusNote'),
            statusOn: readDate(body, 'statusOn', 'the date', dateProblems),
          },
          dateProblems,
          schema: statusInputSchema,
          run: (input) =>
            services.plans.setActionStatus(
              requestContext(req, res),
              ...ids(req),
              String(req.params.actionId),
              versionOf(body),
              input as StatusInput,
            ),
        })
        if (!result.ok) {
          const loaded = await load(req, res)
          if (!actionOf(loaded.plan, req)) return res.status(404).render('errors/404.njk')
          return again(req, res, 'status-form', 'Record progress', loaded, result)
        }
        req.session.flash = { type: 'success', text: 'Progress recorded' }
        res.redirect(303, planPath(req))
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/plan/:planId/family-copy',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const copy = await services.plans.familyCopy(
          requestContext(req, res),
          String(req.params.caseId),
          String(req.params.planId),
        )
        res.render('plans/views/family-copy.njk', {
          pageTitle: 'Family copy of the plan',
          copy,
          back: planPath(req),
        })
      }),
    },
  ]
}
