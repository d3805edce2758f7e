#!/usr/bin/env bash
# Layer check (part of `make test`): the import-linter contracts in pyproject.toml
# ([tool.importlinter]; docs/architecture.md, ADR 0006). Imports only point down the
# layers and domain apps never import each other, inside a function or not. Exits
# non-zero when a contract is broken and prints the offending import chains.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"

LINT="$VENV_DIR/bin/lint-imports"
[ -x "$LINT" ] || die "未找到 lint-imports($LINT),请先运行 make venv / import-linter is not installed in .venv"

say "import-linter: 分层约束 / layer contracts"
"$LINT" --no-cache "$@"
