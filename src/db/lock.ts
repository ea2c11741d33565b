import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import path from 'node:path'

/**
 * PGlite does not lock its data folder, and two processes writing one folder corrupt it.
 * Hearth keeps its own lock file there and refuses a second process with a clear message.
 */
export interface DataDirLock {
  file: string
  release(): void
}

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `Another Hearth process (pid ${pid}) is using the data folder ${dir}. ` +
        'Stop it first, or set HEARTH_DATA_DIR to another folder. The embedded database serves one process.',
    )
    this.name = 'DataDirLockedError'
  }
}

export function lockDataDir(dir: string): DataDirLock {
  const file = path.join(dir, 'hearth.lock')
  const content = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() })
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, content, { flag: 'wx', mode: 0o600 })
      let released = false
      return {
        file,
        release() {
          if (released) return
          released = true
          rmSync(file, { force: true })
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = readHolder(file)
      if (holder && holder.host === hostname() && isAlive(holder.pid)) throw new DataDirLockedError(dir, holder.pid)
      if (holder && holder.host !== hostname()) throw new DataDirLockedError(dir, holder.pid)
      // The process that held it has gone (a crash): the lock is stale.
      rmSync(file, { force: true })
    }
  }
  throw new Error(`Could not lock the data folder ${dir}`)
}

function readHolder(file: string): { pid: number; host: string } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8'))
    return typeof parsed.pid === 'number' ? parsed : undefined
  } catch {
    return undefined
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
