#!/usr/bin/env bash
# Installs openclaw-gateway-exporter and openclaw-restart-hook as systemd USER units for the current user (the user
# that runs openclaw-gateway.service), and starts them. Idempotent: run it again after a rebuild to update.
#
#   deploy/systemd/install.sh [--build-dir DIR | --bin-dir DIR] [--no-start]
#
# Binaries and the TLS shim: from the CMake build tree --build-dir (default build/release: cmake --preset release &&
# cmake --build --preset release), or from --bin-dir (both binaries and libopenclaw-tls-shim.so in one directory).
# Installed to $PREFIX/bin and $PREFIX/lib/openclaw (PREFIX defaults to ~/.local; the binaries look for the shim in
# ../lib/openclaw next to themselves). Units to ~/.config/systemd/user/. Written once, never overwritten (your edits
# stay): the hook's config.yml and the flags of both units (flags.env), from the gateway unit's port and node/entry.
# Token: $OPENCLAW_HOOK_TOKEN_FILE (default /etc/openclaw-restart-hook/token), filled with a secret if empty/missing.
# Before (re)starting anything it runs the hook's --check-config; it warns when lingering is off for this user.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
prefix=${PREFIX:-$HOME/.local}
build_dir=$repo/build/release
bin_dir=""
start=1
while (($#)); do
  case $1 in
    --build-dir) build_dir=$2; shift 2 ;;
    --bin-dir) bin_dir=$2; shift 2 ;;
    --no-start) start=0; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
say() { echo "install.sh: $*"; }
die() { echo "install.sh: $*" >&2; exit 1; }

token_file=${OPENCLAW_HOOK_TOKEN_FILE:-/etc/openclaw-restart-hook/token}
config_home=${XDG_CONFIG_HOME:-$HOME/.config}
state_home=${XDG_STATE_HOME:-$HOME/.local/state}
unit_dir=$config_home/systemd/user
config_dir=$config_home/openclaw-restart-hook
exporter_config_dir=$config_home/openclaw-gateway-exporter
state_dir=$state_home/openclaw-restart-hook
lib_dir=$prefix/lib/openclaw
gateway_unit=${OPENCLAW_GATEWAY_UNIT:-openclaw-gateway.service}

find_file() {  # NAME SUBDIR-OF-BUILD-TREE
  local name=$1 sub=$2 candidate
  for candidate in ${bin_dir:+"$bin_dir/$name"} "$build_dir/$sub/$name"; do
    [[ -f $candidate ]] && { echo "$candidate"; return; }
  done
  die "$name not found (in ${bin_dir:-$build_dir/$sub}); build first: cmake --preset release && cmake --build --preset release"
}
exporter=$(find_file openclaw-gateway-exporter exporter)
hook=$(find_file openclaw-restart-hook restart-hook)
shim=$(find_file libopenclaw-tls-shim.so lib)

install -d -m 0700 "$config_dir" "$exporter_config_dir" "$state_dir"

# What the gateway's own unit says (openclaw writes ExecStart=<node> --max-old-space-size=N <entry> gateway --port P
# and Environment=OPENCLAW_GATEWAY_PORT=P): the port for the probes, node and entry for the busy check, so the hook
# runs the same openclaw as the gateway.
exec_start=$(systemctl --user show -p ExecStart --value -- "$gateway_unit" 2>/dev/null || true)
environment=$(systemctl --user show -p Environment --value -- "$gateway_unit" 2>/dev/null || true)
argv=$(sed -n 's/.*argv\[\]=\([^;]*\);.*/\1/p' <<<"$exec_start" | head -n1)
node_bin=$(sed -n 's/.*path=\([^ ;]*\).*/\1/p' <<<"$exec_start" | head -n1)
entry=$(tr ' ' '\n' <<<"$argv" | grep -E '\.(mjs|cjs|js)$' | head -n1 || true)
port=$(sed -n 's/.*--port[= ]\([0-9][0-9]*\).*/\1/p' <<<"$argv" | head -n1)
[[ -n $port ]] || port=$(tr ' ' '\n' <<<"$environment" | sed -n 's/^OPENCLAW_GATEWAY_PORT=\([0-9][0-9]*\)$/\1/p' | head -n1)
if [[ -z $exec_start ]]; then
  say "WARNING: $gateway_unit is not loaded in your user manager; assuming port 18789 (OPENCLAW_GATEWAY_UNIT names another unit)" >&2
fi
port=${port:-18789}
if [[ -z $node_bin || -z $entry ]]; then
  say "WARNING: could not read node and openclaw's entry from $gateway_unit's ExecStart;" \
      "check policy.busy.command in $config_dir/config.yml" >&2
fi

