#!/usr/bin/env bash
# Scale smoke test of the Django example (`make bench-scale-smoke`): the
# example in services mode at 1,000 authors / 3,000 books / 6,000 reviews
# (10,000 rows), every page of the site and the admin requested once; fails
# when a page sends the services more requests than
# bench/scale/smoke_thresholds.json allows (110 % + 2), or answers with
# another status than the e2e suite expects.
# `bash bench/scale/smoke.sh --write` records today's counts as the
# thresholds (after a change that lowers them).  As root.
exec bash "$(dirname "$0")/run.sh" smoke "$@"
