/*-------------------------------------------------------------------------
 *
 * url.c
 *		  URL helpers of rest_fdw: origins, resolution, percent-encoding
 *
 * URLs are parsed with libcurl's URL API, the parser libcurl itself uses
 * to follow them, so that what the wrapper decides about a URL (its
 * origin, where a reference leads) is what libcurl will do with it.
 *
 * Design assumptions:
 *
 * - RestUrlOrigin runs inside the header and open-socket callbacks: it
 *	 uses malloc only (libcurl's), never palloc or ereport.
 *
 * - Only http and https URLs come out of RestResolveUrl, so a link from
 *	 the service never leads the wrapper to another protocol.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "http_internal.h"

static const char *rest_url_strerror(CURLUcode rc);


/*
 * RestUrlOrigin
 *		Scheme, host and port of base, or of ref resolved against base.
 *
 * Returns false if the URL does not parse or a part does not fit.  Uses
 * malloc only: called from the header callback.
 */
bool
RestUrlOrigin(const char *base, const char *ref, RestOrigin *origin)
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

	return RestUrlOrigin(url1, NULL, &o1) &&
		RestUrlOrigin(url2, NULL, &o2) &&
		RestOriginsEqual(&o1, &o2);
}

/*
 * RestOriginsEqual
 *		Are two origins the same: scheme and host compared without regard
 *		to case, port exactly?
 */
bool
RestOriginsEqual(const RestOrigin *a, const RestOrigin *b)
{
	return pg_strcasecmp(a->scheme, b->scheme) == 0 &&
		pg_strcasecmp(a->host, b->host) == 0 &&
		strcmp(a->port, b->port) == 0;
}

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
 * "/" and spaces, becomes %XX.  So do the dots of a value that is "." or
 * ".." alone: as a path segment (an item's key) it would be a dot segment,
 * which libcurl resolves ("books/../" is the parent of books/).
 */
void
RestAppendEncoded(StringInfo buf, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	bool		dot_segment = (strcmp(value, ".") == 0 ||
							   strcmp(value, "..") == 0);

	for (p = (const unsigned char *) value; *p != '\0'; p++)
	{
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			(*p >= '0' && *p <= '9') ||
			*p == '-' || (*p == '.' && !dot_segment) || *p == '_' || *p == '~')
			appendStringInfoChar(buf, (char) *p);
		else
		{
			appendStringInfoChar(buf, '%');
			appendStringInfoChar(buf, hex[*p >> 4]);
			appendStringInfoChar(buf, hex[*p & 0x0F]);
		}
	}
}

