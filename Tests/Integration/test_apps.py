"""Apps the way app developers ship them: an rc-apps style TypeScript app bundled with Debian's esbuild, zipped with
`.packagedby`, installed and managed with the `airlock apps` CLI against the debug server, and checked over REST."""

import json
import os
import shutil
import subprocess
import threading
import time
import zipfile

import pytest
import requests

from conftest import ADMIN_PASSWORD, ADMIN_USER, AirlockProcess

FIXTURES = os.path.join(os.path.dirname(__file__), "../Fixtures/Apps")
GREETER_ID = "3c9e1f2a-5b7d-4c8e-a1f3-6d2b4e8c0a97"


def build_rc_app(source_dir, out_zip):
    """Bundles `classFile` like rc-apps does (the Apps-Engine stays external) and zips the package."""
    esbuild = shutil.which("esbuild")
    if esbuild is None:
        pytest.fail("esbuild is not installed (apt-get install esbuild; scripts/install-deps.sh does it)")
    with open(os.path.join(source_dir, "app.json")) as f:
        manifest = json.load(f)
    main_ts = manifest["classFile"]
    bundle = subprocess.run(
        [esbuild, os.path.join(source_dir, main_ts), "--bundle", "--platform=node", "--format=cjs", "--target=es2017",
         "--external:@rocket.chat/apps-engine/*"],
        check=True, capture_output=True, text=True,
    ).stdout
    with zipfile.ZipFile(out_zip, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("app.json", json.dumps(manifest))
        z.writestr(main_ts[:-3] + ".js", bundle)
        z.write(os.path.join(source_dir, manifest["iconFile"]), manifest["iconFile"])
        z.writestr(".packagedby", json.dumps({"tool": "airlock-tests (esbuild)", "version": "1"}))
    return out_zip


@pytest.fixture()
def cli(airlock_binary, server_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
    env.update({"AIRLOCK_URL": server_url, "AIRLOCK_USER": ADMIN_USER, "AIRLOCK_PASSWORD": ADMIN_PASSWORD})

    def run(*args, check=True):
        result = subprocess.run([airlock_binary, "apps", *args], env=env, capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"airlock apps {' '.join(args)} failed: {result.stderr}")
        return result

    return run


@pytest.fixture()
def admin_headers(server_url):
    return admin_login(server_url)


def test_typescript_app_installs_enables_and_logs(tmp_path, cli, server_url, admin_headers):
    package = build_rc_app(os.path.join(FIXTURES, "greeter-ts"), str(tmp_path / "greeter.zip"))

    installed = json.loads(cli("install", package, "--json").stdout)
    assert installed["status"] == "manually_enabled", installed
    assert installed["classFile"] == "GreeterApp.ts"
    # Apps run in a worker process of their own by default, locked down.
    assert installed["runtime"]["mode"] == "worker", installed["runtime"]
    assert isinstance(installed["runtime"]["pid"], int)
    assert installed["runtime"]["isolation"]["seccomp"] is True

    listed = cli("list").stdout
    assert GREETER_ID in listed and "manually_enabled" in listed

    logs = [json.loads(line) for line in cli("logs", GREETER_ID, "--json", "--method", "onEnable").stdout.splitlines()]
    messages = [entry["args"][0] for line in logs for entry in line["entries"]]
    assert "Greeter enabled on Airlock." in messages

    # Settings through the CLI reach the app: the next enable greets in the new style.
    cli("settings", GREETER_ID, "--set", "style=excited")
    assert cli("settings", GREETER_ID, "--set", "style=shouting", check=False).returncode != 0
    cli("disable", GREETER_ID)
    cli("enable", GREETER_ID)
    logs = cli("logs", GREETER_ID, "--method", "onEnable", "--level", "info").stdout
    assert "Greeter enabled on Airlock!!!" in logs

    # The REST view a Rocket.Chat admin client reads.
    app = requests.get(f"{server_url}/api/apps/{GREETER_ID}", headers=admin_headers).json()["app"]
    assert app["status"] == "manually_enabled" and app["stats"]["onEnable"]["count"] == 2
    icon = requests.get(f"{server_url}/api/apps/{GREETER_ID}/icon")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/png"

    cli("uninstall", GREETER_ID)
    assert requests.get(f"{server_url}/api/apps/{GREETER_ID}", headers=admin_headers).status_code == 404


def test_cli_reports_refusals(tmp_path, cli):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("../evil.js", "x")
    result = cli("install", str(bad), check=False)
    assert result.returncode != 0
    assert "HTTP 400" in result.stderr and "leaves the package" in result.stderr

    wrong = cli("list", "--password", "wrong", check=False)
    assert wrong.returncode != 0 and "HTTP 401" in wrong.stderr


def test_cli_reads_credentials_from_a_config_file(tmp_path, airlock_binary, server_url):
    config = tmp_path / "cli.json"
    config.write_text(json.dumps({"url": server_url, "username": ADMIN_USER, "password": ADMIN_PASSWORD}))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
    result = subprocess.run(
        [airlock_binary, "apps", "list", "--json", "--config", str(config)], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)


def test_killing_the_server_during_an_install_leaves_a_whole_app(tmp_path, airlock_binary):
    """The install is stored in one transaction before `onInstall` runs; an app whose `onInstall` never finishes is
    caught mid-install by SIGKILL. After a restart it is there whole (record, package, bot user), not enabled, and
    enables normally."""
    source = os.path.join(FIXTURES, "lifecycle")
    hanging = tmp_path / "hanging.zip"
    with zipfile.ZipFile(hanging, "w") as z:
        for name in os.listdir(source):
            with open(os.path.join(source, name), "rb") as f:
                data = f.read()
            if name == "LifecycleApp.js":
                data = data.replace(
                    b"async onInstall(context) { this.getLogger().info('call:onInstall by', context.user.username); }",
                    b"async onInstall() { if (!globalThis.installedOnce) { globalThis.installedOnce = true; await new Promise(() => {}); } }",
                )
            z.writestr(name, data)
    app_id = "0b2f6d1e-8c3a-4e5b-9f7d-2a1c3e4b5d6f"
    data_dir = str(tmp_path / "data")
    first = AirlockProcess(airlock_binary, data_dir)
    try:
        headers = admin_login(first.url)
        def install():
            try:
                requests.post(f"{first.url}/api/apps", headers=headers, files={"app": hanging.read_bytes()}, timeout=60)
            except requests.ConnectionError:
                pass  # the server is killed while this request waits for onInstall

        upload = threading.Thread(target=install, daemon=True)
        upload.start()
        deadline = time.time() + 20
        while time.time() < deadline:
            apps = requests.get(f"{first.url}/api/apps", headers=headers).json()["apps"]
            if apps:
                break
            time.sleep(0.05)
        assert apps and apps[0]["status"] == "initialized", apps
    finally:
        first.proc.kill()
        first.proc.wait()

    second = AirlockProcess(airlock_binary, data_dir)
    try:
        headers = admin_login(second.url)
        app = requests.get(f"{second.url}/api/apps/{app_id}", headers=headers).json()["app"]
        assert app["status"] == "initialized"
        bot = requests.get(f"{second.url}/api/v1/users.info", params={"username": "lifecycle.bot"}, headers=headers)
        assert bot.status_code == 200
        enabled = requests.post(f"{second.url}/api/apps/{app_id}/status", json={"status": "manually_enabled"}, headers=headers)
        assert enabled.json()["status"] == "manually_enabled"
    finally:
        second.stop()


def admin_login(url):
    reply = requests.post(f"{url}/api/v1/login", json={"user": ADMIN_USER, "password": ADMIN_PASSWORD}).json()
    return {"X-User-Id": reply["data"]["userId"], "X-Auth-Token": reply["data"]["authToken"]}
