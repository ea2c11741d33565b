import type { Services } from '../../services/index.ts'
import { firstRunSchema } from '../../services/setup.ts'
import { startSession } from '../context.ts'
import { keptAnswers, parseForm } from '../forms.ts'
import type { PageRoute } from '../routing.ts'

const VIEW = 'setup/views/setup.njk'

function linkNotValid(res: import('express').Response) {
  return res.status(404).render('errors/problem.njk', {
    title: 'This set-up link cannot be used',
    detail:
      'It has been used already, it has expired, or Hearth is already set up. Restart Hearth to print a new link if set-up is not finished, or sign in.',
    backHref: '/sign-in',
    backText: 'Go to sign in',
  })
}

/** First run: name the authority and create the first administrator, from the one-time link. */
export function setupRoutes(services: Services): PageRoute[] {
  return [
    {
      method: 'get',
      path: '/setup/:token',
      access: 'public',
      handler: async (req, res) => {
        if (!(await services.setup.isLinkValid(String(req.params.token)))) return linkNotValid(res)
        res.render(VIEW, { answers: {} })
      },
    },
    {
      method: 'post',
      path: '/setup/:token',
      access: 'public',
      handler: async (req, res) => {
        const token = String(req.params.token)
        const form = parseForm(firstRunSchema, req.body)
        if (!form.ok) {
          if (!(await services.setup.isLinkValid(token))) return linkNotValid(res)
          return res.status(400).render(VIEW, { errors: form.errors, answers: keptAnswers(req.body) })
        }
        const done = await services.setup.complete(token, form.data, String(req.id))
        if (!done) return linkNotValid(res)
        const user = await services.auth.currentUser(done.authorityId, done.userId)
        if (!user) throw new Error('The administrator created at set-up could not be loaded')
        await startSession(req, user, services.clock())
        req.session.flash = {
          type: 'success',
          heading: 'Hearth is set up',
          text: 'You are signed in as the first administrator. Next, create your teams and invite your colleagues.',
        }
        res.redirect(303, '/')
      },
    },
  ]
}
