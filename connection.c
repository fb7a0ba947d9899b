/*-------------------------------------------------------------------------
 *
 * connection.c
 *		  Connection management for rest_fdw: the cache of libcurl multi
 *		  handles, the transaction callbacks, and the wait for responses
 *
 * Each backend keeps one libcurl multi handle per user mapping, created
 * at first use and reused until the backend exits or the server or user
 * mapping changes.  libcurl keeps finished connections in the multi
 * handle's pool, so consecutive requests to a service share one TCP (and
 * TLS) connection through HTTP keep-alive.
 *
 * Design assumptions:
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
 *	 the transaction ends.  Pages asked for ahead take transfers only while
 *	 one is left for a request that is waited for at once
 *	 (RestFreeTransfers): several open cursors share the pool, asking for
 *	 fewer pages ahead, and never use it up.
 *
 * - A user mapping's OAuth access token (oauth.c) is kept with its
 *	 connection, and forgotten with it.
 *
 * - Connections opened while rest_fdw.allowed_hosts had another value are
 *	 closed before the next request: the setting is checked only when a
 *	 connection is opened (hostpolicy.c).
 *
 * - Teardown (transaction callbacks, RestTransferEnd, RestReleaseTransfer)
 *	 never throws, and the socket and timer callbacks run inside libcurl:
 *	 no ereport, no palloc there.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "utils/catcache.h"
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

	RestTokenCache token;		/* the user mapping's OAuth token */
};

/* Connection cache, created at first use. */
static HTAB *ConnectionHash = NULL;

/* Has curl_global_init been called? */
static bool curl_initialized = false;

static void rest_init(void);
static void rest_inval_callback(Datum arg, int cacheid, uint32 hashvalue);
static void rest_exit_callback(int code, Datum arg);
static void rest_connect(RestConnection *conn, RestTable *table);
static void rest_disconnect(RestConnection *conn);
static bool rest_any_in_use(RestConnection *conn);
static void rest_xact_callback(XactEvent event, void *arg);
static void rest_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								  SubTransactionId parentSubid, void *arg);
static int	rest_socket_callback(CURL *easy, curl_socket_t fd, int what,
								 void *clientp, void *socketp);
static int	rest_timer_callback(CURLM *multi, long timeout_ms, void *clientp);
static void rest_socket_action(RestConnection *conn, curl_socket_t fd,
							   int flags);
static void rest_collect_done(RestConnection *conn);
static void rest_build_wait_set(RestConnection *conn);
static long rest_wait_timeout(RestConnection *conn);


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

	RestPrepareConnection(conn, table);

	return conn;
}

/*
 * RestConnectionToken
 *		Where the connection keeps its user mapping's OAuth token.
 */
RestTokenCache *
RestConnectionToken(RestConnection *conn)
{
	return &conn->token;
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
		{
			conn->invalidated = true;
			/* the token URL, client or secret may be other now */
			RestForgetToken(&conn->token);
		}
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
 * RestPrepareConnection
 *		Make sure the connection has live handles, replacing invalidated ones.
 *
 * Connections opened while rest_fdw.allowed_hosts had another value are
 * closed too: the setting is checked only when a connection is opened.
 */
void
RestPrepareConnection(RestConnection *conn, RestTable *table)
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
		RestForgetBearer(xfer);
		if (xfer->easy != NULL)
			curl_easy_cleanup(xfer->easy);
		xfer->easy = NULL;
		curl_slist_free_all(xfer->headers);
		xfer->headers = NULL;
		RestForgetHandleSettings(xfer);
		free(xfer->body);
		xfer->body = NULL;
		xfer->body_len = xfer->body_cap = 0;
	}

	RestForgetToken(&conn->token);
	if (conn->multi != NULL)
		curl_multi_cleanup(conn->multi);
	conn->multi = NULL;
	conn->nsockets = 0;
	conn->timer_ms = -1;
	conn->invalidated = false;
}


