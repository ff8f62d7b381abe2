#!/usr/bin/env bash
# sentences.sh: auth and store hold no sentence for people. They say what
# happened (an error's kind and fields, which loopback page to show, why a
# redirect was refused); ui/words holds every sentence, in every language,
# and says it. This fails (exit 1, one line per finding, naming file:line)
# when a string literal in the non-test Go files of auth (package auth,
# auth/keeper, auth/claude; not auth/authtest, a test server, nor
# auth/title) or store (not store/storetest) looks like words for a person:
#
#   - a message ID's template field ("… {{.Name}} …");
#   - a sentence: a capital letter followed by lowercase words and spaces
#     ("Not connected", "Approve again in the browser"), or words ending
#     in a full stop ("… then try again.");
#   - any words returned from a Words/Message-style function (Words,
#     Message, Explain, Said, Description, Summary) or put into a
#     words/phrase/page/text struct (Phrase{…}, or a field ID:, Title:,
#     Body:, Text:, Reason:, Why:, Message:).
#
# Error() texts, log messages and errors.New/fmt.Errorf texts are short,
# lower-case technical descriptions and pass. Run from anywhere; make
# check-deps calls it.
set -euo pipefail
cd "$(dirname "$0")/../.."

shopt -s nullglob
files=()
for f in auth/*.go auth/keeper/*.go auth/claude/*.go store/*.go; do
	[[ $f == *_test.go ]] || files+=("$f")
done

# The awk program reads Go source a character at a time, so that comments,
# raw strings and runes are told from the double-quoted literals it checks.
found=$(awk '
function flag(s, why) {
	printf "sentences.sh: %s:%d: %s is %s: auth and store say what happened (kinds, fields); put the words in ui/words and say them there\n", FILENAME, FNR, "\"" s "\"", why
}
# prose counts the lowercase words of s.
function prose(s,    w, n, k, c) {
	n = split(s, w, / +/); c = 0
	for (k = 1; k <= n; k++) if (w[k] ~ /^\(?[a-z][a-z'\''’-]+[,.;:)]?$/) c++
	return c
}
function check(s, code) {
	if (index(s, "{{.") > 0) { flag(s, "a message ID (it has a template field)"); return }
	if (s ~ /^[A-Z][a-z'\''’-]*( +\(?[a-z][a-z0-9'\''’(),;:…–—-]*)+[.!?]?$/ || s ~ /^[A-Z][a-z'\''’-]*( +\(?[a-z][a-z'\''’,;:-]*)( +\(?[a-z][a-z'\''’,;:-]*)+ /) {
		flag(s, "a sentence (a capital letter, then lowercase words)"); return
	}
	if (s ~ / / && s ~ /[a-z)”'\''’][.!?]$/) { flag(s, "a sentence (words ending in a full stop)"); return }
	if (s !~ /[A-Za-z]/) return
	if (fn != "Error" && fn != "String" && code !~ /(errors\.New|Errorf|Sprintf|\.(Debug|Info|Warn|Error)|panic)\(/ && prose(s) >= 5) {
		flag(s, "prose (five lowercase words or more, outside an error or a log message)"); return
	}
	if (fn ~ /(Words|Message|Explain|Said|Description|Summary)$/ && (s ~ /^[A-Z]/ || s ~ / /)) { flag(s, "words returned from " fn); return }
	if (code ~ /([Pp]hrase|[Ww]ords?|[Ww]ording|[Tt]ext|[Pp]age)[A-Za-z]*\{/ || code ~ /(^|[^A-Za-z])(ID|Title|Body|Text|Reason|Why|Message):/) {
		if (s ~ /^[A-Z]/ || s ~ / /) { flag(s, "words put into a phrase or page struct"); return }
	}
}
FNR == 1 { fn = ""; inraw = 0; inblock = 0 }
/^(}|var |const |type |\)|import )/ { fn = "" }
/^func / {
	line = $0
	sub(/^func (\([^)]*\) )?/, "", line)
	sub(/[^A-Za-z0-9_].*/, "", line)
	fn = line
}
{
	line = $0; n = length(line); code = ""; nlits = 0
	i = 1
	while (i <= n) {
		c = substr(line, i, 1)
		if (inblock) {
			if (substr(line, i, 2) == "*/") { inblock = 0; i += 2 } else i++
			continue
		}
		if (inraw) {
			if (c == "`") inraw = 0
			i++; continue
		}
		if (substr(line, i, 2) == "//") break
		if (substr(line, i, 2) == "/*") { inblock = 1; i += 2; continue }
		if (c == "`") { inraw = 1; i++; continue }
		if (c == "'\''") {
			i++
			while (i <= n && substr(line, i, 1) != "'\''") { if (substr(line, i, 1) == "\\") i++; i++ }
			i++; code = code "?"; continue
		}
		if (c == "\"") {
			s = ""; i++
			while (i <= n && substr(line, i, 1) != "\"") {
				if (substr(line, i, 1) == "\\") { s = s substr(line, i, 2); i += 2; continue }
				s = s substr(line, i, 1); i++
			}
			i++; lits[++nlits] = s; code = code "\"\""; continue
		}
		code = code c; i++
	}
	for (k = 1; k <= nlits; k++) check(lits[k], code)
}
' "${files[@]}")

if [[ -n $found ]]; then
	printf '%s\n' "$found"
	exit 1
fi
