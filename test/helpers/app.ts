import type { AddressInfo } from 'node:net'
import type { Express } from 'express'
import { createApp } from '../../src/app.ts'
import { type Config, loadConfig } from '../../src/config.ts'
import type { Role } from '../../src/domain/access.ts'
import type { Notifier } from '../../src/notify/notifier.ts'
import type { Clock } from '../../src/services/context.ts'
import { createServices, type Services } from '../../src/services/index.ts'
import { createTestDatabase, silentLogger, type TestDatabase } from './database.ts'

export interface TestApp {
  baseUrl: string
  express: Express
  services: Services
  config: Config
  db: TestDatabase
  close(): Promise<void>
}

/** The real app over a real (fresh) database, listening on a free port. */
export async function startTestApp(
  options: { env?: Record<string, string>; clock?: Clock; notifier?: Notifier } = {},
): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: 'test-session-secret-of-at-least-32-characters',
    ...options.env,
  })
  const db = await createTestDatabase()
  const services = createServices(db.database, options.clock ?? (() => new Date()), config, {
    notifier: options.notifier,
  })
  const { app } = createApp(services, config, silentLogger)
  const server = app.listen(0, '127.0.0.1')
  // The embedded database shares this event loop, so a slow query can delay the server's idle
  // timer past the client's: the client then reuses a socket the server is closing ("fetch failed").
  // Tests keep idle sockets open instead; close() ends them.
  server.keepAliveTimeout = 0
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  const { port } = server.address() as AddressInfo
  const baseUrl = `http://127.0.0.1:${port}`
  config.publicUrl = baseUrl
  return {
    baseUrl,
    express: app,
    services,
    config,
    db,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await db.close()
    },
  }
}

export const PASSWORD = 'a long synthetic password'

/** Finishes first-run set-up through the service and returns the authority and its administrator. */
export async function setUpAuthority(services: Services, authorityName = 'Northshire County Council') {
  const token = await services.setup.issueLink()
  if (!token) throw new Error('Hearth is already set up')
  const done = await services.setup.complete(token, {
    authorityName,
    name: 'Ada Administrator',
    email: `ada.${authorityName.split(' ')[0].toLowerCase()}@example.org`,
    password: PASSWORD,
  })
  if (!done) throw new Error('Set-up failed')
  return done
}

let counter = 0

/** A synthetic person with a password, created as the command line would. */
export async function addUser(services: Services, authorityId: string, role: Role, teamId?: string) {
  counter++
  const email = `${role.replace('_', '.')}.${counter}.${Date.now()}@example.org`
  const name = `Test ${role} ${counter}`
  const { id } = await services.users.create(
    { actor: { type: 'cli', authorityId } },
    { name, email, role, teamId },
    { password: PASSWORD },
  )
  return { id, name, email, password: PASSWORD }
}
