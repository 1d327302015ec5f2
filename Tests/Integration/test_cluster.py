"""Several Airlock nodes on one MongoDB (SecantusDB, which serves change streams as a one-node replica set), sharing
state only through it: realtime across nodes, sessions ended everywhere, apps installed and configured on one node
working on all, a recurring job once per tick across nodes (and after its node is killed), no acknowledged message
lost when a node is killed mid-storm, and a SIGTERM drain the health endpoints report."""

import asyncio
import io
import json
import os
import signal
import socket
import statistics
import tempfile
import threading
import time
import zipfile

import pymongo
import pytest
import requests
import websockets

from conftest import ADMIN_PASSWORD, ADMIN_USER, AirlockProcess, unique

FIXTURES = os.path.join(os.path.dirname(__file__), "../Fixtures/Apps")
CLUSTER_APP = "c1a5e7e2-4b6d-4f0a-9e3c-5d2b8a7f6e10"
LEASE_MS = 1500
STATS_MS = 300


class Node:
    """One `airlock serve --store mongo` node with its own data folder."""

    def __init__(self, binary, uri, name, drain_ms=300, lease_ms=LEASE_MS):
        self.name = name
        self.folder = tempfile.TemporaryDirectory()
        self.process = AirlockProcess(binary, self.folder.name, extra_args=(
            "--store", "mongo", "--mongo-uri", uri, "--node-id", name,
            "--limit", f"cluster.jobLeaseMilliseconds={lease_ms}", "--limit", f"cluster.drainMilliseconds={drain_ms}",
            "--limit", f"cluster.statsMilliseconds={STATS_MS}"))
        self.url = self.process.url

    def stop(self):
        self.process.stop()
        self.folder.cleanup()

    def kill(self):
        self.process.proc.send_signal(signal.SIGKILL)
        self.process.proc.wait()


@pytest.fixture(scope="module")
def cluster(airlock_binary, secantus):
    uri = secantus.uri(unique("cluster").replace("-", "_"))
    nodes = {}
    try:
        for name in ("A", "B", "C"):
            nodes[name] = Node(airlock_binary, uri, name)
        yield nodes, uri
    finally:
        for node in nodes.values():
            node.stop()


def login(url, user=ADMIN_USER, password=ADMIN_PASSWORD):
    data = requests.post(f"{url}/api/v1/login", json={"user": user, "password": password}).json()["data"]
    return {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}


def wait_for(condition, what, seconds=10, pause=0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(pause)
    raise AssertionError(f"timed out waiting for {what}")


class Socket:
    """A DDP client on a thread of its own: logs in with a token, follows every message of the user's rooms and the
    apps' changes (`stream-apps`), and notes when the server closes it (and with which code)."""

    def __init__(self, url, user_id, token):
        self.url = url.replace("http://", "ws://") + "/websocket"
        self.user_id, self.token = user_id, token
        self.messages = []
        self.apps = []
        self.closed = None
        self.ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=lambda: self._loop.run_until_complete(self._run()), daemon=True)
        self._thread.start()
        assert self.ready.wait(15), "the DDP client did not subscribe"

    async def _run(self):
        try:
            async with websockets.connect(self.url) as ws:
                self._ws = ws
                await ws.send(json.dumps({"msg": "connect", "version": "1", "support": ["1"]}))
                await ws.send(json.dumps({"msg": "method", "method": "login", "id": "login", "params": [{"resume": self.token}]}))
                await ws.send(json.dumps({"msg": "sub", "id": "apps", "name": "stream-apps", "params": ["apps", False]}))
                await ws.send(json.dumps({"msg": "sub", "id": "all", "name": "stream-room-messages", "params": ["__my_messages__", False]}))
                async for raw in ws:
                    frame = json.loads(raw)
                    if frame.get("msg") == "ping":
                        await ws.send(json.dumps({"msg": "pong"}))
                    elif frame.get("msg") == "ready" and "all" in frame.get("subs", []):
                        self.ready.set()
                    elif frame.get("msg") == "changed" and frame.get("collection") == "stream-room-messages":
                        self.messages.append((time.monotonic(), frame["fields"]["args"][0]))
                    elif frame.get("msg") == "changed" and frame.get("collection") == "stream-apps":
                        self.apps.append(frame["fields"]["args"][0])
        except websockets.ConnectionClosed as closed:
            self.closed = closed.rcvd.code if closed.rcvd else -1
            return
        self.closed = self._ws.close_code

    def texts(self):
        return [m.get("msg") for _, m in self.messages]

    def close(self):
        if self.closed is None:
            asyncio.run_coroutine_threadsafe(self._ws.close(), self._loop).result(5)
        self._thread.join(5)


