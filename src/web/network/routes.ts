import type { Request, Response } from 'express'
import { isUuid } from '../../domain/identifiers.ts'
import {
  ageOn,
  CONSENT_HOW,
  CONSENT_PURPOSES,
  consentStatus,
  describePerson,
  describeRelationship,
  fullName,
  groupOf,
  LAWFUL_REASONS,
  layoutNetwork,
  mustConsent,
  NETWORK_GROUPS,
  NETWORK_ROLES,
  type NetworkGroup,
  RELATIONSHIP_KINDS,
  roleName,
} from '../../domain/network.ts'
import { ConflictError, InvalidInputError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import {
  type CasePersonView,
  consentProblems,
  type NetworkView,
  personProblems,
  sharingProblems,
  withdrawalProblems,
} from '../../services/network.ts'
import { caseHandler, renderCasePage } from '../cases/shell.ts'
import { requestContext } from '../context.ts'
import { dateInputParts, readDateInput } from '../dateInput.ts'
import { type FormBody, fieldList, fieldText, formErrors, keptAnswers } from '../forms.ts'
import type { PageRoute } from '../routing.ts'
import { LEGEND, renderGenogram } from './genogram.ts'

/** The People and network tab: the family's people, how they are connected, consent and information sharing. */

const vocabulary = {
  roles: NETWORK_ROLES,
  kinds: RELATIONSHIP_KINDS,
  purposes: CONSENT_PURPOSES,
  how: CONSENT_HOW,
  lawfulReasons: LAWFUL_REASONS,
  groups: NETWORK_GROUPS,
}

const DATE_FIELDS = ['dateOfBirth', 'expectedDueDate', 'decidedOn', 'withdrawnOn', 'sharedOn']

/** Service errors name the date; the page's error sits on the date's day box. */
function pageErrors(fields: Record<string, string>) {
  return formErrors(
    Object.fromEntries(Object.entries(fields).map(([k, v]) => [DATE_FIELDS.includes(k) ? `${k}-day` : k, v])),
  )
}

function notFound(res: Response) {
  return res.status(404).render('errors/404.njk')
}

/** Reads the named date inputs; a problem goes into `fields` under the day box. */
function readDates(body: FormBody, dates: [string, string, boolean][], fields: Record<string, string>) {
  const values: Record<string, string | null> = {}
  for (const [name, label, required] of dates) {
    const read = readDateInput(body, name, label, required)
    if (!read.ok) fields[`${name}-day`] = read.message
    else values[name] = read.value ?? null
  }
  return values
}

function options(people: CasePersonView[], selected: string, placeholder: string) {
  return [
    { value: '', text: placeholder },
    ...people.map((p) => ({
      value: p.personId,
      text: `${fullName(p)} (${roleName(p.role).toLowerCase()})`,
      selected: p.personId === selected,
    })),
  ]
}

/** A role picked for someone the referral called a parent or carer, when their details are edited. */
function editableRole(person: CasePersonView): string {
  if (person.role !== 'adult') return person.role
  return /mother|father|mum|dad|parent/i.test(person.relationship ?? '') ? 'parent' : 'carer'
}

export function networkRoutes(services: Services): PageRoute[] {
  const today = () => services.cases.isoToday()
  const load = (req: Request, res: Response) =>
    services.network.network(requestContext(req, res), String(req.params.caseId), { audited: false })

  const back = (req: Request, hash = '') => `/cases/${req.params.caseId}/people${hash}`

  async function peoplePage(req: Request, res: Response) {
    const network = await load(req, res)
    const { people, relationships, consents, sharing, on } = network
    const byId = new Map(people.map((p) => [p.personId, p]))
    const groups = (Object.keys(NETWORK_GROUPS) as NetworkGroup[])
      .map((group) => ({
        id: group,
        title: NETWORK_GROUPS[group],
        people: people
          .filter((p) => groupOf(p.role) === group)
          .map((p) => ({ ...p, name: fullName(p), roleText: roleName(p.role), age: ageOn(p, on) })),
      }))
      .filter((g) => g.people.length > 0)
    const layout = layoutNetwork(people, relationships)
    const genogram = people.length
      ? renderGenogram(layout, people, {
          id: 'genogram',
          title: 'Genogram and ecomap of the family',
          description: `${people.length} people and ${relationships.length} connections. The same facts are listed as text after the drawing.`,
          on,
        })
      : ''
    const consentRows = people
      .map((p) => ({
        person: p,
        name: fullName(p),
        mustConsent: mustConsent(p, on),
        consents: consents
          .filter((c) => c.personId === p.personId)
          .map((c) => ({ ...c, status: consentStatus(c, on) })),
      }))
      .filter((row) => row.mustConsent || row.consents.length > 0)
    await renderCasePage(services, req, res, 'people', 'network/views/people.njk', {
      pageTitle: 'People and network',
      closed: network.row.status === 'closed',
      groups,
      genogram,
      legend: LEGEND,
      whoIsWho: people.map((p) => describePerson(p, on)),
      connections: relationships.map((r) => ({ id: r.id, text: describeRelationship(r, byId), note: r.note })),
      consentRows,
      gaps: network.gaps,
      sharing: sharing.map((s) => ({
        ...s,
        about: s.personIds.map((id) => (byId.has(id) ? fullName(byId.get(id) as CasePersonView) : 'Unknown')),
      })),
      vocabulary,
    })
  }

  async function personForm(
    req: Request,
    res: Response,
    locals: { answers: Record<string, unknown>; errors?: unknown; person?: CasePersonView; conflict?: unknown },
    status = 200,
  ) {
    await renderCasePage(
      services,
      req,
      res,
      'people',
      'network/views/person-form.njk',
      { pageTitle: locals.person ? 'Change a person’s details' : 'Add a person', vocabulary, ...locals },
      status,
    )
  }

  function personInput(body: FormBody, fields: Record<string, string>) {
    const dates = readDates(
      body,
      [
        ['dateOfBirth', 'the date of birth', false],
        ['expectedDueDate', 'the expected due date', false],
      ],
      fields,
    )
    const text = (name: string) => fieldText(body, name)
    return {
      role: text('role') as never,
      givenName: text('givenName'),
      familyName: text('familyName'),
      dateOfBirth: dates.dateOfBirth,
      expectedDueDate: dates.expectedDueDate,
      relationship: text('relationship'),
      agency: text('agency'),
      professionalRole: text('professionalRole'),
      phone: text('phone'),
      email: text('email'),
    }
  }

  async function relationshipForm(req: Request, res: Response, answers: FormBody, errors?: unknown, status = 200) {
    const network = await load(req, res)
    await renderCasePage(
      services,
      req,
      res,
      'people',
      'network/views/relationship-form.njk',
      {
        pageTitle: 'Add a connection',
        answers,
        errors,
        fromOptions: options(network.people, fieldText(answers, 'fromPersonId'), 'Select a person'),
        toOptions: options(network.people, fieldText(answers, 'toPersonId'), 'Select a person'),
        kindOptions: [
          { value: '', text: 'Select how they are connected' },
          ...Object.entries(RELATIONSHIP_KINDS).map(([value, text]) => ({
            value,
            text,
            selected: value === fieldText(answers, 'kind'),
          })),
        ],
        vocabulary,
      },
      status,
    )
  }

  async function consentForm(req: Request, res: Response, answers: FormBody, errors?: unknown, status = 200) {
    const network = await load(req, res)
    await renderCasePage(
      services,
      req,
      res,
      'people',
      'network/views/consent-form.njk',
      {
        pageTitle: 'Record consent',
        answers,
        errors,
        personOptions: options(network.people, fieldText(answers, 'personId'), 'Select a person'),
        vocabulary,
      },
      status,
    )
  }

  async function withdrawForm(
    req: Request,
    res: Response,
    answers: FormBody,
    errors?: unknown,
    status = 200,
    conflict = false,
  ) {
    const network = await load(req, res)
    const found = network.consents.find((c) => c.id === req.params.consentId)
    if (!found) return notFound(res)
    const who = network.people.find((p) => p.personId === found.personId)
    await renderCasePage(
      services,
      req,
      res,
      'people',
      'network/views/withdraw-form.njk',
      {
        pageTitle: 'Record that consent was withdrawn',
        consent: { ...found, status: consentStatus(found, network.on) },
        name: who ? fullName(who) : 'Someone no longer on the case',
        answers: {
          version: String(found.version),
          ...answers,
          ...(conflict ? { version: String(found.version) } : {}),
        },
        errors,
        conflict,
        vocabulary,
      },
      status,
    )
  }

  async function sharingForm(req: Request, res: Response, answers: FormBody, errors?: unknown, status = 200) {
    const network = await load(req, res)
    const byId = new Map(network.people.map((p) => [p.personId, p]))
    const chosen = fieldList(answers, 'personIds')
    await renderCasePage(
      services,
      req,
      res,
      'people',
      'network/views/sharing-form.njk',
      {
        pageTitle: 'Record information shared',
        answers,
        errors,
        peopleItems: network.people.map((p) => ({
          value: p.personId,
          text: `${fullName(p)} (${roleName(p.role).toLowerCase()})`,
          checked: chosen.includes(p.personId),
        })),
        sharingConsents: network.consents
          .filter((c) => c.purpose === 'sharing' && consentStatus(c, network.on) === 'given')
          .map((c) => ({
            name: byId.has(c.personId) ? fullName(byId.get(c.personId) as CasePersonView) : 'Unknown',
            agency: c.agency,
          })),
        vocabulary,
      },
      status,
    )
  }

  return [
    {
      method: 'get',
      path: '/cases/:caseId/people',
      access: 'cases:work',
      handler: caseHandler(peoplePage),
    },
    {
      method: 'get',
      path: '/cases/:caseId/people/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        await load(req, res)
        await personForm(req, res, { answers: {} })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/people/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const body = req.body as FormBody
        const fields: Record<string, string> = {}
        const input = personInput(body, fields)
        try {
          if (Object.keys(fields).length > 0) throw new InvalidInputError(personProblems(input, today()))
          await services.network.addPerson(requestContext(req, res), String(req.params.caseId), input)
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error
          return personForm(
            req,
            res,
            { answers: keptAnswers(body), errors: pageErrors({ ...error.fields, ...fields }) },
            400,
          )
        }
        req.session.flash = { type: 'success', text: `${input.givenName} ${input.familyName} has been added.` }
        res.redirect(303, back(req))
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/people/:memberId/edit',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const network = await load(req, res)
        const found = network.people.find((p) => p.personId === req.params.memberId)
        if (!found) return notFound(res)
        await personForm(req, res, { person: found, answers: personAnswers(found) })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/people/:memberId/edit',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const body = req.body as FormBody
        const network = await load(req, res)
        const found = network.people.find((p) => p.personId === req.params.memberId)
        if (!found) return notFound(res)
        const fields: Record<string, string> = {}
        const input = personInput(body, fields)
        try {
          if (Object.keys(fields).length > 0) throw new InvalidInputError(personProblems(input, today()))
          await services.network.updatePerson(requestContext(req, res), String(req.params.caseId), found.personId, {
            ...input,
            version: Number(fieldText(body, 'version')),
          })
        } catch (error) {
          if (error instanceof ConflictError) {
            // Keep what they typed; show what is saved now; the next save is against the latest version.
            return personForm(
              req,
              res,
              {
                person: found,
                answers: { ...keptAnswers(body), version: String(found.version) },
                conflict: { message: error.message, saved: describePerson(found, network.on) },
              },
              409,
            )
          }
          if (!(error instanceof InvalidInputError)) throw error
          return personForm(
            req,
            res,
            { person: found, answers: keptAnswers(body), errors: pageErrors({ ...error.fields, ...fields }) },
            400,
          )
        }
        req.session.flash = { type: 'success', text: `${input.givenName} ${input.familyName}’s details are saved.` }
        res.redirect(303, back(req))
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/relationships/new',
      access: 'cases:work',
      handler: caseHandler((req, res) => relationshipForm(req, res, {})),
    },
    {
      method: 'post',
      path: '/cases/:caseId/relationships/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const body = req.body as FormBody
        try {
          await services.network.addRelationship(requestContext(req, res), String(req.params.caseId), {
            fromPersonId: fieldText(body, 'fromPersonId'),
            toPersonId: fieldText(body, 'toPersonId'),
            kind: fieldText(body, 'kind') as never,
            note: fieldText(body, 'note'),
          })
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error
          return relationshipForm(req, res, keptAnswers(body), pageErrors(error.fields), 400)
        }
        req.session.flash = { type: 'success', text: 'The connection has been added.' }
        res.redirect(303, back(req, '#connections'))
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/relationships/:relationshipId/remove',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        try {
          await services.network.removeRelationship(
            requestContext(req, res),
            String(req.params.caseId),
            String(req.params.relationshipId),
          )
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error
          req.session.flash = { type: 'important', text: Object.values(error.fields).join(' ') }
          return res.redirect(303, back(req, '#connections'))
        }
        req.session.flash = { type: 'success', text: 'The connection has been removed.' }
        res.redirect(303, back(req, '#connections'))
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/consent/new',
      access: 'cases:work',
      handler: caseHandler((req, res) => {
        const personId = typeof req.query.personId === 'string' && isUuid(req.query.personId) ? req.query.personId : ''
        return consentForm(req, res, { personId })
      }),
    },
    {
      method: 'post',
      path: '/cases/:caseId/consent/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const body = req.body as FormBody
        const fields: Record<string, string> = {}
        const dates = readDates(body, [['decidedOn', 'the date of the decision', true]], fields)
        const input = {
          personId: fieldText(body, 'personId'),
          purpose: fieldText(body, 'purpose') as never,
          agency: fieldText(body, 'agency'),
          decision: fieldText(body, 'decision') as never,
          decidedOn: dates.decidedOn as string,
          how: fieldText(body, 'how') as never,
        }
        try {
          if (Object.keys(fields).length > 0) throw new InvalidInputError(consentProblems(input, today()))
          await services.network.recordConsent(requestContext(req, res), String(req.params.caseId), input)
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error
          return consentForm(req, res, keptAnswers(body), pageErrors({ ...error.fields, ...fields }), 400)
        }
        req.session.flash = { type: 'success', text: 'The consent decision has been recorded.' }
        res.redirect(303, back(req, '#consent'))
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/consent/:consentId/withdraw',
      access: 'cases:work',
      handler: caseHandler((req, res) => withdrawForm(req, res, {})),
    },
    {
      method: 'post',
      path: '/cases/:caseId/consent/:consentId/withdraw',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const body = req.body as FormBody
        const fields: Record<string, string> = {}
        const dates = readDates(body, [['withdrawnOn', 'the date consent was withdrawn', true]], fields)
        const input = {
          withdrawnOn: dates.withdrawnOn as string,
          how: fieldText(body, 'how') as never,
          version: Number(fieldText(body, 'version')),
        }
        try {
          if (Object.keys(fields).length > 0) throw new InvalidInputError(withdrawalProblems(input, today()))
          await services.network.withdrawConsent(
            requestContext(req, res),
            String(req.params.caseId),
            String(req.params.consentId),
            input,
          )
        } catch (error) {
          if (error instanceof ConflictError) {
            return withdrawForm(
              req,
              res,
              keptAnswers(body),
              formErrors({ withdrawnOn: `${error.message} Check it below and save again.` }),
              409,
              true,
            )
          }
          if (!(error instanceof InvalidInputError)) throw error
          return withdrawForm(req, res, keptAnswers(body), pageErrors({ ...error.fields, ...fields }), 400)
        }
        req.session.flash = { type: 'success', text: 'The withdrawal of consent has been recorded.' }
        res.redirect(303, back(req, '#consent'))
      }),
    },
    {
      method: 'get',
      path: '/cases/:caseId/sharing/new',
      access: 'cases:work',
      handler: caseHandler((req, res) => sharingForm(req, res, {})),
    },
    {
      method: 'post',
      path: '/cases/:caseId/sharing/new',
      access: 'cases:work',
      handler: caseHandler(async (req, res) => {
        const body = req.body as FormBody
        const fields: Record<string, string> = {}
        const dates = readDates(body, [['sharedOn', 'the date it was shared', true]], fields)
        const input = {
          sharedOn: dates.sharedOn as string,
          agency: fieldText(body, 'agency'),
          what: fieldText(body, 'what'),
          personIds: fieldList(body, 'personIds'),
          lawfulReason: fieldText(body, 'lawfulReason') as never,
          reasonDetail: fieldText(body, 'reasonDetail'),
        }
        let result: { withConsent: boolean }
        try {
          if (Object.keys(fields).length > 0) throw new InvalidInputError(sharingProblems(input, today()))
          result = await services.network.recordSharing(requestContext(req, res), String(req.params.caseId), input)
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error
          return sharingForm(
            req,
            res,
            { ...keptAnswers(body), personIds: fieldList(body, 'personIds') },
            pageErrors({ ...error.fields, ...fields }),
            400,
          )
        }
        req.session.flash = {
          type: 'success',
          text: result.withConsent
            ? 'The information sharing has been recorded, with consent.'
            : 'The information sharing has been recorded, without consent, with the lawful reason.',
        }
        res.redirect(303, back(req, '#sharing'))
      }),
    },
  ]
}

function personAnswers(p: CasePersonView): Record<string, string> {
  const date = (name: string, value: string | null) => {
    const parts = dateInputParts(value ?? undefined)
    return { [`${name}-day`]: parts.day, [`${name}-month`]: parts.month, [`${name}-year`]: parts.year }
  }
  return {
    role: editableRole(p),
    givenName: p.givenName,
    familyName: p.familyName,
    ...date('dateOfBirth', p.dateOfBirth),
    ...date('expectedDueDate', p.expectedDueDate),
    relationship: p.relationship ?? '',
    agency: p.agency ?? '',
    professionalRole: p.professionalRole ?? '',
    phone: p.phone ?? '',
    email: p.email ?? '',
    version: String(p.version),
  }
}

export type { NetworkView }
