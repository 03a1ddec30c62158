# Sourced by tests/deploy/deploy_test.sh: output, polling, and the plumbing that keeps a test's "host of its own"
# (a cgroup subtree, a scratch dir under /var/tmp) from outliving the test, however it ends.

log() { printf '[deploy %3ds] %s\n' $((SECONDS - t0)) "$*"; }
fail() { printf '[deploy %3ds] FAIL: %s\n' $((SECONDS - t0)) "$*" >&2; exit 1; }

# shellcheck source=../lib/cgroup_tree.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cgroup_tree.sh"  # cgroup_mounts, destroy_cgroup_tree

remove_scratch() {
  [[ $1 == /var/tmp/openclaw-deploy.* ]] || return 0
  umount -R "$1" 2>/dev/null
  rm -rf --one-file-system "$1"
}

# make_cgroup REL [OWNER]: creates REL in the hierarchies systemd uses (name=systemd or the v2 tree, and memory),
# chowned to OWNER (a delegated subtree, as logind's user@.service gets) when given; prints each cgroup.procs path.
make_cgroup() {
  local rel=$1 owner=${2:-} fstype mnt opts
  while read -r fstype mnt opts; do
    case $fstype in
      cgroup2) ;;
      cgroup) [[ ",$opts," == *,name=systemd,* || ",$opts," == *,memory,* ]] || continue ;;
      *) continue ;;
    esac
    mkdir -p "$mnt$rel" || return 1
    [[ -z $owner ]] || chown -R "$owner" "$mnt$rel" || return 1
    echo "$mnt$rel/cgroup.procs"
  done < <(awk '{ print $3, $2, $4 }' /proc/self/mounts)
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s; fails the test when time is up
wait_until() {
  local limit=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "not within ${limit}s: $what"
    sleep 0.2
  done
}
