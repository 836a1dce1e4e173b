#!/usr/bin/env python3
"""minicached: a small in-memory cache server speaking memcached's text protocol.

    minicached --config FILE [--pidfile FILE] [--daemon]
    minicached --stop --pidfile FILE
    minicached --running --pidfile FILE
    minicached --probe [--config FILE]

The config file has `key = value` lines: listen_address, port, memory_mb.
Commands: get, gets, set, add, replace, append, prepend, cas, delete,
incr, decr, touch, flush_all, stats, version, verbosity, quit. Items are
evicted least recently used first once memory_mb is exceeded; expiry times
are honoured (seconds, or a Unix time when larger than 30 days).

With --daemon the command returns once the server listens (exit 0) or has
failed to (exit 1, reason on stderr). The daemon detaches from the caller's
session and output, and exits on SIGTERM or as soon as its pid file no
longer names it.
"""

import argparse
import collections
import os
import select
import signal
import socket
import socketserver
import sys
import threading
import time

VERSION = "1.0-minicached"
DEFAULT_CONFIG = "/etc/cache/cache.conf"
MAX_KEY = 250
THIRTY_DAYS = 60 * 60 * 24 * 30


def read_config(path):
    conf = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                conf[key.strip()] = value.strip()
    return conf


class Store:
    """Items: key -> [flags, expires_at (0 = never), cas, value]; LRU order."""

    def __init__(self, limit_bytes):
        self.items = collections.OrderedDict()
        self.limit = limit_bytes
        self.size = 0
        self.next_cas = 1
        self.lock = threading.Lock()
        self.stats = collections.Counter()
        self.started = time.time()

    def _expiry(self, exptime):
        if exptime == 0:
            return 0
        if exptime < 0:
            return -1
        return exptime if exptime > THIRTY_DAYS else time.time() + exptime

    def _live(self, key):
        item = self.items.get(key)
        if item is None:
            return None
        if item[1] and (item[1] < 0 or item[1] <= time.time()):
            self._drop(key)
            return None
        self.items.move_to_end(key)
        return item

    def _drop(self, key):
        item = self.items.pop(key)
        self.size -= len(key) + len(item[3])

    def _put(self, key, flags, exptime, value):
        if key in self.items:
            self._drop(key)
        self.items[key] = [flags, self._expiry(exptime), self.next_cas, value]
        self.next_cas += 1
        self.size += len(key) + len(value)
        while self.size > self.limit and len(self.items) > 1:
            oldest = next(iter(self.items))
            self._drop(oldest)
            self.stats["evictions"] += 1

    def get(self, key):
        with self.lock:
            item = self._live(key)
            self.stats["get_hits" if item else "get_misses"] += 1
            return None if item is None else list(item)

    def store(self, cmd, key, flags, exptime, value, cas=None):
        with self.lock:
            item = self._live(key)
            if cmd == "add" and item:
                return "NOT_STORED"
            if cmd in ("replace", "append", "prepend") and not item:
                return "NOT_STORED"
            if cmd == "cas":
                if not item:
                    return "NOT_FOUND"
                if item[2] != cas:
                    return "EXISTS"
            if cmd == "append":
                flags, value = item[0], item[3] + value
            elif cmd == "prepend":
                flags, value = item[0], value + item[3]
            self._put(key, flags, exptime, value)
            self.stats["cmd_set"] += 1
            return "STORED"

    def delete(self, key):
        with self.lock:
            if self._live(key) is None:
                return "NOT_FOUND"
            self._drop(key)
            return "DELETED"

    def incr(self, key, delta):
        with self.lock:
            item = self._live(key)
            if item is None:
                return "NOT_FOUND"
            try:
                number = int(item[3])
            except ValueError:
                return "CLIENT_ERROR cannot increment or decrement non-numeric value"
            number = max(0, number + delta) % (1 << 64)
            value = str(number).encode()
            self._put(key, item[0], 0, value)
            self.items[key][1] = item[1]
            return str(number)

    def touch(self, key, exptime):
        with self.lock:
            item = self._live(key)
            if item is None:
                return "NOT_FOUND"
            item[1] = self._expiry(exptime)
            return "TOUCHED"

    def flush(self):
        with self.lock:
            self.items.clear()
            self.size = 0
            return "OK"


