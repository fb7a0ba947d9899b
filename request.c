/*-------------------------------------------------------------------------
 *
 * request.c
 *		  One HTTP request of rest_fdw: easy handle options, libcurl's write
 *		  and header callbacks, retries
 *
 * RestPerform sends a request and waits for its complete response;
 * RestStartRequest and RestFinishRequest do the same in two steps, so
 * that a scan has the next pages under way while it reads one.  The
 * requests of scans, writes and ANALYZE check their status with
 * RestPerformOk and RestResponseOk: a 2xx, a status the caller handles
 * (a 404 of an item), or the error the status maps to.  The
 * connection and the wait belong to connection.c, the policies a request
 * follows to hostpolicy.c, its errors to errors.c.
 *
 * Design assumptions:
 *
 * - Nothing that can raise a PostgreSQL error, palloc, or longjmp runs
 *	 inside a libcurl callback.  The write and header callbacks fill
 *	 malloc'd and fixed-size buffers and record problems in flags, which
 *	 are turned into errors once libcurl has returned (RestCheckTransfer).
 *
 * - Every request option is set on the easy handle for each request;
 *	 nothing is inherited from the previous request.  Secrets from the user
 *	 mapping go into request headers or libcurl's credentials, never into
 *	 URLs, so URLs may appear in messages.  (TLS file options are set only
 *	 when given: they come from the server, whose every change replaces
 *	 the handle.)
 *
 * - The response headers the wrapper reads are captured as listed in
 *	 rest_captured_headers, one row per header; the callback keeps only
 *	 those, in fixed-size buffers.
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
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <time.h>

#include "access/xact.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/memutils.h"
#include "utils/wait_event.h"

#include "http_internal.h"

#define REST_USER_AGENT			"rest_fdw/1.0"

/* First wait between retries; each further wait doubles it. */
#define REST_RETRY_BASE_MS		100

/* Where a request stands with its retries. */
typedef struct RestRetry
{
	bool		allowed;		/* the method may be retried at all */
	int			attempt;		/* the attempt just made, from 1 */
	instr_time	start;			/* when the first attempt started */
	bool		token_renewed;	/* an OAuth token was renewed after a 401 */
} RestRetry;

/*
 * Finds the part of a header value that is kept, for a header not kept
 * whole.  Runs in the header callback: pure C, on a span that is not
 * NUL-terminated.
 */
typedef bool (*RestHeaderPart) (const char *value, size_t len,
								const char **part, size_t *part_len);

/* A response header the header callback captures. */
typedef struct RestCapturedHeader
{
	const char *name;			/* matched without regard to case */
	size_t		response_field; /* offset of its char * in RestResponse */
	RestHeaderPart part;		/* NULL: keep the whole value */
} RestCapturedHeader;

static bool rest_link_next(const char *value, size_t len,
						   const char **target, size_t *target_len);

/*
 * The captured headers, indexed by RestHeader.  A header kept whole keeps
 * the value of its last occurrence in a header block; a header kept in
 * part keeps the first part found (the first rel="next" link of any Link
 * header).  Capturing one more header takes one row here, its RestHeader
 * and its RestResponse field.
 */
static const RestCapturedHeader rest_captured_headers[] = {
	[REST_HEADER_CONTENT_TYPE] =
	{"Content-Type", offsetof(RestResponse, content_type), NULL},
	[REST_HEADER_LINK_NEXT] =
	{"Link", offsetof(RestResponse, link_next), rest_link_next},
	[REST_HEADER_CONTENT_RANGE] =
	{"Content-Range", offsetof(RestResponse, content_range), NULL},
	[REST_HEADER_TOTAL_COUNT] =
	{"X-Total-Count", offsetof(RestResponse, total_count), NULL},
	[REST_HEADER_LOCATION] =
	{"Location", offsetof(RestResponse, location), NULL},
	[REST_HEADER_RETRY_AFTER] =
	{"Retry-After", offsetof(RestResponse, retry_after), NULL},
	[REST_HEADER_ETAG] =
	{"ETag", offsetof(RestResponse, etag), NULL},
};

