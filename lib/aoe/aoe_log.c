/* SPDX-License-Identifier: BSD-3-Clause */
#include "aoe_log.h"

RTE_LOG_REGISTER(aoe_logtype_net, aoe.net, NOTICE);
RTE_LOG_REGISTER(aoe_logtype_io, aoe.io, NOTICE);
RTE_LOG_REGISTER(aoe_logtype_disc, aoe.disc, INFO);
