/*-------------------------------------------------------------------------
 *
 * pager.c
 *		  One scan's pages: the requests a foreign scan makes and the rows
 *		  they return, whatever the dialect.
 *
 * A scan (RestPager, pager.h) asks for the item when the query fixes the
 * key, for the count when the service counts, and otherwise for the pages
 * of the collection:
 * - the first URL is the collection's with the scan's parameters and the
 *   dialect's first-page parameters (set_first_url); an IN list too long
 *   for one URL, or with more values than the service reads, is split
 *   over several requests, each with the first page of one part;
 * - each next page is the one the response names (an envelope's link, a
 *   Link header), or the next range the dialect reads off the page
 *   (find_next_page), same origin and never a page already read;
 * - when the dialect's page URLs are predictable and the first page
 *   reports the total, the pages after it are asked for ahead, up to the
 *   table's prefetch, while the current one is read (start_prefetch); a
 *   page shorter than asked, before the last, gives that up;
 * - pages that cannot start at an OFFSET are read from row 0 and the rows
 *   skipped here; numbered pages are checked to be the window asked for
 *   before a row of them is returned (check_page_window);
 * - the scan feeding an UPDATE or DELETE of the same table reads every
 *   page first (read_all_pages).
 *
 * A page is held in the page context, read in place by json.c's reader;
 * a row's values live in the row context, which the caller resets per
 * row.  An HTTP error or a broken page is an error, never a short result
 * (RestPerformOk, request.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "dialect.h"
#include "pager.h"

/*
 * Transfers of the connection that pages asked for ahead leave free, for
 * the requests waited for at once.
 */
#define REST_TRANSFERS_KEPT_FREE	1

/* A page read ahead by a scan that reads every page first. */
typedef struct RestReadPage
{
	char	   *url;
	const char *body;
	size_t		len;
} RestReadPage;

static void set_first_url(RestPager *pager);
static char *split_chunk_url(RestPager *pager);
static char *split_part_url(RestPager *pager, int count);
static bool url_fits(RestPager *pager, const char *url);
static bool next_split_chunk(RestPager *pager);
static void read_all_pages(RestPager *pager);
static bool perform_get(RestPager *pager, char *url, List *headers,
						RestResponse *resp);
static long past_end_status(RestPager *pager);
static void page_past_end(RestPager *pager);
static void fetch_page(RestPager *pager);
static void check_page_window(RestPager *pager);
static bool page_holds_window(int64 rows, bool has_next, int64 total,
							  int64 start, int64 size);
static void goto_page(RestPager *pager, int64 page, int64 skip,
					  RestPageWindow window);
static void forget_pages(RestPager *pager);
static void open_page(RestPager *pager, RestResponse *resp);
static bool prefetch_possible(RestPager *pager);
static void start_prefetch(RestPager *pager, RestResponse *resp);
static void ask_ahead(RestPager *pager, bool need_one);
static bool next_ahead_page(RestPager *pager);
static void cancel_ahead(RestPager *pager);
static void unpark(RestPager *pager);
static void check_ahead(RestPager *pager);
static int64 count_rows(RestPager *pager, RestResponse *first);
static void find_next_page(RestPager *pager, RestResponse *resp);
static bool remember_page(RestPager *pager, const char *url);

/*
 * RestPagerInit
 *		Set up the pages of a scan of a table, with the connection and the
 *		memory contexts (children of parent).
 */
void
RestPagerInit(RestPager *pager, RestTable *table, RestScanKind kind,
			  bool read_all_first, MemoryContext parent)
{
	pager->table = table;
	pager->conn = RestGetConnection(table);
	pager->kind = kind;
	pager->read_all_first = read_all_first;
	pager->split_param = -1;
	pager->rows_wanted = -1;
	pager->limit_rows = -1;
	pager->nahead = 0;
	pager->ahead_short = false;
	pager->parked = false;
	pager->owner_subid = GetCurrentSubTransactionId();
	pager->row = palloc0(sizeof(RestJsonValue) * Max(table->ncolumns, 1));
	initStringInfo(&pager->next_url);
	pager->page_cxt = AllocSetContextCreate(parent, "rest_fdw page",
											ALLOCSET_DEFAULT_SIZES);
	pager->row_cxt = AllocSetContextCreate(parent, "rest_fdw row",
										   ALLOCSET_DEFAULT_SIZES);
	pager->scan_cxt = AllocSetContextCreate(parent, "rest_fdw scan",
											ALLOCSET_SMALL_SIZES);
	pager->chunk_cxt = AllocSetContextCreate(parent, "rest_fdw IN list part",
											 ALLOCSET_SMALL_SIZES);
}

/*
 * RestPagerReset
 *		Forget where the scan stood, to start again: the pages asked for
 *		ahead are given up, the contexts emptied.  The caller then computes
 *		the values of the next start in scan_cxt.
 */
