"""The hostile-app suite: each way an app can misbehave, installed over REST on a live server whose apps run in worker
processes with low limits (CPU 50 ms and wall 500 ms per call, 192 MiB of memory, first restart after 10 ms), while a
normal app (`hooks`, which rewrites "darn") and a normal user keep posting messages. For each: the app's call fails
or is answered within its limits, the server keeps answering, the normal app keeps working, no acknowledged message
is lost, and the admin sees what happened (the app's `runtime`: restarts, last failure, when it came back).
No timing assertions: the latencies the background user saw are printed (run with -s) for the closing note."""

import json
import os
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import zipfile

import pytest
import requests

from conftest import ADMIN_PASSWORD, ADMIN_USER, AirlockProcess, wait_for

FIXTURES = os.path.join(os.path.dirname(__file__), "../Fixtures/Apps")
HOSTILE_ID = "5c0ffee5-1bad-4bad-9bad-0000000000a1"
HOOKS_ID = "7a4e2c1b-9d8f-4e6a-b3c5-1f2e3d4c5b6a"
APP_LIMITS = [
    "cpuMillisecondsPerCall=50", "wallMillisecondsPerCall=500", "preHookCpuMilliseconds=50", "preHookWallMilliseconds=500",
    "restartBackoffMilliseconds=10", f"workerMemoryBytes={192 << 20}", "failuresBeforeStop=100", "logLinesPerMinute=500",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


isolated_metrics_port = free_port()


def zip_fixture(name, directory):
    path = os.path.join(directory, f"{name}.zip")
    source = os.path.join(FIXTURES, name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for file in os.listdir(source):
            z.write(os.path.join(source, file), file)
    return path


def login(url):
    reply = requests.post(f"{url}/api/v1/login", json={"user": ADMIN_USER, "password": ADMIN_PASSWORD}, timeout=10).json()
    return {"X-Auth-Token": reply["data"]["authToken"], "X-User-Id": reply["data"]["userId"]}


def install(url, headers, name, directory, **fields):
    with open(zip_fixture(name, directory), "rb") as f:
        reply = requests.post(f"{url}/api/apps", headers=headers, files={"app": f}, data=fields, timeout=60)
    assert reply.status_code == 200, reply.text
    return reply.json()["app"]


def app(url, headers, app_id=HOSTILE_ID):
    return requests.get(f"{url}/api/apps/{app_id}", headers=headers, timeout=10).json()["app"]


def probe(url, what, query="", timeout=20):
    start = time.monotonic()
    reply = requests.get(f"{url}/api/apps/public/{HOSTILE_ID}/probe/{what}{'?' + query if query else ''}", timeout=timeout)
    return reply, time.monotonic() - start


class Chatter:
    """A normal user posting "darn <n>" to a room every 20 ms and reading /api/info, recording latencies; the hooks app
    must answer each message with "d**n <n>", and every acknowledged message must be in the room's history."""

    def __init__(self, url, headers, room_id):
        self.url, self.headers, self.room_id = url, headers, room_id
        self.latencies, self.failures, self.acknowledged = [], [], []
        self.stopped = threading.Event()
        # Set while an admin moves the normal app (it is briefly disabled then: its hooks do not run).
        self.paused = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        n = 0
        session = requests.Session()
        while not self.stopped.is_set():
            if self.paused.is_set():
                time.sleep(0.02)
                continue
            n += 1
            start = time.monotonic()
            try:
                reply = session.post(f"{self.url}/api/v1/chat.postMessage", headers=self.headers,
                                     json={"roomId": self.room_id, "text": f"darn {n}"}, timeout=10)
                self.latencies.append(time.monotonic() - start)
                body = reply.json()
                if reply.status_code != 200:
                    self.failures.append(f"post {n}: {reply.status_code} {reply.text[:200]}")
                else:
                    self.acknowledged.append(body["message"]["_id"])
                    if body["message"]["msg"] != f"d**n {n}":
                        self.failures.append(f"post {n}: the normal app did not run: {body['message']['msg']!r}")
                info_start = time.monotonic()
                if session.get(f"{self.url}/api/info", timeout=10).status_code != 200:
                    self.failures.append("info failed")
                self.latencies.append(time.monotonic() - info_start)
            except requests.RequestException as error:
                self.failures.append(f"request {n}: {error}")
            time.sleep(0.02)

    def stop(self):
        self.stopped.set()
        self.thread.join(timeout=15)


@pytest.fixture(scope="module")
def isolated(airlock_binary):
    """A server with low app limits, the hostile and the hooks apps installed, and a chatting user."""
    with tempfile.TemporaryDirectory() as data_dir:
        args = [arg for limit in APP_LIMITS for arg in ("--app-limit", limit)] + ["--metrics-port", str(isolated_metrics_port), "--node-id", "iso-1"]
        server = AirlockProcess(airlock_binary, data_dir, extra_args=args)
        try:
            headers = login(server.url)
            install(server.url, headers, "hostile", data_dir)
            install(server.url, headers, "hooks", data_dir)
            room = requests.post(f"{server.url}/api/v1/channels.create", headers=headers, json={"name": "isolation"}, timeout=10)
            chatter = Chatter(server.url, headers, room.json()["channel"]["_id"])
            yield server.url, headers, chatter, data_dir
            chatter.stop()
            report(chatter)
            assert chatter.failures == [], chatter.failures[:5]
            stored = set()
            while True:
                page = requests.get(f"{server.url}/api/v1/channels.history", headers=headers,
                                    params={"roomId": chatter.room_id, "count": 100, "offset": len(stored)}, timeout=30).json()["messages"]
                if not page:
                    break
                stored |= {m["_id"] for m in page}
            missing = set(chatter.acknowledged) - stored
            assert not missing, f"{len(missing)} acknowledged messages lost"
        finally:
            server.stop()


def report(chatter):
    samples = sorted(chatter.latencies)
    if samples:
        pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))] * 1000
        print(f"\n[isolation] normal user: {len(chatter.acknowledged)} messages acknowledged, {len(samples)} requests, "
              f"p50 {pick(0.5):.1f} ms, p99 {pick(0.99):.1f} ms, max {samples[-1] * 1000:.1f} ms, failures {len(chatter.failures)}")


