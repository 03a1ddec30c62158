# Sourced by tests/lib/with-user-manager.sh and tests/deploy/isolated_host.sh: the cgroup plumbing that keeps a
# test's processes from outliving it.

cgroup_mounts() { awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts; }

# destroy_cgroup_tree REL PATTERN: kills every process in the subtree REL (a path relative to each hierarchy's root)
# of every cgroup hierarchy, then removes the subtree. Does nothing unless REL matches PATTERN (a glob naming the
# caller's own subtrees), so an empty or wrong path can never reach another cgroup.
destroy_cgroup_tree() {
  local rel=$1 pattern=$2 mnt dir pid round left=0
  # shellcheck disable=SC2053  # PATTERN is a glob on purpose
  [[ -n $rel && $rel == $pattern ]] || return 0
  for ((round = 0; round < 50; round++)); do
    left=0
    while read -r mnt; do
      [[ -d $mnt$rel ]] || continue
      [[ -w $mnt$rel/cgroup.kill ]] && echo 1 >"$mnt$rel/cgroup.kill" 2>/dev/null
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
  ((left)) && echo "could not remove cgroup $rel in every hierarchy" >&2
  return 0
}
