#!/usr/bin/env bash
# Chaos test of rest_fdw (`make chaos`): pgbench mixes reads with filters,
# INSERTs with RETURNING and statement_timeout cancels over the foreign
# tables of both example services (examples/django: the catalog DRF
# service, the FastAPI reviews service), for CHAOS_SECONDS (60); the
# catalog service is killed with SIGKILL at 1/3 of the run and restarted on
# the same port at 7/12.  Then it checks:
#   - the postmaster never restarted (no "terminated by signal" in the
#     server log, pg_postmaster_start_time() unchanged);
#   - errors only during the outage and only on the catalog's tables;
#   - a catalog request succeeds again within connect_timeout of the
#     restart;
#   - every acknowledged INSERT key is in the service's own database.
# Run as root on Debian 12: bash test/chaos.sh [results-file]
set -euo pipefail
{
top=$(cd "$(dirname "$0")/.." && pwd)
results=${1:-}
seconds=${CHAOS_SECONDS:-60}
clients=${CHAOS_CLIENTS:-4}
connect_timeout=2
[ "$(id -u)" = 0 ] || { echo "chaos.sh: run as root (the cluster runs as the postgres user)" >&2; exit 1; }
bash "$top/tools/install-deps.sh" >/dev/null
. "$top/examples/django/stack.sh"
venv_install

work=$(mktemp -d /tmp/rest_fdw_chaos.XXXXXX)
chmod 755 "$work"
cleanup() { stack_down "$work" || true; rm -rf "$work"; }
trap cleanup EXIT

build_rest_fdw "$work"

stack_up "$work"
base="host=127.0.0.1 port=$PGPORT user=postgres"
createdb shop
(cd "$EXAMPLE_DIR/webapp" && SHOP_DB_NAME=shop "$PY" manage.py migrate -v0)
shop() { psql "$base dbname=shop" -X -q -v ON_ERROR_STOP=1 -At "$@"; }

# connect_timeout on both services' servers; the bookkeeping tables and the
# one function every pgbench transaction calls (it logs each outcome)
shop <<SQL
DO \$\$
DECLARE s name;
BEGIN
	FOR s IN SELECT srvname FROM pg_foreign_server LOOP
		EXECUTE format('ALTER SERVER %I OPTIONS (ADD connect_timeout %L)', s, '$connect_timeout');
	END LOOP;
END \$\$;
INSERT INTO catalog_author (name, country) VALUES ('Chaos', 'NO');
CREATE TABLE acked (svc text, id bigint);
CREATE TABLE outcome (at timestamptz, svc text, op text, sqlstate text, msg text);
CREATE TABLE events (at timestamptz, what text);
CREATE FUNCTION chaos_op(svc text, op text) RETURNS void LANGUAGE plpgsql AS \$f\$
DECLARE
	k bigint;
	n bigint;
BEGIN
	BEGIN
		IF svc = 'catalog' AND op = 'read' THEN
			SELECT count(*) INTO n FROM catalog_book WHERE price >= 10 AND in_stock;
		ELSIF svc = 'catalog' AND op = 'write' THEN
			INSERT INTO catalog_book (title, author_id, price, in_stock)
				SELECT 'chaos', min(id), 12.5, true FROM catalog_author RETURNING id INTO k;
			INSERT INTO acked VALUES (svc, k);
		ELSIF svc = 'reviews' AND op = 'read' THEN
			SELECT count(*) INTO n FROM reviews_review WHERE rating >= 3;
		ELSIF svc = 'reviews' AND op = 'write' THEN
			INSERT INTO reviews_review (book_id, reviewer, rating, body, created)
				VALUES (1, 'chaos', 4, 'ok', now()) RETURNING id INTO k;
			INSERT INTO acked VALUES (svc, k);
		ELSIF op = 'slow' THEN
			-- cancelled by the caller's statement_timeout, mid-request or not
			IF svc = 'catalog' THEN
				SELECT count(*) INTO n FROM catalog_book b, pg_sleep(0.01);
			ELSE
				SELECT count(*) INTO n FROM reviews_review r, pg_sleep(0.01);
			END IF;
		END IF;
		INSERT INTO outcome VALUES (clock_timestamp(), svc, op, NULL, NULL);
	EXCEPTION
		WHEN query_canceled THEN
			INSERT INTO outcome VALUES (clock_timestamp(), svc, op, SQLSTATE, 'cancel');
		WHEN others THEN
			INSERT INTO outcome VALUES (clock_timestamp(), svc, op, SQLSTATE, SQLERRM);
	END;
END
\$f\$;
SQL
for svc in catalog reviews; do
	for op in read write; do
		echo "SELECT chaos_op('$svc', '$op');" >"$work/$svc-$op.sql"
	done
	printf "SET statement_timeout = 20;\nSELECT chaos_op('%s', 'slow');\nRESET statement_timeout;\n" \
		"$svc" >"$work/$svc-slow.sql"
done

started_pm=$(shop -c "SELECT pg_postmaster_start_time()")
catalog_port=${CATALOG_SERVICE_URL#http://127.0.0.1:}
catalog_port=${catalog_port%%/*}
pgbench "$base dbname=shop" -n -c "$clients" -j 2 -T "$seconds" \
	-f "$work/catalog-read.sql@4" -f "$work/catalog-write.sql@2" -f "$work/catalog-slow.sql@1" \
	-f "$work/reviews-read.sql@4" -f "$work/reviews-write.sql@2" -f "$work/reviews-slow.sql@1" \
	>"$work/pgbench.log" 2>&1 &
bench=$!
sleep $((seconds / 3))
shop -c "INSERT INTO events VALUES (clock_timestamp(), 'kill')"
kill -9 "$(cat "$work/catalog_service.pid")"
sleep $((seconds * 7 / 12 - seconds / 3))
shop -c "INSERT INTO events VALUES (clock_timestamp(), 'restart')"
(cd "$EXAMPLE_DIR/services/catalog_service" &&
	exec "$VENV/bin/gunicorn" --workers 1 --bind "127.0.0.1:$catalog_port" \
		--access-logfile - catalog_service.wsgi) >>"$work/catalog_service.log" 2>&1 &
echo $! >"$work/catalog_service.pid"
wait "$bench" || { cat "$work/pgbench.log"; exit 1; }

# the checks
fail=0
check() { local what=$1 ok=$2; printf '%-60s %s\n' "$what" "$ok"; [ "$ok" = ok ] || fail=1; }
pm_now=$(shop -c "SELECT pg_postmaster_start_time()")
[ "$pm_now" = "$started_pm" ] && ! grep -q "terminated by signal" "$work/pg/server.log" &&
	check "postmaster never restarted" ok || check "postmaster never restarted" FAILED
summary=$(shop -F ' ' <<SQL
WITH k AS (SELECT max(at) FILTER (WHERE what = 'kill') AS kill,
                  max(at) FILTER (WHERE what = 'restart') AS up FROM events),
     r AS (SELECT min(o.at) AS back FROM outcome o, k
           WHERE o.svc = 'catalog' AND o.sqlstate IS NULL AND o.op <> 'slow' AND o.at > k.up)
SELECT count(*) FILTER (WHERE sqlstate IS NULL),
       count(*) FILTER (WHERE msg = 'cancel'),
       count(*) FILTER (WHERE sqlstate IS NOT NULL AND msg <> 'cancel'),
       count(*) FILTER (WHERE sqlstate IS NOT NULL AND msg <> 'cancel'
                        AND (svc <> 'catalog' OR at < k.kill
                             OR at > k.up + interval '$connect_timeout s')),
       round(extract(epoch FROM r.back - k.up)::numeric, 3),
       (SELECT count(*) FROM acked WHERE svc = 'catalog'),
       (SELECT count(*) FROM acked WHERE svc = 'reviews')
FROM outcome, k, r GROUP BY k.kill, k.up, r.back
SQL
)
read -r oks cancels errors stray recovery acked_c acked_r <<<"$summary"
[ "$errors" -gt 0 ] && [ "$acked_c" -gt 0 ] && [ "$acked_r" -gt 0 ] &&
	check "the outage was seen, both services took writes" ok ||
	check "the outage was seen, both services took writes" FAILED
[ "$stray" = 0 ] && check "errors only on catalog tables during the outage ($errors)" ok ||
	check "errors only on catalog tables during the outage ($stray outside)" FAILED
awk -v r="$recovery" -v t="$connect_timeout" 'BEGIN { exit !(r != "" && r <= t) }' &&
	check "catalog answers again ${recovery}s after restart" ok ||
	check "catalog answers again ${recovery}s after restart" FAILED
shop -c "COPY (SELECT id FROM acked WHERE svc = 'catalog') TO STDOUT" | sort -n >"$work/acked_catalog"
shop -c "COPY (SELECT id FROM acked WHERE svc = 'reviews') TO STDOUT" | sort -n >"$work/acked_reviews"
psql "$base dbname=catalog" -XAt -c "SELECT id FROM api_book" | sort -n >"$work/have_catalog"
psql "$base dbname=reviews" -XAt -c "SELECT id FROM reviews" | sort -n >"$work/have_reviews"
lost_c=$(comm -23 "$work/acked_catalog" "$work/have_catalog" | wc -l)
lost_r=$(comm -23 "$work/acked_reviews" "$work/have_reviews" | wc -l)
[ "$lost_c$lost_r" = 00 ] && check "acknowledged INSERTs all in the services' databases" ok ||
	check "acknowledged INSERTs all in the services' databases ($lost_c + $lost_r lost)" FAILED

report=$(cat <<EOF
command: bash test/chaos.sh   ($clients clients, ${seconds}s, catalog killed at $((seconds / 3))s, restarted at $((seconds * 7 / 12))s, connect_timeout ${connect_timeout}s)
pgbench: $(grep -E '^(number of transactions actually processed|tps)' "$work/pgbench.log" | tr '\n' ' ')
outcomes: $oks succeeded, $cancels cancelled by statement_timeout, $errors errors ($stray outside the outage or on reviews)
recovery: first catalog success ${recovery}s after the restart
acknowledged INSERTs: catalog $acked_c, reviews $acked_r; lost: $lost_c, $lost_r
errors by service and state:
$(shop -F ' ' -c "SELECT svc, op, sqlstate, count(*) FROM outcome WHERE sqlstate IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
EOF
)
echo "$report"
[ -n "$results" ] && { echo "$report"; echo; date -u; } >"$results"
exit $fail
}
