#!/usr/bin/env bash
# with-user-manager.sh CMD [ARGS...]
#
# Runs CMD next to a REAL systemd user manager on a machine where systemd is not PID 1, and exits with CMD's status.
#
# How (see docs in /work/shared/environment.md for the recipe):
#   - a private mount namespace (`unshare --mount --propagation private`) with a tmpfs on /run/systemd and
#     /run/systemd/system created, so `systemd --user` agrees to start; nothing outside the namespace sees it;
#   - a scratch dir /tmp/openclaw-user-manager.XXXXXX holding a fresh XDG_RUNTIME_DIR (mode 0700) and HOME;
#     units go to $HOME/.config/systemd/user (XDG_CONFIG_HOME is unset);
#   - the manager runs in its OWN cgroup `<our cgroup>/openclaw-user-manager.XXXXXX/user@<uid>.service` (created in
#     the name=systemd, memory and v2 hierarchies) and CMD in `.../cmd`. The `user@<uid>.service` name is what a
#     production user manager's cgroup is called, and programs look for it: the real gateway reads /proc/self/cgroup
#     and only takes itself for a *user* unit (and reads its TimeoutStopUSec from `systemctl --user`, sizing its drain
#     from it: 315 s with TimeoutStopSec=330) when the path contains `/user@<uid>.service/`; under any other name it
#     asks the system manager, fails, and drains only 75 s. Started at the root cgroup, a root user manager
#     behaves like PID 1: it moves every root-cgroup process of the machine into /init.scope and builds /app.slice at
#     the top, so two concurrent runs would share (and kill) each other's unit cgroups. In its own subtree it only
#     touches that subtree, concurrent runs are independent, and the cleanup can kill everything in it.
#
# CMD sees these variables:
#   XDG_RUNTIME_DIR, HOME                 the manager's (systemctl --user and sd-bus find it through them)
#   OPENCLAW_USER_MANAGER_PID             the manager's pid
#   OPENCLAW_USER_MANAGER_CGROUP          the manager's cgroup subtree (relative to each hierarchy's root), e.g.
#                                         /init.scope/openclaw-user-manager.Ab12Cd/user@0.service; a unit's
#                                         ControlGroup lies below it (…/user@0.service/app.slice/NAME.service).
#   OPENCLAW_USER_MANAGER_SCRATCH         the scratch dir (removed at the end)
# Units started by the manager get its environment, so XDG_RUNTIME_DIR (checked: `systemctl --user` inside a unit
# reaches this manager; fixture_gateway_systemd_test relies on it), but HOME from the passwd entry (/root), not the
# scratch HOME: set Environment=HOME= in a unit if that matters. Unit stdout goes nowhere useful (no journald in the
# namespace): use StandardOutput=append:FILE to keep a log.
#
# Cleanup (always: CMD fails, SIGTERM/SIGINT/SIGHUP to this script, or the manager fails to come up): SIGTERM to
# the manager (it stops every unit), SIGKILL after 15 s, then SIGKILL to anything left in the cgroup subtree, rmdir
# of the subtree in every hierarchy, and removal of the scratch dir. A watchdog process does the same if this
# script itself is SIGKILLed. On a signal, CMD gets SIGTERM (SIGKILL 10 s later) and the script exits 128+signal.
#
# Environment knobs: OPENCLAW_USER_MANAGER_START_TIMEOUT (seconds to wait for the manager to answer, default 30).
set -uo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
readonly SELF

log() { echo "with-user-manager: $*" >&2; }

# shellcheck source-path=SCRIPTDIR source=cgroup_tree.sh
source "$(dirname "$SELF")/cgroup_tree.sh"  # cgroup_mounts, destroy_cgroup_tree

remove_scratch() {
  local scratch=$1
  [[ -n "$scratch" && "$scratch" == /tmp/openclaw-user-manager.* ]] || return 0
  rm -rf --one-file-system "$scratch"
}

