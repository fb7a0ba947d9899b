/*-------------------------------------------------------------------------
 *
 * http.c
 *		  Connection management and HTTP requests for rest_fdw
 *
 * Each backend keeps one libcurl multi handle per user mapping, created
 * at first use and reused until the backend exits or the server or user
 * mapping changes.  libcurl keeps finished connections in the multi
 * handle's pool, so consecutive requests to a service share one TCP (and
 * TLS) connection through HTTP keep-alive.
 *
 * Design assumptions:
 *
 * - Nothing that can raise a PostgreSQL error, palloc, or longjmp runs
 *	 inside a libcurl callback.  The write and header callbacks fill
 *	 malloc'd and fixed-size buffers and record problems in flags, which
 *	 are turned into errors once libcurl has returned.
 *
 * - The backend waits for the service through PostgreSQL's WaitEventSet on
 *	 the sockets libcurl reports, together with its latch, so that query
 *	 cancel, statement_timeout and backend termination take effect while a
 *	 request is outstanding.  An error thrown during a request detaches the
 *	 transfer from the multi handle, which closes its half-used connection;
 *	 the next request then starts afresh on the same cache entry.
 *
 * - The state of one transfer (easy handle, response buffer, captured
 *	 headers) lives in a RestTransfer apart from the cache entry, and the
 *	 socket and timer bookkeeping belongs to the multi handle, so several
 *	 transfers run at once on one connection: a scan asks for the pages it
 *	 will read next (RestStartRequest) while it reads the current one, and
 *	 collects them in order (RestFinishRequest).  Each cache entry keeps a
 *	 small pool of transfers; one in use is owned by its caller until
 *	 released, or until the (sub)transaction that started it aborts, or
 *	 the transaction ends.
 *
 * - Every request option is set on the easy handle for each request;
 *	 nothing is inherited from the previous request.  Secrets from the user
 *	 mapping go into request headers or libcurl's credentials, never into
 *	 URLs, so URLs may appear in messages.  (TLS file options are set only
 *	 when given: they come from the server, whose every change replaces
 *	 the handle.)
 *
 * - A request that failed for a reason that may pass (no connection, a
 *	 connection dropped, HTTP 429, 502, 503, 504) is made again if its
 *	 method is idempotent: GET always, PUT, PATCH and DELETE when the
 *	 server option retry_methods declares them so, POST only with an
 *	 idempotency key header that stays the same across its retries.
 *	 Retries are bounded in number (max_retries) and in time
 *	 (retry_max_time); the wait between them follows Retry-After when the
 *	 service sends it, else doubles from REST_RETRY_BASE_MS, and is
 *	 interruptible like every other wait.
 *
 * - Redirects stay at the origin (scheme, host, port) of the request
 *	 unless the server option follow_redirects says otherwise; the header
 *	 callback refuses the others before libcurl follows them.
 *
 * - The GUC rest_fdw.allowed_hosts is enforced when a socket is opened,
 *	 on the address about to be connected and the host name it was
 *	 resolved from (the URL's host, or a CONNECT_TO target), for the first
 *	 request and every redirect alike.  Connections opened under another
 *	 value of the setting are not reused.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "access/xact.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "utils/catcache.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/wait_event.h"

#include "rest_fdw.h"

/* Longest header value captured; longer values are truncated. */
#define REST_CAPTURE_SIZE		8192

/* Most sockets one multi handle may ask us to watch at once. */
#define REST_MAX_SOCKETS		32

/* Most transfers under way at once on one connection. */
#define REST_MAX_TRANSFERS		(REST_MAX_PREFETCH + 4)

/* Longest single wait before libcurl is driven again, in milliseconds. */
#define REST_MAX_WAIT_MS		1000

/* Response buffers larger than this are released after each request. */
#define REST_KEEP_BUFFER_SIZE	(1024 * 1024)

/* Redirects followed per request. */
#define REST_MAX_REDIRECTS		5

/* Bounds of the DETAIL built from an error response. */
#define REST_ERROR_PARSE_MAX	(64 * 1024) /* bytes of body parsed as JSON */
#define REST_DETAIL_MAX			500 /* bytes of rendered detail */
#define REST_RAW_DETAIL_MAX		200 /* bytes of a body shown as is */

#define REST_USER_AGENT			"rest_fdw/1.0"

/* First wait between retries; each further wait doubles it. */
#define REST_RETRY_BASE_MS		100

/* Longest host name in rest_fdw.allowed_hosts or a CONNECT_TO entry. */
#define REST_HOST_NAME_MAX		255

/*
 * Value of one response header, captured by the header callback.
 */
typedef struct RestCapture
{
	bool		present;
	bool		truncated;		/* value was longer than the buffer */
	size_t		len;
	char		value[REST_CAPTURE_SIZE];
} RestCapture;

/* Scheme, host and port of a URL, compared to vet redirects. */
typedef struct RestOrigin
{
	char		scheme[16];
	char		host[512];
	char		port[8];
} RestOrigin;

/* Why the header callback refused a redirect. */
typedef enum RestRedirectRefusal
{
	REST_REFUSED_NOTHING = 0,
	REST_REFUSED_ANY,			/* follow_redirects is 'none' */
	REST_REFUSED_OTHER_ORIGIN,	/* follow_redirects is 'same-origin' */
	REST_REFUSED_HEADERS		/* the user mapping's headers would leave */
} RestRedirectRefusal;

/* The parts of a libcurl CONNECT_TO entry, HOST:PORT:TO-HOST:TO-PORT. */
typedef struct RestConnectTo
{
	bool		valid;			/* an entry was given and parsed */
	char		host[REST_HOST_NAME_MAX + 1];	/* "" = any host */
	char		port[8];		/* "" = any port */
	char		to_host[REST_HOST_NAME_MAX + 1];	/* "" = the URL's host */
} RestConnectTo;

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
 * One transfer: an easy handle and what it received.  Allocated in
 * CacheMemoryContext with its connection; the body buffer is malloc'd
 * because the write callback grows it.
 */
typedef struct RestTransfer
{
	CURL	   *easy;
	bool		in_use;			/* owned by a request or a scan */
	SubTransactionId subid;		/* subtransaction that started it */
	bool		active;			/* added to the multi handle */
	bool		done;			/* libcurl reported completion */
	CURLcode	result;			/* completion code, once done */

	/* request state, freed after each request */
	struct curl_slist *headers;
	struct curl_slist *connect_to;

	/*
	 * Redirects follow the server option follow_redirects.  libcurl
	 * withholds credentials and Authorization from other hosts on
	 * redirect, but not other headers, which from the user mapping may be
	 * secret: with such headers, a redirect always stays at the origin.
	 */
	RestRedirects redirects;	/* which redirects may be followed */
	bool		secret_headers; /* the user mapping sets headers */
	RestOrigin	origin;			/* origin of the request URL */
	int			block_status;	/* status of the header block being read */
	RestRedirectRefusal redirect_refused;	/* header callback refused one */

	/* rest_fdw.allowed_hosts, checked by the open-socket callback */
	RestConnectTo connect_to_entry; /* table's connect_to, parsed */
	bool		host_refused;	/* a connection was refused (this hop) */
	bool		host_accepted;	/* a connection was allowed (this hop) */
	char		refused_host[REST_HOST_NAME_MAX + 1];	/* its host name */
	char		refused_addr[INET6_ADDRSTRLEN]; /* its address */

	/* response body */
	char	   *body;			/* malloc'd, or NULL */
	size_t		body_len;
	size_t		body_cap;
	size_t		body_limit;		/* max_response_size of this request */
	bool		body_too_large; /* write callback refused data */
	bool		body_no_memory; /* write callback could not grow buffer */

	/* headers of the last response header block */
	RestCapture content_type;
	RestCapture link_next;		/* target of the first rel="next" link */
	RestCapture content_range;
	RestCapture total_count;
	RestCapture location;
	RestCapture retry_after;

	/* what stays the same across the attempts of one request */
	char		key_header[128];	/* "Name: key", or "" */
	instr_time	started;		/* when the first attempt started */

	char		errbuf[CURL_ERROR_SIZE];
} RestTransfer;

/* A socket libcurl asked us to watch, with CURL_POLL_IN/OUT flags. */
typedef struct RestSocket
{
	curl_socket_t fd;
	int			what;
} RestSocket;

/*
 * Connection cache entry, one per user mapping.  The hash key must come
 * first.
 */
struct RestConnection
{
	Oid			umid;			/* user mapping OID, hash key */
	CURLM	   *multi;			/* NULL until set up, or after teardown */
	RestTransfer *xfers[REST_MAX_TRANSFERS];	/* the pool, NULL if unused */
	bool		invalidated;	/* server or user mapping changed */
	uint32		server_hashvalue;	/* hash of the server's syscache entry */
	uint32		mapping_hashvalue;	/* hash of the mapping's syscache entry */

	/* sockets and timer requested by libcurl's callbacks */
	RestSocket	sockets[REST_MAX_SOCKETS];
	int			nsockets;
	uint32		hosts_generation;	/* of rest_fdw.allowed_hosts at setup */
	bool		sockets_changed;	/* wait set must be rebuilt */
	bool		sockets_overflow;	/* more sockets than we can track */
	long		timer_ms;		/* libcurl's timeout, -1 if none */
	instr_time	timer_start;	/* when that timeout was set */

	WaitEventSet *wes;			/* only during a request */
};

/* What error context callbacks print about a request. */
typedef struct RestRequestContext
{
	const char *method;
	const char *url;
	long		status;			/* HTTP status, or -1 if none yet */
	int			attempts;		/* attempts made or under way */
} RestRequestContext;

/* Where a request stands with its retries. */
typedef struct RestRetry
{
	bool		allowed;		/* the method may be retried at all */
	int			attempt;		/* the attempt just made, from 1 */
	instr_time	start;			/* when the first attempt started */
} RestRetry;

/* A bounded, sanitized text built from an error response. */
typedef struct RestDetail
{
	StringInfoData buf;
	size_t		max;			/* bytes allowed in buf */
	int			nitems;			/* items appended so far */
	bool		truncated;
} RestDetail;

/* Connection cache, created at first use. */
static HTAB *ConnectionHash = NULL;

/* Has curl_global_init been called? */
static bool curl_initialized = false;

/*
 * rest_fdw.allowed_hosts: the setting, its parsed form (owned by the GUC
 * machinery) and a counter bumped on every change.
 */
static char *rest_allowed_hosts_setting = NULL;
static const RestHostList *rest_allowed_hosts = NULL;
static uint32 rest_allowed_hosts_generation = 0;

