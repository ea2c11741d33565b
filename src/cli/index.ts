import { parseArgs } from 'node:util'
import { type Config, ConfigError, loadConfig } from '../config.ts'
import { createDatabase, type Database, errorSummary } from '../db/client.ts'
import { DataDirLockedError } from '../db/lock.ts'
import { authority } from '../db/schema/index.ts'
import { parseRole, ROLES } from '../domain/access.ts'
import { formatDateTime } from '../domain/dates.ts'
import { createLogger } from '../logger.ts'
import { loadProgrammeLibrary, PROGRAMMES_DIR, type ProgrammeLibrary } from '../programmes/library.ts'
import { newTokenSchema } from '../services/apiTokens.ts'
import { verifyAuditChain } from '../services/audit.ts'
import type { RequestContext } from '../services/context.ts'
import { InvalidInputError, NotFoundError } from '../services/errors.ts'
import { createServices, type Services, shippedProgrammes } from '../services/index.ts'
import { newPasswordSchema } from '../services/passwords.ts'
import { authorityNameSchema } from '../services/setup.ts'
import { newUserSchema } from '../services/users.ts'
import { DemoRefused, runDemo } from './demo.ts'
import { PROGRAMMES_USAGE, runProgrammesCommand } from './programmes.ts'

/**
 * `npm run hearth -- <command>`: operator commands for automation.
 * Output for scripts goes to stdout; messages for people go to stderr.
 */

const USAGE = `Usage: npm run hearth -- <command> [options]

  authorities add --name NAME          create an authority (prints its id)
  authorities list                     list authorities (id and name)
  users add --email E --name N --role R [--team T] [--authority ID] [--password-stdin]
                                       create a user; without --password-stdin, prints a one-time
                                       link for them to choose a password. Roles: ${ROLES.join(', ')}
  users list [--authority ID]          list users (id, role, status)
  tokens create --email E [--name N]   create a personal API token for E (prints the token once)
  tokens list --email E                list E's tokens
  tokens revoke --email E --id ID      revoke one of E's tokens
  audit verify                         check every authority's audit hash chain
  demo [--seed N] [--authority ID] [--force]
                                       fill an authority with invented families at every stage of
                                       every service (refused in production unless --force); a
                                       second run changes nothing
${PROGRAMMES_USAGE}`

export class UsageError extends Error {}

interface Io {
  out(line: string): void
  err(line: string): void
  readStdin(): Promise<string>
}

type Values = Record<string, string | boolean | undefined>

