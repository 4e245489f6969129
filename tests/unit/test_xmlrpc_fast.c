/*
 * test_xmlrpc_fast.c: xmlrpc_fast.c against today's path (xf_oracle.c),
 * byte for byte: every captured answer with every schema, the samples
 * written as Odoo writes them, generated answers over every field type
 * and layout, mutated ones, and answers both must refuse.
 */
#undef NDEBUG
#include "autoconfig.h"

#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "res_fixture.h"
#include "util.h"
#include "xf_oracle.h"
#include "xmlrpc.h"
#include "xmlrpc_fast.h"

#define CAP (64u * 1024 * 1024)

/* ------------------------------------------------------------ the comparison */

struct tally {
	unsigned long handled;    /* the fast path answered (identically) */
	unsigned long fallback;   /* it left the answer to today's path, which took it */
	unsigned long refused;    /* both refused */
};

static void
setup(void)
{
	xr_raise_limit(CAP);
}

/* With XF_DUMP=file in the environment, a failing input goes there whole. */
static void
dump(const char *xml, size_t len)
{
	FILE *f = getenv("XF_DUMP") != NULL ? fopen(getenv("XF_DUMP"), "wb") : NULL;

	if (f != NULL) {
		fwrite(xml, 1, len, f);
		fclose(f);
	}
}

/*
 * Both paths on one answer: the fast path must answer exactly as the
 * oracle or fall back, and fall back whenever the oracle refuses.
 * Returns whether the fast path answered.
 */
static bool
compare_spec(const char *what, const char *xml, size_t len, const struct xf_spec *spec, struct tally *t)
{
	struct buf fo, oo;
	int64_t fl = -7, ol = -9;
	size_t fc = 1234567, oc = 7654321;
	enum xf_rc rc;
	bool oracle, envelope = spec->envelope;

	buf_init(&fo, CAP);
	buf_init(&oo, CAP);
	buf_append(&fo, "pre", 3);   /* the fast path appends */
	rc = spec->lines == NULL && spec->max_records == 0 ? xf_records(xml, len, spec->s, envelope, &fo, &fl, &fc)
	                                                   : xf_convert(xml, len, spec, &fo, &fl, &fc);
	oracle = xf_oracle_spec(xml, len, spec, &oo, &ol, &oc);
	if (rc == XF_FALLBACK) {
		cr_assert(fo.len == 3 && memcmp(fo.data, "pre", 4) == 0, "%s: fallback left output behind", what);
		if (oracle)
			t->fallback++;
		else
			t->refused++;
	} else {
		if (!oracle)
			dump(xml, len);
		cr_assert(oracle, "%s: the fast path accepted what today's path refuses:\n%.*s", what,
		          (int)(len < 3000 ? len : 3000), xml);
		if (fo.len - 3 != oo.len || memcmp(fo.data + 3, oo.data, oo.len) != 0) {
			size_t k = 0;

			while (k < oo.len && fo.data[3 + k] == oo.data[k])
				k++;
			k = k > 40 ? k - 40 : 0;
			dump(xml, len);
			cr_assert(false, "%s: outputs differ\nfast:   ...%.120s\noracle: ...%.120s\ninput:\n%.*s", what,
			          fo.data + 3 + k, oo.data + k, (int)(len < 3000 ? len : 3000), xml);
		}
		cr_assert(fo.data[fo.len] == '\0');
		cr_assert_eq(fc, oc, "%s: %zu records, oracle %zu", what, fc, oc);
		if (envelope)
			cr_assert_eq(fl, ol, "%s: length %lld, oracle %lld", what, (long long)fl, (long long)ol);
		t->handled++;
	}
	buf_free(&fo);
	buf_free(&oo);
	return rc == XF_OK;
}

static bool
compare(const char *what, const char *xml, size_t len, const struct rschema *s, bool envelope,
        struct tally *t)
{
	struct xf_spec spec = { .s = s, .envelope = envelope };

	return compare_spec(what, xml, len, &spec, t);
}

/* ------------------------------------------------------------ captures */

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *d;
	long n;

	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	d = xmalloc((size_t)n + 1);
	cr_assert_eq(fread(d, 1, (size_t)n, f), (size_t)n);
	d[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return d;
}

static void
captures_dir(char *out, size_t n, const char *sub)
{
	const char *top = getenv("top_srcdir");

	if (top != NULL && *top != '\0') {
		snprintf(out, n, "%s/tests/fixtures/odoo-captures/%s", top, sub);
	} else {
		const char *f = __FILE__, *c = strstr(f, "tests/unit/");
		snprintf(out, n, "%.*stests/fixtures/odoo-captures/%s", c ? (int)(c - f) : 0, f, sub);
	}
}

/* The n-th <string> of a request (db, password, model, method of execute_kw). */
static bool
nth_string(const char *xml, int nth, char *out, size_t cap)
{
	const char *p = xml, *e;

	for (int i = 0; i <= nth; i++) {
		p = strstr(p, "<string>");
		if (p == NULL)
			return false;
		p += 8;
	}
	e = strstr(p, "</string>");
	if (e == NULL || (size_t)(e - p) >= cap)
		return false;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return true;
}

