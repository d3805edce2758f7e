#!/usr/bin/env bash
# Static security scan (part of `make test`): bandit over the application code at medium
# severity and medium confidence. Exits non-zero on any finding. A finding that is a
# false positive is justified where it occurs: `# nosec BXXX: why it is safe`.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT_DIR"

BANDIT="$VENV_DIR/bin/bandit"
[ -x "$BANDIT" ] || die "未找到 bandit($BANDIT),请先运行 make venv / bandit is not installed in .venv"

say "bandit: zhengwu/(中危及以上,置信度中及以上)"
# Tests and migrations are excluded: asserts and fixed test passwords are expected there.
"$BANDIT" -r zhengwu -ll -ii -q -x '*/tests/*,*/migrations/*' "$@"
say "bandit: 未发现问题 / no findings"
