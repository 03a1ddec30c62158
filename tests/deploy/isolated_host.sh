# Sourced by tests/deploy/deploy_test.sh: output, polling, and the plumbing that keeps a test's "host of its own"
# (a cgroup subtree, a scratch dir under /var/tmp) from outliving the test, however it ends.

log() { printf '[deploy %3ds] %s\n' $((SECONDS - t0)) "$*"; }
fail() { printf '[deploy %3ds] FAIL: %s\n' $((SECONDS - t0)) "$*" >&2; exit 1; }

cgroup_mounts() { awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts; }

destroy_cgroup_tree() {  # REL: kill everything in that subtree of every hierarchy, remove it
  local rel=$1 mnt dir pid round left=0
  [[ $rel == */openclaw-deploy.* ]] || return 0
  for ((round = 0; round < 50; round++)); do
    left=0
    while read -r mnt; do
      [[ -d $mnt$rel ]] || continue
      while IFS= read -r dir; do
        while read -r pid; do [[ -n $pid ]] && { kill -KILL "$pid" 2>/dev/null; left=1; }; done <"$dir/cgroup.procs"
      done < <(find "$mnt$rel" -type d 2>/dev/null)
    done < <(cgroup_mounts)
    ((left)) || break
    sleep 0.1
  done
  for ((round = 0; round < 20; round++)); do
    left=0
    while read -r mnt; do
      [[ -d $mnt$rel ]] || continue
      find "$mnt$rel" -depth -type d -exec rmdir {} + 2>/dev/null
      [[ -d $mnt$rel ]] && left=1
    done < <(cgroup_mounts)
    ((left)) || break
    sleep 0.1
  done
  ((left)) && echo "deploy_test: could not remove cgroup $rel" >&2
  return 0
}

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
