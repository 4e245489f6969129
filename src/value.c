/* value.c: Odoo values <-> API JSON by field type, both ways, and request bodies -> Odoo vals. */
#include "autoconfig.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "value.h"

/* ---------------------------------------------------------------- reasons */

static const char *const verr_texts[VE__COUNT][2] = {
	[VE_OK]             = { "Correcto", "OK" },
	[VE_UNKNOWN_FIELD]  = { "Campo desconocido", "Unknown field" },
	[VE_READ_ONLY]      = { "Campo de solo lectura", "Read-only field" },
	[VE_NOT_BOOLEAN]    = { "Debe ser true o false", "Must be true or false" },
	[VE_NOT_INTEGER]    = { "Debe ser un número entero", "Must be an integer" },
	[VE_NOT_NUMBER]     = { "Debe ser un número", "Must be a number" },
	[VE_OUT_OF_RANGE]   = { "Número fuera de rango", "Number out of range" },
	[VE_NOT_STRING]     = { "Debe ser un texto", "Must be a string" },
	[VE_BAD_CHARS]      = { "Contiene caracteres no admitidos (caracteres de control)",
	                        "Contains unsupported characters (control characters)" },
	[VE_BAD_DATE]       = { "Fecha inválida (AAAA-MM-DD)", "Invalid date (YYYY-MM-DD)" },
	[VE_BAD_DATETIME]   = { "Fecha y hora inválida (RFC 3339, p. ej. 2025-01-31T10:00:00Z)",
	                        "Invalid date-time (RFC 3339, e.g. 2025-01-31T10:00:00Z)" },
	[VE_BAD_SELECTION]  = { "Valor no permitido", "Value not allowed" },
	[VE_BAD_ID]         = { "Debe ser un id (entero positivo), {\"id\": id} o null",
	                        "Must be an id (positive integer), {\"id\": id} or null" },
	[VE_BAD_IDS]        = { "Debe ser una lista de ids", "Must be a list of ids" },
	[VE_NOT_LIST]       = { "Debe ser una lista", "Must be a list" },
	[VE_NOT_OBJECT]     = { "Debe ser un objeto", "Must be an object" },
	[VE_LINE_UNKNOWN]   = { "La línea no pertenece a este registro", "The line does not belong to this record" },
	[VE_LINE_DUPLICATE] = { "Línea repetida", "Line given twice" },
	[VE_NO_RELATED]     = { "El registro relacionado no existe", "The related record does not exist" },
	[VE_REQUIRED]       = { "Campo obligatorio", "Field required" },
};

const char *
verr_text(enum verr e, enum lang lang)
{
	if ((unsigned)e >= VE__COUNT)
		e = VE_OK;
	return verr_texts[e][lang == LANG_EN ? 1 : 0];
}

void
errors_add(json_object *errors, const char *key, const char *reason)
{
	json_object *list;

	if (!json_object_object_get_ex(errors, key, &list)) {
		list = json_object_new_array();
		json_object_object_add(errors, key, list);
	}
	json_object_array_add(list, json_object_new_string(reason));
}

void
errors_add_verr(json_object *errors, const char *key, enum verr e, const struct xfield *f, enum lang lang)
{
	struct buf b;

	if (e != VE_BAD_SELECTION || f == NULL || f->n_selection == 0) {
		errors_add(errors, key, verr_text(e, lang));
		return;
	}
	/* Tell the form which keys Odoo accepts; the list is short and bounded. */
	buf_init(&b, 4096);
	buf_puts(&b, verr_text(e, lang));
	buf_puts(&b, lang == LANG_EN ? " (allowed: " : " (permitidos: ");
	for (size_t i = 0; i < f->n_selection; i++) {
		if (i > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, f->selection[i]);
	}
	buf_puts(&b, ")");
	errors_add(errors, key, b.data);
	buf_free(&b);
}

/* ------------------------------------------------------------ dates, times */

