#!/usr/bin/env bash
# Sets glia up on a fresh Debian machine and runs its main job on the embedded default config:
# the bundled demo capture replayed through the enrichers and example rules, audit records on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
exec node packages/cli/bin/glia.js run "$@"
