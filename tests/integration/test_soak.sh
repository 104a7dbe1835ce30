#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The soak, for two minutes (AOE_SOAK_SECONDS): four aoe-perf workloads on two vblade targets
# (one of them over two paths) and two aoe-target disks while faults are injected (answers lost,
# duplicated, reordered, delayed; a path, a target and aoe-target killed and restarted; a path's
# MTU changed; a target away for longer than deadsecs). No data error, every failed I/O
# explained by a deadline, every kind of fault injected: scripts/soak.sh says how.
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
t_require_root

# The soak counts its own checks and ends with their "N passed, N failed", and cleans up after
# itself. exec replaces this shell, whose exit would have removed lib.sh's cleanup stack file
# (empty here): remove it first.
t_run_cleanup
exec "$AOE_ROOT/scripts/soak.sh" -t "${AOE_SOAK_SECONDS:-120}"
