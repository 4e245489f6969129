/* netaddr.c: address allow-lists (see netaddr.h). */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"
#include "util.h"

/* Longest item: a full IPv6 address with an embedded IPv4 and "/128". */
#define ITEM_MAX 64

static const uint8_t v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/*
 * The address of text (inet_pton does the parsing), as IPv4 when it is an
 * IPv4-mapped IPv6 address.  False for anything that is not an address.
 */
static bool
parse_addr(const char *text, int *family, uint8_t addr[16])
{
	uint8_t v6[16];

	memset(addr, 0, 16);
	if (inet_pton(AF_INET, text, addr) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, text, v6) != 1)
		return false;
	if (memcmp(v6, v4_mapped, sizeof v4_mapped) == 0) {
		*family = AF_INET;
		memcpy(addr, v6 + 12, 4);
	} else {
		*family = AF_INET6;
		memcpy(addr, v6, 16);
	}
	return true;
}

static void
clear_host_bits(struct netmask *m)
{
	size_t bytes = m->family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < bytes; i++) {
		unsigned keep = m->prefix >= 8 * (i + 1) ? 8 : m->prefix > 8 * i ? m->prefix - 8 * (unsigned)i : 0;
		m->addr[i] &= (uint8_t)(0xff00u >> keep);
	}
}

static bool
parse_item(const char *item, struct netmask *m)
{
	char text[ITEM_MAX];
	const char *slash = strchr(item, '/');
	size_t alen = slash ? (size_t)(slash - item) : strlen(item);
	int64_t prefix;

	if (alen == 0 || alen >= sizeof text)
		return false;
	memcpy(text, item, alen);
	text[alen] = '\0';
	memset(m, 0, sizeof *m);
	/* A mapped address in a list means its IPv4 network: not allowed with a prefix (ambiguous). */
	if (!parse_addr(text, &m->family, m->addr))
		return false;
	if (slash != NULL && m->family == AF_INET && strchr(text, ':') != NULL)
		return false;
	m->prefix = m->family == AF_INET ? 32 : 128;
	if (slash != NULL) {
		if (!parse_int64(slash + 1, 0, m->prefix, &prefix))
			return false;
		m->prefix = (unsigned)prefix;
	}
	clear_host_bits(m);
	return true;
}

bool
netlist_parse(const char *text, struct netlist *out, char *bad, size_t badlen)
{
	const char *p = text;

	memset(out, 0, sizeof *out);
	if (badlen > 0)
		bad[0] = '\0';
	if (p[strspn(p, " \t")] == '\0')
		return true;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char item[ITEM_MAX];
		size_t b = 0, e = len;
		struct netmask m;

		while (b < e && (p[b] == ' ' || p[b] == '\t'))
			b++;
		while (e > b && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		if (e - b < sizeof item) {
			memcpy(item, p + b, e - b);
			item[e - b] = '\0';
		}
		if (e - b >= sizeof item || !parse_item(item, &m)) {
			if (badlen > 0) {
				size_t n = e - b < badlen - 1 ? e - b : badlen - 1;
				memcpy(bad, p + b, n);
				bad[n] = '\0';
			}
			netlist_free(out);
			return false;
		}
		out->nets = xrealloc(out->nets, (out->n + 1) * sizeof *out->nets);
		out->nets[out->n++] = m;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return true;
}

static bool
in_net(const struct netmask *m, const uint8_t addr[16])
{
	unsigned full = m->prefix / 8, rest = m->prefix % 8;

	if (memcmp(m->addr, addr, full) != 0)
		return false;
	return rest == 0 || ((m->addr[full] ^ addr[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

bool
netlist_match(const struct netlist *l, const char *addr)
{
	uint8_t a[16];
	int family;

	if (addr == NULL || l->n == 0 || strlen(addr) >= ITEM_MAX || !parse_addr(addr, &family, a))
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (l->nets[i].family == family && in_net(&l->nets[i], a))
			return true;
	return false;
}

void
netlist_free(struct netlist *l)
{
	if (l == NULL)
		return;
	free(l->nets);
	l->nets = NULL;
	l->n = 0;
}