/* Set a libcurl option; a failure to do so is an error. */
#define REST_SETOPT(easy, option, value) \
	do { \
		CURLcode	rc_ = curl_easy_setopt((easy), (option), (value)); \
		if (rc_ != CURLE_OK) \
			rest_setopt_failed(#option, rc_); \
	} while (0)

static void rest_init(void);
static void rest_inval_callback(Datum arg, int cacheid, uint32 hashvalue);
static void rest_exit_callback(int code, Datum arg);
static void rest_connect(RestConnection *conn, RestTable *table);
static void rest_disconnect(RestConnection *conn);
static void rest_prepare_connection(RestConnection *conn, RestTable *table);
static void rest_setopt_failed(const char *option, CURLcode rc);
static int	rest_socket_callback(CURL *easy, curl_socket_t fd, int what,
								 void *clientp, void *socketp);
static int	rest_timer_callback(CURLM *multi, long timeout_ms, void *clientp);
static size_t rest_write_callback(char *ptr, size_t size, size_t nmemb,
								  void *userdata);
static size_t rest_header_callback(char *buffer, size_t size, size_t nitems,
								   void *userdata);
static bool rest_check_redirect(RestTransfer *xfer);
static bool rest_other_scheme(const char *ref);
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
static void rest_normalize_host(const char *host, char *buf, size_t size);
static bool rest_connect_to_applies(const RestConnectTo *ct,
									const RestOrigin *origin);
static void rest_parse_connect_to(const char *entry, RestConnectTo *ct);
static bool rest_check_allowed_hosts(char **newval, void **extra,
									 GucSource source);
static void rest_assign_allowed_hosts(const char *newval, void *extra);
static bool rest_parse_host_entry(char *text, RestHostEntry *entry,
								  const char **why);
static bool rest_parse_int_range(const char *text, long min, long max,
								 int *result);
static void rest_mask_address(unsigned char *addr, int bits);
static bool rest_valid_host_name(const char *name);
static bool rest_url_origin(const char *base, const char *ref,
							RestOrigin *origin);
static void rest_capture_set(RestCapture *cap, const char *value, size_t len);
static bool rest_link_next(const char *value, size_t len,
						   const char **target, size_t *target_len);
static void rest_transfer_reset(RestTransfer *xfer);
static void rest_transfer_setup(RestTransfer *xfer, RestTable *table,
								RestRequest *req, const char *key_header);
static bool rest_attempt(RestConnection *conn, RestTransfer *xfer,
						 RestTable *table, RestResponse *resp,
						 RestRetry *retry, int64 *delay_ms);
static bool rest_any_in_use(RestConnection *conn);
static RestTransfer *rest_acquire_transfer(RestConnection *conn);
static void rest_release_transfer(RestConnection *conn, RestTransfer *xfer);
static void rest_xact_callback(XactEvent event, void *arg);
static void rest_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								  SubTransactionId parentSubid, void *arg);
static bool rest_method_retriable(RestTable *table, RestRequest *req);
static char *rest_idempotency_header(RestTable *table);
static int64 rest_retry_delay(RestTransfer *xfer, RestTable *table,
							  RestRetry *retry);
static bool rest_transient_failure(RestTransfer *xfer);
static bool rest_connect_timed_out(RestTransfer *xfer);
static int64 rest_parse_retry_after(const char *value);
static void rest_retry_sleep(int64 delay_ms);
static void rest_add_header(RestTransfer *xfer, const char *header);
static bool rest_header_listed(List *headers, const char *name);
static void rest_transfer_start(RestConnection *conn, RestTransfer *xfer);
static void rest_transfer_wait(RestConnection *conn, RestTransfer *xfer);
static void rest_socket_action(RestConnection *conn, curl_socket_t fd,
							   int flags);
static void rest_collect_done(RestConnection *conn);
static void rest_build_wait_set(RestConnection *conn);
static long rest_wait_timeout(RestConnection *conn);
static void rest_transfer_end(RestConnection *conn, RestTransfer *xfer);
static void rest_check_result(RestTransfer *xfer, RestTable *table);
static void rest_report_host_refused(RestTransfer *xfer);
static void rest_report_redirect_refused(RestTransfer *xfer);
static void rest_collect_response(RestTransfer *xfer, RestResponse *resp);
static char *rest_capture_dup(RestCapture *cap);
static void rest_request_error_callback(void *arg);
static char *rest_error_detail(RestResponse *resp, int *sqlstate);
static void rest_render_json_error(RestDetail *d, json_t *root,
								   int *sqlstate);
static void rest_render_value(RestDetail *d, const char *prefix,
							  json_t *value, int depth);
static char *rest_clean_text(const char *text, size_t max);
static void rest_detail_init(RestDetail *d, size_t max);
static void rest_detail_item(RestDetail *d, const char *prefix,
							 const char *text, size_t len);
static void rest_detail_append(RestDetail *d, const char *text, size_t len);
static int	rest_service_sqlstate(const char *code);
static const char *rest_url_strerror(CURLUcode rc);


/*
 * RestGetConnection
 *		Return the cached connection for the table's user mapping, setting
 *		it up if there is none or the old one was invalidated.
 */
RestConnection *
RestGetConnection(RestTable *table)
{
	RestConnection *conn;
	bool		found;

	if (ConnectionHash == NULL)
		rest_init();

	conn = hash_search(ConnectionHash, &table->umid, HASH_ENTER, &found);
	if (!found)
	{
		/* Everything after the key; set up below. */
		memset((char *) conn + sizeof(Oid), 0,
			   sizeof(RestConnection) - sizeof(Oid));
		conn->timer_ms = -1;
	}

	rest_prepare_connection(conn, table);

	return conn;
}

/*
 * rest_init
 *		One-time setup: libcurl, the connection cache and its callbacks.
 */
static void
rest_init(void)
{
	HASHCTL		ctl;

	if (!curl_initialized)
	{
		CURLcode	rc = curl_global_init(CURL_GLOBAL_ALL);

		if (rc != CURLE_OK)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("could not initialize libcurl"),
					 errdetail_internal("%s", curl_easy_strerror(rc))));
		curl_initialized = true;
	}

	if (CacheMemoryContext == NULL)
		CreateCacheMemoryContext();

	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(RestConnection);
	ctl.hcxt = CacheMemoryContext;
	ConnectionHash = hash_create("rest_fdw connections", 8, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	/*
	 * Drop connections whose server or user mapping changes, so new options
	 * (a new host, say) never meet an old keep-alive connection.
	 */
	CacheRegisterSyscacheCallback(FOREIGNSERVEROID, rest_inval_callback,
								  (Datum) 0);
	CacheRegisterSyscacheCallback(USERMAPPINGOID, rest_inval_callback,
								  (Datum) 0);

	on_proc_exit(rest_exit_callback, (Datum) 0);
	RegisterXactCallback(rest_xact_callback, NULL);
	RegisterSubXactCallback(rest_subxact_callback, NULL);
}

/*
 * rest_inval_callback
 *		Mark connections of a changed server or user mapping invalid.
 *
 * The handles are torn down at the next use, not here: this runs wherever
 * invalidation messages are processed.
 */
static void
rest_inval_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	HASH_SEQ_STATUS scan;
	RestConnection *conn;

	Assert(cacheid == FOREIGNSERVEROID || cacheid == USERMAPPINGOID);

	hash_seq_init(&scan, ConnectionHash);
	while ((conn = (RestConnection *) hash_seq_search(&scan)) != NULL)
	{
		if (conn->multi == NULL)
			continue;

		/* hashvalue == 0 means a cache reset: invalidate everything. */
		if (hashvalue == 0 ||
			(cacheid == FOREIGNSERVEROID &&
			 conn->server_hashvalue == hashvalue) ||
			(cacheid == USERMAPPINGOID &&
			 conn->mapping_hashvalue == hashvalue))
			conn->invalidated = true;
	}
}

/*
 * rest_exit_callback
 *		Close all cached connections when the backend exits.
 */
static void
rest_exit_callback(int code, Datum arg)
{
	HASH_SEQ_STATUS scan;
	RestConnection *conn;

	if (ConnectionHash == NULL)
		return;

	hash_seq_init(&scan, ConnectionHash);
	while ((conn = (RestConnection *) hash_seq_search(&scan)) != NULL)
		rest_disconnect(conn);
}

/*
 * rest_prepare_connection
 *		Make sure the connection has live handles, replacing invalidated ones.
 *
 * Connections opened while rest_fdw.allowed_hosts had another value are
 * closed too: the setting is checked only when a connection is opened.
 */
static void
rest_prepare_connection(RestConnection *conn, RestTable *table)
{
	if ((conn->invalidated ||
		 conn->hosts_generation != rest_allowed_hosts_generation) &&
		conn->multi != NULL && !rest_any_in_use(conn))
	{
		elog(DEBUG3, "rest_fdw: closing connection for user mapping %u after invalidation",
			 conn->umid);
		rest_disconnect(conn);
	}

	if (conn->multi == NULL)
		rest_connect(conn, table);
}

/*
 * rest_connect
 *		Create the multi handle and the transfer of a cache entry.
 */
static void
rest_connect(RestConnection *conn, RestTable *table)
{
	CURLM	   *multi;
	CURLMcode	mc;

	Assert(conn->multi == NULL);

	/* Publish the multi handle only once it is completely set up. */
	multi = curl_multi_init();
	if (multi == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Could not create a libcurl multi handle.")));
	if ((mc = curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION,
								rest_socket_callback)) != CURLM_OK ||
		(mc = curl_multi_setopt(multi, CURLMOPT_SOCKETDATA,
								conn)) != CURLM_OK ||
		(mc = curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION,
								rest_timer_callback)) != CURLM_OK ||
		(mc = curl_multi_setopt(multi, CURLMOPT_TIMERDATA,
								conn)) != CURLM_OK)
	{
		curl_multi_cleanup(multi);
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not set up libcurl multi handle"),
				 errdetail_internal("%s", curl_multi_strerror(mc))));
	}

	conn->multi = multi;
	conn->nsockets = 0;
	conn->sockets_changed = true;
	conn->sockets_overflow = false;
	conn->timer_ms = -1;
	conn->invalidated = false;
	conn->hosts_generation = rest_allowed_hosts_generation;
	conn->server_hashvalue =
		GetSysCacheHashValue1(FOREIGNSERVEROID,
							  ObjectIdGetDatum(table->serverid));
	conn->mapping_hashvalue =
		GetSysCacheHashValue1(USERMAPPINGOID,
							  ObjectIdGetDatum(table->umid));

	elog(DEBUG3, "rest_fdw: new connection for user mapping %u", conn->umid);
}

/*
 * rest_disconnect
 *		Release the libcurl handles of a cache entry, closing its
 *		connections.  Never throws.
 */
static void
rest_disconnect(RestConnection *conn)
{
	int			i;

	for (i = 0; i < REST_MAX_TRANSFERS; i++)
	{
		RestTransfer *xfer = conn->xfers[i];

		if (xfer == NULL)
			continue;
		if (xfer->active && conn->multi != NULL)
			curl_multi_remove_handle(conn->multi, xfer->easy);
		xfer->active = false;
		xfer->in_use = false;
		if (xfer->easy != NULL)
			curl_easy_cleanup(xfer->easy);
		xfer->easy = NULL;
		curl_slist_free_all(xfer->headers);
		xfer->headers = NULL;
		curl_slist_free_all(xfer->connect_to);
		xfer->connect_to = NULL;
		free(xfer->body);
		xfer->body = NULL;
		xfer->body_len = xfer->body_cap = 0;
	}

	if (conn->multi != NULL)
		curl_multi_cleanup(conn->multi);
	conn->multi = NULL;
	conn->nsockets = 0;
	conn->timer_ms = -1;
	conn->invalidated = false;
}

/*
 * rest_any_in_use
 *		Does a request or a scan own a transfer of this connection?
 */
static bool
rest_any_in_use(RestConnection *conn)
{
	int			i;

	for (i = 0; i < REST_MAX_TRANSFERS; i++)
		if (conn->xfers[i] != NULL && conn->xfers[i]->in_use)
			return true;
	return false;
}

/*
 * rest_acquire_transfer
 *		Take a free transfer of the connection's pool, creating it (and its
 *		easy handle) if needed.
 */
