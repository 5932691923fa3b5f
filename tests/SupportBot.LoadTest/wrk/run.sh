#!/usr/bin/env bash
# The per-turn benchmark with wrk (docs/performance.md, "The per-turn benchmark with wrk"): the
# bare echo bot and SupportBot (default settings: embedded SQLite, the trained model) started side
# by side on free loopback ports, 12 s of warm-up on each, then ROUNDS rounds of 15 s on each in
# turn, 8 connections over 16,384 conversations (turn.lua). Prints one line per timed run and the
# summary: median turns/s of each, their ratio, SupportBot's worst p99, non-2xx, peak RSS, CPU per turn.
# Needs a Release build (dotnet build -c Release SupportBot.sln) and a trained model (models/).
# SUPPORTBOT_ARGS adds settings (e.g. "--RateLimits:BotMessagesPerAddress:PermitLimit 0" for a
# build older than the exemption of callers on this machine); ROUNDS, WARMUP, SECONDS_PER_RUN.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$(dirname "$(dirname "$here")")")"
rounds="${ROUNDS:-2}"
warmup="${WARMUP:-12}"
seconds="${SECONDS_PER_RUN:-15}"
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 2; }
web="$root/src/SupportBot.Web/bin/Release/net10.0/SupportBot.Web.dll"
load="$root/tests/SupportBot.LoadTest/bin/Release/net10.0/SupportBot.LoadTest.dll"
model="$root/models/intent-model.zip"
for f in "$web" "$load" "$model"; do [ -f "$f" ] || { echo "missing $f: build in Release and train first" >&2; exit 2; }; done

work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
echo_port="$(free_port)"; bot_port="$(free_port)"

dotnet "$load" echo-host --urls "http://127.0.0.1:$echo_port" >"$work/echo.log" 2>&1 &
pids+=($!); echo_pid=$!
# Default settings; only where the files are (the clone's training data and model, a fresh database).
(cd "$work" && exec dotnet "$web" --urls "http://127.0.0.1:$bot_port" --environment Production \
  --contentRoot "$root/src/SupportBot.Web" --Storage:Sqlite:Path "$work/supportbot.db" \
  --Classifier:ModelPath "$model" --Logging:LogLevel:Default Warning ${SUPPORTBOT_ARGS:-}) >"$work/bot.log" 2>&1 &
pids+=($!); bot_pid=$!

for port in "$echo_port" "$bot_port"; do
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/readyz" && break
    sleep 0.2
  done
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
peak_rss_mb() { awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }

# run NAME PID PORT SECONDS -> "turns/s p99_ms non2xx cpu_ms_per_turn"
run() {
  local name=$1 pid=$2 port=$3 secs=$4 before after out
  before=$(cpu_ticks "$pid")
  out=$(wrk -t2 -c8 -d"${secs}s" --latency -s "$here/turn.lua" "http://127.0.0.1:$port")
  after=$(cpu_ticks "$pid")
  python3 - "$name" "$before" "$after" "$(getconf CLK_TCK)" <<PY
import re, sys
out = """$out"""
name, before, after, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
total = int(re.search(r"(\d+) requests in", out).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
def ms(label):
    m = re.search(r"\s%s%%\s+([\d.]+)(us|ms|s)\b" % label, out)
    v = float(m.group(1)); return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
cpu = (after - before) * 1000 / hz / max(total, 1)
print(f"{name}\t{rate:.0f}\t{ms('50'):.2f}\t{ms('90'):.2f}\t{ms('99'):.2f}\t{int(bad.group(1)) if bad else 0}\t{cpu:.3f}")
PY
}

echo "warm-up: ${warmup}s on each" >&2
run warmup "$echo_pid" "$echo_port" "$warmup" >/dev/null
run warmup "$bot_pid" "$bot_port" "$warmup" >/dev/null

printf 'target\tturns/s\tp50 ms\tp90 ms\tp99 ms\tnon-2xx\tCPU ms/turn\n' | tee "$work/results.tsv"
for r in $(seq 1 "$rounds"); do
  run "echo bot" "$echo_pid" "$echo_port" "$seconds" | tee -a "$work/results.tsv"
  run SupportBot "$bot_pid" "$bot_port" "$seconds" | tee -a "$work/results.tsv"
done

python3 - "$work/results.tsv" "$(peak_rss_mb "$echo_pid")" "$(peak_rss_mb "$bot_pid")" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
echo = [r for r in rows if r[0] == "echo bot"]; bot = [r for r in rows if r[0] == "SupportBot"]
me = statistics.median(float(r[1]) for r in echo); mb = statistics.median(float(r[1]) for r in bot)
print(f"\nmedian turns/s: echo bot {me:.0f}, SupportBot {mb:.0f}: {100 * mb / me:.0f}% of the echo bot")
print(f"SupportBot worst p99 {max(float(r[4]) for r in bot):.2f} ms; non-2xx {sum(int(r[5]) for r in rows)}; "
      f"CPU per turn: echo bot {statistics.median(float(r[6]) for r in echo):.3f} ms, SupportBot {statistics.median(float(r[6]) for r in bot):.3f} ms")
print(f"peak RSS: echo bot {sys.argv[2]} MB, SupportBot {sys.argv[3]} MB")
PY
