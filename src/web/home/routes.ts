import { can, ROLE_LABELS } from '../../domain/access.ts'
import type { Services } from '../../services/index.ts'
import { signedInUser } from '../context.ts'
import type { PageRoute } from '../routing.ts'

export function homeRoutes(services: Services): PageRoute[] {
  return [
    {
      method: 'get',
      path: '/',
      access: 'home:view',
      handler: async (_req, res) => {
        const user = signedInUser(res)
        res.render('home/views/home.njk', {
          authorityName: await services.setup.authorityName(user.authorityId),
          roleLabel: ROLE_LABELS[user.role],
          canManageUsers: can(user.role, 'users:manage'),
          canManageTeams: can(user.role, 'teams:manage'),
        })
      },
    },
  ]
}