static RestTransfer *
rest_acquire_transfer(RestConnection *conn)
{
	int			i;

	for (i = 0; i < REST_MAX_TRANSFERS; i++)
	{
		RestTransfer *xfer = conn->xfers[i];

		if (xfer != NULL && xfer->in_use)
			continue;
		if (xfer == NULL)
			xfer = conn->xfers[i] =
				MemoryContextAllocZero(CacheMemoryContext, sizeof(RestTransfer));
		if (xfer->easy == NULL)
		{
			xfer->easy = curl_easy_init();
			if (xfer->easy == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_OUT_OF_MEMORY),
						 errmsg("out of memory"),
						 errdetail("Could not create a libcurl handle.")));
		}
		xfer->in_use = true;
		return xfer;
	}
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("too many requests to service in progress"),
			 errdetail("At most %d requests per user mapping may be under way at once.",
					   REST_MAX_TRANSFERS)));
	return NULL;				/* keep compiler quiet */
}

/*
 * rest_release_transfer
 *		Give a transfer back to the pool, stopping it if it still runs.
 *		Never throws.
 */
static void
rest_release_transfer(RestConnection *conn, RestTransfer *xfer)
{
	rest_transfer_end(conn, xfer);
	xfer->in_use = false;
}

/*
 * rest_xact_callback
 *		At the end of a transaction, stop and release the transfers still
 *		owned: the scans that asked for them are gone.
 */
static void
rest_xact_callback(XactEvent event, void *arg)
{
	HASH_SEQ_STATUS scan;
	RestConnection *conn;
	int			i;

	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT &&
		event != XACT_EVENT_PARALLEL_ABORT)
		return;
	if (ConnectionHash == NULL)
		return;

	hash_seq_init(&scan, ConnectionHash);
	while ((conn = (RestConnection *) hash_seq_search(&scan)) != NULL)
	{
		if (conn->multi == NULL)
			continue;
		for (i = 0; i < REST_MAX_TRANSFERS; i++)
			if (conn->xfers[i] != NULL && conn->xfers[i]->in_use)
				rest_release_transfer(conn, conn->xfers[i]);
	}
}

/*
 * rest_subxact_callback
 *		When a subtransaction aborts, release the transfers it started: the
 *		scans that owned them are gone.  Those of a committed one now belong
 *		to its parent (a cursor's scan may still read them).
 */
static void
rest_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					  SubTransactionId parentSubid, void *arg)
{
	HASH_SEQ_STATUS scan;
	RestConnection *conn;
	int			i;

	if ((event != SUBXACT_EVENT_ABORT_SUB &&
		 event != SUBXACT_EVENT_COMMIT_SUB) || ConnectionHash == NULL)
		return;

	hash_seq_init(&scan, ConnectionHash);
	while ((conn = (RestConnection *) hash_seq_search(&scan)) != NULL)
	{
		for (i = 0; i < REST_MAX_TRANSFERS; i++)
		{
			RestTransfer *xfer = conn->xfers[i];

			if (xfer == NULL || !xfer->in_use || xfer->subid != mySubid)
				continue;
			if (event == SUBXACT_EVENT_ABORT_SUB)
				rest_release_transfer(conn, xfer);
			else
				xfer->subid = parentSubid;
		}
	}
}

/*
 * rest_setopt_failed
 *		Report that libcurl refused an option (REST_SETOPT).
 */
static void
rest_setopt_failed(const char *option, CURLcode rc)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("could not set libcurl option %s", option),
			 errdetail_internal("%s", curl_easy_strerror(rc))));
}


/*
 * rest_fdw.allowed_hosts and CONNECT_TO entries.
 */

extern PGDLLEXPORT void _PG_init(void);

/*
 * _PG_init
 *		Library load: define the settings.
 */
void
_PG_init(void)
{
	RestDefineGucs();
	MarkGUCPrefixReserved("rest_fdw");
}

/*
 * RestDefineGucs
 *		Define the settings of rest_fdw that http.c enforces.  The caller
 *		reserves the prefix "rest_fdw" once every setting is defined.
 */
void
RestDefineGucs(void)
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
 * libcurl callbacks.  These run inside libcurl: no ereport, no palloc.
 */

/*
 * rest_socket_callback
 *		Record which sockets libcurl wants watched, and for what.
 */
static int
rest_socket_callback(CURL *easy, curl_socket_t fd, int what,
					 void *clientp, void *socketp)
{
	RestConnection *conn = (RestConnection *) clientp;
	int			i;

	for (i = 0; i < conn->nsockets; i++)
		if (conn->sockets[i].fd == fd)
			break;

	if (what == CURL_POLL_REMOVE)
	{
		if (i < conn->nsockets)
			conn->sockets[i] = conn->sockets[--conn->nsockets];
	}
	else if (i < conn->nsockets)
		conn->sockets[i].what = what;
	else if (conn->nsockets < REST_MAX_SOCKETS)
	{
		conn->sockets[conn->nsockets].fd = fd;
		conn->sockets[conn->nsockets].what = what;
		conn->nsockets++;
	}
	else
		conn->sockets_overflow = true;

	conn->sockets_changed = true;
	return 0;
}

/*
 * rest_timer_callback
 *		Record when libcurl wants to be called back without socket activity.
 */
static int
rest_timer_callback(CURLM *multi, long timeout_ms, void *clientp)
{
	RestConnection *conn = (RestConnection *) clientp;

	conn->timer_ms = timeout_ms;
	INSTR_TIME_SET_CURRENT(conn->timer_start);
	return 0;
}

/*
 * rest_write_callback
 *		Append received body data to the transfer's buffer.
 *
 * Returning less than was given makes libcurl abort with
 * CURLE_WRITE_ERROR; the flags tell why.
 */
static size_t
rest_write_callback(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	RestTransfer *xfer = (RestTransfer *) userdata;
	size_t		len = size * nmemb;
	size_t		need;

	if (len > xfer->body_limit - xfer->body_len)
	{
		xfer->body_too_large = true;
		return 0;
	}

	/* Room for the data and a terminating NUL. */
	need = xfer->body_len + len + 1;
	if (need > xfer->body_cap)
	{
		size_t		newcap = Max(xfer->body_cap, 16384);
		char	   *newbody;

		while (newcap < need)
			newcap *= 2;
		/* no use growing beyond the limit */
		newcap = Max(need, Min(newcap, xfer->body_limit + 1));

		newbody = realloc(xfer->body, newcap);
		if (newbody == NULL)
		{
			xfer->body_no_memory = true;
			return 0;
		}
		xfer->body = newbody;
		xfer->body_cap = newcap;
	}

	memcpy(xfer->body + xfer->body_len, ptr, len);
	xfer->body_len += len;
	return len;
}

/*
 * rest_header_callback
 *		Capture the response headers the wrapper needs.
 *
 * libcurl passes one complete header line at a time, status line and
 * final empty line included, without NUL termination.  Redirects and
 * interim responses produce several header blocks; each status line starts
 * a new block and forgets what the previous one captured.
 */
static size_t
rest_header_callback(char *buffer, size_t size, size_t nitems, void *userdata)
{
	RestTransfer *xfer = (RestTransfer *) userdata;
	size_t		len = size * nitems;
	const char *colon;
	const char *name = buffer;
	size_t		namelen;
	const char *value;
	const char *end = buffer + len;

	if (len >= 5 && strncmp(buffer, "HTTP/", 5) == 0)
	{
		const char *p = memchr(buffer, ' ', len);

		/* "HTTP/1.1 302 Found": remember the status of this block */
		xfer->block_status = 0;
		if (p != NULL)
		{
			for (p++; p < end && *p >= '0' && *p <= '9' &&
				 xfer->block_status < 1000; p++)
				xfer->block_status = xfer->block_status * 10 + (*p - '0');
		}
		xfer->content_type.present = false;
		xfer->link_next.present = false;
		xfer->content_range.present = false;
		xfer->total_count.present = false;
		xfer->location.present = false;
		xfer->retry_after.present = false;
		return len;
	}

	colon = memchr(buffer, ':', len);
	if (colon == NULL)
	{
		/* empty line ending a block, or junk */
		if (len > 0 && (buffer[0] == '\r' || buffer[0] == '\n'))
		{
			if (!rest_check_redirect(xfer))
				return 0;
		}
		return len;
	}

	namelen = colon - name;
	while (namelen > 0 &&
		   (name[namelen - 1] == ' ' || name[namelen - 1] == '\t'))
		namelen--;

	value = colon + 1;
	while (value < end && (*value == ' ' || *value == '\t'))
		value++;
	while (end > value && (end[-1] == '\r' || end[-1] == '\n' ||
						   end[-1] == ' ' || end[-1] == '\t'))
		end--;

#define HEADER_IS(h) \
	(namelen == strlen(h) && pg_strncasecmp(name, (h), namelen) == 0)

	if (HEADER_IS("Content-Type"))
		rest_capture_set(&xfer->content_type, value, end - value);
	else if (HEADER_IS("Content-Range"))
		rest_capture_set(&xfer->content_range, value, end - value);
	else if (HEADER_IS("X-Total-Count"))
		rest_capture_set(&xfer->total_count, value, end - value);
	else if (HEADER_IS("Location"))
		rest_capture_set(&xfer->location, value, end - value);
	else if (HEADER_IS("Retry-After"))
		rest_capture_set(&xfer->retry_after, value, end - value);
	else if (HEADER_IS("Link") && !xfer->link_next.present)
	{
		const char *target;
		size_t		target_len;

		if (rest_link_next(value, end - value, &target, &target_len))
			rest_capture_set(&xfer->link_next, target, target_len);
	}

#undef HEADER_IS

	return len;
}

/*
 * rest_check_redirect
 *		At the end of a header block, refuse a redirect that the server
 *		option follow_redirects does not allow, or that would carry the
 *		user mapping's headers to another origin.
 *
 * Returns false to make libcurl abort the transfer.  Redirects to schemes
 * other than http and https are left to libcurl, which refuses them.
 */
static bool
rest_check_redirect(RestTransfer *xfer)
{
	char	   *current = NULL;
	RestOrigin	target;
	int			status = xfer->block_status;

	/* the statuses libcurl follows */
	if (!(status == 301 || status == 302 || status == 303 ||
		  status == 307 || status == 308) ||
		!xfer->location.present)
		return true;

	if (xfer->redirects == REST_REDIRECTS_NONE)
	{
		xfer->redirect_refused = REST_REFUSED_ANY;
		return false;
	}
	if (rest_other_scheme(xfer->location.value))
		return true;

	/* resolve Location against the URL this block answers */
	if (curl_easy_getinfo(xfer->easy, CURLINFO_EFFECTIVE_URL,
						  &current) != CURLE_OK || current == NULL ||
		xfer->location.truncated ||
		!rest_url_origin(current, xfer->location.value, &target))
	{
		xfer->redirect_refused = REST_REFUSED_OTHER_ORIGIN;
		return false;
	}

	if (!(pg_strcasecmp(target.scheme, xfer->origin.scheme) == 0 &&
		  pg_strcasecmp(target.host, xfer->origin.host) == 0 &&
		  strcmp(target.port, xfer->origin.port) == 0))
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
 * rest_opensocket_callback
 *		Open a socket for libcurl, unless rest_fdw.allowed_hosts forbids
 *		the address it is for.
 *
 * libcurl calls this for every address it tries, for the request's URL and
 * for every redirect, before it connects.  A refused address makes libcurl
 * try the next one, and fail with CURLE_COULDNT_CONNECT if none is left;
 * host_refused tells rest_check_result why.
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
		rest_url_origin(url, NULL, &origin))
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
 * rest_url_origin
 *		Scheme, host and port of base, or of ref resolved against base.
 *
 * Returns false if the URL does not parse or a part does not fit.  Uses
 * malloc only: called from the header callback.
 */
