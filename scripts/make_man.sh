#!/usr/bin/env bash
# Writes the man pages of crosstalk and of each of its commands (crosstalk.1,
# crosstalk-serve.1, crosstalk-spool-list.1, …, gzipped) from their --help,
# with help2man: the pages say exactly what --help says.
# Usage: make_man.sh BINARY OUT_DIR
set -euo pipefail
bin=$(realpath "$1")
out=$2
mkdir -p "$out"
rm -f "$out"/*.1.gz
version=$("$bin" --version | awk '{print $2}')
# The help names the user's config file under $HOME: a page says "~".
export HOME='~' XDG_CONFIG_HOME= LC_ALL=C.UTF-8
# Reproducible dates: the commit's, when there is one.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$(dirname "$0")" log -1 --format=%ct 2>/dev/null || date +%s)
  export SOURCE_DATE_EPOCH
fi

# The subcommands a help text lists (its "Subcommands:" section).
subcommands() { awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}' <<<"$1"; }

pages=()
page() {  # page WORDS...: one page for "crosstalk WORDS"
  local words=("$@") name help summary
  name=$(IFS=-; echo "crosstalk${words[*]:+-${words[*]}}")
  help=$("$bin" "${words[@]}" --help)
  summary=$(head -n 1 <<<"$help")
  [ ${#words[@]} -eq 0 ] && summary="the studio for the company podcast"
  local include
  include=$(mktemp)
  {
    echo "[SEE ALSO]"
    local sub
    [ ${#words[@]} -gt 0 ] && echo ".BR crosstalk (1)"
    for sub in $(subcommands "$help"); do echo ".BR $name-$sub (1)"; done
    [ ${#words[@]} -eq 0 ] && echo "and /usr/share/doc/crosstalk (packaging.md: systemd units, TLS, log rotation)"
  } >"$include"
  help2man --locale=C.UTF-8 --no-info --no-discard-stderr --include="$include" --name="${summary,}" \
    --version-string="$name $version" --help-option="${words[*]} --help" --output="$out/$name.1" "$bin"
  rm -f "$include"
  gzip -9n -f "$out/$name.1"
  pages+=("$name")
  local sub
  for sub in $(subcommands "$help"); do page "${words[@]}" "$sub"; done
}
page
echo "man pages: ${#pages[@]} in $out"
