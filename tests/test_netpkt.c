/* tests/test_netpkt.c - the host's own Internet checksum (host/netpkt.c):
 * right on the RFC's example, and equal to the firmware's (firmware/csum.c,
 * vector code on this machine) on random data at every alignment, and on
 * aggregates past 64 KB. */
#include <check.h>
#include <stdint.h>

#include "firmware/csum.h"
#include "host/netpkt.h"
#include "sim/rng.h"

START_TEST(host_checksum_sums_the_rfc_1071_example)
{
	/* RFC 1071, section 3: these bytes sum to ddf2 (folded) */
	static const uint8_t bytes[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	ck_assert_uint_eq(netpkt_csum(bytes, 8, 0), 0xddf2);
	/* an odd last byte counts as the high byte of a word padded with zero */
	ck_assert_uint_eq(netpkt_csum(bytes, 7, 0), 0xdcfb);
	ck_assert_uint_eq(netpkt_csum(bytes, 0, 0), 0);
	ck_assert_uint_eq(netpkt_csum(bytes, 0, 0x1ffffu), 0x1);
}
END_TEST

START_TEST(host_checksum_equals_the_firmware_one_on_random_buffers)
{
	static uint8_t buf[4096 + 16];
	sim_rng r;
	sim_rng_seed(&r, 1071);
	for (int round = 0; round < 20000; round++) {
		uint32_t off = (uint32_t)sim_rng_below(&r, 16);
		uint32_t len = (uint32_t)sim_rng_below(&r, round % 4 == 0 ? 4096 : 80);
		uint32_t seed = round % 3 == 0 ? 0 : (uint32_t)sim_rng_next(&r);
		/* runs of 0xff and of zeros reach the folds' corner cases */
		int fill = (int)sim_rng_below(&r, 4);
		for (uint32_t i = 0; i < len; i++)
			buf[off + i] = fill == 0 ? 0xff : fill == 1 ? 0 : (uint8_t)sim_rng_next(&r);
		uint16_t host = netpkt_csum(buf + off, len, seed);
		uint16_t fw = csum_fold(csum_partial(buf + off, len, seed));
		if (host != fw)
			ck_abort_msg("round %d: %u bytes at offset %u, seed %#x: host %#x, firmware %#x",
				     round, len, off, seed, host, fw);
	}
}
END_TEST

START_TEST(host_checksum_equals_the_firmware_one_on_aggregates)
{
	/* BIG TCP aggregates: the vector loop's 64-bit lanes over many words */
	static uint8_t buf[200000 + 8];
	sim_rng r;
	sim_rng_seed(&r, 2675);
	for (int round = 0; round < 12; round++) {
		uint32_t off = (uint32_t)round % 8u;
		uint32_t len = 60000u + (uint32_t)sim_rng_below(&r, 140000);
		for (uint32_t i = 0; i < len; i++)
			buf[off + i] = round % 3 == 0 ? 0xff : (uint8_t)sim_rng_next(&r);
		uint16_t host = netpkt_csum(buf + off, len, 0);
		uint16_t fw = csum_fold(csum_partial(buf + off, len, 0));
		ck_assert_msg(host == fw, "round %d: %u bytes: host %#x, firmware %#x", round, len,
			      host, fw);
	}
}
END_TEST

Suite *netpkt_suite(void)
{
	Suite *s = suite_create("netpkt");
	TCase *tc = tcase_create("netpkt");
	tcase_add_test(tc, host_checksum_sums_the_rfc_1071_example);
	tcase_add_test(tc, host_checksum_equals_the_firmware_one_on_random_buffers);
	tcase_add_test(tc, host_checksum_equals_the_firmware_one_on_aggregates);
	suite_add_tcase(s, tc);
	return s;
}
