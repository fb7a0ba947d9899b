#!/usr/bin/env bash
# bench/instructions.sh [BASELINE]: instructions per query and per row of
# rest_fdw, before (commit BASELINE, default 18ec31b) and after (the work
# tree as it is), counted by valgrind --tool=callgrind.  As root.
#
#   1. builds both source trees (BASELINE from git archive, the work tree
#      from a copy) and installs each into a private copy of PostgreSQL 15
#      (tools/cluster.sh private_postgres);
#   2. writes the JSON pages (bench/instructions.py gen) and serves them
#      from files on 127.0.0.1 (bench/instructions.py serve);
#   3. makes one data directory and, in one backend of each build's
#      postmaster run under callgrind, runs the same queries: the empty query,
#      a full scan of N rows x 6 columns (int, text, numeric, timestamptz,
#      bool, date), the same of 20 columns, a point lookup by key (K keys)
#      and count(*), each once to warm up and then repeated; callgrind
#      dumps its counters at the end of every query (--dump-after=
#      CommitTransactionCommand);
#   4. bench/instructions.py report writes bench/RESULTS-instructions.md.
#
# Environment: INSTR_ROWS (N, default 5000), INSTR_RUNS (repeats of the
# other queries, default 5), INSTR_LOOKUPS (K, default 20), INSTR_KEEP=1
# keeps the work directory.  Takes 3 to 6 minutes.
set -euo pipefail

bench=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$bench/.." && pwd)
cd "$top"
. tools/cluster.sh
baseline=${1:-18ec31b}
rows=${INSTR_ROWS:-5000}
runs=${INSTR_RUNS:-5}
lookups=${INSTR_LOOKUPS:-20}
command="INSTR_ROWS=$rows INSTR_RUNS=$runs INSTR_LOOKUPS=$lookups bash bench/instructions.sh $baseline"
started=$(date +%s)
pg_config=/usr/lib/postgresql/15/bin/pg_config

