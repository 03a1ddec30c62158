#!/usr/bin/env python3
"""A webhook sink for tests: listens on 127.0.0.1 (port 0 = any free one), writes its port to PORT_FILE, and appends
one JSON line per POST to OUT_FILE: {"path", "authorization", "body"}. Stops on SIGTERM.

    webhook_sink.py PORT_FILE OUT_FILE
"""
import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


def main(port_file, out_file):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with open(out_file, "a", encoding="utf-8") as f:
                f.write(json.dumps({"path": self.path, "authorization": self.headers.get("Authorization"),
                                    "body": json.loads(body or b"null")}) + "\n")
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(port_file + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    import os
    os.replace(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
