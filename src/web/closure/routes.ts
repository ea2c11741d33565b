import type { Request, Response } from 'express'
import { can } from '../../domain/access.ts'
import {
  type ClosureInput,
  type FollowUpInput,
  OUTCOME_RESULTS,
  POSITIVE_RESULTS,
  participantName,
} from '../../domain/closure.ts'
import { formatIsoDate, type IsoDate } from '../../domain/isoDate.ts'
import { EPISODE_END_REASONS } from '../../domain/programme/vocabulary.ts'
import type { ClosureOverview, FollowUpView } from '../../services/closures.ts'
import { ConflictError, InvalidInputError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import { caseHandler, renderCasePage } from '../cases/shell.ts'
import { requestContext, signedInUser } from '../context.ts'
import { type DateInputResult, dateInputParts, readDateInput } from '../dateInput.ts'
import { type FormBody, type FormErrors, fieldText, formErrors, keptAnswers } from '../forms.ts'
import type { PageRoute } from '../routing.ts'

/**
 * The Closure tab: what closing involves for the case's service, the worker's proposal (and
 * changes to it), a team manager's sign-off, closure steps still to do after it (a report sent
 * after closure), and the follow-up checks at 3, 6 and 12 months.
 */

const yesNoUnborn = (value: string): boolean | null | undefined =>
  value === 'yes' ? true : value === 'no' ? false : value === 'unborn' ? null : undefined
const answerOf = (value: boolean | null | undefined) =>
  value === true ? 'yes' : value === false ? 'no' : value === null ? 'unborn' : ''
const atHomeText = (value: boolean | null | undefined) =>
  value === true ? 'Living at home' : value === false ? 'Not living at home' : value === null ? 'Not born yet' : ''

/** A date a form could not read, passed on so the service's check names the field too. */
const NOT_A_DATE = 'not-a-date'

/** The form's fields in page order: the error summary lists problems in this order. */
function fieldOrder(o: ClosureOverview): string[] {
  return [
    'form',
    'closedOn',
    'reason',
    'destinationId',
    'outcomes',
    ...o.needs.headlines.flatMap((n) => [`outcome-${n.headline}`, `outcome-${n.headline}-evidence`]),
    'children',
    ...o.children.map((c) => `child-${c.personId}`),
    'steps',
    ...o.steps.flatMap((s) => [
      `step-${s.id}`,
      `step-${s.id}-doneOn`,
      ...s.recipients.map((p) => `sent-${p}`),
      `step-${s.id}-note`,
    ]),
    'recipients',
  ]
}

const isDateField = (name: string) => name === 'closedOn' || name === 'doneOn' || /^step-.+-doneOn$|^sent-/.test(name)

/** Problems keyed as the service keys them, in page order, each linked to its field (a date's day box). */
function ordered(order: string[], fields: Record<string, string>): FormErrors {
  const out: Record<string, string> = {}
  const put = (name: string) => {
    const text = fields[name]
    if (text) out[isDateField(name) ? `${name}-day` : name] ??= text
  }
  for (const name of order) put(name)
  for (const name of Object.keys(fields)) put(name)
  return formErrors(out)
}

/** Reads a date input into the service's input, keeping the date input's own message. */
function dateOf(body: FormBody, name: string, label: string, required: boolean, problems: Record<string, string>) {
  const read: DateInputResult = readDateInput(body, name, label, required)
  if (!read.ok) {
    problems[name] = read.message
    return NOT_A_DATE
  }
  return read.value ?? null
}

/** The steps and report recipients on a posted form. */
function readSteps(o: ClosureOverview, body: FormBody, problems: Record<string, string>) {
  const steps: NonNullable<ClosureInput['steps']> = []
  const recipients: NonNullable<ClosureInput['recipients']> = []
  for (const step of o.steps) {
    if (step.recipients.length > 0) {
      for (const p of step.recipients) {
        recipients.push({
          participant: p,
          sentOn: dateOf(
            body,
            `sent-${p}`,
            `the date the report was sent to ${participantName(p).toLowerCase()}`,
            false,
            problems,
          ),
        })
      }
      steps.push({ stepId: step.id, note: fieldText(body, `step-${step.id}-note`) })
      continue
    }
    const done = fieldText(body, `step-${step.id}`) === 'yes'
    const doneOn = dateOf(body, `step-${step.id}-doneOn`, 'the date it was done', false, problems)
    if (!done) delete problems[`step-${step.id}-doneOn`]
    steps.push({ stepId: step.id, done, doneOn: done ? doneOn : null, note: fieldText(body, `step-${step.id}-note`) })
  }
  return { steps, recipients }
}

function readClosure(o: ClosureOverview, body: FormBody) {
  const problems: Record<string, string> = {}
  const input: ClosureInput = {
    closedOn: dateOf(body, 'closedOn', 'the closing date', true, problems) ?? '',
    reason: fieldText(body, 'reason'),
    destinationId: fieldText(body, 'destinationId'),
    outcomes: o.needs.headlines.map((n) => ({
      headline: n.headline,
      result: fieldText(body, `outcome-${n.headline}`) || null,
      evidence: fieldText(body, `outcome-${n.headline}-evidence`),
    })),
    children: o.children.flatMap((c) => {
      const answer = yesNoUnborn(fieldText(body, `child-${c.personId}`))
      return answer === undefined ? [] : [{ personId: c.personId, livingAtHome: answer }]
    }),
    ...readSteps(o, body, problems),
  }
  return { input, problems }
}

function dateAnswers(name: string, value: string | null | undefined): Record<string, string> {
  const parts = dateInputParts((value ?? undefined) as IsoDate | undefined)
  return { [`${name}-day`]: parts.day, [`${name}-month`]: parts.month, [`${name}-year`]: parts.year }
}

/** The proposal as the form shows it. */
function closureAnswers(o: ClosureOverview): Record<string, string> {
  const c = o.closure
  if (!c) return {}
  const answers: Record<string, string> = {
    ...dateAnswers('closedOn', c.closedOn),
    reason: c.reason,
    destinationId: c.destination.id,
    version: String(c.version),
  }
  for (const out of c.outcomes) {
    answers[`outcome-${out.headline}`] = out.result
    answers[`outcome-${out.headline}-evidence`] = out.evidence
  }
  for (const child of c.children) answers[`child-${child.personId}`] = answerOf(child.livingAtHome)
  for (const s of c.steps) {
    answers[`step-${s.stepId}`] = s.done ? 'yes' : 'no'
    Object.assign(answers, dateAnswers(`step-${s.stepId}-doneOn`, s.doneOn))
    answers[`step-${s.stepId}-note`] = s.note ?? ''
  }
  for (const r of c.recipients) Object.assign(answers, dateAnswers(`sent-${r.participant}`, r.sentOn))
  return answers
}

/** The proposal as a reader sees it: sections of [label, text] rows. */
function describe(o: ClosureOverview) {
  const c = o.closure
  if (!c) return null
  const childName = (id: string) => {
    const child = o.children.find((x) => x.personId === id)
    return child ? `${child.givenName} ${child.familyName}` : 'A child no longer on the case'
  }
  const needName = (n: number) => o.needs.headlines.find((h) => h.headline === n)?.name ?? `Outcome ${n}`
  return {
    closing: [
      ['Closing date', formatIsoDate(c.closedOn)],
      ['Reason', c.reason],
      ['Where the family goes next', c.destination.name],
      ['Reported as', EPISODE_END_REASONS[c.destination.reportsAs]],
    ],
    outcomes: c.outcomes.map((out) => ({
      name: needName(out.headline),
      result: OUTCOME_RESULTS[out.result],
      positive: POSITIVE_RESULTS.includes(out.result),
      evidence: out.evidence,
    })),
    children: c.children.map((child) => [childName(child.personId), atHomeText(child.livingAtHome)]),
    steps: o.steps.map((rule) => {
      const s = c.steps.find((x) => x.stepId === rule.id)
      const sent = rule.recipients.map((p) => {
        const on = c.recipients.find((r) => r.participant === p)?.sentOn
        return `${participantName(p)}: ${on ? `sent ${formatIsoDate(on)}` : 'not sent yet'}`
      })
      return {
        name: rule.name,
        done: Boolean(s?.done),
        text: [s?.done && s.doneOn ? `Done on ${formatIsoDate(s.doneOn)}` : 'Not done yet', ...sent].join('. '),
        note: s?.note ?? null,
      }
    }),
  }
}

/** The follow-up's answers as its form shows them. */
function followUpAnswers(f: FollowUpView): Record<string, string> {
  const answers: Record<string, string> = { version: String(f.version) }
  if (!f.doneOn) return answers
  Object.assign(answers, dateAnswers('doneOn', f.doneOn))
  for (const c of f.children) answers[`child-${c.personId}`] = answerOf(c.livingAtHome)
  answers.reReferred = f.reReferred === true ? 'yes' : f.reReferred === false ? 'no' : ''
  answers.note = f.note ?? ''
  return answers
}

const versionOf = (body: FormBody) => {
  const v = Number.parseInt(fieldText(body, 'version'), 10)
  return Number.isFinite(v) ? v : 0
}

export function closureRoutes(services: Services): PageRoute[] {
  const tabPath = (req: Request) => `/cases/${req.params.caseId}/closure`
  const caseId = (req: Request) => String(req.params.caseId)
  const overview = (req: Request, res: Response) => services.closures.overview(requestContext(req, res), caseId(req))
  const isManager = (res: Response) => can(signedInUser(res).role, 'cases:manage')

  async function page(
    req: Request,
    res: Response,
    view: string,
    pageTitle: string,
    o: ClosureOverview,
    locals: Record<string, unknown> = {},
    status = 200,
  ) {
    await renderCasePage(
      services,
      req,
      res,
      'closure',
      `closure/views/${view}.njk`,
      {
        pageTitle,
        o,
        summary: describe(o),
        results: OUTCOME_RESULTS,
        isManager: isManager(res),
        participantNames: Object.fromEntries(o.steps.flatMap((s) => s.recipients.map((p) => [p, participantName(p)]))),
        tabPath: tabPath(req),
        ...locals,
      },
      status,
    )
  }

  /** The proposal form, to propose or to change a proposal. */
  async function proposalPage(
    req: Request,
    res: Response,
    o: ClosureOverview,
    locals: { answers: Record<string, string>; errors?: FormErrors; conflict?: boolean },
    status = 200,
  ) {
    const changing = Boolean(o.closure)
    await page(
      req,
      res,
      'propose',
      changing ? 'Change the closure proposal' : 'Propose closure',
      o,
      { changing, ...locals },
      status,
    )
  }

  /** Pages that change a proposal: not once the case is closed. */
  const stillOpen = (o: ClosureOverview) => !o.closed && o.closure?.status !== 'signed-off'

  async function laterStepsPage(
    req: Request,
    res: Response,
    o: ClosureOverview,
    locals: { answers: Record<string, string>; errors?: FormErrors; conflict?: boolean },
    status = 200,
  ) {
    await page(req, res, 'steps', 'Record closure steps', o, locals, status)
  }

  async function followUpPage(
    req: Request,
    res: Response,
    locals: { answers?: Record<string, string>; errors?: FormErrors; conflict?: boolean },
    status = 200,
  ) {
    const found = await services.closures.followUp(requestContext(req, res), caseId(req), String(req.params.followUpId))
    await renderCasePage(
      services,
      req,
      res,
      'closure',
      'closure/views/follow-up.njk',
      {
        pageTitle: `Record the ${found.followUp.months}-month follow-up`,
        found,
        tabPath: tabPath(req),
        answers: locals.answers ?? followUpAnswers(found.followUp),
        errors: locals.errors,
        conflict: locals.conflict,
      },
      status,
    )
  }

  type FormPage = (
    req: Request,
    res: Response,
    o: ClosureOverview,
    locals: { answers: Record<string, string>; errors?: FormErrors; conflict?: boolean },
    status?: number,
  ) => Promise<void>

  /**
   * Saves; on a problem shows the form again with every problem (a date input's own message, like
   * "must include a month", before the service's), or on a conflict with the closure as it is now
   * and the answers typed. False when it did not save.
   */
  async function saveOrShow(
    req: Request,
    res: Response,
    o: ClosureOverview,
    show: FormPage,
    form: { answers: Record<string, string>; problems: Record<string, string> },
    save: () => Promise<unknown>,
  ): Promise<boolean> {
    try {
      await save()
      return true
    } catch (error) {
      if (error instanceof InvalidInputError) {
        const errors = ordered(fieldOrder(o), { ...error.fields, ...form.problems })
        await show(req, res, o, { answers: form.answers, errors }, 400)
        return false
      }
      if (error instanceof ConflictError) {
        const now = await overview(req, res)
        const answers = { ...form.answers, version: String(now.closure?.version ?? 0) }
        await show(req, res, now, { answers, conflict: true }, 409)
        return false
      }
      throw error
    }
  }

  return [
    {
      method: 'get',
      path: '/cases/:caseId/closure',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const o = await overview(req, res)
        await page(req, res, 'closure', 'Closure', o)
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/closure/propose',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const o = await overview(req, res)
        if (!stillOpen(o)) return res.redirect(303, tabPath(req))
        await proposalPage(req, res, o, { answers: closureAnswers(o) })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/closure/propose',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const o = await overview(req, res)
        const body = req.body as FormBody
        const answers = keptAnswers(body)
        if (!stillOpen(o)) {
          return proposalPage(
            req,
            res,
            o,
            { answers, errors: formErrors({ form: 'The case is closed: its closure is signed off' }) },
            400,
          )
        }
        const { input, problems } = readClosure(o, body)
        const ctx = requestContext(req, res)
        const saved = await saveOrShow(req, res, o, proposalPage, { answers, problems }, () =>
          o.closure
            ? services.closures.change(ctx, caseId(req), versionOf(body), input)
            : services.closures.propose(ctx, caseId(req), input),
        )
        if (!saved) return
        req.session.flash = {
          type: 'success',
          text: o.closure ? 'Closure proposal changed' : 'Closure proposed: a team manager will sign it off',
        }
        res.redirect(303, tabPath(req))
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/closure/sign-off',
      access: 'cases:manage',
      handler: caseHandler(async (req, res) => {
        const o = await overview(req, res)
        if (o.closure?.status !== 'proposed') return res.redirect(303, tabPath(req))
        await page(req, res, 'sign-off', 'Sign off closure', o, { answers: { version: String(o.closure.version) } })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/closure/sign-off',
      access: 'cases:manage',
      handler: caseHandler(async (req, res) => {
        const body = req.body as FormBody
        try {
          await services.closures.signOff(requestContext(req, res), caseId(req), versionOf(body))
        } catch (error) {
          const o = await overview(req, res)
          if (o.closure?.status !== 'proposed') return res.redirect(303, tabPath(req))
          if (error instanceof InvalidInputError) {
            // Nothing on this page can be changed: each problem links to the sign-off button.
            const errors = formErrors({ 'sign-off': Object.values(error.fields).join('. ') })
            return page(
              req,
              res,
              'sign-off',
              'Sign off closure',
              o,
              { answers: { version: String(o.closure.version) }, errors },
              400,
            )
          }
          if (error instanceof ConflictError) {
            return page(
              req,
              res,
              'sign-off',
              'Sign off closure',
              o,
              { answers: { version: String(o.closure.version) }, conflict: true },
              409,
            )
          }
          throw error
        }
        req.session.flash = {
          type: 'success',
          text: 'Closure signed off: the case is closed, and follow-ups are due at 3, 6 and 12 months',
        }
        res.redirect(303, tabPath(req))
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/closure/steps',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const o = await overview(req, res)
        if (o.closure?.status !== 'signed-off' || o.toDo.length === 0) return res.redirect(303, tabPath(req))
        await laterStepsPage(req, res, o, { answers: closureAnswers(o) })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/closure/steps',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const o = await overview(req, res)
        if (o.closure?.status !== 'signed-off') return res.redirect(303, tabPath(req))
        const body = req.body as FormBody
        const answers = keptAnswers(body)
        const problems: Record<string, string> = {}
        const input = readSteps(o, body, problems)
        const saved = await saveOrShow(req, res, o, laterStepsPage, { answers, problems }, () =>
          services.closures.recordSteps(requestContext(req, res), caseId(req), versionOf(body), input),
        )
        if (!saved) return
        req.session.flash = { type: 'success', text: 'Closure steps recorded' }
        res.redirect(303, tabPath(req))
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/closure/follow-ups/:followUpId',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => followUpPage(req, res, {})),
    },
    {
      method: 'post',
      path: '/cases/:caseId/closure/follow-ups/:followUpId',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const ctx = requestContext(req, res)
        const body = req.body as FormBody
        const answers = keptAnswers(body)
        const found = await services.closures.followUp(ctx, caseId(req), String(req.params.followUpId))
        const problems: Record<string, string> = {}
        const reReferred = fieldText(body, 'reReferred')
        const input: FollowUpInput = {
          doneOn: dateOf(body, 'doneOn', 'the date of the follow-up', true, problems) ?? '',
          children: found.children.flatMap((c) => {
            const answer = yesNoUnborn(fieldText(body, `child-${c.personId}`))
            return answer === undefined ? [] : [{ personId: c.personId, livingAtHome: answer }]
          }),
          reReferred: reReferred === 'yes' ? true : reReferred === 'no' ? false : null,
          note: fieldText(body, 'note'),
        }
        const order = [
          'form',
          'doneOn',
          'children',
          ...found.children.map((c) => `child-${c.personId}`),
          'reReferred',
          'note',
        ]
        try {
          await services.closures.recordFollowUp(
            ctx,
            caseId(req),
            String(req.params.followUpId),
            versionOf(body),
            input,
          )
        } catch (error) {
          if (error instanceof InvalidInputError) {
            return followUpPage(req, res, { answers, errors: ordered(order, { ...error.fields, ...problems }) }, 400)
          }
          if (error instanceof ConflictError) {
            return followUpPage(
              req,
              res,
              { answers: { ...answers, version: String(found.followUp.version) }, conflict: true },
              409,
            )
          }
          throw error
        }
        req.session.flash = { type: 'success', text: `${found.followUp.months}-month follow-up recorded` }
        res.redirect(303, tabPath(req))
      }),
    },
  ]
}
