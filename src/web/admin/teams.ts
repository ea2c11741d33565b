import { InvalidInputError } from '../../services/errors.ts'
import type { Services } from '../../services/index.ts'
import { newTeamSchema } from '../../services/teams.ts'
import { requestContext } from '../context.ts'
import { formErrors, keptAnswers, parseForm } from '../forms.ts'
import type { PageRoute } from '../routing.ts'

export function teamRoutes(services: Services): PageRoute[] {
  return [
    {
      method: 'get',
      path: '/admin/teams',
      access: 'teams:manage',
      handler: async (req, res) => {
        res.render('admin/views/teams.njk', { teams: await services.teams.list(requestContext(req, res)) })
      },
    },
    {
      method: 'get',
      path: '/admin/teams/new',
      access: 'teams:manage',
      handler: (_req, res) => res.render('admin/views/team-new.njk', { answers: {} }),
    },
    {
      method: 'post',
      path: '/admin/teams/new',
      access: 'teams:manage',
      handler: async (req, res) => {
        const form = parseForm(newTeamSchema, req.body)
        const answers = keptAnswers(req.body)
        if (!form.ok) return res.status(400).render('admin/views/team-new.njk', { errors: form.errors, answers })
        try {
          await services.teams.create(requestContext(req, res), form.data)
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error
          return res.status(400).render('admin/views/team-new.njk', { errors: formErrors(error.fields), answers })
        }
        req.session.flash = { type: 'success', text: `Team ${form.data.name} created.` }
        res.redirect(303, '/admin/teams')
      },
    },
  ]
}