void
RestPagerReset(RestPager *pager)
{
	cancel_ahead(pager);
	pager->prefetching = false;
	pager->ahead_short = false;
	pager->parked = false;
	pager->finished = false;
	pager->page_open = false;
	pager->single_row = false;
	pager->have_next = false;
	pager->read_pages = NIL;
	pager->pages_read = false;
	pager->rows_wanted = -1;
	pager->split_param = -1;
	pager->pages_seen = NULL;
	memset(&pager->reader, 0, sizeof(RestPageReader));
	MemoryContextReset(pager->page_cxt);
	MemoryContextReset(pager->row_cxt);
	MemoryContextReset(pager->scan_cxt);
	MemoryContextReset(pager->chunk_cxt);
	/* the URL buffer lives with the pager, not in its contexts */
	resetStringInfo(&pager->next_url);
}

/*
 * RestPagerStart
 *		Start reading: the item whose key has the value key, or the rows of
 *		the collection matching the parameters' values, from row offset,
 *		at most limit rows (-1: all).  may_split allows an IN list to be
 *		split over requests (the scan neither counts, sorts nor limits).
 */
void
RestPagerStart(RestPager *pager, List *params, RestParamValue *values,
			   RestParamValue *key, int64 offset, int64 limit, bool may_split)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(pager->scan_cxt);

	pager->params = params;
	pager->values = values;
	pager->key = key;
	pager->offset = Max(offset, 0);
	pager->limit_rows = limit;
	pager->rows_wanted = limit;
	pager->may_split = may_split;
	set_first_url(pager);
	MemoryContextSwitchTo(oldcxt);

	/*
	 * An OFFSET the first page cannot start at is skipped here; numbered
	 * pages are checked to start at the OFFSET before a row is returned.
	 */
	pager->skip_rows = 0;
	pager->window = REST_WINDOW_NONE;
	pager->own_links = false;
	if (pager->kind == REST_SCAN_COLLECTION && pager->have_next &&
		pager->page_offset > 0)
	{
		if (!RestCanSendOffset(pager->table, pager->limit_rows))
		{
			pager->skip_rows = pager->page_offset;
			pager->page_offset = 0;
			pager->next_offset = 0;
		}
		else if (pager->table->dialect->offset_by_page_number(pager->table))
		{
			pager->window = REST_WINDOW_CHECK;
			pager->window_start = pager->page_offset;
		}
	}
}

/*
 * RestPagerNextRow
 *		Read the next row into pager->row, fetching the next page when one
 *		is used up; false when there is none.  *skip says that the row is
 *		before the OFFSET, which the service could not apply: the caller
 *		checks it as any row, and does not return it.
 */
bool
RestPagerNextRow(RestPager *pager, bool *skip)
{
	if (pager->parked)
		unpark(pager);
	if (pager->read_all_first && !pager->pages_read)
	{
		pager->pages_read = true;
		read_all_pages(pager);
	}
	while (!pager->finished)
	{
		if (pager->rows_wanted == 0)
			break;

		if (pager->page_open)
		{
			bool		found;

			if (pager->single_row)
			{
				/* an item lookup's one row: the page holds nothing else */
				found = true;
				pager->single_row = false;
				pager->page_open = false;
			}
			else
			{
				MemoryContext oldcxt = MemoryContextSwitchTo(pager->row_cxt);

				found = RestPageNextRow(&pager->reader, pager->row);
				MemoryContextSwitchTo(oldcxt);
			}

			if (found)
			{
				pager->page_rows++;
				*skip = pager->skip_rows > 0;
				if (*skip)
					pager->skip_rows--;
				else if (pager->rows_wanted > 0)
					pager->rows_wanted--;
				return true;
			}
			pager->page_open = false;
			if (pager->prefetching)
			{
				if (next_ahead_page(pager))
					continue;
				break;
			}
			if (pager->kind == REST_SCAN_COLLECTION && !pager->read_all_first)
				find_next_page(pager, NULL);
		}

		if (pager->read_all_first)
		{
			RestReadPage *page;

			if (pager->read_pages == NIL)
				break;
			page = linitial(pager->read_pages);
			pager->read_pages = list_delete_first(pager->read_pages);
			pager->page_url = page->url;
			RestPageBegin(&pager->reader, pager->table, page->url, page->body,
						  page->len);
			pager->page_open = true;
			continue;
		}

		if (!pager->have_next && !next_split_chunk(pager))
			break;
		fetch_page(pager);
	}

	pager->finished = true;
	return false;
}

/*
 * RestPagerStop
 *		Give up the pages asked for ahead and not read (the query needed
 *		fewer rows).  Never throws.
 */
void
RestPagerStop(RestPager *pager)
{
	if (pager->conn != NULL)
		cancel_ahead(pager);
}

/*
 * RestPagerPark
 *		The executor shut the scan down: it may return no more rows (a
 *		LIMIT above it is reached), or go on (the next FETCH of a cursor).
 *		Let other requests take the transfers of the pages asked for ahead
 *		if they need them; the scan asks again for any taken when it goes
 *		on.  Never throws.
 */
void
RestPagerPark(RestPager *pager)
{
	int			i;

	for (i = 0; i < pager->nahead; i++)
		if (RestTransferOwned(pager->ahead[i].xfer, pager->ahead[i].ticket))
			RestParkTransfer(pager->ahead[i].xfer, true);
	pager->parked = true;
}

/*
 * unpark
 *		Take back the transfers of the pages asked for ahead, when the scan
 *		goes on after RestPagerPark.
 */