StaticAssertDecl(lengthof(rest_captured_headers) == REST_NUM_HEADERS,
				 "every RestHeader needs a row in rest_captured_headers");

static bool rest_attempt(RestConnection *conn, RestTransfer *xfer,
						 RestTable *table, RestResponse *resp,
						 RestRetry *retry, int64 *delay_ms);
static bool rest_renew_token(RestConnection *conn, RestTable *table,
							 RestTransfer *xfer, RestResponse *resp,
							 RestRetry *retry);
static bool rest_method_retriable(RestTable *table, RestRequest *req);
static char *rest_idempotency_header(RestTable *table);
static int64 rest_retry_delay(RestTransfer *xfer, RestTable *table,
							  RestRetry *retry);
static bool rest_transient_failure(RestTransfer *xfer);
static int64 rest_parse_retry_after(const char *value);
static void rest_retry_sleep(int64 delay_ms);
static void rest_transfer_reset(RestTransfer *xfer);
static void rest_transfer_setup(RestTransfer *xfer, RestTable *table,
								RestRequest *req, const char *key_header);
static bool rest_same_string(const char *a, const char *b);
static bool rest_settings_match(const RestHandleSettings *settings,
								RestTable *table, size_t body_limit);
static char *rest_settings_strdup(const char *value);
static void rest_set_handle(RestTransfer *xfer, RestTable *table,
							size_t body_limit);
static void rest_set_callbacks(RestTransfer *xfer);
static void rest_set_method(RestTransfer *xfer, RestRequest *req);
static void rest_set_headers(RestTransfer *xfer, RestTable *table,
							 RestRequest *req, const char *key_header);
static void rest_set_credentials(RestTransfer *xfer, RestTable *table);
static void rest_set_transport(RestTransfer *xfer, RestTable *table,
							   size_t body_limit);
static void rest_add_header(RestTransfer *xfer, const char *header);
static bool rest_header_listed(List *headers, const char *name);
static size_t rest_write_callback(char *ptr, size_t size, size_t nmemb,
								  void *userdata);
static size_t rest_header_callback(char *buffer, size_t size, size_t nitems,
								   void *userdata);
static void rest_start_header_block(RestTransfer *xfer, const char *line,
									size_t len);
static void rest_capture_header(RestTransfer *xfer, const char *name,
								size_t namelen, const char *value,
								size_t len);
static void rest_capture_set(RestCapture *cap, const char *value, size_t len);
static void rest_forget_headers(RestTransfer *xfer);
static bool rest_link_params(const char **pos, const char *end,
							 bool *is_next);
static void rest_link_param_value(const char **pos, const char *end,
								  const char **value, size_t *len);
static bool rest_rel_has_next(const char *rel, size_t len);
static void rest_collect_response(RestTransfer *xfer, RestResponse *resp);
static char *rest_capture_dup(RestCapture *cap);


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
 * RestResponseOk
 *		Is a response's status 2xx?  false for the status tolerated (0:
 *		none), which the caller handles; any other is reported as the
 *		error it maps to.
 */
bool
RestResponseOk(RestTable *table, RestRequest *req, RestResponse *resp,
			   long tolerated)
{
	if (resp->status >= 200 && resp->status <= 299)
		return true;
	if (tolerated != 0 && resp->status == tolerated)
		return false;
	RestReportResponseError(table, req, resp);
	return false;				/* keep compiler quiet */
}

/*
 * RestPerformOk
 *		Make a request and check its status (RestResponseOk): the one way
 *		scans, writes and ANALYZE perform, check 2xx and report.
 */
