/*-------------------------------------------------------------------------
 *
 * http_internal.h
 *		  What the transport files of rest_fdw share, and nothing else.
 *
 * The transport is split by job: connection.c keeps the connection cache,
 * the transaction callbacks and the multi handle with its wait loop;
 * request.c makes one request (easy handle options, libcurl callbacks,
 * retries); errors.c turns libcurl and HTTP results into errors;
 * hostpolicy.c enforces rest_fdw.allowed_hosts, CONNECT_TO and the
 * redirect rules; url.c parses, compares and encodes URLs; oauth.c gets
 * and caches OAuth access tokens; context.c turns the setting
 * rest_fdw.context into request headers.  They all work
 * on one RestTransfer, declared here.  What the rest of the wrapper calls
 * is declared in rest_fdw.h.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HTTP_INTERNAL_H
#define HTTP_INTERNAL_H

#include <netinet/in.h>

#include <curl/curl.h>

#include "datatype/timestamp.h"
#include "portability/instr_time.h"

#include "rest_fdw.h"

/* Longest header value captured; longer values are truncated. */
#define REST_CAPTURE_SIZE		8192

/* Longest host name in rest_fdw.allowed_hosts or a CONNECT_TO entry. */
#define REST_HOST_NAME_MAX		255

/* Redirects followed per request. */
#define REST_MAX_REDIRECTS		5

/* Longest single wait before libcurl is driven again, in milliseconds. */
#define REST_MAX_WAIT_MS		1000

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

/*
 * The response headers a transfer captures, indexes of its captured[]
 * array; request.c's table says which header each one is and where it
 * goes in a RestResponse.
 */
typedef enum RestHeader
{
	REST_HEADER_CONTENT_TYPE,
	REST_HEADER_LINK_NEXT,		/* target of the first rel="next" link */
	REST_HEADER_CONTENT_RANGE,
	REST_HEADER_TOTAL_COUNT,
	REST_HEADER_LOCATION,
	REST_HEADER_RETRY_AFTER,
	REST_HEADER_ETAG,
	REST_NUM_HEADERS
} RestHeader;

/* Scheme, host and port of a URL, compared to vet redirects. */
/* longest "scheme://authority" whose parsed origin a transfer keeps */
#define REST_ORIGIN_URL_MAX 256

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

/*
 * The options of the server and user mapping an easy handle was set up
 * with (request.c); they stay set from one request to the next, and are
 * set again only when a request's table has others.  Strings are copies
 * in CacheMemoryContext.  No secret is kept here.
 */
typedef struct RestHandleSettings
{
	bool		valid;			/* the handle has these options */
	bool		ssl_verify;
	long		connect_timeout_ms;
	long		timeout_ms;
	size_t		body_limit;		/* max_response_size, within palloc's reach */
	char	   *ssl_ca_file;	/* or NULL */
	char	   *ssl_cert_file;	/* or NULL */
	char	   *ssl_key_file;	/* or NULL */
	char	   *connect_to;		/* or NULL */
} RestHandleSettings;

/*
 * One transfer: an easy handle and what it received.  Allocated in
 * CacheMemoryContext with its connection; the body buffer is malloc'd
 * because the write callback grows it.
 */
struct RestTransfer
{
	CURL	   *easy;
	bool		in_use;			/* owned by a request or a scan */
	uint64		ticket;			/* tells one use from the next */
	bool		reclaimable;	/* its scan is shut down: another request
								 * may take it (RestParkTransfer) */
	SubTransactionId subid;		/* subtransaction of its owner */
	bool		active;			/* added to the multi handle */
	bool		done;			/* libcurl reported completion */
	CURLcode	result;			/* completion code, once done */

	/* request state, freed after each request */
	struct curl_slist *headers;

	/* the handle's options that stay from one request to the next */
	RestHandleSettings settings;
	struct curl_slist *connect_to;	/* CONNECT_TO list of the settings */

