/** A process's CPU time and resident memory from /proc (Linux): the benchmark's server-side costs. */
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** User plus system CPU time of `pid`, ms (0 once it is gone). */
export function cpuMs(pid: number): number {
  return userSysMs(pid).reduce((a, b) => a + b, 0);
}

/**
 * User and system (kernel) CPU time of `pid`, ms ([0, 0] once it is gone). The kernel's share is the system
 * calls (socket writes and reads) and, on loopback, the receiving side of TCP that a write runs. A V8 CPU profile
 * cannot tell this: it samples wall time, and a write that wakes a reader on a busy box is often where the
 * writer is preempted, so a syscall's share of a profile is CPU plus waiting for it.
 */
export function userSysMs(pid: number): [user: number, sys: number] {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [Number(fields[11]) * TICK_MS, Number(fields[12]) * TICK_MS]; // utime, stime (fields 14, 15)
  } catch {
    return [0, 0];
  }
}

/** Each process's [user, sys] CPU time now, ms (for `spent`). */
export function usage(pids: readonly number[]): [user: number, sys: number][] {
  return pids.map(userSysMs);
}

/**
 * CPU time (user plus system) and its system part spent by the same processes between two `usage` readings, ms.
 * A process gone by `to` (it reads 0, e.g. a killed gateway) counts nothing: what it used before is not known.
 */
export function spent(
  from: readonly [number, number][],
  to: readonly [number, number][],
): { cpuMs: number; sysMs: number } {
  let cpu = 0;
  let sys = 0;
  to.forEach(([user, s], i) => {
    if (user + s === 0) return;
    const [user0, s0] = from[i]!;
    cpu += user + s - user0 - s0;
    sys += s - s0;
  });
  return { cpuMs: cpu, sysMs: sys };
}

/**
 * The whole machine's CPU time since boot, ms summed over its cores (/proc/stat): `busy` is all but idle and
 * I/O wait. Over a phase, busy / total is how saturated the box was; with the load generators on the same two
 * cores, a saturated box makes every latency partly theirs.
 */
export function machineCpuMs(): { busy: number; total: number } {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const n = ticks.slice(0, 8).map(Number); // user nice system idle iowait irq softirq steal
    const total = n.reduce((a, b) => a + b, 0);
    return { busy: (total - n[3]! - n[4]!) * TICK_MS, total: total * TICK_MS };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/**
 * Write system calls made by the processes so far (`syscw` of /proc/<pid>/io; a gone process counts 0). A
 * gateway writes a socket with one call whatever it carries (frames are corked together), so over a phase this is
 * what the fan-out cost the kernel in calls, where the frame counters count frames.
 */
export function writeCalls(pids: readonly number[]): number {
  return ioCalls(pids, 'syscw');
}

/**
 * Read system calls made by the processes so far (`syscr`). Over the connects, with `writeCalls`, the round
 * trips a join costs a gateway (to Redis, to PostgreSQL, to the client): counts that the machine's noise moves
 * less than it moves CPU time (stop 47).
 */
export function readCalls(pids: readonly number[]): number {
  return ioCalls(pids, 'syscr');
}

function ioCalls(pids: readonly number[], field: 'syscw' | 'syscr'): number {
  const pattern = new RegExp(`${field}:\\s+(\\d+)`);
  let n = 0;
  for (const pid of pids) {
    try {
      n += Number(pattern.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return n;
}

/**
 * How long each process's main thread (a gateway's event loop) has waited on a run queue, ready to run but
 * without a core (ms; the second field of /proc/<pid>/schedstat; a gone process reads 0). On the benchmark's two
 * shared cores a gateway's loop is late partly because the scheduler ran something else: over a phase this is
 * that share, apart from the gateway's own work.
 */
export function runQueueMs(pids: readonly number[]): number[] {
  return pids.map((pid) => {
    try {
      return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1] ?? 0) / 1e6;
    } catch {
      return 0;
    }
  });
}

/** Resident set size of `pid`, bytes (0 once it is gone). */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(m?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/**
 * The kernel's TCP trouble counters (/proc/net/netstat, machine-wide): segments dropped because a receive queue
 * was over its memory (`TCPRcvQDrop`), and milliseconds spent under TCP memory pressure. Clients and servers share
 * this machine's TCP memory, so a load generator that reads too slowly makes the kernel drop segments, and the
 * retransmissions, not the servers, set the latencies; a run reports these so that shows.
 */
export function tcpTrouble(): { rcvQueueDrops: number; memoryPressureMs: number } {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const i = lines.findIndex((l) => l.startsWith('TcpExt:'));
    const names = lines[i]!.split(' ');
    const values = lines[i + 1]!.split(' ').map(Number);
    const get = (n: string) => values[names.indexOf(n)] ?? 0;
    return { rcvQueueDrops: get('TCPRcvQDrop'), memoryPressureMs: get('TCPMemoryPressuresChrono') };
  } catch {
    return { rcvQueueDrops: 0, memoryPressureMs: 0 };
  }
}

/**
 * Bytes the loopback interface carried so far (/proc/net/dev, `lo`, transmitted: on loopback each byte is sent
 * once and received once). Every client and server of a run talks over loopback, so the difference over a phase
 * is the bytes its frames, their TCP and IP headers and Redis's traffic took: what compression saves shows here.
 */
export function loopbackBytes(): number {
  try {
    const line = readFileSync('/proc/net/dev', 'utf8')
      .split('\n')
      .find((l) => l.trim().startsWith('lo:'));
    return Number(line?.split(':')[1]?.trim().split(/\s+/)[8] ?? 0);
  } catch {
    return 0;
  }
}
