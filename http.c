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

#include "http_internal.h"

/* Most sockets one multi handle may ask us to watch at once. */
#define REST_MAX_SOCKETS		32

/* Most transfers under way at once on one connection. */
#define REST_MAX_TRANSFERS		(REST_MAX_PREFETCH + 4)

/* Response buffers larger than this are released after each request. */
#define REST_KEEP_BUFFER_SIZE	(1024 * 1024)

#define REST_USER_AGENT			"rest_fdw/1.0"

/* First wait between retries; each further wait doubles it. */
#define REST_RETRY_BASE_MS		100

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

/* Where a request stands with its retries. */
typedef struct RestRetry
{
	bool		allowed;		/* the method may be retried at all */
	int			attempt;		/* the attempt just made, from 1 */
	instr_time	start;			/* when the first attempt started */
} RestRetry;

/* Connection cache, created at first use. */
static HTAB *ConnectionHash = NULL;

/* Has curl_global_init been called? */
static bool curl_initialized = false;

static void rest_init(void);
static void rest_inval_callback(Datum arg, int cacheid, uint32 hashvalue);
static void rest_exit_callback(int code, Datum arg);
static void rest_connect(RestConnection *conn, RestTable *table);
static void rest_disconnect(RestConnection *conn);
static void rest_prepare_connection(RestConnection *conn, RestTable *table);
static int	rest_socket_callback(CURL *easy, curl_socket_t fd, int what,
								 void *clientp, void *socketp);
static int	rest_timer_callback(CURLM *multi, long timeout_ms, void *clientp);
static size_t rest_write_callback(char *ptr, size_t size, size_t nmemb,
								  void *userdata);
static size_t rest_header_callback(char *buffer, size_t size, size_t nitems,
								   void *userdata);
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
static void rest_collect_response(RestTransfer *xfer, RestResponse *resp);
static char *rest_capture_dup(RestCapture *cap);


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
		 conn->hosts_generation != RestAllowedHostsGeneration()) &&
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
	conn->hosts_generation = RestAllowedHostsGeneration();
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
		xfer->captured[REST_HEADER_CONTENT_TYPE].present = false;
		xfer->captured[REST_HEADER_LINK_NEXT].present = false;
		xfer->captured[REST_HEADER_CONTENT_RANGE].present = false;
		xfer->captured[REST_HEADER_TOTAL_COUNT].present = false;
		xfer->captured[REST_HEADER_LOCATION].present = false;
		xfer->captured[REST_HEADER_RETRY_AFTER].present = false;
		return len;
	}

	colon = memchr(buffer, ':', len);
	if (colon == NULL)
	{
		/* empty line ending a block, or junk */
		if (len > 0 && (buffer[0] == '\r' || buffer[0] == '\n'))
		{
			if (!RestCheckRedirect(xfer))
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
		rest_capture_set(&xfer->captured[REST_HEADER_CONTENT_TYPE], value, end - value);
	else if (HEADER_IS("Content-Range"))
		rest_capture_set(&xfer->captured[REST_HEADER_CONTENT_RANGE], value, end - value);
	else if (HEADER_IS("X-Total-Count"))
		rest_capture_set(&xfer->captured[REST_HEADER_TOTAL_COUNT], value, end - value);
	else if (HEADER_IS("Location"))
		rest_capture_set(&xfer->captured[REST_HEADER_LOCATION], value, end - value);
	else if (HEADER_IS("Retry-After"))
		rest_capture_set(&xfer->captured[REST_HEADER_RETRY_AFTER], value, end - value);
	else if (HEADER_IS("Link") && !xfer->captured[REST_HEADER_LINK_NEXT].present)
	{
		const char *target;
		size_t		target_len;

		if (rest_link_next(value, end - value, &target, &target_len))
			rest_capture_set(&xfer->captured[REST_HEADER_LINK_NEXT], target, target_len);
	}

#undef HEADER_IS

	return len;
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
	RestRetry	retry;
	instr_time	duration;

	memset(resp, 0, sizeof(RestResponse));
	RestPushRequestContext(&context, req->method, req->url, -1, 1);

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

	RestPopRequestContext(&context);
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
		RestCheckTransfer(xfer, table);
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
	if ((status == 429 || status == 503) && xfer->captured[REST_HEADER_RETRY_AFTER].present &&
		!xfer->captured[REST_HEADER_RETRY_AFTER].truncated)
	{
		int64		asked = rest_parse_retry_after(xfer->captured[REST_HEADER_RETRY_AFTER].value);

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
			return RestConnectTimedOut(xfer);
		default:
			return false;
	}
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
	xfer->captured[REST_HEADER_CONTENT_TYPE].present = false;
	xfer->captured[REST_HEADER_LINK_NEXT].present = false;
	xfer->captured[REST_HEADER_CONTENT_RANGE].present = false;
	xfer->captured[REST_HEADER_TOTAL_COUNT].present = false;
	xfer->captured[REST_HEADER_LOCATION].present = false;
	xfer->captured[REST_HEADER_RETRY_AFTER].present = false;
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

	RestSetRedirectPolicy(xfer, table, req->url);

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
	RestSetHostPolicy(xfer, table);
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

	resp->content_type = rest_capture_dup(&xfer->captured[REST_HEADER_CONTENT_TYPE]);
	resp->link_next = rest_capture_dup(&xfer->captured[REST_HEADER_LINK_NEXT]);
	resp->content_range = rest_capture_dup(&xfer->captured[REST_HEADER_CONTENT_RANGE]);
	resp->total_count = rest_capture_dup(&xfer->captured[REST_HEADER_TOTAL_COUNT]);
	resp->location = rest_capture_dup(&xfer->captured[REST_HEADER_LOCATION]);
	resp->retry_after = rest_capture_dup(&xfer->captured[REST_HEADER_RETRY_AFTER]);
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