def cluster_app_zip():
    buffer = io.BytesIO()
    folder = os.path.join(FIXTURES, "cluster")
    with zipfile.ZipFile(buffer, "w") as z:
        for file in os.listdir(folder):
            z.write(os.path.join(folder, file), file)
    return buffer.getvalue()


def history(url, headers, room_id):
    """Every message of the room, newest first (pages of 100: the server's `API_Upper_Count_Limit`)."""
    messages = []
    while True:
        reply = requests.get(f"{url}/api/v1/channels.history", headers=headers, params={"roomId": room_id, "count": 100, "offset": len(messages)})
        reply.raise_for_status()
        page = reply.json()["messages"]
        messages += page
        if not page or len(messages) >= reply.json()["total"]:
            return messages


class Proxy:
    """A TCP relay between one node and the database that the test can cut (every connection dropped, new ones
    refused) and restore on the same port: the node's link to MongoDB failing while the other nodes go on."""

    def __init__(self, target_port):
        self.target = ("127.0.0.1", target_port)
        self.connections, self.lock = [], threading.Lock()
        self._listen(0)
        self.port = self.listener.getsockname()[1]

    def _listen(self, port):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.listener.close()
        with self.lock:
            dropped, self.connections = self.connections, []
        for connection in dropped:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            connection.close()

    def restore(self):
        self._listen(self.port)

    def close(self):
        self.cut()


def test_messages_posted_on_one_node_reach_clients_on_the_others_in_order(cluster):
    nodes, _ = cluster
    a = login(nodes["A"].url)
    room = requests.post(f"{nodes['A'].url}/api/v1/channels.create", headers=a, json={"name": unique("everyone")}).json()["channel"]["_id"]
    on_b = Socket(nodes["B"].url, a["X-User-Id"], a["X-Auth-Token"])
    on_c = Socket(nodes["C"].url, a["X-User-Id"], a["X-Auth-Token"])
    try:
        latencies = []
        for n in range(30):
            text = f"hello {n}"
            sent = time.monotonic()
            requests.post(f"{nodes['A'].url}/api/v1/chat.postMessage", headers=a, json={"roomId": room, "text": text}).raise_for_status()
            for socket in (on_b, on_c):
                arrived = wait_for(lambda: next((t for t, m in socket.messages if m.get("msg") == text), None), f"{text} on a node")
                latencies.append((arrived - sent) * 1000)
        expected = [f"hello {n}" for n in range(30)]
        assert [t for t in on_b.texts() if t in expected] == expected
        assert [t for t in on_c.texts() if t in expected] == expected
        latencies.sort()
        print(f"cross-node delivery (REST post on A → DDP on B and C): p50 {statistics.median(latencies):.1f} ms, "
              f"p99 {latencies[int(len(latencies) * 0.99) - 1]:.1f} ms, max {latencies[-1]:.1f} ms")
    finally:
        on_b.close()
        on_c.close()
    for name in ("A", "B", "C"):
        assert requests.get(f"{nodes[name].url}/health/live").json() == {"status": "live", "node": name}
        ready = requests.get(f"{nodes[name].url}/health/ready")
        assert ready.status_code == 200 and ready.json()["eventStream"] == "open"