static bool
rest_url_origin(const char *base, const char *ref, RestOrigin *origin)
{
	CURLU	   *url = curl_url();
	char	   *scheme = NULL;
	char	   *host = NULL;
	char	   *port = NULL;
	bool		ok = false;

	if (url == NULL)
		return false;

	if (curl_url_set(url, CURLUPART_URL, base, 0) == CURLUE_OK &&
		(ref == NULL ||
		 curl_url_set(url, CURLUPART_URL, ref, 0) == CURLUE_OK) &&
		curl_url_get(url, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		curl_url_get(url, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
		curl_url_get(url, CURLUPART_PORT, &port,
					 CURLU_DEFAULT_PORT) == CURLUE_OK &&
		strlen(scheme) < sizeof(origin->scheme) &&
		strlen(host) < sizeof(origin->host) &&
		strlen(port) < sizeof(origin->port))
	{
		strcpy(origin->scheme, scheme);
		strcpy(origin->host, host);
		strcpy(origin->port, port);
		ok = true;
	}

	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(url);
	return ok;
}

/*
 * RestSameOrigin
 *		Do two absolute URLs have the same scheme, host and port (default
 *		ports included)?  False if either does not parse.
 */
bool
RestSameOrigin(const char *url1, const char *url2)
{
	RestOrigin	o1;
	RestOrigin	o2;

	return rest_url_origin(url1, NULL, &o1) &&
		rest_url_origin(url2, NULL, &o2) &&
		pg_strcasecmp(o1.scheme, o2.scheme) == 0 &&
		pg_strcasecmp(o1.host, o2.host) == 0 &&
		strcmp(o1.port, o2.port) == 0;
}

/*
 * rest_capture_set
 *		Store a header value, truncating it to the buffer.
 */
static void
rest_capture_set(RestCapture *cap, const char *value, size_t len)
{
	cap->truncated = (len >= REST_CAPTURE_SIZE);
	if (cap->truncated)
		len = REST_CAPTURE_SIZE - 1;
	memcpy(cap->value, value, len);
	cap->value[len] = '\0';
	cap->len = len;
	cap->present = true;
}

/*
 * rest_link_next
 *		Find the target of the first link whose relation types include
 *		"next" in a Link header value (RFC 8288).
 *
 * A value holds comma-separated links, each "<target>" followed by
 * ";"-separated parameters; rel's value, quoted or not, is a
 * space-separated list of relation types compared case-insensitively.
 * Pure C on a span that is not NUL-terminated: called from the header
 * callback.
 */
static bool
rest_link_next(const char *value, size_t len,
			   const char **target, size_t *target_len)
{
	const char *p = value;
	const char *end = value + len;

	while (p < end)
	{
		const char *uri;
		const char *uri_end;
		bool		is_next = false;

		/* skip to the start of a link */
		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		if (p >= end)
			break;
		if (*p != '<')
			return false;		/* malformed: give up */
		uri = p + 1;
		uri_end = memchr(uri, '>', end - uri);
		if (uri_end == NULL)
			return false;
		p = uri_end + 1;

		/* parameters, up to the comma ending this link */
		for (;;)
		{
			const char *pname;
			size_t		pname_len;
			const char *pval = NULL;
			size_t		pval_len = 0;

			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p >= end || *p == ',')
				break;
			if (*p != ';')
				return false;
			p++;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;

			pname = p;
			while (p < end && *p != '=' && *p != ';' && *p != ',' &&
				   *p != ' ' && *p != '\t')
				p++;
			pname_len = p - pname;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;

			if (p < end && *p == '=')
			{
				p++;
				while (p < end && (*p == ' ' || *p == '\t'))
					p++;
				if (p < end && *p == '"')
				{
					/* quoted-string; relation types contain no escapes */
					pval = ++p;
					while (p < end && *p != '"')
					{
						if (*p == '\\' && p + 1 < end)
							p++;
						p++;
					}
					pval_len = p - pval;
					if (p < end)
						p++;	/* closing quote */
				}
				else
				{
					pval = p;
					while (p < end && *p != ';' && *p != ',' &&
						   *p != ' ' && *p != '\t')
						p++;
					pval_len = p - pval;
				}
			}

			if (pname_len == 3 && pg_strncasecmp(pname, "rel", 3) == 0 &&
				pval != NULL)
			{
				const char *r = pval;
				const char *rend = pval + pval_len;

				while (r < rend)
				{
					const char *tok;

					while (r < rend && (*r == ' ' || *r == '\t'))
						r++;
					tok = r;
					while (r < rend && *r != ' ' && *r != '\t')
						r++;
					if (r - tok == 4 && pg_strncasecmp(tok, "next", 4) == 0)
						is_next = true;
				}
			}
		}

		if (is_next)
		{
			*target = uri;
			*target_len = uri_end - uri;
			return true;
		}
	}

	return false;
}


/*
 * Requests.
 */

/*
 * RestPerform
 *		Send one request and wait for the complete response, retrying it
 *		if it failed for a reason that may pass and its method allows.
 *
 * Returns whatever HTTP status the service answered with last; the caller
 * decides what it means.  Failures to get a response at all are errors.
 * The response is allocated in the caller's memory context.
 */
void
RestPerform(RestConnection *conn, RestTable *table, RestRequest *req,
			RestResponse *resp, RestStats *stats)
{
	RestTransfer *xfer = RestStartRequest(conn, table, req);

	RestFinishRequest(conn, table, xfer, req, resp, stats);
}

/*
 * RestStartRequest
 *		Start a request and return at once; RestFinishRequest waits for its
 *		response, RestCancelRequest gives it up.
 *
 * Several requests may be under way on one connection: a scan asks for
 * the pages it will read next while it reads the current one.  req must
 * stay valid until the request is finished.
 */
RestTransfer *
RestStartRequest(RestConnection *conn, RestTable *table, RestRequest *req)
{
	RestTransfer *volatile xfer;

	rest_prepare_connection(conn, table);
	xfer = rest_acquire_transfer(conn);

	PG_TRY();
	{
		/* a POST is retried only with a key that is the same for every try */
		xfer->key_header[0] = '\0';
		if (strcmp(req->method, "POST") == 0 &&
			table->idempotency_key_header != NULL)
			strlcpy(xfer->key_header, rest_idempotency_header(table),
					sizeof(xfer->key_header));
		INSTR_TIME_SET_CURRENT(xfer->started);
		xfer->subid = GetCurrentSubTransactionId();
		rest_transfer_setup(xfer, table, req,
							xfer->key_header[0] ? xfer->key_header : NULL);
		rest_transfer_start(conn, xfer);
		/* let libcurl start connecting now */
		rest_socket_action(conn, CURL_SOCKET_TIMEOUT, 0);
	}
	PG_CATCH();
	{
		rest_release_transfer(conn, xfer);
		PG_RE_THROW();
	}
	PG_END_TRY();
	return xfer;
}

/*
 * RestCancelRequest
 *		Give up a request started by RestStartRequest.  Never throws.
 */
void
RestCancelRequest(RestConnection *conn, RestTransfer *xfer)
{
	rest_release_transfer(conn, xfer);
}

/*
 * RestFinishRequest
 *		Wait for the response of a request started by RestStartRequest,
 *		retrying it as RestPerform does, and release its transfer.
 */
void
RestFinishRequest(RestConnection *conn, RestTable *table, RestTransfer *xfer,
				  RestRequest *req, RestResponse *resp, RestStats *stats)
{
	RestRequestContext context;
	ErrorContextCallback errcallback;
	RestRetry	retry;
	instr_time	duration;

	memset(resp, 0, sizeof(RestResponse));

	context.method = req->method;
	context.url = req->url;
	context.status = -1;
	context.attempts = 1;
	errcallback.callback = rest_request_error_callback;
	errcallback.arg = &context;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	retry.allowed = rest_method_retriable(table, req);
	retry.start = xfer->started;

	PG_TRY();
	{
		for (retry.attempt = 1;; retry.attempt++)
		{
			int64		delay_ms;

			context.attempts = retry.attempt;
			if (stats != NULL)
				stats->requests++;
			if (retry.attempt > 1)
			{
				rest_transfer_setup(xfer, table, req,
									xfer->key_header[0] ? xfer->key_header : NULL);
				rest_transfer_start(conn, xfer);
			}
			if (rest_attempt(conn, xfer, table, resp, &retry, &delay_ms))
				break;

			elog(DEBUG1, "rest_fdw: retrying %s %s in " INT64_FORMAT " ms, after attempt %d",
				 req->method, req->url, delay_ms, retry.attempt);
			rest_retry_sleep(delay_ms);
		}
	}
	PG_CATCH();
	{
		rest_release_transfer(conn, xfer);
		PG_RE_THROW();
	}
	PG_END_TRY();
	rest_release_transfer(conn, xfer);
	resp->attempts = retry.attempt;

	INSTR_TIME_SET_CURRENT(duration);
	INSTR_TIME_SUBTRACT(duration, retry.start);
	resp->elapsed_ms = INSTR_TIME_GET_MILLISEC(duration);

	if (stats != NULL)
	{
		stats->bytes_received += resp->body_len;
		stats->wait_ms += resp->elapsed_ms;
	}

	elog(DEBUG2, "rest_fdw: %s %s: HTTP %ld, %zu bytes, %.3f ms, %d attempts",
		 req->method, req->url, resp->status, resp->body_len,
		 resp->elapsed_ms, resp->attempts);

	error_context_stack = errcallback.previous;
}

/*
 * rest_attempt
 *		Wait for one attempt at a request, already started.
 *
 * Returns true with the response filled in, or false, with the time to
 * wait in *delay_ms, if the attempt failed and should be made again.
 * Raises the error of a failure that is not retried.  The transfer is
 * ended either way, ready for the next attempt.
 */
static bool
rest_attempt(RestConnection *conn, RestTransfer *xfer, RestTable *table,
			 RestResponse *resp, RestRetry *retry, int64 *delay_ms)
{
	int64		delay;

	rest_transfer_wait(conn, xfer);
	delay = rest_retry_delay(xfer, table, retry);
	if (delay < 0)
	{
		rest_check_result(xfer, table);
		rest_collect_response(xfer, resp);
	}
	rest_transfer_end(conn, xfer);

	*delay_ms = delay;
	return delay < 0;
}

/*
 * rest_method_retriable
 *		May this request be made again if it fails?
 */
static bool
rest_method_retriable(RestTable *table, RestRequest *req)
{
	const char *method = req->method;

	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		return true;
	if (strcmp(method, "POST") == 0)
		return table->idempotency_key_header != NULL;
	if (strcmp(method, "PUT") == 0)
		return (table->retry_methods & REST_METHOD_PUT) != 0;
	if (strcmp(method, "PATCH") == 0)
		return (table->retry_methods & REST_METHOD_PATCH) != 0;
	if (strcmp(method, "DELETE") == 0)
		return (table->retry_methods & REST_METHOD_DELETE) != 0;
	return false;
}

/*
 * rest_idempotency_header
 *		"Name: key" with a fresh random key (a version 4 UUID).
 */
static char *
rest_idempotency_header(RestTable *table)
{
	uint8		b[16];

	if (!pg_strong_random(b, sizeof(b)))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate a random idempotency key")));
	b[6] = (b[6] & 0x0F) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3F) | 0x80;	/* RFC 4122 variant */

	return psprintf("%s: %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
					table->idempotency_key_header,
					b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
					b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/*
 * rest_retry_delay
 *		Milliseconds to wait before the next attempt, or -1 if the attempt
 *		just made is final: it succeeded, failed for good, or no retry is
 *		left in the count or time budget.
 *
 * A Retry-After header (on 429 and 503) is followed if the wait it asks
 * fits in what is left of retry_max_time; if it does not, the request
 * fails at once.  Otherwise the wait doubles from REST_RETRY_BASE_MS.
 */
static int64
rest_retry_delay(RestTransfer *xfer, RestTable *table, RestRetry *retry)
{
	long		status = 0;
	int64		delay;
	int64		elapsed;
	instr_time	now;

	if (!retry->allowed || retry->attempt > table->max_retries)
		return -1;

	if (xfer->result != CURLE_OK)
	{
		if (!rest_transient_failure(xfer))
			return -1;
	}
	else
	{
		curl_easy_getinfo(xfer->easy, CURLINFO_RESPONSE_CODE, &status);
		if (status != 429 && status != 502 && status != 503 && status != 504)
			return -1;
	}

	delay = (int64) REST_RETRY_BASE_MS << Min(retry->attempt - 1, 20);
	if ((status == 429 || status == 503) && xfer->retry_after.present &&
		!xfer->retry_after.truncated)
	{
		int64		asked = rest_parse_retry_after(xfer->retry_after.value);

		if (asked >= 0)
			delay = asked;
	}

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, retry->start);
	elapsed = (int64) INSTR_TIME_GET_MILLISEC(now);
	if (elapsed + delay > table->retry_max_time_ms)
		return -1;

	return delay;
}

/*
 * rest_transient_failure
 *		Did the transfer fail in a way that may not happen again: no
 *		connection, or a connection lost before a complete response?
 */
static bool
rest_transient_failure(RestTransfer *xfer)
{
	if ((xfer->host_refused && !xfer->host_accepted) ||
		xfer->redirect_refused != REST_REFUSED_NOTHING ||
		xfer->body_too_large || xfer->body_no_memory)
		return false;

	switch (xfer->result)
	{
		case CURLE_COULDNT_CONNECT:
		case CURLE_GOT_NOTHING:
		case CURLE_SEND_ERROR:
		case CURLE_RECV_ERROR:
			return true;
		case CURLE_OPERATION_TIMEDOUT:
			return rest_connect_timed_out(xfer);
		default:
			return false;
	}
}

/*
 * rest_connect_timed_out
 *		Did a timeout strike before the request could be sent?
 *
 * The request size counts the bytes of the request sent, on a new or a
 * reused connection; connect time stays zero for a reused one, and
 * libcurl 8.23 sets the pre-transfer time when a connect times out.
 */
static bool
rest_connect_timed_out(RestTransfer *xfer)
{
	long		request_size = 0;

	curl_easy_getinfo(xfer->easy, CURLINFO_REQUEST_SIZE, &request_size);
	return request_size == 0;
}

/*
 * rest_parse_retry_after
 *		Milliseconds a Retry-After value asks to wait: delay-seconds or an
 *		HTTP date (RFC 9110).  0 for a date in the past, -1 if invalid.
 */
static int64
rest_parse_retry_after(const char *value)
{
	const char *p;
	time_t		when;
	time_t		now;

	if (value[0] >= '0' && value[0] <= '9')
	{
		int64		seconds = 0;

		for (p = value; *p >= '0' && *p <= '9'; p++)
		{
			if (seconds < INT64CONST(1000000000))
				seconds = seconds * 10 + (*p - '0');
		}
		if (*p != '\0')
			return -1;
		return seconds * 1000;
	}

	when = curl_getdate(value, NULL);
	if (when == (time_t) -1)
		return -1;
	now = time(NULL);
	if (when <= now)
		return 0;
	return (int64) (when - now) * 1000;
}

/*
 * rest_retry_sleep
 *		Wait before a retry, on the latch, so that a cancel, a termination
 *		or the postmaster's death ends the wait at once.
 */
static void
rest_retry_sleep(int64 delay_ms)
{
	instr_time	start;
	instr_time	now;

	INSTR_TIME_SET_CURRENT(start);
	for (;;)
	{
		int64		remaining;

		CHECK_FOR_INTERRUPTS();

		INSTR_TIME_SET_CURRENT(now);
		INSTR_TIME_SUBTRACT(now, start);
		remaining = delay_ms - (int64) INSTR_TIME_GET_MILLISEC(now);
		if (remaining <= 0)
			break;

		(void) WaitLatch(MyLatch,
						 WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 (long) Min(remaining, REST_MAX_WAIT_MS),
						 PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}

/*
 * rest_transfer_reset
 *		Forget the previous response: body, captured headers, flags.
 */
static void
rest_transfer_reset(RestTransfer *xfer)
{
	xfer->done = false;
	xfer->result = CURLE_OK;
	xfer->body_len = 0;
	xfer->body_too_large = false;
	xfer->body_no_memory = false;
	xfer->block_status = 0;
	xfer->redirect_refused = REST_REFUSED_NOTHING;
	xfer->host_refused = false;
	xfer->host_accepted = false;
	xfer->refused_host[0] = '\0';
	xfer->refused_addr[0] = '\0';
	xfer->content_type.present = false;
	xfer->link_next.present = false;
	xfer->content_range.present = false;
	xfer->total_count.present = false;
	xfer->location.present = false;
	xfer->retry_after.present = false;
	xfer->errbuf[0] = '\0';
}

/*
 * rest_transfer_setup
 *		Set every option of the easy handle for this request.
 */
static void
rest_transfer_setup(RestTransfer *xfer, RestTable *table, RestRequest *req,
					const char *key_header)
{
	CURL	   *easy = xfer->easy;
	bool		has_body = (req->body != NULL);
	ListCell   *lc;

	rest_transfer_reset(xfer);

	/* Keep the body in palloc's reach: at most MaxAllocSize - 1 bytes. */
	if (table->max_response_size > 0 &&
		table->max_response_size < (int64) MaxAllocSize - 1)
		xfer->body_limit = (size_t) table->max_response_size;
	else
		xfer->body_limit = MaxAllocSize - 1;

	/* callbacks */
	REST_SETOPT(easy, CURLOPT_PRIVATE, xfer);
	REST_SETOPT(easy, CURLOPT_WRITEFUNCTION, rest_write_callback);
	REST_SETOPT(easy, CURLOPT_WRITEDATA, xfer);
	REST_SETOPT(easy, CURLOPT_HEADERFUNCTION, rest_header_callback);
	REST_SETOPT(easy, CURLOPT_HEADERDATA, xfer);
	REST_SETOPT(easy, CURLOPT_ERRORBUFFER, xfer->errbuf);
	REST_SETOPT(easy, CURLOPT_HEADER, 0L);
	REST_SETOPT(easy, CURLOPT_NOSIGNAL, 1L);
	REST_SETOPT(easy, CURLOPT_NOPROGRESS, 1L);
	REST_SETOPT(easy, CURLOPT_OPENSOCKETFUNCTION, rest_opensocket_callback);
	REST_SETOPT(easy, CURLOPT_OPENSOCKETDATA, xfer);

	/* target and method */
	REST_SETOPT(easy, CURLOPT_URL, req->url);

	/* CURLOPT_POSTFIELDS implies POST, so it comes before the method. */
	REST_SETOPT(easy, CURLOPT_POSTFIELDSIZE_LARGE,
				(curl_off_t) (has_body ? req->body_len : 0));
	REST_SETOPT(easy, CURLOPT_POSTFIELDS, has_body ? req->body : "");
	if (has_body || strcmp(req->method, "POST") == 0 ||
		strcmp(req->method, "PUT") == 0 || strcmp(req->method, "PATCH") == 0)
		REST_SETOPT(easy, CURLOPT_POST, 1L);
	else
		REST_SETOPT(easy, CURLOPT_HTTPGET, 1L);
	REST_SETOPT(easy, CURLOPT_CUSTOMREQUEST,
				(strcmp(req->method, "GET") == 0 ||
				 strcmp(req->method, "POST") == 0) ? NULL : req->method);

	/* which redirects are followed; the user mapping's headers never leave */
	xfer->redirects = table->follow_redirects;
	xfer->secret_headers = (table->headers != NIL);
	if (!rest_url_origin(req->url, NULL, &xfer->origin))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("invalid URL"),
				 errdetail("The URL of the request could not be parsed.")));

	/* request headers */
	if (!rest_header_listed(table->headers, "Accept") &&
		!rest_header_listed(req->extra_headers, "Accept"))
		rest_add_header(xfer, "Accept: application/json");
	if (has_body)
	{
		if (!rest_header_listed(table->headers, "Content-Type") &&
			!rest_header_listed(req->extra_headers, "Content-Type"))
			rest_add_header(xfer, "Content-Type: application/json");
		/* no "Expect: 100-continue" round trip for large bodies */
		rest_add_header(xfer, "Expect:");
	}
	else if (strcmp(req->method, "GET") != 0 &&
			 strcmp(req->method, "DELETE") != 0)
	{
		/* libcurl would label an empty POST body as a form */
		rest_add_header(xfer, "Content-Type:");
	}
	foreach(lc, table->headers)
		rest_add_header(xfer, (const char *) lfirst(lc));
	foreach(lc, req->extra_headers)
		rest_add_header(xfer, (const char *) lfirst(lc));
	if (key_header != NULL)
		rest_add_header(xfer, key_header);
	if (table->bearer_token != NULL)
	{
		char	   *auth = psprintf("Authorization: Bearer %s",
									table->bearer_token);

		rest_add_header(xfer, auth);
		/* don't leave the token behind in freed memory */
		explicit_bzero(auth, strlen(auth));
		pfree(auth);
	}
	REST_SETOPT(easy, CURLOPT_HTTPHEADER, xfer->headers);

	/* credentials: libcurl sends them to the original host only */
	if (table->username != NULL)
	{
		REST_SETOPT(easy, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
		REST_SETOPT(easy, CURLOPT_USERNAME, table->username);
		REST_SETOPT(easy, CURLOPT_PASSWORD,
					table->password ? table->password : "");
	}
	else
	{
		REST_SETOPT(easy, CURLOPT_USERNAME, NULL);
		REST_SETOPT(easy, CURLOPT_PASSWORD, NULL);
	}
	REST_SETOPT(easy, CURLOPT_UNRESTRICTED_AUTH, 0L);

	/* protocols and redirects */
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

	/* transport */
	REST_SETOPT(easy, CURLOPT_SSL_VERIFYPEER, table->ssl_verify ? 1L : 0L);
	REST_SETOPT(easy, CURLOPT_SSL_VERIFYHOST, table->ssl_verify ? 2L : 0L);
	if (table->ssl_ca_file != NULL)
		REST_SETOPT(easy, CURLOPT_CAINFO, table->ssl_ca_file);
	if (table->ssl_cert_file != NULL)
		REST_SETOPT(easy, CURLOPT_SSLCERT, table->ssl_cert_file);
	if (table->ssl_key_file != NULL)
		REST_SETOPT(easy, CURLOPT_SSLKEY, table->ssl_key_file);
	REST_SETOPT(easy, CURLOPT_CONNECTTIMEOUT_MS, table->connect_timeout_ms);
	REST_SETOPT(easy, CURLOPT_TIMEOUT_MS, table->timeout_ms);
	REST_SETOPT(easy, CURLOPT_ACCEPT_ENCODING, "");
	REST_SETOPT(easy, CURLOPT_MAXFILESIZE_LARGE,
				(curl_off_t) xfer->body_limit);
	REST_SETOPT(easy, CURLOPT_USERAGENT, REST_USER_AGENT);
#if LIBCURL_VERSION_NUM >= 0x075700
	/* a cancel must not wait for a DNS lookup thread to finish */
	REST_SETOPT(easy, CURLOPT_QUICK_EXIT, 1L);
#endif
	if (table->connect_to != NULL)
	{
		struct curl_slist *list = curl_slist_append(NULL, table->connect_to);

		if (list == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
		xfer->connect_to = list;
		rest_parse_connect_to(table->connect_to, &xfer->connect_to_entry);
	}
	else
		xfer->connect_to_entry.valid = false;
	REST_SETOPT(easy, CURLOPT_CONNECT_TO, xfer->connect_to);
}

/*
 * rest_add_header
 *		Append a "Name: value" line to the request's header list.
 */
static void
rest_add_header(RestTransfer *xfer, const char *header)
{
	struct curl_slist *list;

	/* a line break would let a header smuggle in more headers */
	if (strpbrk(header, "\r\n") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid HTTP request header"),
				 errdetail("Header lines must not contain line breaks.")));

	list = curl_slist_append(xfer->headers, header);
	if (list == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	xfer->headers = list;
}

/*
 * rest_header_listed
 *		Does a list of "Name: value" strings set the named header?
 */
static bool
rest_header_listed(List *headers, const char *name)
{
	size_t		namelen = strlen(name);
	ListCell   *lc;

	foreach(lc, headers)
	{
		const char *h = (const char *) lfirst(lc);

		if (pg_strncasecmp(h, name, namelen) == 0 &&
			(h[namelen] == ':' || h[namelen] == ';'))
			return true;
	}
	return false;
}

/*
 * rest_transfer_start
 *		Hand the transfer to the multi handle.
 */
static void
rest_transfer_start(RestConnection *conn, RestTransfer *xfer)
{
	CURLMcode	mc;

	mc = curl_multi_add_handle(conn->multi, xfer->easy);
	if (mc != CURLM_OK)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not start request to service"),
				 errdetail_internal("%s", curl_multi_strerror(mc))));
	xfer->active = true;
}

/*
 * rest_transfer_wait
 *		Drive the multi handle until the transfer completes.
 *
 * Sleeps on libcurl's sockets, the process latch and postmaster death,
 * never longer than libcurl's timer or REST_MAX_WAIT_MS, and checks for
 * interrupts after every wakeup.
 */
static void
rest_transfer_wait(RestConnection *conn, RestTransfer *xfer)
{
	WaitEvent	events[REST_MAX_SOCKETS + 2];

	/* Let libcurl start connecting. */
	conn->timer_ms = -1;
	rest_socket_action(conn, CURL_SOCKET_TIMEOUT, 0);

	for (;;)
	{
		int			nevents;
		int			i;

		rest_collect_done(conn);
		if (xfer->done)
			break;

		if (conn->wes == NULL || conn->sockets_changed)
			rest_build_wait_set(conn);

		nevents = WaitEventSetWait(conn->wes, rest_wait_timeout(conn),
								   events, lengthof(events),
								   PG_WAIT_EXTENSION);

		for (i = 0; i < nevents; i++)
		{
			WaitEvent  *event = &events[i];

			if (event->events & WL_LATCH_SET)
				ResetLatch(MyLatch);
			else if (event->events & (WL_SOCKET_READABLE | WL_SOCKET_WRITEABLE))
			{
				int			flags = 0;

				if (event->events & WL_SOCKET_READABLE)
					flags |= CURL_CSELECT_IN;
				if (event->events & WL_SOCKET_WRITEABLE)
					flags |= CURL_CSELECT_OUT;
				rest_socket_action(conn, event->fd, flags);
			}
		}

		CHECK_FOR_INTERRUPTS();

		/* libcurl's timer is one-shot: clear it before firing it. */
		if (conn->timer_ms >= 0 && rest_wait_timeout(conn) == 0)
		{
			conn->timer_ms = -1;
			rest_socket_action(conn, CURL_SOCKET_TIMEOUT, 0);
		}
	}
}

/*
 * rest_socket_action
 *		Tell libcurl about activity on a socket, or that its timer expired.
 */
static void
rest_socket_action(RestConnection *conn, curl_socket_t fd, int flags)
{
	CURLMcode	mc;
	int			running;

	mc = curl_multi_socket_action(conn->multi, fd, flags, &running);
	if (mc != CURLM_OK)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not process request to service"),
				 errdetail_internal("%s", curl_multi_strerror(mc))));

	if (conn->sockets_overflow)
	{
		/* The socket table is incomplete: start over at the next use. */
		conn->invalidated = true;
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many sockets open for requests to service"),
				 errdetail("At most %d sockets per user mapping are supported.",
						   REST_MAX_SOCKETS)));
	}
}

