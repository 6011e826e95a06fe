#!/usr/bin/env bash
# libsegtex.so exports exactly the public API: every dynamic symbol it defines
# is a function declared in include/segtex/*.h, and every function declared
# there is exported. The declarations come from the compiler (gcc -aux-info),
# independently of the regex generator of the version script
# (cmake/exports.cmake), which is also checked on a header it has not seen.
set -u
src=${SEGTEX_SOURCE_DIR:?} bin=${SEGTEX_BIN:?}
build=$(dirname "$bin")
lib=$build/libsegtex.so
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
expect() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $1"; fi; }

expect "libsegtex.so is built" '[ -e "$lib" ]'
soname=$(readelf -d "$lib" 2>/dev/null | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
expect "SONAME carries the ABI version (got '$soname')" '[[ "$soname" =~ ^libsegtex\.so\.[0-9]+$ ]]'
expect "the segtex command uses the shared library" 'readelf -d "$bin" | grep -q "NEEDED.*\[$soname\]"'

for h in "$src"/include/segtex/*.h; do echo "#include \"$h\""; done >"$tmp/all.c"
gcc -std=c11 -I"$src/include" -fsyntax-only -aux-info "$tmp/aux.txt" "$tmp/all.c"
grep -F "/* $src/include/segtex/" "$tmp/aux.txt" | grep -v '\*/ static ' |
  sed -n 's/.*[ *]\(segtex_[A-Za-z0-9_]*\) (.*/\1/p' | sort -u >"$tmp/declared"
nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort -u >"$tmp/exported"
declared=$(wc -l <"$tmp/declared") exported=$(wc -l <"$tmp/exported")
extra=$(comm -13 "$tmp/declared" "$tmp/exported" | tr '\n' ' ')
missing=$(comm -23 "$tmp/declared" "$tmp/exported" | tr '\n' ' ')
expect "public headers declare functions (got $declared)" '[ "$declared" -gt 50 ]'
expect "every exported symbol is declared in include/segtex/*.h (not: $extra)" '[ -z "$extra" ]'
expect "every declared function is exported (missing: $missing)" '[ -z "$missing" ]'
expect "a private function (segtex_logf) is in libsegtex.a but not exported" \
  'nm "$build/libsegtex.a" 2>/dev/null | grep -q " T segtex_logf$" && ! grep -qx segtex_logf "$tmp/exported"'
echo "libsegtex.so exports $exported symbols, the $declared functions of include/segtex/*.h"

# The generator on a header it has not seen: a new function is exported; an
# inline function, a function type and a function pointer are not.
mkdir -p "$tmp/inc/segtex"
cp "$src"/include/segtex/*.h "$tmp/inc/segtex/"
cat >"$tmp/inc/segtex/zz_new.h" <<'H'
/* segtex_zz_commented(void); */
typedef void segtex_zz_type(int);
typedef segtex_status (*segtex_zz_pointer)(int);
static inline int segtex_zz_inline(int x) { return x; }
segtex_status segtex_zz_new(const char *name,
                            int n);
H
cmake -DINCLUDE_DIR="$tmp/inc" -DOUTPUT="$tmp/map" -P "$src/cmake/exports.cmake"
got=$(grep -o 'segtex_zz_[a-z]*' "$tmp/map" | tr '\n' ' ')
expect "a new header's function joins the version script, nothing else (got: $got)" '[ "$got" = "segtex_zz_new " ]'
expect "the version script keeps everything else local" 'grep -q "local:" "$tmp/map"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