def test_a_node_cut_off_from_the_database_misses_nothing_when_it_comes_back(cluster, airlock_binary):
    """Node G reaches MongoDB through a proxy the test cuts for longer than its stream's retries used to last: the
    messages posted on A meanwhile and a logout on A reach G's clients once the link is back (G resumes its change
    stream after the last event it read), and G says it was not ready while cut off."""
    nodes, uri = cluster
    port = int(uri.split("127.0.0.1:")[1].split("/")[0])
    proxy = Proxy(port)
    cut_off = Node(airlock_binary, uri.replace(f"127.0.0.1:{port}", f"127.0.0.1:{proxy.port}"), "G")
    try:
        a = login(nodes["A"].url)
        name = unique("leaver")
        requests.post(f"{nodes['A'].url}/api/v1/users.create", headers=a,
                      json={"username": name, "name": "Leaver", "email": f"{name}@example.org", "password": "pw-leave-1"}).raise_for_status()
        room = requests.post(f"{nodes['A'].url}/api/v1/channels.create", headers=a, json={"name": unique("gap"), "members": [name]}).json()["channel"]["_id"]
        leaver = login(nodes["A"].url, name, "pw-leave-1")
        reader = Socket(cut_off.url, a["X-User-Id"], a["X-Auth-Token"])
        doomed = Socket(cut_off.url, leaver["X-User-Id"], leaver["X-Auth-Token"])
        requests.post(f"{nodes['A'].url}/api/v1/chat.postMessage", headers=a, json={"roomId": room, "text": "before the cut"}).raise_for_status()
        wait_for(lambda: "before the cut" in reader.texts(), "the first message on G")

        proxy.cut()
        wait_for(lambda: requests.get(f"{cut_off.url}/health/ready").status_code == 503, "G not ready while cut off", 10)
        expected = [f"while cut off {n}" for n in range(5)]
        for text in expected:
            requests.post(f"{nodes['A'].url}/api/v1/chat.postMessage", headers=a, json={"roomId": room, "text": text}).raise_for_status()
        requests.post(f"{nodes['A'].url}/api/v1/logout", headers=leaver).raise_for_status()
        time.sleep(8)
        assert not set(expected) & set(reader.texts()) and doomed.closed is None
        proxy.restore()

        wait_for(lambda: [t for t in reader.texts() if t in expected] == expected, "the messages posted meanwhile, in order, on G", 15)
        wait_for(lambda: doomed.closed is not None, "the logged-out user's socket on G to close", 5)
        wait_for(lambda: requests.get(f"{cut_off.url}/health/ready").status_code == 200, "G ready again", 10)
        assert reader.closed is None, "G did not need to drop its other clients"
        assert not any("cannot resume" in line for line in cut_off.process.output), "".join(cut_off.process.output)
        reader.close()
    finally:
        cut_off.stop()
        proxy.close()


def test_a_logout_on_one_node_closes_the_socket_on_another(cluster):
    nodes, _ = cluster
    a = login(nodes["A"].url)
    name = unique("ola")
    requests.post(f"{nodes['A'].url}/api/v1/users.create", headers=a,
                  json={"username": name, "name": "Ola", "email": f"{name}@example.org", "password": "pw-ola-123"}).raise_for_status()
    ola = login(nodes["A"].url, name, "pw-ola-123")
    socket = Socket(nodes["B"].url, ola["X-User-Id"], ola["X-Auth-Token"])
    assert requests.get(f"{nodes['C'].url}/api/v1/me", headers=ola).status_code == 200
    requests.post(f"{nodes['A'].url}/api/v1/logout", headers=ola).raise_for_status()
    wait_for(lambda: socket.closed is not None, "the socket on B to close")
    # The token is refused on every node (C had it cached).
    assert requests.get(f"{nodes['C'].url}/api/v1/me", headers=ola).status_code == 401


