/*-------------------------------------------------------------------------
 *
 * hostpolicy.c
 *		  Where rest_fdw may connect: rest_fdw.allowed_hosts, CONNECT_TO and
 *		  the redirects a request follows
 *
 * A foreign server's base_url is chosen by whoever may create servers, and
 * a service may redirect anywhere; the superuser's setting
 * rest_fdw.allowed_hosts bounds both.  It is the only setting of rest_fdw,
 * so the library's _PG_init, which defines it, lives here too.
 *
 * Design assumptions:
 *
 * - The setting is enforced when a socket is opened (libcurl's open-socket
 *	 callback), on the address about to be connected and the host name it
 *	 was resolved from (the URL's host, or a CONNECT_TO target), for the
 *	 first request and every redirect alike.  Checking the URL alone would
 *	 miss CONNECT_TO and names that resolve to forbidden addresses.
 *	 Connections opened under another value of the setting are not reused
 *	 (RestAllowedHostsGeneration tells the connection cache).
 *
 * - Redirects stay at the origin (scheme, host, port) of the request
 *	 unless the server option follow_redirects says otherwise, and always
 *	 when the user mapping sets headers, which may be secret; the header
 *	 callback refuses the others (RestCheckRedirect) before libcurl
 *	 follows them.
 *
 * - A URL that a role gives besides base_url (IMPORT's spec_url, a user
 *	 mapping's oauth_token_url) is fetched only if it is at base_url's
 *	 origin, or rest_fdw.allowed_hosts is set (and then vets it as every
 *	 other), or the role is a superuser (RestCheckUrlAllowed): otherwise
 *	 any role with USAGE on a server could make the backend reach any host.
 *
 * - No proxy is used, whatever the environment of the postmaster says
 *	 (request.c): a proxy's address is all the open-socket callback would
 *	 see, and allowed_hosts would not bound the real target.
 *
 * - The callbacks here run inside libcurl: no ereport, no palloc.  What
 *	 they refuse is recorded in the transfer and reported by errors.c once
 *	 libcurl has returned.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "http_internal.h"

/* One entry of rest_fdw.allowed_hosts. */
typedef enum RestHostKind
{
	REST_HOST_NAME,				/* a host name */
	REST_HOST_DOMAIN,			/* *.domain: every name under it */
	REST_HOST_ADDRESS			/* an IPv4 or IPv6 address or CIDR range */
} RestHostKind;

typedef struct RestHostEntry
{
	RestHostKind kind;
	int			port;			/* 0 = any port */
	char		name[REST_HOST_NAME_MAX + 2];	/* lower case; ".domain" */
	int			family;			/* AF_INET or AF_INET6 (addresses) */
	unsigned char addr[16];		/* network byte order, masked */
	int			bits;			/* prefix length */
} RestHostEntry;

/* The parsed setting: the GUC's "extra", allocated in one piece. */
typedef struct RestHostList
{
	int			nentries;
	RestHostEntry entries[FLEXIBLE_ARRAY_MEMBER];
} RestHostList;

/*
 * rest_fdw.allowed_hosts: the setting, its parsed form (owned by the GUC
 * machinery) and a counter bumped on every change.
 */
static char *rest_allowed_hosts_setting = NULL;
static const RestHostList *rest_allowed_hosts = NULL;
static uint32 rest_allowed_hosts_generation = 0;

static int	rest_url_authority_len(const char *url);
static void rest_set_request_origin(RestTransfer *xfer, const char *url);
static bool rest_check_allowed_hosts(char **newval, void **extra,
									 GucSource source);
static void rest_assign_allowed_hosts(const char *newval, void *extra);
static bool rest_parse_host_entry(char *text, RestHostEntry *entry,
								  const char **why);
static bool rest_parse_int_range(const char *text, long min, long max,
								 int *result);