/*
 * rest_collect_done
 *		Mark the transfers libcurl reports as complete.
 */
static void
rest_collect_done(RestConnection *conn)
{
	CURLMsg    *msg;
	int			remaining;

	while ((msg = curl_multi_info_read(conn->multi, &remaining)) != NULL)
	{
		void	   *private = NULL;
		RestTransfer *xfer;

		if (msg->msg != CURLMSG_DONE)
			continue;
		if (curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
							  &private) != CURLE_OK || private == NULL)
			continue;
		xfer = (RestTransfer *) private;
		xfer->done = true;
		xfer->result = msg->data.result;
	}
}

/*
 * rest_build_wait_set
 *		(Re)create the wait event set from libcurl's current sockets.
 */
static void
rest_build_wait_set(RestConnection *conn)
{
	int			i;

	if (conn->wes != NULL)
	{
		FreeWaitEventSet(conn->wes);
		conn->wes = NULL;
	}

	conn->wes = RestCreateWaitEventSet(conn->nsockets + 2);
	AddWaitEventToSet(conn->wes, WL_LATCH_SET, PGINVALID_SOCKET, MyLatch,
					  NULL);
	AddWaitEventToSet(conn->wes, WL_EXIT_ON_PM_DEATH, PGINVALID_SOCKET,
					  NULL, NULL);
	for (i = 0; i < conn->nsockets; i++)
	{
		uint32		events = 0;

		if (conn->sockets[i].what & CURL_POLL_IN)
			events |= WL_SOCKET_READABLE;
		if (conn->sockets[i].what & CURL_POLL_OUT)
			events |= WL_SOCKET_WRITEABLE;
		if (events != 0)
			AddWaitEventToSet(conn->wes, events, conn->sockets[i].fd,
							  NULL, NULL);
	}
	conn->sockets_changed = false;
}