def recovered(url, headers, restarts_before):
    """Waits for a new worker (more restarts than before) that answers; answers the runtime status."""
    runtime = wait_for(lambda: (lambda r: r if r["restarts"] > restarts_before and r["pid"] else None)(app(url, headers)["runtime"]),
                       "the worker to restart")
    reply, _ = probe(url, "echo")
    assert reply.status_code == 200
    assert app(url, headers)["status"] == "manually_enabled"
    return runtime


@pytest.mark.parametrize("what,query", [("spin", ""), ("microtasks", ""), ("spin-timer", ""), ("alloc-huge", "mb=1024")])
def test_runaway_code_costs_only_its_worker(isolated, what, query):
    url, headers, _, _ = isolated
    before = app(url, headers)["runtime"]
    reply, took = probe(url, what, query)
    print(f"\n[isolation] {what}: answered {reply.status_code} after {took * 1000:.0f} ms")
    if what == "spin-timer":
        assert reply.status_code == 200
    else:
        assert reply.status_code >= 400
    runtime = app(url, headers)["runtime"]
    if what != "spin" or runtime["restarts"] > before["restarts"]:
        # Past the CPU budget JSC usually ends a plain loop itself (the worker lives on); anything else costs the worker.
        runtime = recovered(url, headers, before["restarts"])
        print(f"[isolation] {what}: worker {before['pid']} -> {runtime['pid']}, last failure: {runtime['lastFailure']}")
        assert runtime["lastFailureAt"] and runtime["lastRestartAt"]
    else:
        assert probe(url, "echo")[0].status_code == 200


