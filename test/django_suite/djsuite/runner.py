"""The test runner of the suite (settings.TEST_RUNNER): Django's
DiscoverRunner that, by DJSUITE_MODE,

- monolith: runs the tests on local tables;
- service: first moves every table of the test apps into the service
  (moving.py), so that the ORM's SQL reaches foreign tables; the server
  has rest_fdw's option undo (settings.py), so Django's rollbacks undo
  the service's writes;
- emulated: as service without option undo, the service's tables put
  back from outside where Django's rollbacks put local tables (undo.py),
  for comparison;

and writes every test's outcome to DJSUITE_RESULTS (JSON; report.py)."""

import json
import os
import time
import traceback
import unittest

from django.test.runner import DiscoverRunner

from . import moving, undo

MODES = ("monolith", "service", "emulated")


def _message(err):
    """An exception's class and message, up to 500 characters."""
    text = "".join(traceback.format_exception_only(err[0], err[1])).strip()
    return text[:500]


class RecordingResult(unittest.TextTestResult):
    """A TextTestResult that remembers each test's outcome and message."""

    outcomes = {}
    # seconds per test since the previous test ended (so a class's setup
    # counts to its first test): the time of each module, summed in report.py
    seconds = {}
    _last = None

    def stopTest(self, test):
        super().stopTest(test)
        now = time.time()
        last = RecordingResult._last if RecordingResult._last is not None else now
        RecordingResult.seconds[test.id()] = RecordingResult.seconds.get(test.id(), 0) + now - last
        RecordingResult._last = now

    def _put(self, test, outcome, message=""):
        test_id = test.id()
        rank = ("pass", "skip", "xfail", "unexpected-pass", "fail", "error")
        old = self.outcomes.get(test_id)
        if old is None or rank.index(outcome) > rank.index(old["outcome"]):
            self.outcomes[test_id] = {"outcome": outcome, "message": message}

    def addSuccess(self, test):
        super().addSuccess(test)
        self._put(test, "pass")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._put(test, "fail", _message(err))

    def addError(self, test, err):
        super().addError(test, err)
        self._put(test, "error", _message(err))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._put(test, "skip", str(reason)[:200])

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._put(test, "xfail")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._put(test, "unexpected-pass")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            failure = issubclass(err[0], test.failureException)
            self._put(test, "fail" if failure else "error", _message(err))


def _ids(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from _ids(test)
        else:
            yield test.id()


class SuiteRunner(DiscoverRunner):
    """DiscoverRunner with the modes above and the results file."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = os.environ.get("DJSUITE_MODE", "monolith")
        if self.mode not in MODES:
            raise ValueError(f"DJSUITE_MODE must be one of {', '.join(MODES)}, not {self.mode!r}")
        self.kept_local = {}
        self.unchecked = {}
        self.started = time.time()

    def setup_databases(self, **kwargs):
        old_config = super().setup_databases(**kwargs)
        if self.mode != "monolith":
            self.kept_local, self.unchecked = moving.move_all()
            if self.verbosity:
                print(f"moved the test apps' tables into the service; kept local: "
                      f"{len(self.kept_local)}")
            if self.mode == "emulated":
                undo.install()
        return old_config

    def get_resultclass(self):
        return RecordingResult

    def run_suite(self, suite, **kwargs):
        every = list(_ids(suite))
        RecordingResult._last = time.time()
        try:
            return super().run_suite(suite, **kwargs)
        finally:
            self._write(every)

    def _write(self, every):
        outcomes = RecordingResult.outcomes
        # an error in setUpClass is reported once, as "setUpClass (module.Class)"
        for holder, entry in list(outcomes.items()):
            if " (" in holder and holder.endswith(")"):
                prefix = holder.split(" (", 1)[1][:-1] + "."
                for test_id in every:
                    if test_id.startswith(prefix) and test_id not in outcomes:
                        outcomes[test_id] = dict(entry, message="class setup: " + entry["message"])
        for test_id in every:
            outcomes.setdefault(test_id, {"outcome": "not-run", "message": ""})
        path = os.environ.get("DJSUITE_RESULTS")
        if path:
            with open(path, "w") as f:
                json.dump({"mode": self.mode, "seconds": round(time.time() - self.started),
                           "kept_local": self.kept_local, "unchecked": self.unchecked,
                           "tests": {t: dict(outcomes[t], seconds=round(RecordingResult.seconds.get(t, 0), 3))
                                     for t in every}}, f, indent=0, sort_keys=True)
