"""Runs moto in server mode on loopback for the integration tests and the local stack.

Usage: moto_server.py [--port N] [--port-file FILE]. Port 0 (the default) takes a free port; the
port actually bound is written to --port-file once the server accepts connections.

Requests are handled one at a time. Real DynamoDB applies a conditional write atomically per
item; moto's threaded server checks a condition and writes without a lock, so two requests racing
through it could both pass the same condition. Serialising request handling gives the emulator the
atomicity of the real service, which the race tests rely on. Connections still get their own
threads, so HTTP keep-alive from the SDK clients works.

Transactions keep moto's own logic and rollback, with a lighter backup: moto deep-copies every
table a TransactWriteItems touches, once per item of the transaction, before it writes, and puts
the copy back if the transaction fails. That is a cost in the size of the table (about 100 ms per
1,000 items for a 4-item transaction, measured), so a long-running local stack (`make run`,
`make fuzz`) slowed down with every item written until requests queued past the SDK's 5 s call
timeout. Here the backup is a copy of the items the transaction names, taken before it runs and
restored in place if it fails; DynamoDB's behaviour (all or nothing) is the same.
"""

import copy

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


def journaled_transactions():
    """moto's TransactWriteItems, with its whole-table backup replaced by one of the named items."""
    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    class TablesByReference:
        """What moto's models module calls `copy`: a Table is "copied" by reference, anything
        else deep-copied as before. Only the transaction's backup deep-copies a Table there."""

        @staticmethod
        def deepcopy(value, memo=None):
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        journal = []
        for entry in transact_items:
            for op_type, op in entry.items():
                table = self.tables.get(op.get("TableName")) if isinstance(op, dict) else None
                attributes = op.get("Item") if op_type == "Put" else op.get("Key")
                if table is None or not isinstance(attributes, dict) or table.hash_key_attr not in attributes:
                    continue  # moto itself refuses the request before writing anything
                hash_value = DynamoType(attributes[table.hash_key_attr])
                range_value = (DynamoType(attributes[table.range_key_attr])
                               if table.range_key_attr and table.range_key_attr in attributes else None)
                if table.range_key_attr and range_value is None:
                    continue
                journal.append((table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value))))
        try:
            return original(self, transact_items)
        except BaseException:
            for table, hash_value, range_value, item in reversed(journal):
                if item is None:
                    table.delete_item(hash_value, range_value)
                elif range_value is None:
                    table.items[hash_value] = item
                else:
                    table.items[hash_value][range_value] = item
            raise

    models.copy = TablesByReference
    models.DynamoDBBackend.transact_write_items = transact_write_items


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
    # TLS, as AWS's endpoints speak it (the cold-start bench's TLS=1): a certificate and its key in PEM.
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()

    journaled_transactions()
    app = DomainDispatcherApplication(create_backend_app)
    tls = (args.tls_cert, args.tls_key) if args.tls_cert else None
    server = make_server(args.host, args.port, serialised(app), threaded=True,
                         request_handler=MotoRequestHandler, ssl_context=tls)
    port = server.server_port
    os.environ["MOTO_PORT"] = str(port)
    if args.port_file:
        with open(args.port_file + ".tmp", "w", encoding="utf-8") as out:
            out.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"moto listening on {'https' if tls else 'http'}://{args.host}:{port}", flush=True)

    def stop(_signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