def test_a_member_removed_on_one_node_never_gets_the_next_message_posted_on_another(cluster):
    """The kick on A is written before A answers, so a message B stores afterwards is ordered after it everywhere: the
    removed member's socket on C never receives it."""
    nodes, _ = cluster
    a = login(nodes["A"].url)
    for attempt in range(5):
        name = unique("kicked")
        requests.post(f"{nodes['A'].url}/api/v1/users.create", headers=a,
                      json={"username": name, "name": "Kicked", "email": f"{name}@example.org", "password": "pw-kick-1"}).raise_for_status()
        room = requests.post(f"{nodes['A'].url}/api/v1/channels.create", headers=a, json={"name": unique("kick"), "members": [name]}).json()["channel"]["_id"]
        member = login(nodes["C"].url, name, "pw-kick-1")
        socket = Socket(nodes["C"].url, member["X-User-Id"], member["X-Auth-Token"])
        requests.post(f"{nodes['B'].url}/api/v1/chat.postMessage", headers=a, json={"roomId": room, "text": f"before {attempt}"}).raise_for_status()
        wait_for(lambda: f"before {attempt}" in socket.texts(), "the member to see the room")
        requests.post(f"{nodes['A'].url}/api/v1/channels.kick", headers=a, json={"roomId": room, "userId": member["X-User-Id"]}).raise_for_status()
        requests.post(f"{nodes['B'].url}/api/v1/chat.postMessage", headers=a, json={"roomId": room, "text": f"after {attempt}"}).raise_for_status()
        requests.post(f"{nodes['B'].url}/api/v1/chat.postMessage", headers=a, json={"roomId": room, "text": f"marker {attempt}"}).raise_for_status()
        time.sleep(0.5)
        assert f"after {attempt}" not in socket.texts() and f"marker {attempt}" not in socket.texts(), socket.texts()
        socket.close()


def test_the_login_limit_holds_for_the_cluster(cluster):
    """Ten wrong passwords for one account, spread over three nodes, block it on every node (per node it would take
    thirty)."""
    nodes, _ = cluster
    a = login(nodes["A"].url)
    name = unique("guess")
    requests.post(f"{nodes['A'].url}/api/v1/users.create", headers=a,
                  json={"username": name, "name": "Guess", "email": f"{name}@example.org", "password": "pw-right-1"}).raise_for_status()
    for n in range(10):
        reply = requests.post(f"{nodes['ABC'[n % 3]].url}/api/v1/login", json={"user": name, "password": "wrong"})
        assert reply.status_code == 401 and "blocked" not in reply.text
    for node in "ABC":
        reply = requests.post(f"{nodes[node].url}/api/v1/login", json={"user": name, "password": "pw-right-1"})
        assert reply.status_code == 401 and reply.json()["error"] == "error-login-blocked-for-user", reply.text


def test_an_app_installed_on_one_node_works_on_every_node(cluster):
    nodes, _ = cluster
    a, b, c = (login(nodes[n].url) for n in "ABC")
    watcher = Socket(nodes["C"].url, c["X-User-Id"], c["X-Auth-Token"])
    installed = requests.post(f"{nodes['A'].url}/api/apps", headers=a, files={"app": ("cluster.zip", cluster_app_zip())})
    assert installed.status_code == 200, installed.text
    room = requests.post(f"{nodes['A'].url}/api/v1/channels.create", headers=a, json={"name": unique("apps")}).json()["channel"]["_id"]

    def has_command(url, headers, name):
        return any(cmd["command"] == name for cmd in requests.get(f"{url}/api/v1/commands.list", headers=headers).json()["commands"])
    # A client on C is told of the app and its commands (stream-apps) once C's copy runs: refetching then finds them.
    wait_for(lambda: ["command/added", ["motto"]] in watcher.apps, "C's client told of the new command")
    assert ["app/added", [CLUSTER_APP]] in watcher.apps and has_command(nodes["C"].url, c, "motto")
    watcher.close()

    # Its slash command answers on C, its post-message hook fires once for a message sent on B.
    requests.post(f"{nodes['C'].url}/api/v1/commands.run", headers=c, json={"command": "motto", "roomId": room}).raise_for_status()
    wait_for(lambda: "motto: one for all" in [m["msg"] for m in history(nodes["A"].url, a, room)], "the command's answer")
    requests.post(f"{nodes['B'].url}/api/v1/chat.postMessage", headers=b, json={"roomId": room, "text": "!echo from B"}).raise_for_status()
    wait_for(lambda: "echo: from B" in [m["msg"] for m in history(nodes["A"].url, a, room)], "the hook's answer")
    time.sleep(1)
    assert [m["msg"] for m in history(nodes["A"].url, a, room)].count("echo: from B") == 1

    # A setting changed on B is what the app reads on C.
    changed = requests.post(f"{nodes['B'].url}/api/apps/{CLUSTER_APP}/settings", headers=b, json={"settings": [{"id": "motto", "value": "all for one"}]})
    assert changed.status_code == 200, changed.text

    def motto_on_c():
        requests.post(f"{nodes['C'].url}/api/v1/commands.run", headers=c, json={"command": "motto", "roomId": room}).raise_for_status()
        time.sleep(0.3)
        return "motto: all for one" in [m["msg"] for m in history(nodes["A"].url, a, room)]
    wait_for(motto_on_c, "the new motto on C")

    # Disabled on A: gone from B and C.
    requests.post(f"{nodes['A'].url}/api/apps/{CLUSTER_APP}/status", headers=a, json={"status": "manually_disabled"}).raise_for_status()
    wait_for(lambda: not has_command(nodes["B"].url, b, "motto") and not has_command(nodes["C"].url, c, "motto"), "the command gone everywhere")
    requests.post(f"{nodes['C'].url}/api/apps/{CLUSTER_APP}/status", headers=c, json={"status": "manually_enabled"}).raise_for_status()
    wait_for(lambda: has_command(nodes["A"].url, a, "motto") and has_command(nodes["B"].url, b, "motto"), "the command back everywhere")