# ---- watchdog mode: waits for EOF on stdin (the script's end, however it ends), then cleans up. ----
if [[ "${1:-}" == "--watchdog" ]]; then
  scratch=$2 cgrel=$3
  cat >/dev/null
  destroy_cgroup_tree "$cgrel" "*/openclaw-user-manager.*"
  remove_scratch "$scratch"
  exit 0
fi

if (($# == 0)); then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

# ---- step 1: re-exec inside a private mount namespace ----
if [[ "${_OPENCLAW_USER_MANAGER_NS:-}" != "1" ]]; then
  if ((EUID != 0)); then
    log "needs root (it mounts a tmpfs on /run/systemd in a private mount namespace)"
    exit 2
  fi
  export _OPENCLAW_USER_MANAGER_NS=1
  exec unshare --mount --propagation private -- "$BASH" "$SELF" "$@"
fi
unset _OPENCLAW_USER_MANAGER_NS

SYSTEMD_BIN=/lib/systemd/systemd
START_TIMEOUT=${OPENCLAW_USER_MANAGER_START_TIMEOUT:-30}
scratch=""
cgrel=""
manager_pid=""
cmd_pid=""
escalation_pid=""
cgtop=""
got_signal=0

cleanup() {
  local i
  trap - TERM INT HUP
  if [[ -n "$cmd_pid" ]] && kill -0 "$cmd_pid" 2>/dev/null; then
    kill -KILL "$cmd_pid" 2>/dev/null
    wait "$cmd_pid" 2>/dev/null
  fi
  if [[ -n "$manager_pid" ]] && kill -0 "$manager_pid" 2>/dev/null; then
    kill -TERM "$manager_pid" 2>/dev/null
    for ((i = 0; i < 150; i++)); do
      kill -0 "$manager_pid" 2>/dev/null || break
      # a reaped-but-not-waited child shows as a zombie: wait collects it
      [[ "$(awk '{print $3}' "/proc/$manager_pid/stat" 2>/dev/null)" == Z ]] && break
      sleep 0.1
    done
    if kill -0 "$manager_pid" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$manager_pid/stat" 2>/dev/null)" != Z ]]; then
      log "user manager did not stop within 15 s; killing it"
      kill -KILL "$manager_pid" 2>/dev/null
    fi
    wait "$manager_pid" 2>/dev/null
  fi
  if [[ -n "$escalation_pid" ]]; then
    kill -KILL "$escalation_pid" 2>/dev/null
    wait "$escalation_pid" 2>/dev/null
  fi
  destroy_cgroup_tree "$cgtop" "*/openclaw-user-manager.*"
  remove_scratch "$scratch"
}
trap cleanup EXIT

on_signal() {
  got_signal=$1
  log "got signal $1; stopping CMD and the user manager"
  if [[ -n "$cmd_pid" ]]; then
    kill -TERM "$cmd_pid" 2>/dev/null
    # The wait is bash's own `read -t` (no `sleep` child that would outlive the KILL of this subshell).
    ( read -rt 10 <> <(:) || true; kill -KILL "$cmd_pid" 2>/dev/null ) {alive_fd}>&- &
    escalation_pid=$!
  else
    exit $((128 + got_signal))
  fi
}
trap 'on_signal 15' TERM
trap 'on_signal 2' INT
trap 'on_signal 1' HUP

fail() {
  log "$*"
  exit 1
}

[[ -x "$SYSTEMD_BIN" ]] || fail "$SYSTEMD_BIN not found (install systemd)"

