/*-------------------------------------------------------------------------
 *
 * analyze.c
 *		  ANALYZE of rest_fdw foreign tables, and the row counts the planner
 *		  asks the service for.
 *
 * Autovacuum never analyzes foreign tables; an explicit ANALYZE calls
 * RestAnalyzeForeignTable, whose sampling function reads a bounded number
 * of pages of the collection, one request at a time:
 * - the first page gives the number of rows of the collection (the count
 *   the service reports, as for count(*)) and the number of rows a page
 *   holds;
 * - when page URLs are predictable (numbered pages or offsets) and the
 *   count is known, the other requests ask for pages chosen at random over
 *   the rest of the collection;
 * - otherwise the pages are read from the first on, following the
 *   service's links ("next" of the envelope, Link header).
 * At most analyze_max_requests requests are made, each asking for the
 * table's page_size rows (REST_ANALYZE_PAGE_ROWS if it sets none); one page
 * is held in memory at a time, and the sample itself is at most targrows
 * rows, chosen by reservoir sampling among the rows read.
 *
 * The planner then takes the table's size from pg_class.reltuples and the
 * selectivity of conditions from the column statistics.  With the option
 * use_remote_estimate it also asks the service, while planning, for the
 * count of the rows matching the conditions a scan sends: one small request
 * per distinct URL, whose answer each backend keeps for
 * remote_estimate_lifetime.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "optimizer/optimizer.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/sampling.h"
#include "utils/timestamp.h"

#include "dialect.h"

/* Rows ANALYZE asks for per request when the table sets no page_size. */
#define REST_ANALYZE_PAGE_ROWS		1000

/* Most remote estimates a backend keeps. */
#define REST_ESTIMATE_CACHE_SIZE	256

/*
 * State of one ANALYZE of a foreign table.
 */
typedef struct RestSample
{
	RestTable  *table;
	RestConnection *conn;
	Relation	rel;
	bool		predictable;	/* page URLs can be computed */

	/* the sample: reservoir sampling over the rows read */
	HeapTuple  *rows;
	int			targrows;
	int			numrows;		/* rows in the sample */
	double		rows_read;		/* rows of the collection read */
	double		rowstoskip;		/* rows to pass over, -1 if not drawn */
	ReservoirStateData rstate;

	/* requests */
	int			requests;		/* made so far */
	List	   *urls;			/* pages read, against link cycles */
	bool		more;			/* pages were left when the bound was hit */

	RestJsonValue *row;			/* the current row's members */
	Datum	   *values;			/* its datums */
	bool	   *nulls;

	MemoryContext sample_cxt;	/* the sample's tuples (the caller's) */
	MemoryContext work_cxt;		/* conversion state, URLs */
	MemoryContext page_cxt;		/* the page being read */
	MemoryContext row_cxt;		/* one row's conversions */
} RestSample;

/*
 * What one page read by ANALYZE told.
 */
typedef struct RestSamplePage
{
	int64		rows;			/* rows on the page */
	int64		count;			/* rows of the collection, -1 if unknown */
	char	   *next;			/* link to the next page, or NULL */
} RestSamplePage;

/*
 * A remote estimate kept by a backend: the count the service answered for
 * a URL, for a user mapping.
 */
typedef struct RestEstimateKey
{
	Oid			umid;
	uint64		url_hash;
} RestEstimateKey;

typedef struct RestEstimateEntry
{
	RestEstimateKey key;
	char	   *url;			/* in estimate_cxt */
	double		rows;			/* -1: the service reports no count */
	TimestampTz fetched;
} RestEstimateEntry;

static HTAB *estimate_cache = NULL;
static MemoryContext estimate_cxt = NULL;

static int	acquire_sample_rows(Relation relation, int elevel,
								HeapTuple *rows, int targrows,
								double *totalrows, double *totaldeadrows);
static void init_sample(RestSample *s, Relation relation, HeapTuple *rows,
						int targrows);