bool
RestPerformOk(RestConnection *conn, RestTable *table, RestRequest *req,
			  RestResponse *resp, RestStats *stats, long tolerated)
{
	RestPerform(conn, table, req, resp, stats);
	return RestResponseOk(table, req, resp, tolerated);
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
	const char *volatile token = NULL;

	RestPrepareConnection(conn, table);
	/* an OAuth token, fetched now if there is none, before the transfer */
	if (table->oauth_token_url != NULL)
		token = RestOAuthToken(conn, table, false);
	xfer = RestAcquireTransfer(conn);

	PG_TRY();
	{
		if (token != NULL)
			xfer->bearer = MemoryContextStrdup(CacheMemoryContext, token);
		/* a POST is retried only with a key that is the same for every try */
		xfer->key_header[0] = '\0';
		if (strcmp(req->method, "POST") == 0 &&
			table->idempotency_key_header != NULL)
			strlcpy(xfer->key_header, rest_idempotency_header(table),
					sizeof(xfer->key_header));
		INSTR_TIME_SET_CURRENT(xfer->started);
		rest_transfer_setup(xfer, table, req,
							xfer->key_header[0] ? xfer->key_header : NULL);
		RestTransferStart(conn, xfer);
		/* let libcurl start connecting now */
		RestTransfersProgress(conn);
	}
	PG_CATCH();
	{
		RestReleaseTransfer(conn, xfer);
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
	RestReleaseTransfer(conn, xfer);
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
	retry.token_renewed = false;

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
				RestTransferStart(conn, xfer);
			}
			if (rest_attempt(conn, xfer, table, resp, &retry, &delay_ms))
			{
				if (!rest_renew_token(conn, table, xfer, resp, &retry))
					break;
				continue;		/* at once, with the new token */
			}

			elog(DEBUG1, "rest_fdw: retrying %s %s in " INT64_FORMAT " ms, after attempt %d",
				 req->method, req->url, delay_ms, retry.attempt);
			rest_retry_sleep(delay_ms);
		}
	}
	PG_CATCH();
	{
		RestReleaseTransfer(conn, xfer);
		PG_RE_THROW();
	}
	PG_END_TRY();
	RestReleaseTransfer(conn, xfer);
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
 * rest_renew_token
 *		After a response, get a new OAuth token for the next attempt if the
 *		service refused the one sent (401) and none was renewed yet for this
 *		request; return whether the request is to be made again.
 *
 * The cached token may have been revoked, or have expired early; a
 * second 401 is the service's answer, reported by the caller.
 */
static bool
rest_renew_token(RestConnection *conn, RestTable *table, RestTransfer *xfer,
				 RestResponse *resp, RestRetry *retry)
{
	const char *token;

	if (resp->status != 401 || table->oauth_token_url == NULL ||
		retry->token_renewed)
		return false;
	retry->token_renewed = true;
	elog(DEBUG1, "rest_fdw: the service refused the access token of user mapping %u; renewing it",
		 table->umid);
	token = RestOAuthToken(conn, table, true);
	RestForgetBearer(xfer);
	xfer->bearer = MemoryContextStrdup(CacheMemoryContext, token);
	return true;
}

/*
 * RestForgetBearer
 *		Wipe and free the OAuth token a transfer sent.  Never throws.
 */
void
RestForgetBearer(RestTransfer *xfer)
{
	if (xfer->bearer == NULL)
		return;
	explicit_bzero(xfer->bearer, strlen(xfer->bearer));
	pfree(xfer->bearer);
	xfer->bearer = NULL;
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

	RestTransferWait(conn, xfer);
	delay = rest_retry_delay(xfer, table, retry);
	if (delay < 0)
	{
		RestCheckTransfer(xfer, table);
		rest_collect_response(xfer, resp);
	}
	RestTransferEnd(conn, xfer);

	*delay_ms = delay;
	return delay < 0;
}


/*
 * Retries.
 */

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
		RestUndoCheckInterrupt();

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
 * Setting up a transfer.
 */

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
	rest_forget_headers(xfer);
	xfer->errbuf[0] = '\0';
}

/*
 * rest_transfer_setup
 *		Set the options of the easy handle for this request: those of the
 *		server and user mapping only if the handle was set up with others
 *		(or not yet), then the request's own.
 */
static void
rest_transfer_setup(RestTransfer *xfer, RestTable *table, RestRequest *req,
					const char *key_header)
{
	size_t		body_limit;

	rest_transfer_reset(xfer);

	/* Keep the body in palloc's reach: at most MaxAllocSize - 1 bytes. */
	if (table->max_response_size > 0 &&
		table->max_response_size < (int64) MaxAllocSize - 1)
		body_limit = (size_t) table->max_response_size;
	else
		body_limit = MaxAllocSize - 1;
	xfer->body_limit = body_limit;

	if (!rest_settings_match(&xfer->settings, table, body_limit))
		rest_set_handle(xfer, table, body_limit);

	rest_set_method(xfer, req);
	RestSetRedirectPolicy(xfer, table, req->url);
	rest_set_headers(xfer, table, req, key_header);
	rest_set_credentials(xfer, table);
}

