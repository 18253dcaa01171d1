/** What the sandbox's API (/v1) received: requests in all, and the most in one second, since the last reset. */
export interface TrafficStats {
  requests: number;
  /** The most requests in one calendar second (…:00.000–…:00.999), and which second. */
  peakPerSecond: number;
  peakSecondAt: string | null;
  /** The most requests in any 1,000 ms, wherever the window starts (never below peakPerSecond). */
  peakPerSlidingSecond: number;
  since: string;
}

/** Counts requests as they arrive, per calendar second and over a sliding one-second window. */
export function trafficCounter(now: () => number = Date.now) {
  let since = now();
  let requests = 0;
  let second = -1;
  let inSecond = 0;
  let peak = 0;
  let peakSecond: number | null = null;
  let recent: number[] = []; // arrival times within the last 1,000 ms
  let peakSliding = 0;
  return {
    arrived(): void {
      const t = now();
      requests += 1;
      const s = Math.floor(t / 1000);
      if (s !== second) {
        second = s;
        inSecond = 0;
      }
      inSecond += 1;
      if (inSecond > peak) {
        peak = inSecond;
        peakSecond = s;
      }
      let old = 0;
      while (old < recent.length && recent[old]! <= t - 1000) old += 1;
      if (old) recent = recent.slice(old);
      recent.push(t);
      peakSliding = Math.max(peakSliding, recent.length);
    },
    stats(): TrafficStats {
      return {
        requests,
        peakPerSecond: peak,
        peakSecondAt: peakSecond === null ? null : new Date(peakSecond * 1000).toISOString(),
        peakPerSlidingSecond: peakSliding,
        since: new Date(since).toISOString(),
      };
    },
    reset(): void {
      since = now();
      requests = inSecond = peak = peakSliding = 0;
      second = -1;
      peakSecond = null;
      recent = [];
    },
  };
}
