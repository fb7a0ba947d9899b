# rest_fdw: a PostgreSQL foreign-data wrapper for REST services.

MODULE_big = rest_fdw
OBJS = \
	$(WIN32RES) \
	analyze.o \
	connection.o \
	context.o \
	convert.o \
	deparse.o \
	dialect.o \
	dialect_drf.o \
	dialect_jsonapi.o \
	dialect_jsonserver.o \
	dialect_odata.o \
	dialect_postgrest.o \
	errors.o \
	hostpolicy.o \
	import.o \
	join.o \
	json.o \
	jsonscan.o \
	modify.o \
	oauth.o \
	openapi.o \
	option.o \
	option_groups.o \
	pager.o \
	params.o \
	request.o \
	rest_fdw.o \
	scan.o \
	tablecache.o \
	undo.o \
	url.o
PGFILEDESC = "rest_fdw - foreign-data wrapper for REST services"

EXTENSION = rest_fdw
# The release (META.json, debian/changelog, rest_fdw.version()); the
# extension's SQL version is default_version in rest_fdw.control.
REST_FDW_VERSION = 1.2.0
DATA = rest_fdw--1.0.sql rest_fdw--1.0--1.1.sql rest_fdw--1.1--1.2.sql
# The install script of each version is that of 1.0 followed by the update
# scripts, so that a fresh install and an update give the same objects.
DATA_built = rest_fdw--1.1.sql rest_fdw--1.2.sql

SHLIB_LINK_INTERNAL = $(libpq)
SHLIB_LINK = -lcurl -ljansson
PG_CPPFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
PG_CPPFLAGS += -DREST_FDW_VERSION='"$(REST_FDW_VERSION)"'

REGRESS = setup types read write pushdown_drf pushdown_postgrest pushdown_jsonserver jsonserver_real jsonapi_real odata_real move import errors cancel options security retry hardening tls prefetch write_exact update_put limit_exact analyze analyze_tables upgrade deparse_exact exact_more oauth context reach scale transfers page_size undo undo_more convert not_null cache capabilities join_pushdown join_grouped join_dialects pattern_matches
REGRESS_OPTS = --load-extension=rest_fdw

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

rest_fdw--1.1.sql: rest_fdw--1.0.sql rest_fdw--1.0--1.1.sql
	{ echo '/* rest_fdw--1.1.sql, made by make from $^ */'; \
	  sed '1d' $(word 1,$^); \
	  sed '1,/\\quit$$/d' $(word 2,$^); } >$@

rest_fdw--1.2.sql: rest_fdw--1.0.sql rest_fdw--1.0--1.1.sql rest_fdw--1.1--1.2.sql
	{ echo '/* rest_fdw--1.2.sql, made by make from $^ */'; \
	  sed '1d' $(word 1,$^); \
	  sed '1,/\\quit$$/d' $(word 2,$^); \
	  sed '1,/\\quit$$/d' $(word 3,$^); } >$@

# A tarball of the release from the committed tree (PGXN, Debian's .orig).
.PHONY: dist
dist:
	git archive --format=tar.gz --prefix=rest_fdw-$(REST_FDW_VERSION)/ \
		-o rest_fdw-$(REST_FDW_VERSION).tar.gz HEAD
	@echo rest_fdw-$(REST_FDW_VERSION).tar.gz

# The Debian packages postgresql-NN-rest-fdw, built and smoke-tested inside
# the chroot of the newest version (test/deb_smoke.sh; as root).
.PHONY: deb
deb:
	bash test/deb_smoke.sh

# Delete the chroots that the test command caches (tools/chroot.sh).
.PHONY: clean-chroots
clean-chroots:
	bash tools/chroot.sh remove

# Longer checks, not part of the test command (see README.md).
.PHONY: leakcheck
leakcheck:
	bash test/leakcheck.sh

# The benchmark suite (as root; about 15 minutes, BENCH_QUICK=1 for a
# 3-minute smoke run): bench/README.md
.PHONY: bench
bench:
	bash bench/run.sh

# The scale benchmark of the Django example (as root; every page of the
# site and the admin at 100k books in both modes, about 30 minutes;
# SCALE_QUICK=1 for 10k books): bench/scale/README.md.  bench-scale-smoke is
# its request-count regression guard at 10k rows.
.PHONY: bench-scale bench-scale-smoke
bench-scale:
	bash bench/scale/run.sh bench
bench-scale-smoke:
	bash bench/scale/smoke.sh

# Property-based fuzz of the scan against a throwaway cluster (test/fuzz).
FUZZ_SECONDS ?= 600
.PHONY: fuzz
fuzz:
	bash test/fuzz/run.sh --seconds $(FUZZ_SECONDS)

# Differential test of the foreign tables against local tables holding the
# same rows, for every dialect (test/difftest); the test command runs
# 2,000 queries per dialect.
DIFFTEST_QUERIES ?= 50000
.PHONY: difftest
difftest:
	bash test/difftest/run.sh --queries $(DIFFTEST_QUERIES) --shrink-seconds 300 \
		--report test/difftest/report.md

# Django's own ORM tests on local tables and moved into a service whose
# server has option undo (test/django_suite; as root; RESULTS.md says how
# long): the counts per module, written to test/django_suite/RESULTS.md.
.PHONY: django-suite
django-suite:
	bash test/django_suite/run.sh --markdown test/django_suite/RESULTS.md

# The pg_regress suite with the server under valgrind memcheck.
.PHONY: valgrind
valgrind:
	bash test/valgrind.sh test/valgrind-results.txt

# pgbench, 16 clients for 60 s, against a 4-process service behind nginx.
.PHONY: loadtest
loadtest:
	bash test/loadtest.sh test/loadtest-results.txt

# pgbench over both example services, one killed and restarted mid-run.
.PHONY: chaos
chaos:
	bash test/chaos.sh test/chaos-results.txt
