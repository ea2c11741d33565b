import type { Services } from '../services/index.ts'
import type { ApiRoute } from './routing.ts'

export function plansApiRoutes(_services: Services): ApiRoute[] {
  return []
}
