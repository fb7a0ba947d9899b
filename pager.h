/*-------------------------------------------------------------------------
 *
 * pager.h
 *		  One scan's pages: the state of the requests a foreign scan makes
 *		  and the rows they return (pager.c), shared with the callbacks that
 *		  read rows: scan.c's, and modify.c's TRUNCATE.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REST_PAGER_H
#define REST_PAGER_H

#include "rest_fdw.h"

#include "utils/hsearch.h"

/* What a scan asks the service for. */
typedef enum RestScanKind
{
	REST_SCAN_COLLECTION,		/* the rows of the collection */
	REST_SCAN_ITEM,				/* the one item whose key is given */
	REST_SCAN_COUNT,			/* only the number of rows */
	REST_SCAN_JOIN				/* a join of two tables (join.c) */
} RestScanKind;

/*
 * Where the pages of a scan with OFFSET stand with respect to the rows
 * asked for, when the service numbers its pages (the dialect's
 * offset_by_page_number): the service may cap the page size asked
 * (Django REST framework's max_page_size) or ignore it, and then page k+1
 * is another window of rows.
 */
typedef enum RestPageWindow
{
	REST_WINDOW_NONE,			/* the pages start at the rows asked for */
	REST_WINDOW_CHECK,			/* page k+1 asked: check its size first */
	REST_WINDOW_LOCATE,			/* page 1 asked: find the page size */
	REST_WINDOW_JUMPED			/* the page holding the offset, by the
								 * service's own page size, asked */
} RestPageWindow;

/* A page asked for ahead of the one being read. */
typedef struct RestAhead
{
	RestRequest req;
	RestTransfer *xfer;
	uint64		ticket;			/* of xfer's use for this page */
} RestAhead;

/*
 * The pages of one scan: what it asks for, where it stands, and the row
 * it is reading (row, one span per table column, valid until the next
 * RestPagerNextRow).
 */
typedef struct RestPager
{
	/* what is asked for, fixed for a (re)scan */
	RestTable  *table;
	RestConnection *conn;
	RestScanKind kind;
	List	   *params;			/* URL parameter templates */
	RestParamValue *values;		/* their values, computed by the caller */
	RestParamValue *key;		/* REST_SCAN_ITEM: the key's value */
	int64		offset;			/* OFFSET, 0 if none */
	int64		limit_rows;		/* LIMIT, -1 if none */
	bool		may_split;		/* an IN list may be split over requests:
								 * the scan neither counts, sorts nor
								 * stops after some rows */

	/*
	 * The scan feeding an UPDATE or DELETE of the same table reads every
	 * page before the first row is returned: changing rows while paging
	 * would shift the pages still to come.
	 */
	bool		read_all_first;
	bool		pages_read;		/* read_all_first: every page is read */
	List	   *read_pages;		/* RestReadPage, still to be returned */

	/* progress */
	bool		finished;		/* nothing more to return */
	StringInfoData next_url;	/* next page to fetch, if have_next */
	bool		have_next;
	bool		page_open;		/* reader holds rows still */
	bool		single_row;		/* the page is one object */
	RestPageReader reader;
	RestJsonValue *row;			/* ncolumns spans of the current row */
	char	   *page_url;		/* URL of the current page */
	long		page_rows;		/* rows read from the current page */
	char	   *content_range;	/* Content-Range of the current page */
	int64		rows_wanted;	/* rows still wanted (LIMIT), -1: all */
	int64		next_offset;	/* offset of the next range */
	char	   *range_base;		/* URL without page parameters */
	int64		skip_rows;		/* rows to skip before the first returned */
	RestPageWindow window;		/* numbered pages: see RestPageWindow */
	int64		window_start;	/* numbered pages: row offset wanted */
	bool		own_links;		/* pages moved: follow the service's links */

	/*
	 * Pages asked for ahead.  When the page URLs are predictable (numbered
	 * pages or offsets, and the service reports how many rows there are),
	 * the scan asks for the next pages while it reads the current one, and
	 * reads them in order.
	 */
	bool		prefetching;	/* pages are being asked for ahead */
	int64		page_size_asked;	/* rows asked per page, 0 if none */
	int64		page_offset;	/* row offset of the first page */
	int64		pages_total;	/* pages to read in all */
	int64		page_index;		/* index of the page being read */
	int64		next_ahead;		/* index of the next page to ask for */
	RestAhead	ahead[REST_MAX_PREFETCH];	/* asked for, in page order */
	int			nahead;
	bool		ahead_short;	/* fewer asked: the connection's transfers
								 * were in use */
	bool		parked;			/* shut down: another request may take the
								 * transfers of the pages asked for ahead */
	SubTransactionId owner_subid;	/* where the scan began: a cursor's
									 * pages asked for ahead in a later
									 * subtransaction outlive its abort */

	/* hashes of the page URLs followed, against link cycles */
	HTAB	   *pages_seen;

	/* an IN list split over several requests */
	int			split_param;	/* -1 if none */
	int			split_nelems;
	int			split_from;
	int			split_count;
	int			split_max_chunk;	/* most elements in one request */

	MemoryContext page_cxt;		/* holds the current page */
	MemoryContext row_cxt;		/* holds the current row's values */
	MemoryContext scan_cxt;		/* holds a (re)scan's URLs */
	MemoryContext chunk_cxt;	/* holds the URLs of a split IN list's part */
	RestStats	stats;
} RestPager;

extern void RestPagerInit(RestPager *pager, RestTable *table,
						  RestScanKind kind, bool read_all_first,
						  MemoryContext parent);
extern void RestPagerReset(RestPager *pager);
extern void RestPagerStart(RestPager *pager, List *params,
						   RestParamValue *values, RestParamValue *key,
						   int64 offset, int64 limit, bool may_split);
extern bool RestPagerNextRow(RestPager *pager, bool *skip);
extern int64 RestPagerCount(RestPager *pager);
extern void RestPagerStop(RestPager *pager);
extern void RestPagerPark(RestPager *pager);
extern List *RestCollectKeys(RestTable *table, MemoryContext cxt);

#endif							/* REST_PAGER_H */
