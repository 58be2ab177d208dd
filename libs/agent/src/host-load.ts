import os from "node:os";

type Times = { idle: number; total: number };

function cpuTimes(): Times {
  let idle = 0;
  let total = 0;
  for (const c of os.cpus()) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total };
}

/**
 * The machine's load for the server's placement thresholds: CPU busy share of all cores since
 * the previous sample, and memory in use (total less what the kernel calls available, which
 * is what libuv's freemem reads on Linux).
 */
export function hostLoadSampler(): () => { cpuPercent: number; memoryPercent: number } {
  let last = cpuTimes();
  return () => {
    const now = cpuTimes();
    const total = now.total - last.total;
    const busy = total - (now.idle - last.idle);
    last = now;
    const clamp = (v: number) => Math.min(100, Math.max(0, Math.round(v * 10) / 10));
    return {
      cpuPercent: clamp(total > 0 ? (busy / total) * 100 : 0),
      memoryPercent: clamp((1 - os.freemem() / os.totalmem()) * 100),
    };
  };
}
