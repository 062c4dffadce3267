#!/bin/bash
# Smoke-check the bundle `make dist` built, as a candidate's machine would run it: no venv,
# no Python on PATH, a fresh home. Prints what each step did; screenshots go to OUT_DIR.
#   installer/smoke_bundle.sh [BUNDLE_DIR] [OUT_DIR]
# Steps: --version; `models install-defaults` (the offline models the bundle carries);
# `doctor --json` (every runtime probed in a child of the bundle itself); then the app under
# Xvfb: first start (the wizard) and, with the wizard marked done, the sign-in screen, each
# grabbed from the X screen. GRAB_PYTHON is any Python with PySide6 (only the screen grabber
# uses it; the app under test never sees it).
set -u
BUNDLE=${1:-dist/big20}
OUT=${2:-/tmp/big20-smoke}
GRAB_PYTHON=${GRAB_PYTHON:-python3}
mkdir -p "$OUT"
HOME_DIR=$(mktemp -d /tmp/big20-smoke-home.XXXXXX)
BIN="$(cd "$BUNDLE" && pwd)/big20"
clean_env=(env -i "PATH=/usr/bin:/bin" "HOME=$HOME_DIR" "BIG20_HOME=$HOME_DIR/big20" "LANG=C.UTF-8")
step() { echo; echo "== $*"; }

step "no Python beside it: $(command -v python3 >/dev/null && echo "(python3 exists on the system, not used)")"
"${clean_env[@]}" sh -c 'command -v python || echo "python: not on PATH"'

step "--version"
"${clean_env[@]}" "$BIN" --version; echo "rc $?"

step "models install-defaults (from the packages inside the bundle)"
/usr/bin/time -f "%e s" "${clean_env[@]}" "$BIN" models install-defaults 2>&1 | tail -12

step "doctor --json"
"${clean_env[@]}" "$BIN" doctor --json > "$OUT/doctor.json" 2> "$OUT/doctor.stderr"; echo "rc $?"
tail -c 3000 "$OUT/doctor.json"; echo

step "doctor (text)"
"${clean_env[@]}" "$BIN" doctor 2>&1 | tail -25

grab() {  # grab the whole X screen $1 into $2
  DISPLAY=$1 QT_QPA_PLATFORM=xcb "$GRAB_PYTHON" -c '
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
ok = app.primaryScreen().grabWindow(0).save(sys.argv[1])
sys.exit(0 if ok else 1)' "$2"
}

run_app() {  # run_app NAME SECONDS: start the app under Xvfb, wait, grab, stop
  local name=$1 wait_s=$2 disp=":$((90 + RANDOM % 9))"
  Xvfb "$disp" -screen 0 1280x860x24 -nolisten tcp >/dev/null 2>&1 &
  local xpid=$!
  sleep 2
  "${clean_env[@]}" "DISPLAY=$disp" "QT_QPA_PLATFORM=xcb" "$BIN" > "$OUT/$name.log" 2>&1 &
  local apid=$!
  sleep "$wait_s"
  if kill -0 "$apid" 2>/dev/null; then echo "$name: the app is running (pid $apid)"; else echo "$name: the app EXITED"; fi
  grab "$disp" "$OUT/$name.png" && echo "$name: screenshot $OUT/$name.png"
  kill "$apid" 2>/dev/null; wait "$apid" 2>/dev/null
  kill "$xpid" 2>/dev/null; wait "$xpid" 2>/dev/null
  tail -5 "$OUT/$name.log"
}

step "first start under Xvfb: the first-run wizard"
run_app first_start "${WAIT_S:-40}"
step "next start (wizard done): the sign-in screen"
mkdir -p "$HOME_DIR/big20/config"
echo '{"done": true, "step": "models"}' > "$HOME_DIR/big20/config/first_run.json"
run_app login "${WAIT_S:-40}"
rm -rf "$HOME_DIR"