static void
unpark(RestPager *pager)
{
	int			i;

	pager->parked = false;
	for (i = 0; i < pager->nahead; i++)
		if (RestTransferOwned(pager->ahead[i].xfer, pager->ahead[i].ticket))
			RestParkTransfer(pager->ahead[i].xfer, false);
	check_ahead(pager);
}

/*
 * check_ahead
 *		If another request took the transfer of a page asked for ahead, or
 *		the abort of a subtransaction released it, give up the pages asked
 *		for ahead: they are asked for again, in order.
 */
static void
check_ahead(RestPager *pager)
{
	int			i;

	for (i = 0; i < pager->nahead; i++)
		if (!RestTransferOwned(pager->ahead[i].xfer, pager->ahead[i].ticket))
		{
			cancel_ahead(pager);
			return;
		}
}

/*
 * RestCollectKeys
 *		The texts of the keys of every row of a table's collection, read
 *		page after page as a scan does.
 */
List *
RestCollectKeys(RestTable *table, MemoryContext cxt)
{
	RestPager  *pager = palloc0(sizeof(RestPager));
	List	   *keys = NIL;

	/*
	 * Every page by its own link, one page in memory at a time (as a scan
	 * that reads every page first asks for them, but without keeping them).
	 */
	RestPagerInit(pager, table, REST_SCAN_COLLECTION, true, cxt);
	RestPagerStart(pager, NIL, NULL, NULL, 0, -1, false);
	while (pager->have_next)
	{
		fetch_page(pager);
		while (RestPageNextRow(&pager->reader, pager->row))
		{
			RestJsonValue *key = &pager->row[table->key_index];

			pager->page_rows++;
			if (key->kind == REST_JSON_MISSING || key->kind == REST_JSON_NULL)
				continue;
			keys = lappend(keys, MemoryContextStrdup(cxt, RestJsonValueText(key)));
		}
		pager->page_open = false;
		find_next_page(pager, NULL);
	}
	MemoryContextDelete(pager->page_cxt);
	MemoryContextDelete(pager->row_cxt);
	MemoryContextDelete(pager->scan_cxt);
	MemoryContextDelete(pager->chunk_cxt);
	return keys;
}

/*
 * set_first_url
 *		The URL of the first request: the item, or the first page of the
 *		collection (of the first part of a split IN list).
 */
static void
set_first_url(RestPager *pager)
{
	RestTable  *table = pager->table;
	StringInfoData url;
	char	   *base;
	int64		offset = pager->offset;

	if (pager->kind == REST_SCAN_ITEM)
	{
		RestParamValue *key = pager->key;

		if (key->isnull)
		{
			pager->finished = true;	/* key = NULL matches no row */
			return;
		}
		appendStringInfoString(&pager->next_url,
							   RestItemUrl(table,
										   RestDatumToUrlValue(key->value,
															   key->typid)));
		pager->have_next = true;
		return;
	}

	if (pager->split_param < 0)
	{
		base = RestBuildUrl(table, pager->params, pager->values, -1, 0, 0);

		/*
		 * Too long, or more values than the service reads: one request per
		 * part of the longest list that may be split (a top-level IN list,
		 * whose parts match disjoint rows), in a scan that neither counts,
		 * sorts nor stops after some rows.
		 */
		if (base != NULL && pager->may_split)
		{
			int			nelems;
			int			max_chunk;
			int			param = RestFindSplitParam(table, pager->params,
												   pager->values, &nelems,
												   &max_chunk);

			if (param >= 0 && nelems > 1 &&
				(!url_fits(pager, base) || nelems > max_chunk))
			{
				pager->split_param = param;
				pager->split_nelems = nelems;
				pager->split_max_chunk = max_chunk;
				pager->split_from = 0;
				pager->split_count = nelems;
			}
		}
	}
	if (pager->split_param >= 0)
		base = split_chunk_url(pager);
	if (base == NULL)
	{
		pager->finished = true;	/* a NULL value or an empty IN list */
		return;
	}

	initStringInfo(&url);
	appendStringInfoString(&url, base);
	pager->range_base = pstrdup(url.data);
	pager->next_offset = offset;
	pager->page_offset = offset;
	pager->page_index = 0;
	pager->page_size_asked = RestAppendPageParams(&url, table, pager->limit_rows,
											   offset,
											   pager->kind == REST_SCAN_COUNT);
	appendStringInfoString(&pager->next_url, url.data);
	pager->have_next = true;
}

/*
 * split_chunk_url
 *		The URL of the part of a split IN list from split_from, with as many
 *		elements as fit (at most split_count), setting split_count.
 *
 * The count is found by bisection, its URL built at each step.  A part
 * after the first starts from twice the size of the one before
 * (split_count), not from all the elements left: each part then costs
 * about its own length times a logarithm, and a list of n elements is
 * split in O(n log n), not O(n^2).
 */
