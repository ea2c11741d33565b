import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import express, { type Express, Router } from 'express'
import nocache from 'nocache'
import { pinoHttp } from 'pino-http'
import { createApiRouter } from './api/index.ts'
import type { Config } from './config.ts'
import type { Logger } from './logger.ts'
import type { Services } from './services/index.ts'
import { accountRoutes } from './web/account/routes.ts'
import { settingsRoutes } from './web/admin/settings.ts'
import { teamRoutes } from './web/admin/teams.ts'
import { userRoutes } from './web/admin/users.ts'
import { assessmentRoutes } from './web/assessments/routes.ts'
import { authRoutes } from './web/auth/routes.ts'
import { caseRoutes } from './web/cases/routes.ts'
import { chronologyRoutes } from './web/chronology/routes.ts'
import { closureRoutes } from './web/closure/routes.ts'
import { consultationRoutes } from './web/consultations/routes.ts'
import { contactsRoutes } from './web/contacts/routes.ts'
import { homeRoutes } from './web/home/routes.ts'
import { infoRoutes } from './web/info/routes.ts'
import { cleanBody } from './web/middleware/cleanBody.ts'
import { csrfProtection, csrfTokenForViews } from './web/middleware/csrf.ts'
import { currentUser } from './web/middleware/currentUser.ts'
import { errorPages, notFound } from './web/middleware/errors.ts'
import { navigation } from './web/middleware/navigation.ts'
import { cspNonce, securityHeaders } from './web/middleware/security.ts'
import { DatabaseSessionStore, saveSessionBeforeRedirect, sessionMiddleware } from './web/middleware/session.ts'
import { networkRoutes } from './web/network/routes.ts'
import { setUpViews } from './web/nunjucks.ts'
import { onwardReferralRoutes } from './web/onward-referrals/routes.ts'
import { planRoutes } from './web/plans/routes.ts'
import { progressRoutes } from './web/progress/routes.ts'
import { referRoutes } from './web/refer/routes.ts'
import { referralRoutes } from './web/referrals/routes.ts'
import { reviewRoutes } from './web/reviews/routes.ts'
import { mountRoutes, type PageRoute } from './web/routing.ts'
import { serviceRoutes } from './web/services/routes.ts'
import { setupRoutes } from './web/setup/routes.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Every page route, in one table: the access test walks it. */
export function pageRoutes(services: Services, config: Config): PageRoute[] {
  return [
    ...homeRoutes(services),
    ...setupRoutes(services),
    ...authRoutes(services, config),
    ...serviceRoutes(services),
    ...referRoutes(services, config.REFERRAL_RATE_LIMIT),
    ...referralRoutes(services),
    ...caseRoutes(services),
    ...contactsRoutes(services),
    ...chronologyRoutes(services),
    ...networkRoutes(services),
    ...consultationRoutes(services),
    ...assessmentRoutes(services),
    ...closureRoutes(services),
    ...reviewRoutes(services),
    ...progressRoutes(services),
    ...onwardReferralRoutes(services),
    ...planRoutes(services),
    ...teamRoutes(services),
    ...settingsRoutes(services),
    ...userRoutes(services, config),
    ...accountRoutes(services),
    ...infoRoutes(),
  ]
}

export interface App {
  app: Express
  sessionStore: DatabaseSessionStore
}

/** The middleware, in one visible order. */
export function createApp(services: Services, config: Config, logger: Logger): App {
  const app = express()
  app.disable('x-powered-by')
  if (config.TRUST_PROXY)
    app.set('trust proxy', /^\d+$/.test(config.TRUST_PROXY) ? Number(config.TRUST_PROXY) : config.TRUST_PROXY)

  // 1. Request id and logging: method, path (no query string), status, time. Never bodies or cookies.
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => {
        const id = randomUUID()
        res.setHeader('X-Request-Id', id)
        return id
      },
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, path: redactPath(String(req.url).split('?')[0]) }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/ready' },
    }),
  )

  // 2. Health, before anything that could fail or needs a session.
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' })
  })
  app.get('/ready', async (_req, res) => {
    try {
      await services.database.ping()
      res.json({ status: 'ok', database: services.database.kind })
    } catch {
      res.status(503).json({ status: 'unavailable', database: services.database.kind })
    }
  })

  // 3. Security headers.
  app.use(cspNonce, securityHeaders(config.production))

  // 4. Static assets (cached; no session).
  app.use('/assets', express.static(path.join(root, 'dist/assets'), { maxAge: config.production ? '1d' : 0 }))

  // 5. The JSON API: bearer tokens, no cookies, problem+json errors.
  app.use('/api/v1', nocache(), createApiRouter(services, config))

  // 6. Pages: no caching, sessions in the database, parsing, views.
  const sessionStore = new DatabaseSessionStore(services.database, services.clock, config.SESSION_IDLE_MINUTES * 60_000)
  const pages = Router()
  pages.use(nocache())
  pages.use(sessionMiddleware(config, sessionStore), saveSessionBeforeRedirect)
  pages.use(express.urlencoded({ extended: false, limit: config.BODY_LIMIT, parameterLimit: 200 }))
  pages.use(cleanBody)
  setUpViews(app, config)
  // 7. Who is signed in, then CSRF, then what they may see.
  pages.use(currentUser(services, config.SESSION_ABSOLUTE_HOURS))
  pages.use(csrfProtection, csrfTokenForViews)
  pages.use(navigation)
  // 8. Routes, each with its declared access.
  mountRoutes(pages, pageRoutes(services, config))
  // 9. Not found, and errors.
  pages.use(notFound)
  pages.use(errorPages)
  app.use(pages)
  return { app, sessionStore }
}

/** One-time links carry their secret in the path: keep it out of the logs. */
function redactPath(p: string): string {
  return p.replace(/^\/(setup|password)\/[^/]+/, '/$1/[redacted]')
}
