# syntax=docker/dockerfile:1
# Multi-stage build of openclaw-gateway-exporter and openclaw-restart-hook on Debian 12 with Debian packages only.
# The build stage runs exactly the project's own commands (scripts/install-deps.sh, then the release preset); the
# runtime stage installs only the Debian packages that own the shared libraries the two binaries link (found with
# ldd + dpkg -S in the build stage), plus systemd for `systemctl --user` and libssl-dev for civetweb's TLS (it
# dlopens the unversioned libssl.so), and tzdata for the hook's low_traffic_windows time zones.
#
#   docker build --target exporter -t openclaw-gateway-exporter .
#   docker build --target restart-hook -t openclaw-restart-hook .
# How to run them next to a gateway (host PID and network, the user's runtime dir): docker-compose.yml, docs/deploy.md.

FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN bash scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake --preset release && cmake --build --preset release
RUN set -eu; \
    for b in build/release/exporter/openclaw-gateway-exporter build/release/restart-hook/openclaw-restart-hook; do \
      test -x "$b"; ldd "$b"; \
    done | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u | while read -r lib; do \
      dpkg -S "$lib" 2>/dev/null || dpkg -S "$(realpath "$lib")" 2>/dev/null || dpkg -S "${lib#/usr}" 2>/dev/null \
        || dpkg -S "$(realpath "$lib" | sed 's|^/usr||')"; \
    done | cut -d: -f1 | sort -u >/runtime-packages.txt; \
    cat /runtime-packages.txt

FROM debian:12 AS runtime
COPY --from=build /runtime-packages.txt /runtime-packages.txt
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      $(cat /runtime-packages.txt) ca-certificates libssl-dev systemd tzdata \
 && rm -rf /var/lib/apt/lists/*
# civetweb's TLS needs the shim (common/tls-shim): the binaries look for it in ../lib/openclaw next to themselves.
COPY --from=build /src/build/release/lib/libopenclaw-tls-shim.so /usr/local/lib/openclaw/libopenclaw-tls-shim.so
# The production user (the gateway's) is chosen at run time with `user:`; this one is only the default.
RUN useradd --system --uid 999 --home-dir /nonexistent --shell /usr/sbin/nologin openclaw
USER openclaw

FROM runtime AS exporter
COPY --from=build /src/build/release/exporter/openclaw-gateway-exporter /usr/local/bin/
EXPOSE 9789
ENTRYPOINT ["/usr/local/bin/openclaw-gateway-exporter"]
CMD ["--web.listen-address=:9789"]

FROM runtime AS restart-hook
COPY --from=build /src/build/release/restart-hook/openclaw-restart-hook /usr/local/bin/
EXPOSE 9788
ENTRYPOINT ["/usr/local/bin/openclaw-restart-hook"]
CMD ["--config.file=/etc/openclaw-restart-hook/config.yml"]
