/*
 * netaddr.h: lists of IP networks (addresses and CIDR prefixes), and
 * whether a client's address falls in one.
 *
 * NAME
 *	netlist_parse, netlist_match, netlist_free - address allow-lists
 *
 * DESCRIPTION
 *	A list is written as a web server's allow-list is: comma-separated
 *	IPv4 or IPv6 addresses, each optionally followed by "/prefix"
 *	("127.0.0.0/8, ::1, 192.0.2.10").  Spaces around items are ignored;
 *	an empty string is an empty list, which matches nothing.  Host bits
 *	beyond the prefix are cleared (10.1.2.3/8 is 10.0.0.0/8), as
 *	Apache's Require ip does.
 *
 *	An address is matched as the web server hands it over in REMOTE_ADDR
 *	(RFC 3875 4.1.8): dotted IPv4 or textual IPv6.  An IPv4-mapped IPv6
 *	address (::ffff:127.0.0.1, what a dual-stack socket reports) is
 *	matched as its IPv4 address.  Anything else (empty, a zone index, a
 *	host name) matches nothing.
 */
#ifndef OB_NETADDR_H
#define OB_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One network: family AF_INET or AF_INET6, the address in network order, the prefix length. */
struct netmask {
	int      family;
	uint8_t  addr[16];   /* 4 bytes used for AF_INET */
	unsigned prefix;     /* 0..32 or 0..128 */
};

struct netlist {
	struct netmask *nets;
	size_t          n;
};

/*
 * Parses text into *out (which the caller frees with netlist_free).  On a
 * malformed item returns false, leaves *out empty and copies the item into
 * bad[badlen] (cut to fit) for the error message.
 */
bool netlist_parse(const char *text, struct netlist *out, char *bad, size_t badlen);

/* Whether addr (REMOTE_ADDR's text, or NULL) lies in one of the list's networks. */
bool netlist_match(const struct netlist *l, const char *addr);

/* Frees the networks; accepts an empty or zeroed list. */
void netlist_free(struct netlist *l);

#endif
