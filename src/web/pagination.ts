import type { Request } from 'express'

/** The page asked for in `?page=`, 1 if none or nonsense. */
export function pageNumber(req: Request): number {
  return Math.max(1, Number.parseInt(String(req.query.page ?? '1'), 10) || 1)
}

/** This request's path and query with another page number, for page links that keep the filters. */
export function pageHref(req: Request, page: number): string {
  const query = new URLSearchParams(req.query as Record<string, string>)
  query.set('page', String(page))
  return `${req.path}?${query}`
}

/**
 * govukPagination's items, previous and next: the first and last pages, and those either
 * side of this one, with an ellipsis for the rest.
 */
export function govukPages(page: number, pages: number, href: (page: number) => string) {
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = []
  for (let n = 1; n <= pages; n++) {
    if (n === 1 || n === pages || Math.abs(n - page) <= 1) items.push({ number: n, href: href(n), current: n === page })
    else if (!('ellipsis' in (items.at(-1) ?? {}))) items.push({ ellipsis: true })
  }
  return {
    items,
    previous: page > 1 ? { href: href(page - 1) } : undefined,
    next: page < pages ? { href: href(page + 1) } : undefined,
  }
}

/** "Showing 26 to 50 of 130", and the links, for a list a page at a time. */
export function listPages(req: Request, page: number, total: number, pageSize: number) {
  const pages = Math.max(1, Math.ceil(total / pageSize))
  return {
    page,
    pages,
    from: total === 0 ? 0 : (page - 1) * pageSize + 1,
    to: Math.min(total, page * pageSize),
    total,
    pagination: govukPages(page, pages, (p) => pageHref(req, p)),
  }
}
