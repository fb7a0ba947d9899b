/*-------------------------------------------------------------------------
 *
 * tablecache.c
 *		  The backend's cache of RestTables, one per foreign table and user
 *
 * Every query reads a foreign table's description: the options of the
 * table, its columns, its server and the user mapping (option.c), and the
 * conversion state of its columns (json.c).  These change only with DDL,
 * so each backend keeps them, per (foreign table, user), in memory of its
 * own under CacheMemoryContext, and drops them when the catalogs say
 * something they were read from changed:
 *
 * - pg_foreign_table (ALTER FOREIGN TABLE ... OPTIONS): syscache
 *   FOREIGNTABLEREL;
 * - the relation and its columns (ALTER COLUMN ... OPTIONS, TYPE, ADD,
 *   DROP and RENAME COLUMN, RENAME): the relcache callback;
 * - pg_foreign_server (ALTER SERVER): syscache FOREIGNSERVEROID;
 * - pg_user_mapping (CREATE, ALTER, DROP USER MAPPING): syscache
 *   USERMAPPINGOID.  Which mapping applies to a user may change with a
 *   mapping of another OID (a user's own replacing PUBLIC), so any change
 *   drops every entry;
 * - the columns' types (ALTER DOMAIN, ALTER TYPE): syscache TYPEOID.
 *
 * Design assumptions:
 * - Invalidation runs wherever invalidation messages are processed, in
 *   the middle of a query too, while planner and executor states point at
 *   the RestTable.  So every RestGetTable pins the entry for the life of
 *   the caller's memory context (a reset callback there unpins it), and an
 *   entry invalidated while pinned leaves the hash at once but is freed
 *   only when its last pin goes.  Plans themselves hold only copies
 *   (fdw_private lists of nodes).
 * - An entry is built in a context under the caller's, moved under
 *   CacheMemoryContext only once complete: an error while reading the
 *   options leaves nothing behind.  If an invalidation arrives while one
 *   is built (catalog reads process them), the entry is used by its caller
 *   but not kept.
 * - The user mapping's secrets stay where they were, in the RestTable; an
 *   entry's memory is wiped before it is freed.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/catcache.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "rest_fdw.h"

/* The hash key: a foreign table, and the user whose mapping is used. */
typedef struct RestTableKey
{
	Oid			relid;
	Oid			userid;
} RestTableKey;

/* One RestTable with its bookkeeping, in a memory context of its own. */
typedef struct RestCachedTable
{
	MemoryContext cxt;			/* holds this and the RestTable */
	RestTable  *table;
	int			pins;			/* memory contexts using it */
	bool		valid;			/* in the hash: no change seen since read */
	uint32		table_hash;		/* FOREIGNTABLEREL hash of the table */
	uint32		server_hash;	/* FOREIGNSERVEROID hash of its server */
	uint32	   *type_hashes;	/* TYPEOID hashes of its columns' types */
} RestCachedTable;

/* Hash entry; the key comes first. */
typedef struct RestTableEntry
{
	RestTableKey key;
	RestCachedTable *cached;
} RestTableEntry;

/* A pin of a RestCachedTable, released with the memory context holding it. */
typedef struct RestTablePin
{
	MemoryContextCallback callback;
	RestCachedTable *cached;
} RestTablePin;

static HTAB *TableHash = NULL;

/* Invalidations seen, to tell whether one arrived while an entry was read. */
static uint64 invalidations = 0;

static void table_cache_init(void);
static RestCachedTable *read_cached_table(Oid relid, Oid userid);
static void pin_table(RestCachedTable *cached);
static void unpin_table(void *arg);
static void forget_table(RestTableEntry *entry);
static void free_cached_table(RestCachedTable *cached);
static void table_syscache_callback(Datum arg, int cacheid, uint32 hashvalue);
static void table_relcache_callback(Datum arg, Oid relid);
static bool uses_type(RestCachedTable *cached, uint32 hashvalue);

/*
 * RestGetTable
 *		The description of a foreign table for the given user's mapping,
 *		valid as long as CurrentMemoryContext.  Shared with every other
 *		caller: read-only.
 */
RestTable *
RestGetTable(Oid relid, Oid userid)
{
	RestTableKey key;
	RestTableEntry *entry;
	RestCachedTable *cached;
	bool		found;

	if (TableHash == NULL)
		table_cache_init();

	memset(&key, 0, sizeof(key));
	key.relid = relid;
	key.userid = userid;
	entry = hash_search(TableHash, &key, HASH_FIND, NULL);
	if (entry != NULL)
		cached = entry->cached;
	else
	{
		cached = read_cached_table(relid, userid);
		if (cached->valid)
		{
			entry = hash_search(TableHash, &key, HASH_ENTER, &found);
			Assert(!found);
			entry->cached = cached;
		}
	}
	pin_table(cached);
	return cached->table;
}

/*
 * table_cache_init
 *		Create the hash and register the invalidation callbacks.
 */