/* Parses exactly n decimal digits at s. */
static bool
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* "YYYY-MM-DD" at s (no terminator check); validated. */
static bool
parse_ymd(const char *s, int *y, int *m, int *d)
{
	if (!digits(s, 4, y) || s[4] != '-' || !digits(s + 5, 2, m) || s[7] != '-' || !digits(s + 8, 2, d))
		return false;
	return *y >= 1 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= month_days(*y, *m);
}

/* "HH:MM:SS" at s; validated (no leap second). */
static bool
parse_hms(const char *s, int *h, int *mi, int *sec)
{
	if (!digits(s, 2, h) || s[2] != ':' || !digits(s + 3, 2, mi) || s[5] != ':' || !digits(s + 6, 2, sec))
		return false;
	return *h <= 23 && *mi <= 59 && *sec <= 59;
}

bool
date_valid(const char *s)
{
	int y, m, d;

	return s != NULL && strlen(s) == 10 && parse_ymd(s, &y, &m, &d);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil. */
static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

bool
datetime_to_odoo(const char *s, char out[20])
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p;
	int64_t t, days, yy;
	int m2, d2;
	char tmp[64];

	if (s == NULL || strlen(s) < 20 || !parse_ymd(s, &y, &mo, &d))
		return false;
	/* RFC 3339 5.6 allows 't' and, by agreement, a space for 'T'. */
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return false;
	if (!parse_hms(s + 11, &h, &mi, &sec))
		return false;
	p = s + 19;
	if (*p == '.') {
		/* Odoo keeps whole seconds: the fraction is validated and dropped. */
		const char *q = ++p;

		while (*p >= '0' && *p <= '9')
			p++;
		if (p == q)
			return false;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		sign = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && digits(p + 1, 2, &oh) && p[3] == ':' &&
	           digits(p + 4, 2, &om) && oh <= 23 && om <= 59) {
		sign = *p == '+' ? 1 : -1;
	} else {
		return false;
	}
	/* local = UTC + offset, so UTC = local - offset. */
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
	days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	t -= days * 86400;
	civil_from_days(days, &yy, &m2, &d2);
	if (yy < 1 || yy > 9999)
		return false;
	/* Every part is in range here; the wide buffer only quiets -Wformat-truncation. */
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d %02d:%02d:%02d", (int)yy, m2, d2,
	         (int)(t / 3600), (int)(t / 60 % 60), (int)(t % 60));
	memcpy(out, tmp, 20);
	return true;
}

bool
datetime_from_odoo(const char *s, char out[21])
{
	int y, mo, d, h, mi, sec;

	if (s == NULL || strlen(s) != 19 || !parse_ymd(s, &y, &mo, &d) || s[10] != ' ' ||
	    !parse_hms(s + 11, &h, &mi, &sec))
		return false;
	memcpy(out, s, 10);
	out[10] = 'T';
	memcpy(out + 11, s + 11, 8);
	out[19] = 'Z';
	out[20] = '\0';
	return true;
}

/* ------------------------------------------------------------ Odoo -> API */

bool
json_to_id(json_object *v, int64_t *id)
{
	int64_t n;

	if (!json_object_is_type(v, json_type_int))
		return false;
	n = json_object_get_int64(v);
	/* Odoo ids are PostgreSQL serials: 32-bit, whatever the protocol. */
	if (n < 1 || n > INT32_MAX)
		return false;
	*id = n;
	return true;
}

/* {"id": id, "name": name} with name a new reference or NULL. */
static json_object *
ref_object(json_object *id, json_object *name)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_get(id));
	json_object_object_add(o, "name", name);
	return o;
}

static json_object *
many2one_from_odoo(json_object *v)
{
	json_object *id, *name;

	switch (json_object_get_type(v)) {
	case json_type_array:   /* read / search_read: [id, "display name"] */
		if (json_object_array_length(v) == 2 &&
		    json_object_is_type(json_object_array_get_idx(v, 0), json_type_int))
			return ref_object(json_object_array_get_idx(v, 0),
			                  json_object_get(json_object_array_get_idx(v, 1)));
		break;
	case json_type_int:     /* load='' gives the bare id */
		return ref_object(v, NULL);
	case json_type_object:  /* web_search_read: {"id", "display_name"} */
		if (json_object_object_get_ex(v, "id", &id)) {
			if (!json_object_object_get_ex(v, "display_name", &name))
				name = NULL;
			return ref_object(id, json_object_get(name));
		}
		break;
	default:
		break;
	}
	return json_object_get(v);
}

