import { hash, verify } from '@node-rs/argon2'
import { z } from 'zod'

// argon2id (the library's default algorithm) with OWASP's minimum: 19 MiB, 2 passes.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS)
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    // Spend the same time as a real check, so timing does not reveal which accounts exist.
    await hash(password, OPTIONS)
    return false
  }
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

/** NCSC advice: length over complexity rules. */
export const newPasswordSchema = z
  .string({ error: 'Enter a password' })
  .min(1, 'Enter a password')
  .min(12, 'Password must be 12 characters or more')
  .max(200, 'Password must be 200 characters or fewer')
