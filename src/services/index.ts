import type { Config } from '../config.ts'
import type { Database } from '../db/client.ts'
import { type Notifier, noNotifier } from '../notify/notifier.ts'
import { loadProgrammeLibrary, type ProgrammeLibrary } from '../programmes/library.ts'
import { createApiTokenService } from './apiTokens.ts'
import { createAssessmentService } from './assessments.ts'
import { createAuditLog } from './audit.ts'
import { createAuthService } from './auth.ts'
import { createCaseService } from './cases.ts'
import { createCasework } from './casework.ts'
import { createChronologyService } from './chronology.ts'
import { createClosureService } from './closures.ts'
import { createConsultationService } from './consultations.ts'
import { createContactService } from './contacts.ts'
import type { Clock } from './context.ts'
import { createNetworkService } from './network.ts'
import { createNotificationService } from './notifications.ts'
import { createOnwardReferralService } from './onwardReferrals.ts'
import { createPlanService } from './plans.ts'
import { createProgrammeService } from './programmes.ts'
import { createProgressService } from './progress.ts'
import { createReferralService } from './referrals.ts'
import { createReviewService } from './reviews.ts'
import { createSetupService } from './setup.ts'
import { createTeamService } from './teams.ts'
import { createUserService } from './users.ts'

export type ServiceConfig = Pick<Config, 'LOCKOUT_ATTEMPTS' | 'LOCKOUT_MINUTES' | 'SETUP_LINK_HOURS'>

let shippedLibrary: ProgrammeLibrary | undefined
/** The programmes that come with Hearth, read once. */
export function shippedProgrammes(): ProgrammeLibrary {
  shippedLibrary ??= loadProgrammeLibrary()
  return shippedLibrary
}

/** Every use case, over one database, one clock, one programme library and one way of sending email. */
export function createServices(
  database: Database,
  clock: Clock,
  config: ServiceConfig,
  { library = shippedProgrammes(), notifier = noNotifier }: { library?: ProgrammeLibrary; notifier?: Notifier } = {},
) {
  const audit = createAuditLog(clock)
  const programmes = createProgrammeService(database, audit, clock, library)
  const casework = createCasework(audit, clock, programmes)
  return {
    database,
    clock,
    audit,
    setup: createSetupService(database, audit, clock, config.SETUP_LINK_HOURS, library),
    programmes,
    referrals: createReferralService(database, audit, clock, programmes, casework),
    cases: createCaseService(database, audit, clock, programmes, casework),
    contacts: createContactService(database, audit, clock, programmes, casework),
    chronology: createChronologyService(database, audit, clock, programmes, casework),
    consultations: createConsultationService(database, audit, clock, programmes, casework),
    network: createNetworkService(database, audit, clock, programmes, casework),
    assessments: createAssessmentService(database, audit, clock, programmes, casework),
    plans: createPlanService(database, audit, clock, programmes, casework),
    onwardReferrals: createOnwardReferralService(database, audit, clock, programmes, casework),
    progress: createProgressService(database, audit, clock, programmes, casework),
    reviews: createReviewService(database, audit, clock, programmes, casework),
    closures: createClosureService(database, audit, clock, programmes, casework),
    notifications: createNotificationService(database, audit, clock, notifier),
    auth: createAuthService(database, audit, clock, {
      attempts: config.LOCKOUT_ATTEMPTS,
      minutes: config.LOCKOUT_MINUTES,
    }),
    users: createUserService(database, audit, clock, config.SETUP_LINK_HOURS),
    teams: createTeamService(database, audit, clock),
    apiTokens: createApiTokenService(database, audit, clock),
  }
}

export type Services = ReturnType<typeof createServices>