json_object *
value_from_odoo(const struct xfield *f, json_object *v)
{
	char buf[21];

	if (v == NULL)
		return NULL;
	if (f->type == FT_BOOLEAN)
		return json_object_get(v);
	/* Odoo answers False for an empty field of any type (XML-RPC and JSON-2 alike). */
	if (json_object_is_type(v, json_type_boolean) && !json_object_get_boolean(v))
		return NULL;
	switch (f->type) {
	case FT_MANY2ONE:
		return many2one_from_odoo(v);
	case FT_DATETIME:
		if (json_object_is_type(v, json_type_string) && datetime_from_odoo(json_object_get_string(v), buf))
			return json_object_new_string(buf);
		return json_object_get(v);
	default:
		return json_object_get(v);
	}
}

json_object *
record_from_odoo(const struct rschema *s, json_object *rec)
{
	json_object *out = json_object_new_object();

	for (size_t i = 0; i < s->n; i++) {
		json_object *v;

		if (s->f[i].odoo == NULL)   /* gone from this Odoo: null, not missing */
			json_object_object_add(out, s->f[i].name, NULL);
		else if (json_object_object_get_ex(rec, s->f[i].odoo, &v))
			json_object_object_add(out, s->f[i].name, value_from_odoo(&s->f[i], v));
	}
	return out;
}

/*
 * Converts rec in place when its members are exposed fields of s in table
 * order, which is how Odoo answers (read() and web_read() list the fields
 * in the order asked, id first); false, rec untouched, when they are not.
 */
static bool
record_convert_in_place(const struct rschema *s, json_object *rec)
{
	size_t i = 0;

	json_object_object_foreach(rec, key, v) {
		(void)v;
		while (i < s->n && strcmp(s->f[i].name, key) != 0)
			i++;
		if (i == s->n)
			return false;
		i++;
	}
	i = 0;
	json_object_object_foreach(rec, k, old) {
		json_object *nv;

		while (strcmp(s->f[i].name, k) != 0)
			i++;
		nv = value_from_odoo(&s->f[i], old);
		/* Most values pass unchanged; only those that change are replaced. */
		if (nv == old)
			json_object_put(nv);
		else
			json_object_object_add(rec, k, nv);
		i++;
	}
	return true;
}

void
records_from_odoo(const struct rschema *s, json_object *recs)
{
	size_t n = json_object_array_length(recs);

	for (size_t i = 0; i < n; i++) {
		json_object *rec = json_object_array_get_idx(recs, i);

		if (s->renamed || !json_object_is_type(rec, json_type_object) || !record_convert_in_place(s, rec))
			json_object_array_put_idx(recs, i, record_from_odoo(s, rec));
	}
}

/* ------------------------------------------------------------ API -> Odoo */

/* The largest integer below which every integer is exact in a double (2^53). */
#define DOUBLE_EXACT_MAX ((int64_t)1 << 53)

/* A JSON string without NUL bytes (PostgreSQL text cannot hold them). */
static bool
clean_string(json_object *in)
{
	return json_object_is_type(in, json_type_string) &&
	       strlen(json_object_get_string(in)) == (size_t)json_object_get_string_len(in);
}

/*
 * The text the API takes, whichever protocol carries it: not C0 controls
 * other than tab, LF and CR, nor U+FFFE/U+FFFF.  They are never text a
 * person typed; XML-RPC cannot carry them at all (XML 1.0), and JSON-2,
 * which could, gets the same rule so that a value the API accepts on one
 * Odoo it accepts on all.  A 400 naming the field or parameter says more
 * than the backend's refusal of the whole call.  Characters past U+FFFF
 * (emoji) are text like any other.
 */