static int64 sample_page_size(RestTable *table);
static char *page_url(RestSample *s, int64 size, int64 n);
static void read_page(RestSample *s, const char *url, bool first,
					  bool links, RestSamplePage *page);
static char *next_link(RestSample *s, const char *url, RestResponse *resp,
					   RestPageReader *reader);
static void sample_row(RestSample *s, const char *url);
static HeapTuple make_sample_tuple(RestSample *s, const char *url);
static void read_spread_pages(RestSample *s, int64 count, int64 page_rows);
static void read_linked_pages(RestSample *s, char *next);
static void read_pages_in_order(RestSample *s, int64 page_rows);
static bool bound_reached(RestSample *s);
static BlockNumber estimated_pages(Relation relation);
static double remote_count(RestTable *table, const char *url);
static RestEstimateEntry *estimate_lookup(RestTable *table, const char *url,
										  bool create);

/*
 * RestAnalyzeForeignTable
 *		Every rest_fdw table can be analyzed: hand out the sampling function
 *		and a size in pages.
 */
bool
RestAnalyzeForeignTable(Relation relation, AcquireSampleRowsFunc *func,
						BlockNumber *totalpages)
{
	*func = acquire_sample_rows;
	*totalpages = estimated_pages(relation);
	return true;
}

/*
 * estimated_pages
 *		The size in pages ANALYZE of a partitioned table weighs partitions'
 *		samples by.  The count of rows is known only after the first
 *		request, so the last ANALYZE's is used; never 0, which would leave
 *		the table out.
 */
static BlockNumber
estimated_pages(Relation relation)
{
	double		tuples = relation->rd_rel->reltuples;
	double		pages;

	if (tuples <= 0)
		return 1;
	pages = ceil(tuples / REST_ANALYZE_PAGE_ROWS);
	return (BlockNumber) Min(Max(pages, 1.0), (double) MaxBlockNumber);
}

/*
 * acquire_sample_rows
 *		Read a bounded sample of the collection into rows; report the rows
 *		the collection holds (the service's count, or the rows read when it
 *		reports none) and no dead rows.
 */
static int
acquire_sample_rows(Relation relation, int elevel, HeapTuple *rows,
					int targrows, double *totalrows, double *totaldeadrows)
{
	RestSample	s;
	RestSamplePage first;
	int64		size;
	const char *how;

	init_sample(&s, relation, rows, targrows);
	size = sample_page_size(s.table);

	/* the first page: the count, and how many rows a page holds */
	read_page(&s, page_url(&s, size, 0), true, true, &first);

	if (first.rows == 0 || (first.count >= 0 && first.count <= first.rows))
		how = "one page";
	else if (s.predictable && first.count >= 0)
	{
		/* the first page was full: its rows are the service's page size */
		read_spread_pages(&s, first.count, first.rows);
		how = s.more ? "pages chosen at random" : "every page";
	}
	else if (first.next != NULL)
	{
		read_linked_pages(&s, first.next);
		how = "the first pages";
	}
	else if (s.predictable && !s.table->dialect->names_every_next_page)
	{
		/* no count and no links: pages in order until one is short */
		read_pages_in_order(&s, first.rows);
		how = "the first pages";
	}
	else
		how = "one page";

	*totalrows = first.count >= 0 ? Max((double) first.count, s.rows_read)
		: s.rows_read;
	*totaldeadrows = 0;

	if (first.count >= 0)
		ereport(elevel,
				(errmsg("\"%s\": the service reports %.0f rows; %.0f rows read from %s in %d requests, %d rows in sample",
						RelationGetRelationName(relation),
						(double) first.count, s.rows_read, how, s.requests,
						s.numrows)));
	else
		ereport(elevel,
				(errmsg("\"%s\": %.0f rows read from %s in %d requests, %d rows in sample",
						RelationGetRelationName(relation), s.rows_read, how,
						s.requests, s.numrows)));
	if (first.count < 0 && s.more)
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("row count of foreign table \"%s\" is a lower bound",
						RelationGetRelationName(relation)),
				 errdetail("The service reports no row count, and ANALYZE stopped after %d requests with pages left; the table is taken to hold the %.0f rows read.",
						   s.requests, s.rows_read),
				 errhint("Raise the table option \"analyze_max_requests\" to read more pages.")));

	MemoryContextDelete(s.work_cxt);
	return s.numrows;
}

