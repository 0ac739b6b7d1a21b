"""moto_server, one request at a time, on loopback.

moto's in-memory backends are not safe under concurrent requests: two conditional UpdateItem calls on one
item can both pass their condition, and an ADD can be lost. DynamoDB decides each item's condition
atomically, and the state store's rules (one claim per key, a budget never passed) rest on that. Taking
requests one at a time makes the local stand-in as strict as the service; moto answers in about a
millisecond, so nothing waits long.

Usage: moto-serial.py -p PORT   (binds 127.0.0.1 only)
"""

import argparse
import threading

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)


def one_at_a_time(app):
    lock = threading.Lock()

    def serve(environ, start_response):
        with lock:
            # The whole answer is produced under the lock, not only its first chunk.
            return list(app(environ, start_response))

    return serve


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        "127.0.0.1",
        args.port,
        one_at_a_time(app),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
