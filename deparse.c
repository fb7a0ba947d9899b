/*-------------------------------------------------------------------------
 *
 * deparse.c
 *		  Translation of scans and row operations into request URLs.
 *
 * A URL is built from the table's collection URL, the dialect's
 * conventions and values known only at execution (a key taken from a
 * parameter, say).  Every value is put in the dialect's own syntax first
 * and then percent-encoded (RFC 3986), since services decode the URL before
 * they parse their own grammar.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"

#include "rest_fdw.h"

/*
 * RestItemUrl
 *		The URL of the one row whose key has the given text; with a NULL
 *		text, the URL with a placeholder naming the key column (for EXPLAIN).
 *
 * Django REST framework and json-server address a row by a path segment
 * (the trailing slash follows the collection's own style); PostgREST has no
 * item paths and selects the row by a filter on the key.
 */
char *
RestItemUrl(RestTable *table, const char *key_text)
{
	StringInfoData buf;
	const char *url = table->collection_url;
	size_t		len = strlen(url);
	bool		trailing_slash = len > 0 && url[len - 1] == '/';
	RestColumn *key = &table->columns[table->key_index];

	initStringInfo(&buf);
	appendStringInfoString(&buf, url);
	if (table->dialect == REST_DIALECT_POSTGREST)
	{
		appendStringInfoChar(&buf, '?');
		RestAppendEncoded(&buf, key->field ? key->field : key->attname);
		appendStringInfoString(&buf, "=eq.");
	}
	else if (!trailing_slash)
		appendStringInfoChar(&buf, '/');

	if (key_text != NULL)
		RestAppendEncoded(&buf, key_text);
	else
		appendStringInfo(&buf, "{%s}", key->attname);

	if (table->dialect != REST_DIALECT_POSTGREST && trailing_slash)
		appendStringInfoChar(&buf, '/');
	return buf.data;
}

/*
 * RestCollectionUrl
 *		The URL of the first page of the whole collection.
 */
char *
RestCollectionUrl(RestTable *table)
{
	if (table->page_size <= 0)
		return pstrdup(table->collection_url);

	switch (table->dialect)
	{
		case REST_DIALECT_DRF:
			/* honoured by LimitOffsetPagination, ignored by the others */
			return psprintf("%s?limit=%d", table->collection_url,
							table->page_size);
		case REST_DIALECT_POSTGREST:
			return psprintf("%s?limit=%d", table->collection_url,
							table->page_size);
		case REST_DIALECT_JSON_SERVER:
			return psprintf("%s?_page=1&_limit=%d", table->collection_url,
							table->page_size);
	}
	return pstrdup(table->collection_url);
}
