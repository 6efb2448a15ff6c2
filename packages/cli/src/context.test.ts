import { describe, expect, it } from 'vitest';
import { EXIT } from './cli-error';
import { createContext, parseBaseUrl, type Runtime } from './context';

const runtime = (env: Record<string, string>): Runtime => ({
  env,
  stdout: { write: () => true },
  stderr: { write: () => true },
  signal: new AbortController().signal,
  loadModule: async () => ({}),
});

describe('createContext', () => {
  it('takes the URL and token from the options first, then the environment', () => {
    const env = { TIDEMARK_URL: 'http://env:1', TIDEMARK_TOKEN: 'env-token' };
    expect(createContext({}, runtime(env)).client.baseUrl).toBe('http://env:1');
    expect(createContext({ url: 'http://flag:2/' }, runtime(env)).client.baseUrl).toBe('http://flag:2');
    expect(createContext({}, runtime({ TIDEMARK_TOKEN: 't' })).client.baseUrl).toBe('http://127.0.0.1:8787');
  });

  it('refuses to run without a token, as a usage error', () => {
    expect(() => createContext({}, runtime({ TIDEMARK_TOKEN: ' ' }))).toThrow(
      expect.objectContaining({ code: 'missing_token', exitCode: EXIT.usage }),
    );
  });
});

describe('parseBaseUrl', () => {
  it('accepts http(s) and drops trailing slashes', () => {
    expect(parseBaseUrl('https://tidemark.example.com/')).toBe('https://tidemark.example.com');
    expect(parseBaseUrl('http://127.0.0.1:8787/base//')).toBe('http://127.0.0.1:8787/base');
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => parseBaseUrl('localhost:8787')).toThrow(expect.objectContaining({ code: 'invalid_url' }));
    expect(() => parseBaseUrl('nope')).toThrow(expect.objectContaining({ code: 'invalid_url' }));
  });
});