static void rest_mask_address(unsigned char *addr, int bits);
static bool rest_valid_host_name(const char *name);
static curl_socket_t rest_opensocket_callback(void *clientp,
											  curlsocktype purpose,
											  struct curl_sockaddr *address);
static bool rest_connection_allowed(RestTransfer *xfer,
									const RestHostList *list,
									const struct sockaddr *sa);
static bool rest_host_allowed(const RestHostList *list, const char *name,
							  int family, const unsigned char *addr,
							  int port);
static bool rest_sockaddr_parts(const struct sockaddr *sa, int *family,
								unsigned char *addr, int *port);
static bool rest_prefix_match(const unsigned char *a, const unsigned char *b,
							  int bits);
static bool rest_other_scheme(const char *ref);
static void rest_parse_connect_to(const char *entry, RestConnectTo *ct);
static bool rest_connect_to_applies(const RestConnectTo *ct,
									const RestOrigin *origin);
static void rest_normalize_host(const char *host, char *buf, size_t size);


/*
 * The setting rest_fdw.allowed_hosts.
 */

extern PGDLLEXPORT void _PG_init(void);

/*
 * _PG_init
 *		Library load: define the settings of rest_fdw.
 */
void
_PG_init(void)
{
	DefineCustomStringVariable("rest_fdw.allowed_hosts",
							   "Hosts that rest_fdw may connect to.",
							   "A comma-separated list of host names, host:port, *.domain, "
							   "IP addresses and CIDR ranges.  Empty allows every host.",
							   &rest_allowed_hosts_setting,
							   "",
							   PGC_SUSET,
							   0,
							   rest_check_allowed_hosts,
							   rest_assign_allowed_hosts,
							   NULL);
	RestDefineContextSetting();
	MarkGUCPrefixReserved("rest_fdw");
}

/*
 * RestAllowedHostsGeneration
 *		A number that changes whenever rest_fdw.allowed_hosts does.
 */
uint32
RestAllowedHostsGeneration(void)
{
	return rest_allowed_hosts_generation;
}

/*
 * rest_check_allowed_hosts
 *		GUC check hook: parse rest_fdw.allowed_hosts into a RestHostList.
 */
static bool
rest_check_allowed_hosts(char **newval, void **extra, GucSource source)
{
	char	   *copy = pstrdup(*newval);
	char	   *p;
	int			maxentries = 1;
	RestHostList *list;
	char	   *entry;
	char	   *saveptr = NULL;

	for (p = copy; *p; p++)
		if (*p == ',')
			maxentries++;

	/* the GUC machinery frees extra itself */
	list = RestGucMalloc(offsetof(RestHostList, entries) +
						 sizeof(RestHostEntry) * maxentries);
	if (list == NULL)
	{
		GUC_check_errcode(ERRCODE_OUT_OF_MEMORY);
		GUC_check_errmsg("out of memory");
		return false;
	}
	list->nentries = 0;

	if (copy[strspn(copy, " \t\r\n")] != '\0')
	{
		for (entry = strtok_r(copy, ",", &saveptr); entry != NULL;
			 entry = strtok_r(NULL, ",", &saveptr))
		{
			const char *why = NULL;

			if (!rest_parse_host_entry(pstrdup(entry),
									   &list->entries[list->nentries], &why))
			{
				GUC_check_errdetail("Entry \"%s\" is invalid: %s", entry, why);
				RestGucFree(list);
				return false;
			}
			list->nentries++;
		}
		/* "a,,b" and a trailing comma leave fewer entries than commas */
		if (list->nentries != maxentries)
		{
			GUC_check_errdetail("The list has an empty entry.");
			RestGucFree(list);
			return false;
		}
	}

	pfree(copy);
	*extra = list;
	return true;
}

/*
 * rest_assign_allowed_hosts
 *		GUC assign hook: use the new list; connections opened under the
 *		old one are not reused.
 */
static void
rest_assign_allowed_hosts(const char *newval, void *extra)
{
	rest_allowed_hosts = (const RestHostList *) extra;
	rest_allowed_hosts_generation++;
}