class Handler(socketserver.StreamRequestHandler):
    STORAGE = ("set", "add", "replace", "append", "prepend", "cas")

    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self):
        store = self.server.store
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            parts = line.decode("utf-8", "replace").split()
            if not parts:
                self.reply("ERROR")
                continue
            cmd, args = parts[0].lower(), parts[1:]
            noreply = bool(args) and args[-1] == "noreply"
            if noreply:
                args = args[:-1]
            try:
                answer = self.dispatch(store, cmd, args)
            except (ValueError, IndexError):
                answer = "CLIENT_ERROR bad command line format"
            if answer is None:
                return
            if not noreply or answer.startswith(("ERROR", "CLIENT_ERROR", "SERVER_ERROR")):
                self.reply(answer)
            self.wfile.flush()

    def dispatch(self, store, cmd, args):
        if cmd in ("get", "gets"):
            if not args:
                return "ERROR"
            for key in args:
                item = store.get(key)
                if item:
                    cas = " %d" % item[2] if cmd == "gets" else ""
                    self.wfile.write(("VALUE %s %d %d%s\r\n" % (key, item[0], len(item[3]), cas)).encode())
                    self.wfile.write(item[3] + b"\r\n")
            return "END"
        if cmd in self.STORAGE:
            key, flags, exptime, size = args[0], int(args[1]), int(args[2]), int(args[3])
            cas = int(args[4]) if cmd == "cas" else None
            value = self.rfile.read(size + 2)
            if len(key) > MAX_KEY or size < 0 or value[size:] != b"\r\n":
                return "CLIENT_ERROR bad data chunk"
            return store.store(cmd, key, flags, exptime, value[:size], cas)
        if cmd == "delete":
            return store.delete(args[0])
        if cmd in ("incr", "decr"):
            delta = int(args[1])
            return store.incr(args[0], delta if cmd == "incr" else -delta)
        if cmd == "touch":
            return store.touch(args[0], int(args[1]))
        if cmd == "flush_all":
            return store.flush()
        if cmd == "version":
            return "VERSION " + VERSION
        if cmd == "verbosity":
            return "OK"
        if cmd == "stats":
            with store.lock:
                lines = {
                    "pid": os.getpid(),
                    "uptime": int(time.time() - store.started),
                    "version": VERSION,
                    "curr_items": len(store.items),
                    "bytes": store.size,
                    "limit_maxbytes": store.limit,
                }
                lines.update(store.stats)
            for name, value in lines.items():
                self.wfile.write(("STAT %s %s\r\n" % (name, value)).encode())
            return "END"
        if cmd == "quit":
            return None
        return "ERROR"


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def build_server(conf):
    address = conf.get("listen_address") or "0.0.0.0"
    server = Server((address, int(conf.get("port", "11211"))), Handler)
    server.store = Store(int(conf.get("memory_mb", "64")) * 1024 * 1024)
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
            return b"minicached" in f.read()
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
        sys.stderr.write("minicached: cannot start: %s\n" % (msg or "server died"))
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
        server = build_server(read_config(args.config))
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


def probe(config):
    conf = read_config(config)
    address = conf.get("listen_address") or "127.0.0.1"
    if address == "0.0.0.0":
        address = "127.0.0.1"
    with socket.create_connection((address, int(conf.get("port", "11211"))), timeout=5) as s:
        s.sendall(b"version\r\n")
        reply = s.makefile("rb").readline().decode().strip()
    print(reply)
    return 0 if reply.startswith("VERSION") else 1


def main():
    p = argparse.ArgumentParser(prog="minicached")
    p.add_argument("--config", default=DEFAULT_CONFIG)
    p.add_argument("--pidfile")
    p.add_argument("--daemon", action="store_true")
    p.add_argument("--stop", action="store_true")
    p.add_argument("--running", action="store_true")
    p.add_argument("--probe", action="store_true")
    args = p.parse_args()
    if args.stop or args.running:
        if not args.pidfile:
            p.error("--pidfile is required")
        if args.stop:
            return stop(args.pidfile)
        pid = read_pid(args.pidfile)
        return 0 if pid and is_ours(pid) else 1
    if args.probe:
        return probe(args.config)
    if args.daemon:
        return daemonize(args)
    server = build_server(read_config(args.config))
    if args.pidfile:
        write_pidfile(args.pidfile)
    serve(server, args.pidfile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
