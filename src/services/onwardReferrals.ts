import type { Database } from '../db/client.ts'
import type { AuditLog } from './audit.ts'
import type { Casework } from './casework.ts'
import type { Clock } from './context.ts'
import type { ProgrammeService } from './programmes.ts'

export function createOnwardReferralService(
  _database: Database,
  _audit: AuditLog,
  _clock: Clock,
  _programmes: ProgrammeService,
  _casework: Casework,
) {
  return {}
}
