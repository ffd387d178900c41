/* tests/test_sim_vcd.c - the VCD writer: header, initial values, changes
 * only, increasing times. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "sim/vcd.h"

START_TEST(vcd_writes_header_and_only_changes)
{
	char buf[4096] = "";
	FILE *f = fmemopen(buf, sizeof buf, "w");
	struct vcd *v = vcd_create(f);
	int a = vcd_signal(v, "npu", "dma_depth", 8);
	int b = vcd_signal(v, "npu", "t0_busy", 1);
	int c = vcd_signal(v, "host", "ring", 16);
	ck_assert_int_eq(a, 0);
	ck_assert_int_eq(b, 1);
	ck_assert_int_eq(c, 2);
	vcd_change(v, a, 1000, 5);
	vcd_change(v, b, 1000, 1);
	vcd_change(v, a, 2000, 5);          /* no change: nothing written */
	vcd_change(v, c, 3000, 3);
	vcd_change(v, a, 2500, 9);          /* backwards in time: ignored */
	ck_assert_int_eq(vcd_finish(v), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "$timescale 1ps $end"));
	ck_assert_ptr_nonnull(strstr(buf, "$scope module npu $end\n$var reg 8 ! dma_depth $end\n"
					  "$var wire 1 \" t0_busy $end\n$upscope $end\n"
					  "$scope module host $end\n$var reg 16 # ring $end\n"));
	ck_assert_ptr_nonnull(strstr(buf, "$enddefinitions $end\n#0\n$dumpvars\nb0 !\n0\"\nb0 #\n$end\n"));
	ck_assert_ptr_nonnull(strstr(buf, "#1000\nb101 !\n1\"\n#3000\nb11 #\n"));
	ck_assert_ptr_null(strstr(buf, "#2000"));
	ck_assert_ptr_null(strstr(buf, "#2500"));
}
END_TEST

Suite *sim_vcd_suite(void)
{
	Suite *s = suite_create("sim_vcd");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, vcd_writes_header_and_only_changes);
	suite_add_tcase(s, tc);
	return s;
}
