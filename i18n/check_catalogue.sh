#!/usr/bin/env bash
# Every message the code passes to i18n::tr has a Russian translation in
# i18n/ru.po, and the catalogue compiles cleanly (the test i18n.catalogue).
#   i18n/check_catalogue.sh SOURCE_DIR
set -euo pipefail
src=${1:-$(dirname "$0")/..}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find "$src" \( -path "$src/build*" -o -path "$src/.git" -o -path "$src/tests" \) -prune -o -name '*.cpp' -print | sort >"$work/files"
xgettext --keyword=tr --keyword=tr_both --from-code=UTF-8 --language=C++ --no-location --files-from="$work/files" -o "$work/crosstalk.pot"
msgfmt --check --statistics -o "$work/ru.mo" "$src/i18n/ru.po"
# Fails naming each msgid of the code that ru.po lacks or leaves untranslated.
msgcmp "$src/i18n/ru.po" "$work/crosstalk.pot"
echo "i18n/ru.po: every message of the code is translated ($(grep -c . "$work/files") source files read)"