/*
 * init_sample
 *		Set up the state of an ANALYZE: the table as its owner reaches it,
 *		the connection and the memory contexts.
 */
static void
init_sample(RestSample *s, Relation relation, HeapTuple *rows, int targrows)
{
	MemoryContext oldcxt;
	int			natts;

	memset(s, 0, sizeof(RestSample));
	s->rel = relation;
	s->rows = rows;
	s->targrows = targrows;
	s->rowstoskip = -1;
	reservoir_init_selection_state(&s->rstate, targrows);

	s->sample_cxt = CurrentMemoryContext;
	s->work_cxt = AllocSetContextCreate(CurrentMemoryContext,
										"rest_fdw analyze",
										ALLOCSET_DEFAULT_SIZES);
	s->page_cxt = AllocSetContextCreate(s->work_cxt, "rest_fdw analyze page",
										ALLOCSET_DEFAULT_SIZES);
	s->row_cxt = AllocSetContextCreate(s->work_cxt, "rest_fdw analyze row",
									   ALLOCSET_DEFAULT_SIZES);

	oldcxt = MemoryContextSwitchTo(s->work_cxt);
	/* ANALYZE reads the table with its owner's user mapping */
	s->table = RestGetTable(RelationGetRelid(relation),
							relation->rd_rel->relowner);
	RestPrepareColumns(s->table);
	s->conn = RestGetConnection(s->table);
	s->predictable = s->table->dialect->pages_addressable(s->table);
	natts = Max(s->table->ncolumns, 1);
	s->row = palloc0(sizeof(RestJsonValue) * natts);
	s->values = palloc0(sizeof(Datum) * natts);
	s->nulls = palloc0(sizeof(bool) * natts);
	MemoryContextSwitchTo(oldcxt);
}

/*
 * sample_page_size
 *		Rows ANALYZE asks for per request: the table's page size, or
 *		REST_ANALYZE_PAGE_ROWS.  The service may send fewer.
 */
static int64
sample_page_size(RestTable *table)
{
	return table->page_size > 0 ? table->page_size : REST_ANALYZE_PAGE_ROWS;
}

/*
 * page_url
 *		The URL of page n (from 0) of the collection read size rows at a
 *		time; only the first page when page URLs are not predictable.
 */
static char *
page_url(RestSample *s, int64 size, int64 n)
{
	StringInfoData url;
	MemoryContext oldcxt = MemoryContextSwitchTo(s->work_cxt);

	initStringInfo(&url);
	appendStringInfoString(&url, s->table->collection_url);
	if (s->predictable)
		RestAppendNthPageParams(&url, s->table, size, 0, n, -1);
	else
	{
		Assert(n == 0);
		RestAppendPageParams(&url, s->table, size, 0, false);
	}
	/* the first page gives the count */
	if (n == 0 && s->table->dialect->total_params != NULL)
		s->table->dialect->total_params(&url, s->table);
	MemoryContextSwitchTo(oldcxt);
	return url.data;
}

/*
 * read_page
 *		GET one page and offer its rows to the sample.  The first page also
 *		gives the count.  With links, the link to the next page is looked
 *		for, unless the count of the first page makes it useless.  Error
 *		statuses and broken pages are errors.
 */
