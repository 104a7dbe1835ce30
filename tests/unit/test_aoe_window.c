/* SPDX-License-Identifier: BSD-3-Clause */
/* Tests lib/aoe/aoe_window.c: the congestion window and the retransmission timeout. */
#include <criterion/criterion.h>

#include "aoe_window.h"

Test(window, starts_at_half_the_cap_never_zero)
{
	struct aoe_window w;

	aoe_window_init(&w, 16);
	cr_expect_eq(w.cwnd, 8);
	cr_expect_eq(w.ssthresh, 16);
	aoe_window_init(&w, 1);
	cr_expect_eq(w.cwnd, 1, "a buffer count of 1 must still allow one frame");
	aoe_window_init(&w, 0);
	cr_expect_eq(w.cap, 1, "a buffer count of 0 must not give a dead device");
	cr_expect_eq(w.cwnd, 1);
	cr_expect(aoe_window_has_room(&w));
}

Test(window, slow_start_then_additive_increase)
{
	struct aoe_window w;
	unsigned int i;

	aoe_window_init(&w, 64);
	w.cwnd = 8;
	w.ssthresh = 12;
	/* Slow start: one more frame per acknowledgement up to ssthresh. */
	for (i = 0; i < 4; i++)
		aoe_window_on_ack(&w);
	cr_expect_eq(w.cwnd, 12);
	/* Congestion avoidance: one more frame per window of acknowledgements. */
	for (i = 0; i < 11; i++)
		aoe_window_on_ack(&w);
	cr_expect_eq(w.cwnd, 12);
	aoe_window_on_ack(&w);
	cr_expect_eq(w.cwnd, 13);
}

Test(window, never_grows_past_cap)
{
	struct aoe_window w;
	unsigned int i;

	aoe_window_init(&w, 16);
	for (i = 0; i < 1000; i++)
		aoe_window_on_ack(&w);
	cr_expect_eq(w.cwnd, 16);
}

Test(window, loss_halves_instead_of_restarting_at_one)
{
	struct aoe_window w;

	aoe_window_init(&w, 64);
	w.cwnd = 40;
	cr_expect(aoe_window_on_loss(&w, 100, 200));
	cr_expect_eq(w.cwnd, 20);
	cr_expect_eq(w.ssthresh, 20);
}

Test(window, one_decrease_per_loss_episode)
{
	struct aoe_window w;

	aoe_window_init(&w, 64);
	w.cwnd = 40;
	cr_expect(aoe_window_on_loss(&w, 100, 200));
	/* Frames sent before the decrease belong to the same outage. */
	cr_expect_not(aoe_window_on_loss(&w, 150, 210));
	cr_expect_not(aoe_window_on_loss(&w, 199, 220));
	cr_expect_eq(w.cwnd, 20);
	/* A frame sent after it is a new signal. */
	cr_expect(aoe_window_on_loss(&w, 250, 300));
	cr_expect_eq(w.cwnd, 10);
}

Test(window, loss_floor_is_one)
{
	struct aoe_window w;

	aoe_window_init(&w, 2);
	w.cwnd = 1;
	aoe_window_on_loss(&w, 10, 20);
	cr_expect_eq(w.cwnd, 1);
	cr_expect_eq(w.ssthresh, 1);
}

Test(window, room_follows_outstanding)
{
	struct aoe_window w;

	aoe_window_init(&w, 4);
	cr_expect_eq(w.cwnd, 2);
	w.outstanding = 1;
	cr_expect(aoe_window_has_room(&w));
	w.outstanding = 2;
	cr_expect_not(aoe_window_has_room(&w));
}

Test(window, set_cap_clamps)
{
	struct aoe_window w;

	aoe_window_init(&w, 128);
	w.cwnd = 100;
	aoe_window_set_cap(&w, 16);
	cr_expect_eq(w.cwnd, 16);
	cr_expect_eq(w.ssthresh, 16);
	aoe_window_set_cap(&w, 0);
	cr_expect_eq(w.cap, 1);
	cr_expect_eq(w.cwnd, 1);
}

Test(rtt, initial_timeout_until_first_sample)
{
	struct aoe_rtt r;

	aoe_rtt_init(&r, 1000, 10, 5000);
	cr_expect_eq(r.rto, 1000);
	cr_expect_eq(r.srtt, 0);
}

Test(rtt, initial_is_bounded)
{
	struct aoe_rtt r;

	aoe_rtt_init(&r, 1, 10, 5000);
	cr_expect_eq(r.rto, 10);
	aoe_rtt_init(&r, 99999, 10, 5000);
	cr_expect_eq(r.rto, 5000);
}

Test(rtt, first_sample_sets_srtt_and_half_variance)
{
	struct aoe_rtt r;

	aoe_rtt_init(&r, 1000, 1, 100000);
	aoe_rtt_sample(&r, 80);
	cr_expect_eq(r.srtt, 80);
	cr_expect_eq(r.rttvar, 40);
	cr_expect_eq(r.rto, 80 + 4 * 40);
}

Test(rtt, rfc6298_gains)
{
	struct aoe_rtt r;

	aoe_rtt_init(&r, 1000, 1, 100000);
	aoe_rtt_sample(&r, 800);  /* srtt 800, rttvar 400 */
	aoe_rtt_sample(&r, 1600); /* err 800: rttvar 300 + 200, srtt 700 + 200 */
	cr_expect_eq(r.rttvar, 500);
	cr_expect_eq(r.srtt, 900);
	cr_expect_eq(r.rto, 900 + 2000);
}

Test(rtt, converges_on_a_steady_link)
{
	struct aoe_rtt r;
	unsigned int i;

	aoe_rtt_init(&r, 1000000, 10, 1000000);
	for (i = 0; i < 200; i++)
		aoe_rtt_sample(&r, 500);
	cr_expect(r.srtt >= 495 && r.srtt <= 505, "srtt %lu", (unsigned long)r.srtt);
	cr_expect(r.rto < 600, "rto %lu should approach srtt on a steady link",
		  (unsigned long)r.rto);
}

Test(rtt, timeout_respects_bounds)
{
	struct aoe_rtt r;

	aoe_rtt_init(&r, 1000, 300, 5000);
	aoe_rtt_sample(&r, 10);
	cr_expect_eq(r.rto, 300, "a tiny RTT must not go below the floor");
	aoe_rtt_sample(&r, 100000);
	cr_expect_eq(r.rto, 5000);
}

Test(rtt, backoff_doubles_to_the_ceiling)
{
	struct aoe_rtt r;

	aoe_rtt_init(&r, 100, 10, 1000);
	aoe_rtt_backoff(&r);
	cr_expect_eq(r.rto, 200);
	aoe_rtt_backoff(&r);
	aoe_rtt_backoff(&r);
	aoe_rtt_backoff(&r);
	cr_expect_eq(r.rto, 1000);
	/* A clean sample (Karn: from a frame sent once) ends the backoff. */
	aoe_rtt_sample(&r, 20);
	cr_expect_lt(r.rto, 1000);
}
