#!/usr/bin/env bash
# Runs the official Python SDK (google-genai, pinned in requirements.txt) against the
# gemini-emulator binary. Creates (or reuses) a virtualenv under the cargo target directory,
# builds and starts the emulator on a free port, runs compat.py, and stops the emulator.
#
# Usage: tests/compat/python/run.sh        (from anywhere; needs python3 >= 3.9 and cargo)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="$TARGET/python-compat/venv"
PYTHON="${PYTHON:-python3}"
KEY="compat-test-key"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
STAMP="$VENV/.requirements.sha256"
WANT="$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$WANT" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
    echo "$WANT" > "$STAMP"
fi

(cd "$ROOT" && cargo build --quiet -p gemini-emulator --bin gemini-emulator)
BIN="$TARGET/debug/gemini-emulator"

LOG="$(mktemp)"
# The SDK's Live client always connects with wss:// (the base URL with its scheme switched):
# the emulator serves TLS on the same port with a generated certificate, which the SDK trusts
# through SSL_CERT_FILE.
CERT="$(mktemp)"
"$BIN" --port 0 --api-key "$KEY" --tls --cert-out "$CERT" > "$LOG" 2>&1 &
PID=$!
cleanup() {
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    rm -f "$LOG" "$CERT"
}
trap cleanup EXIT

# The emulator prints its base URL as its first line.
URL=""
for _ in $(seq 1 100); do
    URL="$(head -n 1 "$LOG" | tr -d '\r')"
    case "$URL" in http://*) break ;; esac
    if ! kill -0 "$PID" 2>/dev/null; then
        echo "gemini-emulator exited early:" >&2
        cat "$LOG" >&2
        exit 1
    fi
    sleep 0.1
done
case "$URL" in http://*) ;; *) echo "gemini-emulator did not print its URL" >&2; exit 1 ;; esac

SSL_CERT_FILE="$CERT" "$VENV/bin/python" "$HERE/compat.py" "$URL" "$KEY"
