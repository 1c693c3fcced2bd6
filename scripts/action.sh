#!/usr/bin/env bash
# The script of corsdoctor's GitHub Action (action.yml). It runs on any CI
# that gives it the INPUT_* variables below (internal/citest runs it
# locally); GitHub-specific outputs go to the files GitHub names in
# GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, when set.
#
#   action.sh install   go install corsdoctor at INPUT_VERSION (unless CORSDOCTOR is set)
#   action.sh run       lint (and scan/check), SARIF, annotations, outputs
#
# Inputs (see action.yml; lists are one item per line):
#   INPUT_PATHS        paths for `corsdoctor lint` (empty: skip lint)
#   INPUT_FAIL_ON      lint --fail-on: error, warning or info
#   INPUT_ORIGINS      lint --origin, one per line
#   INPUT_CONFIG       lint --config FILE
#   INPUT_RULES        lint --rules (comma-separated)
#   INPUT_SCAN_URLS    URLs for `corsdoctor scan`, one per line
#   INPUT_TRUSTED_ORIGINS  scan --trusted-origin, one per line
#   INPUT_CHECK_URLS   URLs for `corsdoctor check`, one per line
#   INPUT_CHECK_ORIGINS    check --origin, one per line
#   INPUT_SARIF_DIR    directory receiving lint.sarif and scan.sarif
#   INPUT_ANNOTATE     "true": print ::error/::warning workflow commands
# Exit status: 0 clean, 1 findings at or above fail-on / blocked, 2 input
# or network error (corsdoctor's contract, docs/exit-codes.md): the
# highest of the commands run.
set -uo pipefail

corsdoctor=${CORSDOCTOR:-corsdoctor}

# lines prints the non-empty, trimmed lines of $1.
lines() {
	printf '%s\n' "$1" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | grep -v '^$' || true
}

# escape_data / escape_prop escape a workflow command's message and
# property values (GitHub's toolkit rules: % CR LF, and : , in properties).
escape_data() { local s=${1//%/%25}; s=${s//$'\r'/%0D}; s=${s//$'\n'/%0A}; printf '%s' "$s"; }
escape_prop() { local s; s=$(escape_data "$1"); s=${s//:/%3A}; s=${s//,/%2C}; printf '%s' "$s"; }

output() { # name value: a step output
	if [ -n "${GITHUB_OUTPUT:-}" ]; then
		printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
	fi
	printf 'corsdoctor-action: output %s=%s\n' "$1" "$2" >&2
}

summary() {
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
		printf '%s\n' "$1" >>"$GITHUB_STEP_SUMMARY"
	fi
}

worst=0
record() { # exit status of one command
	if [ "$1" -gt "$worst" ]; then worst=$1; fi
}

install() {
	if [ -n "${CORSDOCTOR:-}" ]; then
		echo "corsdoctor-action: using $CORSDOCTOR"
		"$CORSDOCTOR" --version
		return
	fi
	local v=${INPUT_VERSION:-}
	if [ -z "$v" ]; then
		echo "corsdoctor-action: error: no version to install (set the version input)" >&2
		exit 2
	fi
	case $v in
	*[!A-Za-z0-9._/+-]*)
		echo "corsdoctor-action: error: invalid version \"$v\"" >&2
		exit 2
		;;
	esac
	GOBIN=${GOBIN:-$(go env GOPATH)/bin} go install "github.com/corsdoctor/corsdoctor/cmd/corsdoctor@$v" || exit 2
	echo "$(go env GOPATH)/bin" >>"${GITHUB_PATH:-/dev/null}"
	"$(go env GOPATH)/bin/corsdoctor" --version
}

annotate_lint() { # text output of lint: FILE:LINE:COL: SEVERITY ID detail
	local re='^(.+):([0-9]+):([0-9]+): (error|warning|info) (CD[0-9]{4}) (.*)$'
	local line kind
	while IFS= read -r line; do
		if [[ $line =~ $re ]]; then
			case ${BASH_REMATCH[4]} in
			error) kind=error ;;
			warning) kind=warning ;;
			*) kind=notice ;;
			esac
			printf '::%s file=%s,line=%s,col=%s,title=%s::%s\n' "$kind" \
				"$(escape_prop "${BASH_REMATCH[1]}")" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" \
				"$(escape_prop "corsdoctor ${BASH_REMATCH[5]}")" "$(escape_data "${BASH_REMATCH[6]}")"
		fi
	done
}