write_once() {  # FILE: stdin becomes FILE (0600) unless FILE exists
  if [[ -e $1 ]]; then cat >/dev/null; say "kept existing $1"; return; fi
  (umask 077; cat >"$1.tmp") && mv "$1.tmp" "$1"
  say "wrote $1"
}
write_once "$exporter_config_dir/flags.env" <<ENV
# Flags of openclaw-gateway-exporter (docs/exporter.md), read by its user unit. Written once by install.sh; edit, then
# systemctl --user restart openclaw-gateway-exporter. TLS/basic auth: add --web.config.file=FILE.
OPENCLAW_EXPORTER_FLAGS="--web.listen-address=127.0.0.1:9789 --gateway.unit=$gateway_unit --gateway.url=http://127.0.0.1:$port --log.format=logfmt"
ENV
write_once "$config_dir/flags.env" <<ENV
# Flags of openclaw-restart-hook (docs/restart-hook.md) besides --config.file, read by its user unit. Written once by
# install.sh; edit, then systemctl --user restart openclaw-restart-hook. TLS: the tls: section of config.yml.
OPENCLAW_HOOK_FLAGS="--web.listen-address=127.0.0.1:9788 --log.format=logfmt"
ENV
sed -e "s|^state_dir: [^ ]*|state_dir: $state_dir|" \
    -e "s|/etc/openclaw-restart-hook/token|$token_file|" \
    -e "s|http://127.0.0.1:18789/|http://127.0.0.1:$port/|" \
    -e "s|^    unit: openclaw-gateway.service|    unit: $gateway_unit|" \
    -e "${node_bin:+s|\[/usr/bin/node, |[$node_bin, |}" \
    -e "${entry:+s|/usr/lib/node_modules/openclaw/openclaw.mjs|$entry|}" \
    "$repo/deploy/openclaw-restart-hook.yml" | write_once "$config_dir/config.yml"

if [[ ! -s $token_file ]]; then
  # Missing or empty (e.g. pre-created by root with the right owner): fill it with a random secret.
  if [[ ! -e $token_file ]] && ! install -d -m 0755 "$(dirname "$token_file")" 2>/dev/null; then
    die "cannot create $(dirname "$token_file"): run as root, pre-create the file for this user, or set OPENCLAW_HOOK_TOKEN_FILE"
  fi
  (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$token_file") || die "cannot write $token_file"
  chmod 0600 "$token_file"
  say "wrote a new secret to $token_file (0600). Prometheus and Alertmanager need their own copy (docs/deploy.md)"
else
  say "kept existing $token_file"
fi

# Never install or start a hook that would refuse its configuration (nor restart a working one into that): the new
# binary checks it before anything is replaced.
if ! check=$("$hook" --check-config --config.file="$config_dir/config.yml" 2>&1); then
  printf '%s\n' "$check" >&2
  die "$config_dir/config.yml is invalid (above); fix it and run install.sh again. Nothing was installed or (re)started"
fi

install -d -m 0755 "$prefix/bin" "$lib_dir" "$unit_dir" "$prefix/share/doc/openclaw"
install -m 0755 "$exporter" "$prefix/bin/openclaw-gateway-exporter"
install -m 0755 "$hook" "$prefix/bin/openclaw-restart-hook"
# Both binaries dlopen it for TLS (common/src/http_server.cpp: next to the binary, then ../lib/openclaw).
install -m 0644 "$shim" "$lib_dir/libopenclaw-tls-shim.so"
install -m 0644 "$repo/docs/deploy.md" "$repo/docs/alerts.md" "$prefix/share/doc/openclaw/"
# The units, with this install's paths written in (%h/.local/... and %h/.config/... are only the defaults).
for unit in openclaw-gateway-exporter.service openclaw-restart-hook.service; do
  sed -e "s|%h/.local/state/|$state_home/|g" -e "s|%h/.local/bin/|$prefix/bin/|g" \
      -e "s|%h/.local/share/|$prefix/share/|g" -e "s|%h/.config/|$config_home/|g" \
      "$repo/deploy/systemd/$unit" >"$unit_dir/$unit.tmp"
  mv "$unit_dir/$unit.tmp" "$unit_dir/$unit"
done

# Without lingering the user manager, and with it both units and the gateway, stops at the user's last logout and
# does not start at boot.
user=$(id -un)
linger=$(loginctl show-user "$user" -p Linger --value 2>/dev/null || true)
if [[ -z $linger ]]; then
  if [[ -e /var/lib/systemd/linger/$user ]]; then linger=yes; else linger=no; fi
fi
if [[ $linger != yes ]]; then
  echo "install.sh: WARNING: lingering is OFF for $user: the gateway, the exporter and the hook stop when $user's" \
       "last session ends and do not start at boot. Turn it on (as root): loginctl enable-linger $user" >&2
fi

systemctl --user daemon-reload
if ((start)); then
  systemctl --user enable --now openclaw-gateway-exporter.service openclaw-restart-hook.service
  # A re-install replaces running binaries: restart so the new ones run.
  systemctl --user restart openclaw-gateway-exporter.service openclaw-restart-hook.service
  systemctl --user --no-pager --lines=0 status openclaw-gateway-exporter.service openclaw-restart-hook.service || true
else
  systemctl --user enable openclaw-gateway-exporter.service openclaw-restart-hook.service
fi
say "done. Exporter and hook flags: $exporter_config_dir/flags.env, $config_dir/flags.env" \
    "(defaults: http://127.0.0.1:9789/metrics, http://127.0.0.1:9788/)"
