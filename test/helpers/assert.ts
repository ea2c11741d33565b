import assert from 'node:assert/strict'

/** Every message in an error's cause chain (Drizzle wraps the database's own error). */
export function errorText(error: unknown): string {
  const parts: string[] = []
  let e = error as { message?: string; cause?: unknown } | undefined
  while (e) {
    if (e.message) parts.push(e.message)
    e = e.cause as typeof e
  }
  return parts.join(' | ')
}

export async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.match(errorText(error), pattern)
    return true
  })
}
