#!/usr/bin/env python3
"""proxy-server: a small round-robin HTTP reverse proxy.

    proxy-server --config FILE --backends FILE [--pidfile FILE] [--daemon]
    proxy-server --stop --pidfile FILE
    proxy-server --running --pidfile FILE

The config file has `key = value` lines: listen_address, port. The backends
file has one backend per line, `<unit> <host>:<port> <relation-id>`; it is
read again whenever it changes, so backends come and go without a restart.
Requests go to the backends in turn; a backend that does not answer is
skipped for that request. No backend: 503; none answered: 502.

With --daemon the command returns once the server listens (exit 0) or has
failed to (exit 1, reason on stderr). The daemon detaches from the caller's
session and output, and exits on SIGTERM or as soon as its pid file no
longer names it.
"""

import argparse
import http.client
import http.server
import itertools
import os
import select
import signal
import sys
import threading
import time

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
              "te", "trailers", "transfer-encoding", "upgrade"}


def read_config(path):
    conf = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                conf[key.strip()] = value.strip()
    return conf


class Backends:
    """The backends file, re-read when its modification time changes."""

    def __init__(self, path):
        self.path = path
        self.mtime = None
        self.servers = []
        self.turn = itertools.count()
        self.lock = threading.Lock()

    def current(self):
        with self.lock:
            try:
                mtime = os.stat(self.path).st_mtime_ns
            except OSError:
                mtime = None
            if mtime != self.mtime:
                self.mtime, self.servers = mtime, []
                if mtime is not None:
                    with open(self.path, encoding="utf-8") as f:
                        for line in f:
                            fields = line.split()
                            if len(fields) >= 2 and not fields[0].startswith("#"):
                                host, _, port = fields[1].rpartition(":")
                                if host and port.isdigit():
                                    self.servers.append((host, int(port)))
            if not self.servers:
                return []
            start = next(self.turn) % len(self.servers)
            return self.servers[start:] + self.servers[:start]


def make_handler(backends):
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "proxy-server/1.0"
        protocol_version = "HTTP/1.0"

        def log_message(self, fmt, *args):
            pass

        def answer(self, code, text):
            body = text.encode()
            self.send_response(code)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            servers = backends.current()
            if not servers:
                return self.answer(503, "no backends\n")
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["X-Forwarded-For"] = self.client_address[0]
            for host, port in servers:
                conn = http.client.HTTPConnection(host, port, timeout=5)
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                except OSError:
                    continue
                finally:
                    conn.close()
                self.send_response(resp.status, resp.reason)
                for key, value in resp.getheaders():
                    if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                return None
            return self.answer(502, "no backend answered\n")

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = forward

    return Handler


def build_server(conf, backends_path):
    address = conf.get("listen_address") or "0.0.0.0"
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    server = http.server.ThreadingHTTPServer((address, int(conf.get("port", "80"))),
                                             make_handler(Backends(backends_path)))
    server.daemon_threads = True
    return server


def write_pidfile(path):
    tmp = "%s.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, path)


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def is_ours(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return b"proxy-server" in f.read()
    except OSError:
        return False


def serve(server, pidfile):
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    me = os.getpid()
    while not stop.wait(1.0):
        if pidfile and read_pid(pidfile) != me:
            break
    server.shutdown()
    server.server_close()
    if pidfile and read_pid(pidfile) == me:
        os.unlink(pidfile)


def daemonize(args):
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid:
        os.close(wfd)
        ready, _, _ = select.select([rfd], [], [], 15)
        msg = os.read(rfd, 4096).decode("utf-8", "replace") if ready else "timed out"
        os.close(rfd)
        os.waitpid(pid, 0)
        if msg == "ok":
            return 0
        sys.stderr.write("proxy-server: cannot start: %s\n" % (msg or "server died"))
        return 1
    os.close(rfd)
    os.setsid()
    if os.fork():
        os._exit(0)
    os.chdir("/")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    os.closerange(3, wfd)
    os.closerange(wfd + 1, 1024)
    try:
        server = build_server(read_config(args.config), args.backends)
        if args.pidfile:
            write_pidfile(args.pidfile)
    except Exception as e:  # report any failure to the waiting parent
        os.write(wfd, str(e).encode("utf-8") or b"error")
        os._exit(1)
    os.write(wfd, b"ok")
    os.close(wfd)
    serve(server, args.pidfile)
    os._exit(0)


def stop(pidfile):
    pid = read_pid(pidfile)
    if pid and is_ours(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while is_ours(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        if is_ours(pid):
            os.kill(pid, signal.SIGKILL)
    if os.path.exists(pidfile):
        os.unlink(pidfile)
    return 0


def main():
    p = argparse.ArgumentParser(prog="proxy-server")
    p.add_argument("--config", default="/etc/proxy/proxy.conf")
    p.add_argument("--backends", default="/etc/proxy/backends.conf")
    p.add_argument("--pidfile")
    p.add_argument("--daemon", action="store_true")
    p.add_argument("--stop", action="store_true")
    p.add_argument("--running", action="store_true")
    args = p.parse_args()
    if args.stop or args.running:
        if not args.pidfile:
            p.error("--pidfile is required")
        if args.stop:
            return stop(args.pidfile)
        pid = read_pid(args.pidfile)
        return 0 if pid and is_ours(pid) else 1
    if args.daemon:
        return daemonize(args)
    server = build_server(read_config(args.config), args.backends)
    if args.pidfile:
        write_pidfile(args.pidfile)
    serve(server, args.pidfile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
