import pino, { type Logger } from 'pino'

/**
 * One logger for the process. Logs carry request ids, routes and outcomes, never personal
 * data: request bodies are never logged, and anything that could hold a credential is
 * redacted wherever it appears.
 */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'password',
  'token',
  'email',
  'name',
  '*.password',
  '*.token',
  '*.email',
  '*.name',
]

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'hearth' } },
    destination,
  )
}

export type { Logger }