/*
 * The pool of transfers, and the transaction callbacks that release them.
 */

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
 * RestAcquireTransfer
 *		Take a free transfer of the connection's pool, creating it (and its
 *		easy handle) if needed; if none is free, one a shut-down scan left
 *		(its owner notices, see RestTransferOwned).
 */
RestTransfer *
RestAcquireTransfer(RestConnection *conn)
{
	static uint64 tickets = 0;
	int			i;

	for (i = 0; i < 2 * REST_MAX_TRANSFERS; i++)
	{
		RestTransfer *xfer = conn->xfers[i % REST_MAX_TRANSFERS];
		bool		reclaim = i >= REST_MAX_TRANSFERS;

		if (xfer != NULL && xfer->in_use && !(reclaim && xfer->reclaimable))
			continue;
		if (reclaim)
			RestReleaseTransfer(conn, xfer);
		if (xfer == NULL)
			xfer = conn->xfers[i] =
				MemoryContextAllocZero(CacheMemoryContext, sizeof(RestTransfer));
		xfer->ticket = ++tickets;
		xfer->reclaimable = false;
		xfer->subid = GetCurrentSubTransactionId();
		if (xfer->easy == NULL)
		{
			RestForgetHandleSettings(xfer);
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
 * RestFreeTransfers
 *		How many transfers of the connection's pool no one holds now.  Those
 *		of shut-down scans are not counted: the pages they asked for ahead
 *		are taken from them only when no transfer is free, not to ask for
 *		more pages ahead (two cursors read in turn would take them from
 *		each other at every FETCH).
 */
int
RestFreeTransfers(RestConnection *conn)
{
	int			n = 0;
	int			i;

	for (i = 0; i < REST_MAX_TRANSFERS; i++)
		if (conn->xfers[i] == NULL || !conn->xfers[i]->in_use)
			n++;
	return n;
}

/*
 * RestTransferTicket
 *		What tells this use of a transfer from its next ones.
 */
uint64
RestTransferTicket(RestTransfer *xfer)
{
	return xfer->ticket;
}

/*
 * RestTransferOwned
 *		Is the transfer still in the use the ticket was given for?  It is
 *		not when it was reclaimed, or released by the abort of a
 *		subtransaction.
 */
bool
RestTransferOwned(RestTransfer *xfer, uint64 ticket)
{
	return xfer->in_use && xfer->ticket == ticket;
}

/*
 * RestParkTransfer
 *		Let another request take the transfer (reclaimable), or take that
 *		back.  Its owner checks RestTransferOwned before it does.
 */
void
RestParkTransfer(RestTransfer *xfer, bool reclaimable)
{
	xfer->reclaimable = reclaimable;
}

/*
 * RestTransferOwner
 *		Make the transfer belong to the subtransaction subid (that of the
 *		scan asking for pages ahead, which a cursor may read in later
 *		subtransactions): it is released when that one aborts.
 */
void
RestTransferOwner(RestTransfer *xfer, SubTransactionId subid)
{
	xfer->subid = subid;
}

/*
 * RestReleaseTransfer
 *		Give a transfer back to the pool, stopping it if it still runs.
 *		Never throws.
 */
void
RestReleaseTransfer(RestConnection *conn, RestTransfer *xfer)
{
	RestTransferEnd(conn, xfer);
	RestForgetBearer(xfer);
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

	if (event == XACT_EVENT_PRE_PREPARE)
		RestUndoPrePrepare();
	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT &&
		event != XACT_EVENT_PARALLEL_ABORT)
		return;
	if (ConnectionHash == NULL)
	{
		RestUndoAtXactEnd(event == XACT_EVENT_COMMIT ||
						  event == XACT_EVENT_PARALLEL_COMMIT);
		return;
	}

	hash_seq_init(&scan, ConnectionHash);
	while ((conn = (RestConnection *) hash_seq_search(&scan)) != NULL)
	{
		if (conn->multi == NULL)
			continue;
		for (i = 0; i < REST_MAX_TRANSFERS; i++)
			if (conn->xfers[i] != NULL && conn->xfers[i]->in_use)
				RestReleaseTransfer(conn, conn->xfers[i]);
	}
	RestUndoAtXactEnd(event == XACT_EVENT_COMMIT ||
					  event == XACT_EVENT_PARALLEL_COMMIT);
}

/*
 * rest_subxact_callback
 *		When a subtransaction aborts, release the transfers of its owners
 *		(RestTransferOwner), and of the subtransactions it held: those
 *		scans are gone.  Subtransaction IDs grow, so every live owner with
 *		an ID from mySubid up is inside it, committed into it or not.  A
 *		cursor opened outside it keeps its transfers.  Those of a committed
 *		one now belong to its parent.
 */
static void
rest_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					  SubTransactionId parentSubid, void *arg)
{
	HASH_SEQ_STATUS scan;
	RestConnection *conn;
	int			i;

	if (event != SUBXACT_EVENT_ABORT_SUB &&
		event != SUBXACT_EVENT_COMMIT_SUB)
		return;
	if (ConnectionHash == NULL)
	{
		RestUndoAtSubXactEnd(event == SUBXACT_EVENT_COMMIT_SUB,
							 GetCurrentTransactionNestLevel());
		return;
	}

	hash_seq_init(&scan, ConnectionHash);
	while ((conn = (RestConnection *) hash_seq_search(&scan)) != NULL)
	{
		for (i = 0; i < REST_MAX_TRANSFERS; i++)
		{
			RestTransfer *xfer = conn->xfers[i];

			if (xfer == NULL || !xfer->in_use || xfer->subid < mySubid)
				continue;
			if (event == SUBXACT_EVENT_ABORT_SUB)
				RestReleaseTransfer(conn, xfer);
			else if (xfer->subid == mySubid)
				xfer->subid = parentSubid;
		}
	}
	RestUndoAtSubXactEnd(event == SUBXACT_EVENT_COMMIT_SUB,
						 GetCurrentTransactionNestLevel());
}


/*
 * Multi handle callbacks.  These run inside libcurl: no ereport, no palloc.
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
 * Running transfers and waiting for them.
 */

/*
 * RestTransferStart
 *		Hand the transfer to the multi handle.
 */
void
RestTransferStart(RestConnection *conn, RestTransfer *xfer)
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
 * RestTransfersProgress
 *		Let libcurl move every transfer of the connection along, starting
 *		to connect those just added, without waiting.
 */
void
RestTransfersProgress(RestConnection *conn)
{
	rest_socket_action(conn, CURL_SOCKET_TIMEOUT, 0);
}

/*
 * RestTransferWait
 *		Drive the multi handle until the transfer completes.
 *
 * Sleeps on libcurl's sockets, the process latch and postmaster death,
 * never longer than libcurl's timer or REST_MAX_WAIT_MS, and checks for
 * interrupts after every wakeup.
 */
void
RestTransferWait(RestConnection *conn, RestTransfer *xfer)
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
		RestUndoCheckInterrupt();

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
	/* a single-user backend has no postmaster to watch */
	if (IsUnderPostmaster)
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
 * RestTransferEnd
 *		Detach the transfer from the multi handle and release per-request
 *		resources.  Never throws: runs during error recovery.
 *
 * Removing an unfinished transfer makes libcurl close its connection, so
 * a half-read response never reaches the next request.
 */
void
RestTransferEnd(RestConnection *conn, RestTransfer *xfer)
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

	/*
	 * The handle must not point at lists or a body we free; its CONNECT_TO
	 * list stays with its settings.
	 */
	curl_easy_setopt(xfer->easy, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(xfer->easy, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(xfer->headers);
	xfer->headers = NULL;

	xfer->body_len = 0;
	if (xfer->body_cap > REST_KEEP_BUFFER_SIZE)
	{
		free(xfer->body);
		xfer->body = NULL;
		xfer->body_cap = 0;
	}
	xfer->done = false;
}
