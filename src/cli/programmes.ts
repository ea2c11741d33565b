import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { programmeJsonSchema } from '../domain/programme/schema.ts'
import {
  formatProblem,
  loadProgrammeFile,
  loadProgrammeLibrary,
  PROGRAMMES_DIR,
  ProgrammeFileError,
} from '../programmes/library.ts'

export const PROGRAMMES_USAGE = `  programmes check [FILE ...]          check programme files (all in the programmes folder if none given)
  programmes schema                    write programmes/programme.schema.json for editors
`

export const SCHEMA_FILE = join(PROGRAMMES_DIR, 'programme.schema.json')

export function schemaFileText(): string {
  return `${JSON.stringify(programmeJsonSchema(), null, 2)}\n`
}

interface Io {
  out(line: string): void
  err(line: string): void
}

/**
 * `programmes …` commands. They need no database, so they run while Hearth is running.
 * Returns the exit code.
 */
export function runProgrammesCommand(action: string | undefined, args: string[], dir: string, io: Io): number {
  if (action === 'schema') {
    writeFileSync(SCHEMA_FILE, schemaFileText())
    io.err(`Wrote ${SCHEMA_FILE}`)
    return 0
  }
  if (action !== 'check') {
    io.err(`Unknown command: programmes ${action ?? ''}\n\n${PROGRAMMES_USAGE}`)
    return 1
  }
  try {
    if (args.length === 0) {
      const library = loadProgrammeLibrary(dir)
      for (const p of library.programmes) io.out(`ok\t${p.id}\t${p.name}`)
      io.err(`${library.programmes.length} programme files are valid.`)
      return 0
    }
    let failed = 0
    for (const file of args) {
      try {
        const programme = loadProgrammeFile(resolve(file))
        io.out(`ok\t${programme.id}\t${programme.name}`)
      } catch (error) {
        if (!(error instanceof ProgrammeFileError)) throw error
        failed += 1
        for (const problem of error.problems) io.err(formatProblem(problem))
      }
    }
    return failed > 0 ? 1 : 0
  } catch (error) {
    if (!(error instanceof ProgrammeFileError)) throw error
    for (const problem of error.problems) io.err(formatProblem(problem))
    return 1
  }
}