def test_an_apps_call_stats_and_logs_cover_every_node(cluster):
    """Calls into the app on A and on C are counted together whichever node is asked: per method, per minute, and in
    the apps list (each node shares its tallies every STATS_MS). Its log lines say which node wrote them."""
    nodes, _ = cluster
    headers = {n: login(nodes[n].url) for n in "ABC"}
    if not any(app["id"] == CLUSTER_APP for app in requests.get(f"{nodes['A'].url}/api/apps", headers=headers["A"]).json()["apps"]):
        requests.post(f"{nodes['A'].url}/api/apps", headers=headers["A"], files={"app": ("cluster.zip", cluster_app_zip())}).raise_for_status()
    wait_for(lambda: all(any(cmd["command"] == "motto" for cmd in requests.get(f"{nodes[n].url}/api/v1/commands.list", headers=headers[n])
                             .json()["commands"]) for n in "AC"), "the app on A and C")
    room = requests.post(f"{nodes['A'].url}/api/v1/channels.create", headers=headers["A"], json={"name": unique("stats")}).json()["channel"]["_id"]
    method = "slashcommand:motto:executor"

    def stats(node):
        reply = requests.get(f"{nodes[node].url}/api/apps/{CLUSTER_APP}/stats", headers=headers[node], params={"window": "1h"})
        reply.raise_for_status()
        return reply.json()

    def count(node):
        return stats(node)["methods"].get(method, {}).get("count", 0)
    time.sleep(3 * STATS_MS / 1000)  # earlier tests' calls shared
    before = count("B")
    for node, times in (("A", 3), ("C", 2)):
        for _ in range(times):
            requests.post(f"{nodes[node].url}/api/v1/commands.run", headers=headers[node], json={"command": "motto", "roomId": room}).raise_for_status()
    # B made none of these calls; A and C each made some: every node answers the sum.
    for node in "BAC":
        wait_for(lambda: count(node) == before + 5, f"the five calls counted on {node}", 5)
    report = stats("B")
    assert report["methods"][method]["failures"] == 0 and 0 < report["methods"][method]["p50Ms"] <= report["methods"][method]["p99Ms"]
    assert sum(bucket["calls"] for bucket in report["buckets"]) >= before + 5
    listed = requests.get(f"{nodes['B'].url}/api/apps", headers=headers["B"]).json()["apps"]
    assert next(app for app in listed if app["id"] == CLUSTER_APP)["stats"][method]["count"] == before + 5

    # Each node enabled its own copy of the app and logged it: Rocket.Chat's instanceId names the node.
    instances = requests.get(f"{nodes['B'].url}/api/apps/logs/instanceIds", headers=headers["B"]).json()["instanceIds"]
    assert {"A", "B", "C"} <= set(instances), instances
    lines = requests.get(f"{nodes['A'].url}/api/apps/{CLUSTER_APP}/logs", headers=headers["A"], params={"instanceId": "C", "count": 100}).json()["logs"]
    assert lines and {line["instanceId"] for line in lines} == {"C"}
    assert any(line["method"] == "onEnable" for line in lines)


