/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The engine's DPDK telemetry commands (/aoe/...): what an operator asks a running initiator
 * through /var/run/dpdk/<file-prefix>/dpdk_telemetry.v2 (dpdk-telemetry.py). Private: the
 * engine registers them itself. docs/observability.md lists every command and its answer.
 */
#ifndef AOE_TELEMETRY_H
#define AOE_TELEMETRY_H

/**
 * Register the /aoe/ telemetry commands. Called by aoe_init(); only the first call registers
 * (DPDK keeps a command for the life of the process, and would list a second copy), later
 * calls, after an aoe_fini() and a new aoe_init(), return 0 and the commands serve the new
 * engine. The commands answer {"error": ...} while no engine runs.
 * @return 0 or rte_telemetry_register_cmd()'s -EINVAL / -ENOMEM.
 */
int aoe_telemetry_init(void);

/**
 * Mark the engine stopped for the commands: waits for a command that is running to finish,
 * and every later one answers that no engine runs. aoe_fini() calls it before tearing down.
 */
void aoe_telemetry_stop(void);

#endif /* AOE_TELEMETRY_H */