/*
 * rest_wait_timeout
 *		Milliseconds until libcurl's timer expires, capped at
 *		REST_MAX_WAIT_MS; 0 if it already has.
 */
static long
rest_wait_timeout(RestConnection *conn)
{
	instr_time	now;
	double		elapsed;
	double		remaining;

	if (conn->timer_ms < 0)
		return REST_MAX_WAIT_MS;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, conn->timer_start);
	elapsed = INSTR_TIME_GET_MILLISEC(now);
	remaining = conn->timer_ms - elapsed;
	if (remaining <= 0)
		return 0;
	if (remaining >= REST_MAX_WAIT_MS)
		return REST_MAX_WAIT_MS;
	/* round up, so as not to wake up just before the deadline */
	return (long) remaining + 1;
}

/*
 * rest_transfer_end
 *		Detach the transfer from the multi handle and release per-request
 *		resources.  Never throws: runs during error recovery.
 *
 * Removing an unfinished transfer makes libcurl close its connection, so
 * a half-read response never reaches the next request.
 */
static void
rest_transfer_end(RestConnection *conn, RestTransfer *xfer)
{
	if (xfer->active)
	{
		curl_multi_remove_handle(conn->multi, xfer->easy);
		xfer->active = false;
	}

	if (conn->wes != NULL)
	{
		FreeWaitEventSet(conn->wes);
		conn->wes = NULL;
	}

	/* The handle must not point at lists or a body we free. */
	curl_easy_setopt(xfer->easy, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(xfer->easy, CURLOPT_CONNECT_TO, NULL);
	curl_easy_setopt(xfer->easy, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(xfer->headers);
	xfer->headers = NULL;
	curl_slist_free_all(xfer->connect_to);
	xfer->connect_to = NULL;

	xfer->body_len = 0;
	if (xfer->body_cap > REST_KEEP_BUFFER_SIZE)
	{
		free(xfer->body);
		xfer->body = NULL;
		xfer->body_cap = 0;
	}
	xfer->done = false;
}

/*
 * rest_check_result
 *		Raise the error matching a failed transfer.
 */
static void
rest_check_result(RestTransfer *xfer, RestTable *table)
{
	CURLcode	rc = xfer->result;
	long		redirects = 0;
	char	   *why;

	/* libcurl's message may quote the service, e.g. a host it redirected to */
	why = rest_clean_text(xfer->errbuf[0] ? xfer->errbuf :
						  curl_easy_strerror(rc), REST_DETAIL_MAX);

	if (xfer->body_too_large || rc == CURLE_FILESIZE_EXCEEDED)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("response from service exceeds max_response_size"),
				 errdetail("The limit is %zu bytes.", xfer->body_limit),
				 errhint("Raise the server option \"max_response_size\", or request smaller pages with \"page_size\".")));

	if (xfer->host_refused && !xfer->host_accepted && rc != CURLE_OK)
		rest_report_host_refused(xfer);

	if (xfer->redirect_refused != REST_REFUSED_NOTHING)
		rest_report_redirect_refused(xfer);

	if (xfer->body_no_memory)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Could not buffer a response of %zu bytes.",
						   xfer->body_len)));

	switch (rc)
	{
		case CURLE_OK:
			break;

		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_COULDNT_RESOLVE_PROXY:
		case CURLE_COULDNT_CONNECT:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
					 errmsg("could not connect to service"),
					 errdetail_internal("%s", why)));
			break;

		case CURLE_OPERATION_TIMEDOUT:
			if (rest_connect_timed_out(xfer))
				ereport(ERROR,
						(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
						 errmsg("could not connect to service"),
						 errdetail("No connection was established within %ld ms.",
								   Min(table->connect_timeout_ms,
									   table->timeout_ms)),
						 errhint("The server options \"connect_timeout\" (%ld ms) and \"timeout\" (%ld ms) limit the time to connect.",
								 table->connect_timeout_ms,
								 table->timeout_ms)));
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("request to service timed out"),
					 errdetail("The service did not respond completely within %ld ms.",
							   table->timeout_ms),
					 errhint("Raise the server option \"timeout\" if the service needs more time.")));
			break;

		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CACERT_BADFILE:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CIPHER:
		case CURLE_SSL_ENGINE_NOTFOUND:
		case CURLE_SSL_ENGINE_SETFAILED:
		case CURLE_SSL_ISSUER_ERROR:
		case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		case CURLE_SSL_INVALIDCERTSTATUS:
		case CURLE_SSL_CRL_BADFILE:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
					 errmsg("could not establish a secure connection to service"),
					 errdetail_internal("%s", why)));
			break;

		case CURLE_TOO_MANY_REDIRECTS:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("too many redirects from service"),
					 errdetail("The service redirected more than %d times, the last time to \"%s\".",
							   REST_MAX_REDIRECTS,
							   rest_clean_text(xfer->location.value,
											   REST_RAW_DETAIL_MAX)),
					 errhint("A redirect loop is a fault of the service, or of its URL in the server option \"base_url\".")));
			break;

		case CURLE_UNSUPPORTED_PROTOCOL:
			curl_easy_getinfo(xfer->easy, CURLINFO_REDIRECT_COUNT, &redirects);
			if (redirects > 0)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_ERROR),
						 errmsg("redirect to a disallowed URL"),
						 errdetail("Only http and https URLs are followed.")));
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("invalid URL"),
					 errdetail("Only http and https URLs are allowed.")));
			break;

		case CURLE_URL_MALFORMAT:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("invalid URL"),
					 errdetail_internal("%s", why)));
			break;

		case CURLE_SEND_ERROR:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("could not send request to service"),
					 errdetail_internal("%s", why)));
			break;

		case CURLE_OUT_OF_MEMORY:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory"),
					 errdetail_internal("%s", why)));
			break;

		case CURLE_BAD_CONTENT_ENCODING:
		case CURLE_PARTIAL_FILE:
		case CURLE_RECV_ERROR:
		case CURLE_GOT_NOTHING:
		case CURLE_WEIRD_SERVER_REPLY:
		case CURLE_HTTP2:
		case CURLE_HTTP2_STREAM:
		case CURLE_WRITE_ERROR:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("could not read response from service"),
					 errdetail_internal("%s", why)));
			break;

		default:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("request to service failed"),
					 errdetail_internal("%s", why)));
			break;
	}

	/* A truncated URL would silently lead elsewhere. */
	if (xfer->link_next.present && xfer->link_next.truncated)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("next-page link from service is too long"),
				 errdetail("Header values longer than %d bytes are not supported.",
						   REST_CAPTURE_SIZE - 1)));
	if (xfer->location.present && xfer->location.truncated)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("Location header from service is too long"),
				 errdetail("Header values longer than %d bytes are not supported.",
						   REST_CAPTURE_SIZE - 1)));
}

