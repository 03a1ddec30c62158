#!/usr/bin/env bash
# Stops and removes what deploy/systemd/install.sh installed for the current user. Idempotent.
#   deploy/systemd/uninstall.sh [--purge]     --purge also removes the hook's config and state (audit log!)
# The token file is never removed (Alertmanager may still reference it): delete it yourself if you are done.
set -euo pipefail
prefix=${PREFIX:-$HOME/.local}
purge=0
[[ ${1:-} == --purge ]] && purge=1
unit_dir=${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user
units=(openclaw-gateway-exporter.service openclaw-restart-hook.service)

systemctl --user disable --now "${units[@]}" 2>/dev/null || true
for unit in "${units[@]}"; do rm -f "$unit_dir/$unit"; done
systemctl --user daemon-reload 2>/dev/null || true
systemctl --user reset-failed "${units[@]}" 2>/dev/null || true
rm -f "$prefix/bin/openclaw-gateway-exporter" "$prefix/bin/openclaw-restart-hook"
rm -rf "$prefix/share/doc/openclaw"
if ((purge)); then
  rm -rf "${XDG_CONFIG_HOME:-$HOME/.config}/openclaw-restart-hook" "${XDG_STATE_HOME:-$HOME/.local/state}/openclaw-restart-hook"
  echo "uninstall.sh: removed units, binaries, config and state"
else
  echo "uninstall.sh: removed units and binaries (kept config and state; --purge removes them)"
fi
