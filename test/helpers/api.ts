/** Calls Hearth's JSON API with a personal token, sending `json` (when given) as the body. */
export function callApi(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  json?: unknown,
): Promise<Response> {
  return fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
  })
}