	/*
	 * Redirects follow the server option follow_redirects.  libcurl
	 * withholds credentials and Authorization from other hosts on
	 * redirect, but not other headers, which from the user mapping may be
	 * secret: with such headers, a redirect always stays at the origin.
	 */
	RestRedirects redirects;	/* which redirects may be followed */
	bool		secret_headers; /* the user mapping sets headers */
	RestOrigin	origin;			/* origin of the request URL */
	char		origin_url[REST_ORIGIN_URL_MAX];	/* the "scheme://authority"
													 * origin was parsed from */
	int			origin_url_len; /* its length, 0 if none */
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
	RestCapture captured[REST_NUM_HEADERS];

	/* what stays the same across the attempts of one request */
	char		key_header[128];	/* "Name: key", or "" */
	char	   *bearer;			/* OAuth access token sent, or NULL */
	instr_time	started;		/* when the first attempt started */

	char		errbuf[CURL_ERROR_SIZE];
};

/*
 * What the error context says about a request; RestPushRequestContext
 * installs it.
 */
typedef struct RestRequestContext
{
	const char *method;
	const char *url;
	long		status;			/* HTTP status, or -1 if none yet */
	int			attempts;		/* attempts made or under way */
	ErrorContextCallback callback;
} RestRequestContext;

/*
 * The OAuth access token of a user mapping, kept with its connection
 * (oauth.c fills it, connection.c wipes it when the connection goes).
 */
typedef struct RestTokenCache
{
	char	   *token;			/* in CacheMemoryContext, or NULL */
	bool		expires;		/* the endpoint announced a lifetime */
	TimestampTz renew_at;		/* when to fetch a new one, if expires */
} RestTokenCache;

/* Set a libcurl option; a failure to do so is an error. */
#define REST_SETOPT(easy, option, value) \
	do { \
		CURLcode	rc_ = curl_easy_setopt((easy), (option), (value)); \
		if (rc_ != CURLE_OK) \
			RestSetoptFailed(#option, rc_); \
	} while (0)

/* connection.c */
extern void RestPrepareConnection(RestConnection *conn, RestTable *table);
extern RestTransfer *RestAcquireTransfer(RestConnection *conn);
extern void RestReleaseTransfer(RestConnection *conn, RestTransfer *xfer);
extern void RestTransferStart(RestConnection *conn, RestTransfer *xfer);
extern void RestTransfersProgress(RestConnection *conn);
extern void RestTransferWait(RestConnection *conn, RestTransfer *xfer);
extern void RestTransferEnd(RestConnection *conn, RestTransfer *xfer);
extern RestTokenCache *RestConnectionToken(RestConnection *conn);

/* context.c */
extern void RestDefineContextSetting(void);
extern List *RestContextHeaderLines(RestTable *table);

/* errors.c */
extern void RestCheckTransfer(RestTransfer *xfer, RestTable *table);
extern bool RestConnectTimedOut(RestTransfer *xfer);
extern pg_noreturn void RestSetoptFailed(const char *option, CURLcode rc);
extern void RestPushRequestContext(RestRequestContext *context,
								   const char *method, const char *url,
								   long status, int attempts);
extern void RestPopRequestContext(RestRequestContext *context);

/* hostpolicy.c */
extern uint32 RestAllowedHostsGeneration(void);
extern void RestSetHandlePolicy(RestTransfer *xfer);
extern void RestSetRedirectPolicy(RestTransfer *xfer, RestTable *table,
								  const char *url);
extern void RestSetConnectTo(RestTransfer *xfer, const char *connect_to);
extern bool RestCheckRedirect(RestTransfer *xfer);

/* oauth.c */
extern const char *RestOAuthToken(RestConnection *conn, RestTable *table,
								  bool renew);
extern void RestForgetToken(RestTokenCache *cache);

/* request.c */
extern void RestForgetBearer(RestTransfer *xfer);
extern void RestForgetHandleSettings(RestTransfer *xfer);

/* url.c */
extern bool RestUrlOrigin(const char *base, const char *ref,
						  RestOrigin *origin);
extern bool RestOriginsEqual(const RestOrigin *a, const RestOrigin *b);

#endif							/* HTTP_INTERNAL_H */
