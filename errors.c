/*-------------------------------------------------------------------------
 *
 * errors.c
 *		  How rest_fdw reports a request that failed: libcurl results and
 *		  HTTP statuses as SQLSTATEs, the service's error body as DETAIL,
 *		  and the request as context
 *
 * Every error of a request says which request it was (method, URL, HTTP
 * status, attempts), through the one error context callback installed by
 * RestPushRequestContext.  A transfer that failed is reported by
 * RestCheckTransfer from what libcurl and the callbacks recorded; an HTTP
 * error status by RestReportResponseError, whose DETAIL renders the
 * service's error body.
 *
 * Design assumptions:
 *
 * - Text from the service (error bodies, header values, libcurl messages
 *	 that quote it) goes into messages only through RestDetail: bounded,
 *	 valid in the database encoding, free of control characters.
 *
 * - The error conventions of common frameworks (PostgREST, Django REST
 *	 framework, FastAPI, and {"message"} or {"error"} bodies) are rendered
 *	 as "field: message" items; anything else shows the start of the body.
 *	 A PostgREST error's SQLSTATE becomes the error's, and a refusal of a
 *	 duplicate row a unique violation, which clients act on.
 *
 * - Nothing here runs inside a libcurl callback: the callbacks only record
 *	 flags in the transfer, and these functions raise the errors once
 *	 libcurl has returned.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <jansson.h>

#include "mb/pg_wchar.h"

#include "http_internal.h"

/* Bounds of the DETAIL built from an error response. */
#define REST_ERROR_PARSE_MAX	(64 * 1024) /* bytes of body parsed as JSON */
#define REST_DETAIL_MAX			500 /* bytes of rendered detail */
#define REST_RAW_DETAIL_MAX		200 /* bytes of a body shown as is */

/* A bounded, sanitized text built from an error response. */
typedef struct RestDetail
{
	StringInfoData buf;
	size_t		max;			/* bytes allowed in buf */
	int			nitems;			/* items appended so far */
	bool		truncated;
} RestDetail;

static void rest_check_refusals(RestTransfer *xfer);
static void rest_report_curl_failure(RestTransfer *xfer, RestTable *table);
static const char *rest_curl_failure_message(CURLcode rc, int *sqlstate);
static pg_noreturn void rest_report_timeout(RestTransfer *xfer, RestTable *table);
static pg_noreturn void rest_report_redirect_loop(RestTransfer *xfer);
static pg_noreturn void rest_report_bad_scheme(RestTransfer *xfer);
static void rest_check_header_lengths(RestTransfer *xfer);
static void rest_report_host_refused(RestTransfer *xfer);
static void rest_report_redirect_refused(RestTransfer *xfer);
static void rest_request_error_callback(void *arg);
static const char *rest_status_message(long status, int *sqlstate);
static int	rest_status_hint(RestResponse *resp);
static char *rest_error_detail(RestResponse *resp, int *sqlstate);
static void rest_render_json_error(RestDetail *d, json_t *root,
								   int *sqlstate);
static void rest_render_postgrest_error(RestDetail *d, json_t *root,
										int *sqlstate);
static void rest_render_fastapi_detail(RestDetail *d, json_t *detail);
static void rest_render_value(RestDetail *d, const char *prefix,
							  json_t *value, int depth);
static char *rest_clean_text(const char *text, size_t max);
static void rest_detail_init(RestDetail *d, size_t max);
static void rest_detail_string(RestDetail *d, const char *prefix,
							   json_t *string);
static void rest_detail_item(RestDetail *d, const char *prefix,
							 const char *text, size_t len);
static void rest_detail_append(RestDetail *d, const char *text, size_t len);
static int	rest_service_sqlstate(const char *code);


/*
 * The request error context.
 */

/*
 * RestPushRequestContext
 *		Add the request to the error context of whatever is raised until
 *		RestPopRequestContext; the caller may update status and attempts.
 */
void
RestPushRequestContext(RestRequestContext *context, const char *method,
					   const char *url, long status, int attempts)
{
	context->method = method;
	context->url = url;
	context->status = status;
	context->attempts = attempts;
	context->callback.callback = rest_request_error_callback;
	context->callback.arg = context;
	context->callback.previous = error_context_stack;
	error_context_stack = &context->callback;
}

/*
 * RestPopRequestContext
 *		Remove the context RestPushRequestContext added.
 */