def test_gradual_growth_is_stopped_at_the_memory_cap(isolated):
    url, headers, _, _ = isolated
    before = app(url, headers)["runtime"]
    for _ in range(40):
        reply, _ = probe(url, "grow", "mb=16")
        if reply.status_code != 200:
            break
    runtime = recovered(url, headers, before["restarts"])
    assert "memory" in runtime["lastFailure"], runtime
    print(f"\n[isolation] grow: stopped with: {runtime['lastFailure']}")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSEGV])
def test_a_worker_killed_from_outside_comes_back(isolated, sig):
    url, headers, _, _ = isolated
    before = app(url, headers)["runtime"]
    killed_at = time.monotonic()
    os.kill(before["pid"], sig)
    runtime = recovered(url, headers, before["restarts"])
    print(f"\n[isolation] {sig.name}: back in {(time.monotonic() - killed_at) * 1000:.0f} ms (pid {runtime['pid']}): {runtime['lastFailure']}")
    assert runtime["pid"] != before["pid"]
    assert f"signal {int(sig)}" in runtime["lastFailure"]


def test_values_the_host_must_not_allocate_for_are_refused(isolated):
    url, headers, _, _ = isolated
    pid = app(url, headers)["runtime"]["pid"]
    for what in ["huge-array", "huge-string"]:
        reply, took = probe(url, what)
        print(f"\n[isolation] {what}: {reply.status_code} after {took * 1000:.0f} ms")
        assert reply.status_code >= 400
    assert app(url, headers)["runtime"]["pid"] == pid


def test_a_frame_past_the_bridge_limit_costs_the_worker(isolated):
    url, headers, _, _ = isolated
    assert probe(url, "big", "kb=256")[0].status_code == 200
    before = app(url, headers)["runtime"]
    limited = requests.post(f"{url}/api/apps/{HOSTILE_ID}/limits", headers=headers, json={"limits": {"bridgeFrameBytes": 65536}}, timeout=30)
    assert limited.status_code == 200, limited.text
    try:
        assert probe(url, "big", "kb=256")[0].status_code >= 400
        runtime = recovered(url, headers, before["restarts"])
        assert "frame of" in runtime["lastFailure"], runtime
    finally:
        requests.post(f"{url}/api/apps/{HOSTILE_ID}/limits", headers=headers, json={"limits": {"bridgeFrameBytes": 16 << 20}}, timeout=30)


def test_admins_see_workers_in_metrics_and_the_cli(isolated, airlock_binary):
    url, headers, _, _ = isolated
    runtime = app(url, headers, HOOKS_ID)["runtime"]
    env = {"AIRLOCK_URL": url, "AIRLOCK_USER": ADMIN_USER, "AIRLOCK_PASSWORD": ADMIN_PASSWORD}
    listing = subprocess.run([airlock_binary, "apps", "list"], env=env, capture_output=True, text=True, timeout=60)
    assert listing.returncode == 0, listing.stderr
    row = next(line for line in listing.stdout.splitlines() if line.startswith(HOOKS_ID))
    assert " worker " in row and f" {runtime['pid']} " in row and "MiB" in row, listing.stdout
    metrics = wait_for(lambda: (lambda body: body if f'airlock_app_worker_pid{{app_id="{HOOKS_ID}"}}' in body else None)(
        requests.get(f"http://127.0.0.1:{isolated_metrics_port}/metrics", timeout=10).text), "worker metrics", seconds=10)
    assert f'airlock_app_worker_restarts{{app_id="{HOSTILE_ID}"}}' in metrics
    assert f'airlock_app_worker_rss_bytes{{app_id="{HOOKS_ID}"}}' in metrics
    assert 'airlock_node_info{node="iso-1"} 1' in metrics


