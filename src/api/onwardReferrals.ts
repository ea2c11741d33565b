import type { Services } from '../services/index.ts'
import type { ApiRoute } from './routing.ts'

export function onwardReferralsApiRoutes(_services: Services): ApiRoute[] {
  return []
}
