import { can, ROLE_LABELS } from '../../domain/access.ts'
import type { Services } from '../../services/index.ts'
import { requestContext, signedInUser } from '../context.ts'
import type { PageRoute } from '../routing.ts'

export function homeRoutes(services: Services): PageRoute[] {
  return [
    {
      method: 'get',
      path: '/',
      access: 'home:view',
      handler: async (req, res) => {
        const user = signedInUser(res)
        let referrals: Record<string, unknown> | undefined
        if (can(user.role, 'referrals:manage')) {
          // A manager's morning: what has arrived, and which decisions are due or late.
          const open = await services.referrals.list(requestContext(req, res), {
            status: ['new', 'screening', 'awaiting-decision'],
          })
          const now = services.clock().getTime()
          const byDue = [...open].sort((a, b) => a.row.decisionDueAt.getTime() - b.row.decisionDueAt.getTime())
          referrals = {
            open: open.length,
            new: open.filter((r) => r.row.status === 'new').length,
            overdue: open.filter((r) => r.row.decisionDueAt.getTime() < now).length,
            dueToday: open.filter((r) => {
              const due = r.row.decisionDueAt.getTime()
              return due >= now && due - now < 24 * 3_600_000
            }).length,
            next: byDue.slice(0, 5).map((r) => ({
              id: r.row.id,
              reference: r.row.reference,
              decisionDueAt: r.row.decisionDueAt,
              overdue: r.row.decisionDueAt.getTime() < now,
            })),
          }
        }
        // A key worker's morning: what is due across their cases, overdue first.
        let work: Record<string, unknown> | undefined
        if (can(user.role, 'cases:work')) {
          const mine = await services.cases.work(requestContext(req, res), 'mine')
          work = { total: mine.total, overdue: mine.overdue, next: mine.items.slice(0, 5) }
        }
        res.render('home/views/home.njk', {
          authorityName: await services.setup.authorityName(user.authorityId),
          roleLabel: ROLE_LABELS[user.role],
          canManageUsers: can(user.role, 'users:manage'),
          canManageTeams: can(user.role, 'teams:manage'),
          canRefer: can(user.role, 'referrals:create'),
          referrals,
          work,
        })
      },
    },
  ]
}