def test_an_exception_storm_is_only_failures(isolated):
    url, headers, _, _ = isolated
    pid = app(url, headers)["runtime"]["pid"]
    statuses = {probe(url, "throw", f"n={n}")[0].status_code for n in range(200)}
    assert statuses == {500}, statuses
    current = app(url, headers)
    assert current["status"] == "manually_enabled" and current["runtime"]["pid"] == pid
    assert current["stats"]["api:probe/:what:get"]["failures"] >= 200


def test_a_log_flood_is_capped(isolated):
    url, headers, _, _ = isolated
    for _ in range(10):
        reply, took = probe(url, "log-flood", "n=300")
        assert reply.status_code == 200, reply.text
    print(f"\n[isolation] log flood: 10 x 300 lines, the last call answered in {took * 1000:.0f} ms")
    logs = requests.get(f"{url}/api/apps/{HOSTILE_ID}/logs", headers=headers, params={"count": 100000}, timeout=30).json()
    flood = [entry for entry in logs["logs"] if entry["entries"][0]["args"][0].startswith("flood line")]
    # At most 500 lines a minute are kept (other lines of the app count too).
    assert 0 < len(flood) <= 500, len(flood)


def test_deep_recursion_eval_and_host_probes_stay_in_the_sandbox(isolated):
    url, headers, _, _ = isolated
    recurse = probe(url, "recurse")[0].json()
    assert recurse["overflowed"] is True and recurse["error"] == "RangeError", recurse
    seen = probe(url, "probe-host")[0].json()
    # (`Buffer` is the SDK's own, in JavaScript, as apps built for Node expect.)
    for name in ["process", "Deno", "Bun", "fetch", "XMLHttpRequest", "WebSocket", "module"]:
        assert seen[name] == "undefined", (name, seen)
    for name in ["fs", "child_process", "net", "http", "os", "worker_threads"]:
        assert seen[f"require:{name}"] != "loaded", (name, seen)
    attempts = probe(url, "eval")[0].json()
    # Dynamic code is JavaScript in the same sandbox: whatever it does, it reaches nothing more than the app could.
    print(f"\n[isolation] eval attempts: {attempts}")
    assert set(attempts) >= {"eval", "Function", "AsyncFunction"}


def test_tampering_with_the_sdk_and_the_bridge_hurts_only_the_app(isolated):
    url, headers, _, _ = isolated
    before = app(url, headers)["runtime"]
    reply, _ = probe(url, "tamper")
    print(f"\n[isolation] tamper: {reply.status_code} {reply.text[:300]}")
    # The app may have broken itself; restarting its worker (what an admin or a crash does) heals it.
    os.kill(before["pid"], signal.SIGKILL)
    recovered(url, headers, before["restarts"])


def test_a_slow_endpoint_times_out_at_its_deadline(isolated):
    url, headers, _, _ = isolated
    reply, took = probe(url, "slow", "ms=5000")
    print(f"\n[isolation] slow endpoint (5 s, wall 500 ms): {reply.status_code} after {took * 1000:.0f} ms")
    assert reply.status_code >= 400


def test_an_app_that_keeps_failing_is_stopped_and_can_come_back(isolated):
    url, headers, _, _ = isolated
    changed = requests.post(f"{url}/api/apps/{HOSTILE_ID}/limits", headers=headers,
                            json={"limits": {"failuresBeforeStop": 3, "failureWindowSeconds": 600}}, timeout=10)
    assert changed.status_code == 200, changed.text
    for _ in range(3):
        current = app(url, headers)
        if current["status"] != "manually_enabled":
            break
        runtime = wait_for(lambda: app(url, headers)["runtime"]["pid"], "a worker")
        os.kill(runtime, signal.SIGKILL)
        wait_for(lambda: app(url, headers)["runtime"]["pid"] != runtime, "the worker to go")
    stopped = wait_for(lambda: (lambda a: a if a["status"] == "error_disabled" else None)(app(url, headers)), "error_disabled")
    assert "its worker failed" in stopped["statusReason"], stopped["statusReason"]
    assert stopped["runtime"]["pid"] is None
    assert probe(url, "echo")[0].status_code == 404
    requests.post(f"{url}/api/apps/{HOSTILE_ID}/limits", headers=headers, json={"limits": {"failuresBeforeStop": 100}}, timeout=10)
    enabled = requests.post(f"{url}/api/apps/{HOSTILE_ID}/status", headers=headers, json={"status": "manually_enabled"}, timeout=30)
    assert enabled.json()["status"] == "manually_enabled", enabled.text
    assert probe(url, "echo")[0].status_code == 200