/*
 * rest_parse_host_entry
 *		Parse one entry of rest_fdw.allowed_hosts, trimming it in place:
 *		host, host:port, *.domain[:port], address[:port], [IPv6][:port],
 *		address/bits.  On failure, *why says what is wrong.
 */
static bool
rest_parse_host_entry(char *text, RestHostEntry *entry, const char **why)
{
	char	   *host;
	char	   *end;
	char	   *port = NULL;
	char	   *bits = NULL;
	bool		bracketed = false;

	memset(entry, 0, sizeof(RestHostEntry));
	while (isspace((unsigned char) *text))
		text++;
	end = text + strlen(text);
	while (end > text && isspace((unsigned char) end[-1]))
		*--end = '\0';
	host = text;

	if (*host == '[')
	{
		char	   *close = strchr(host, ']');

		if (close == NULL || (close[1] != '\0' && close[1] != ':'))
		{
			*why = "an IPv6 address in brackets must be followed by nothing or by :port.";
			return false;
		}
		if (close[1] == ':')
			port = close + 2;
		*close = '\0';
		host++;
		bracketed = true;
	}
	else if ((bits = strchr(host, '/')) != NULL)
		*bits++ = '\0';
	else if (strchr(host, ':') != NULL &&
			 strchr(host, ':') == strrchr(host, ':'))
	{
		port = strchr(host, ':');
		*port++ = '\0';
	}

	if (port != NULL && !rest_parse_int_range(port, 1, 65535, &entry->port))
	{
		*why = "a port must be a number between 1 and 65535.";
		return false;
	}

	if (inet_pton(AF_INET, host, entry->addr) == 1 && !bracketed)
	{
		entry->family = AF_INET;
		entry->bits = 32;
	}
	else if (inet_pton(AF_INET6, host, entry->addr) == 1)
	{
		entry->family = AF_INET6;
		entry->bits = 128;
	}
	else if (bits != NULL || bracketed)
	{
		*why = "it is not an IPv4 or IPv6 address.";
		return false;
	}

	if (entry->family != 0)
	{
		entry->kind = REST_HOST_ADDRESS;
		if (bits != NULL &&
			!rest_parse_int_range(bits, 0, entry->bits, &entry->bits))
		{
			*why = "the prefix length of a CIDR range must be between 0 and 32 (IPv4) or 128 (IPv6).";
			return false;
		}
		rest_mask_address(entry->addr, entry->bits);
		return true;
	}

	if (strncmp(host, "*.", 2) == 0)
	{
		entry->kind = REST_HOST_DOMAIN;
		host++;					/* keep the dot: ".domain" */
	}
	else
		entry->kind = REST_HOST_NAME;
	rest_normalize_host(host, entry->name, sizeof(entry->name));
	if (!rest_valid_host_name(entry->kind == REST_HOST_DOMAIN
							  ? entry->name + 1 : entry->name))
	{
		*why = "it is not a host name, *.domain, IP address or CIDR range.";
		return false;
	}
	return true;
}

/*
 * rest_parse_int_range
 *		Parse a decimal integer between min and max into *result.
 */
static bool
rest_parse_int_range(const char *text, long min, long max, int *result)
{
	char	   *end;
	long		n;

	errno = 0;
	n = strtol(text, &end, 10);
	if (!isdigit((unsigned char) *text) || *end != '\0' || errno != 0 ||
		n < min || n > max)
		return false;
	*result = (int) n;
	return true;
}

/*
 * rest_mask_address
 *		Keep the first bits bits of an address, zero the others.
 */
static void
rest_mask_address(unsigned char *addr, int bits)
{
	int			i;

	for (i = 0; i < 16; i++)
	{
		int			keep = Min(Max(bits - i * 8, 0), 8);

		addr[i] &= (unsigned char) (0xFF00 >> keep);
	}
}