static void
table_cache_init(void)
{
	HASHCTL		ctl;

	if (CacheMemoryContext == NULL)
		CreateCacheMemoryContext();

	ctl.keysize = sizeof(RestTableKey);
	ctl.entrysize = sizeof(RestTableEntry);
	ctl.hcxt = CacheMemoryContext;
	TableHash = hash_create("rest_fdw tables", 16, &ctl,
							HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	CacheRegisterSyscacheCallback(FOREIGNTABLEREL, table_syscache_callback,
								  (Datum) 0);
	CacheRegisterSyscacheCallback(FOREIGNSERVEROID, table_syscache_callback,
								  (Datum) 0);
	CacheRegisterSyscacheCallback(USERMAPPINGOID, table_syscache_callback,
								  (Datum) 0);
	CacheRegisterSyscacheCallback(TYPEOID, table_syscache_callback,
								  (Datum) 0);
	CacheRegisterRelcacheCallback(table_relcache_callback, (Datum) 0);
}

/*
 * read_cached_table
 *		Read a table's description and prepare its columns, in a new memory
 *		context moved under CacheMemoryContext once complete; valid unless
 *		an invalidation arrived meanwhile.
 */
static RestCachedTable *
read_cached_table(Oid relid, Oid userid)
{
	uint64		seen = invalidations;
	MemoryContext cxt;
	MemoryContext oldcxt;
	RestCachedTable *cached;

	cxt = AllocSetContextCreate(CurrentMemoryContext, "rest_fdw table",
								ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(cxt);
	cached = palloc0(sizeof(RestCachedTable));
	cached->cxt = cxt;
	cached->table = RestReadTable(relid, userid);
	RestPrepareColumns(cached->table);
	cached->table_hash = GetSysCacheHashValue1(FOREIGNTABLEREL,
											   ObjectIdGetDatum(relid));
	cached->server_hash =
		GetSysCacheHashValue1(FOREIGNSERVEROID,
							  ObjectIdGetDatum(cached->table->serverid));
	cached->type_hashes = palloc0(sizeof(uint32) *
								  Max(cached->table->ncolumns, 1));
	for (int i = 0; i < cached->table->ncolumns; i++)
		cached->type_hashes[i] =
			GetSysCacheHashValue1(TYPEOID,
								  ObjectIdGetDatum(cached->table->columns[i].typid));
	MemoryContextCopyAndSetIdentifier(cxt, cached->table->relname);
	MemoryContextSwitchTo(oldcxt);

	MemoryContextSetParent(cxt, CacheMemoryContext);
	cached->valid = (invalidations == seen);
	return cached;
}

/*
 * pin_table
 *		Keep an entry alive until CurrentMemoryContext is reset or deleted.
 */
static void
pin_table(RestCachedTable *cached)
{
	RestTablePin *pin = palloc(sizeof(RestTablePin));

	pin->cached = cached;
	pin->callback.func = unpin_table;
	pin->callback.arg = pin;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, &pin->callback);
	cached->pins++;
}

/*
 * unpin_table
 *		Release a pin; free the entry if it was its last and the entry was
 *		invalidated.  Runs in memory context resets: never throws.
 */
static void
unpin_table(void *arg)
{
	RestCachedTable *cached = ((RestTablePin *) arg)->cached;

	Assert(cached->pins > 0);
	cached->pins--;
	if (cached->pins == 0 && !cached->valid)
		free_cached_table(cached);
}

/*
 * forget_table
 *		Take an entry out of the hash; free it unless pinned.
 */
static void
forget_table(RestTableEntry *entry)
{
	RestCachedTable *cached = entry->cached;

	(void) hash_search(TableHash, &entry->key, HASH_REMOVE, NULL);
	cached->valid = false;
	if (cached->pins == 0)
		free_cached_table(cached);
}

/*
 * free_cached_table
 *		Wipe the secrets of an entry and free it.  Never throws.
 */
static void
free_cached_table(RestCachedTable *cached)
{
	RestTable  *table = cached->table;
	ListCell   *lc;

	if (table->bearer_token != NULL)
		explicit_bzero(table->bearer_token, strlen(table->bearer_token));
	if (table->password != NULL)
		explicit_bzero(table->password, strlen(table->password));
	if (table->client_secret != NULL)
		explicit_bzero(table->client_secret, strlen(table->client_secret));
	foreach(lc, table->headers)
	{
		char	   *header = (char *) lfirst(lc);

		explicit_bzero(header, strlen(header));
	}
	MemoryContextDelete(cached->cxt);
}

/*
 * table_syscache_callback
 *		Forget the entries a change of a foreign table, a server, a user
 *		mapping or a type concerns (hashvalue 0: every entry).
 */
static void
table_syscache_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	HASH_SEQ_STATUS scan;
	RestTableEntry *entry;

	invalidations++;
	if (TableHash == NULL)
		return;

	hash_seq_init(&scan, TableHash);
	while ((entry = (RestTableEntry *) hash_seq_search(&scan)) != NULL)
	{
		RestCachedTable *cached = entry->cached;

		if (hashvalue == 0 || cacheid == USERMAPPINGOID ||
			(cacheid == FOREIGNTABLEREL && cached->table_hash == hashvalue) ||
			(cacheid == FOREIGNSERVEROID &&
			 cached->server_hash == hashvalue) ||
			(cacheid == TYPEOID && uses_type(cached, hashvalue)))
			forget_table(entry);
	}
}

/*
 * table_relcache_callback
 *		Forget the entries of a relation whose definition changed
 *		(InvalidOid: every entry).
 */
static void
table_relcache_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS scan;
	RestTableEntry *entry;

	invalidations++;
	if (TableHash == NULL)
		return;

	hash_seq_init(&scan, TableHash);
	while ((entry = (RestTableEntry *) hash_seq_search(&scan)) != NULL)
		if (!OidIsValid(relid) || entry->key.relid == relid)
			forget_table(entry);
}

/*
 * uses_type
 *		Has the table a column of the type with this TYPEOID hash?
 */
static bool
uses_type(RestCachedTable *cached, uint32 hashvalue)
{
	for (int i = 0; i < cached->table->ncolumns; i++)
		if (!cached->table->columns[i].dropped &&
			cached->type_hashes[i] == hashvalue)
			return true;
	return false;
}
