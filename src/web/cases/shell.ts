import type { Request, Response } from 'express'
import { can } from '../../domain/access.ts'
import { DEADLINE_STATUSES } from '../../domain/deadlines.ts'
import { isUuid } from '../../domain/identifiers.ts'
import { CASE_STAGES } from '../../domain/lifecycle.ts'
import { NotFoundError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import { requestContext, signedInUser } from '../context.ts'
import type { PageRoute } from '../routing.ts'

/** The case's sub-navigation: every page of a case, and the access log for managers. */
const TABS = [
  { id: 'overview', text: 'Overview', path: '' },
  { id: 'assessment', text: 'Assessment', path: '/assessment' },
  { id: 'plan', text: 'Plan', path: '/plan' },
  { id: 'contacts', text: 'Contacts', path: '/contacts' },
  { id: 'reviews', text: 'Reviews', path: '/reviews' },
  { id: 'progress', text: 'Progress', path: '/progress' },
  { id: 'consultation', text: 'Consultations', path: '/consultation', offered: true },
  { id: 'chronology', text: 'Chronology', path: '/chronology' },
  { id: 'people', text: 'People and network', path: '/people' },
  { id: 'closure', text: 'Closure', path: '/closure' },
  { id: 'access-log', text: 'Access log', path: '/access-log', managers: true },
] as const
export type CaseTab = (typeof TABS)[number]['id']

export type Shell = Awaited<ReturnType<Services['cases']['open']>>

/**
 * Renders a page of a case inside the case shell. The page's template extends
 * "cases/views/case-layout.njk" and fills `caseContent`. Opening the case is audited.
 */
export async function renderCasePage(
  services: Services,
  req: Request,
  res: Response,
  tab: CaseTab,
  view: string,
  locals: Record<string, unknown> & { pageTitle: string },
  status = 200,
) {
  const shell = await services.cases.open(requestContext(req, res), String(req.params.caseId), tab)
  res.status(status).render(view, { ...caseLocals(res, shell), tab, ...locals })
  return shell
}

/** What the case layout needs, when a page has already opened the case itself. */
export function caseLocals(res: Response, shell: Shell) {
  const user = signedInUser(res)
  return {
    shell,
    caseTabs: TABS.filter(
      (t) =>
        (!('managers' in t) || can(user.role, 'cases:manage')) &&
        // Only services that offer case consultations or formulations have them.
        (!('offered' in t) || Boolean(shell.programme.consultation || shell.programme.formulation)),
    ),
    stages: CASE_STAGES,
    deadlineStatuses: DEADLINE_STATUSES,
  }
}

/**
 * A case page's handler: every id in the path must be a UUID, and a case (or record) that
 * does not exist, or that this person may not see, is simply not found.
 */
export function caseHandler(handler: PageRoute['handler']): PageRoute['handler'] {
  return async (req, res, next) => {
    const ids = Object.entries(req.params).filter(([name]) => name.endsWith('Id'))
    if (ids.some(([, id]) => !isUuid(String(id)))) return res.status(404).render('errors/404.njk')
    try {
      return await handler(req, res, next)
    } catch (error) {
      if (error instanceof NotFoundError) return res.status(404).render('errors/404.njk')
      throw error
    }
  }
}