void
RestPopRequestContext(RestRequestContext *context)
{
	error_context_stack = context->callback.previous;
}

/*
 * rest_request_error_callback
 *		Error context: which request was being made.
 */
static void
rest_request_error_callback(void *arg)
{
	RestRequestContext *context = (RestRequestContext *) arg;

	(void) RestRequestErrcontext(context->method, context->url,
								 context->status, context->attempts);
}

/*
 * RestRequestErrcontext
 *		Add the request to the error being raised, in the words of every
 *		message about a request: "remote request METHOD URL", with the
 *		status it returned (-1: none yet) and the attempts made when more
 *		than one.  A NULL method: url names the request as RestRequestName
 *		reads it.  Returns 0, so that it may stand inside ereport().
 */
int
RestRequestErrcontext(const char *method, const char *url, long status,
					  int attempts)
{
	const char *request = method != NULL
		? psprintf("%s %s", method, url) : RestRequestName(url);

	if (attempts > 1 && status >= 0)
		errcontext("remote request %s returned HTTP %ld after %d attempts",
				   request, status, attempts);
	else if (attempts > 1)
		errcontext("remote request %s failed after %d attempts",
				   request, attempts);
	else if (status >= 0)
		errcontext("remote request %s returned HTTP %ld", request, status);
	else
		errcontext("remote request %s", request);
	return 0;
}

/*
 * RestRequestName
 *		"GET url", or the text itself when it starts with a method ("PATCH
 *		http://..."): how the readers of a response name the request in
 *		messages.  An empty text for NULL.
 */
const char *
RestRequestName(const char *what)
{
	const char *p = what;

	if (what == NULL)
		return "";
	while (*p >= 'A' && *p <= 'Z')
		p++;
	if (p > what && *p == ' ')
		return what;
	return psprintf("GET %s", what);
}

/*
 * Failed transfers.
 */

/*
 * RestCheckTransfer
 *		Raise the error matching a failed transfer: a limit or a policy the
 *		callbacks enforced, libcurl's failure, or a header value too long
 *		to be used.
 */
void
RestCheckTransfer(RestTransfer *xfer, RestTable *table)
{
	rest_check_refusals(xfer);
	if (xfer->result != CURLE_OK)
		rest_report_curl_failure(xfer, table);
	rest_check_header_lengths(xfer);
}

/*
 * rest_check_refusals
 *		Raise the error for what the callbacks refused: a body over
 *		max_response_size, a host rest_fdw.allowed_hosts forbids, a
 *		redirect, or memory to buffer the body.
 */
static void
rest_check_refusals(RestTransfer *xfer)
{
	CURLcode	rc = xfer->result;

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
}

/*
 * rest_report_curl_failure
 *		Raise the error matching libcurl's result code.
 */
static void
rest_report_curl_failure(RestTransfer *xfer, RestTable *table)
{
	CURLcode	rc = xfer->result;
	int			sqlstate;
	const char *message;
	char	   *why;

	if (rc == CURLE_OPERATION_TIMEDOUT)
		rest_report_timeout(xfer, table);
	if (rc == CURLE_TOO_MANY_REDIRECTS)
		rest_report_redirect_loop(xfer);
	if (rc == CURLE_UNSUPPORTED_PROTOCOL)
		rest_report_bad_scheme(xfer);

	message = rest_curl_failure_message(rc, &sqlstate);
	/* libcurl's message may quote the service, e.g. a host it redirected to */
	why = rest_clean_text(xfer->errbuf[0] ? xfer->errbuf :
						  curl_easy_strerror(rc), REST_DETAIL_MAX);
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("%s", _(message)),
			 errdetail_internal("%s", why)));
}

/*
 * rest_curl_failure_message
 *		The message and SQLSTATE of a libcurl failure whose DETAIL is
 *		libcurl's own text.
 */
