"""Run the test authorization server and API of test/oauth.

    python serve.py --port-file FILE

migrates an in-memory database, creates the OAuth applications the tests
use, binds a free port on 127.0.0.1, writes it to FILE and serves,
single-threaded, until killed.  Applications (client-credentials grant,
confidential clients):

  client id      secret                 what its tokens do
  rest-fdw       fdw-secret-0123456789  read the API, live an hour
  short          short-secret-0123456   read the API, live 3 seconds
  refused        refused-secret-01234   are refused by the API (401)
"""

import argparse
import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

APPLICATIONS = [
    ("rest-fdw", "fdw-secret-0123456789"),
    ("short", "short-secret-0123456"),
    ("refused", "refused-secret-01234"),
]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    os.environ["DJANGO_SETTINGS_MODULE"] = "authsvc.settings"
    import django
    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for client_id, secret in APPLICATIONS:
        Application.objects.create(
            name=client_id, client_id=client_id, client_secret=secret,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS)

    server = make_server("127.0.0.1", 0, get_wsgi_application(),
                         handler_class=QuietHandler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_port))
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
