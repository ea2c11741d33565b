import type { Server } from 'node:http'
import { createApp } from './app.ts'
import { ConfigError, loadConfig } from './config.ts'
import { createDatabase, errorSummary } from './db/client.ts'
import { DataDirLockedError } from './db/lock.ts'
import { createLogger } from './logger.ts'
import { notifierFromConfig } from './notify/notifier.ts'
import {
  loadProgrammeLibrary,
  PROGRAMMES_DIR,
  ProgrammeFileError,
  type ProgrammeLibrary,
} from './programmes/library.ts'
import { createServices } from './services/index.ts'

/** Start: config → database (lock, migrate) → services → app → listen. SIGTERM drains. */
async function main() {
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(1)
    }
    throw error
  }
  const logger = createLogger(config.LOG_LEVEL)
  // A programme file with a mistake stops start-up here, before anything else, with the
  // file, line, path and reason for every problem.
  let library: ProgrammeLibrary
  try {
    library = loadProgrammeLibrary(config.HEARTH_PROGRAMMES_DIR ?? PROGRAMMES_DIR)
  } catch (error) {
    if (error instanceof ProgrammeFileError) {
      process.stderr.write(`Hearth cannot start: a programme file has a mistake.\n${error.message}\n`)
      process.exit(1)
    }
    throw error
  }
  if (config.sessionSecretGenerated) {
    logger.warn('SESSION_SECRET is not set: using a random one, so restarting Hearth signs everyone out')
  }

  const database = await createDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATABASE_URL ? undefined : config.HEARTH_DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    logger,
  })
  const notifier = notifierFromConfig(config)
  const services = createServices(database, () => new Date(), config, { library, notifier })
  // Cases whose next deadline is not stored yet (opened before it was kept) get it now.
  const refreshed = await services.cases.refreshUnset()
  if (refreshed > 0) logger.info({ cases: refreshed }, 'Worked out the next deadline of open cases')
  const { app, sessionStore } = createApp(services, config, logger)

  const server: Server = app.listen(config.PORT, config.HOST)
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.PORT
  const publicUrl = config.PUBLIC_URL
    ? config.publicUrl
    : `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`
  config.publicUrl = publicUrl
  logger.info({ database: database.kind }, 'Hearth is listening')

  const lines = [
    `Hearth is running at ${publicUrl}`,
    `Database: ${database.kind === 'embedded' ? `embedded (PGlite) in ${config.HEARTH_DATA_DIR}` : 'PostgreSQL server'}`,
  ]
  const setupToken = await services.setup.issueLink()
  if (setupToken) {
    lines.push(
      '',
      'Hearth is not set up yet. Open this one-time link to create the first administrator:',
      '',
      `  ${publicUrl}/setup/${setupToken}`,
      '',
      `It works once, for ${config.SETUP_LINK_HOURS} hours. Restarting Hearth prints a new one until set-up is done.`,
    )
  }
  // The address and the set-up link are for the person starting Hearth, not for the log.
  process.stdout.write(`\n${lines.join('\n')}\n\n`)

  const purge = setInterval(() => {
    sessionStore.purgeExpired().catch((error) => logger.warn({ err: errorSummary(error) }, 'could not purge sessions'))
  }, 10 * 60_000)
  purge.unref()
  // Email waits in the outbox until it is sent; this loop sends it and retries failures.
  if (notifier.kind === 'none') logger.warn('email is not set up (SMTP_URL or NOTIFY_API_KEY): messages wait unsent')
  let delivering = false
  const deliver = setInterval(() => {
    if (delivering) return
    delivering = true
    services.notifications
      .deliverDue()
      .catch((error) => logger.warn({ err: errorSummary(error) }, 'could not deliver email'))
      .finally(() => {
        delivering = false
      })
  }, 30_000)
  deliver.unref()

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'stopping: finishing requests in progress')
    clearInterval(purge)
    clearInterval(deliver)
    notifier.close?.()
    server.closeIdleConnections()
    const timeout = setTimeout(() => server.closeAllConnections(), 10_000)
    timeout.unref()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await database.close()
    logger.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((error) => {
  if (error instanceof DataDirLockedError) {
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  }
  process.stderr.write(`Hearth could not start: ${errorSummary(error).message}\n`)
  process.exit(1)
})