function required(values: Values, name: string): string {
  const value = values[name]
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`)
  return value
}

async function authorities(database: Database) {
  return database.asOwner((tx) => tx.select({ id: authority.id, name: authority.name }).from(authority))
}

/** The authority to act in: --authority, or the only one there is. */
async function resolveAuthority(database: Database, values: Values): Promise<string> {
  const all = await authorities(database)
  if (typeof values.authority === 'string') {
    if (!all.some((a) => a.id === values.authority)) throw new UsageError(`No authority with id ${values.authority}`)
    return values.authority
  }
  if (all.length === 1) return all[0].id
  if (all.length === 0) {
    throw new UsageError(
      'There is no authority yet. Finish set-up at the link `npm start` prints, or run `hearth authorities add --name NAME`.',
    )
  }
  throw new UsageError(
    'There is more than one authority: say which with --authority ID (see `hearth authorities list`).',
  )
}

function cliContext(authorityId: string): RequestContext {
  return { actor: { type: 'cli', authorityId } }
}

async function demo(
  argv: string[],
  services: Services,
  setting: { config: Config; library: ProgrammeLibrary },
  io: Io,
) {
  const { values } = parseArgs({
    args: argv,
    options: { seed: { type: 'string' }, authority: { type: 'string' }, force: { type: 'boolean' } },
    strict: true,
  })
  const seed = values.seed === undefined ? 1 : Number(values.seed)
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed must be a whole number, like 7')
  if (values.authority !== undefined) await resolveAuthority(services.database, values)
  io.err('Adding the demo families…')
  try {
    const result = await runDemo(
      services.database,
      setting.config,
      setting.library,
      { seed, force: values.force === true, ...(values.authority ? { authorityId: values.authority } : {}) },
      io,
    )
    if (!result.created) {
      io.err('This authority already has the demo families: nothing was changed.')
      return
    }
    io.err(`Added ${result.families} invented families to every stage of every service.`)
    io.err('Sign in with any of these accounts, all with the password printed below:')
    for (const user of result.users) io.err(`  ${user.email}  (${user.name})`)
    io.out(result.password as string)
  } catch (error) {
    if (error instanceof DemoRefused) throw new UsageError(error.message)
    throw error
  }
}

async function findUser(services: Services, email: string) {
  const found = await services.auth.findByEmail(email)
  if (!found) throw new UsageError(`No user has the email address given`)
  return { authorityId: found.authority_id, userId: found.user_id }
}

export async function runCli(
  argv: string[],
  services: Services,
  publicUrl: string,
  io: Io,
  setting: { config: Config; library: ProgrammeLibrary } = { config: loadConfig(), library: shippedProgrammes() },
): Promise<void> {
  if (argv[0] === 'demo') return demo(argv.slice(1), services, setting, io)
  const [group, action, ...rest] = argv
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      team: { type: 'string' },
      authority: { type: 'string' },
      id: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
    strict: true,
  })
  const database = services.database
  const command = `${group ?? ''} ${action ?? ''}`.trim()

  switch (command) {
    case 'authorities add': {
      const name = authorityNameSchema.safeParse(required(values, 'name'))
      if (!name.success) throw new UsageError(name.error.issues[0].message)
      io.out(await services.setup.createAuthority(name.data))
      return
    }
    case 'authorities list': {
      for (const a of await authorities(database)) io.out(`${a.id}\t${a.name}`)
      return
    }
    case 'users add': {
      const authorityId = await resolveAuthority(database, values)
      const ctx = cliContext(authorityId)
      const role = parseRole(required(values, 'role'))
      if (!role) throw new UsageError(`--role must be one of: ${ROLES.join(', ')}`)
      let teamId: string | undefined
      if (typeof values.team === 'string') {
        const wanted = values.team.trim().toLowerCase()
        const team = (await services.teams.list(ctx)).find(
          (t) => t.id === values.team || t.name.toLowerCase() === wanted,
        )
        if (!team) throw new UsageError('No team with that name or id (see the Teams page)')
        teamId = team.id
      }
      const input = newUserSchema.safeParse({
        name: required(values, 'name'),
        email: required(values, 'email'),
        role,
        teamId,
      })
      if (!input.success) throw new UsageError(input.error.issues.map((i) => i.message).join('; '))
      let password: string | undefined
      if (values['password-stdin']) {
        const parsed = newPasswordSchema.safeParse((await io.readStdin()).replace(/\r?\n$/, ''))
        if (!parsed.success) throw new UsageError(parsed.error.issues[0].message)
        password = parsed.data
      }
      const created = await services.users.create(ctx, input.data, { password })
      io.out(created.id)
      if (created.passwordToken) {
        io.err(`Send them this one-time link to choose a password: ${publicUrl}/password/${created.passwordToken}`)
      }
      return
    }
    case 'users list': {
      const authorityId = await resolveAuthority(database, values)
      for (const u of await services.users.list(cliContext(authorityId))) {
        io.out(`${u.id}\t${u.role}\t${u.active ? (u.hasPassword ? 'active' : 'invited') : 'deactivated'}`)
      }
      return
    }
    case 'tokens create': {
      const { authorityId, userId } = await findUser(services, required(values, 'email'))
      const name = newTokenSchema.safeParse({ name: values.name ?? 'Command line' })
      if (!name.success) throw new UsageError(name.error.issues[0].message)
      const { token } = await services.apiTokens.create(cliContext(authorityId), userId, name.data.name)
      io.out(token)
      io.err('This token is shown once. Keep it secret; revoke it with `hearth tokens revoke --email E --id ID`.')
      return
    }
    case 'tokens list': {
      const { authorityId, userId } = await findUser(services, required(values, 'email'))
      for (const t of await services.apiTokens.list(cliContext(authorityId), userId)) {
        const state = t.revokedAt ? `revoked ${formatDateTime(t.revokedAt)}` : 'active'
        io.out(`${t.id}\t${state}\t${t.name}`)
      }
      return
    }
    case 'tokens revoke': {
      const { authorityId, userId } = await findUser(services, required(values, 'email'))
      await services.apiTokens.revoke(cliContext(authorityId), required(values, 'id'), userId)
      io.err('Token revoked.')
      return
    }
    case 'audit verify': {
      const report = await verifyAuditChain(database)
      for (const p of report.problems) io.out(`authority ${p.authorityId} event ${p.seq}: ${p.problem}`)
      io.err(`Checked ${report.events} audit events in ${report.authorities} authorities.`)
      if (report.problems.length > 0)
        throw new UsageError(`The audit chain is broken in ${report.problems.length} places.`)
      io.err('The audit chain is intact.')
      return
    }
    default:
      throw new UsageError(command ? `Unknown command: ${command}\n\n${USAGE}` : USAGE)
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--password-stdin reads the password from standard input: pipe it in')
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

async function main() {
  const config = loadConfig()
  const [group, action, ...args] = process.argv.slice(2)
  if (group === 'programmes') {
    const io = {
      out: (line: string) => process.stdout.write(`${line}\n`),
      err: (line: string) => process.stderr.write(`${line}\n`),
    }
    process.exit(runProgrammesCommand(action, args, config.HEARTH_PROGRAMMES_DIR ?? PROGRAMMES_DIR, io))
  }
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL)
  const database = await createDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATABASE_URL ? undefined : config.HEARTH_DATA_DIR,
    logger,
  })
  const library = loadProgrammeLibrary(config.HEARTH_PROGRAMMES_DIR ?? PROGRAMMES_DIR)
  try {
    await runCli(
      process.argv.slice(2),
      createServices(database, () => new Date(), config, { library }),
      config.publicUrl,
      {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
        readStdin,
      },
      { config, library },
    )
  } finally {
    await database.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    if (
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof DataDirLockedError ||
      error instanceof NotFoundError
    ) {
      process.stderr.write(`${error.message}\n`)
    } else if (error instanceof InvalidInputError) {
      process.stderr.write(`${Object.values(error.fields).join('; ')}\n`)
    } else if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n\n${USAGE}`)
    } else {
      process.stderr.write(`hearth: ${errorSummary(error).message}\n`)
    }
    process.exit(1)
  })
}