bool
text_acceptable(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			return false;
		/* U+FFFE and U+FFFF are EF BF BE and EF BF BF. */
		if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
			return false;
	}
	return true;
}

static enum verr
number_to_odoo(const struct xfield *f, json_object *in, json_object **out)
{
	double d;
	int64_t n;

	if (json_object_is_type(in, json_type_int)) {
		n = json_object_get_int64(in);
		if (n >= INT32_MIN && n <= INT32_MAX) {
			*out = json_object_new_int64(n);
			return VE_OK;
		}
		if (f->type == FT_INTEGER)
			return VE_NOT_INTEGER;
		/*
		 * Too wide for an Odoo integer field (PostgreSQL int4, and
		 * XML-RPC's <int>): a float field takes it as a double,
		 * while the double holds it exactly.  Past 2^53 it would not, and
		 * json-c parses integers past 64 bits as INT64_MIN/INT64_MAX (or
		 * UINT64_MAX, which json_object_get_int64 reads as INT64_MAX)
		 * without an error: Odoo would get another number than the one sent.
		 */
		if (n < -DOUBLE_EXACT_MAX || n > DOUBLE_EXACT_MAX)
			return VE_OUT_OF_RANGE;
		*out = json_object_new_double((double)n);
		return VE_OK;
	}
	if (!json_object_is_type(in, json_type_double))
		return f->type == FT_INTEGER ? VE_NOT_INTEGER : VE_NOT_NUMBER;
	d = json_object_get_double(in);
	if (!isfinite(d))
		return VE_NOT_NUMBER;
	if (f->type == FT_INTEGER) {
		/* 3.0 is an integer; 3.5 is not. */
		if (d != floor(d) || d < INT32_MIN || d > INT32_MAX)
			return VE_NOT_INTEGER;
		*out = json_object_new_int64((int64_t)d);
		return VE_OK;
	}
	*out = json_object_new_double(d);
	return VE_OK;
}

static enum verr
many2one_to_odoo(json_object *in, json_object **out)
{
	json_object *id = in;
	int64_t n;

	/* Refine sends back what it read: {"id": 8, "name": "..."}; the name is ignored. */
	if (json_object_is_type(in, json_type_object) && !json_object_object_get_ex(in, "id", &id))
		return VE_BAD_ID;
	if (id == NULL) {
		*out = json_object_new_boolean(0);
		return VE_OK;
	}
	if (!json_to_id(id, &n))
		return VE_BAD_ID;
	*out = json_object_new_int64(n);
	return VE_OK;
}

/* [ids] -> [[6, 0, ids]]: the full list replaces the current one. */
static enum verr
x2many_to_odoo(json_object *in, json_object **out)
{
	json_object *ids, *cmd;
	size_t n;

	if (in != NULL && !json_object_is_type(in, json_type_array))
		return VE_BAD_IDS;
	n = in == NULL ? 0 : json_object_array_length(in);
	ids = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		int64_t id;

		if (!json_to_id(json_object_array_get_idx(in, i), &id)) {
			json_object_put(ids);
			return VE_BAD_IDS;
		}
		json_object_array_add(ids, json_object_new_int64(id));
	}
	cmd = json_object_new_array();
	json_object_array_add(cmd, json_object_new_int(6));
	json_object_array_add(cmd, json_object_new_int(0));
	json_object_array_add(cmd, ids);
	*out = json_object_new_array();
	json_object_array_add(*out, cmd);
	return VE_OK;
}

static bool
selection_has(const struct xfield *f, const char *key)
{
	for (size_t i = 0; i < f->n_selection; i++)
		if (strcmp(f->selection[i], key) == 0)
			return true;
	return false;
}