log() { printf '[instructions %4ds] %s\n' $(($(date +%s) - started)) "$*"; }
die() { echo "instructions: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (the backend runs as the postgres user)"
command -v valgrind >/dev/null || die "valgrind is missing (apt-get install valgrind)"
git rev-parse -q --verify "$baseline^{commit}" >/dev/null || die "no commit $baseline"

work=$(mktemp -d /tmp/rest_fdw_instr.XXXXXX)
chmod 755 "$work"
server_pid=
cleanup() {
	local rc=$?
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
	[ -f "$work/data/postmaster.pid" ] &&
		su postgres -c "$PGBIN/pg_ctl -D '$work/data' -m immediate -w stop" >/dev/null 2>&1 || true
	if [ "${INSTR_KEEP:-0}" = 1 ] || [ $rc -ne 0 ]; then
		echo "instructions: work directory kept: $work"
	else
		rm -rf "$work"
	fi
	exit $rc
}
trap cleanup EXIT

# --- 1. the two builds ----------------------------------------------------------
# build NAME: build $work/src-NAME and install it into $work/pg-NAME; sets
# the NAME's postgres binary in pgbin_NAME.
build() {
	local name=$1
	log "building $name"
	private_postgres "$work/pg-$name"
	make -s -C "$work/src-$name" PG_CONFIG=$pg_config >"$work/build-$name.log" 2>&1 ||
		{ cat "$work/build-$name.log"; die "the build of $name failed"; }
	make -s -C "$work/src-$name" install DESTDIR="$PG_DESTDIR" PG_CONFIG=$pg_config \
		>>"$work/build-$name.log" 2>&1 ||
		{ cat "$work/build-$name.log"; die "the install of $name failed"; }
	printf -v "pgbin_$name" '%s' "$PGBIN"
}
mkdir -p "$work/src-before" "$work/src-after"
git archive "$baseline" | tar -x -C "$work/src-before"
cp ./*.c ./*.h Makefile rest_fdw.control rest_fdw--*.sql "$work/src-after/"
build before
build after
before_label="$baseline ($(git log -1 --format='%h %s' "$baseline"))"
after_label="work tree at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . && true || echo ' with uncommitted changes')"

# --- 2. pages and their server --------------------------------------------------
log "pages: $rows rows"
python3 "$bench/instructions.py" gen "$work/www" "$rows"
python3 "$bench/instructions.py" serve "$work/www" "$work/port" "$work/404.log" \
	>"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { cat "$work/server.log"; die "the page server did not start"; }
port=$(cat "$work/port")

# --- 3. the data directory and the runs -----------------------------------------
log "data directory"
chown postgres: "$work"
su postgres -c "$pgbin_after/initdb -D '$work/data' -U postgres -A trust -E UTF8 --locale=C.UTF-8 >'$work/initdb.log' 2>&1" ||
	{ cat "$work/initdb.log"; die "initdb failed"; }

columns6="id integer, name text, price numeric, created timestamptz, active boolean, released date"
columns20="$columns6"
for i in $(seq 6 19); do
	case $((i % 6)) in
	0) t=integer ;; 1) t=text ;; 2) t=numeric ;; 3) t=timestamptz ;; 4) t=boolean ;; 5) t=date ;;
	esac
	columns20="$columns20, c$i $t"
done
# one statement a line: the single-user backend reads them so
cat >"$work/setup.sql" <<EOF
CREATE EXTENSION rest_fdw;
CREATE SERVER bench FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url 'http://127.0.0.1:$port/', dialect 'drf', page_size_param 'page_size', page_size '$rows', max_page_size '$rows', timeout '300', max_response_size '1GB');
CREATE USER MAPPING FOR PUBLIC SERVER bench;
CREATE FOREIGN TABLE items ($columns6) SERVER bench OPTIONS (resource 'items/', key 'id');
CREATE FOREIGN TABLE wide ($columns20) SERVER bench OPTIONS (resource 'wide/', key 'id');
EOF
su postgres -c "$pgbin_after/postgres --single -D '$work/data' postgres <'$work/setup.sql' >'$work/setup.out' 2>&1" ||
	{ cat "$work/setup.out"; die "the setup failed"; }
grep -q ERROR "$work/setup.out" && { cat "$work/setup.out"; die "the setup failed"; }

# the queries: kind, warm or measured, text (tab-separated)
{
	query() { printf '%s\t%s\t%s\n' "$1" "$2" "$3"; }
	# a whole-row test needs every column of every row, and returns none
	for kind in empty scan6 scan20 count; do
		case $kind in
		empty) q="SELECT 1" ;;
		scan6) q="SELECT count(*) FROM items WHERE items IS NULL" ;;
		scan20) q="SELECT count(*) FROM wide WHERE wide IS NULL" ;;
		count) q="SELECT count(*) FROM items" ;;
		esac
		query "$kind" warm "$q"
		for _ in $(seq 1 "$runs"); do query "$kind" measured "$q"; done
	done
	query point warm "SELECT * FROM items WHERE id = 1"
	for i in $(seq 2 $((lookups + 1))); do
		query point measured "SELECT * FROM items WHERE id = $i"
	done
} >"$work/queries.tsv"
sed "s/\$/;/" "$work/queries.tsv" | cut -f3 >"$work/queries.sql"

# measure NAME: start a postmaster of NAME's build under callgrind (its
# forked backends are counted too, each in files of its own pid), run the
# queries in one psql session, stop it, and keep that backend's dumps in
# $work/cg-NAME.  The single-user backend would do without a postmaster,
# but rest_fdw's waits watch for the postmaster's death.
measure() {
	local name=$1 pgbin_var=pgbin_$1 pgport pid
	local pgbin=${!pgbin_var}
	log "callgrind: $name"
	mkdir -p "$work/cg-$name" "$work/cg-$name-all"
	chown postgres: "$work/cg-$name-all"
	pgport=$(free_port)
	su postgres -c "valgrind --tool=callgrind --dump-after=CommitTransactionCommand \
		--callgrind-out-file='$work/cg-$name-all/callgrind.out.%p' \
		$pgbin/postgres -D '$work/data' -k '$work' -p $pgport \
		-c listen_addresses= -c autovacuum=off -c fsync=off \
		>'$work/valgrind-$name.log' 2>&1 &"
	for _ in $(seq 1 600); do
		"$pgbin/pg_isready" -q -h "$work" -p "$pgport" && break
		sleep 0.2
	done
	"$pgbin/pg_isready" -q -h "$work" -p "$pgport" ||
		{ tail -30 "$work/valgrind-$name.log"; die "the postmaster of $name did not start"; }
	{
		echo "\\o $work/pid-$name"
		echo "SELECT pg_backend_pid();"
		echo "\\o /dev/null"
		cat "$work/queries.sql"
	} >"$work/session-$name.sql"
	"$pgbin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$work" -p "$pgport" -U postgres \
		-d postgres -f "$work/session-$name.sql" >"$work/psql-$name.log" 2>&1 ||
		{ cat "$work/psql-$name.log"; die "a query of $name failed"; }
	su postgres -c "$pgbin/pg_ctl -D '$work/data' -m fast -w -t 300 stop" >/dev/null
	pid=$(tr -d ' \n' <"$work/pid-$name")
	mv "$work/cg-$name-all/callgrind.out.$pid" "$work/cg-$name-all/callgrind.out.$pid".* \
		"$work/cg-$name/"
}
measure before
measure after
[ -s "$work/404.log" ] && { cat "$work/404.log"; die "requests for pages that do not exist"; }

# --- 4. the report -----------------------------------------------------------------
log "report"
python3 "$bench/instructions.py" report "$bench/RESULTS-instructions.md" "$rows" \
	"$command" "$before_label" "$work/cg-before" "$after_label" "$work/cg-after" \
	"$work/queries.tsv"
log "done: bench/RESULTS-instructions.md"
