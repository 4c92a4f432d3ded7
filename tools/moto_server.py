"""Runs moto in server mode on loopback for the integration tests and the local stack.

Usage: moto_server.py [--port N] [--port-file FILE]. Port 0 (the default) takes a free port; the
port actually bound is written to --port-file once the server accepts connections.

Requests are handled one at a time. Real DynamoDB applies a conditional write atomically per
item; moto's threaded server checks a condition and writes without a lock, so two requests racing
through it could both pass the same condition. Serialising request handling gives the emulator the
atomicity of the real service, which the race tests rely on. Connections still get their own
threads, so HTTP keep-alive from the SDK clients works.
"""

import argparse
import os
import signal
import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server


def serialised(app):
    lock = threading.Lock()

    def handle(environ, start_response):
        with lock:
            result = app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        return [body]

    return handle


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    args = parser.parse_args()

    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(args.host, args.port, serialised(app), threaded=True,
                         request_handler=MotoRequestHandler)
    port = server.server_port
    os.environ["MOTO_PORT"] = str(port)
    if args.port_file:
        with open(args.port_file + ".tmp", "w", encoding="utf-8") as out:
            out.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"moto listening on http://{args.host}:{port}", flush=True)

    def stop(_signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