def ticks(url, headers, room):
    """The ticker's runs, oldest first, as seconds since the epoch (from the tick's own text)."""
    from datetime import datetime
    stamps = [m["msg"].split(" ", 1)[1] for m in history(url, headers, room) if m["msg"].startswith("tick ")]
    return sorted(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() for s in stamps)


def assert_once_per_tick(stamps, seconds, what):
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert gaps and min(gaps) > 0.5, f"{what}: a tick ran twice ({gaps})"
    assert seconds - 3 <= len(stamps) <= seconds + 1, f"{what}: {len(stamps)} ticks in {seconds} s"


def test_a_recurring_job_runs_once_per_tick_across_nodes_even_when_its_node_is_killed(cluster, airlock_binary):
    nodes, uri = cluster
    doomed = Node(airlock_binary, uri, "D")
    try:
        a = login(nodes["A"].url)
        if not any(app["id"] == CLUSTER_APP for app in requests.get(f"{nodes['A'].url}/api/apps", headers=a).json()["apps"]):
            requests.post(f"{nodes['A'].url}/api/apps", headers=a, files={"app": ("cluster.zip", cluster_app_zip())}).raise_for_status()
        d = login(doomed.url)
        wait_for(lambda: any(cmd["command"] == "ticker" for cmd in requests.get(f"{doomed.url}/api/v1/commands.list", headers=d).json()["commands"]),
                 "the app on D")
        room = requests.post(f"{nodes['A'].url}/api/v1/channels.create", headers=a, json={"name": unique("ticks")}).json()["channel"]["_id"]
        requests.post(f"{doomed.url}/api/v1/commands.run", headers=d, json={"command": "ticker", "params": "start", "roomId": room}).raise_for_status()
        time.sleep(10)
        first = ticks(nodes["A"].url, a, room)
        assert_once_per_tick(first, 10, "four nodes")

        # Kill the node running the job, caught while it holds the lease (mid-run).
        jobs = pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000).get_default_database()["rocketchat_apps_scheduler"]
        owner = wait_for(lambda: (jobs.find_one({"appId": CLUSTER_APP, "processorId": "tick"}) or {}).get("leaseOwner"),
                         "a node holding the job's lease", 10, pause=0.005)
        victim = doomed if owner == "D" else nodes[owner]
        victim.kill()
        killed_at = time.time()
        survivor = next(n for n in ("A", "B", "C") if nodes[n] is not victim)
        time.sleep(8)
        after = [t for t in ticks(nodes[survivor].url, login(nodes[survivor].url), room) if t > killed_at]
        assert_once_per_tick(after, 8 - LEASE_MS / 1000, f"after killing {victim.name}")
        print(f"ticks: {len(first)} in 10 s on four nodes; after SIGKILL of the lease holder {victim.name}: "
              f"first tick {after[0] - killed_at:.1f} s later, {len(after)} in 8 s")
        survivor_headers = login(nodes[survivor].url)
        requests.post(f"{nodes[survivor].url}/api/v1/commands.run", headers=survivor_headers,
                      json={"command": "ticker", "params": "stop", "roomId": room}).raise_for_status()
        if victim is not doomed:
            # The fixture's node comes back for the tests after this one.
            nodes[victim.name] = Node(airlock_binary, uri, victim.name)
    finally:
        doomed.stop()