static char *
split_chunk_url(RestPager *pager)
{
	int			count = Min(pager->split_count, pager->split_max_chunk);
	int			fits = 1;		/* taken even if too long */
	int			too_many;
	char	   *url = split_part_url(pager, count);
	char	   *best = NULL;

	if (url == NULL || count == 1 || url_fits(pager, url))
	{
		pager->split_count = count;
		return url;				/* NULL: no request, whatever the count */
	}
	pfree(url);
	too_many = count;
	while (too_many - fits > 1)
	{
		count = fits + (too_many - fits) / 2;
		url = split_part_url(pager, count);
		if (url_fits(pager, url))
		{
			if (best != NULL)
				pfree(best);
			best = url;
			fits = count;
		}
		else
		{
			pfree(url);
			too_many = count;
		}
	}
	pager->split_count = fits;
	return best != NULL ? best : split_part_url(pager, fits);
}

/*
 * split_part_url
 *		The URL of count elements of the split IN list from split_from.
 */
static char *
split_part_url(RestPager *pager, int count)
{
	CHECK_FOR_INTERRUPTS();
	return RestBuildUrl(pager->table, pager->params, pager->values,
						pager->split_param, pager->split_from, count);
}

/*
 * url_fits
 *		Is a collection URL, with the page parameters still to be added,
 *		no longer than the server's max_url_length?
 */
static bool
url_fits(RestPager *pager, const char *url)
{
	StringInfoData params;
	int			len;

	/* the page parameters' length, after the '?' an IN list brought */
	initStringInfo(&params);
	appendStringInfoChar(&params, '?');
	(void) RestAppendPageParams(&params, pager->table, pager->limit_rows,
								pager->offset, pager->kind == REST_SCAN_COUNT);
	len = (int) strlen(url) + params.len - 1;
	pfree(params.data);
	return len <= pager->table->max_url_length;
}

/*
 * next_split_chunk
 *		Move on to the next part of a split IN list, if any.  The URLs of
 *		the part before are freed (chunk_cxt).
 */
static bool
next_split_chunk(RestPager *pager)
{
	MemoryContext oldcxt;
	int			left;

	if (pager->split_param < 0 ||
		pager->split_from + pager->split_count >= pager->split_nelems)
		return false;
	pager->split_from += pager->split_count;
	left = pager->split_nelems - pager->split_from;
	pager->split_count = pager->split_count > left / 2 ? left :
		pager->split_count * 2;
	resetStringInfo(&pager->next_url);
	MemoryContextReset(pager->chunk_cxt);
	oldcxt = MemoryContextSwitchTo(pager->chunk_cxt);
	set_first_url(pager);
	MemoryContextSwitchTo(oldcxt);
	return pager->have_next;
}

/*
 * read_all_pages
 *		Fetch every page of the collection before any row is returned,
 *		keeping them all in the page context.
 */
static void
read_all_pages(RestPager *pager)
{
	for (;;)
	{
		MemoryContext oldcxt;
		RestReadPage *page;

		if (!pager->have_next && !next_split_chunk(pager))
			break;
		fetch_page(pager);
		oldcxt = MemoryContextSwitchTo(pager->page_cxt);
		page = palloc(sizeof(RestReadPage));
		page->url = pager->page_url;
		page->body = pager->reader.buf;
		page->len = pager->reader.len;
		pager->read_pages = lappend(pager->read_pages, page);
		MemoryContextSwitchTo(oldcxt);

		/* read through the rows to find the page's "next" link */
		oldcxt = MemoryContextSwitchTo(pager->row_cxt);
		while (RestPageNextRow(&pager->reader, pager->row))
			pager->page_rows++;
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(pager->row_cxt);
		pager->page_open = false;
		find_next_page(pager, NULL);
	}
}

/*
 * perform_get
 *		GET a URL; an error status raises the mapped error, except the
 *		status that says no row is there (past_end_status): then false.
 */
static bool
perform_get(RestPager *pager, char *url, List *headers, RestResponse *resp)
{
	RestRequest req = {0};

	req.method = "GET";
	req.url = url;
	req.extra_headers = headers;
	return RestPerformOk(pager->conn, pager->table, &req, resp, &pager->stats,
						 past_end_status(pager));
}

/*
 * past_end_status
 *		The status of a request of this scan that means no row is there:
 *		the 404 of a missing item, the 404 of a numbered page past the last
 *		(Django REST framework's "Invalid page."), the dialect's status of
 *		an offset past the last row (PostgREST's 416); 0 if none.
 */
static long
past_end_status(RestPager *pager)
{
	if (pager->kind == REST_SCAN_ITEM)
		return 404;
	if (pager->kind != REST_SCAN_COLLECTION || pager->read_all_first)
		return 0;
	if (pager->window == REST_WINDOW_CHECK ||
		pager->window == REST_WINDOW_JUMPED)
		return 404;
	return pager->table->dialect->past_end_status;
}

/*
 * page_past_end
 *		A page request found no row there.  Page k+1 of the size asked may
 *		be missing because the service pages otherwise: then look for the
 *		rows from page 1.  Otherwise the scan has no more rows.
 */
static void
page_past_end(RestPager *pager)
{
	memset(&pager->reader, 0, sizeof(RestPageReader));
	pager->page_open = false;
	pager->have_next = false;
	if (pager->window == REST_WINDOW_CHECK)
		goto_page(pager, 1, pager->window_start, REST_WINDOW_LOCATE);
	else
		pager->window = REST_WINDOW_NONE;
}

/*
 * fetch_page
 *		GET the next page and open it for reading.
 */
