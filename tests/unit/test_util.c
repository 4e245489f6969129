/* test_util.c: unit tests for util.c (number parsing, buffers, comparisons). */
#undef NDEBUG
#include "autoconfig.h"
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "util.h"

/* Criterion runs each parameter in a fresh process image: parameters must not
 * hold pointers (a string literal's address is not valid there), so strings
 * are stored inline. */
struct int_case { char in[32]; int64_t min, max; bool ok; int64_t want; };

static const struct int_case int_cases[] = {
	{ "0", 0, 10, true, 0 },
	{ "10", 0, 10, true, 10 },
	{ "11", 0, 10, false, 0 },
	{ "-1", 0, 10, false, 0 },
	{ "-5", -10, 10, true, -5 },
	{ "", 0, 10, false, 0 },
	{ "-", -10, 10, false, 0 },
	{ " 1", 0, 10, false, 0 },
	{ "1 ", 0, 10, false, 0 },
	{ "+1", 0, 10, false, 0 },
	{ "1e3", 0, 10000, false, 0 },
	{ "0x10", 0, 100, false, 0 },
	{ "9223372036854775807", 0, INT64_MAX, true, INT64_MAX },
	{ "9223372036854775808", 0, INT64_MAX, false, 0 },
	{ "-9223372036854775808", INT64_MIN, 0, true, INT64_MIN },
	{ "99999999999999999999999", 0, INT64_MAX, false, 0 },
};

ParameterizedTestParameters(util, parse_int64)
{
	return cr_make_param_array(struct int_case, (void *)int_cases, ARRAY_SIZE(int_cases));
}

ParameterizedTest(const struct int_case *c, util, parse_int64)
{
	int64_t v = -42;
	bool ok = parse_int64(c->in, c->min, c->max, &v);
	cr_assert_eq(ok, c->ok, "parse_int64(\"%s\")", c->in);
	if (ok)
		cr_assert_eq(v, c->want, "parse_int64(\"%s\") = %lld", c->in, (long long)v);
}

Test(util, parse_double)
{
	double d;
	cr_assert(parse_double("1.5", &d) && d == 1.5);
	cr_assert(parse_double("-2e3", &d) && d == -2000.0);
	cr_assert(!parse_double("", &d));
	cr_assert(!parse_double("1.5x", &d));
	cr_assert(!parse_double("inf", &d));
	cr_assert(!parse_double("nan", &d));
	cr_assert(!parse_double("0x1p3", &d));
	cr_assert(!parse_double(" 1", &d));
	cr_assert(!parse_double("1e999", &d));
}

Test(util, buf_cap)
{
	struct buf b;
	buf_init(&b, 8);
	cr_assert(buf_puts(&b, "1234"));
	cr_assert(buf_puts(&b, "5678"));
	cr_assert(!buf_puts(&b, "9"), "append past the cap must fail");
	cr_assert_eq(b.len, 8);
	cr_assert_str_eq(b.data, "12345678");
	buf_free(&b);
	buf_free(&b);
}

Test(util, casecmp_and_const_time)
{
	cr_assert_eq(ascii_casecmp("Bearer", "bEARER"), 0);
	cr_assert_neq(ascii_casecmp("Bearer", "Bearer2"), 0);
	cr_assert_eq(ascii_ncasecmp("Bearer xyz", "BEARER ", 7), 0);
	cr_assert(memeq_const_time("abc", 3, "abc", 3));
	cr_assert(!memeq_const_time("abc", 3, "abd", 3));
	cr_assert(!memeq_const_time("abc", 3, "abcd", 4));
	cr_assert(!memeq_const_time("", 0, "a", 1));
}

Test(util, log_level_parse)
{
	enum log_level l;
	cr_assert(log_level_parse("debug", &l) && l == LOG_DEBUG);
	cr_assert(log_level_parse("WARN", &l) && l == LOG_WARN);
	cr_assert(!log_level_parse("verbose", &l));
}

Test(util, utf8)
{
	uint32_t cp = 0;

	cr_assert_eq(utf8_decode((const unsigned char *)"A", 1, &cp), 1);
	cr_assert_eq(cp, 'A');
	cr_assert_eq(utf8_decode((const unsigned char *)"\xc3\xb1", 2, &cp), 2);
	cr_assert_eq(cp, 0xf1);
	cr_assert_eq(utf8_decode((const unsigned char *)"\xe2\x82\xac", 3, &cp), 3);
	cr_assert_eq(cp, 0x20ac);
	cr_assert_eq(utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
	cr_assert_eq(cp, 0x1f600);
	cr_assert_eq(utf8_decode((const unsigned char *)"\xc0\x80", 2, &cp), 0, "overlong");
	cr_assert_eq(utf8_decode((const unsigned char *)"\xe0\x80\xaf", 3, &cp), 0, "overlong");
	cr_assert_eq(utf8_decode((const unsigned char *)"\xed\xa0\x80", 3, &cp), 0, "surrogate");
	cr_assert_eq(utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0, "past U+10FFFF");
	cr_assert_eq(utf8_decode((const unsigned char *)"\xe2\x82", 2, &cp), 0, "truncated");
	cr_assert_eq(utf8_decode((const unsigned char *)"\x80", 1, &cp), 0, "lone continuation");
	cr_assert(utf8_valid("se\xc3\xb1or", 6));
	cr_assert(!utf8_valid("se\xc3or", 5));
	cr_assert(utf8_valid("", 0));
}
