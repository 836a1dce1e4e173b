#!/usr/bin/env python3
"""wiki-server: the small wiki web server that the wiki formula runs.

    wiki-server --config FILE [--pidfile FILE] [--log FILE] [--daemon]
    wiki-server --stop --pidfile FILE
    wiki-server --running --pidfile FILE
    wiki-server --probe [--config FILE] [PATH]

It reads the flat `key = value` file that the formula renders
(/etc/wiki/wiki.conf), listens on `listen_address`:`port` and serves one page
per wiki title plus /health. When `cache_type = memcached` it keeps the page
view counter in the memcache server named by `cache_host`/`cache_port`, and
falls back to a counter in memory when that server does not answer.

With --daemon the command returns only once the server listens (exit 0) or
has failed to (exit 1, reason on stderr). The daemon detaches from the
caller's session and output, and exits by itself on SIGTERM or as soon as
its pid file no longer names it.
"""

import argparse
import hashlib
import html
import http.client
import http.server
import os
import select
import signal
import socket
import sys
import threading
import time
import urllib.parse

VERSION = "1.0"
DEFAULT_CONFIG = "/etc/wiki/wiki.conf"


def read_config(path):
    """Parse `key = value` lines; `#` starts a comment line."""
    conf = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, value = line.split("=", 1)
            conf[key.strip()] = value.strip()
    return conf


class ViewCounter:
    """Page views, kept in memcache when one is configured."""

    def __init__(self, conf):
        self.local = {}
        self.lock = threading.Lock()
        self.server = None
        if conf.get("cache_type") == "memcached" and conf.get("cache_host"):
            try:
                self.server = (conf["cache_host"], int(conf.get("cache_port", "11211")))
            except ValueError:
                self.server = None

    def _memcache(self, key):
        with socket.create_connection(self.server, timeout=0.5) as s:
            f = s.makefile("rwb")
            f.write(b"incr %s 1\r\n" % key)
            f.flush()
            reply = f.readline().strip()
            if reply == b"NOT_FOUND":
                f.write(b"add %s 0 0 1\r\n1\r\n" % key)
                f.flush()
                reply = f.readline().strip()
                return 1 if reply == b"STORED" else self._memcache_retry(f, key)
            return int(reply)

    def _memcache_retry(self, f, key):
        # Another wiki unit added the key between our incr and add.
        f.write(b"incr %s 1\r\n" % key)
        f.flush()
        return int(f.readline().strip())

    def hit(self, title):
        key = b"wiki:views:" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:16].encode()
        if self.server:
            try:
                return self._memcache(key), "memcached %s:%d" % self.server
            except (OSError, ValueError):
                pass
        with self.lock:
            self.local[key] = self.local.get(key, 0) + 1
            return self.local[key], "local"


PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{title} - {name}</title></head>
<body class="skin-{skin}">
<header><h1>{name}</h1></header>
<main><h2>{title}</h2>
<p>This page has been viewed {views} times (counter: {counter}).</p>
</main>
<footer>Powered by wiki-server {version}; database {db}.</footer>
</body>
</html>
"""


def make_handler(conf, counter, log):
    name = conf.get("name", "Wiki")

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "wiki-server/" + VERSION

        def log_message(self, fmt, *args):
            if log:
                log.write("%s %s\n" % (self.address_string(), fmt % args))
                log.flush()

        def send_text(self, code, body, ctype="text/plain; charset=utf-8"):
            data = body.encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path == "/health":
                return self.send_text(200, "ok\n")
            if path in ("/", "/wiki", "/wiki/"):
                title = "Main Page"
            elif path.startswith("/wiki/"):
                title = urllib.parse.unquote(path[len("/wiki/"):]).replace("_", " ")
            else:
                return self.send_text(404, "not found\n")
            views, where = counter.hit(title)
            page = PAGE.format(
                lang=html.escape(conf.get("language", "en")),
                title=html.escape(title),
                name=html.escape(name),
                skin=html.escape(conf.get("skin", "vector")),
                views=views,
                counter=html.escape(where),
                version=VERSION,
                db=html.escape("%s@%s" % (conf.get("db_name", "?"), conf.get("db_host", "?"))),
            )
            self.send_text(200, page, "text/html; charset=utf-8")

        do_HEAD = do_GET

    return Handler


def build_server(conf, log):
    address = conf.get("listen_address") or "0.0.0.0"
    port = int(conf.get("port", "80"))
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    server = http.server.ThreadingHTTPServer((address, port), make_handler(conf, ViewCounter(conf), log))
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
    """True when pid is alive and is a wiki-server process."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return b"wiki-server" in f.read()
    except OSError:
        return False


def serve(server, pidfile):
    """Serve until SIGTERM/SIGINT or until the pid file stops naming us."""
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
    """Start the server detached; report whether it listens."""
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
        sys.stderr.write("wiki-server: cannot start: %s\n" % (msg or "server died"))
        return 1
    os.close(rfd)
    os.setsid()
    if os.fork():
        os._exit(0)
    # The daemon: let go of the caller's directory, terminal, pipes and files.
    os.chdir("/")
    os.umask(0o022)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    os.closerange(3, wfd)
    os.closerange(wfd + 1, 1024)
    try:
        log = open(args.log, "a", encoding="utf-8") if args.log else None
        server = build_server(read_config(args.config), log)
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


def probe(config, path):
    conf = read_config(config)
    address = conf.get("listen_address") or "127.0.0.1"
    if address == "0.0.0.0":
        address = "127.0.0.1"
    conn = http.client.HTTPConnection(address, int(conf.get("port", "80")), timeout=5)
    conn.request("GET", path)
    resp = conn.getresponse()
    sys.stdout.write(resp.read().decode("utf-8", "replace"))
    return 0 if resp.status == 200 else 1


def main():
    p = argparse.ArgumentParser(prog="wiki-server")
    p.add_argument("--config", default=DEFAULT_CONFIG)
    p.add_argument("--pidfile")
    p.add_argument("--log")
    p.add_argument("--daemon", action="store_true")
    p.add_argument("--stop", action="store_true")
    p.add_argument("--running", action="store_true")
    p.add_argument("--probe", action="store_true")
    p.add_argument("path", nargs="?", default="/")
    args = p.parse_args()
    if args.stop or args.running:
        if not args.pidfile:
            p.error("--pidfile is required")
        if args.stop:
            return stop(args.pidfile)
        pid = read_pid(args.pidfile)
        return 0 if pid and is_ours(pid) else 1
    if args.probe:
        return probe(args.config, args.path)
    if args.daemon:
        return daemonize(args)
    server = build_server(read_config(args.config), sys.stderr)
    if args.pidfile:
        write_pidfile(args.pidfile)
    serve(server, args.pidfile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