static const char *
rest_curl_failure_message(CURLcode rc, int *sqlstate)
{
	*sqlstate = ERRCODE_FDW_ERROR;
	switch (rc)
	{
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_COULDNT_RESOLVE_PROXY:
		case CURLE_COULDNT_CONNECT:
			*sqlstate = ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION;
			return gettext_noop("could not connect to service");

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
			*sqlstate = ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION;
			return gettext_noop("could not establish a secure connection to service");

		case CURLE_URL_MALFORMAT:
			return gettext_noop("invalid URL");

		case CURLE_SEND_ERROR:
			return gettext_noop("could not send request to service");

		case CURLE_OUT_OF_MEMORY:
			*sqlstate = ERRCODE_OUT_OF_MEMORY;
			return gettext_noop("out of memory");

		case CURLE_BAD_CONTENT_ENCODING:
		case CURLE_PARTIAL_FILE:
		case CURLE_RECV_ERROR:
		case CURLE_GOT_NOTHING:
		case CURLE_WEIRD_SERVER_REPLY:
		case CURLE_HTTP2:
		case CURLE_HTTP2_STREAM:
		case CURLE_WRITE_ERROR:
			return gettext_noop("could not read response from service");

		default:
			return gettext_noop("request to service failed");
	}
}

/*
 * rest_report_timeout
 *		Raise the error for a timeout: before a connection was made (or the
 *		request sent), or while waiting for the response.
 */
static void
rest_report_timeout(RestTransfer *xfer, RestTable *table)
{
	if (RestConnectTimedOut(xfer))
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
}

/*
 * rest_report_redirect_loop
 *		Raise the error for more than REST_MAX_REDIRECTS redirects.
 */
static void
rest_report_redirect_loop(RestTransfer *xfer)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("too many redirects from service"),
			 errdetail("The service redirected more than %d times, the last time to \"%s\".",
					   REST_MAX_REDIRECTS,
					   rest_clean_text(xfer->captured[REST_HEADER_LOCATION].value,
									   REST_RAW_DETAIL_MAX)),
			 errhint("A redirect loop is a fault of the service, or of its URL in the server option \"base_url\".")));
}

/*
 * rest_report_bad_scheme
 *		Raise the error for a URL, requested or redirected to, that is not
 *		http or https.
 */
static void
rest_report_bad_scheme(RestTransfer *xfer)
{
	long		redirects = 0;

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
}

/*
 * rest_check_header_lengths
 *		Raise an error if a captured URL was truncated: it would silently
 *		lead elsewhere.
 */
static void
rest_check_header_lengths(RestTransfer *xfer)
{
	RestCapture *link_next = &xfer->captured[REST_HEADER_LINK_NEXT];
	RestCapture *location = &xfer->captured[REST_HEADER_LOCATION];

	if (link_next->present && link_next->truncated)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("next-page link from service is too long"),
				 errdetail("Header values longer than %d bytes are not supported.",
						   REST_CAPTURE_SIZE - 1)));
	if (location->present && location->truncated)
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
	char	   *target = rest_clean_text(xfer->captured[REST_HEADER_LOCATION].value,
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
 * RestConnectTimedOut
 *		Did a timeout strike before the request could be sent?
 *
 * The request size counts the bytes of the request sent, on a new or a
 * reused connection; connect time stays zero for a reused one, and
 * libcurl 8.23 sets the pre-transfer time when a connect times out.
 */
bool
RestConnectTimedOut(RestTransfer *xfer)
{
	long		request_size = 0;

	curl_easy_getinfo(xfer->easy, CURLINFO_REQUEST_SIZE, &request_size);
	return request_size == 0;
}

/*
 * RestSetoptFailed
 *		Report that libcurl refused an option (REST_SETOPT).
 */
void
RestSetoptFailed(const char *option, CURLcode rc)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("could not set libcurl option %s", option),
			 errdetail_internal("%s", curl_easy_strerror(rc))));
}


/*
 * Error responses.
 */

/*
 * RestReportResponseError
 *		Raise the error matching an HTTP error status.
 *
 * The DETAIL renders the service's error body, which is parsed as JSON
 * when it can be (or the dialect renders it); a PostgREST error carrying
 * a SQLSTATE keeps that code.
 */
void
RestReportResponseError(RestTable *table, RestRequest *req,
						RestResponse *resp)
{
	RestRequestContext context;
	int			sqlstate = 0;
	int			status_sqlstate;
	const char *message;
	char	   *detail;
	char	   *dialect_detail;

	RestPushRequestContext(&context, req->method, req->url, resp->status,
						   resp->attempts);

	detail = rest_error_detail(resp, &sqlstate);
	dialect_detail = RestDialectErrorDetail(table, resp);
	if (dialect_detail != NULL)
		detail = rest_clean_text(dialect_detail, REST_DETAIL_MAX);
	/* a duplicate is a unique violation, which clients (Django) act on */
	if (sqlstate == 0 && RestIsDuplicateRefusal(table, resp))
		sqlstate = ERRCODE_UNIQUE_VIOLATION;

	message = rest_status_message(resp->status, &status_sqlstate);
	ereport(ERROR,
			(errcode(sqlstate != 0 ? sqlstate : status_sqlstate),
			 errmsg("%s", _(message)),
			 detail ? errdetail_internal("%s", detail) : 0,
			 rest_status_hint(resp)));
	pg_unreachable();
}

