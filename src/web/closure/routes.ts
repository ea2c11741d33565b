import type { Services } from '../../services/index.ts'
import type { PageRoute } from '../routing.ts'

export function closureRoutes(_services: Services): PageRoute[] {
  return []
}
