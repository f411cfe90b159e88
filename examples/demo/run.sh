#!/bin/sh
# Build a two-commit repository from v1/ and v2/ and review it: `sh run.sh PATH/TO/codeassist`.
# Exits 0 when the reviews ran (findings are the point), 2 when codeassist failed.
set -u
codeassist=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/codeassist-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
git_() { git -C "$work" -c user.name=demo -c user.email=demo@example.com -c init.defaultBranch=main "$@"; }
git_ init -q
cp -R "$here/v1/." "$work/"
git_ add -A && git_ commit -q -m "Inventory service with documented API"
rm -rf "$work/inventory.py" "$work/web" "$work/src" "$work/README.md"
cp -R "$here/v2/." "$work/"
git_ add -A && git_ commit -q -m "Rename restock quantity, add force, return None from find"
cd "$work" || exit 2
echo "== codeassist review --commit HEAD   (what the last commit made stale)"
"$codeassist" review --commit HEAD
status=$?
[ "$status" -gt 1 ] && exit "$status"
echo
echo "== codeassist check .   (the whole tree, static rules)"
"$codeassist" check .
status=$?
[ "$status" -gt 1 ] && exit "$status"
echo
echo "== codeassist commit-msg   (the commit-msg hook: a message written for another change)"
printf '\nexport function clearCart(cart) {\n  cart.items = [];\n  return cart;\n}\n' >> web/cart.js
git_ add -A
printf 'Round discounted prices to whole cents in Pricing\n' > "$work/.git/DEMO_MSG"
"$codeassist" commit-msg .git/DEMO_MSG
status=$?
[ "$status" -gt 1 ] && exit "$status"
exit 0
