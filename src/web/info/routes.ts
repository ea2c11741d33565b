import type { PageRoute } from '../routing.ts'

/** Pages anyone can read, signed in or not. */
export function infoRoutes(): PageRoute[] {
  return [
    {
      method: 'get',
      path: '/accessibility',
      access: 'public',
      handler: (_req, res) => res.render('info/views/accessibility.njk'),
    },
    { method: 'get', path: '/cookies', access: 'public', handler: (_req, res) => res.render('info/views/cookies.njk') },
  ]
}
