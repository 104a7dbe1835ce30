/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for aoe-target's command line (app/aoe-target/options.c with disk.c's --disk
 * syntax, app/common/aoe_app.c's split at "--"): the input is the command line after the
 * program's name, its arguments separated by NUL bytes (fuzz_argv.h).
 *
 * Checked, as the usage text promises: tgt_options_cmdline() returns 0 or -EINVAL (-ENOMEM) and
 * never exits or prints; an error comes with a message; a success (other than --help) has 1 to
 * TGT_MAX_DISKS disks, each at a unicast shelf.slot given once, a null or ram disk of at least
 * one sector or a file with a path, and every other value within its range. Whatever the parser
 * allocated is freed here as main.c frees it, so LeakSanitizer sees what a refusal leaks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aoe_target.h"
#include "fuzz_argv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_ctx(const struct tgt_ctx *ctx)
{
	const struct tgt_opts *o = &ctx->opts;
	unsigned int i, j;

	CHECK(ctx->n_disks >= 1 && ctx->n_disks <= TGT_MAX_DISKS);
	for (i = 0; i < ctx->n_disks; i++) {
		const struct tgt_disk *d = &ctx->disks[i];

		CHECK(d->shelf < AOE_SHELF_BCAST && d->slot < AOE_SLOT_BCAST);
		for (j = 0; j < i; j++)
			CHECK(d->shelf != ctx->disks[j].shelf || d->slot != ctx->disks[j].slot);
		CHECK(d->fd == -1 && d->ram == NULL);
		if (d->kind == TGT_DISK_FILE)
			CHECK(d->path != NULL && d->path[0] != '\0');
		else
			CHECK((d->kind == TGT_DISK_NULL || d->kind == TGT_DISK_RAM) &&
			      d->path == NULL && d->sectors >= 1);
	}
	CHECK(ctx->bufcnt >= 1);
	CHECK(ctx->sectors_opt <= TGT_MAX_SECTORS);
	CHECK(o->config == NULL || strlen(o->config) <= AOE_CFG_STR_MAX);
	CHECK(o->mbuf_size == 0 || o->mbuf_size >= 2048);
	CHECK(ctx->fault.delay_us <= 10000000);
	CHECK(ctx->fault.any == (ctx->fault.drop || ctx->fault.dup || ctx->fault.reorder ||
				 ctx->fault.corrupt || ctx->fault.delay_us));
	CHECK(!o->port_given || memchr(o->port_sel, true, sizeof(o->port_sel)) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tgt_ctx ctx;
	struct fuzz_argv a;
	char err[512];
	unsigned int i;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	fuzz_argv_make(&a, "aoe-target", data, size);
	memset(err, 0x7f, sizeof(err));
	rc = tgt_options_cmdline(a.argc, a.argv, &ctx, err, sizeof(err));
	CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
	if (rc != 0)
		fuzz_check_err(err, sizeof(err));
	else if (!ctx.opts.help)
		check_ctx(&ctx);
	for (i = 0; ctx.disks != NULL && i < ctx.n_disks; i++)
		tgt_disk_close(&ctx.disks[i]);
	free(ctx.disks);
	fuzz_argv_free(&a);
	return 0;
}