enum verr
value_to_odoo(const struct xfield *f, json_object *in, json_object **out)
{
	char buf[20];

	if (f->type == FT_MANY2ONE)
		return many2one_to_odoo(in, out);
	if (f->type == FT_ONE2MANY || f->type == FT_MANY2MANY)
		return x2many_to_odoo(in, out);
	if (in == NULL) {
		/* JSON null clears the field: Odoo's False. */
		*out = json_object_new_boolean(0);
		return VE_OK;
	}
	switch (f->type) {
	case FT_BOOLEAN:
		if (!json_object_is_type(in, json_type_boolean))
			return VE_NOT_BOOLEAN;
		*out = json_object_new_boolean(json_object_get_boolean(in));
		return VE_OK;
	case FT_INTEGER:
	case FT_FLOAT:
	case FT_MONETARY:
		return number_to_odoo(f, in, out);
	case FT_CHAR:
	case FT_TEXT:
	case FT_HTML:
		if (!clean_string(in))
			return VE_NOT_STRING;
		if (!text_acceptable(json_object_get_string(in)))
			return VE_BAD_CHARS;
		break;
	case FT_SELECTION:
		if (!clean_string(in) || !selection_has(f, json_object_get_string(in)))
			return VE_BAD_SELECTION;
		break;
	case FT_DATE:
		if (!clean_string(in) || !date_valid(json_object_get_string(in)))
			return VE_BAD_DATE;
		break;
	case FT_DATETIME:
		if (!clean_string(in) || !datetime_to_odoo(json_object_get_string(in), buf))
			return VE_BAD_DATETIME;
		*out = json_object_new_string(buf);
		return VE_OK;
	default:
		return VE_UNKNOWN_FIELD;
	}
	*out = json_object_new_string(json_object_get_string(in));
	return VE_OK;
}

/*
 * Converts the body value of key for writing: VE_UNKNOWN_FIELD, VE_READ_ONLY
 * or value_to_odoo's verdict.  *f is the field (NULL when unknown).
 */
static enum verr
writable_value(const struct rschema *s, const char *key, json_object *in, const struct xfield **f,
               json_object **v)
{
	*f = rschema_field(s, key);
	if (*f == NULL)
		return VE_UNKNOWN_FIELD;
	if (!xfield_writable(*f))
		return VE_READ_ONLY;
	return value_to_odoo(*f, in, v);
}

/* Adds the resource's create defaults to vals (they are read-only fields, so never in the body). */
static void
add_defaults(const struct resource *res, json_object *vals)
{
	json_object *defs;

	if (res->create_defaults == NULL)
		return;
	defs = json_tokener_parse(res->create_defaults);
	if (defs == NULL) {
		log_error("%s: create_defaults is not JSON", res->name);
		return;
	}
	json_object_object_foreach(defs, k, v)
		json_object_object_add(vals, k, json_object_get(v));
	json_object_put(defs);
}

bool
body_to_vals(const struct rschema *s, json_object *body, bool create, enum lang lang,
             json_object **vals, json_object *errors)
{
	json_object *out = json_object_new_object();
	bool ok = true;

	json_object_object_foreach(body, key, in) {
		const struct xfield *f;
		json_object *v = NULL;
		enum verr e;

		if (s->res->lines != NULL && strcmp(key, s->res->lines->key) == 0)
			continue;
		if ((e = writable_value(s, key, in, &f, &v)) != VE_OK) {
			errors_add_verr(errors, key, e, f, lang);
			ok = false;
			continue;
		}
		json_object_object_add(out, f->odoo, v);   /* writable: the field exists on this Odoo */
	}
	if (!ok) {
		json_object_put(out);
		return false;
	}
	if (create)
		add_defaults(s->res, out);
	*vals = out;
	return true;
}

/* ------------------------------------------------------------ nested lines */