static void
fetch_page(RestPager *pager)
{
	RestTable  *table = pager->table;
	RestResponse resp = {0};
	List	   *headers;
	MemoryContext oldcxt;

	if (!pager->read_all_first)
		MemoryContextReset(pager->page_cxt);
	oldcxt = MemoryContextSwitchTo(pager->page_cxt);

	pager->have_next = false;
	pager->page_rows = 0;
	pager->content_range = NULL;

	/* the total the service reports bounds the pages asked ahead */
	if (prefetch_possible(pager))
	{
		StringInfoData url;

		initStringInfo(&url);
		appendStringInfoString(&url, pager->next_url.data);
		if (table->dialect->total_params != NULL)
			table->dialect->total_params(&url, table);
		pager->page_url = url.data;
		headers = RestRequestHeaders(table, REST_REQUEST_PAGE, REST_ASK_TOTAL);
	}
	else
	{
		pager->page_url = pstrdup(pager->next_url.data);
		headers = RestRequestHeaders(table, pager->kind == REST_SCAN_ITEM
									 ? REST_REQUEST_ITEM : REST_REQUEST_PAGE,
									 0);
	}
	if (!perform_get(pager, pager->page_url, headers, &resp))
	{
		/* no such item, or no row from here */
		if (pager->kind != REST_SCAN_ITEM)
			page_past_end(pager);
		MemoryContextSwitchTo(oldcxt);
		return;
	}
	open_page(pager, &resp);
	if (pager->window == REST_WINDOW_CHECK || pager->window == REST_WINDOW_LOCATE)
		check_page_window(pager);
	else
		pager->window = REST_WINDOW_NONE;
	if (pager->page_open && prefetch_possible(pager))
		start_prefetch(pager, &resp);
	MemoryContextSwitchTo(oldcxt);
}

/*
 * check_page_window
 *		Before a row of numbered page k+1 is returned, check that it holds
 *		the rows asked for, [k*n, k*n + n): a service that caps the page
 *		size (Django REST framework's max_page_size) or ignores it returns
 *		another window.  Then go to the page holding row k*n by the
 *		service's own page size, known from a full page, or else to page 1,
 *		and skip the rows before it.  On page 1, look for that page the
 *		same way.
 */
static void
check_page_window(RestPager *pager)
{
	RestPageReader probe = pager->reader;
	RestPageWindow window = pager->window;
	int64		start = pager->window_start;
	int64		rows = 0;
	int64		total = -1;
	bool		has_next;
	MemoryContext oldcxt;

	pager->window = REST_WINDOW_NONE;

	/* read the page through once, to count its rows and find its links */
	oldcxt = MemoryContextSwitchTo(pager->row_cxt);
	while (RestPageNextRow(&probe, pager->row))
		rows++;
	has_next = pager->have_next || probe.next.kind == REST_JSON_STRING;
	if (probe.count.kind == REST_JSON_NUMBER)
	{
		char	   *end;

		errno = 0;
		total = strtoll(RestJsonValueText(&probe.count), &end, 10);
		if (*end != '\0' || errno != 0 || total < 0)
			total = -1;
	}
	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(pager->row_cxt);

	if (window == REST_WINDOW_CHECK)
	{
		if (page_holds_window(rows, has_next, total, start,
							  pager->page_size_asked))
			return;
		if (has_next && rows > 0 && start / rows == start / pager->page_size_asked)
		{
			/* this very page holds row start */
			pager->skip_rows = start % rows;
			pager->own_links = true;
		}
		else if (has_next && rows > 0)
			goto_page(pager, start / rows + 1, start % rows, REST_WINDOW_JUMPED);
		else
			goto_page(pager, 1, start, REST_WINDOW_LOCATE);
		return;
	}

	/* page 1, with start rows to skip */
	if (total >= 0 && total <= start)
	{
		pager->page_open = false;	/* no row at the offset */
		pager->have_next = false;
	}
	else if (has_next && rows > 0 && start >= rows)
		goto_page(pager, start / rows + 1, start % rows, REST_WINDOW_JUMPED);
}

/*
 * page_holds_window
 *		Is a numbered page of rows rows, with a next page or not, of a
 *		collection of total rows (-1: unknown), the window [start, start +
 *		size) asked for?  Without the total, only a full page followed by
 *		another one says so.
 */
static bool
page_holds_window(int64 rows, bool has_next, int64 total, int64 start,
				  int64 size)
{
	if (total < 0)
		return rows == size && has_next;
	return rows == Min(size, Max(total - start, 0)) &&
		has_next == (total - start > size);
}

/*
 * goto_page
 *		Read on from numbered page page (of the size asked, which the
 *		service may cap), skipping skip rows; its next pages are found from
 *		the service's links.
 */
static void
goto_page(RestPager *pager, int64 page, int64 skip, RestPageWindow window)
{
	StringInfoData url;
	MemoryContext oldcxt = MemoryContextSwitchTo(pager->scan_cxt);

	initStringInfo(&url);
	appendStringInfoString(&url, pager->range_base);
	RestAppendNthPageParams(&url, pager->table, pager->page_size_asked, 0,
							page - 1, -1);
	resetStringInfo(&pager->next_url);
	appendStringInfoString(&pager->next_url, url.data);
	MemoryContextSwitchTo(oldcxt);

	pager->have_next = true;
	pager->page_open = false;
	pager->skip_rows = skip;
	pager->window = window;
	pager->own_links = true;
	forget_pages(pager);
}

