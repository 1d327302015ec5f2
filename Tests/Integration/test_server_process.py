"""The `airlock serve` process itself: first-run admin, the metrics listener, graceful shutdown."""

import re
import signal
import socket
import tempfile

import requests
from rocketchat_API.rocketchat import RocketChat

from conftest import ADMIN_USER, AirlockProcess


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_first_run_generates_admin_password_once(airlock_binary):
    with tempfile.TemporaryDirectory() as data_dir:
        first = AirlockProcess(airlock_binary, data_dir, admin_password=None)
        try:
            printed = "".join(first.output)
            match = re.search(r"generated password: (\S+)", printed)
            assert match, printed
            client = RocketChat(ADMIN_USER, match.group(1), server_url=first.url)
            assert "admin" in client.me()["roles"]
        finally:
            first.stop()
        second = AirlockProcess(airlock_binary, data_dir, admin_password=None)
        try:
            assert "generated password" not in "".join(second.output)
            # Same data directory: the account from the first run still logs in.
            assert RocketChat(ADMIN_USER, match.group(1), server_url=second.url).me()["username"] == ADMIN_USER
        finally:
            second.stop()


def test_metrics_listener_counts_requests(airlock_binary):
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        process = AirlockProcess(airlock_binary, data_dir, extra_args=("--metrics-port", str(port)))
        try:
            for _ in range(3):
                assert requests.get(process.url + "/api/info").status_code == 200
            body = requests.get(f"http://127.0.0.1:{port}/metrics").text
            assert "hb_requests" in body or "http_requests" in body, body[:500]
            # The API listener does not expose metrics.
            assert requests.get(process.url + "/metrics").status_code == 404
        finally:
            process.stop()


def test_sigterm_shuts_down_gracefully(airlock_binary):
    with tempfile.TemporaryDirectory() as data_dir:
        process = AirlockProcess(airlock_binary, data_dir)
        process.proc.send_signal(signal.SIGTERM)
        assert process.proc.wait(timeout=15) == 0