static void
read_page(RestSample *s, const char *url, bool first, bool links,
		  RestSamplePage *page)
{
	RestTable  *table = s->table;
	RestRequest req = {0};
	RestResponse resp = {0};
	RestPageReader reader;
	MemoryContext oldcxt;
	int64		count;

	CHECK_FOR_INTERRUPTS();
	oldcxt = MemoryContextSwitchTo(s->work_cxt);
	s->urls = lappend(s->urls, (char *) url);
	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(s->page_cxt);
	oldcxt = MemoryContextSwitchTo(s->page_cxt);

	req.method = "GET";
	req.url = (char *) url;
	req.extra_headers = RestRequestHeaders(table, REST_REQUEST_PAGE,
										   first ? REST_ASK_TOTAL : 0);
	s->requests++;
	(void) RestPerformOk(s->conn, table, &req, &resp, NULL, 0);

	page->rows = 0;
	RestPageBegin(&reader, table, url, resp.body, resp.body_len);
	while (RestPageNextRow(&reader, s->row))
	{
		page->rows++;
		sample_row(s, url);
	}

	page->count = -1;
	if (first && RestParseCount(RestCountText(table, &resp, &reader), &count))
		page->count = count;
	page->next = NULL;
	if (links && !(first && s->predictable && page->count >= 0))
		page->next = next_link(s, url, &resp, &reader);
	MemoryContextSwitchTo(oldcxt);
}

/*
 * next_link
 *		The URL of the page after this one that the service names, checked
 *		as a scan checks it (same origin, not a page already read); NULL if
 *		there is none.
 */
static char *
next_link(RestSample *s, const char *url, RestResponse *resp,
		  RestPageReader *reader)
{
	char	   *next = RestNextLink(url, resp, reader);
	ListCell   *lc;
	bool		seen = false;

	if (next == NULL)
		return NULL;
	foreach(lc, s->urls)
	{
		if (strcmp(lfirst(lc), next) == 0)
			seen = true;
	}
	RestCheckNextPage(s->table, url, next, seen);
	return MemoryContextStrdup(s->work_cxt, next);
}

/*
 * sample_row
 *		Offer the current row to the sample: the first targrows rows are
 *		kept, and each later one replaces a random row of the sample with
 *		the probability that keeps the sample uniform over the rows read
 *		(reservoir sampling, Vitter's algorithm Z).  Only rows kept are
 *		converted.
 */
static void
sample_row(RestSample *s, const char *url)
{
	if (s->numrows < s->targrows)
		s->rows[s->numrows++] = make_sample_tuple(s, url);
	else
	{
		if (s->rowstoskip < 0)
			s->rowstoskip = reservoir_get_next_S(&s->rstate, s->rows_read,
												 s->targrows);
		if (s->rowstoskip <= 0)
		{
			int			k;

			k = (int) (s->targrows * sampler_random_fract(&s->rstate.randstate));
			Assert(k >= 0 && k < s->targrows);
			heap_freetuple(s->rows[k]);
			s->rows[k] = make_sample_tuple(s, url);
		}
		s->rowstoskip -= 1;
	}
	s->rows_read += 1;
}

/*
 * make_sample_tuple
 *		Convert the current row into a tuple of the table, in the sample's
 *		memory context.
 */
static HeapTuple
make_sample_tuple(RestSample *s, const char *url)
{
	RestTable  *table = s->table;
	MemoryContext oldcxt = MemoryContextSwitchTo(s->row_cxt);
	HeapTuple	tuple;
	int			i;

	for (i = 0; i < table->ncolumns; i++)
	{
		RestColumn *col = &table->columns[i];

		if (col->dropped)
		{
			s->values[i] = (Datum) 0;
			s->nulls[i] = true;
			continue;
		}
		s->values[i] = RestJsonToDatum(table, col, &s->row[i], url,
									   &s->nulls[i]);
	}
	MemoryContextSwitchTo(s->sample_cxt);
	tuple = heap_form_tuple(RelationGetDescr(s->rel), s->values, s->nulls);
	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(s->row_cxt);
	return tuple;
}

/*
 * bound_reached
 *		Has ANALYZE made all the requests it may?
 */
static bool
bound_reached(RestSample *s)
{
	return s->requests >= s->table->analyze_max_requests;
}

/*
 * read_spread_pages
 *		After the first page, read pages chosen at random over the rest of
 *		the collection, in order, as PostgreSQL samples the blocks of a
 *		table: as many as hold targrows rows (every page of a small
 *		collection), within the bound on requests.
 */