/* Whether writing v (an Odoo value for f) would leave cur (the value Odoo read) unchanged. */
static bool
value_unchanged(const struct xfield *f, json_object *cur, json_object *v)
{
	bool cur_false = json_object_is_type(cur, json_type_boolean) && !json_object_get_boolean(cur);

	switch (f->type) {
	case FT_MANY2ONE: {
		/* cur is [id, "name"] (read), {"id", "display_name"} (web_read) or False; v is an id or False. */
		json_object *id = NULL;

		if (json_object_is_type(v, json_type_boolean))
			return cur_false;
		if (json_object_is_type(cur, json_type_array) && json_object_array_length(cur) >= 1)
			id = json_object_array_get_idx(cur, 0);
		else if (json_object_is_type(cur, json_type_object))
			json_object_object_get_ex(cur, "id", &id);
		return json_object_is_type(id, json_type_int) && json_object_get_int64(id) == json_object_get_int64(v);
	}
	case FT_ONE2MANY:
	case FT_MANY2MANY: {
		/* cur is [ids]; v is [[6, 0, ids]]: the same set means unchanged. */
		json_object *ids = json_object_array_get_idx(json_object_array_get_idx(v, 0), 2);
		size_t n = json_object_array_length(ids);

		if (!json_object_is_type(cur, json_type_array) || json_object_array_length(cur) != n)
			return false;
		for (size_t i = 0; i < n; i++) {
			bool found = false;

			for (size_t j = 0; j < n && !found; j++)
				found = json_object_get_int64(json_object_array_get_idx(cur, j)) ==
				        json_object_get_int64(json_object_array_get_idx(ids, i));
			if (!found)
				return false;
		}
		return true;
	}
	case FT_INTEGER:
	case FT_FLOAT:
	case FT_MONETARY:
		if (json_object_is_type(cur, json_type_boolean) || json_object_is_type(v, json_type_boolean))
			return json_object_equal(cur, v);
		/* 4 and 4.0 are the same quantity. */
		return json_object_get_double(cur) == json_object_get_double(v);
	default:
		return json_object_equal(cur, v);
	}
}

/* The current line record with that id, or NULL. */
static json_object *
find_line(json_object *current, int64_t id, size_t *idx)
{
	size_t n = json_object_is_type(current, json_type_array) ? json_object_array_length(current) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *rec = json_object_array_get_idx(current, i), *v;

		if (json_object_object_get_ex(rec, "id", &v) && json_object_get_int64(v) == id) {
			*idx = i;
			return rec;
		}
	}
	return NULL;
}

static json_object *
command(int op, int64_t id, json_object *arg)
{
	json_object *c = json_object_new_array();

	json_object_array_add(c, json_object_new_int(op));
	json_object_array_add(c, json_object_new_int64(id));
	json_object_array_add(c, arg != NULL ? arg : json_object_new_int(0));
	return c;
}

/*
 * One entry of the list -> its command appended to cmds (or none when an
 * existing line is unchanged).  kept[] marks the current lines named.
 */
static bool
line_entry(const struct rschema *ls, const char *prefix, json_object *entry, json_object *current,
           bool *kept, enum lang lang, json_object *cmds, json_object *errors)
{
	json_object *idv = NULL, *rec = NULL, *vals;
	int64_t id = 0;
	size_t idx = 0;
	bool ok = true;
	char key[192];

	if (!json_object_is_type(entry, json_type_object)) {
		errors_add_verr(errors, prefix, VE_NOT_OBJECT, NULL, lang);
		return false;
	}
	snprintf(key, sizeof(key), "%s.id", prefix);
	if (json_object_object_get_ex(entry, "id", &idv) && idv != NULL) {
		if (!json_to_id(idv, &id)) {
			errors_add_verr(errors, key, VE_BAD_ID, NULL, lang);
			return false;
		}
		if ((rec = find_line(current, id, &idx)) == NULL) {
			errors_add_verr(errors, key, VE_LINE_UNKNOWN, NULL, lang);
			return false;
		}
		if (kept[idx]) {
			errors_add_verr(errors, key, VE_LINE_DUPLICATE, NULL, lang);
			return false;
		}
		kept[idx] = true;
	}
	vals = json_object_new_object();
	json_object_object_foreach(entry, k, in) {
		const struct xfield *f;
		json_object *v = NULL, *cur;
		enum verr e;

		if (strcmp(k, "id") == 0)
			continue;
		if ((e = writable_value(ls, k, in, &f, &v)) != VE_OK) {
			snprintf(key, sizeof(key), "%s.%s", prefix, k);
			errors_add_verr(errors, key, e, f, lang);
			ok = false;
			continue;
		}
		if (rec != NULL && json_object_object_get_ex(rec, f->odoo, &cur) && value_unchanged(f, cur, v)) {
			json_object_put(v);
			continue;
		}
		json_object_object_add(vals, f->odoo, v);
	}
	if (!ok || (rec != NULL && json_object_object_length(vals) == 0)) {
		json_object_put(vals);
		return ok;
	}
	json_object_array_add(cmds, rec != NULL ? command(1, id, vals) : command(0, 0, vals));
	return true;
}

