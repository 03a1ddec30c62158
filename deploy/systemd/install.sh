#!/usr/bin/env bash
# Installs openclaw-gateway-exporter and openclaw-restart-hook as systemd USER units for the current user (the user
# that runs openclaw-gateway.service), and starts them. Idempotent: run it again after a rebuild to update.
#
#   deploy/systemd/install.sh [--bin-dir DIR] [--no-start]
#
# Binaries: from --bin-dir, else build/release/{exporter,restart-hook}/ (cmake --preset release && cmake --build
# --preset release). Installed to $PREFIX/bin (PREFIX defaults to ~/.local). Units to ~/.config/systemd/user/.
# Hook config: ~/.config/openclaw-restart-hook/config.yml from deploy/openclaw-restart-hook.yml, only if missing.
# Token: $OPENCLAW_HOOK_TOKEN_FILE (default /etc/openclaw-restart-hook/token), created with 0600 if missing.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
prefix=${PREFIX:-$HOME/.local}
bin_dir=""
start=1
while (($#)); do
  case $1 in
    --bin-dir) bin_dir=$2; shift 2 ;;
    --no-start) start=0; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
token_file=${OPENCLAW_HOOK_TOKEN_FILE:-/etc/openclaw-restart-hook/token}
unit_dir=${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user
config_dir=${XDG_CONFIG_HOME:-$HOME/.config}/openclaw-restart-hook
state_dir=${XDG_STATE_HOME:-$HOME/.local/state}/openclaw-restart-hook

find_binary() {
  local name=$1 sub=$2
  for candidate in ${bin_dir:+"$bin_dir/$name"} "$repo/build/release/$sub/$name"; do
    [[ -x $candidate ]] && { echo "$candidate"; return; }
  done
  echo "install.sh: $name not found; build it first: cmake --preset release && cmake --build --preset release" >&2
  exit 1
}
exporter=$(find_binary openclaw-gateway-exporter exporter)
hook=$(find_binary openclaw-restart-hook restart-hook)

install -d -m 0755 "$prefix/bin" "$unit_dir"
install -d -m 0700 "$config_dir" "$state_dir"
install -m 0755 "$exporter" "$prefix/bin/openclaw-gateway-exporter"
install -m 0755 "$hook" "$prefix/bin/openclaw-restart-hook"
for unit in openclaw-gateway-exporter.service openclaw-restart-hook.service; do
  # %h in the units is the home directory; a PREFIX elsewhere is written into the installed copy.
  sed "s|%h/.local/bin/|$prefix/bin/|" "$repo/deploy/systemd/$unit" >"$unit_dir/$unit.tmp"
  mv "$unit_dir/$unit.tmp" "$unit_dir/$unit"
done
install -d -m 0755 "$prefix/share/doc/openclaw"
install -m 0644 "$repo/docs/deploy.md" "$repo/docs/alerts.md" "$prefix/share/doc/openclaw/"

# The busy check runs openclaw's CLI with the node binary and entry script of the gateway's own unit (ExecStart:
# node --max-old-space-size=N <entry> gateway …), so it is the same openclaw as the gateway's.
gateway_unit=${OPENCLAW_GATEWAY_UNIT:-openclaw-gateway.service}
exec_start=$(systemctl --user show -p ExecStart --value "$gateway_unit" 2>/dev/null || true)
node_bin=$(sed -n 's/.*path=\([^ ;]*\).*/\1/p' <<<"$exec_start" | head -n1)
entry=$(sed -n 's/.*argv\[\]=\([^;]*\);.*/\1/p' <<<"$exec_start" | tr ' ' '\n' | grep -E '\.(mjs|cjs|js)$' | head -n1 || true)
if [[ -z $node_bin || -z $entry ]]; then
  echo "install.sh: could not read node and openclaw's entry from $gateway_unit's ExecStart;" \
       "check policy.busy.command in $config_dir/config.yml" >&2
fi

if [[ ! -e $config_dir/config.yml ]]; then
  sed -e "s|^state_dir: [^ ]*|state_dir: $state_dir|" \
      -e "s|/etc/openclaw-restart-hook/token|$token_file|" \
      -e "${node_bin:+s|\[/usr/bin/node, |[$node_bin, |}" \
      -e "${entry:+s|/usr/lib/node_modules/openclaw/openclaw.mjs|$entry|}" \
      "$repo/deploy/openclaw-restart-hook.yml" >"$config_dir/config.yml"
  chmod 0600 "$config_dir/config.yml"
  echo "install.sh: wrote $config_dir/config.yml (edit gateways/match for your gateways)"
else
  echo "install.sh: kept existing $config_dir/config.yml"
fi

if [[ ! -s $token_file ]]; then
  # Missing or empty (e.g. pre-created by root with the right owner): fill it with a random secret.
  if [[ ! -e $token_file ]] && ! install -d -m 0755 "$(dirname "$token_file")" 2>/dev/null; then
    echo "install.sh: cannot create $(dirname "$token_file"): run as root, pre-create the file for this user, or set OPENCLAW_HOOK_TOKEN_FILE" >&2
    exit 1
  fi
  (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$token_file") || {
    echo "install.sh: cannot write $token_file" >&2; exit 1; }
  chmod 0600 "$token_file"
  echo "install.sh: wrote a new secret to $token_file (0600). Alertmanager must send the same one (docs/deploy.md)"
else
  echo "install.sh: kept existing $token_file"
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
echo "install.sh: done. Exporter http://127.0.0.1:9789/metrics, hook http://127.0.0.1:9788/"
