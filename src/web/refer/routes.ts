import type { Request, Response } from 'express'
import { rateLimit } from 'express-rate-limit'
import { type Access, can } from '../../domain/access.ts'
import { whichServicesFit } from '../../domain/eligibility.ts'
import { isUuid } from '../../domain/identifiers.ts'
import { formatIsoDate, londonDate } from '../../domain/isoDate.ts'
import type { Programme } from '../../domain/programme/schema.ts'
import { PRESENTING_INDICATORS, SAFEGUARDING_LEVELS } from '../../domain/programme/vocabulary.ts'
import type { RequestContext } from '../../services/context.ts'
import { InvalidInputError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import {
  childDateProblems,
  consentSchema,
  referralAdultSchema,
  referralInputSchema,
  referrerSchema,
} from '../../services/referralInput.ts'
import { factsOfReferral } from '../../services/referrals.ts'
import { requestContext, signedInUser } from '../context.ts'
import { dateInputParts, readDateInput } from '../dateInput.ts'
import { type FormBody, type FormErrors, fieldList, fieldText, formErrors, yesNo } from '../forms.ts'
import type { PageRoute } from '../routing.ts'
import {
  type DraftAdult,
  type DraftChild,
  draftAsInput,
  emptyDraft,
  pageForField,
  type ReferralDraft,
} from './draft.ts'

/**
 * Referring a family: the public form at /refer (no account; professionals and parents) and
 * the same questions inside Hearth at /referrals/new (a team manager or partner social worker).
 * One question or topic per page, answers kept in the session until the referral is sent.
 */

interface Journey {
  /** Express path prefix. */
  path: string
  access: Access
  internal: boolean
  steps: string[]
}

const PUBLIC: Journey = {
  path: '/refer/:authorityId',
  access: 'public',
  internal: false,
  steps: ['who', 'about-you', 'service', 'children', 'adults', 'address', 'happening', 'hopes', 'consent', 'check'],
}
const INTERNAL: Journey = {
  path: '/referrals/new',
  access: 'referrals:create',
  internal: true,
  steps: ['service', 'children', 'adults', 'address', 'happening', 'facts', 'hopes', 'consent', 'check'],
}

export function referRoutes(services: Services, submitLimit: number): PageRoute[] {
  const limiter = rateLimit({
    windowMs: 60 * 60_000,
    limit: submitLimit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) =>
      res.status(429).render('refer/views/too-many.njk', { pageTitle: 'Too many referrals from this connection' }),
  })

  return [
    {
      method: 'get',
      path: '/refer',
      access: 'public',
      handler: async (_req, res) => {
        const authorities = await services.setup.publicAuthorities()
        if (authorities.length === 1) return res.redirect(303, `/refer/${authorities[0]?.id}`)
        res.render('refer/views/choose-authority.njk', { authorities })
      },
    },
    ...journeyRoutes(services, PUBLIC, limiter),
    ...journeyRoutes(services, INTERNAL, limiter),
  ]
}