/* Are two option strings, either maybe NULL, the same? */
static bool
rest_same_string(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * rest_settings_match
 *		Was the handle set up with the options of this table's server?
 */
static bool
rest_settings_match(const RestHandleSettings *settings, RestTable *table,
					size_t body_limit)
{
	return settings->valid &&
		settings->ssl_verify == table->ssl_verify &&
		settings->connect_timeout_ms == table->connect_timeout_ms &&
		settings->timeout_ms == table->timeout_ms &&
		settings->body_limit == body_limit &&
		rest_same_string(settings->ssl_ca_file, table->ssl_ca_file) &&
		rest_same_string(settings->ssl_cert_file, table->ssl_cert_file) &&
		rest_same_string(settings->ssl_key_file, table->ssl_key_file) &&
		rest_same_string(settings->connect_to, table->connect_to);
}

/* A copy of an option string in CacheMemoryContext, or NULL. */
static char *
rest_settings_strdup(const char *value)
{
	return value != NULL ? MemoryContextStrdup(CacheMemoryContext, value)
		: NULL;
}

/*
 * rest_set_handle
 *		Set up the handle afresh: the options every request keeps, and
 *		those of the table's server, remembered in xfer->settings.
 */
static void
rest_set_handle(RestTransfer *xfer, RestTable *table, size_t body_limit)
{
	RestHandleSettings *settings = &xfer->settings;

	/* back to libcurl's defaults, then what no request changes */
	curl_easy_reset(xfer->easy);
	RestForgetHandleSettings(xfer);
	rest_set_callbacks(xfer);
	RestSetHandlePolicy(xfer);
	rest_set_transport(xfer, table, body_limit);
	RestSetConnectTo(xfer, table->connect_to);

	settings->ssl_verify = table->ssl_verify;
	settings->connect_timeout_ms = table->connect_timeout_ms;
	settings->timeout_ms = table->timeout_ms;
	settings->body_limit = body_limit;
	settings->ssl_ca_file = rest_settings_strdup(table->ssl_ca_file);
	settings->ssl_cert_file = rest_settings_strdup(table->ssl_cert_file);
	settings->ssl_key_file = rest_settings_strdup(table->ssl_key_file);
	settings->connect_to = rest_settings_strdup(table->connect_to);
	settings->valid = true;
}

/*
 * RestForgetHandleSettings
 *		Free what xfer->settings hold and the CONNECT_TO list; the handle
 *		must not point at that list any more (reset or cleaned up).  Never
 *		throws.
 */
void
RestForgetHandleSettings(RestTransfer *xfer)
{
	RestHandleSettings *settings = &xfer->settings;

	if (settings->ssl_ca_file != NULL)
		pfree(settings->ssl_ca_file);
	if (settings->ssl_cert_file != NULL)
		pfree(settings->ssl_cert_file);
	if (settings->ssl_key_file != NULL)
		pfree(settings->ssl_key_file);
	if (settings->connect_to != NULL)
		pfree(settings->connect_to);
	memset(settings, 0, sizeof(RestHandleSettings));
	curl_slist_free_all(xfer->connect_to);
	xfer->connect_to = NULL;
	xfer->connect_to_entry.valid = false;
}

/*
 * rest_set_callbacks
 *		Route the response body and headers to this transfer's callbacks.
 */
static void
rest_set_callbacks(RestTransfer *xfer)
{
	CURL	   *easy = xfer->easy;

	REST_SETOPT(easy, CURLOPT_PRIVATE, xfer);
	REST_SETOPT(easy, CURLOPT_WRITEFUNCTION, rest_write_callback);
	REST_SETOPT(easy, CURLOPT_WRITEDATA, xfer);
	REST_SETOPT(easy, CURLOPT_HEADERFUNCTION, rest_header_callback);
	REST_SETOPT(easy, CURLOPT_HEADERDATA, xfer);
	REST_SETOPT(easy, CURLOPT_ERRORBUFFER, xfer->errbuf);
	REST_SETOPT(easy, CURLOPT_HEADER, 0L);
	REST_SETOPT(easy, CURLOPT_NOSIGNAL, 1L);
	REST_SETOPT(easy, CURLOPT_NOPROGRESS, 1L);

	/*
	 * The path goes out as written: libcurl 8 would otherwise take an
	 * encoded key "%2E" or "%2E%2E" for a dot segment and remove it, which
	 * turns books/%2E%2E/ into the collection itself.
	 */
	REST_SETOPT(easy, CURLOPT_PATH_AS_IS, 1L);
	/* basic authentication goes to the original host only */
	REST_SETOPT(easy, CURLOPT_UNRESTRICTED_AUTH, 0L);
}

/*
 * rest_set_method
 *		Set the URL, the method and the body of the request.
 */
static void
rest_set_method(RestTransfer *xfer, RestRequest *req)
{
	CURL	   *easy = xfer->easy;
	bool		has_body = (req->body != NULL);

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
}

/*
 * rest_set_headers
 *		Set the request headers: defaults the table and request do not
 *		override, the user mapping's headers, the request's, the
 *		idempotency key, those of rest_fdw.context the server names, and
 *		the bearer token (the user mapping's or an OAuth one).
 */
static void
rest_set_headers(RestTransfer *xfer, RestTable *table, RestRequest *req,
				 const char *key_header)
{
	CURL	   *easy = xfer->easy;
	bool		has_body = (req->body != NULL);
	ListCell   *lc;

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
	foreach(lc, RestContextHeaderLines(table))
		rest_add_header(xfer, (const char *) lfirst(lc));
	if (xfer->bearer != NULL || table->bearer_token != NULL)
	{
		char	   *auth = psprintf("Authorization: Bearer %s",
									xfer->bearer != NULL ? xfer->bearer
									: table->bearer_token);

		rest_add_header(xfer, auth);
		/* don't leave the token behind in freed memory */
		explicit_bzero(auth, strlen(auth));
		pfree(auth);
	}
	REST_SETOPT(easy, CURLOPT_HTTPHEADER, xfer->headers);
}

/*
 * rest_set_credentials
 *		Set the user mapping's basic authentication, or none; libcurl
 *		sends it to the original host only.
 */
static void
rest_set_credentials(RestTransfer *xfer, RestTable *table)
{
	CURL	   *easy = xfer->easy;

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
}

/*
 * rest_set_transport
 *		Set TLS, timeouts, the body size limit and the other options of the
 *		connection.
 */
static void
rest_set_transport(RestTransfer *xfer, RestTable *table, size_t body_limit)
{
	CURL	   *easy = xfer->easy;

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
	REST_SETOPT(easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) body_limit);
	REST_SETOPT(easy, CURLOPT_USERAGENT, REST_USER_AGENT);
	/* no proxy from the environment: it would bypass allowed_hosts */
	REST_SETOPT(easy, CURLOPT_PROXY, "");
#if LIBCURL_VERSION_NUM >= 0x075700
	/* a cancel must not wait for a DNS lookup thread to finish */
	REST_SETOPT(easy, CURLOPT_QUICK_EXIT, 1L);
#endif
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
 * libcurl callbacks.  These run inside libcurl: no ereport, no palloc.
 */

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
		rest_start_header_block(xfer, buffer, len);
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

	rest_capture_header(xfer, name, namelen, value, end - value);
	return len;
}

