/**
 * Packages one publish to HLS with ffmpeg, without re-encoding (`-c copy`): the publish's FLV bytes go to
 * ffmpeg's stdin, the playlist and segments to the channel's folder. Segments are cut at the publisher's
 * keyframes, so their length is `segmentSec` when the keyframe interval is at most that (OBS: keyframe
 * interval 1 s). Each publish of a channel appends to the same playlist after a discontinuity, with its own
 * segment prefix, so players carry on across a reconnect. Writes go through temporary files and renames,
 * so a viewer never reads half a segment or playlist.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../../observability/logger.ts';
import type { Publish } from './rtmp-ingest.ts';
import { PLAYLIST } from './hls-names.ts';

export interface PackagerOptions {
  ffmpegPath: string;
  /** The channel's folder. */
  dir: string;
  segmentSec: number;
  /** Segments listed in the playlist. */
  listSize: number;
  logger: Logger;
  /** The first complete segment of this publish is on disk: viewers can play. */
  onPlayable(): void;
  /** ffmpeg ended while the publish was running (it crashed or was killed). */
  onFailed(reason: string): void;
  /** stdin bytes waiting for ffmpeg past which it is considered stuck (default 32 MiB). */
  maxBufferedBytes?: number;
}

/** How often the folder is looked at for the first segment. */
const FIRST_SEGMENT_POLL_MS = 100;
/** After stdin closes, ffmpeg gets this long to finish the last segment before SIGKILL. */
const STOP_GRACE_MS = 3000;

export function ffmpegArgs(o: { dir: string; prefix: string; segmentSec: number; listSize: number }) {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-fflags',
    '+genpts',
    '-f',
    'flv',
    '-i',
    'pipe:0',
    '-c',
    'copy',
    '-f',
    'hls',
    '-hls_time',
    String(o.segmentSec),
    '-hls_list_size',
    String(o.listSize),
    '-hls_flags',
    'delete_segments+append_list+discont_start+omit_endlist+temp_file+program_date_time+independent_segments',
    '-hls_segment_filename',
    path.join(o.dir, `${o.prefix}%d.ts`),
    path.join(o.dir, PLAYLIST),
  ];
}

export class HlsPackager {
  private proc: ChildProcess | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();
  private poll: NodeJS.Timeout | undefined;
  readonly prefix: string;

  constructor(
    private readonly publish: Publish,
    private readonly opts: PackagerOptions,
  ) {
    // Unique per publish, so a reconnect never overwrites the segments players may still be reading.
    this.prefix = `p${Date.now().toString(36)}${publish.id.slice(-4).replace(/[^a-z0-9]/gi, '')}-`;
  }

  async start(): Promise<void> {
    const { opts } = this;
    await mkdir(opts.dir, { recursive: true });
    const args = ffmpegArgs({ ...opts, prefix: this.prefix });
    const proc = spawn(opts.ffmpegPath, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    this.proc = proc;
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString();
    });
    proc.stdin?.on('error', () => {}); // EPIPE when ffmpeg dies: reported by the exit handler
    this.exited = new Promise<void>((resolve) => {
      proc.once('error', (err) => {
        opts.logger.error({ err, channel: this.publish.channelId }, 'ffmpeg could not start');
        this.failed(`ffmpeg could not start: ${err.message}`);
        resolve();
      });
      proc.once('exit', (code, signal) => {
        this.cleanupWatchers();
        if (!this.stopping) {
          opts.logger.error(
            { channel: this.publish.channelId, code, signal, stderr: stderr.trim() },
            'ffmpeg ended during a publish',
          );
          this.failed(`ffmpeg ended (${code ?? signal})`);
        }
        resolve();
      });
    });
    const max = opts.maxBufferedBytes ?? 32 * 1024 * 1024;
    this.unsubscribe = this.publish.subscribe((flv) => {
      const stdin = proc.stdin;
      if (stdin === null || stdin.destroyed || this.stopping) return;
      stdin.write(flv);
      if (stdin.writableLength > max) {
        opts.logger.error({ channel: this.publish.channelId }, 'ffmpeg does not keep up; stopping it');
        proc.kill('SIGKILL');
      }
    });
    this.watchFirstSegment();
  }

  /** The running ffmpeg's process id (tests kill it to simulate a crash). */
  pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Ends the input; ffmpeg finishes the last segment and exits (killed if it takes too long). */
  async stop(): Promise<void> {
    if (this.stopping) return this.exited;
    this.stopping = true;
    this.cleanupWatchers();
    const proc = this.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.stdin?.end();
      const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    }
  }

  private failed(reason: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.cleanupWatchers();
    this.opts.onFailed(reason);
  }

  private cleanupWatchers(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.poll !== undefined) clearTimeout(this.poll);
    this.poll = undefined;
  }

  private watchFirstSegment(): void {
    const look = async () => {
      this.poll = undefined;
      if (this.stopping) return;
      // temp_file: the playlist is replaced whole, and names a segment only once it is complete.
      const playlist = await readFile(path.join(this.opts.dir, PLAYLIST), 'utf8').catch(() => '');
      if (playlist.includes(this.prefix)) {
        this.opts.onPlayable();
        return;
      }
      this.poll = setTimeout(() => void look(), FIRST_SEGMENT_POLL_MS);
    };
    this.poll = setTimeout(() => void look(), FIRST_SEGMENT_POLL_MS);
  }
}