function journeyRoutes(services: Services, journey: Journey, limiter: ReturnType<typeof rateLimit>): PageRoute[] {
  interface Referring {
    authorityId: string
    authorityName: string
    ctx: RequestContext
  }

  /**
   * The authority the referral is for, and who is acting; undefined if there is no such
   * authority. Looked up once per request: every handler and its render ask again.
   */
  async function who(req: Request, res: Response): Promise<Referring | undefined> {
    if (res.locals.referring) return res.locals.referring as Referring
    let found: Referring | undefined
    if (journey.internal) {
      const ctx = requestContext(req, res)
      const name = await services.setup.authorityName(ctx.actor.authorityId)
      found = { authorityId: ctx.actor.authorityId, authorityName: name ?? '', ctx }
    } else {
      const authorityId = String(req.params.authorityId)
      const name = isUuid(authorityId) ? await services.setup.authorityName(authorityId) : undefined
      if (name !== undefined) {
        found = {
          authorityId,
          authorityName: name,
          ctx: { actor: { type: 'public', authorityId }, requestId: String(req.id) },
        }
      }
    }
    res.locals.referring = found
    return found
  }

  const base = (authorityId: string) => (journey.internal ? '/referrals/new' : `/refer/${authorityId}`)

  function draftOf(req: Request, authorityId: string): ReferralDraft {
    req.session.referralDrafts ??= {}
    req.session.referralDrafts[authorityId] ??= emptyDraft()
    return req.session.referralDrafts[authorityId]
  }

  function nextPage(current: string, req: Request): string {
    if (req.query.from === 'check' || (req.body as FormBody)?.from === 'check') return 'check'
    const index = journey.steps.indexOf(current)
    return journey.steps[index + 1] ?? 'check'
  }

  function backPage(current: string): string | undefined {
    const index = journey.steps.indexOf(current)
    return index > 0 ? journey.steps[index - 1] : undefined
  }

  async function render(
    req: Request,
    res: Response,
    step: string,
    view: string,
    model: Record<string, unknown> = {},
    status = 200,
  ) {
    const found = await who(req, res)
    if (!found) return res.status(404).render('errors/404.njk')
    const running = await services.programmes.running(found.ctx)
    const draft = draftOf(req, found.authorityId)
    const back = backPage(step)
    res.status(status).render(`refer/views/${view}.njk`, {
      base: base(found.authorityId),
      internal: journey.internal,
      authorityName: found.authorityName,
      running,
      draft,
      step,
      from: req.query.from === 'check' || (req.body as FormBody)?.from === 'check' ? 'check' : undefined,
      backHref: back ? `${base(found.authorityId)}/${back}` : journey.internal ? '/' : base(found.authorityId),
      indicators: PRESENTING_INDICATORS,
      levels: SAFEGUARDING_LEVELS,
      ...model,
    })
  }

  /** A page whose POST validates into the draft, then moves on. */
  function page(
    step: string,
    view: string,
    save: (body: FormBody, draft: ReferralDraft, on: string) => Record<string, string>,
  ): PageRoute[] {
    return [
      {
        method: 'get',
        path: `${journey.path}/${step}`,
        access: journey.access,
        handler: async (req, res) => {
          const found = await who(req, res)
          if (!found) return res.status(404).render('errors/404.njk')
          await render(req, res, step, view)
        },
      },
      {
        method: 'post',
        path: `${journey.path}/${step}`,
        access: journey.access,
        handler: async (req, res) => {
          const found = await who(req, res)
          if (!found) return res.status(404).render('errors/404.njk')
          const draft = draftOf(req, found.authorityId)
          const problems = save(req.body as FormBody, draft, londonDate(services.clock()))
          if (Object.keys(problems).length > 0) {
            return render(req, res, step, view, { errors: formErrors(problems), answers: req.body }, 400)
          }
          res.redirect(303, `${base(found.authorityId)}/${nextPage(step, req)}`)
        },
      },
    ]
  }

  const routes: PageRoute[] = []

  routes.push({
    method: 'get',
    path: journey.path,
    access: journey.access,
    handler: async (req, res) =>
      journey.internal ? res.redirect(303, `${journey.path}/${journey.steps[0]}`) : render(req, res, 'start', 'start'),
  })
  if (!journey.internal) {
    routes.push(
      ...page('who', 'who', (body, draft): Record<string, string> => {
        const type = fieldText(body, 'referrerType')
        if (type !== 'professional' && type !== 'parent') {
          return { referrerType: 'Select whether you are a professional or a parent or carer' }
        }
        draft.referrerType = type
        return {}
      }),
      ...page('about-you', 'about-you', (body, draft) => {
        const referrer = {
          type: draft.referrerType ?? 'professional',
          name: fieldText(body, 'name'),
          organisation: fieldText(body, 'organisation'),
          role: fieldText(body, 'role'),
          email: fieldText(body, 'email') || undefined,
          phone: fieldText(body, 'phone') || undefined,
        }
        const parsed = referrerSchema.safeParse(referrer)
        if (!parsed.success) return issuesByField(parsed.error.issues)
        draft.referrer = referrer
        return {}
      }),
    )
  }

  routes.push(
    ...page('service', 'service', (body, draft): Record<string, string> => {
      const chosen = fieldText(body, 'programmeId')
      if (!chosen) return { programmeId: 'Select a service, or say you are not sure' }
      draft.programmeId = chosen
      return {}
    }),
    {
      method: 'get',
      path: `${journey.path}/children`,
      access: journey.access,
      handler: (req, res) => render(req, res, 'children', 'children'),
    },
    {
      method: 'post',
      path: `${journey.path}/children`,
      access: journey.access,
      handler: async (req, res) => {
        const found = await who(req, res)
        if (!found) return res.status(404).render('errors/404.njk')
        if (draftOf(req, found.authorityId).children.length === 0) {
          return render(
            req,
            res,
            'children',
            'children',
            { errors: formErrors({ add: 'Add at least one child or unborn baby' }) },
            400,
          )
        }
        res.redirect(303, `${base(found.authorityId)}/${nextPage('children', req)}`)
      },
    },
    ...personPages(
      'child',
      'children',
      (draft) => draft.children,
      (body, on) => {
        const unborn = fieldText(body, 'born') === 'no'
        const dob = readDateInput(body, 'dateOfBirth', 'the child’s date of birth')
        const due = readDateInput(body, 'expectedDueDate', 'the expected due date')
        const child: DraftChild = {
          givenName: fieldText(body, 'givenName'),
          familyName: fieldText(body, 'familyName'),
          unborn,
          ...(unborn ? {} : dob.ok && dob.value ? { dateOfBirth: dob.value } : {}),
          ...(unborn && due.ok && due.value ? { expectedDueDate: due.value } : {}),
          ...(fieldText(body, 'nhsNumber') ? { nhsNumber: fieldText(body, 'nhsNumber') } : {}),
        }
        const problems: Record<string, string> = {}
        if (!child.givenName)
          problems.givenName = unborn
            ? 'Enter a first name, or Baby if there is none yet'
            : 'Enter the child’s first name'
        if (!child.familyName) problems.familyName = 'Enter the child’s last name'
        if (!fieldText(body, 'born')) problems.born = 'Select whether the child has been born'
        else if (!unborn && !dob.ok) problems['dateOfBirth-day'] = dob.message
        else if (unborn && !due.ok) problems['expectedDueDate-day'] = due.message
        else {
          const dates = childDateProblems(child, on)
          if (dates.dateOfBirth) problems['dateOfBirth-day'] = dates.dateOfBirth
          if (dates.expectedDueDate) problems['expectedDueDate-day'] = dates.expectedDueDate
        }
        if (child.nhsNumber) {
          const parsed = referralAdultSchema.shape.nhsNumber.safeParse(child.nhsNumber)
          if (!parsed.success) problems.nhsNumber = parsed.error.issues[0]?.message ?? 'Enter a valid NHS number'
        }
        return { value: child, problems }
      },
    ),
    {
      method: 'get',
      path: `${journey.path}/adults`,
      access: journey.access,
      handler: (req, res) => render(req, res, 'adults', 'adults'),
    },
    {
      method: 'post',
      path: `${journey.path}/adults`,
      access: journey.access,
      handler: async (req, res) => {
        const found = await who(req, res)
        if (!found) return res.status(404).render('errors/404.njk')
        res.redirect(303, `${base(found.authorityId)}/${nextPage('adults', req)}`)
      },
    },
    ...personPages(
      'adult',
      'adults',
      (draft) => draft.adults,
      (body, on) => {
        const dob = readDateInput(body, 'dateOfBirth', 'their date of birth')
        const adult: DraftAdult = {
          givenName: fieldText(body, 'givenName'),
          familyName: fieldText(body, 'familyName'),
          relationship: fieldText(body, 'relationship'),
          ...(dob.ok && dob.value ? { dateOfBirth: dob.value } : {}),
          ...(fieldText(body, 'nhsNumber') ? { nhsNumber: fieldText(body, 'nhsNumber') } : {}),
        }
        const parsed = referralAdultSchema.safeParse(adult)
        const problems = parsed.success ? {} : issuesByField(parsed.error.issues, { dateOfBirth: 'dateOfBirth-day' })
        if (!dob.ok) problems['dateOfBirth-day'] = dob.message
        else if (dob.value && dob.value > on)
          problems['dateOfBirth-day'] = `Their date of birth must be on or before ${formatIsoDate(on)}`
        return { value: adult, problems }
      },
    ),
    ...page('address', 'address', (body, draft) => {
      const input = {
        address: fieldText(body, 'address') || undefined,
        postcode: fieldText(body, 'postcode') || undefined,
      }
      const parsed = referralInputSchema.pick({ address: true, postcode: true }).safeParse(input)
      if (!parsed.success) return issuesByField(parsed.error.issues)
      draft.address = input.address
      draft.postcode = parsed.data.postcode
      return {}
    }),
    ...page('happening', 'happening', (body, draft) => {
      const indicators = fieldList(body, 'indicators').filter((i) => i in PRESENTING_INDICATORS)
      const parsed = referralInputSchema
        .pick({ whatIsHappening: true })
        .safeParse({ whatIsHappening: fieldText(body, 'whatIsHappening') })
      draft.indicators = indicators
      if (!parsed.success) return issuesByField(parsed.error.issues)
      draft.whatIsHappening = parsed.data.whatIsHappening
      return {}
    }),
    ...page('hopes', 'hopes', (body, draft) => {
      const parsed = referralInputSchema
        .pick({ hopedChange: true })
        .safeParse({ hopedChange: fieldText(body, 'hopedChange') })
      if (!parsed.success) return issuesByField(parsed.error.issues)
      draft.hopedChange = parsed.data.hopedChange
      return {}
    }),
    ...page('consent', 'consent', (body, draft) => {
      const consent = {
        familyAgreed: yesNo(fieldText(body, 'familyAgreed')),
        sharingAgreed: yesNo(fieldText(body, 'sharingAgreed')),
        givenBy: fieldText(body, 'givenBy') || undefined,
        reasonWithoutConsent: fieldText(body, 'reasonWithoutConsent') || undefined,
      }
      const parsed = consentSchema.safeParse(consent)
      const problems = parsed.success ? {} : issuesByField(parsed.error.issues)
      if (consent.familyAgreed === false && !consent.reasonWithoutConsent) {
        problems.reasonWithoutConsent = 'Explain why you are referring without the family’s agreement'
      }
      if (consent.familyAgreed && !consent.givenBy) problems.givenBy = 'Say who in the family agreed'
      if (Object.keys(problems).length === 0) draft.consent = consent
      return problems
    }),
  )

  if (journey.internal) {
    routes.push(
      ...page('facts', 'facts', (body, draft) => {
        const removals = fieldText(body, 'previousRemovals')
        const problems: Record<string, string> = {}
        if (removals && (!/^\d+$/.test(removals) || Number(removals) > 20)) {
          problems.previousRemovals = 'Enter the number of children removed before as a whole number from 0 to 20'
        }
        const level = fieldText(body, 'safeguardingLevel')
        draft.facts = {
          ...(['1', '2', '3', '4'].includes(level) ? { safeguardingLevel: Number(level) } : {}),
          ...(yesNo(fieldText(body, 'socialWorkerAllocated')) !== undefined
            ? { socialWorkerAllocated: yesNo(fieldText(body, 'socialWorkerAllocated')) }
            : {}),
          ...(yesNo(fieldText(body, 'childInNeedStepDown')) !== undefined
            ? { childInNeedStepDown: yesNo(fieldText(body, 'childInNeedStepDown')) }
            : {}),
          ...(yesNo(fieldText(body, 'youngPersonHomeless')) !== undefined
            ? { youngPersonHomeless: yesNo(fieldText(body, 'youngPersonHomeless')) }
            : {}),
          ...(removals && !problems.previousRemovals ? { previousRemovals: Number(removals) } : {}),
        }
        return problems
      }),
    )
  }

  routes.push(
    {
      method: 'get',
      path: `${journey.path}/check`,
      access: journey.access,
      handler: async (req, res) => render(req, res, 'check', 'check', await checkModel(req, res)),
    },
    {
      method: 'post',
      path: `${journey.path}/check`,
      access: journey.access,
      before: [limiter],
      handler: async (req, res) => {
        const found = await who(req, res)
        if (!found) return res.status(404).render('errors/404.njk')
        const body = req.body as FormBody
        // A field people cannot see: only a robot fills it in.
        if (fieldText(body, 'website')) {
          return render(
            req,
            res,
            'check',
            'check',
            {
              ...(await checkModel(req, res)),
              errors: formErrors({ send: 'This referral could not be sent. Try again.' }),
            },
            400,
          )
        }
        const draft = draftOf(req, found.authorityId)
        if (journey.internal) {
          const user = signedInUser(res)
          draft.referrerType = 'professional'
          draft.referrer = {
            name: user.name,
            organisation: found.authorityName || 'Local authority',
            role: user.role.replace('_', ' '),
            email: user.email,
          }
        }
        const suggested = fieldText(body, 'programmeId')
        if (suggested) draft.programmeId = suggested
        const parsed = referralInputSchema.safeParse(draftAsInput(draft))
        const fail = async (fields: Record<string, string>) => {
          const errors: FormErrors = {
            fields,
            list: Object.entries(fields).map(([field, message]) => ({
              text: message,
              href: `${base(found.authorityId)}/${pageForField(field)}?from=check`,
            })),
          }
          return render(req, res, 'check', 'check', { ...(await checkModel(req, res)), errors }, 400)
        }
        if (!parsed.success) return fail(issuesByField(parsed.error.issues, {}, '.'))
        try {
          const created = await services.referrals.create(
            found.ctx,
            parsed.data,
            journey.internal ? 'internal' : draft.referrerType === 'parent' ? 'public-parent' : 'public-professional',
            await services.programmes.calendar(found.ctx),
          )
          delete req.session.referralDrafts?.[found.authorityId]
          req.session.referralSent = {
            authorityId: found.authorityId,
            reference: created.reference,
            email: parsed.data.referrer.email,
          }
          if (journey.internal && can(signedInUser(res).role, 'referrals:manage')) {
            req.session.flash = {
              type: 'success',
              heading: 'Referral sent',
              text: `The reference is ${created.reference}.`,
            }
            return res.redirect(303, `/referrals/${created.id}`)
          }
          res.redirect(303, `${base(found.authorityId)}/sent`)
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error
          return fail(error.fields)
        }
      },
    },
  )

  routes.push({
    method: 'get',
    path: `${journey.path}/sent`,
    access: journey.access,
    handler: async (req, res) => {
      const found = await who(req, res)
      if (!found) return res.status(404).render('errors/404.njk')
      const sent = req.session.referralSent
      if (!sent || sent.authorityId !== found.authorityId) return res.redirect(303, base(found.authorityId))
      await render(req, res, 'sent', 'sent', { sent })
    },
  })

  /** What the check page shows: the answers, and for "not sure", the services that may fit. */
  async function checkModel(req: Request, res: Response) {
    const found = await who(req, res)
    if (!found) return {}
    const draft = draftOf(req, found.authorityId)
    const running = await services.programmes.running(found.ctx)
    const on = londonDate(services.clock())
    let suggestions: { programme: Programme; label: string }[] = []
    if (!draft.programmeId || draft.programmeId === 'not-sure') {
      const facts = factsOfReferral(
        { indicators: draft.indicators, facts: draft.facts ?? {} },
        draft.children.map((c) => ({ role: c.unborn ? 'unborn' : 'child', ...c })),
      )
      suggestions = whichServicesFit(facts, running, on).map((s) => ({
        programme: running.find((p) => p.id === s.programmeId) as Programme,
        label: s.label,
      }))
    }
    return { programmeName: running.find((p) => p.id === draft.programmeId)?.name, suggestions }
  }

  /** Add, change and remove pages for the children or adults in the draft. */
  function personPages<T extends DraftChild | DraftAdult>(
    kind: 'child' | 'adult',
    summary: 'children' | 'adults',
    people: (draft: ReferralDraft) => T[],
    read: (body: FormBody, on: string) => { value: T; problems: Record<string, string> },
  ): PageRoute[] {
    const view = kind
    const answersOf = (person: T | undefined) => {
      if (!person) return {}
      const dob = dateInputParts(person.dateOfBirth)
      const due = dateInputParts((person as DraftChild).expectedDueDate)
      return {
        ...person,
        born: kind === 'child' ? ((person as DraftChild).unborn ? 'no' : 'yes') : undefined,
        'dateOfBirth-day': dob.day,
        'dateOfBirth-month': dob.month,
        'dateOfBirth-year': dob.year,
        'expectedDueDate-day': due.day,
        'expectedDueDate-month': due.month,
        'expectedDueDate-year': due.year,
      }
    }
    return [
      {
        method: 'get',
        path: `${journey.path}/${kind}/:index`,
        access: journey.access,
        handler: async (req, res) => {
          const found = await who(req, res)
          if (!found) return res.status(404).render('errors/404.njk')
          const index = req.params.index === 'new' ? 'new' : Number(req.params.index)
          const existing = index === 'new' ? undefined : people(draftOf(req, found.authorityId))[index]
          if (index !== 'new' && !existing) return res.status(404).render('errors/404.njk')
          await render(req, res, summary, view, { index, answers: answersOf(existing) })
        },
      },
      {
        method: 'post',
        path: `${journey.path}/${kind}/:index`,
        access: journey.access,
        handler: async (req, res) => {
          const found = await who(req, res)
          if (!found) return res.status(404).render('errors/404.njk')
          const all = people(draftOf(req, found.authorityId))
          const index = req.params.index === 'new' ? 'new' : Number(req.params.index)
          if (index !== 'new' && !all[index]) return res.status(404).render('errors/404.njk')
          if (index === 'new' && all.length >= (kind === 'child' ? 10 : 6)) {
            return render(
              req,
              res,
              summary,
              view,
              {
                index,
                answers: req.body,
                errors: formErrors({ givenName: `You can add up to ${kind === 'child' ? 10 : 6}` }),
              },
              400,
            )
          }
          const { value, problems } = read(req.body as FormBody, londonDate(services.clock()))
          if (Object.keys(problems).length > 0) {
            return render(req, res, summary, view, { index, answers: req.body, errors: formErrors(problems) }, 400)
          }
          if (index === 'new') all.push(value)
          else all[index] = value
          const from = (req.body as FormBody).from === 'check' ? '?from=check' : ''
          res.redirect(303, `${base(found.authorityId)}/${summary}${from}`)
        },
      },
      {
        method: 'post',
        path: `${journey.path}/${kind}/:index/remove`,
        access: journey.access,
        handler: async (req, res) => {
          const found = await who(req, res)
          if (!found) return res.status(404).render('errors/404.njk')
          const all = people(draftOf(req, found.authorityId))
          const index = Number(req.params.index)
          if (!all[index]) return res.status(404).render('errors/404.njk')
          all.splice(index, 1)
          res.redirect(303, `${base(found.authorityId)}/${summary}`)
        },
      },
    ]
  }

  return routes
}

/** zod issues as field → first message, with names as the page's inputs have them. */
function issuesByField(
  issues: { path: PropertyKey[]; message: string }[],
  rename: Record<string, string> = {},
  join = '-',
): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const issue of issues) {
    const name = issue.path.map(String).join(join) || 'form'
    fields[rename[name] ?? name] ??= issue.message
  }
  return fields
}
