import { newTokenSchema } from '../../services/apiTokens.ts'
import type { Services } from '../../services/index.ts'
import { requestContext, signedInUser } from '../context.ts'
import { keptAnswers, parseForm } from '../forms.ts'
import type { PageRoute } from '../routing.ts'

/** A person's own personal API tokens. */
export function accountRoutes(services: Services): PageRoute[] {
  return [
    {
      method: 'get',
      path: '/account/tokens',
      access: 'account:manage',
      handler: async (req, res) => {
        const tokens = await services.apiTokens.list(requestContext(req, res), signedInUser(res).id)
        res.render('account/views/tokens.njk', { tokens })
      },
    },
    {
      method: 'get',
      path: '/account/tokens/new',
      access: 'account:manage',
      handler: (_req, res) => res.render('account/views/token-new.njk', { answers: {} }),
    },
    {
      method: 'post',
      path: '/account/tokens/new',
      access: 'account:manage',
      handler: async (req, res) => {
        const form = parseForm(newTokenSchema, req.body)
        if (!form.ok) {
          return res
            .status(400)
            .render('account/views/token-new.njk', { errors: form.errors, answers: keptAnswers(req.body) })
        }
        const created = await services.apiTokens.create(requestContext(req, res), signedInUser(res).id, form.data.name)
        res.status(201).render('account/views/token-created.njk', { token: created.token, name: form.data.name })
      },
    },
    {
      method: 'post',
      path: '/account/tokens/:tokenId/revoke',
      access: 'account:manage',
      handler: async (req, res) => {
        await services.apiTokens.revoke(requestContext(req, res), String(req.params.tokenId), signedInUser(res).id)
        req.session.flash = { type: 'success', text: 'Token revoked. It no longer works.' }
        res.redirect(303, '/account/tokens')
      },
    },
  ]
}