# ---- step 2: scratch dirs, our cgroup path, the watchdog, the /run/systemd/system marker ----
scratch=$(mktemp -d /tmp/openclaw-user-manager.XXXXXX) || fail "mktemp failed"
mkdir -m 0700 "$scratch/runtime" && mkdir "$scratch/home" || fail "cannot create scratch dirs in $scratch"
# Our position in the hierarchy systemd uses for itself: name=systemd on a hybrid/legacy host, the v2 path otherwise.
base=$(awk -F: '$2 == "name=systemd" { print $3 }' /proc/self/cgroup)
[[ -n "$base" ]] || base=$(awk -F: '$1 == "0" && $2 == "" { print $3 }' /proc/self/cgroup)
# <top>/user@<uid>.service holds the user manager (and so every unit), <top>/cmd holds CMD and whatever it spawns.
cgtop="${base%/}/$(basename "$scratch")"
cgrel="$cgtop/user@${EUID}.service"

# The watchdog reads a fifo whose only writer is this script: EOF means we are gone, however we ended.
mkfifo "$scratch/alive" || fail "mkfifo failed"
( setsid "$BASH" "$SELF" --watchdog "$scratch" "$cgtop" <"$scratch/alive" >/dev/null 2>&1 & )
exec {alive_fd}>"$scratch/alive"

mount -t tmpfs -o mode=0755 tmpfs /run/systemd || fail "cannot mount a tmpfs on /run/systemd"
mkdir -p /run/systemd/system || fail "cannot create /run/systemd/system"

# ---- step 3: a cgroup subtree of our own for the manager ----
procs_files=()
cmd_procs_files=()
while read -r fstype mnt opts; do
  case "$fstype" in
    cgroup2) ;;
    cgroup) [[ ",$opts," == *,name=systemd,* || ",$opts," == *,memory,* ]] || continue ;;
    *) continue ;;
  esac
  mkdir -p "$mnt$cgrel" "$mnt$cgtop/cmd" || fail "cannot create cgroup $mnt$cgtop/{manager,cmd}"
  procs_files+=("$mnt$cgrel/cgroup.procs")
  cmd_procs_files+=("$mnt$cgtop/cmd/cgroup.procs")
done < <(awk '{ print $3, $2, $4 }' /proc/self/mounts)
((${#procs_files[@]} > 0)) || fail "no cgroup hierarchy is mounted"

# ---- step 4: start the manager inside that subtree ----
export XDG_RUNTIME_DIR="$scratch/runtime" HOME="$scratch/home"
unset XDG_CONFIG_HOME DBUS_SESSION_BUS_ADDRESS
"$BASH" -c 'for f in "$@"; do echo "$$" >"$f" || exit 1; done; exec '"$SYSTEMD_BIN"' --user' \
  move-into "${procs_files[@]}" >"$scratch/manager.log" 2>&1 {alive_fd}>&- &
manager_pid=$!

deadline=$((SECONDS + START_TIMEOUT))
until systemctl --user show-environment >/dev/null 2>&1; do
  if ! kill -0 "$manager_pid" 2>/dev/null; then
    wait "$manager_pid"
    rc=$?
    manager_pid=""
    log "systemd --user exited with status $rc before answering; its log:"
    cat "$scratch/manager.log" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    log "systemd --user did not answer 'systemctl --user show-environment' within ${START_TIMEOUT}s; its log:"
    cat "$scratch/manager.log" >&2
    exit 1
  fi
  ((got_signal)) && exit $((128 + got_signal))
  sleep 0.1
done

export OPENCLAW_USER_MANAGER_PID="$manager_pid" OPENCLAW_USER_MANAGER_CGROUP="$cgrel" \
  OPENCLAW_USER_MANAGER_SCRATCH="$scratch"

# ---- step 5: run CMD ----
"$BASH" -c 'n=$1; shift; for f in "${@:1:n}"; do echo "$$" >"$f" || exit 126; done; shift "$n"; exec "$@"' \
  move-into "${#cmd_procs_files[@]}" "${cmd_procs_files[@]}" "$@" {alive_fd}>&- &
cmd_pid=$!
status=0
while kill -0 "$cmd_pid" 2>/dev/null; do
  wait "$cmd_pid"
  status=$?
done
cmd_pid=""
if ((got_signal)); then
  exit $((128 + got_signal))
fi
exit "$status"
