"""`airlock dev`, the way an app developer uses it: scaffold in a clean folder, package, test, deploy, watch; and
signed packages end to end: keys, signing, the server's trust store and its policy for unsigned packages."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile

import pytest
import requests

from conftest import ADMIN_PASSWORD, ADMIN_USER, AirlockProcess


def login(url, user=ADMIN_USER, password=ADMIN_PASSWORD):
    data = requests.post(f"{url}/api/v1/login", json={"user": user, "password": password}).json()["data"]
    return {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}


@pytest.fixture(scope="module")
def dev_server(airlock_binary):
    with tempfile.TemporaryDirectory() as data_dir:
        process = AirlockProcess(airlock_binary, data_dir)
        yield process
        process.stop()


@pytest.fixture()
def airlock(airlock_binary, tmp_path):
    """Runs `airlock ...` in `cwd` (default: the test's folder) without the caller's AIRLOCK_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
    env["HOME"] = str(tmp_path / "home")

    def run(*args, cwd=tmp_path, check=True, path=None):
        run_env = dict(env)
        if path is not None:
            run_env["PATH"] = path
        result = subprocess.run([airlock_binary, *args], cwd=cwd, env=run_env, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"airlock {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    return run


def server_args(server):
    return ["--url", server.url, "--user", ADMIN_USER, "--password", ADMIN_PASSWORD]


def manifest(folder):
    with open(os.path.join(folder, "app.json")) as f:
        return json.load(f)


def greet(url, headers, room_id, command, params):
    before = {m["_id"] for m in requests.get(f"{url}/api/v1/channels.history", headers=headers, params={"roomId": room_id}).json()["messages"]}
    r = requests.post(f"{url}/api/v1/commands.run", headers=headers, json={"command": command, "params": params, "roomId": room_id})
    assert r.status_code == 200, r.text
    deadline = time.time() + 10
    while time.time() < deadline:
        new = [m for m in requests.get(f"{url}/api/v1/channels.history", headers=headers, params={"roomId": room_id}).json()["messages"]
               if m["_id"] not in before]
        if new:
            return new[0]["msg"]
        time.sleep(0.1)
    raise AssertionError("the command posted nothing")


def test_new_package_test_deploy_from_a_clean_folder(airlock, dev_server, tmp_path):
    created = airlock("dev", "new", "Quick Start")
    assert created.stdout.splitlines()[-1].startswith("✔ created Quick Start")
    project = tmp_path / "quick-start"
    for name in ["app.json", "QuickStartApp.js", "icon.png", "README.md", "scenarios/command.yaml", "jsconfig.json",
                 ".airlock/apps-engine/apps-engine.d.ts", ".airlock/apps-engine/package.json"]:
        assert (project / name).exists(), name
    info = manifest(project)
    assert info["classFile"] == "QuickStartApp.js" and len(info["id"]) == 36

    packaged = airlock("dev", "package", cwd=project)
    assert "implements: (no event handlers)" in packaged.stdout
    zip_path = project / "dist" / "quick-start_0.1.0.zip"
    assert packaged.stdout.splitlines()[-1] == f"✔ wrote {zip_path} (4 files, {zip_path.stat().st_size} bytes)"
    with zipfile.ZipFile(zip_path) as z:
        # Code, manifest, icon and who packaged it; not the scenarios, the typings or the README.
        assert sorted(z.namelist()) == [".packagedby", "QuickStartApp.js", "app.json", "icon.png"]

    tsc = shutil.which("tsc")
    if tsc is None:
        pytest.fail("tsc is not installed (apt-get install node-typescript; scripts/install-deps.sh does it)")
    checked = subprocess.run([tsc, "-p", "jsconfig.json"], cwd=project, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout

    tested = airlock("dev", "test", cwd=project)
    assert "✓ 4 /quickstart again in #general" in tested.stdout and tested.stdout.splitlines()[-1] == "✔ 1 scenario, 4 steps passed"

    deployed = airlock("dev", "deploy", *server_args(dev_server), cwd=project)
    assert deployed.stdout.splitlines()[-1] == f"✔ installed Quick Start 0.1.0 on {dev_server.url}: manually_enabled"
    admin = login(dev_server.url)
    room = requests.post(f"{dev_server.url}/api/v1/channels.create", headers=admin, json={"name": "quick"}).json()["channel"]
    assert greet(dev_server.url, admin, room["_id"], "quickstart", "world") == "Hello, world!"
    # Deploying again updates the app in place.
    again = airlock("dev", "deploy", *server_args(dev_server), cwd=project)
    assert again.stdout.splitlines()[-1].startswith("✔ updated Quick Start 0.1.0")


def test_a_failing_scenario_fails_the_command_and_names_the_step(airlock, tmp_path):
    airlock("dev", "new", "Strict")
    project = tmp_path / "strict"
    scenario = project / "scenarios" / "command.yaml"
    scenario.write_text(scenario.read_text().replace("Hello, world!", "Goodbye, world!"))
    result = airlock("dev", "test", cwd=project, check=False)
    assert result.returncode == 1
    assert '✗ 1 /strict world in #general: expected message {"from":"app","room":"general","text":"Goodbye, world!"}' in result.stdout
    assert 'new or edited messages: #general: strict.bot: "Hello, world!"' in result.stdout
    assert result.stderr.strip().startswith("✘ 1 of 1 scenario failed (first: command.yaml step 1")


def test_packaging_refusals_are_one_clear_line(airlock, tmp_path):
    airlock("dev", "new", "Broken")
    project = tmp_path / "broken"
    info = manifest(project)
    info["requiredApiVersion"] = "^9.0.0"
    (project / "app.json").write_text(json.dumps(info))
    result = airlock("dev", "package", cwd=project, check=False)
    assert result.returncode == 1 and result.stderr.startswith("✘ app.json:") and "9.0.0" in result.stderr
    assert not (project / "dist").exists()

    empty = tmp_path / "empty"
    empty.mkdir()
    result = airlock("dev", "package", cwd=empty, check=False)
    assert result.returncode == 1 and "No app.json" in result.stderr and "airlock dev new" in result.stderr

    # A TypeScript app without esbuild (or deno) on PATH says what to install.
    airlock("dev", "new", "Typed", "--typescript")
    result = airlock("dev", "package", cwd=tmp_path / "typed", check=False, path="/nonexistent")
    assert result.returncode == 1 and "neither esbuild nor deno" in result.stderr and "apt-get install esbuild" in result.stderr


def test_typescript_app_is_transpiled_and_type_checked(airlock, tmp_path):
    airlock("dev", "new", "Typed Hello", "--typescript")
    project = tmp_path / "typed-hello"
    packaged = airlock("dev", "package", cwd=project)
    assert "transpiling TypedHelloApp.ts with" in packaged.stdout
    with zipfile.ZipFile(project / "dist" / "typed-hello_0.1.0.zip") as z:
        bundle = z.read("TypedHelloApp.js").decode()
        assert 'require("@rocket.chat/apps-engine/definition/App")' in bundle and "TypedHelloApp" in bundle
        assert json.loads(z.read("app.json"))["classFile"] == "TypedHelloApp.ts"
    assert airlock("dev", "test", cwd=project).stdout.splitlines()[-1] == "✔ 1 scenario, 4 steps passed"
    tsc = shutil.which("tsc")
    if tsc is None:
        pytest.fail("tsc is not installed (apt-get install node-typescript; scripts/install-deps.sh does it)")
    checked = subprocess.run([tsc, "-p", "tsconfig.json"], cwd=project, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout
    # The typings catch a misspelt accessor.
    source = project / "TypedHelloApp.ts"
    source.write_text(source.read_text().replace("getEnvironmentReader()", "getEnvironmentReadr()"))
    broken = subprocess.run([tsc, "-p", "tsconfig.json"], cwd=project, capture_output=True, text=True, timeout=120)
    assert broken.returncode != 0 and "getEnvironmentReadr" in broken.stdout


def test_watch_redeploys_on_change_and_keeps_settings(airlock, airlock_binary, dev_server, tmp_path):
    airlock("dev", "new", "Watched")
    project = tmp_path / "watched"
    app_id = manifest(project)["id"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
    log = open(tmp_path / "watch.log", "w+")
    watch = subprocess.Popen([airlock_binary, "dev", "watch", "--interval", "200", *server_args(dev_server)],
                             cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        def output():
            log.flush()
            return (tmp_path / "watch.log").read_text()

        def wait_for(text, timeout=60):
            deadline = time.time() + timeout
            while time.time() < deadline:
                if text in output():
                    return
                assert watch.poll() is None, output()
                time.sleep(0.1)
            raise AssertionError(f"{text!r} not in:\n{output()}")

        wait_for("✔ installed Watched 0.1.0")
        admin = login(dev_server.url)
        room = requests.post(f"{dev_server.url}/api/v1/channels.create", headers=admin, json={"name": "watched"}).json()["channel"]
        r = requests.post(f"{dev_server.url}/api/apps/{app_id}/settings/greeting", headers=admin, json={"setting": {"id": "greeting", "value": "Ahoy"}})
        assert r.status_code == 200, r.text
        assert greet(dev_server.url, admin, room["_id"], "watched", "crew") == "Ahoy, crew!"

        source = project / "WatchedApp.js"
        source.write_text(source.read_text().replace("${greeting}, ${name}!", "${greeting}, ${name}!!"))
        wait_for("changed: WatchedApp.js")
        wait_for("✔ updated Watched 0.1.0")
        # The new code runs, with the setting the admin gave the old version.
        assert greet(dev_server.url, admin, room["_id"], "watched", "crew") == "Ahoy, crew!!"

        # A change that breaks the package is reported, and watching goes on.
        (project / "app.json").write_text("{ not json")
        wait_for("✘ app.json is not a JSON object")
        assert watch.poll() is None
    finally:
        watch.send_signal(signal.SIGINT)
        try:
            watch.wait(10)
        except subprocess.TimeoutExpired:
            watch.kill()
            watch.wait()
        log.close()


# MARK: Signed packages


@pytest.fixture(scope="module")
def policy_servers(airlock_binary):
    """One server per policy for unsigned packages."""
    servers = {}
    folders = []
    try:
        for policy in ("warn", "allow", "deny"):
            folder = tempfile.TemporaryDirectory()
            folders.append(folder)
            args = () if policy == "warn" else ("--apps-unsigned", policy)
            servers[policy] = AirlockProcess(airlock_binary, folder.name, extra_args=args)
        yield servers
    finally:
        for process in servers.values():
            process.stop()
        for folder in folders:
            folder.cleanup()


def install(url, zip_path):
    with open(zip_path, "rb") as f:
        return requests.post(f"{url}/api/apps", headers=login(url), files={"app": ("app.zip", f, "application/zip")})


def installed_ids(url):
    return {app["id"] for app in requests.get(f"{url}/api/apps", headers=login(url)).json()["apps"]}


def rezip(source, target, change):
    """Copies a zip, letting `change(name, data)` rewrite each entry's bytes."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, change(item.filename, src.read(item.filename)))


def test_signed_packages_and_the_unsigned_policy(airlock, policy_servers, tmp_path):
    keys = tmp_path / "keys"
    made = airlock("dev", "keygen", "--out", str(keys / "acme"))
    key_id = made.stdout.splitlines()[-1].split()[2]
    assert oct((keys / "acme.key").stat().st_mode & 0o777) == "0o600"
    assert (keys / "acme.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    airlock("dev", "keygen", "--out", str(keys / "mallory"))
    refused = airlock("dev", "keygen", "--out", str(keys / "acme"), check=False)
    assert refused.returncode == 1 and "--force" in refused.stderr

    airlock("dev", "new", "Signed App")
    project = tmp_path / "signed-app"
    app_id = manifest(project)["id"]
    unsigned = tmp_path / "unsigned.zip"
    airlock("dev", "package", "--output", str(unsigned), cwd=project)
    signed = tmp_path / "signed.zip"
    packaged = airlock("dev", "package", "--output", str(signed), "--key", str(keys / "acme.key"), cwd=project)
    assert f"signed with key {key_id}" in packaged.stdout
    with zipfile.ZipFile(signed) as z:
        signature = json.loads(z.read(".airlock-signature.json"))
    assert signature["algorithm"] == "ed25519" and signature["keyId"] == key_id
    wrong = tmp_path / "wrong.zip"
    shutil.copy(unsigned, wrong)
    assert "signed" in airlock("dev", "sign", "--key", str(keys / "mallory.key"), str(wrong)).stdout
    tampered = tmp_path / "tampered.zip"
    rezip(signed, tampered, lambda name, data: data.replace(b"Hello", b"Pwned") if name.endswith(".js") else data)
    # Re-zipping the same files (other order, other compression) keeps the signature valid.
    rezipped = tmp_path / "rezipped.zip"
    rezip(signed, rezipped, lambda name, data: data)

    warn, allow, deny = policy_servers["warn"], policy_servers["allow"], policy_servers["deny"]
    for server in (warn, deny):
        trusted = airlock("apps", "trust", "add", str(keys / "acme.pub"), "--name", "ACME Apps", *server_args(server))
        assert trusted.stdout.strip() == f"trusted key {key_id} (ACME Apps)"
    listing = airlock("apps", "trust", "list", *server_args(warn)).stdout
    assert key_id in listing and "ACME Apps" in listing and "unsigned packages: warn" in listing
    duplicate = requests.post(f"{warn.url}/api/apps/trust", headers=login(warn.url), json={"name": "again", "publicKey": (keys / "acme.pub").read_text()})
    assert duplicate.status_code == 400 and "already trusted" in duplicate.json()["error"]
    garbage = requests.post(f"{warn.url}/api/apps/trust", headers=login(warn.url), json={"name": "x", "publicKey": "not a key"})
    assert garbage.status_code == 400

    # Tampered: refused everywhere, nothing stored.
    for server in (warn, allow, deny):
        r = install(server.url, tampered)
        assert r.status_code == 400 and r.json()["errorType"] == "error-app-invalid-signature", r.text
        assert "do not match its signature" in r.json()["error"]
        assert app_id not in installed_ids(server.url)

    # Signed by a key the server does not trust: refused unless unsigned packages are allowed outright.
    r = install(warn.url, wrong)
    assert r.status_code == 400 and "does not trust" in r.json()["error"] and app_id not in installed_ids(warn.url)
    assert install(deny.url, wrong).status_code == 400

    # Signed by a trusted key: installed, the signer shown; the re-zipped copy verifies too.
    r = install(warn.url, rezipped)
    assert r.status_code == 200, r.text
    assert r.json()["app"]["signature"] == {"signed": True, "keyId": key_id, "signer": "ACME Apps"}
    requests.delete(f"{warn.url}/api/apps/{app_id}", headers=login(warn.url)).raise_for_status()
    r = install(deny.url, signed)
    assert r.status_code == 200 and r.json()["app"]["signature"]["signed"] is True

    # Unsigned under each policy (on the deny server, the signed install above stays as it was).
    r = install(deny.url, unsigned)
    assert r.status_code == 400 and "installs only signed packages" in r.json()["error"]
    deny_app = requests.get(f"{deny.url}/api/apps/{app_id}", headers=login(deny.url)).json()["app"]
    assert deny_app["signature"]["signed"] is True
    r = install(warn.url, unsigned)
    assert r.status_code == 200 and r.json()["app"]["signature"] == {"signed": False}
    logs = requests.get(f"{warn.url}/api/apps/{app_id}/logs", headers=login(warn.url)).json()["logs"]
    assert any("not signed" in json.dumps(line) for line in logs)
    r = install(allow.url, unsigned)
    assert r.status_code == 200 and r.json()["app"]["signature"] == {"signed": False}
    requests.delete(f"{allow.url}/api/apps/{app_id}", headers=login(allow.url)).raise_for_status()
    r = install(allow.url, wrong)
    assert r.status_code == 200 and r.json()["app"]["signature"] == {"signed": False}

    # Removing a key: later installs signed with it are refused; apps already installed stay.
    removed = airlock("apps", "trust", "remove", key_id, *server_args(deny))
    assert removed.stdout.strip() == f"removed key {key_id}"
    assert requests.get(f"{deny.url}/api/apps/trust", headers=login(deny.url)).json()["keys"] == []
    assert requests.delete(f"{deny.url}/api/apps/trust/{key_id}", headers=login(deny.url)).status_code == 404
    assert app_id in installed_ids(deny.url)
