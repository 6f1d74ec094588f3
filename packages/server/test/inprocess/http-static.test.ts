import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { errorCode, startHttp, type HttpFixture } from '../support/http-fixture.ts';

describe('web app serving', () => {
  let web: string;
  let f: HttpFixture;
  before(async () => {
    web = await mkdtemp(path.join(tmpdir(), 'ls-web-'));
    await mkdir(path.join(web, 'assets'));
    await writeFile(path.join(web, 'index.html'), '<!doctype html><title>Lightstick</title>');
    await writeFile(path.join(web, 'assets', 'app.js'), 'console.log("hi")');
    f = await startHttp({ webDir: web });
  });
  after(async () => {
    await f.close();
    await rm(web, { recursive: true, force: true });
  });

  test('serves index.html at / and files by path', async () => {
    const index = await f.request('GET', '/');
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /text\/html/);
    assert.match(index.text, /<title>Lightstick<\/title>/);
    const js = await f.request('GET', '/assets/app.js');
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
  });

  test('client-side routes fall back to index.html; missing files and API paths answer JSON 404', async () => {
    const page = await f.request('GET', '/c/stray-kids/rooms/123');
    assert.equal(page.status, 200);
    assert.match(page.text, /Lightstick/);
    for (const p of ['/assets/missing.js', '/api/missing', '/api']) {
      const res = await f.request('GET', p);
      assert.equal(res.status, 404, p);
      assert.equal(errorCode(res), 'not_found');
    }
  });

  test('the API still needs a token next to the public web app', async () => {
    assert.equal(errorCode(await f.request('GET', '/api/me')), 'unauthenticated');
  });

  test('a web folder without index.html serves the API only', async () => {
    const emptyDir = await mkdtemp(path.join(tmpdir(), 'ls-web-empty-'));
    const g = await startHttp({ webDir: emptyDir });
    try {
      assert.equal(errorCode(await g.request('GET', '/')), 'not_found');
      assert.equal((await g.request('GET', '/healthz')).status, 200);
      assert.ok(g.logs().includes('web app not built'));
    } finally {
      await g.close();
      await rm(emptyDir, { recursive: true, force: true });
    }
  });
});
