-- The summary every benchmark run prints for bench/throughput.py: one line, "BENCH " and a
-- JSON object (requests, seconds, socket errors, non-2xx/3xx count, latency percentiles in
-- microseconds, and the ready sessions the threads used or had to use twice).
-- Used alone for plain GETs (the bare Flask app, the start page), and by sessions.lua.

local threads = {}

function setup(thread)
   thread:set("id", #threads)  -- 0, 1, ...: init() runs in each thread before the next exists
   table.insert(threads, thread)
end

local function counter(name)
   local total = 0
   for _, t in ipairs(threads) do
      total = total + (t:get(name) or 0)
   end
   return total
end

function done(summary, latency, requests)
   local errors = summary.errors
   io.write(string.format(
      'BENCH {"requests": %d, "seconds": %.6f, "bytes": %d, "connect": %d, "read": %d, '
         .. '"write": %d, "timeout": %d, "status": %d, "p50_us": %d, "p99_us": %d, '
         .. '"used": %d, "reused": %d}\n',
      summary.requests, summary.duration / 1e6, summary.bytes, errors.connect, errors.read,
      errors.write, errors.timeout, errors.status, latency:percentile(50),
      latency:percentile(99), counter("used"), counter("reused")))
end