/*
 * rest_start_header_block
 *		At a status line, "HTTP/1.1 302 Found", remember the status of the
 *		block it starts and forget the headers of the previous block.
 */
static void
rest_start_header_block(RestTransfer *xfer, const char *line, size_t len)
{
	const char *end = line + len;
	const char *p = memchr(line, ' ', len);

	xfer->block_status = 0;
	if (p != NULL)
	{
		for (p++; p < end && *p >= '0' && *p <= '9' &&
			 xfer->block_status < 1000; p++)
			xfer->block_status = xfer->block_status * 10 + (*p - '0');
	}
	rest_forget_headers(xfer);
}

/*
 * rest_capture_header
 *		Keep a header of rest_captured_headers, whole or the part it asks.
 */
static void
rest_capture_header(RestTransfer *xfer, const char *name, size_t namelen,
					const char *value, size_t len)
{
	int			i;

	for (i = 0; i < REST_NUM_HEADERS; i++)
	{
		const RestCapturedHeader *header = &rest_captured_headers[i];
		RestCapture *cap = &xfer->captured[i];
		const char *part;
		size_t		part_len;

		if (strlen(header->name) != namelen ||
			pg_strncasecmp(name, header->name, namelen) != 0)
			continue;
		if (header->part == NULL)
			rest_capture_set(cap, value, len);
		else if (!cap->present &&
				 header->part(value, len, &part, &part_len))
			rest_capture_set(cap, part, part_len);
		return;
	}
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
 * rest_forget_headers
 *		Mark every captured header absent.
 */
static void
rest_forget_headers(RestTransfer *xfer)
{
	int			i;

	for (i = 0; i < REST_NUM_HEADERS; i++)
		xfer->captured[i].present = false;
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

		if (!rest_link_params(&p, end, &is_next))
			return false;

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
 * rest_link_params
 *		Read the parameters of one link, from *pos up to the comma ending
 *		it, and tell whether its rel includes "next".  False if they are
 *		malformed.
 */
static bool
rest_link_params(const char **pos, const char *end, bool *is_next)
{
	const char *p = *pos;

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
			rest_link_param_value(&p, end, &pval, &pval_len);
		}

		if (pname_len == 3 && pg_strncasecmp(pname, "rel", 3) == 0 &&
			pval != NULL && rest_rel_has_next(pval, pval_len))
			*is_next = true;
	}

	*pos = p;
	return true;
}