/*
 * rest_report_host_refused
 *		Raise the error for a connection rest_fdw.allowed_hosts refused.
 */
static void
rest_report_host_refused(RestTransfer *xfer)
{
	char	   *host = rest_clean_text(xfer->refused_host, REST_HOST_NAME_MAX);
	bool		resolved = (xfer->refused_addr[0] != '\0' &&
							strcmp(xfer->refused_host,
								   xfer->refused_addr) != 0);

	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("host \"%s\" is not allowed by rest_fdw.allowed_hosts",
					host),
			 resolved ?
			 errdetail("The host name resolved to address %s, which is not allowed either.",
					   xfer->refused_addr) : 0,
			 errhint("A superuser can add the host to the setting \"rest_fdw.allowed_hosts\".")));
}

/*
 * rest_report_redirect_refused
 *		Raise the error for a redirect the header callback refused.
 */
static void
rest_report_redirect_refused(RestTransfer *xfer)
{
	char	   *target = rest_clean_text(xfer->location.value,
										 REST_RAW_DETAIL_MAX);

	switch (xfer->redirect_refused)
	{
		case REST_REFUSED_ANY:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("redirect to a disallowed URL"),
					 errdetail("The service redirected to \"%s\", and the server option \"follow_redirects\" is \"none\".",
							   target),
					 errhint("Use the final URL of the service in the server option \"base_url\".")));
			break;
		case REST_REFUSED_OTHER_ORIGIN:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("redirect to a disallowed URL"),
					 errdetail("The service redirected to \"%s\", which is not at the origin of the request.",
							   target),
					 errhint("Use the final URL of the service in the server option \"base_url\", or have a superuser set the server option \"follow_redirects\" to \"any\".")));
			break;
		case REST_REFUSED_HEADERS:
		case REST_REFUSED_NOTHING:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("redirect to a disallowed URL"),
					 errdetail("The service redirected to \"%s\", which is not at the origin of the request, and the user mapping sets headers.",
							   target),
					 errhint("Use the final URL of the service in the server option \"base_url\".")));
			break;
	}
}

/*
 * rest_collect_response
 *		Copy status, body and captured headers into the caller's memory.
 */
static void
rest_collect_response(RestTransfer *xfer, RestResponse *resp)
{
	long		status = 0;

	curl_easy_getinfo(xfer->easy, CURLINFO_RESPONSE_CODE, &status);
	resp->status = status;

	resp->body = palloc(xfer->body_len + 1);
	if (xfer->body_len > 0)
		memcpy(resp->body, xfer->body, xfer->body_len);
	resp->body[xfer->body_len] = '\0';
	resp->body_len = xfer->body_len;

	resp->content_type = rest_capture_dup(&xfer->content_type);
	resp->link_next = rest_capture_dup(&xfer->link_next);
	resp->content_range = rest_capture_dup(&xfer->content_range);
	resp->total_count = rest_capture_dup(&xfer->total_count);
	resp->location = rest_capture_dup(&xfer->location);
	resp->retry_after = rest_capture_dup(&xfer->retry_after);
}

/*
 * rest_capture_dup
 *		palloc'd copy of a captured header, or NULL if it was absent.
 */
static char *
rest_capture_dup(RestCapture *cap)
{
	if (!cap->present)
		return NULL;
	return pnstrdup(cap->value, cap->len);
}

/*
 * rest_request_error_callback
 *		Error context: which request was being made.
 */
static void
rest_request_error_callback(void *arg)
{
	RestRequestContext *context = (RestRequestContext *) arg;

	if (context->attempts > 1 && context->status >= 0)
		errcontext("remote request %s %s returned HTTP %ld after %d attempts",
				   context->method, context->url, context->status,
				   context->attempts);
	else if (context->attempts > 1)
		errcontext("remote request %s %s failed after %d attempts",
				   context->method, context->url, context->attempts);
	else if (context->status >= 0)
		errcontext("remote request %s %s returned HTTP %ld",
				   context->method, context->url, context->status);
	else
		errcontext("remote request %s %s",
				   context->method, context->url);
}


/*
 * Error responses.
 */

/*
 * RestReportResponseError
 *		Raise the error matching an HTTP error status.
 *
 * The DETAIL renders the service's error body, which is parsed as JSON
 * when it can be; a PostgREST error carrying a SQLSTATE keeps that code.
 */
