"""Run the service: python -m djsuite.serve --port-file F [--prepare].

With --prepare, first creates the service's tables (migrate --run-syncdb
into its own database, which must exist) and drops their foreign key
constraints (see service_urls.py).  Then serves the WSGI application on a
free loopback port, a thread per request, and writes the port to F."""

import argparse
import os
import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer


class _Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 64


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def prepare():
    """The service's tables, without foreign key constraints."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f'"
        )
        for table, name in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--prepare", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djsuite.service_settings")
    import django

    django.setup()
    if args.prepare:
        prepare()
    from django.core.wsgi import get_wsgi_application

    server = _Server(("127.0.0.1", 0), _QuietHandler)
    server.set_app(get_wsgi_application())
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    print(f"serving on port {server.server_address[1]}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
