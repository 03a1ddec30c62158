# Shell helpers shared by compare.sh and leak.sh (sourced, not run). Everything started through `start` is
# remembered by PID and stopped by `stop_all` (the callers trap EXIT).

started_pids=()

# start NAME LOGFILE CMD...: runs CMD in the background, remembers its PID in $last_pid.
start() {
  local name=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  last_pid=$!
  started_pids+=("$last_pid")
  echo "bench: started $name (pid $last_pid)" >&2
}

stop_all() {
  local pid
  for pid in "${started_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${started_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  started_pids=()
}

# A free loopback TCP port, chosen now (the kernel picks it; closed again before use).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL [SECONDS]: until URL answers 2xx.
wait_http() {
  local url=$1 deadline=$((SECONDS + ${2:-20}))
  until curl -sf -o /dev/null "$url"; do
    ((SECONDS < deadline)) || { echo "bench: $url did not answer" >&2; return 1; }
    sleep 0.1
  done
}

# start_fixture LOGFILE ARGS...: starts the fixture gateway on a free port; sets fixture_pid and fixture_port.
start_fixture() {
  local log=$1
  shift
  start fixture "$log" "$FIXTURE" --port 0 "$@"
  fixture_pid=$last_pid
  local deadline=$((SECONDS + 120))
  until grep -q 'listening on' "$log"; do
    kill -0 "$fixture_pid" 2>/dev/null || { cat "$log" >&2; echo "bench: fixture died" >&2; return 1; }
    ((SECONDS < deadline)) || { echo "bench: fixture did not start" >&2; return 1; }
    sleep 0.1
  done
  fixture_port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$log" | head -1)
}

# CPU ticks (utime+stime, every thread, exited ones included) of a process.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
fd_count() { ls "/proc/$1/fd" | wc -l; }

# scrape URL N: N sequential GETs over one keep-alive connection (curl URL globbing), asking for gzip as Prometheus
# does. Fails unless every answer is 200.
scrape() {
  local url=$1 n=$2 sep='?' ok
  [[ $url == *\?* ]] && sep='&'
  ok=$(curl -s -H 'Accept-Encoding: gzip' -w '%{stderr}%{http_code}\n' "${url}${sep}bench=[1-${n}]" 2>&1 >/dev/null |
    grep -c '^200$' || true)
  if ((ok != n)); then
    echo "bench: scraping $url: $ok of $n answers were 200" >&2
    return 1
  fi
}