/*
 * forget_pages
 *		Forget the pages read, when the scan starts again from another one.
 */
static void
forget_pages(RestPager *pager)
{
	if (pager->pages_seen != NULL)
		hash_destroy(pager->pages_seen);
	pager->pages_seen = NULL;
}

/*
 * open_page
 *		Open a response for reading its rows.
 */
static void
open_page(RestPager *pager, RestResponse *resp_in)
{
	RestTable  *table = pager->table;
	RestResponse resp = *resp_in;

	pager->content_range = resp.content_range;
	if (pager->kind == REST_SCAN_ITEM &&
		!(resp.body_len > 0 && resp.body[strspn(resp.body, " \t\r\n")] == '['))
	{
		RestParseObject(table, pager->page_url, resp.body, resp.body_len,
						pager->row);
		pager->single_row = true;
	}
	else
	{
		RestPageBegin(&pager->reader, table, pager->page_url, resp.body,
					  resp.body_len);
		/* a Link header is known now; an envelope's "next" at the end */
		if (resp.link_next != NULL && pager->kind != REST_SCAN_ITEM &&
			!pager->prefetching)
			find_next_page(pager, &resp);
	}
	pager->page_open = true;
}

/*
 * prefetch_possible
 *		Are this scan's page URLs predictable, so that pages can be asked
 *		for ahead?  The dialect says which of its pages are.
 */
static bool
prefetch_possible(RestPager *pager)
{
	RestTable  *table = pager->table;

	if (table->prefetch <= 0 || pager->kind != REST_SCAN_COLLECTION ||
		pager->read_all_first || pager->split_param >= 0 ||
		pager->page_size_asked <= 0 || pager->page_index != 0 || pager->own_links)
		return false;
	return table->dialect->can_prefetch(table, pager->limit_rows);
}

/*
 * start_prefetch
 *		After the first page: from the total the service reports, count the
 *		pages to read, and ask for the next ones.
 */
static void
start_prefetch(RestPager *pager, RestResponse *resp)
{
	RestTable  *table = pager->table;
	int64		total;
	int64		rows;

	if (!RestParseCount(RestCountText(table, resp, &pager->reader), &total))
		return;

	rows = Max(total - pager->page_offset, 0);
	if (pager->limit_rows >= 0)
		rows = Min(rows, pager->limit_rows);
	pager->pages_total = (rows + pager->page_size_asked - 1) / pager->page_size_asked;
	if (pager->pages_total <= 1)
		return;

	pager->prefetching = true;
	pager->have_next = false;
	pager->next_ahead = 1;
	ask_ahead(pager, false);
}

/*
 * ask_ahead
 *		Ask for the pages after the current one, up to the table's number,
 *		while the connection keeps a transfer free for the requests waited
 *		for at once (other scans, open cursors, may hold the others); with
 *		need_one, at least the next page, on that transfer if need be.
 */
static void
ask_ahead(RestPager *pager, bool need_one)
{
	RestTable  *table = pager->table;

	while (pager->nahead < table->prefetch && pager->next_ahead < pager->pages_total)
	{
		RestAhead  *ahead = &pager->ahead[pager->nahead];
		StringInfoData url;
		MemoryContext oldcxt;

		if (RestFreeTransfers(pager->conn) <= REST_TRANSFERS_KEPT_FREE &&
			!(need_one && pager->nahead == 0))
		{
			pager->ahead_short = true;
			break;
		}
		oldcxt = MemoryContextSwitchTo(pager->scan_cxt);

		initStringInfo(&url);
		appendStringInfoString(&url, pager->range_base);
		RestAppendNthPageParams(&url, table, pager->page_size_asked,
								pager->page_offset, pager->next_ahead,
								pager->limit_rows);
		memset(&ahead->req, 0, sizeof(RestRequest));
		ahead->req.method = "GET";
		ahead->req.url = url.data;
		ahead->req.extra_headers = RestRequestHeaders(table, REST_REQUEST_PAGE,
													  0);
		MemoryContextSwitchTo(oldcxt);

		ahead->xfer = RestStartRequest(pager->conn, table, &ahead->req);
		ahead->ticket = RestTransferTicket(ahead->xfer);
		RestTransferOwner(ahead->xfer, pager->owner_subid);
		pager->nahead++;
		pager->next_ahead++;
	}
}

/*
 * next_ahead_page
 *		Open the next page asked for ahead, once the current one is read;
 *		false when there is none.  A page shorter than asked, before the
 *		last, means the service pages otherwise: the pages asked ahead are
 *		given up and the scan goes on from the service's own links.
 */
