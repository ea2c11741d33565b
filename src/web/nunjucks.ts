import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Express } from 'express'
import nunjucks from 'nunjucks'
import type { Config } from '../config.ts'
import { formatDate, formatDateTime } from '../domain/dates.ts'
import { DEADLINE_STATUSES } from '../domain/deadlines.ts'
import { endOfLondonDay, formatIsoDate, isIsoDate, londonDate } from '../domain/isoDate.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../..')

export function setUpViews(app: Express, config: Config) {
  const env = nunjucks.configure(
    [
      path.join(here, 'views'),
      here, // feature folders: 'admin/views/users.njk'
      path.join(root, 'node_modules/govuk-frontend/dist'),
      path.join(root, 'node_modules/@ministryofjustice/frontend'),
    ],
    { autoescape: true, express: app, noCache: config.NODE_ENV === 'development', throwOnUndefined: false },
  )
  env.addFilter('date', (d: Date | string) => formatDate(new Date(d)))
  env.addFilter('dateTime', (d: Date | string) => formatDateTime(new Date(d)))
  /** When something is due: the date alone when it is due by the end of a day, else the date and time. */
  env.addFilter('due', (d: Date | string) => {
    const due = new Date(d)
    return endOfLondonDay(londonDate(due)).getTime() === due.getTime() ? formatDate(due) : formatDateTime(due)
  })
  /** A calendar date stored as 2026-01-05, read as 5 January 2026. */
  env.addFilter('isoDate', (d: string | undefined | null) => (d && isIsoDate(d) ? formatIsoDate(d) : ''))
  // The first item whose `key` equals `value` (Nunjucks' own selectattr cannot compare).
  env.addFilter('findBy', (list: unknown, key: string, value: unknown) =>
    Array.isArray(list) ? list.find((item) => item && (item as Record<string, unknown>)[key] === value) : undefined,
  )
  env.addGlobal('deadlineStatusLabels', DEADLINE_STATUSES)
  env.addGlobal('idleMinutes', config.SESSION_IDLE_MINUTES)
  env.addGlobal('absoluteHours', config.SESSION_ABSOLUTE_HOURS)
  env.addGlobal('linkHours', config.SETUP_LINK_HOURS)
  app.set('view engine', 'njk')
  return env
}
