// Package citest tests corsdoctor's CI integrations with the real tools:
// the GitHub Action's script (action.yml, scripts/action.sh) run locally
// with its inputs mapped as GitHub maps them, and the pre-commit hooks
// (.pre-commit-hooks.yaml) run by the real pre-commit on a temporary
// repository. It holds no code besides its tests.
package citest