void
RestReportResponseError(RestTable *table, RestRequest *req,
						RestResponse *resp)
{
	RestRequestContext context;
	ErrorContextCallback errcallback;
	long		status = resp->status;
	int			sqlstate = 0;
	char	   *detail;

	context.method = req->method;
	context.url = req->url;
	context.status = status;
	context.attempts = resp->attempts;
	errcallback.callback = rest_request_error_callback;
	errcallback.arg = &context;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	detail = rest_error_detail(resp, &sqlstate);
	/* a duplicate is a unique violation, which clients (Django) act on */
	if (sqlstate == 0 && RestIsDuplicateRefusal(table, resp))
		sqlstate = ERRCODE_UNIQUE_VIOLATION;

#define REST_ERRCODE(code) errcode(sqlstate != 0 ? sqlstate : (code))
#define REST_ERRDETAIL() (detail ? errdetail_internal("%s", detail) : 0)

	if (status == 400 || status == 422)
		ereport(ERROR,
				(REST_ERRCODE(ERRCODE_DATA_EXCEPTION),
				 errmsg("service rejected the request"),
				 REST_ERRDETAIL()));
	else if (status == 401)
		ereport(ERROR,
				(REST_ERRCODE(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied by service"),
				 REST_ERRDETAIL(),
				 errhint("Check the credentials in the user mapping.")));
	else if (status == 403)
		ereport(ERROR,
				(REST_ERRCODE(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied by service"),
				 REST_ERRDETAIL()));
	else if (status == 404)
		ereport(ERROR,
				(REST_ERRCODE(ERRCODE_FDW_TABLE_NOT_FOUND),
				 errmsg("resource not found on service"),
				 REST_ERRDETAIL()));
	else if (status == 409)
		ereport(ERROR,
				(REST_ERRCODE(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("service reported a conflict"),
				 REST_ERRDETAIL()));
	else if (status == 429)
	{
		char	   *retry_after = resp->retry_after
			? rest_clean_text(resp->retry_after, 64) : NULL;

		ereport(ERROR,
				(REST_ERRCODE(ERRCODE_FDW_ERROR),
				 errmsg("service rate limit exceeded"),
				 REST_ERRDETAIL(),
				 retry_after ?
				 errhint("The service asks to retry after %s (Retry-After header).",
						 retry_after) :
				 errhint("Retry later, or make fewer requests.")));
	}
	else if (status >= 500 && status <= 599)
		ereport(ERROR,
				(REST_ERRCODE(ERRCODE_FDW_ERROR),
				 errmsg("service error"),
				 REST_ERRDETAIL()));
	else
		ereport(ERROR,
				(REST_ERRCODE(ERRCODE_FDW_ERROR),
				 errmsg("unexpected response from service"),
				 REST_ERRDETAIL()));

#undef REST_ERRCODE
#undef REST_ERRDETAIL

	pg_unreachable();
}

/*
 * rest_error_detail
 *		Readable, bounded rendering of an error response body, or NULL.
 *
 * Sets *sqlstate if the body is a PostgREST error with a SQLSTATE code.
 */
static char *
rest_error_detail(RestResponse *resp, int *sqlstate)
{
	RestDetail	d;
	json_t	   *volatile root = NULL;
	json_error_t jerror;

	if (resp->body == NULL || resp->body_len == 0)
		return NULL;

	rest_detail_init(&d, REST_DETAIL_MAX);

	root = json_loadb(resp->body, Min(resp->body_len, REST_ERROR_PARSE_MAX),
					  JSON_DECODE_ANY, &jerror);
	if (root != NULL)
	{
		/* jansson memory is malloc'd: free it even if we throw */
		PG_TRY();
		{
			rest_render_json_error(&d, root, sqlstate);
		}
		PG_CATCH();
		{
			json_decref(root);
			PG_RE_THROW();
		}
		PG_END_TRY();
		json_decref(root);
	}

	/* Not JSON, or nothing recognizable: show the start of the body. */
	if (d.buf.len == 0)
	{
		rest_detail_init(&d, REST_RAW_DETAIL_MAX);
		rest_detail_append(&d, resp->body, resp->body_len);
	}

	if (d.truncated)
		appendStringInfoString(&d.buf, "...");

	if (d.buf.len == 0)
		return NULL;
	return d.buf.data;
}

/*
 * rest_render_json_error
 *		Render the error conventions of common frameworks.
 */
static void
rest_render_json_error(RestDetail *d, json_t *root, int *sqlstate)
{
	json_t	   *message;
	json_t	   *detail;
	json_t	   *error;

	if (json_is_string(root) || json_is_array(root))
	{
		rest_render_value(d, "", root, 0);
		return;
	}
	if (!json_is_object(root))
		return;

	message = json_object_get(root, "message");
	detail = json_object_get(root, "detail");
	error = json_object_get(root, "error");

	/* PostgREST: {"code", "message", "details", "hint"} */
	if (json_is_string(message) &&
		(json_object_get(root, "code") || json_object_get(root, "details") ||
		 json_object_get(root, "hint")))
	{
		json_t	   *code = json_object_get(root, "code");
		json_t	   *details = json_object_get(root, "details");

		rest_detail_item(d, "", json_string_value(message),
						 json_string_length(message));
		if (json_is_string(details) && json_string_length(details) > 0)
			rest_detail_item(d, "", json_string_value(details),
							 json_string_length(details));
		if (json_is_string(code))
			*sqlstate = rest_service_sqlstate(json_string_value(code));
		return;
	}

	/* DRF {"detail": "..."}; FastAPI {"detail": [{"loc", "msg"}, ...]} */
	if (json_is_string(detail))
	{
		rest_detail_item(d, "", json_string_value(detail),
						 json_string_length(detail));
		return;
	}
	if (json_is_array(detail))
	{
		size_t		i;
		json_t	   *item;

		json_array_foreach(detail, i, item)
		{
			json_t	   *loc = json_object_get(item, "loc");
			json_t	   *msg = json_object_get(item, "msg");
			StringInfoData prefix;
			size_t		j;
			json_t	   *part;

			if (!json_is_string(msg))
			{
				rest_render_value(d, "", item, 1);
				continue;
			}
			initStringInfo(&prefix);
			json_array_foreach(loc, j, part)
			{
				if (prefix.len > 0)
					appendStringInfoChar(&prefix, '.');
				if (json_is_string(part))
					appendStringInfoString(&prefix, json_string_value(part));
				else if (json_is_integer(part))
					appendStringInfo(&prefix, "%lld",
									 (long long) json_integer_value(part));
			}
			rest_detail_item(d, prefix.data, json_string_value(msg),
							 json_string_length(msg));
			pfree(prefix.data);
		}
		return;
	}

	/* {"message": "..."}, {"error": "..."}, {"error": {"message": ...}} */
	if (json_is_string(message))
	{
		rest_detail_item(d, "", json_string_value(message),
						 json_string_length(message));
		return;
	}
	if (json_is_string(error))
	{
		rest_detail_item(d, "", json_string_value(error),
						 json_string_length(error));
		return;
	}
	if (json_is_object(error) &&
		json_is_string(json_object_get(error, "message")))
	{
		json_t	   *m = json_object_get(error, "message");

		rest_detail_item(d, "", json_string_value(m), json_string_length(m));
		return;
	}

	/* DRF field errors: {"field": ["msg", ...], "non_field_errors": [...]} */
	rest_render_value(d, "", root, 0);
}

/*
 * rest_render_value
 *		Render a DRF-style error value as "field: message" items.
 *
 * Nested objects and lists extend the field path with "."; DRF's
 * "non_field_errors" and Django's "__all__" add nothing to it.
 */
static void
rest_render_value(RestDetail *d, const char *prefix, json_t *value,
				  int depth)
{
	if (d->truncated || depth > 8)
		return;

	switch (json_typeof(value))
	{
		case JSON_STRING:
			rest_detail_item(d, prefix, json_string_value(value),
							 json_string_length(value));
			break;

		case JSON_INTEGER:
		case JSON_REAL:
			{
				char		text[64];

				if (json_is_integer(value))
					snprintf(text, sizeof(text), "%lld",
							 (long long) json_integer_value(value));
				else
					snprintf(text, sizeof(text), "%g", json_real_value(value));
				rest_detail_item(d, prefix, text, strlen(text));
			}
			break;

		case JSON_TRUE:
			rest_detail_item(d, prefix, "true", 4);
			break;

		case JSON_FALSE:
			rest_detail_item(d, prefix, "false", 5);
			break;

		case JSON_ARRAY:
			{
				size_t		i;
				json_t	   *item;

				json_array_foreach(value, i, item)
				{
					char	   *sub;

					if (json_is_string(item))
					{
						rest_render_value(d, prefix, item, depth + 1);
						continue;
					}
					sub = (prefix[0] == '\0') ? psprintf("%zu", i) :
						psprintf("%s.%zu", prefix, i);
					rest_render_value(d, sub, item, depth + 1);
					pfree(sub);
				}
			}
			break;

		case JSON_OBJECT:
			{
				const char *key;
				json_t	   *item;

				json_object_foreach(value, key, item)
				{
					char	   *sub;

					if (strcmp(key, "non_field_errors") == 0 ||
						strcmp(key, "__all__") == 0)
						sub = pstrdup(prefix);
					else if (prefix[0] == '\0')
						sub = pstrdup(key);
					else
						sub = psprintf("%s.%s", prefix, key);
					rest_render_value(d, sub, item, depth + 1);
					pfree(sub);
				}
			}
			break;

		case JSON_NULL:
			break;
	}
}

/*
 * rest_clean_text
 *		palloc'd copy of a NUL-terminated text from the service, made safe
 *		to print and cut to about max bytes.
 */
static char *
rest_clean_text(const char *text, size_t max)
{
	RestDetail	d;

	rest_detail_init(&d, max);
	rest_detail_append(&d, text, strlen(text));
	if (d.truncated)
		appendStringInfoString(&d.buf, "...");
	return d.buf.data;
}

/*
 * rest_detail_init
 *		Start an empty detail of at most max bytes.
 */
static void
rest_detail_init(RestDetail *d, size_t max)
{
	initStringInfo(&d->buf);
	d->max = max;
	d->nitems = 0;
	d->truncated = false;
}

/*
 * rest_detail_item
 *		Append "prefix: text" as one item, items separated by "; ".
 */
static void
rest_detail_item(RestDetail *d, const char *prefix, const char *text,
				 size_t len)
{
	if (d->truncated || len == 0)
		return;
	if (d->nitems > 0)
		rest_detail_append(d, "; ", 2);
	if (prefix != NULL && prefix[0] != '\0')
	{
		rest_detail_append(d, prefix, strlen(prefix));
		rest_detail_append(d, ": ", 2);
	}
	rest_detail_append(d, text, len);
	d->nitems++;
}

/*
 * rest_detail_append
 *		Append text from the service, bounded and made safe to print.
 *
 * Only whole, valid UTF-8 characters are kept; invalid bytes become "?",
 * control characters a space, and, unless the database encoding can hold
 * them, non-ASCII characters "?".  Appending stops, and the text is marked
 * truncated, at d->max bytes.
 */
static void
rest_detail_append(RestDetail *d, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *) text;
	const unsigned char *end = p + len;
	int			encoding = GetDatabaseEncoding();
	bool		utf8_ok = (encoding == PG_UTF8 || encoding == PG_SQL_ASCII);

	while (p < end)
	{
		int			charlen = 1;
		bool		valid = true;

		if (*p >= 0x80)
		{
			charlen = pg_utf_mblen(p);
			if (charlen > end - p || !pg_utf8_islegal(p, charlen))
			{
				charlen = 1;
				valid = false;
			}
		}

		if ((size_t) d->buf.len + (valid && utf8_ok ? charlen : 1) > d->max)
		{
			d->truncated = true;
			return;
		}

		if (*p < 0x20 || *p == 0x7f)
			appendStringInfoChar(&d->buf, ' ');
		else if (*p < 0x80)
			appendStringInfoChar(&d->buf, (char) *p);
		else if (valid && utf8_ok)
			appendBinaryStringInfo(&d->buf, (const char *) p, charlen);
		else
			appendStringInfoChar(&d->buf, '?');
		p += charlen;
	}
}

/*
 * rest_service_sqlstate
 *		The SQLSTATE a service's error code stands for, or 0.
 *
 * Five digits or upper-case letters, as PostgREST passes on from
 * PostgreSQL; success, warning and no-data classes are not errors.
 */
static int
rest_service_sqlstate(const char *code)
{
	int			i;

	if (strlen(code) != 5)
		return 0;
	for (i = 0; i < 5; i++)
		if (!((code[i] >= '0' && code[i] <= '9') ||
			  (code[i] >= 'A' && code[i] <= 'Z')))
			return 0;
	if (strncmp(code, "00", 2) == 0 || strncmp(code, "01", 2) == 0 ||
		strncmp(code, "02", 2) == 0)
		return 0;

	return MAKE_SQLSTATE(code[0], code[1], code[2], code[3], code[4]);
}


/*
 * URLs.
 */

/*
 * RestResolveUrl
 *		Resolve a URL reference against a base URL (RFC 3986).
 *
 * The result is palloc'd, and must be an http or https URL.
 */
char *
RestResolveUrl(const char *base, const char *relative)
{
	CURLU	   *url;
	CURLUcode	rc;
	char	   *resolved = NULL;
	char	   *scheme = NULL;
	bool		scheme_ok = false;
	char	   *result;

	url = curl_url();
	if (url == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));

	rc = curl_url_set(url, CURLUPART_URL, base, 0);

	/*
	 * An empty reference, or a fragment alone, is the base itself, query
	 * included (RFC 3986, 5.2.2); libcurl would drop the query.
	 */
	if (rc == CURLUE_OK && relative[0] != '\0' && relative[0] != '#')
		rc = curl_url_set(url, CURLUPART_URL, relative, 0);
	else if (rc == CURLUE_OK)
		rc = curl_url_set(url, CURLUPART_FRAGMENT, NULL, 0);
	if (rc == CURLUE_OK)
		rc = curl_url_get(url, CURLUPART_SCHEME, &scheme, 0);
	if (rc == CURLUE_OK)
	{
		scheme_ok = (pg_strcasecmp(scheme, "http") == 0 ||
					 pg_strcasecmp(scheme, "https") == 0);
		rc = curl_url_get(url, CURLUPART_URL, &resolved, 0);
	}
	curl_free(scheme);
	curl_url_cleanup(url);

	if (rc != CURLUE_OK)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("invalid URL"),
				 errdetail("Could not resolve \"%s\" against \"%s\": %s.",
						   relative, base, rest_url_strerror(rc))));

	/* copy without throwing, so resolved cannot leak */
	result = palloc_extended(strlen(resolved) + 1, MCXT_ALLOC_NO_OOM);
	if (result != NULL)
		strcpy(result, resolved);
	curl_free(resolved);

	if (result == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	if (!scheme_ok)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("invalid URL"),
				 errdetail("URL \"%s\" uses a scheme other than http or https.",
						   result)));

	return result;
}

/*
 * rest_url_strerror
 *		Text of a CURLU error code.
 */
static const char *
rest_url_strerror(CURLUcode rc)
{
#if LIBCURL_VERSION_NUM >= 0x075000
	return curl_url_strerror(rc);
#else
	return "malformed URL";
#endif
}

/*
 * RestAppendEncoded
 *		Append a value percent-encoded for use in a URL (RFC 3986).
 *
 * Only unreserved characters are kept; everything else, including "+",
 * "/" and spaces, becomes %XX.
 */
void
RestAppendEncoded(StringInfo buf, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *) value; *p != '\0'; p++)
	{
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			(*p >= '0' && *p <= '9') ||
			*p == '-' || *p == '.' || *p == '_' || *p == '~')
			appendStringInfoChar(buf, (char) *p);
		else
		{
			appendStringInfoChar(buf, '%');
			appendStringInfoChar(buf, hex[*p >> 4]);
			appendStringInfoChar(buf, hex[*p & 0x0F]);
		}
	}
}
