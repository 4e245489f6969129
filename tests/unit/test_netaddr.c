/* test_netaddr.c: unit tests for netaddr.c (allow-lists of addresses and networks). */
#include "autoconfig.h"
#undef NDEBUG
#include <criterion/criterion.h>
#include <string.h>

#include "netaddr.h"
#include "util.h"

/* One row: a list, an address, whether it matches. */
static const struct {
	const char *list;
	const char *addr;
	bool        match;
} cases[] = {
	/* METRICS_ALLOW's default */
	{ "127.0.0.0/8, ::1", "127.0.0.1", true },
	{ "127.0.0.0/8, ::1", "127.255.3.4", true },
	{ "127.0.0.0/8, ::1", "::1", true },
	{ "127.0.0.0/8, ::1", "::ffff:127.0.0.1", true },   /* a dual-stack socket's IPv4 client */
	{ "127.0.0.0/8, ::1", "128.0.0.1", false },
	{ "127.0.0.0/8, ::1", "::2", false },
	{ "127.0.0.0/8, ::1", "0:0:0:0:0:0:0:1", true },
	{ "127.0.0.0/8, ::1", "", false },
	{ "127.0.0.0/8, ::1", "localhost", false },
	{ "127.0.0.0/8, ::1", "127.0.0.1 ", false },
	{ "127.0.0.0/8, ::1", "fe80::1%eth0", false },
	/* prefixes that do not end on a byte */
	{ "192.0.2.64/26", "192.0.2.64", true },
	{ "192.0.2.64/26", "192.0.2.127", true },
	{ "192.0.2.64/26", "192.0.2.128", false },
	{ "192.0.2.64/26", "192.0.2.63", false },
	{ "2001:db8::/33", "2001:db8:7fff::1", true },
	{ "2001:db8::/33", "2001:db8:8000::1", false },
	/* host bits are cleared, as Apache's Require ip does */
	{ "10.1.2.3/8", "10.200.0.1", true },
	/* single hosts, all and nothing */
	{ "192.0.2.10", "192.0.2.10", true },
	{ "192.0.2.10", "192.0.2.11", false },
	{ "0.0.0.0/0", "203.0.113.9", true },
	{ "0.0.0.0/0", "2001:db8::1", false },
	{ "::/0", "2001:db8::1", true },
	{ "", "127.0.0.1", false },
	/* an IPv4 list does not match IPv6 addresses other than mapped ones */
	{ "192.0.2.0/24", "::ffff:192.0.2.7", true },
	{ "192.0.2.0/24", "2001:db8::c000:207", false },
	{ "::ffff:192.0.2.7", "192.0.2.7", true },
};

Test(netaddr, table)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct netlist l;
		char bad[64];

		cr_assert(netlist_parse(cases[i].list, &l, bad, sizeof bad), "row %zu: '%s' refused at '%s'", i,
		          cases[i].list, bad);
		cr_assert_eq(netlist_match(&l, cases[i].addr), cases[i].match, "row %zu: '%s' in '%s'", i,
		             cases[i].addr, cases[i].list);
		netlist_free(&l);
	}
}

Test(netaddr, malformed_items_are_refused_and_named)
{
	static const struct { const char *list, *bad; } rows[] = {
		{ "127.0.0.1/33", "127.0.0.1/33" },
		{ "::1/129", "::1/129" },
		{ "127.0.0.1/", "127.0.0.1/" },
		{ "127.0.0.1/-1", "127.0.0.1/-1" },
		{ "127.0.0.1/8x", "127.0.0.1/8x" },
		{ "localhost", "localhost" },
		{ "10.0.0.0/8, 300.1.1.1", "300.1.1.1" },
		{ "10.0.0.0/8,,::1", "" },
		{ "10.0.0.0/8,", "" },
		{ "127.1", "127.1" },                 /* inet_pton takes dotted quads only */
		{ "::ffff:10.0.0.0/104", "::ffff:10.0.0.0/104" },
		{ "fe80::1%eth0", "fe80::1%eth0" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct netlist l;
		char bad[64] = "unset";

		cr_assert_not(netlist_parse(rows[i].list, &l, bad, sizeof bad), "'%s' accepted", rows[i].list);
		cr_assert_str_eq(bad, rows[i].bad, "'%s': named '%s'", rows[i].list, bad);
		cr_assert_eq(l.n, 0);
		cr_assert_null(l.nets);
	}
}

Test(netaddr, spaces_around_items_are_ignored)
{
	struct netlist l;

	cr_assert(netlist_parse(" 192.0.2.1 ,\t2001:db8::/32\t", &l, NULL, 0));
	cr_assert_eq(l.n, 2);
	cr_assert(netlist_match(&l, "192.0.2.1"));
	cr_assert(netlist_match(&l, "2001:db8::5"));
	cr_assert_not(netlist_match(&l, NULL));
	netlist_free(&l);
	netlist_free(&l);   /* twice is harmless */
}
