#!/usr/bin/env bash
# Install the system services the test suite runs for real: PostgreSQL, Redis, Chromium
# (headless browser tests), docker-compose (to check the compose file) and nginx (the
# repository's proxy config in front of two servers). Only what is missing is installed, so a
# ready machine costs nothing.
#
# As root with apt-get (Debian/Ubuntu) it installs; anywhere else it lists what is missing and
# fails only for PostgreSQL or Redis, without which the suite cannot run at all (browser tests
# skip themselves when Chromium is absent, the proxy tests when nginx is).
set -euo pipefail

missing=()

have_postgres() {
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}
have_redis() {
    command -v redis-server >/dev/null 2>&1
}
have_chromium() {
    [[ -x /usr/bin/chromium ]]
}
# Debian's Compose v1 checks docker-compose.yml with `docker-compose config` (no engine needed).
have_compose() {
    command -v docker-compose >/dev/null 2>&1
}
# Debian installs the binary in /usr/sbin, which is not on every user's PATH.
have_nginx() {
    command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]]
}

have_postgres || missing+=(postgresql)
have_redis || missing+=(redis-server)
have_chromium || missing+=(chromium)
have_compose || missing+=(docker-compose)
have_nginx || missing+=(nginx)

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    echo "installing: ${missing[*]}"
    apt-get update -qq
    # Recommends stay off: postgresql depends on its server and client packages outright, and
    # chromium's recommends (extra fonts, desktop integration) are not needed headless.
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    have_postgres || { echo "PostgreSQL still missing after install" >&2; exit 1; }
    have_redis || { echo "redis-server still missing after install" >&2; exit 1; }
    have_chromium || echo "warning: chromium still missing; browser tests will be skipped" >&2
    have_nginx || echo "warning: nginx still missing; proxy tests will be skipped" >&2
    exit 0
fi

echo "missing system packages: ${missing[*]}" >&2
echo "install them with your package manager (as root on Debian: apt-get install ${missing[*]})" >&2
for pkg in "${missing[@]}"; do
    if [[ $pkg == postgresql || $pkg == redis-server ]]; then
        exit 1
    fi
done
exit 0
