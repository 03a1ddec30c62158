#!/usr/bin/env python3
"""The demo's stand-in for a person's Slack channel: Alertmanager posts the shipped template's message here (the
rendered alertmanager.yml names this URL as Slack's incoming webhook), and each message is printed to the demo's
terminal and appended to a file, as a person would read it.

    person_sink.py PORT_FILE MESSAGES_FILE    # listens on 127.0.0.1:0, writes the port to PORT_FILE
"""
import http.server
import json
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1 << 20))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
        try:
            attachments = json.loads(body).get("attachments") or [{}]
            title, text = attachments[0].get("title", ""), attachments[0].get("text", "")
        except (ValueError, AttributeError):
            title, text = "(not Slack's format)", body.decode("utf-8", "replace")
        stamp = time.strftime("%H:%M:%S")
        message = f"{stamp} >>> message to the person: {title}\n" + "".join(
            f"{stamp}     {line}\n" for line in text.splitlines())
        sys.stdout.write(message)
        sys.stdout.flush()
        with open(self.server.messages_file, "a", encoding="utf-8") as out:
            out.write(message)

    def log_message(self, *args):  # the access log would drown the demo's output
        pass


def main():
    port_file, messages_file = sys.argv[1], sys.argv[2]
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    server.messages_file = messages_file
    with open(port_file, "w", encoding="utf-8") as out:
        out.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