/*
 * rest_status_message
 *		The message and SQLSTATE of an HTTP error status.
 */
static const char *
rest_status_message(long status, int *sqlstate)
{
	*sqlstate = ERRCODE_FDW_ERROR;
	if (status == 400 || status == 422)
	{
		*sqlstate = ERRCODE_DATA_EXCEPTION;
		return gettext_noop("service rejected the request");
	}
	if (status == 401 || status == 403)
	{
		*sqlstate = ERRCODE_INSUFFICIENT_PRIVILEGE;
		return gettext_noop("permission denied by service");
	}
	if (status == 404)
	{
		*sqlstate = ERRCODE_FDW_TABLE_NOT_FOUND;
		return gettext_noop("resource not found on service");
	}
	if (status == 409)
	{
		*sqlstate = ERRCODE_UNIQUE_VIOLATION;
		return gettext_noop("service reported a conflict");
	}
	if (status == 429)
		return gettext_noop("service rate limit exceeded");
	if (status >= 500 && status <= 599)
		return gettext_noop("service error");
	return gettext_noop("unexpected response from service");
}

/*
 * rest_status_hint
 *		Add the HINT of an HTTP error status, if it has one (inside
 *		ereport).
 */
static int
rest_status_hint(RestResponse *resp)
{
	if (resp->status == 401)
		return errhint("Check the credentials in the user mapping.");
	if (resp->status != 429)
		return 0;
	if (resp->retry_after != NULL)
		return errhint("The service asks to retry after %s (Retry-After header).",
					   rest_clean_text(resp->retry_after, 64));
	return errhint("Retry later, or make fewer requests.");
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
		rest_render_postgrest_error(d, root, sqlstate);
		return;
	}

	/* DRF {"detail": "..."}; FastAPI {"detail": [{"loc", "msg"}, ...]} */
	if (json_is_string(detail))
	{
		rest_detail_string(d, "", detail);
		return;
	}
	if (json_is_array(detail))
	{
		rest_render_fastapi_detail(d, detail);
		return;
	}

	/* {"message": "..."}, {"error": "..."}, {"error": {"message": ...}} */
	if (json_is_string(message))
	{
		rest_detail_string(d, "", message);
		return;
	}
	if (json_is_string(error))
	{
		rest_detail_string(d, "", error);
		return;
	}
	if (json_is_object(error) &&
		json_is_string(json_object_get(error, "message")))
	{
		rest_detail_string(d, "", json_object_get(error, "message"));
		return;
	}

	/* DRF field errors: {"field": ["msg", ...], "non_field_errors": [...]} */
	rest_render_value(d, "", root, 0);
}

/*
 * rest_render_postgrest_error
 *		Render a PostgREST error, {"code", "message", "details", "hint"},
 *		and take its code as the SQLSTATE if it is one.
 */
static void
rest_render_postgrest_error(RestDetail *d, json_t *root, int *sqlstate)
{
	json_t	   *code = json_object_get(root, "code");
	json_t	   *details = json_object_get(root, "details");

	rest_detail_string(d, "", json_object_get(root, "message"));
	if (json_is_string(details) && json_string_length(details) > 0)
		rest_detail_string(d, "", details);
	if (json_is_string(code))
		*sqlstate = rest_service_sqlstate(json_string_value(code));
}

/*
 * rest_render_fastapi_detail
 *		Render FastAPI's validation errors, [{"loc": [...], "msg": ...}],
 *		as "loc.path: msg" items.
 */
static void
rest_render_fastapi_detail(RestDetail *d, json_t *detail)
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
		rest_detail_string(d, prefix.data, msg);
		pfree(prefix.data);
	}
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
			rest_detail_string(d, prefix, value);
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
 * rest_detail_string
 *		Append a JSON string as one item (rest_detail_item).
 */
static void
rest_detail_string(RestDetail *d, const char *prefix, json_t *string)
{
	rest_detail_item(d, prefix, json_string_value(string),
					 json_string_length(string));
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