static bool
next_ahead_page(RestPager *pager)
{
	RestResponse resp = {0};
	RestAhead	ahead;
	MemoryContext oldcxt;

	if (pager->page_index + 1 >= pager->pages_total)
		return false;
	check_ahead(pager);
	/* none asked yet: other scans held the transfers, or the scan stopped */
	if (pager->page_rows == pager->page_size_asked && pager->nahead == 0)
		ask_ahead(pager, true);
	if (pager->page_rows != pager->page_size_asked || pager->nahead == 0)
	{
		cancel_ahead(pager);
		pager->prefetching = false;
		pager->own_links = true;	/* and ask for no more pages ahead */
		find_next_page(pager, NULL);
		return pager->have_next;
	}

	ahead = pager->ahead[0];
	memmove(&pager->ahead[0], &pager->ahead[1],
			sizeof(RestAhead) * (pager->nahead - 1));
	pager->nahead--;

	MemoryContextReset(pager->page_cxt);
	oldcxt = MemoryContextSwitchTo(pager->page_cxt);
	pager->page_url = pstrdup(ahead.req.url);
	pager->page_rows = 0;
	pager->page_index++;
	pager->next_offset = pager->page_offset +
		pager->page_index * pager->page_size_asked;
	PG_TRY();
	{
		RestFinishRequest(pager->conn, pager->table, ahead.xfer, &ahead.req,
						  &resp, &pager->stats);
		(void) RestResponseOk(pager->table, &ahead.req, &resp, 0);
	}
	PG_CATCH();
	{
		cancel_ahead(pager);
		PG_RE_THROW();
	}
	PG_END_TRY();
	open_page(pager, &resp);
	MemoryContextSwitchTo(oldcxt);
	ask_ahead(pager, false);
	return true;
}

/*
 * cancel_ahead
 *		Give up the pages asked for ahead (the transfers still theirs), to
 *		ask for them again from the page after the current one if the scan
 *		goes on.  Never throws.
 */
static void
cancel_ahead(RestPager *pager)
{
	int			i;

	for (i = 0; i < pager->nahead; i++)
		if (RestTransferOwned(pager->ahead[i].xfer, pager->ahead[i].ticket))
			RestCancelRequest(pager->conn, pager->ahead[i].xfer);
	pager->nahead = 0;
	pager->next_ahead = pager->page_index + 1;
}

/*
 * RestPagerCount
 *		The number of rows the service reports for a count scan.
 */
int64
RestPagerCount(RestPager *pager)
{
	RestTable  *table = pager->table;
	RestResponse resp = {0};
	const char *count_text;
	MemoryContext oldcxt;
	int64		count;

	pager->finished = true;
	MemoryContextReset(pager->page_cxt);
	if (!pager->have_next)
		return 0;				/* conditions false for every row */

	oldcxt = MemoryContextSwitchTo(pager->page_cxt);
	pager->page_url = pstrdup(pager->next_url.data);
	perform_get(pager, pager->page_url,
				RestRequestHeaders(table, REST_REQUEST_PAGE, REST_ASK_TOTAL),
				&resp);
	count_text = RestResponseTotal(table, pager->page_url, &resp,
								   &pager->reader, pager->row);
	if (count_text == NULL && resp.body_len > 0 &&
		table->dialect->count_rows_without_total)
		count = count_rows(pager, &resp);	/* count the rows themselves */
	else if (!RestParseCount(count_text, &count))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("service did not report a row count"),
				 errdetail("The response has no usable %s.",
						   table->dialect->total_description),
				 errhint("Set the table option \"pagination\" to match the service, or \"cursor\" to count rows locally."),
				 RestRequestErrcontext("GET", pager->page_url, -1, 1)));
	MemoryContextSwitchTo(oldcxt);
	return count;
}

/*
 * RestResponseTotal
 *		The text of the total a response reports, or NULL.  When the
 *		dialect's total is in the body, where it may follow the rows, the
 *		reader is begun on the page and read through first.
 */
const char *
RestResponseTotal(RestTable *table, const char *url, RestResponse *resp,
				  RestPageReader *reader, RestJsonValue *row)
{
	memset(reader, 0, sizeof(RestPageReader));
	if (table->dialect->page.total_paths != NULL)
	{
		RestPageBegin(reader, table, url, resp->body, resp->body_len);
		while (RestPageNextRow(reader, row))
			;
	}
	return RestCountText(table, resp, reader);
}

/*
 * RestCountText
 *		The text of the number of rows a response says its collection
 *		holds, or NULL, where the dialect says (a header, or a member read
 *		by reader, whose rows must then all be read).
 */
const char *
RestCountText(RestTable *table, RestResponse *resp, RestPageReader *reader)
{
	return table->dialect->total_text(table, resp, reader);
}

/*
 * RestParseCount
 *		Parse the text of a row count; false if it is NULL or not a
 *		non-negative integer.
 */
bool
RestParseCount(const char *text, int64 *count)
{
	char	   *end;

	if (text == NULL || text[0] == '\0')
		return false;
	errno = 0;
	*count = strtoll(text, &end, 10);
	return *end == '\0' && errno == 0 && *count >= 0;
}

/*
 * count_rows
 *		Count the rows of the collection one by one, for a service that
 *		reports no count: the first page already fetched when it is the
 *		scan's first page, then every next page.
 */