def test_a_stopping_node_hands_its_running_job_back_and_another_node_finishes_it(airlock_binary, secantus):
    """A one-time job outlasting the drain time when its node gets SIGTERM: the node hands it back (due, unleased)
    instead of dropping it or leaving it to its lease, and the other node runs it to the end at once (at least once:
    it starts twice). Two nodes of their own with a 30 s lease, so waiting out the lease would fail the test."""
    uri = secantus.uri(unique("handback").replace("-", "_"))
    pair = {}
    try:
        for name in ("I", "J"):
            pair[name] = Node(airlock_binary, uri, name, lease_ms=30_000)
        headers = {name: login(node.url) for name, node in pair.items()}
        requests.post(f"{pair['I'].url}/api/apps", headers=headers["I"], files={"app": ("cluster.zip", cluster_app_zip())}).raise_for_status()
        wait_for(lambda: any(cmd["command"] == "slow" for cmd in requests.get(f"{pair['J'].url}/api/v1/commands.list", headers=headers["J"])
                             .json()["commands"]), "the app on J")
        room = requests.post(f"{pair['I'].url}/api/v1/channels.create", headers=headers["I"], json={"name": unique("slow")}).json()["channel"]["_id"]
        requests.post(f"{pair['I'].url}/api/v1/commands.run", headers=headers["I"], json={"command": "slow", "params": "job1", "roomId": room}).raise_for_status()
        jobs = pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000).get_default_database()["rocketchat_apps_scheduler"]
        reader = {"node": "I"}
        texts = lambda: [m["msg"] for m in history(pair[reader["node"]].url, headers[reader["node"]], room)]
        wait_for(lambda: "slow start job1" in texts(), "the job to start")
        owner = jobs.find_one({"appId": CLUSTER_APP, "processorId": "slow"})["leaseOwner"]
        reader["node"] = "J" if owner == "I" else "I"
        stopped_at = time.monotonic()
        pair[owner].process.proc.send_signal(signal.SIGTERM)
        assert pair[owner].process.proc.wait(30) == 0
        wait_for(lambda: "slow done job1" in texts(), "the job finished on the other node (well before its lease ran out)", 10)
        assert texts().count("slow start job1") == 2 and texts().count("slow done job1") == 1, texts()
        wait_for(lambda: jobs.find_one({"appId": CLUSTER_APP, "processorId": "slow"}) is None, "the one-time job gone", 5)
        print(f"slow job handed back by {owner}: finished on {reader['node']} {time.monotonic() - stopped_at:.1f} s after SIGTERM (lease 30 s)")
    finally:
        for node in pair.values():
            node.stop()


def test_killing_a_node_mid_storm_loses_no_acknowledged_message(cluster, airlock_binary):
    nodes, uri = cluster
    storm = Node(airlock_binary, uri, "E")
    a = login(nodes["A"].url)
    room = requests.post(f"{nodes['A'].url}/api/v1/channels.create", headers=a, json={"name": unique("storm")}).json()["channel"]["_id"]
    e = login(storm.url)
    acknowledged, stop = [], threading.Event()

    def send(worker):
        session = requests.Session()
        n = 0
        while not stop.is_set():
            try:
                reply = session.post(f"{storm.url}/api/v1/chat.postMessage", headers=e, json={"roomId": room, "text": f"storm {worker}-{n}"}, timeout=5)
            except requests.RequestException:
                return
            if reply.status_code == 200:
                acknowledged.append(reply.json()["message"]["_id"])
            n += 1
    senders = [threading.Thread(target=send, args=(w,)) for w in range(4)]
    for sender in senders:
        sender.start()
    time.sleep(1.5)
    storm.kill()
    stop.set()
    for sender in senders:
        sender.join(10)
    storm.folder.cleanup()
    stored = {m["_id"] for m in history(nodes["B"].url, login(nodes["B"].url), room)}
    assert acknowledged and not set(acknowledged) - stored, f"{len(set(acknowledged) - stored)} acknowledged messages lost"
    print(f"storm: {len(acknowledged)} messages acknowledged by E before SIGKILL, all stored")


def test_sigterm_drains_a_node_and_its_clients_reconnect_elsewhere(cluster, airlock_binary):
    nodes, uri = cluster
    leaving = Node(airlock_binary, uri, "F", drain_ms=1500)
    try:
        a = login(leaving.url)
        socket = Socket(leaving.url, a["X-User-Id"], a["X-Auth-Token"])
        assert requests.get(f"{leaving.url}/health/ready").status_code == 200
        leaving.process.proc.send_signal(signal.SIGTERM)
        report = wait_for(lambda: (lambda r: r.status_code == 503 and r.json())(requests.get(f"{leaving.url}/health/ready")), "not ready", 5)
        assert report["status"] == "draining" and report["node"] == "F"
        assert requests.get(f"{leaving.url}/health/live").status_code == 200
        wait_for(lambda: socket.closed is not None, "the socket to close", 10)
        assert socket.closed == 1001
        assert leaving.process.proc.wait(30) == 0
        # The client reconnects through the balancer: another node takes it, with the same token.
        again = Socket(nodes["B"].url, a["X-User-Id"], a["X-Auth-Token"])
        again.close()
    finally:
        leaving.stop()