def test_the_worker_is_locked_down(isolated):
    url, headers, _, _ = isolated
    runtime = app(url, headers, HOOKS_ID)["runtime"]
    pid = runtime["pid"]
    assert runtime["mode"] == "worker"
    assert all(runtime["isolation"][name] for name in ["seccomp", "landlock", "networkNamespace", "cgroupMemory", "cgroupPids", "rlimits", "unprivileged"]), runtime
    for task in os.listdir(f"/proc/{pid}/task"):
        status = open(f"/proc/{pid}/task/{task}/status").read()
        assert "\nSeccomp:\t2\n" in status
        assert "\nUid:\t65534\t65534\t65534\t65534\n" in status and "\nGroups:\t\n" in status.replace("Groups:\t \n", "Groups:\t\n")
    assert os.readlink(f"/proc/{pid}/ns/net") != os.readlink("/proc/self/ns/net")
    cgroups = open(f"/proc/{pid}/cgroup").read()
    assert ":memory:/airlock/" in cgroups and ":pids:/airlock/" in cgroups, cgroups
    # Nothing of the server's: /dev/null, the socket, and what the runtime opened itself before the lockdown (eventfds,
    # epoll, a timerfd, /dev/urandom for its random numbers, its own statm for its memory footprint).
    descriptors = {int(fd): os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
    assert [descriptors[fd] for fd in (0, 1, 2)] == ["/dev/null"] * 3 and descriptors[3].startswith("socket:"), descriptors
    own = ("anon_inode:", "pipe:", "/dev/urandom", f"/proc/{pid}/statm")
    assert all(target.startswith(own) for fd, target in descriptors.items() if fd > 3), descriptors
    assert os.readlink(f"/proc/{pid}/cwd").endswith("airlock-worker-root")
    assert open(f"/proc/{pid}/environ").read() == ""


@pytest.mark.parametrize("isolation", ["full", "degraded"])
def test_the_worker_self_test_reports_every_refusal(airlock_binary, isolation):
    result = subprocess.run([airlock_binary, "worker", "--self-test", "--isolation", isolation],
                            capture_output=True, text=True, timeout=30, env={})
    report = json.loads(result.stdout)
    for attempt in ["open", "create", "socket", "exec", "signalParent"]:
        assert report["attempts"][attempt].startswith("refused"), report
    assert report["isolation"]["seccomp"] is True and report["isolation"]["landlock"] is True
    assert report["isolation"]["networkNamespace"] is (isolation == "full")


def test_degraded_isolation_is_reported(airlock_binary):
    with tempfile.TemporaryDirectory() as data_dir:
        server = AirlockProcess(airlock_binary, data_dir, extra_args=["--apps-isolation", "degraded"])
        try:
            headers = login(server.url)
            installed = install(server.url, headers, "hooks", data_dir)
            isolation = installed["runtime"]["isolation"]
            assert isolation["seccomp"] and isolation["rlimits"] and isolation["unprivileged"], isolation
            assert not isolation["networkNamespace"] and not isolation["cgroupMemory"] and not isolation["cgroupPids"], isolation
            pid = installed["runtime"]["pid"]
            assert os.readlink(f"/proc/{pid}/ns/net") == os.readlink("/proc/self/ns/net")
            assert "\nSeccomp:\t2\n" in open(f"/proc/{pid}/status").read()
        finally:
            server.stop()


def test_runtime_mode_is_chosen_at_install_and_changed_by_an_admin(isolated):
    url, headers, chatter, data_dir = isolated
    chatter.paused.set()
    time.sleep(0.2)
    try:
        check_runtime_modes(url, headers, data_dir)
    finally:
        chatter.paused.clear()


def check_runtime_modes(url, headers, data_dir):
    in_process = requests.get(f"{url}/api/apps/{HOOKS_ID}", headers=headers, timeout=10).json()["app"]
    assert in_process["runtime"]["mode"] == "worker"
    moved = requests.post(f"{url}/api/apps/{HOOKS_ID}/limits", headers=headers, json={"limits": {"runtime": "in-process"}}, timeout=30)
    assert moved.status_code == 200 and moved.json()["limits"]["runtime"] == "in-process", moved.text
    current = app(url, headers, HOOKS_ID)
    assert current["runtime"]["mode"] == "in-process" and current["runtime"]["pid"] is None
    assert current["status"] == "manually_enabled"
    bad = requests.post(f"{url}/api/apps/{HOOKS_ID}/limits", headers=headers, json={"limits": {"runtime": "thread"}}, timeout=10)
    assert bad.status_code == 400 and "runtime" in bad.text
    back = requests.post(f"{url}/api/apps/{HOOKS_ID}/limits", headers=headers, json={"limits": {"runtime": "worker"}}, timeout=30)
    assert back.status_code == 200
    assert app(url, headers, HOOKS_ID)["runtime"]["pid"]
    with open(zip_fixture("hello", data_dir), "rb") as f:
        refused = requests.post(f"{url}/api/apps", headers=headers, files={"app": f}, data={"runtime": "vm"}, timeout=30)
    assert refused.status_code == 400 and "runtime" in refused.text


def test_cgroups_of_a_server_that_ended_are_swept(airlock_binary):
    groups = "/sys/fs/cgroup/memory/airlock"
    with tempfile.TemporaryDirectory() as data_dir:
        first = AirlockProcess(airlock_binary, data_dir)
        try:
            install(first.url, login(first.url), "hooks", data_dir)
            old_pid = first.proc.pid
        finally:
            # Killed outright: it cannot reap its workers or remove their groups.
            first.proc.kill()
            first.proc.wait()
        wait_for(lambda: not any(os.path.exists(f"/proc/{pid}") for pid in pids_in(groups, old_pid)), "the old workers to end")
        second = AirlockProcess(airlock_binary, data_dir)
        try:
            install(second.url, login(second.url), "hostile", data_dir)
            assert not [name for name in os.listdir(groups) if name.endswith(f"-{old_pid}")], os.listdir(groups)
        finally:
            second.stop()


def pids_in(groups, server_pid):
    pids = []
    for name in os.listdir(groups):
        if name.endswith(f"-{server_pid}"):
            pids += [int(line) for line in open(f"{groups}/{name}/cgroup.procs").read().split()]
    return pids


@pytest.mark.parametrize("args,message", [
    (["--app-limit", "noSuchLimit=3"], "Unknown limit"),
    (["--app-limit", "cpuMillisecondsPerCall=0"], "cpuMillisecondsPerCall"),
    (["--apps-runtime", "thread"], "thread"),
    (["--apps-isolation", "none"], "none"),
])
def test_bad_app_runtime_flags_are_refused_at_start(airlock_binary, args, message):
    with tempfile.TemporaryDirectory() as data_dir:
        result = subprocess.run([airlock_binary, "serve", "--port", "0", "--data-dir", data_dir, *args],
                                capture_output=True, text=True, timeout=30, env={})
        assert result.returncode != 0 and message in result.stderr + result.stdout, result.stderr
        assert os.listdir(data_dir) == []