/*
 * rest_valid_host_name
 *		Is this a syntactically valid DNS host name (letters, digits,
 *		hyphens, underscores, dot-separated labels)?
 */
static bool
rest_valid_host_name(const char *name)
{
	const char *p;
	size_t		label = 0;

	if (name[0] == '\0' || strlen(name) > 253)
		return false;
	for (p = name; *p; p++)
	{
		if (*p == '.')
		{
			if (label == 0)
				return false;
			label = 0;
		}
		else if (isalnum((unsigned char) *p) || *p == '-' || *p == '_')
		{
			if (++label > 63)
				return false;
		}
		else
			return false;
	}
	return label > 0;
}

/*
 * What one request may connect to and follow.
 */

/*
 * RestCheckUrlAllowed
 *		Raise an error unless the current user may make the backend fetch
 *		url, given in option besides the server's base_url.
 */
void
RestCheckUrlAllowed(RestTable *table, const char *url, const char *option)
{
	const RestHostList *list = rest_allowed_hosts;

	if (RestSameOrigin(url, table->base_url) ||
		(list != NULL && list->nentries > 0) || superuser())
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to fetch \"%s\"", url),
			 errdetail("The URL in option \"%s\" is not at the origin of the server's base_url, and rest_fdw.allowed_hosts is empty.",
					   option),
			 errhint("A superuser can list the hosts rest_fdw may reach in rest_fdw.allowed_hosts.")));
}

/*
 * RestSetHandlePolicy
 *		Set what every request of an easy handle keeps: libcurl follows
 *		http and https only, REST_MAX_REDIRECTS at most, and every socket
 *		is vetted against rest_fdw.allowed_hosts.
 */