static void
read_spread_pages(RestSample *s, int64 count, int64 page_rows)
{
	int64		pages = (count + page_rows - 1) / page_rows;
	int64		wanted = (Min(count, (int64) s->targrows) + page_rows - 1) /
		page_rows;
	int64		n = Min(Min(pages, wanted), (int64) s->table->analyze_max_requests);
	BlockSamplerData sampler;
	uint32		seed;

	s->more = n < pages;
	if (n <= 1)
		return;
	seed = pg_prng_uint32(&pg_global_prng_state);
	/* pages 1 and on, beyond the first; the rare ones past 2^32 never */
	(void) BlockSampler_Init(&sampler,
							 (BlockNumber) Min(pages - 1, (int64) MaxBlockNumber),
							 (int) (n - 1), seed);
	while (BlockSampler_HasMore(&sampler))
	{
		RestSamplePage page;
		int64		index = 1 + (int64) BlockSampler_Next(&sampler);

		read_page(s, page_url(s, page_rows, index), false, false, &page);
	}
}

/*
 * read_linked_pages
 *		Read the pages after the first one by the service's links, until
 *		there are no more or the bound on requests is reached.
 */
static void
read_linked_pages(RestSample *s, char *next)
{
	while (next != NULL)
	{
		RestSamplePage page;

		if (bound_reached(s))
		{
			s->more = true;
			return;
		}
		read_page(s, next, false, true, &page);
		next = page.next;
	}
}

/*
 * read_pages_in_order
 *		Read the pages after the first one in order, for a service that
 *		reports neither a count nor links, until a page is short or the
 *		bound on requests is reached.
 */
static void
read_pages_in_order(RestSample *s, int64 page_rows)
{
	int64		n;

	for (n = 1;; n++)
	{
		RestSamplePage page;

		if (bound_reached(s))
		{
			s->more = true;
			return;
		}
		read_page(s, page_url(s, page_rows, n), false, false, &page);
		if (page.rows < page_rows)
			return;
	}
}

/*
 * RestCollectionRows
 *		The number of rows of a table's collection as ANALYZE last counted
 *		it (pg_class.reltuples, which the planner read into baserel), or
 *		default_rows if the table was never analyzed or was empty then.
 *
 * An empty count is not trusted: a table is typically moved (and analyzed
 * by move_table) while it is empty, and its collection then grows in the
 * service where no statistics follow it.  Planning a large collection as
 * empty turns joins into a full read per outer row (thousands of
 * requests); planning an empty one as default_rows costs one request.
 * PostgreSQL makes the same choice for a heap table that looks empty.
 */
double
RestCollectionRows(RelOptInfo *baserel, double default_rows)
{
	/* reltuples is -1 until the first ANALYZE */
	if (baserel->tuples > 0)
		return baserel->tuples;
	return default_rows;
}

/*
 * RestRemoteRows
 *		The number of rows the service counts for the conditions a scan
 *		sends (use_remote_estimate), or -1 if it cannot tell cheaply: a
 *		value known only at execution, a URL that would be split, a service
 *		that reports no count.
 */
double
RestRemoteRows(PlannerInfo *root, RestTable *table, RestPushdown *pushdown)
{
	int			nvalues = list_length(pushdown->exprs);
	RestParamValue *values = palloc0(sizeof(RestParamValue) * Max(nvalues, 1));
	StringInfoData url;
	char	   *base;
	ListCell   *lc;
	int			i = 0;

	if (!table->dialect->reports_total(table))
		return -1;

	foreach(lc, pushdown->exprs)
	{
		Node	   *value = estimate_expression_value(root, lfirst(lc));
		Const	   *c;

		if (!IsA(value, Const))
			return -1;
		c = (Const *) value;
		values[i].value = c->constvalue;
		values[i].isnull = c->constisnull;
		values[i].typid = c->consttype;
		RestPrepareValue(&values[i]);
		i++;
	}

	base = RestBuildUrl(table, pushdown->params, values, -1, 0, 0);
	if (base == NULL)
		return 0;				/* no row can match */
	if ((int) strlen(base) > table->max_url_length)
		return -1;

	initStringInfo(&url);
	appendStringInfoString(&url, base);
	RestAppendPageParams(&url, table, -1, 0, true);
	return remote_count(table, url.data);
}

