/**
 * The browser preview's HTTP surface, without a browser: who may call the API (token, Host, Origin),
 * what the static side serves (the built UI with the bridge injected, the CSP, nothing outside
 * out/renderer), the event stream, and the stand-ins for main's services. Requests go through node:http so the
 * tests can send the headers a hostile page or a DNS-rebinding attack would.
 */
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../main/csp.js';
import { TOKEN_HEADER } from '../../scripts/preview/access.js';
import { RENDERER_OUT } from '../../scripts/preview/renderer-build.js';
import { injectBridge, startPreviewServer, type PreviewServer } from '../../scripts/preview/server.js';
import { createHome, type TestHome } from '../support/home.js';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(server: PreviewServer, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method: options.method ?? 'GET', path: options.path, headers: options.headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The headers the preview's own page sends. */
function pageHeaders(server: PreviewServer, extra: Record<string, string> = {}): Record<string, string> {
  return { host: `127.0.0.1:${server.port}`, origin: server.origin, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', [TOKEN_HEADER]: server.token, ...extra };
}

function call(server: PreviewServer, channel: string, payload: unknown, headers: Record<string, string> = pageHeaders(server)) {
  return send(server, { method: 'POST', path: `/api/request/${channel}`, headers, body: JSON.stringify(payload) });
}

let home: TestHome;
let server: PreviewServer;
beforeEach(async () => {
  home = await createHome();
  server = await startPreviewServer({ env: home.env });
});
afterEach(async () => {
  await server.stop();
  await home.cleanup();
});

describe('the preview API', () => {
  it('answers the page: the real handler table behind a token, on 127.0.0.1 and a random port', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}$/);
    expect(server.port).toBeGreaterThan(0);
    const repo = await home.repo('widgets');
    const answer = await call(server, 'repo.open', { path: repo });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ ok: true, value: { path: repo, name: 'widgets', remotes: [], repoCommands: [], trusted: true } });
    // The state store of this run remembered it.
    expect(JSON.parse((await call(server, 'recent.list', {})).body).value.map((r: { path: string }) => r.path)).toEqual([repo]);
  });

  it('gives every run its own token', async () => {
    const other = await startPreviewServer({ env: home.env });
    try {
      expect(other.token).not.toBe(server.token);
      expect(other.port).not.toBe(server.port);
      expect((await call(server, 'recent.list', {}, pageHeaders(server, { [TOKEN_HEADER]: other.token }))).status).toBe(403);
    } finally {
      await other.stop();
    }
  });

  it.each([
    ['no token', { [TOKEN_HEADER]: '' }],
    ['a wrong token', { [TOKEN_HEADER]: 'x'.repeat(43) }],
    ['another Host (DNS rebinding)', { host: `evil.example:${0}` }],
    ['localhost instead of 127.0.0.1', { host: 'localhost:PORT' }],
    ['another Origin', { origin: 'http://evil.example' }],
    ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses a request with %s (403), before any handler runs', async (_name, change) => {
    const headers = pageHeaders(server);
    for (const [key, value] of Object.entries(change)) {
      if (value === '') delete headers[key];
      else headers[key] = value.replace('PORT', String(server.port));
    }
    const answer = await call(server, 'settings.set', { probeTimeoutSeconds: 5 }, headers);
    expect(answer.status).toBe(403);
    // Nothing changed: the setting is still the default.
    expect(JSON.parse((await call(server, 'settings.get', {})).body).value.probeTimeoutSeconds).not.toBe(5);
  });

  it('requires an Origin on requests (browsers always send one with a POST)', async () => {
    const headers = pageHeaders(server);
    delete headers.origin;
    expect((await call(server, 'recent.list', {}, headers)).status).toBe(403);
  });

  it('validates payloads with the same schemas as main', async () => {
    const answer = JSON.parse((await call(server, 'repo.open', { path: 'relative/path', extra: 1 })).body);
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    const notJson = await send(server, { method: 'POST', path: '/api/request/repo.open', headers: pageHeaders(server), body: '{nope' });
    expect(notJson.status).toBe(400);
    const unknown = await call(server, 'shell.exec', { command: 'id' });
    expect(unknown.status).toBe(404);
    const form = await send(server, { method: 'POST', path: '/api/request/recent.list', headers: pageHeaders(server, { 'content-type': 'text/plain' }), body: '{}' });
    expect(form.status).toBe(415);
    const huge = await call(server, 'repo.open', { path: `/${'a'.repeat(300_000)}` });
    expect(huge.status).toBe(413);
  });

  it('never answers CORS: a preflight gets no Access-Control headers', async () => {
    const answer = await send(server, { method: 'OPTIONS', path: '/api/request/recent.list', headers: { host: `127.0.0.1:${server.port}`, origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(answer.status).toBe(403);
    expect(Object.keys(answer.headers).filter((h) => h.startsWith('access-control'))).toEqual([]);
  });

  it('records pages instead of opening them, and keeps the clipboard in memory', async () => {
    const opened = JSON.parse((await call(server, 'external.open', { kind: 'ssh-keys' })).body);
    expect(opened).toEqual({ ok: true, value: { opened: false, url: expect.stringMatching(/^https:\/\/bitbucket\.org\//) } });
    expect(server.opened).toEqual([opened.value.url]);
    const refused = JSON.parse((await call(server, 'external.open', { kind: 'url', url: 'https://evil.example/' })).body);
    expect(refused.ok).toBe(false);
    expect(server.opened).toHaveLength(1);

    const line = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIlyBQeJ3tr8l8zbqtd1nv3b0Qd9NBE0ZIGvAsgHwdGE test@example';
    const pub = path.join(home.sshDir, 'id_test.pub');
    await import('node:fs/promises').then((fs) => fs.writeFile(pub, `${line}\n`));
    expect(JSON.parse((await call(server, 'clipboard.write', { kind: 'public-key', publicKeyPath: pub })).body)).toEqual({ ok: true, value: { copied: true } });
    expect(server.clipboard).toEqual([line]);
    expect(JSON.parse((await call(server, 'repo.choose', {})).body)).toEqual({ ok: true, value: null });
  });
});

describe('the preview event stream', () => {
  function openStream(headers: Record<string, string>): Promise<{ status: number; next(): Promise<string>; close(): void }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path: '/api/events', headers, setHost: false }, (res) => {
        let buffer = '';
        const waiting: Array<(frame: string) => void> = [];
        res.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          for (let end = buffer.indexOf('\n\n'); end !== -1 && waiting.length > 0; end = buffer.indexOf('\n\n')) {
            waiting.shift()!(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        });
        resolve({
          status: res.statusCode ?? 0,
          next: () =>
            new Promise((done) => {
              const end = buffer.indexOf('\n\n');
              if (end !== -1) {
                done(buffer.slice(0, end));
                buffer = buffer.slice(end + 2);
              } else waiting.push(done);
            }),
          close: () => req.destroy(),
        });
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('streams events to pages with the token, as server-sent events', async () => {
    const headers = pageHeaders(server);
    delete headers['content-type'];
    delete headers.origin;
    const stream = await openStream(headers);
    try {
      expect(stream.status).toBe(200);
      expect(await stream.next()).toBe('event: ready\ndata: {}');
      server.emit('repo.requested', { path: '/tmp/some repo' });
      expect(await stream.next()).toBe('event: repo.requested\ndata: {"path":"/tmp/some repo"}');
    } finally {
      stream.close();
    }
  });

  it('refuses a stream without the token or from another origin', async () => {
    const base = { host: `127.0.0.1:${server.port}` };
    for (const headers of [base, { ...base, origin: 'http://evil.example', [TOKEN_HEADER]: server.token }]) {
      const stream = await openStream(headers);
      expect(stream.status).toBe(403);
      stream.close();
    }
  });
});

describe('the preview pages', () => {
  it('serves the built UI with the bridge script before the app, under the app’s CSP', async () => {
    const answer = await send(server, { path: '/', headers: { host: `127.0.0.1:${server.port}` } });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['x-frame-options']).toBe('DENY');
    const bridgeAt = answer.body.indexOf('<script src="/__preview/bridge.js"></script>');
    expect(bridgeAt).toBeGreaterThan(0);
    expect(bridgeAt).toBeLessThan(answer.body.indexOf('type="module"'));
    // No inline script anywhere (script-src 'self' would block it).
    expect(answer.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const bridge = await send(server, { path: '/__preview/bridge.js', headers: { host: `127.0.0.1:${server.port}` } });
    expect(bridge.headers['content-type']).toMatch(/^text\/javascript/);
    expect(bridge.body).toContain('pushDoctorPreview');
    // The token is in no page the server sends: it lives in the address fragment only.
    expect(answer.body + bridge.body).not.toContain(server.token);
  });

  it('serves the bundle’s assets and nothing outside out/renderer', async () => {
    const index = await readFile(path.join(RENDERER_OUT, 'index.html'), 'utf8');
    const asset = /src="\.(\/assets\/[^"]+\.js)"/.exec(index)![1]!;
    const host = { host: `127.0.0.1:${server.port}` };
    expect((await send(server, { path: asset, headers: host })).status).toBe(200);
    for (const probe of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/.vite/manifest.json', '/nope.js']) {
      const answer = await send(server, { path: probe, headers: host });
      expect(answer.status, probe).toBe(404);
      expect(answer.body).not.toContain('"name"');
    }
    expect((await send(server, { path: '/', headers: { host: 'attacker.example' } })).status).toBe(403);
    expect((await send(server, { method: 'DELETE', path: '/', headers: host })).status).toBe(405);
  });

  it('puts the bridge before the first module script of any index.html', () => {
    expect(injectBridge('<head><script type="module" src="./a.js"></script></head>')).toBe('<head><script src="/__preview/bridge.js"></script>\n    <script type="module" src="./a.js"></script></head>');
    expect(() => injectBridge('<head></head>')).toThrow(/no module script/);
  });
});
