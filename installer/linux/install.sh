#!/bin/sh
# Install the bundle built by `make dist` for the current user: the folder under
# ~/.local/share/big20, a `big20` link in ~/.local/bin, the menu entry and the icon.
# Usage: dist/big20/install.sh   (run from anywhere; needs no Python)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
dest="$data/big20"
mkdir -p "$data/applications" "$data/icons/hicolor/256x256/apps" "$HOME/.local/bin"
if [ "$here" != "$dest" ]; then
  rm -rf "$dest"
  cp -a "$here" "$dest"
fi
ln -sf "$dest/big20" "$HOME/.local/bin/big20"
sed "s|^Exec=big20|Exec=$dest/big20|; s|^TryExec=big20|TryExec=$dest/big20|" \
  "$dest/big20.desktop" > "$data/applications/big20.desktop"
cp "$dest/big20.png" "$data/icons/hicolor/256x256/apps/big20.png"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" || true
echo "Big20 installed in $dest; start it from the menu or with: $HOME/.local/bin/big20"
