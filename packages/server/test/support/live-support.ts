/**
 * Live video test helpers: a real ffmpeg publisher (synthetic test pattern with audio, `-re`, over RTMP),
 * HLS fetches, and bounded waits. Every publisher a test starts is stopped by `stop()` (SIGKILL fallback).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { LiveView } from '@lightstick/protocol';
import { http } from './api.ts';
import { reap } from './reaper.ts';

export interface Publisher {
  proc: ChildProcess;
  /** Resolves with ffmpeg's exit code (or signal) once it exits. */
  exited: Promise<number | string>;
  stderr(): string;
  /** Stops it (SIGINT: ffmpeg closes the stream cleanly; SIGKILL after 5 s). */
  stop(): Promise<number | string>;
}

/** Publishes testsrc2 (30 fps, a keyframe every second) and a sine tone as H.264/AAC in FLV to `url`. */
export function publish(url: string, opts: { seconds?: number } = {}): Publisher {
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-re',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x180:rate=30',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=44100',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-g',
    '30',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '64k',
    '-t',
    String(opts.seconds ?? 120),
    '-f',
    'flv',
    url,
  ];
  const proc = reap(spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] }));
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    proc,
    exited,
    stderr: () => err,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGINT');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        const r = await exited;
        clearTimeout(t);
        return r;
      }
      return exited;
    },
  };
}

/** Polls `probe` every 50 ms until it returns a value, failing after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function liveState(baseUrl: string, token: string, id: string): Promise<LiveView> {
  const r = await http<LiveView>(baseUrl, 'GET', `/api/lives/${id}`, { token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

/** Waits until the live is in `state`. */
export function untilState(
  baseUrl: string,
  token: string,
  id: string,
  state: LiveView['state'],
  timeoutMs = 30_000,
): Promise<LiveView> {
  return eventually(
    async () => {
      const l = await liveState(baseUrl, token, id);
      return l.state === state ? l : undefined;
    },
    `live ${id} to be ${state}`,
    timeoutMs,
  );
}

export async function get(url: string): Promise<{ status: number; type: string; body: Buffer }> {
  const r = await fetch(url);
  return {
    status: r.status,
    type: r.headers.get('content-type') ?? '',
    body: Buffer.from(await r.arrayBuffer()),
  };
}

/** The segment URIs of a media playlist. */
export const segmentsOf = (playlist: string): string[] =>
  playlist.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
