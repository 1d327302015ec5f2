"""Starts the debug `airlock` binary on 127.0.0.1, port 0, with a throwaway data directory, for the real
Rocket.Chat Python clients to talk to. The server is stopped by PID when the session ends."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ADMIN_USER = "admin"
ADMIN_PASSWORD = "admin-pass-1"


class AirlockProcess:
    def __init__(self, binary, data_dir, extra_env=None, extra_args=(), admin_password=ADMIN_PASSWORD):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
        env.update(
            {
                "AIRLOCK_ADMIN_USERNAME": ADMIN_USER,
                # Keeps logins fast in tests; production uses 600k iterations.
                "AIRLOCK_PASSWORD_ITERATIONS": "1000",
            }
        )
        if admin_password is not None:
            env["AIRLOCK_ADMIN_PASSWORD"] = admin_password
        env.update(extra_env or {})
        self.proc = subprocess.Popen(
            [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", data_dir, "--log-level", "warning",
             *extra_args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            text=True,
        )
        self.url = None
        self.output = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.output.append(line)
            if line.startswith("AIRLOCK_LISTENING "):
                self.url = line.split()[1].strip()
                break
        if self.url is None:
            self.stop()
            raise RuntimeError("airlock did not start:\n" + "".join(self.output))
        # Keep draining output so the server never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.proc.stdout:
            self.output.append(line)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="session")
def airlock_binary():
    binary = os.environ.get("AIRLOCK_BIN", os.path.join(os.path.dirname(__file__), "../../.build/debug/airlock"))
    if not os.path.exists(binary):
        pytest.fail(f"airlock binary not found at {binary}: run `swift build` first")
    return binary


class SecantusProcess:
    """SecantusDB (a MongoDB wire-protocol server; no mongod can be installed here) from the test virtualenv, on
    127.0.0.1 with an in-memory store, stopped by PID. Failing to start it fails the tests: they never skip."""

    def __init__(self):
        binary = os.path.join(os.path.dirname(sys.executable), "secantusd-py")
        if not os.path.exists(binary):
            pytest.fail(f"SecantusDB not installed at {binary}: run scripts/python-env.sh")
        self.log = tempfile.NamedTemporaryFile(prefix="airlock-secantus-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [binary, "--host", "127.0.0.1", "--port", "0", "--storage-path", ":memory:"],
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        self.port = None
        while time.time() < deadline and self.port is None:
            with open(self.log.name) as f:
                match = re.search(r"listening on 127\.0\.0\.1:(\d+)", f.read())
            if match:
                self.port = int(match.group(1))
            elif self.proc.poll() is not None:
                break
            else:
                time.sleep(0.05)
        if self.port is None:
            self.stop()
            pytest.fail("SecantusDB did not start: " + open(self.log.name).read())

    def uri(self, database):
        return f"mongodb://127.0.0.1:{self.port}/{database}?directConnection=true"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.unlink(self.log.name)


@pytest.fixture(scope="session")
def secantus():
    process = SecantusProcess()
    yield process
    process.stop()


@pytest.fixture(scope="session", params=["embedded", "mongo"])
def server(request, airlock_binary):
    """The server every client test talks to, once per store backend."""
    extra_args = ()
    if request.param == "mongo":
        secantus = request.getfixturevalue("secantus")
        extra_args = ("--store", "mongo", "--mongo-uri", secantus.uri(unique("airlock").replace("-", "_")))
    with tempfile.TemporaryDirectory() as data_dir:
        process = AirlockProcess(airlock_binary, data_dir, extra_args=extra_args)
        yield process
        process.stop()


@pytest.fixture(scope="session")
def server_url(server):
    return server.url


class RecordingHTTPServer:
    """A local HTTP service on 127.0.0.1 that records every POST (`calls`: parsed JSON body, headers, path, time) and
    answers what `respond(call, calls)` returns: `(status, JSON-serialisable answer)`."""

    def __init__(self, respond, path="/"):
        self.calls = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                call = {"path": self.path, "headers": dict(self.headers), "body": json.loads(raw), "at": time.monotonic()}
                recorder.calls.append(call)
                status, answer = respond(call, recorder.calls)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def headless_chromium(width=1280, height=900):
    """Debian's chromium driven by selenium (offline: the driver is Debian's chromium-driver, never a download)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium")
    if not (chromium and os.path.exists("/usr/bin/chromedriver")):
        pytest.fail("chromium and chromium-driver are not installed (scripts/install-deps.sh installs them)")
    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def page_weight(browser):
    """Bytes the open page transferred (the document and every resource it loaded), from the Performance API."""
    return browser.execute_script(
        "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
        ".reduce((n, e) => n + (e.transferSize || e.encodedBodySize || 0), 0)")


@pytest.fixture(scope="module")
def artifacts():
    """Where browser tests save their screenshots: $AIRLOCK_ARTIFACTS, or a temporary folder."""
    folder = os.environ.get("AIRLOCK_ARTIFACTS") or tempfile.mkdtemp(prefix="airlock-screens-")
    os.makedirs(folder, exist_ok=True)
    return folder


def wait_for(condition, what, seconds=20):
    """The first truthy value of `condition()`, polled until `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def unique(prefix):
    """A name no other test uses."""
    unique.counter += 1
    return f"{prefix}-{os.getpid()}-{unique.counter}"


unique.counter = 0
