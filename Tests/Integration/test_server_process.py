"""The `airlock serve` process itself: first-run admin, the metrics listener, graceful shutdown."""

import re
import signal
import socket
import tempfile

import requests
from rocketchat_API.rocketchat import RocketChat

from conftest import ADMIN_PASSWORD, ADMIN_USER, AirlockProcess


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


def test_mongo_store_keeps_data_across_restarts(airlock_binary, secantus):
    uri = secantus.uri("restart_check")
    with tempfile.TemporaryDirectory() as data_dir:
        args = ("--store", "mongo", "--mongo-uri", uri)
        first = AirlockProcess(airlock_binary, data_dir, extra_args=args)
        try:
            client = RocketChat(ADMIN_USER, ADMIN_PASSWORD, server_url=first.url)
            assert client.channels_create("kept-in-mongo")["success"]
            client.chat_post_message("stored", channel="kept-in-mongo")
        finally:
            first.stop()
        second = AirlockProcess(airlock_binary, data_dir, extra_args=args)
        try:
            client = RocketChat(ADMIN_USER, ADMIN_PASSWORD, server_url=second.url)
            info = client.channels_info(channel="kept-in-mongo")
            assert info["success"] and info["channel"]["msgs"] == 1
            history = [m["msg"] for m in client.channels_history(info["channel"]["_id"]) if "t" not in m]
            assert history == ["stored"]
        finally:
            second.stop()


def test_mongo_store_refuses_a_rocketchat_database(airlock_binary, secantus):
    import pymongo

    pymongo.MongoClient(secantus.uri("rocketchat_db")).rocketchat_db.rocketchat_settings.insert_one({"_id": "Site_Url"})
    with tempfile.TemporaryDirectory() as data_dir:
        try:
            process = AirlockProcess(airlock_binary, data_dir, extra_args=("--store", "mongo", "--mongo-uri", secantus.uri("rocketchat_db")))
            process.stop()
            raise AssertionError("airlock started on a Rocket.Chat database")
        except RuntimeError as failure:
            assert "holds a Rocket.Chat installation" in str(failure)


def test_mongo_store_reports_an_unreachable_server(airlock_binary):
    port = free_port()  # nothing listens there
    with tempfile.TemporaryDirectory() as data_dir:
        try:
            process = AirlockProcess(
                airlock_binary, data_dir, extra_env={"AIRLOCK_MONGO_CONNECT_ATTEMPTS": "2"},
                extra_args=("--store", "mongo", "--mongo-uri", f"mongodb://127.0.0.1:{port}/airlock"))
            process.stop()
            raise AssertionError("airlock started without MongoDB")
        except RuntimeError as failure:
            assert f"cannot reach MongoDB at mongodb://127.0.0.1:{port}/airlock after 2 attempts" in str(failure)
