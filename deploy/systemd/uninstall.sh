#!/usr/bin/env bash
# Stops and removes what deploy/systemd/install.sh installed for the current user. Idempotent.
#   deploy/systemd/uninstall.sh [--purge]     --purge also removes config, flags, drop-ins and state (audit log!)
# The token file is never removed (Prometheus/Alertmanager may still reference it, and it may live in /etc):
# delete it, and Prometheus's copy, yourself when you are done (docs/deploy.md).
set -euo pipefail
prefix=${PREFIX:-$HOME/.local}
purge=0
[[ ${1:-} == --purge ]] && purge=1
config_home=${XDG_CONFIG_HOME:-$HOME/.config}
unit_dir=$config_home/systemd/user
units=(openclaw-gateway-exporter.service openclaw-restart-hook.service)

systemctl --user disable --now -- "${units[@]}" 2>/dev/null || true
for unit in "${units[@]}"; do rm -f "$unit_dir/$unit"; done
if ((purge)); then
  for unit in "${units[@]}"; do rm -rf "$unit_dir/$unit.d"; done
fi
systemctl --user daemon-reload 2>/dev/null || true
systemctl --user reset-failed -- "${units[@]}" 2>/dev/null || true
rm -f "$prefix/bin/openclaw-gateway-exporter" "$prefix/bin/openclaw-restart-hook"
rm -rf "$prefix/lib/openclaw" "$prefix/share/doc/openclaw"
if ((purge)); then
  rm -rf "$config_home/openclaw-restart-hook" "$config_home/openclaw-gateway-exporter" \
         "${XDG_STATE_HOME:-$HOME/.local/state}/openclaw-restart-hook"
  echo "uninstall.sh: removed units, binaries, the TLS shim, config, flags and state"
else
  echo "uninstall.sh: removed units, binaries and the TLS shim (kept config, flags and state; --purge removes them)"
fi