/*
 * remote_count
 *		The count the service reports for a URL, from the backend's cache
 *		while it is fresh, else with one request; -1 if it reports none.
 */
static double
remote_count(RestTable *table, const char *url)
{
	RestEstimateEntry *entry = estimate_lookup(table, url, false);
	RestRequest req = {0};
	RestResponse resp = {0};
	RestPageReader reader;
	int64		count;
	double		rows = -1;

	if (entry != NULL)
		return entry->rows;

	req.method = "GET";
	req.url = (char *) url;
	req.extra_headers = RestRequestHeaders(table, REST_REQUEST_PAGE,
										   REST_ASK_TOTAL);
	(void) RestPerformOk(RestGetConnection(table), table, &req, &resp, NULL, 0);
	if (RestParseCount(RestResponseTotal(table, url, &resp, &reader,
										 palloc0(sizeof(RestJsonValue) *
												 Max(table->ncolumns, 1))),
					   &count))
		rows = (double) count;

	entry = estimate_lookup(table, url, true);
	if (entry != NULL)
		entry->rows = rows;
	return rows;
}

/*
 * estimate_lookup
 *		The backend's fresh remote estimate for a URL and the table's user
 *		mapping, or NULL; with create, a new entry to fill in (NULL when
 *		estimates are not kept).  Stale entries are dropped when the cache
 *		is full.
 */
static RestEstimateEntry *
estimate_lookup(RestTable *table, const char *url, bool create)
{
	RestEstimateKey key;
	RestEstimateEntry *entry;
	TimestampTz now = GetCurrentTimestamp();
	bool		found;

	if (table->remote_estimate_lifetime_ms <= 0)
		return NULL;
	if (estimate_cache == NULL)
	{
		HASHCTL		ctl;

		if (!create)
			return NULL;
		estimate_cxt = AllocSetContextCreate(TopMemoryContext,
											 "rest_fdw remote estimates",
											 ALLOCSET_SMALL_SIZES);
		ctl.keysize = sizeof(RestEstimateKey);
		ctl.entrysize = sizeof(RestEstimateEntry);
		ctl.hcxt = estimate_cxt;
		estimate_cache = hash_create("rest_fdw remote estimates",
									 REST_ESTIMATE_CACHE_SIZE, &ctl,
									 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}

	memset(&key, 0, sizeof(key));
	key.umid = table->umid;
	key.url_hash = hash_bytes_extended((const unsigned char *) url,
									   strlen(url), 0);

	if (!create)
	{
		entry = hash_search(estimate_cache, &key, HASH_FIND, NULL);
		if (entry == NULL || strcmp(entry->url, url) != 0 ||
			TimestampDifferenceExceeds(entry->fetched, now,
									   table->remote_estimate_lifetime_ms))
			return NULL;
		return entry;
	}

	if (hash_get_num_entries(estimate_cache) >= REST_ESTIMATE_CACHE_SIZE)
	{
		HASH_SEQ_STATUS status;
		RestEstimateEntry *old;

		/* drop what is older than this table's lifetime, and more if need be */
		hash_seq_init(&status, estimate_cache);
		while ((old = hash_seq_search(&status)) != NULL)
		{
			if (TimestampDifferenceExceeds(old->fetched, now,
										   table->remote_estimate_lifetime_ms) ||
				hash_get_num_entries(estimate_cache) >= REST_ESTIMATE_CACHE_SIZE)
			{
				pfree(old->url);
				(void) hash_search(estimate_cache, &old->key, HASH_REMOVE, NULL);
			}
		}
	}

	entry = hash_search(estimate_cache, &key, HASH_ENTER, &found);
	if (found)
		pfree(entry->url);
	entry->url = MemoryContextStrdup(estimate_cxt, url);
	entry->fetched = now;
	entry->rows = -1;
	return entry;
}