void
RestSetHandlePolicy(RestTransfer *xfer)
{
	CURL	   *easy = xfer->easy;

#if LIBCURL_VERSION_NUM >= 0x075500
	REST_SETOPT(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	REST_SETOPT(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	REST_SETOPT(easy, CURLOPT_PROTOCOLS,
				(long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
	REST_SETOPT(easy, CURLOPT_REDIR_PROTOCOLS,
				(long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	REST_SETOPT(easy, CURLOPT_FOLLOWLOCATION, 1L);
	REST_SETOPT(easy, CURLOPT_MAXREDIRS, (long) REST_MAX_REDIRECTS);
	REST_SETOPT(easy, CURLOPT_OPENSOCKETFUNCTION, rest_opensocket_callback);
	REST_SETOPT(easy, CURLOPT_OPENSOCKETDATA, xfer);
}

/*
 * RestSetRedirectPolicy
 *		Set which redirects the request follows: the header callback keeps
 *		them at the origin of url unless follow_redirects allows more.
 */
void
RestSetRedirectPolicy(RestTransfer *xfer, RestTable *table, const char *url)
{
	/* which redirects are followed; the user mapping's headers never leave */
	xfer->redirects = table->follow_redirects;
	xfer->secret_headers = (table->headers != NIL);
	rest_set_request_origin(xfer, url);
}

/*
 * rest_url_authority_len
 *		Length of url's "scheme://authority" part, or -1 if it has none.
 */
static int
rest_url_authority_len(const char *url)
{
	const char *sep = strstr(url, "://");

	if (sep == NULL)
		return -1;
	return (int) (sep + 3 - url) + (int) strcspn(sep + 3, "/?#");
}

/*
 * rest_set_request_origin
 *		Set xfer->origin to the origin of the request's URL.
 *
 * The URLs of one handle mostly share their "scheme://authority": the
 * origin parsed from it is kept, and parsed again only when that part of
 * the URL changes (the same text always has the same origin).
 */
static void
rest_set_request_origin(RestTransfer *xfer, const char *url)
{
	int			len = rest_url_authority_len(url);

	if (len > 0 && len == xfer->origin_url_len &&
		memcmp(url, xfer->origin_url, len) == 0)
		return;

	xfer->origin_url_len = 0;
	if (!RestUrlOrigin(url, NULL, &xfer->origin))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("invalid URL"),
				 errdetail("The URL of the request could not be parsed.")));
	if (len > 0 && len < REST_ORIGIN_URL_MAX)
	{
		memcpy(xfer->origin_url, url, len);
		xfer->origin_url_len = len;
	}
}

/*
 * RestSetConnectTo
 *		Set the server's CONNECT_TO entry (NULL: none) on the handle, where
 *		it stays until the settings change (RestForgetHandleSettings).
 */
void
RestSetConnectTo(RestTransfer *xfer, const char *connect_to)
{
	Assert(xfer->connect_to == NULL);
	if (connect_to != NULL)
	{
		struct curl_slist *list = curl_slist_append(NULL, connect_to);

		if (list == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
		xfer->connect_to = list;
		rest_parse_connect_to(connect_to, &xfer->connect_to_entry);
	}
	else
		xfer->connect_to_entry.valid = false;
	REST_SETOPT(xfer->easy, CURLOPT_CONNECT_TO, xfer->connect_to);
}


/*
 * Vetting sockets.  These run inside libcurl: no ereport, no palloc.
 */

/*
 * rest_opensocket_callback
 *		Open a socket for libcurl, unless rest_fdw.allowed_hosts forbids
 *		the address it is for.
 *
 * libcurl calls this for every address it tries, for the request's URL and
 * for every redirect, before it connects.  A refused address makes libcurl
 * try the next one, and fail with CURLE_COULDNT_CONNECT if none is left;
 * host_refused tells RestCheckTransfer why.
 */
static curl_socket_t
rest_opensocket_callback(void *clientp, curlsocktype purpose,
						 struct curl_sockaddr *address)
{
	RestTransfer *xfer = (RestTransfer *) clientp;
	const RestHostList *list = rest_allowed_hosts;
	int			socktype = address->socktype;

	if (list != NULL && list->nentries > 0 &&
		!rest_connection_allowed(xfer, list, &address->addr))
	{
		xfer->host_refused = true;
		return CURL_SOCKET_BAD;
	}
	xfer->host_accepted = true;

#ifdef SOCK_CLOEXEC
	/* programs the backend starts (COPY ... PROGRAM) must not inherit it */
	socktype |= SOCK_CLOEXEC;
#endif
	return socket(address->family, socktype, address->protocol);
}

/*
 * rest_connection_allowed
 *		May a connection be opened to this address?  Remembers the host
 *		and address for the error message.
 *
 * The host name is the one the address was resolved from: the host of the
 * URL being fetched (after redirects), or the target of a CONNECT_TO entry
 * that applies to it.  If it cannot be told, only address entries match.
 */
static bool
rest_connection_allowed(RestTransfer *xfer, const RestHostList *list,
						const struct sockaddr *sa)
{
	char	   *url = NULL;
	RestOrigin	origin;
	char		name[REST_HOST_NAME_MAX + 1];
	unsigned char addr[16];
	int			family;
	int			port;

	name[0] = '\0';
	if (curl_easy_getinfo(xfer->easy, CURLINFO_EFFECTIVE_URL,
						  &url) == CURLE_OK && url != NULL &&
		RestUrlOrigin(url, NULL, &origin))
	{
		const char *host = origin.host;

		if (xfer->connect_to_entry.valid &&
			rest_connect_to_applies(&xfer->connect_to_entry, &origin) &&
			xfer->connect_to_entry.to_host[0] != '\0')
			host = xfer->connect_to_entry.to_host;
		rest_normalize_host(host, name, sizeof(name));
	}

	if (!rest_sockaddr_parts(sa, &family, addr, &port))
		return false;

	strlcpy(xfer->refused_host, name, sizeof(xfer->refused_host));
	if (inet_ntop(family, addr, xfer->refused_addr,
				  sizeof(xfer->refused_addr)) == NULL)
		xfer->refused_addr[0] = '\0';
	if (xfer->refused_host[0] == '\0')
		strlcpy(xfer->refused_host, xfer->refused_addr,
				sizeof(xfer->refused_host));

	return rest_host_allowed(list, name, family, addr, port);
}

/*
 * rest_host_allowed
 *		Does an entry of the list match this host name, address and port?
 */
static bool
rest_host_allowed(const RestHostList *list, const char *name, int family,
				  const unsigned char *addr, int port)
{
	size_t		namelen = strlen(name);
	int			i;

	for (i = 0; i < list->nentries; i++)
	{
		const RestHostEntry *e = &list->entries[i];

		if (e->port != 0 && e->port != port)
			continue;
		switch (e->kind)
		{
			case REST_HOST_ADDRESS:
				if (e->family == family &&
					rest_prefix_match(e->addr, addr, e->bits))
					return true;
				break;
			case REST_HOST_NAME:
				if (namelen > 0 && strcmp(e->name, name) == 0)
					return true;
				break;
			case REST_HOST_DOMAIN:
				{
					size_t		len = strlen(e->name);	/* ".domain" */

					if (namelen > len &&
						strcmp(name + namelen - len, e->name) == 0)
						return true;
				}
				break;
		}
	}
	return false;
}

/*
 * rest_sockaddr_parts
 *		Family, address bytes and port of a socket address; an IPv4-mapped
 *		IPv6 address counts as IPv4.
 */
static bool
rest_sockaddr_parts(const struct sockaddr *sa, int *family,
					unsigned char *addr, int *port)
{
	if (sa->sa_family == AF_INET)
	{
		const struct sockaddr_in *sin = (const struct sockaddr_in *) sa;

		*family = AF_INET;
		memcpy(addr, &sin->sin_addr, 4);
		*port = ntohs(sin->sin_port);
		return true;
	}
	if (sa->sa_family == AF_INET6)
	{
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) sa;

		*port = ntohs(sin6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
		{
			*family = AF_INET;
			memcpy(addr, sin6->sin6_addr.s6_addr + 12, 4);
		}
		else
		{
			*family = AF_INET6;
			memcpy(addr, sin6->sin6_addr.s6_addr, 16);
		}
		return true;
	}
	return false;				/* Unix sockets and others: never allowed */
}

/*
 * rest_prefix_match
 *		Do two addresses agree on their first bits bits?
 */
static bool
rest_prefix_match(const unsigned char *a, const unsigned char *b, int bits)
{
	int			whole = bits / 8;
	int			rest = bits % 8;
	unsigned char mask;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (unsigned char) (0xFF << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

/*
 * Vetting redirects, from the header callback: no ereport, no palloc.
 */

/*
 * RestCheckRedirect
 *		At the end of a header block, refuse a redirect that the server
 *		option follow_redirects does not allow, or that would carry the
 *		user mapping's headers to another origin.
 *
 * Returns false to make libcurl abort the transfer.  Redirects to schemes
 * other than http and https are left to libcurl, which refuses them.
 */
bool
RestCheckRedirect(RestTransfer *xfer)
{
	char	   *current = NULL;
	RestOrigin	target;
	int			status = xfer->block_status;

	/* the statuses libcurl follows */
	if (!(status == 301 || status == 302 || status == 303 ||
		  status == 307 || status == 308) ||
		!xfer->captured[REST_HEADER_LOCATION].present)
		return true;

	if (xfer->redirects == REST_REDIRECTS_NONE)
	{
		xfer->redirect_refused = REST_REFUSED_ANY;
		return false;
	}
	if (rest_other_scheme(xfer->captured[REST_HEADER_LOCATION].value))
		return true;

	/* resolve Location against the URL this block answers */
	if (curl_easy_getinfo(xfer->easy, CURLINFO_EFFECTIVE_URL,
						  &current) != CURLE_OK || current == NULL ||
		xfer->captured[REST_HEADER_LOCATION].truncated ||
		!RestUrlOrigin(current, xfer->captured[REST_HEADER_LOCATION].value, &target))
	{
		xfer->redirect_refused = REST_REFUSED_OTHER_ORIGIN;
		return false;
	}

	if (!RestOriginsEqual(&target, &xfer->origin))
	{
		if (xfer->secret_headers)
			xfer->redirect_refused = REST_REFUSED_HEADERS;
		else if (xfer->redirects != REST_REDIRECTS_ANY)
			xfer->redirect_refused = REST_REFUSED_OTHER_ORIGIN;
		if (xfer->redirect_refused != REST_REFUSED_NOTHING)
			return false;
	}

	/* what rest_fdw.allowed_hosts says about the next hop is news */
	xfer->host_refused = false;
	xfer->host_accepted = false;
	return true;
}

/*
 * rest_other_scheme
 *		Does a URL reference name a scheme other than http and https?
 */
static bool
rest_other_scheme(const char *ref)
{
	size_t		len = strspn(ref, "abcdefghijklmnopqrstuvwxyz"
							 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

	if (len == 0 || ref[len] != ':' || !isalpha((unsigned char) ref[0]))
		return false;			/* relative: keeps the current scheme */
	return !((len == 4 && pg_strncasecmp(ref, "http", 4) == 0) ||
			 (len == 5 && pg_strncasecmp(ref, "https", 5) == 0));
}

/*
 * CONNECT_TO entries and host names.
 */

/*
 * rest_parse_connect_to
 *		Split a CONNECT_TO entry, HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT,
 *		where hosts may be IPv6 addresses in brackets.  ct->valid is false
 *		if it does not parse; then no host name entry can match.
 */
static void
rest_parse_connect_to(const char *entry, RestConnectTo *ct)
{
	char		fields[3][REST_HOST_NAME_MAX + 1];
	const char *p = entry;
	int			i;

	memset(ct, 0, sizeof(RestConnectTo));
	for (i = 0; i < 3; i++)
	{
		const char *start = p;
		size_t		len;

		if (*p == '[')
		{
			p = strchr(p, ']');
			if (p == NULL)
				return;
			p++;
		}
		while (*p != '\0' && *p != ':')
			p++;
		if (*p != ':')
			return;
		len = p - start;
		if (len > REST_HOST_NAME_MAX)
			return;
		memcpy(fields[i], start, len);
		fields[i][len] = '\0';
		p++;
	}
	if (strlen(fields[1]) >= sizeof(ct->port))
		return;

	rest_normalize_host(fields[0], ct->host, sizeof(ct->host));
	strlcpy(ct->port, fields[1], sizeof(ct->port));
	rest_normalize_host(fields[2], ct->to_host, sizeof(ct->to_host));
	ct->valid = true;
}

/*
 * rest_connect_to_applies
 *		Does a CONNECT_TO entry send connections for this origin elsewhere?
 */
static bool
rest_connect_to_applies(const RestConnectTo *ct, const RestOrigin *origin)
{
	char		host[REST_HOST_NAME_MAX + 1];

	rest_normalize_host(origin->host, host, sizeof(host));
	return (ct->host[0] == '\0' || strcmp(ct->host, host) == 0) &&
		(ct->port[0] == '\0' || strcmp(ct->port, origin->port) == 0);
}

/*
 * rest_normalize_host
 *		Host name in lower case, without IPv6 brackets or a final dot.
 *		An empty result if it does not fit.
 */
static void
rest_normalize_host(const char *host, char *buf, size_t size)
{
	size_t		len = strlen(host);
	size_t		i;

	if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
	{
		host++;
		len -= 2;
	}
	if (len > 0 && host[len - 1] == '.')
		len--;
	if (len >= size)
	{
		buf[0] = '\0';
		return;
	}
	for (i = 0; i < len; i++)
		buf[i] = pg_ascii_tolower((unsigned char) host[i]);
	buf[len] = '\0';
}
