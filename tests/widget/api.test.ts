import { describe, expect, it } from 'vitest';
import { createApi } from '../../src/widget/api.js';
import { ApiError } from '../../src/widget/apiErrors.js';

type Call = { url: string; init: RequestInit };

function fakeFetch(respond: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const impl = (async (url: string | URL | Request, init?: RequestInit) => {
    const call = { url: String(url), init: init ?? {} };
    calls.push(call);
    return respond(call);
  }) as typeof fetch;
  return { calls, impl };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

const failureOf = async (promise: Promise<unknown>) => {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return (err as ApiError).failure;
};

describe('createApi', () => {
  const signal = new AbortController().signal;

  it('lists comments with site, thread, sort, page size and cursor, sending no cookies', async () => {
    const { calls, impl } = fakeFetch(() => json(200, { thread: {}, comments: [], nextCursor: null }));
    await createApi('https://c.test', signal, impl).comments('altfilmguide', '/refusenik-qa', 'newest', 'abc');
    const url = new URL(calls[0]!.url);
    expect(url.pathname).toBe('/api/v1/comments');
    expect(Object.fromEntries(url.searchParams)).toEqual({ site: 'altfilmguide', thread: '/refusenik-qa', sort: 'newest', limit: '20', cursor: 'abc' });
    expect(calls[0]!.init).toMatchObject({ method: 'GET', credentials: 'omit' });
  });

  it('sends edits and deletes with the edit token as a bearer token', async () => {
    const { calls, impl } = fakeFetch(() => json(200, { status: 'published', comment: {} }));
    const api = createApi('https://c.test', signal, impl);
    await api.edit('c/1', 'tok', 'new body');
    await api.remove('c/1', 'tok');
    expect(calls.map((c) => [c.init.method, c.url])).toEqual([
      ['PATCH', 'https://c.test/api/v1/comments/c%2F1'],
      ['DELETE', 'https://c.test/api/v1/comments/c%2F1'],
    ]);
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ body: 'new body' });
  });

  it('omits an empty report note', async () => {
    const { calls, impl } = fakeFetch(() => json(201, {}));
    await createApi('https://c.test', signal, impl).report('c1', 'spam', '');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ reason: 'spam' });
  });

  it('turns an error response into an ApiFailure, with Retry-After', async () => {
    const { impl } = fakeFetch(() => json(429, { error: { code: 'rate_limited', message: 'Slow down' } }, { 'Retry-After': '12' }));
    const failure = await failureOf(createApi('https://c.test', signal, impl).formToken('s'));
    expect(failure).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 12 });
  });

  it('reports an unreachable server as status 0', async () => {
    const { impl } = fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await failureOf(createApi('https://c.test', signal, impl).policy('s'))).toMatchObject({ status: 0, code: 'network' });
  });

  it('builds the stream URL for EventSource', () => {
    expect(createApi('https://c.test', signal).streamUrl('s', '/a b')).toBe('https://c.test/api/v1/stream?site=s&thread=%2Fa+b');
  });
});