static int64
count_rows(RestPager *pager, RestResponse *first)
{
	StringInfoData url;
	int64		count = 0;

	initStringInfo(&url);
	appendStringInfoString(&url, pager->range_base);
	RestAppendPageParams(&url, pager->table, -1, 0, false);

	if (strcmp(url.data, pager->page_url) == 0)
	{
		/* the count request was a plain first page: use it */
		pager->have_next = false;
		pager->page_rows = 0;
		RestPageBegin(&pager->reader, pager->table, pager->page_url, first->body,
					  first->body_len);
		if (first->link_next != NULL)
			find_next_page(pager, first);
		pager->page_open = true;
	}
	else
	{
		resetStringInfo(&pager->next_url);
		appendStringInfoString(&pager->next_url, url.data);
		pager->have_next = true;
		pager->page_open = false;
	}

	for (;;)
	{
		if (pager->page_open)
		{
			MemoryContext oldcxt = MemoryContextSwitchTo(pager->row_cxt);

			while (RestPageNextRow(&pager->reader, pager->row))
			{
				pager->page_rows++;
				count++;
			}
			MemoryContextSwitchTo(oldcxt);
			MemoryContextReset(pager->row_cxt);
			pager->page_open = false;
			find_next_page(pager, NULL);
		}
		if (!pager->have_next && !next_split_chunk(pager))
			break;
		fetch_page(pager);
	}
	return count;
}

/*
 * find_next_page
 *		Find the URL of the page after the current one, if any: an
 *		envelope's next link, a Link header's rel="next", or the next range
 *		(the dialect's more_after_range).  Called with the response when its headers name the next
 *		page, and without it once the page's rows are all read.
 */
static void
find_next_page(RestPager *pager, RestResponse *resp)
{
	RestTable  *table = pager->table;
	char	   *next = NULL;
	MemoryContext oldcxt;

	if (pager->have_next)
		return;

	oldcxt = MemoryContextSwitchTo(pager->row_cxt);
	next = RestNextLink(pager->page_url, resp, resp ? NULL : &pager->reader);
	if (next == NULL && resp == NULL &&
		table->dialect->more_after_range != NULL &&
			 pager->page_rows > 0 && pager->content_range != NULL &&
			 table->dialect->more_after_range(pager->content_range))
	{
		/* continue after the range returned, until it is empty or all */
		StringInfoData url;

		initStringInfo(&url);
		appendStringInfoString(&url, pager->range_base);
		pager->next_offset += pager->page_rows;
		RestAppendPageParams(&url, table, pager->rows_wanted, pager->next_offset,
							 false);
		next = url.data;
	}

	if (next != NULL)
	{
		RestCheckNextPage(table, pager->page_url, next,
						  !remember_page(pager, next));
		resetStringInfo(&pager->next_url);
		appendStringInfoString(&pager->next_url, next);
		pager->have_next = true;
	}
	MemoryContextSwitchTo(oldcxt);
}

/*
 * remember_page
 *		Note that a page URL is read by this scan; false if it already was,
 *		which would make the scan go round in circles.
 */
static bool
remember_page(RestPager *pager, const char *url)
{
	uint64		key = hash_bytes_extended((const unsigned char *) url,
										  strlen(url), 0);
	bool		found;

	if (pager->pages_seen == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(uint64);
		ctl.entrysize = sizeof(uint64);
		ctl.hcxt = pager->scan_cxt;
		pager->pages_seen = hash_create("rest_fdw pages read", 64, &ctl,
									 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		/* the page the links start from */
		key = hash_bytes_extended((const unsigned char *) pager->page_url,
								  strlen(pager->page_url), 0);
		(void) hash_search(pager->pages_seen, &key, HASH_ENTER, NULL);
		key = hash_bytes_extended((const unsigned char *) url,
								  strlen(url), 0);
	}
	(void) hash_search(pager->pages_seen, &key, HASH_ENTER, &found);
	return !found;
}


/*
 * RestNextLink
 *		The URL of the page after the one at url that its response names,
 *		resolved against url: the Link header's rel="next" (resp), else the
 *		envelope's next link (read by reader, whose rows are all read);
 *		NULL if none.  A link neither a string nor null is an error.
 */
char *
RestNextLink(const char *url, RestResponse *resp, RestPageReader *reader)
{
	if (resp != NULL && resp->link_next != NULL)
		return RestResolveUrl(url, resp->link_next);
	if (reader == NULL || reader->next.kind == REST_JSON_MISSING ||
		reader->next.kind == REST_JSON_NULL)
		return NULL;
	if (reader->next.kind != REST_JSON_STRING)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("invalid \"next\" link in response from service"),
				 errdetail("The member \"next\" must be a string or null."),
				 RestRequestErrcontext("GET", url, -1, 1)));
	return RestResolveUrl(url, RestJsonValueText(&reader->next));
}

/*
 * RestCheckNextPage
 *		Check the next page a response at url names: at the server's
 *		origin, and not a page read already (seen), which would make the
 *		scan go round in circles.
 */
void
RestCheckNextPage(RestTable *table, const char *url, const char *next,
				  bool seen)
{
	if (!RestSameOrigin(next, table->base_url))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("next page link points to another origin"),
				 errdetail("The service sent \"%s\" while the server's base_url is \"%s\".",
						   next, table->base_url),
				 RestRequestErrcontext("GET", url, -1, 1)));
	if (seen)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("next page link leads back to a page already read"),
				 errdetail("The service sent \"%s\" again.", next),
				 RestRequestErrcontext("GET", url, -1, 1)));
}
