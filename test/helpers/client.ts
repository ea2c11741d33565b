/**
 * A small HTTP client that behaves like a browser without JavaScript: it keeps the session
 * cookie, does not follow redirects (so tests see them), and sends each form's CSRF token.
 */
export class WebClient {
  private cookie = ''

  constructor(readonly baseUrl: string) {}

  async get(path: string): Promise<Response> {
    return this.request('GET', path)
  }

  /** Posts a form. Without `_csrf` in `fields`, first fetches `csrfFrom` (default: `path`) to read one. */
  /** Posts a form; a field given as a list is sent once per value, as checkboxes are. */
  async post(path: string, fields: Record<string, string | string[]> = {}, csrfFrom = path): Promise<Response> {
    const body = new URLSearchParams(
      Object.entries(fields).flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]),
      ),
    )
    if (!('_csrf' in fields)) body.set('_csrf', await this.csrfToken(csrfFrom))
    return this.request('POST', path, body)
  }

  async csrfToken(path: string): Promise<string> {
    const page = await this.get(path)
    const html = await page.text()
    const match = /name="_csrf" value="([^"]+)"/.exec(html)
    if (!match) throw new Error(`No CSRF token on ${path} (status ${page.status})`)
    return match[1]
  }

  async signIn(email: string, password: string): Promise<Response> {
    return this.post('/sign-in', { email, password })
  }

  private async request(method: string, path: string, body?: URLSearchParams): Promise<Response> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      redirect: 'manual',
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body,
    })
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('hearth.sid='))
    if (setCookie) this.cookie = setCookie.split(';')[0]
    // Like a browser loading a page, wait for the whole response before the next request.
    const content = await response.arrayBuffer()
    return new Response(response.status === 204 || response.status === 304 ? null : content, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    })
  }
}