static const char *
resource_of_model(const char *model)
{
	static const char *const map[][2] = {
		{ "product.product", "products" }, { "res.partner", "customers" },
		{ "sale.order", "sales" }, { "sale.order.line", "sale_lines" },
		{ "product.category", "categories" }, { "res.country", "countries" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcmp(map[i][0], model) == 0)
			return map[i][1];
	return NULL;
}

static const char *const all_resources[] = { "products", "customers", "suppliers", "sales", "sale_lines" };

struct replay {
	unsigned long files, lists;
	struct tally all;       /* every answer with every schema */
	struct tally matched;   /* the list answers with their own schema */
};

/*
 * Both paths on every NAME.response.xml of dir (NAME.request.xml says
 * which model and method): with the mixed schema (and, every_schema, each
 * resource's) in both shapes, and each list
 * answer with its own schema, where the fast path must not fall back.  A
 * sale read with its lines nested (web_search_read whose specification
 * names order_line) is compared as crud.c reads it: with the lines.
 */
static void
replay_dir(const char *dir, bool every_schema, struct replay *rp)
{
	char path[4200], req[4200];
	DIR *dh = opendir(dir);
	struct dirent *de;

	cr_assert_not_null(dh, "no %s", dir);
	while ((de = readdir(dh)) != NULL) {
		size_t nl = strlen(de->d_name), len, rlen;
		char model[128] = "", method[128] = "", *xml, *rq;
		const char *res;
		bool list, nested;

		if (nl < 13 || strcmp(de->d_name + nl - 13, ".response.xml") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		snprintf(req, sizeof req, "%s/%.*s.request.xml", dir, (int)(nl - 13), de->d_name);
		xml = slurp(path, &len);
		rp->files++;
		rq = slurp(req, &rlen);
		nth_string(rq, 2, model, sizeof model);
		nth_string(rq, 3, method, sizeof method);
		nested = strcmp(model, "sale.order") == 0 && strcmp(method, "web_search_read") == 0 &&
		         strstr(rq, "<name>order_line</name>") != NULL;
		free(rq);
		res = resource_of_model(model);
		list = res != NULL && strstr(xml, "<fault>") == NULL &&
		       (strcmp(method, "search_read") == 0 || strcmp(method, "read") == 0 ||
		        strcmp(method, "web_search_read") == 0);
		/* every answer with every schema (or only the mixed one), both shapes */
		for (size_t r = 0; every_schema && r < ARRAY_SIZE(all_resources); r++)
			for (int env = 0; env < 2; env++)
				compare(de->d_name, xml, len, fixture_schema(all_resources[r]), env, &rp->all);
		for (int env = 0; env < 2; env++)
			compare(de->d_name, xml, len, xf_mixed_schema(), env, &rp->all);
		if (list) {
			struct xf_lines l = { "order_line", "lines", fixture_schema("sale_lines") };
			struct xf_spec spec = { .s = fixture_schema(res), .envelope = strcmp(method, "web_search_read") == 0,
			                        .lines = nested ? &l : NULL, .max_records = 0 };

			rp->lists++;
			/* the answer with its own schema: the fast path must take it */
			cr_expect(compare_spec(de->d_name, xml, len, &spec, &rp->matched), "%s/%s (%s.%s) fell back", dir,
			          de->d_name, model, method);
		}
		free(xml);
	}
	closedir(dh);
}

Test(xmlrpc_fast, captures, .init = setup)
{
	static const char *const dirs[] = { "raw", "odoo19/xmlrpc" };
	struct replay rp = { 0 };

	for (size_t d = 0; d < ARRAY_SIZE(dirs); d++) {
		char dir[4096];

		captures_dir(dir, sizeof dir, dirs[d]);
		replay_dir(dir, true, &rp);
	}
	fprintf(stderr, "captures: %lu files, %lu list answers; all pairs: %lu handled, %lu fell back, %lu refused by both;"
	        " list answers with their schema: %lu handled, %lu fell back\n",
	        rp.files, rp.lists, rp.all.handled, rp.all.fallback, rp.all.refused, rp.matched.handled,
	        rp.matched.fallback);
	cr_assert_geq(rp.lists, 12, "the captures hold %lu list answers", rp.lists);
	cr_assert_eq(rp.matched.handled, rp.lists);
	cr_assert_eq(rp.matched.fallback, 0);
}

/*
 * The answers the end-to-end runs recorded (the simulator's --record; the
 * directory in XF_RECORDED), replayed as the captures are.  tests/e2e's
 * conftest.py runs this test alone after its run; without XF_RECORDED it
 * has nothing to replay and says so.
 */
Test(xmlrpc_fast, recorded, .init = setup, .timeout = 600)
{
	const char *dir = getenv("XF_RECORDED");
	struct replay rp = { 0 };

	if (dir == NULL || *dir == '\0') {
		cr_skip_test("XF_RECORDED names no directory of recorded answers");
		return;
	}
	/* a few hundred answers of one run: their own schema and the mixed one keep it to seconds */
	replay_dir(dir, false, &rp);
	fprintf(stderr, "recorded: %lu files, %lu list answers; all pairs: %lu handled, %lu fell back, %lu refused by both;"
	        " list answers with their schema: %lu handled, %lu fell back, %lu refused by both\n",
	        rp.files, rp.lists, rp.all.handled, rp.all.fallback, rp.all.refused, rp.matched.handled,
	        rp.matched.fallback, rp.matched.refused);
	cr_assert_gt(rp.files, 0, "nothing recorded in %s", dir);
	cr_assert_eq(rp.matched.fallback, 0);
	cr_assert_gt(rp.matched.handled, 0);
}

/* ------------------------------------------------------------ writing answers */

struct gen {
	uint64_t    state;
	int         style;   /* 0: as Odoo writes, 1: no white space, 2: random white space */
	uint32_t    odd;     /* 1 in odd values is one xmlrpc-c may refuse (0: none) */
	struct buf *b;
};

static uint32_t
rnd(struct gen *g)
{
	/* xorshift64* */
	g->state ^= g->state >> 12;
	g->state ^= g->state << 25;
	g->state ^= g->state >> 27;
	return (uint32_t)((g->state * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t
pick(struct gen *g, uint32_t n)
{
	return rnd(g) % n;
}

static void
w(struct gen *g, const char *s)
{
	buf_puts(g->b, s);
}

/* White space between tags: a newline where Odoo writes one (nl), per style. */
static void
sep(struct gen *g, bool nl)
{
	static const char *const ws[] = { "", " ", "\n", "\r\n", "\t", "  \n  ", "\r", "\n\n" };

	if (g->style == 0)
		w(g, nl ? "\n" : "");
	else if (g->style == 2)
		w(g, ws[pick(g, ARRAY_SIZE(ws))]);
}

/* Pieces of text: what XML-RPC answers can carry, escaped every way. */
static const char *const pieces[] = {
	"Customizable Desk", "a", " ", "DESK0005", "All / Saleable / Office Furniture",
	"&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#10;", "&#13;", "&#9;", "&#x1F600;", "&#128512;",
	"&#x41;", "&#0065;", "&#xe000;", "&#xE7FF;", "&#xe800;", "&#xFFFD;", "&#x10FFFF;", "&#x7f;",
	"\xf0\x9f\x98\x80", "\xf0\x9f\x87\xaa\xf0\x9f\x87\xb8", "\xc3\xa9", "\xc3\xb1", "\xe2\x82\xac", "\xc2\x85",
	"\xee\x80\x80", "\xee\xa0\x80", "\xee\x90\x81", "\xef\xbf\xbd", "\x7f",
	"\t", "\n", "\r\n", "\r", "\\", "\"", "/", "'", "]", ">", "\\u0041", "\\n",
	"2024-01-31 10:20:30", "2024-02-29", "1999-12-31 23:59:59",
	/* odd ones from here */
	"]]", "]>", "</", "&#1;", "\x01", "&nbsp;",
};
#define GOOD_PIECES (ARRAY_SIZE(pieces) - 6)

static void
gen_text(struct gen *g)
{
	int n = (int)pick(g, 6);

	for (int i = 0; i < n; i++)
		w(g, pieces[g->odd && pick(g, g->odd) == 0 ? pick(g, ARRAY_SIZE(pieces)) : pick(g, GOOD_PIECES)]);
}

static const char *const doubles[] = {
	"750.0", "0.0", "-0.0", "14.930000000000007", "0.1", "324.43", "1e-05", "1e+16", "1e+20",
	"123456789012345.0", "1234567890123456.0", "1.2345678901234568e+17", "0.0001", "0.00012",
	"-1.5", "100.0", "2.5e-10", "1.7976931348623157e+308", "0.30000000000000004", "2.2250738585072014e-308",
	"1.0", "007.50", "3", "-3", "1.", ".5", "+1.5", "1E5", "12345678901234.5", "0.000123456789012345",
	"99999999999999.9", "999999999999999.0", "100000000000000.0", "0.001", "-0.00001", "123.456000",
	/* odd ones from here */
	"5e-324", "1e-320", "1e400", "-", "1.5e", "0x10", "nan", "inf", " 1.5", "1.5 ", "",
};
#define GOOD_DOUBLES 36

static void
gen_int(struct gen *g)
{
	static const char *const tags[][2] = { { "<int>", "</int>" }, { "<i4>", "</i4>" }, { "<i8>", "</i8>" } };
	static const char *const odd[] = { "2147483647", "-2147483648", "2147483648", "-2147483649", "0", "-0",
	                                    "007", "+5", " 5", "5 ", "", "9223372036854775807",
	                                    "-9223372036854775808", "9223372036854775808", "1.0", "12a" };
	int t = (int)pick(g, 10) < 7 ? 0 : (int)pick(g, 3);
	char num[32];

	w(g, tags[t][0]);
	if (g->odd && pick(g, g->odd) == 0) {
		w(g, odd[pick(g, ARRAY_SIZE(odd))]);
	} else {
		int64_t v = (int64_t)pick(g, 100000) - (pick(g, 4) == 0 ? 50000 : 0);
		if (t == 2 && pick(g, 2) == 0)
			v = v * 1000003 * 1000003;
		snprintf(num, sizeof num, "%lld", (long long)v);
		w(g, num);
	}
	w(g, tags[t][1]);
}

static void gen_value(struct gen *g, int depth, int kind);

/* Kinds of value. */
enum { K_ANY, K_FALSE, K_TRUE, K_INT, K_DOUBLE, K_STRING, K_UNTYPED, K_IDS, K_M2O_ARRAY, K_M2O_STRUCT,
       K_DATETIME, K_DATE, K_ARRAY, K_STRUCT, K_ODD, K__N };

static void
gen_m2o_struct(struct gen *g, int depth)
{
	int order = (int)pick(g, 4);

	w(g, "<struct>");
	for (int k = 0; k < 3; k++) {
		int which = (order + k) % 3;

		if ((which == 1 && pick(g, 8) == 0) || (which == 2 && pick(g, 3) != 0) || (which == 0 && g->odd && pick(g, 16) == 0))
			continue;
		sep(g, true);
		w(g, "<member>");
		sep(g, true);
		w(g, which == 0 ? "<name>id</name>" : which == 1 ? "<name>display_name</name>" : "<name>other</name>");
		sep(g, true);
		gen_value(g, depth + 1, which == 0 ? (pick(g, 8) ? K_INT : K_ANY) : which == 1 ? K_STRING : K_ANY);
		sep(g, true);
		w(g, "</member>");
	}
	sep(g, true);
	w(g, "</struct>");
}

static void
gen_value(struct gen *g, int depth, int kind)
{
	if (kind == K_ANY) {
		kind = depth > 6 ? K_INT : 1 + (int)pick(g, K__N - 1);
		/* structs other than many2one's and odd types: only with odd values */
		if ((kind == K_ODD || kind == K_STRUCT || kind == K_M2O_STRUCT) && (g->odd == 0 || pick(g, 4) != 0))
			kind = K_STRING;
	}
	if (kind == K_UNTYPED) {
		w(g, "<value>");
		gen_text(g);
		w(g, "</value>");
		return;
	}
	w(g, "<value>");
	if (g->style == 2 && pick(g, 4) == 0)
		sep(g, false);
	switch (kind) {
	case K_FALSE:
		w(g, "<boolean>0</boolean>");
		break;
	case K_TRUE:
		w(g, "<boolean>1</boolean>");
		break;
	case K_INT:
		gen_int(g);
		break;
	case K_DOUBLE:
		w(g, "<double>");
		w(g, doubles[g->odd && pick(g, g->odd) == 0 ? pick(g, ARRAY_SIZE(doubles)) : pick(g, GOOD_DOUBLES)]);
		w(g, "</double>");
		break;
	case K_STRING:
		w(g, "<string>");
		gen_text(g);
		w(g, "</string>");
		break;
	case K_DATETIME:
	case K_DATE: {
		char d[40];
		snprintf(d, sizeof d, kind == K_DATE ? "%04u-%02u-%02u" : "%04u-%02u-%02u %02u:%02u:%02u",
		         1 + pick(g, 9999), pick(g, 14), pick(g, 32), pick(g, 25), pick(g, 61), pick(g, 61));
		w(g, "<string>");
		w(g, d);
		w(g, "</string>");
		break;
	}
	case K_IDS:
	case K_M2O_ARRAY:
	case K_ARRAY: {
		int n = kind == K_M2O_ARRAY ? 2 : (int)pick(g, 5);
		w(g, "<array><data>");
		for (int i = 0; i < n; i++) {
			sep(g, true);
			if (kind == K_IDS)
				gen_value(g, depth + 1, K_INT);
			else if (kind == K_M2O_ARRAY)
				gen_value(g, depth + 1, i == 0 ? (pick(g, 8) ? K_INT : K_ANY) : (pick(g, 6) ? K_STRING : K_ANY));
			else
				gen_value(g, depth + 1, K_ANY);
		}
		sep(g, true);
		w(g, "</data></array>");
		break;
	}
	case K_M2O_STRUCT:
		gen_m2o_struct(g, depth);
		break;
	case K_STRUCT:
		w(g, "<struct>");
		sep(g, true);
		w(g, "<member>");
		sep(g, true);
		w(g, "<name>k</name>");
		sep(g, true);
		gen_value(g, depth + 1, K_INT);
		sep(g, true);
		w(g, "</member>");
		sep(g, true);
		w(g, "</struct>");
		break;
	default: {
		static const char *const odd[] = {
			"<nil/>", "<base64>aGVsbG8=</base64>", "<dateTime.iso8601>20240131T10:20:30</dateTime.iso8601>",
			"<boolean>2</boolean>", "<string/>", "<ex:i8>5</ex:i8>", "<i1>5</i1>", "<string a=\"1\">x</string>",
			"<array><data/></array>", "<struct></struct>", "<double></double>",
		};
		w(g, odd[pick(g, ARRAY_SIZE(odd))]);
		break;
	}
	}
	if (g->style == 2 && pick(g, 4) == 0)
		sep(g, false);
	w(g, "</value>");
}

/* A plausible value for a field of type t, or now and then anything. */
static int
kind_for(struct gen *g, enum ftype t)
{
	if (pick(g, 10) == 0)
		return K_ANY;
	if (pick(g, 5) == 0 && t != FT_BOOLEAN)
		return K_FALSE;
	switch (t) {
	case FT_BOOLEAN:   return pick(g, 2) ? K_TRUE : K_FALSE;
	case FT_INTEGER:   return K_INT;
	case FT_FLOAT:
	case FT_MONETARY:  return K_DOUBLE;
	case FT_DATE:      return K_DATE;
	case FT_DATETIME:  return pick(g, 4) ? K_DATETIME : K_STRING;
	case FT_MANY2ONE:  return pick(g, 2) ? K_M2O_ARRAY : pick(g, 4) ? K_M2O_STRUCT : K_INT;
	case FT_ONE2MANY:
	case FT_MANY2MANY: return K_IDS;
	default:           return pick(g, 5) ? K_STRING : K_UNTYPED;
	}
}

static void
gen_member(struct gen *g, const char *name, int kind)
{
	sep(g, true);
	w(g, "<member>");
	sep(g, true);
	w(g, "<name>");
	w(g, name);
	w(g, "</name>");
	sep(g, true);
	gen_value(g, 4, kind);
	sep(g, true);
	w(g, "</member>");
}

static void gen_record(struct gen *g, const struct rschema *s, const struct xf_lines *l);

/* The one2many of nested lines: mostly records, now and then what crud.c must read or ignore. */
static void
gen_lines(struct gen *g, const struct xf_lines *l)
{
	int how = (int)pick(g, 10), n = (int)pick(g, 4);

	sep(g, true);
	w(g, "<member>");
	sep(g, true);
	w(g, "<name>");
	w(g, l->field);
	w(g, "</name>");
	sep(g, true);
	if (how < 7) {
		w(g, "<value><array><data>");
		for (int i = 0; i < n; i++) {
			sep(g, true);
			gen_record(g, l->s, NULL);
		}
		sep(g, true);
		w(g, "</data></array></value>");
	} else {
		gen_value(g, 4, how == 7 ? K_IDS : how == 8 ? K_FALSE : K_ANY);
	}
	sep(g, true);
	w(g, "</member>");
}

static void
gen_record(struct gen *g, const struct rschema *s, const struct xf_lines *l)
{
	size_t order[256], n = 0, at_lines;
	int mode = (int)pick(g, 4);

	for (size_t i = 0; i < s->n && i < ARRAY_SIZE(order); i++)
		if (pick(g, 6) != 0)
			order[n++] = i;
	if (mode == 1) {
		/* id first, as Odoo answers */
		for (size_t i = 1; i < n; i++)
			if (strcmp(s->f[order[i]].name, "id") == 0) {
				size_t t = order[i];
				memmove(order + 1, order, i * sizeof *order);
				order[0] = t;
			}
	} else if (mode == 2) {
		for (size_t i = n; i > 1; i--) {
			size_t j = pick(g, (uint32_t)i), t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
	}
	/* the lines among the fields, anywhere, or missing now and then */
	at_lines = l != NULL && pick(g, 8) != 0 ? pick(g, (uint32_t)n + 1) : SIZE_MAX;
	w(g, "<value><struct>");
	for (size_t k = 0; k <= n; k++) {
		const struct xfield *f;

		if (l != NULL && (k == at_lines || (k == at_lines + 1 && pick(g, 100) == 0)))
			gen_lines(g, l);   /* (twice, rarely) */
		if (k == n)
			break;
		f = &s->f[order[k]];
		if (pick(g, 30) == 0)
			gen_member(g, pick(g, 2) ? "unknown_field" : "x&amp;y", pick(g, 2) ? K_INT : K_ANY);
		if (f->odoo == NULL) {
			/* a field gone from this Odoo: a member of its API name is not it */
			if (pick(g, 2))
				gen_member(g, f->name, K_STRING);
			continue;
		}
		gen_member(g, f->odoo, kind_for(g, f->type));
		if (pick(g, 200) == 0)
			gen_member(g, f->odoo, kind_for(g, f->type));   /* twice */
	}
	sep(g, true);
	w(g, "</struct></value>");
}

static void
gen_answer_lines(struct gen *g, const struct rschema *s, const struct xf_lines *l, bool envelope, int nrec)
{
	static const char *const decls[] = { "<?xml version=\"1.0\"?>", "<?xml version='1.0'?>", "",
	                                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" };

	w(g, g->style == 0 ? decls[0] : decls[pick(g, ARRAY_SIZE(decls))]);
	sep(g, true);
	w(g, "<methodResponse>");
	sep(g, true);
	w(g, "<params>");
	sep(g, true);
	w(g, "<param>");
	sep(g, true);
	w(g, "<value>");
	if (envelope) {
		int lk = (int)pick(g, 12);
		w(g, "<struct>");
		if (pick(g, 2))
			gen_member(g, "length", lk == 0 ? K_ANY : K_INT);
		sep(g, true);
		w(g, "<member>");
		sep(g, true);
		w(g, "<name>records</name>");
		sep(g, true);
		w(g, "<value>");
	}
	w(g, "<array><data>");
	for (int i = 0; i < nrec; i++) {
		sep(g, true);
		gen_record(g, s, l);
	}
	sep(g, true);
	w(g, "</data></array>");
	if (envelope) {
		w(g, "</value>");
		sep(g, true);
		w(g, "</member>");
		if (!strstr(g->b->data, "<name>length</name>") || pick(g, 20) == 0)
			gen_member(g, "length", K_INT);
		sep(g, true);
		w(g, "</struct>");
	}
	w(g, "</value>");
	sep(g, true);
	w(g, "</param>");
	sep(g, true);
	w(g, "</params>");
	sep(g, true);
	if (g->style == 0)
		sep(g, true);
	w(g, "</methodResponse>");
	sep(g, true);
}

static void
gen_answer(struct gen *g, const struct rschema *s, bool envelope, int nrec)
{
	gen_answer_lines(g, s, NULL, envelope, nrec);
}

/* A schema like s with a field gone and one renamed (the alias table's cases). */
static const struct rschema *
altered(const struct rschema *s, int k)
{
	static struct rschema out[8];
	static struct xfield f[8][128];
	static char names[8][64];

	cr_assert(s->n <= 128 && k < 8);
	memcpy(f[k], s->f, s->n * sizeof *s->f);
	out[k] = *s;
	out[k].f = f[k];
	out[k].renamed = true;
	f[k][s->n / 2].odoo = NULL;
	snprintf(names[k], sizeof names[k], "%s_odoo", s->f[s->n - 1].name);
	f[k][s->n - 1].odoo = f[k][s->n - 2].odoo;   /* the API name differs from Odoo's */
	f[k][s->n - 2].odoo = names[k];              /* a name no answer has */
	return &out[k];
}

Test(xmlrpc_fast, generated, .init = setup, .timeout = 600)
{
	const struct rschema *schemas[8];
	struct tally t = { 0 };
	struct buf b;
	struct gen g;
	size_t ns = 0;
	char what[64];

	schemas[ns++] = xf_mixed_schema();
	for (size_t r = 0; r < ARRAY_SIZE(all_resources); r++)
		schemas[ns++] = fixture_schema(all_resources[r]);
	schemas[ns++] = altered(fixture_schema("products"), 0);
	schemas[ns++] = altered(fixture_schema("sales"), 1);
	buf_init(&b, CAP);
	g.state = 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < 30000; i++) {
		const struct rschema *s = schemas[i % ns];
		bool env = (i / ns) % 2;

		buf_reset(&b);
		g.b = &b;
		g.style = i % 3;
		g.odd = i % 4 == 0 ? 0 : 40;
		gen_answer(&g, s, env, (int)pick(&g, 4));
		snprintf(what, sizeof what, "generated #%d", i);
		compare(what, b.data, b.len, s, env, &t);
	}
	buf_free(&b);
	fprintf(stderr, "generated: %lu handled, %lu fell back, %lu refused by both\n", t.handled, t.fallback,
	        t.refused);
	/* Most are answers the fast path is for: it must take them. */
	cr_assert_gt(t.handled, 6000, "only %lu handled", t.handled);
}

/* Only what Odoo writes: every value plausible, no odd types: the fast path takes them all. */
Test(xmlrpc_fast, generated_plausible, .init = setup)
{
	struct tally t = { 0 };
	struct buf b;
	struct gen g;
	char what[64];

	buf_init(&b, CAP);
	g.state = 42;
	for (int i = 0; i < 3000; i++) {
		const struct rschema *s = i % 2 ? fixture_schema("products") : fixture_schema("sales");
		bool env = i % 4 < 2;
		size_t n0;

		buf_reset(&b);
		g.b = &b;
		g.style = i % 3 == 2 ? 2 : i % 3;
		g.odd = 0;
		/* records of plausible values only: no K_ANY, no duplicate members */
		w(&g, "<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n<value>");
		if (env)
			w(&g, "<struct>\n<member>\n<name>length</name>\n<value><int>3</int></value>\n</member>\n"
			      "<member>\n<name>records</name>\n<value>");
		w(&g, "<array><data>\n");
		for (int r = 0; r < 3; r++) {
			w(&g, "<value><struct>");
			for (size_t k = 0; k < s->n; k++) {
				int kind;
				do {
					kind = kind_for(&g, s->f[k].type);
				} while (kind == K_ANY);
				if (s->f[k].odoo != NULL)
					gen_member(&g, s->f[k].odoo, kind);
			}
			w(&g, "\n</struct></value>\n");
		}
		w(&g, "</data></array>");
		if (env)
			w(&g, "</value>\n</member>\n</struct>");
		w(&g, "</value>\n</param>\n</params>\n\n</methodResponse>\n");
		n0 = t.fallback;
		snprintf(what, sizeof what, "plausible #%d", i);
		compare(what, b.data, b.len, s, env, &t);
		if (t.fallback != n0)
			dump(b.data, b.len);
		cr_assert(t.fallback == n0, "%s fell back:\n%s", what, b.data);
	}
	buf_free(&b);
	fprintf(stderr, "plausible: %lu handled, %lu fell back, %lu refused by both\n", t.handled, t.fallback,
	        t.refused);
}


/* ------------------------------------------------------------ samples, written as Odoo writes */

static void
xml_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			buf_puts(b, "&amp;");
		else if (*s == '<')
			buf_puts(b, "&lt;");
		else if (*s == '>')
			buf_puts(b, "&gt;");
		else
			buf_append(b, s, 1);
	}
}

/* v as Python's xmlrpc.client dumps it. */
static void
py_dump(struct buf *b, json_object *v)
{
	char num[40];

	buf_puts(b, "<value>");
	switch (json_object_get_type(v)) {
	case json_type_boolean:
		buf_puts(b, json_object_get_boolean(v) ? "<boolean>1</boolean>" : "<boolean>0</boolean>");
		break;
	case json_type_int:
		snprintf(num, sizeof num, "<int>%lld</int>", (long long)json_object_get_int64(v));
		buf_puts(b, num);
		break;
	case json_type_double:
		fmt_double(json_object_get_double(v), num);
		buf_puts(b, "<double>");
		buf_puts(b, num);
		buf_puts(b, "</double>");
		break;
	case json_type_string:
		buf_puts(b, "<string>");
		xml_escape(b, json_object_get_string(v));
		buf_puts(b, "</string>");
		break;
	case json_type_array:
		buf_puts(b, "<array><data>\n");
		for (size_t i = 0; i < json_object_array_length(v); i++)
			py_dump(b, json_object_array_get_idx(v, i));
		buf_puts(b, "</data></array>");
		break;
	case json_type_object:
		buf_puts(b, "<struct>\n");
		json_object_object_foreach(v, k, m) {
			buf_puts(b, "<member>\n<name>");
			xml_escape(b, k);
			buf_puts(b, "</name>\n");
			py_dump(b, m);
			buf_puts(b, "\n</member>\n");
		}
		buf_puts(b, "</struct>");
		break;
	default:
		buf_puts(b, "<nil/>");
		break;
	}
	buf_puts(b, "</value>\n");
}

Test(xmlrpc_fast, samples, .init = setup)
{
	static const char *const samples[][2] = {
		{ "samples/product.product.json", "products" }, { "samples/res.partner.customers.json", "customers" },
		{ "samples/res.partner.suppliers.json", "suppliers" }, { "samples/sale.order.json", "sales" },
		{ "samples/sale.order.line.json", "sale_lines" },
	};
	struct tally t = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
		json_object *j = fixture_json(samples[i][0]), *recs;
		struct buf b;

		/* {count, domain, fields, model, records}: the records of a search_read */
		cr_assert(json_object_object_get_ex(j, "records", &recs));
		buf_init(&b, CAP);
		buf_puts(&b, "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n");
		py_dump(&b, recs);
		buf_puts(&b, "</param>\n</params>\n</methodResponse>\n");
		if (!compare(samples[i][0], b.data, b.len, fixture_schema(samples[i][1]), false, &t))
			dump(b.data, b.len);
		cr_assert(t.fallback == 0 && t.refused == 0, "%s fell back", samples[i][0]);
		compare(samples[i][0], b.data, b.len, xf_mixed_schema(), false, &t);
		buf_free(&b);
		json_object_put(j);
	}
	cr_assert_geq(t.handled, ARRAY_SIZE(samples));
}

/* ------------------------------------------------------------ mutations */

Test(xmlrpc_fast, mutated, .init = setup, .timeout = 600)
{
	static const char *const inserts[] = {
		"<", ">", "&", "\0", "\x80", "\xff", "\xc0\x80", "\xed\xa0\x80", "\xef\xbf\xbe", "\xef\xbf\xbf",
		"\xf4\x90\x80\x80", "\x01", "\x0b", "]]>", "<!--x-->", "<![CDATA[x]]>", "<!DOCTYPE x>", "<?pi x?>",
		"&foo;", "&#0;", "&#xD800;", "&#xFFFE;", "&#x110000;", "&#X41;", "&#;", "&#x;", "&amp", "<i8>-</i8>",
		"<double>1</double>", "</value>", "<value>", "<member>", "<name>id</name>", " ", "\r", "\t", "x",
		"<string>", "</data>", "<b/>", "\xef\xbb\xbf",
	};
	const struct rschema *s = xf_mixed_schema();
	struct tally t = { 0 };
	struct buf b, m;
	struct gen g;
	char what[64];

	buf_init(&b, CAP);
	buf_init(&m, CAP);
	g.state = 7;
	for (int i = 0; i < 30000; i++) {
		bool env = i % 2;
		size_t at, n;
		int op = (int)pick(&g, 4);

		buf_reset(&b);
		g.b = &b;
		g.style = i % 3;
		g.odd = 0;
		gen_answer(&g, s, env, 1 + (int)pick(&g, 2));
		buf_reset(&m);
		at = pick(&g, (uint32_t)b.len + 1);
		buf_append(&m, b.data, at);
		if (op == 0) {           /* insert */
			const char *ins = inserts[pick(&g, ARRAY_SIZE(inserts))];
			buf_append(&m, ins, *ins ? strlen(ins) : 1);
			buf_append(&m, b.data + at, b.len - at);
		} else if (op == 1) {    /* delete a few bytes */
			n = 1 + pick(&g, 8);
			if (at + n <= b.len)
				buf_append(&m, b.data + at + n, b.len - at - n);
		} else if (op == 2) {    /* truncate */
			;
		} else {                 /* replace a byte */
			char c = (char)pick(&g, 256);
			buf_append(&m, &c, 1);
			if (at < b.len)
				buf_append(&m, b.data + at + 1, b.len - at - 1);
		}
		snprintf(what, sizeof what, "mutated #%d", i);
		compare(what, m.data, m.len, s, env, &t);
	}
	buf_free(&b);
	buf_free(&m);
	fprintf(stderr, "mutated: %lu handled, %lu fell back, %lu refused by both\n", t.handled, t.fallback,
	        t.refused);
	cr_assert_gt(t.refused, 1000);
}

/* ------------------------------------------------------------ both refuse */

#define ANSWER(v) "<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n" \
	v "\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n"
#define REC(m) "<value><struct><member><name>name</name>" m "</member></struct></value>"

Test(xmlrpc_fast, both_refuse, .init = setup)
{
	static const char *const bad[] = {
		"",
		"<methodResponse>",
		ANSWER(REC("<value><string>a</string></value>")) "<x/>",
		ANSWER(REC("<value><string>a&b</string></value>")),
		ANSWER(REC("<value><string>a&foo;</string></value>")),
		ANSWER(REC("<value><string>&#0;</string></value>")),
		ANSWER(REC("<value><string>&#xD800;</string></value>")),
		ANSWER(REC("<value><string>&#xFFFE;</string></value>")),
		ANSWER(REC("<value><string>&#x110000;</string></value>")),
		ANSWER(REC("<value><string>\x01</string></value>")),
		ANSWER(REC("<value><string>\xc3</string></value>")),
		ANSWER(REC("<value><string>\xed\xa0\x80</string></value>")),
		ANSWER(REC("<value><string>\xef\xbf\xbf</string></value>")),
		ANSWER(REC("<value><string>\xc0\xaf</string></value>")),
		ANSWER(REC("<value><string>a]]>b</string></value>")),
		ANSWER(REC("<value><string><![CDATA[x]]></string></value>")),
		ANSWER(REC("<value><string>a<!-- c -->b</string></value>")),
		"<!DOCTYPE x [<!ENTITY e \"x\">]>" ANSWER(REC("<value><string>&e;</string></value>")),
		ANSWER(REC("<value><i8>-</i8></value>")),
		ANSWER(REC("<value><i8>1 </i8></value>")),
		ANSWER(REC("<value><int>2147483648</int></value>")),
		ANSWER(REC("<value><int>1x</int></value>")),
		ANSWER(REC("<value><double>nan</double></value>")),
		ANSWER(REC("<value><double>1e999</double></value>")),
		ANSWER(REC("<value><double></double></value>")),
		ANSWER(REC("<value><boolean>2</boolean></value>")),
		ANSWER(REC("<value><string>a</string>")),
		ANSWER(REC("<value><string>a</strin></value>")),
		"\xef\xbb\xbf<?xml version=\"1.0\"?><?xml version=\"1.0\"?><methodResponse/>",
		" <?xml version=\"1.0\"?>" ANSWER(""),
		ANSWER("") "\0",
	};
	struct tally t = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		size_t len = strlen(bad[i]) + (i + 1 == ARRAY_SIZE(bad) ? 1 : 0);
		struct buf o;
		int64_t l;

		buf_init(&o, CAP);
		cr_assert(!xf_oracle(bad[i], len, xf_mixed_schema(), false, &o, &l, NULL), "the oracle took #%zu: %s", i, bad[i]);
		cr_assert_eq(xf_records(bad[i], len, xf_mixed_schema(), false, &o, &l, NULL), XF_FALLBACK, "#%zu: %s", i, bad[i]);
		compare("both_refuse", bad[i], len, xf_mixed_schema(), false, &t);
		buf_free(&o);
	}
	cr_assert_eq(t.refused, ARRAY_SIZE(bad));
}

/* ------------------------------------------------------------ what it writes */

static void
expect(const char *xml, const char *json)
{
	struct buf o;
	int64_t l;
	struct tally t = { 0 };

	buf_init(&o, CAP);
	cr_assert_eq(xf_records(xml, strlen(xml), xf_mixed_schema(), false, &o, &l, NULL), XF_OK, "fell back: %s", xml);
	cr_assert_str_eq(o.data, json);
	cr_assert(compare("expect", xml, strlen(xml), xf_mixed_schema(), false, &t));
	buf_free(&o);
}

Test(xmlrpc_fast, writes, .init = setup)
{
	/* the field gone from this Odoo is null, in table order; a member of no name is not it */
	expect(ANSWER("<value><struct></struct></value>"), "[{\"gone_field\":null}]");
	expect(ANSWER(REC("<value>x</value></member><member><name></name><value>y</value>")),
	       "[{\"gone_field\":null,\"name\":\"x\"}]");
	expect(ANSWER(""), "[]");
	/* table order whatever the answer's; unknown members left out; renamed read under Odoo's name */
	expect(ANSWER("<value><struct>"
	              "<member><name>tax_id</name><value><array><data><value><int>3</int></value></data></array></value></member>"
	              "<member><name>zzz</name><value><int>1</int></value></member>"
	              "<member><name>name</name><value>Desk</value></member>"
	              "<member><name>id</name><value><i4>-7</i4></value></member>"
	              "</struct></value>"),
	       "[{\"id\":-7,\"gone_field\":null,\"name\":\"Desk\",\"tax_ids\":[3]}]");
	/* false is null but for booleans; many2one three ways; datetimes */
	expect(ANSWER("<value><struct>"
	              "<member><name>name</name><value><boolean>0</boolean></value></member>"
	              "<member><name>write_date</name><value><string>2024-01-31 10:20:30</string></value></member>"
	              "<member><name>categ_id</name><value><array><data><value><int>8</int></value>"
	              "<value><string>All / Saleable</string></value></data></array></value></member>"
	              "<member><name>active</name><value><boolean>0</boolean></value></member>"
	              "<member><name>uom_id</name><value><struct><member><name>display_name</name><value>Units</value>"
	              "</member><member><name>id</name><value><int>1</int></value></member></struct></value></member>"
	              "<member><name>partner_id</name><value><int>12</int></value></member>"
	              "<member><name>date_order</name><value><string>2024-02-30 10:20:30</string></value></member>"
	              "</struct></value>"),
	       "[{\"gone_field\":null,\"name\":null,\"write_date\":\"2024-01-31T10:20:30Z\","
	       "\"categ_id\":{\"id\":8,\"name\":\"All / Saleable\"},\"active\":false,"
	       "\"uom_id\":{\"id\":1,\"name\":\"Units\"},\"partner_id\":{\"id\":12,\"name\":null},"
	       "\"date_order\":\"2024-02-30 10:20:30\"}]");
	/* text: emoji raw and referenced, escapes, CR LF read as LF, &#13; kept, '/' as is */
	expect(ANSWER(REC("<value><string>\xf0\x9f\x98\x80&#x1F600;&lt;&amp;&gt;&quot;&apos;\\/\t\r\n\r&#13;\x7f\xee\x80\x80</string></value>")),
	       "[{\"gone_field\":null,\"name\":\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80<&>\\\"'\\\\/\\t\\n\\n\\n\x7f\xee\x80\x80\"}]");
	/* doubles: the shortest exact text */
	expect(ANSWER("<value><struct><member><name>list_price</name><value><double>750.0</double></value></member>"
	              "<member><name>standard_price</name><value><double>14.930000000000007</double></value></member>"
	              "<member><name>qty_available</name><value><double>1e+16</double></value></member>"
	              "<member><name>amount_total</name><value><double>-0.0</double></value></member></struct></value>"),
	       "[{\"gone_field\":null,\"list_price\":750.0,\"standard_price\":14.930000000000007,"
	       "\"qty_available\":1e+16,\"amount_total\":-0.0}]");
}

Test(xmlrpc_fast, envelope_and_cap, .init = setup)
{
	const char *xml = "<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n"
	                  "<member>\n<name>records</name>\n<value><array><data>\n" REC("<value>x</value>")
	                  "\n</data></array></value>\n</member>\n"
	                  "<member>\n<name>length</name>\n<value><i8>43</i8></value>\n</member>\n"
	                  "</struct></value>\n</param>\n</params>\n</methodResponse>\n";
	struct buf o;
	int64_t l = 0;

	buf_init(&o, CAP);
	cr_assert_eq(xf_records(xml, strlen(xml), xf_mixed_schema(), true, &o, &l, NULL), XF_OK);
	cr_assert_str_eq(o.data, "[{\"gone_field\":null,\"name\":\"x\"}]");
	cr_assert_eq(l, 43);
	/* not the shape asked for */
	cr_assert_eq(xf_records(xml, strlen(xml), xf_mixed_schema(), false, &o, &l, NULL), XF_FALLBACK);
	buf_free(&o);
	/* output past the cap: fall back, out as it was */
	buf_init(&o, 20);
	buf_puts(&o, "abc");
	cr_assert_eq(xf_records(xml, strlen(xml), xf_mixed_schema(), true, &o, &l, NULL), XF_FALLBACK);
	cr_assert_str_eq(o.data, "abc");
	cr_assert_eq(o.len, 3);
	buf_free(&o);
}

/* ------------------------------------------------------------ nested lines (a sale read with its lines) */

static struct xf_lines
sale_lines_spec(void)
{
	struct xf_lines l = { "order_line", "lines", fixture_schema("sale_lines") };

	return l;
}

/*
 * A sale's web_search_read with its lines nested (crud.c's crud_read): the
 * lines anywhere in the record, missing, empty, ids (crud.c reads them:
 * the fast path must fall back), false; every shape against the oracle.
 */
Test(xmlrpc_fast, generated_lines, .init = setup, .timeout = 600)
{
	struct xf_lines l = sale_lines_spec();
	struct xf_spec spec = { .s = fixture_schema("sales"), .lines = &l };
	struct tally t = { 0 };
	struct buf b;
	struct gen g;
	char what[64];

	buf_init(&b, CAP);
	g.state = 0x51ed270b27a9c3d5ULL;
	for (int i = 0; i < 12000; i++) {
		buf_reset(&b);
		g.b = &b;
		g.style = i % 3;
		g.odd = i % 4 == 0 ? 0 : 40;
		spec.envelope = i % 2;
		spec.max_records = i % 5 == 0 ? 1 : 0;
		spec.s = i % 7 == 0 ? altered(fixture_schema("sales"), 2) : fixture_schema("sales");
		gen_answer_lines(&g, spec.s, &l, spec.envelope, (int)pick(&g, 3));
		snprintf(what, sizeof what, "generated with lines #%d", i);
		compare_spec(what, b.data, b.len, &spec, &t);
	}
	buf_free(&b);
	fprintf(stderr, "generated with lines: %lu handled, %lu fell back, %lu refused by both\n", t.handled,
	        t.fallback, t.refused);
	cr_assert_gt(t.handled, 2000, "only %lu handled", t.handled);
	cr_assert_gt(t.fallback + t.refused, 1000, "only %lu not handled", t.fallback + t.refused);
}

Test(xmlrpc_fast, lines_written_last, .init = setup)
{
	/* (the mixed schema reads order_line itself: another one2many) */
	struct xf_lines l = { "line_ids", "lines", xf_mixed_schema() };
	struct xf_spec spec = { .s = xf_mixed_schema(), .lines = &l, .max_records = 1 };
	const char *xml = ANSWER("<value><struct>"
	                         "<member><name>line_ids</name><value><array><data>"
	                         REC("<value>l1</value>") "</data></array></value></member>"
	                         "<member><name>name</name><value>S1</value></member>"
	                         "</struct></value>");
	const char *two = ANSWER(REC("<value>a</value>") REC("<value>b</value>"));
	const char *ids = ANSWER("<value><struct><member><name>line_ids</name><value><array><data>"
	                         "<value><int>4</int></value></data></array></value></member></struct></value>");
	struct xf_spec clash = spec;
	struct xf_lines bad = { "order_line", "lines", xf_mixed_schema() };
	struct tally t = { 0 };
	struct buf o;

	buf_init(&o, CAP);
	cr_assert_eq(xf_convert(xml, strlen(xml), &spec, &o, NULL, NULL), XF_OK);
	cr_assert_str_eq(o.data, "[{\"gone_field\":null,\"name\":\"S1\",\"lines\":[{\"gone_field\":null,\"name\":\"l1\"}]}]");
	cr_assert(compare_spec("lines last", xml, strlen(xml), &spec, &t));
	buf_reset(&o);
	/* no lines member: [] */
	cr_assert_eq(xf_convert(two, strlen(two), &(struct xf_spec){ .s = xf_mixed_schema(), .lines = &l }, &o, NULL, NULL), XF_OK);
	cr_assert_str_eq(o.data, "[{\"gone_field\":null,\"name\":\"a\",\"lines\":[]},{\"gone_field\":null,\"name\":\"b\",\"lines\":[]}]");
	buf_reset(&o);
	/* more records than asked for; ids to read; a lines field the record's schema reads too */
	cr_assert_eq(xf_convert(two, strlen(two), &spec, &o, NULL, NULL), XF_FALLBACK);
	cr_assert_eq(xf_convert(ids, strlen(ids), &spec, &o, NULL, NULL), XF_FALLBACK);
	clash.lines = &bad;
	cr_assert_eq(xf_convert(xml, strlen(xml), &clash, &o, NULL, NULL), XF_FALLBACK);
	cr_assert_eq(o.len, 0);
	buf_free(&o);
}