/*
 * rest_link_param_value
 *		Read a parameter's value after its "=", quoted or not, from *pos.
 */
static void
rest_link_param_value(const char **pos, const char *end,
					  const char **value, size_t *len)
{
	const char *p = *pos;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p == '"')
	{
		/* quoted-string; relation types contain no escapes */
		*value = ++p;
		while (p < end && *p != '"')
		{
			if (*p == '\\' && p + 1 < end)
				p++;
			p++;
		}
		*len = p - *value;
		if (p < end)
			p++;				/* closing quote */
	}
	else
	{
		*value = p;
		while (p < end && *p != ';' && *p != ',' &&
			   *p != ' ' && *p != '\t')
			p++;
		*len = p - *value;
	}
	*pos = p;
}

/*
 * rest_rel_has_next
 *		Is "next" among the space-separated relation types of a rel value?
 */
static bool
rest_rel_has_next(const char *rel, size_t len)
{
	const char *r = rel;
	const char *rend = rel + len;

	while (r < rend)
	{
		const char *tok;

		while (r < rend && (*r == ' ' || *r == '\t'))
			r++;
		tok = r;
		while (r < rend && *r != ' ' && *r != '\t')
			r++;
		if (r - tok == 4 && pg_strncasecmp(tok, "next", 4) == 0)
			return true;
	}
	return false;
}


/*
 * Responses.
 */

/*
 * rest_collect_response
 *		Copy status, body and captured headers into the caller's memory.
 */
static void
rest_collect_response(RestTransfer *xfer, RestResponse *resp)
{
	long		status = 0;
	int			i;

	curl_easy_getinfo(xfer->easy, CURLINFO_RESPONSE_CODE, &status);
	resp->status = status;

	resp->body = palloc(xfer->body_len + 1);
	if (xfer->body_len > 0)
		memcpy(resp->body, xfer->body, xfer->body_len);
	resp->body[xfer->body_len] = '\0';
	resp->body_len = xfer->body_len;

	for (i = 0; i < REST_NUM_HEADERS; i++)
		*(char **) ((char *) resp + rest_captured_headers[i].response_field) =
			rest_capture_dup(&xfer->captured[i]);
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
