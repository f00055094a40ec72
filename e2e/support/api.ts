/** A person acting through the HTTP API directly, for the other side of a story. */
export interface ApiPerson {
  cookie: string;
  csrf: string;
}

export async function apiSignup(
  baseUrl: string,
  handle: string,
  displayName: string,
  password = 'correct horse battery',
): Promise<ApiPerson> {
  const res = await fetch(`${baseUrl}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, displayName, password }),
  });
  if (res.status !== 201) throw new Error(`signup ${handle}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { csrfToken: string };
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { cookie, csrf: body.csrfToken };
}

export async function apiFollow(baseUrl: string, who: ApiPerson, handle: string): Promise<void> {
  const res = await fetch(`${baseUrl}/api/v1/users/${handle}/follow`, {
    method: 'PUT',
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf },
  });
  if (!res.ok) throw new Error(`follow ${handle}: ${res.status} ${await res.text()}`);
}
