"""manage.py rest_fdw_check: every model on a rest_fdw foreign table
against its service's OpenAPI document and answers (see checking.py)."""

from django.core.management.base import BaseCommand, CommandError

from rest_fdw_django.checking import ERROR, INFO, WARNING, check_models

LEVELS = [INFO, WARNING, ERROR]


class Command(BaseCommand):
    help = ("Compare every model on a rest_fdw foreign table with its service: fields, types, "
            "nullability, and the lookups the ORM and the admin will send.")

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument("--no-fetch", action="store_true",
                            help="compare with the OpenAPI document only, fetch no rows")
        parser.add_argument("--fail-level", choices=[WARNING, ERROR], default=ERROR,
                            help="exit non-zero on findings of this level or worse (default: error)")
        parser.add_argument("--verbose-info", action="store_true", help="also print info findings")

    def handle(self, *args, **options):
        findings = check_models(options["database"], fetch_rows=not options["no_fetch"])
        shown = [f for f in findings if f.level != INFO or options["verbose_info"]]
        model = None
        for finding in shown:
            if finding.model != model:
                model = finding.model
                self.stdout.write(f"{model}:")
            style = {ERROR: self.style.ERROR, WARNING: self.style.WARNING}.get(finding.level, str)
            self.stdout.write(style(f"  {finding.level.upper():8}{finding.message}"))
        counts = {level: sum(f.level == level for f in findings) for level in LEVELS}
        self.stdout.write(f"{counts[ERROR]} errors, {counts[WARNING]} warnings, {counts[INFO]} notes")
        worst = max((LEVELS.index(f.level) for f in findings), default=-1)
        if worst >= LEVELS.index(options["fail_level"]):
            raise CommandError(f"rest_fdw_check found problems of level {options['fail_level']} "
                               "or worse")