run_lint() {
	local -a paths args
	mapfile -t paths < <(lines "${INPUT_PATHS:-}")
	if [ ${#paths[@]} -eq 0 ]; then
		return
	fi
	args=(--fail-on "${INPUT_FAIL_ON:-error}")
	local o
	while IFS= read -r o; do args+=(--origin "$o"); done < <(lines "${INPUT_ORIGINS:-}")
	if [ -n "${INPUT_CONFIG:-}" ]; then args+=(--config "$INPUT_CONFIG"); fi
	if [ -n "${INPUT_RULES:-}" ]; then args+=(--rules "$INPUT_RULES"); fi
	echo "corsdoctor-action: corsdoctor lint ${paths[*]} ${args[*]}"
	"$corsdoctor" lint "${paths[@]}" "${args[@]}" --format sarif >"$sarif_dir/lint.sarif"
	local code=$?
	record $code
	local text
	text=$("$corsdoctor" lint "${paths[@]}" "${args[@]}" --format text 2>&1)
	printf '%s\n' "$text"
	if [ "${INPUT_ANNOTATE:-true}" = true ]; then
		printf '%s\n' "$text" | annotate_lint
	fi
	local n
	n=$(printf '%s\n' "$text" | grep -cE '^.+:[0-9]+:[0-9]+: (error|warning|info) CD[0-9]{4} ' || true)
	findings=$((findings + n))
	summary "| lint | ${paths[*]} | $n finding(s) | exit $code |"
}

run_scan() {
	local -a urls args
	mapfile -t urls < <(lines "${INPUT_SCAN_URLS:-}")
	if [ ${#urls[@]} -eq 0 ]; then
		return
	fi
	local o
	while IFS= read -r o; do args+=(--trusted-origin "$o"); done < <(lines "${INPUT_TRUSTED_ORIGINS:-}")
	echo "corsdoctor-action: corsdoctor scan ${urls[*]} ${args[*]}"
	local text code
	text=$("$corsdoctor" scan "${urls[@]}" "${args[@]}" --no-progress --sarif "$sarif_dir/scan.sarif" 2>&1)
	code=$?
	record $code
	printf '%s\n' "$text"
	local n
	n=$(printf '%s\n' "$text" | grep -cE '^  CD3[0-9]{3} ' || true)
	if [ "${INPUT_ANNOTATE:-true}" = true ]; then
		printf '%s\n' "$text" | grep -E '^VULNERABLE ' | while IFS= read -r l; do
			printf '::error title=%s::%s\n' "$(escape_prop "corsdoctor scan")" "$(escape_data "$l")"
		done
	fi
	findings=$((findings + n))
	summary "| scan | ${urls[*]} | $n finding(s) | exit $code |"
}

run_check() {
	local -a urls origins args
	mapfile -t urls < <(lines "${INPUT_CHECK_URLS:-}")
	if [ ${#urls[@]} -eq 0 ]; then
		return
	fi
	mapfile -t origins < <(lines "${INPUT_CHECK_ORIGINS:-}")
	if [ ${#origins[@]} -eq 0 ]; then
		echo "::error title=corsdoctor check::check-urls needs check-origins (the page origins)"
		record 2
		return
	fi
	local o u
	for o in "${origins[@]}"; do args+=(--origin "$o"); done
	for u in "${urls[@]}"; do
		echo "corsdoctor-action: corsdoctor check $u ${args[*]}"
		local text code
		text=$("$corsdoctor" check "$u" "${args[@]}" --repeat 1 2>&1)
		code=$?
		record $code
		printf '%s\n' "$text"
		if [ $code -ne 0 ] && [ "${INPUT_ANNOTATE:-true}" = true ]; then
			printf '::error title=%s::%s\n' "$(escape_prop "corsdoctor check $u")" \
				"$(escape_data "$(printf '%s\n' "$text" | grep -E '^(BLOCKED|ORIGIN|http|corsdoctor: error)' | head -5)")"
		fi
		if [ $code -eq 1 ]; then findings=$((findings + 1)); fi
		summary "| check | $u | $(printf '%s\n' "$text" | head -1) | exit $code |"
	done
}

case ${1:-} in
install)
	install
	;;
run)
	sarif_dir=${INPUT_SARIF_DIR:-corsdoctor-sarif}
	mkdir -p "$sarif_dir" || exit 2
	findings=0
	summary "### corsdoctor"
	summary ""
	summary "| command | targets | result | exit |"
	summary "|---|---|---|---|"
	run_lint
	run_scan
	run_check
	output findings "$findings"
	output sarif-dir "$sarif_dir"
	output lint-sarif "$([ -s "$sarif_dir/lint.sarif" ] && echo "$sarif_dir/lint.sarif")"
	output scan-sarif "$([ -s "$sarif_dir/scan.sarif" ] && echo "$sarif_dir/scan.sarif")"
	output exit-code "$worst"
	exit "$worst"
	;;
*)
	echo "usage: action.sh install|run" >&2
	exit 2
	;;
esac