bool
lines_to_commands(const struct rschema *ls, const char *key, json_object *lines, json_object *current,
                  enum lang lang, json_object **commands, json_object *errors)
{
	size_t ncur = json_object_is_type(current, json_type_array) ? json_object_array_length(current) : 0;
	json_object *cmds;
	bool *kept, ok = true;
	char prefix[128];

	if (!json_object_is_type(lines, json_type_array)) {
		errors_add_verr(errors, key, VE_NOT_LIST, NULL, lang);
		return false;
	}
	cmds = json_object_new_array();
	kept = xcalloc(ncur + 1, sizeof(*kept));
	for (size_t i = 0; i < json_object_array_length(lines); i++) {
		snprintf(prefix, sizeof(prefix), "%s.%zu", key, i);
		if (!line_entry(ls, prefix, json_object_array_get_idx(lines, i), current, kept, lang, cmds, errors))
			ok = false;
	}
	/* The list is the full desired state: a line it does not name goes. */
	for (size_t i = 0; i < ncur; i++) {
		json_object *v;

		if (!kept[i] && json_object_object_get_ex(json_object_array_get_idx(current, i), "id", &v))
			json_object_array_add(cmds, command(2, json_object_get_int64(v), NULL));
	}
	free(kept);
	if (!ok) {
		json_object_put(cmds);
		return false;
	}
	*commands = cmds;
	return true;
}

/* ----------------------------------------------------------------- bodies */

/* Whether d[i] (i may be out of [0, len)) is a decimal digit. */
static bool
digit_at(const char *d, size_t len, size_t i)
{
	return i < len && d[i] >= '0' && d[i] <= '9';
}

/*
 * json-c's strict mode still takes 'single quotes', NaN, Infinity, raw
 * control characters in strings and a '.' without digits on both sides
 * ("1.", "-.5"); RFC 8259 does not.  This lexical pass refuses them before
 * json-c parses the rest.
 */
static bool
rfc8259_lexically(const char *d, size_t len)
{
	static const char outside[] = " \t\r\n{}[],:0123456789+-.eEtruefalsn\"";
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)d[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
			else if (c < 0x20)
				return false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '\0' || strchr(outside, c) == NULL) {
			return false;
		} else if (c == '.' && (i == 0 || !digit_at(d, len, i - 1) || !digit_at(d, len, i + 1))) {
			/* Outside strings a '.' is only ever inside a number (RFC 8259 section 6). */
			return false;
		}
	}
	return true;
}

json_object *
json_parse_body(const char *data, size_t len)
{
	json_tokener *tok;
	json_object *v;
	size_t end;

	/* json_tokener_parse_ex takes an int length. */
	if (len == 0 || len > INT32_MAX || !rfc8259_lexically(data, len))
		return NULL;
	tok = json_tokener_new_ex(32);
	if (tok == NULL) {
		log_error("out of memory creating a JSON tokener");
		abort();
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	v = json_tokener_parse_ex(tok, data, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		/* Includes json_tokener_continue: the body ended inside a value. */
		json_object_put(v);
		v = NULL;
		goto out;
	}
	for (end = json_tokener_get_parse_end(tok); end < len; end++) {
		if (data[end] != ' ' && data[end] != '\t' && data[end] != '\n' && data[end] != '\r') {
			json_object_put(v);
			v = NULL;
			goto out;
		}
	}
out:
	json_tokener_free(tok);
	return v;
}

json_object *
json_array1(json_object *x)
{
	json_object *a = json_object_new_array();

	if (a == NULL)
		abort();   /* util.h's policy for allocation failure */
	json_object_array_add(a, x);
	return a;
}
