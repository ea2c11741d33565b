import type { RequestHandler } from 'express'
import { type Access, can } from '../../domain/access.ts'

const ITEMS: { href: string; text: string; access: Access }[] = [
  { href: '/', text: 'Home', access: 'home:view' },
  { href: '/work', text: 'My work', access: 'cases:work' },
  { href: '/cases', text: 'Cases', access: 'cases:work' },
  { href: '/referrals', text: 'Referrals', access: 'referrals:manage' },
  { href: '/services', text: 'Services', access: 'services:view' },
  { href: '/admin/teams', text: 'Teams', access: 'teams:manage' },
  { href: '/admin/users', text: 'Users', access: 'users:manage' },
  { href: '/admin/settings', text: 'Settings', access: 'programmes:manage' },
  { href: '/account/tokens', text: 'API tokens', access: 'account:manage' },
]

/** Service navigation for the signed-in person: only what their role can open. */
export const navigation: RequestHandler = (req, res, next) => {
  const user = res.locals.user
  res.locals.navigation = user
    ? ITEMS.filter((i) => i.access === 'public' || can(user.role, i.access)).map((i) => ({
        href: i.href,
        text: i.text,
        active: i.href === '/' ? req.path === '/' : req.path.startsWith(i.href),
      }))
    : []
  // A flash message is shown once, on the next page actually rendered (not on a redirect).
  const render = res.render.bind(res) as (...args: unknown[]) => void
  res.render = ((...args: unknown[]) => {
    if (req.session?.flash) {
      res.locals.flash = req.session.flash
      delete req.session.flash
    }
    render(...args)
  }) as typeof res.render
  next()
}
