import type { z } from 'zod'

/** Errors a use case raises on purpose; the web and API layers turn each into a clear answer. */

/** Bad input the schema could not see (an email already in use, a team that does not exist). */
export class InvalidInputError extends Error {
  constructor(public readonly fields: Record<string, string>) {
    super('Invalid input')
    this.name = 'InvalidInputError'
  }
}

export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`)
    this.name = 'NotFoundError'
  }
}

/** Someone else changed the record since it was read (optimistic locking). */
export class ConflictError extends Error {
  constructor(message = 'This record was changed by someone else since you opened it.') {
    super(message)
    this.name = 'ConflictError'
  }
}

/** A PostgreSQL unique violation on the named index or constraint. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  let e = error as { code?: string; constraint?: string; cause?: unknown } | undefined
  while (e) {
    if (e.code === '23505' && e.constraint === constraint) return true
    e = e.cause as typeof e
  }
  return false
}

/** A schema's complaints as one message per field (the first), keyed by the field's name. */
export function fieldProblems(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const issue of error.issues) fields[String(issue.path[0] ?? 'form')] ??= issue.message
  return fields
}
