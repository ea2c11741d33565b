import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** A random, URL-safe secret with 256 bits of entropy. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url')
}

/** Secrets are long and random, so a fast hash is enough to store them (unlike passwords). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
