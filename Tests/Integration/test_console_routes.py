"""The server routes the web console needs (issue 19's first part): roles and role assignment (through the PyPI
client `rocketchat-api`), an app's scheduled jobs, its calls per minute over the last hour, and inspecting a package
before installing it."""

import io
import json
import os
import tempfile
import zipfile

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from conftest import ADMIN_PASSWORD, ADMIN_USER, AirlockProcess, unique

FIXTURES = os.path.join(os.path.dirname(__file__), "../Fixtures/Apps")
HELLO_ID = "6f1c6a55-2b3f-4a0e-9c49-1f0f6f3b9a10"


def login(url, user=ADMIN_USER, password=ADMIN_PASSWORD):
    data = requests.post(f"{url}/api/v1/login", json={"user": user, "password": password}).json()["data"]
    return {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}


def zip_fixture(name):
    folder = os.path.join(FIXTURES, name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for root, _, files in os.walk(folder):
            for file in files:
                path = os.path.join(root, file)
                z.write(path, os.path.relpath(path, folder))
    return buffer.getvalue()


def test_roles_list_and_assignment(server_url):
    admin = RocketChat(ADMIN_USER, ADMIN_PASSWORD, server_url=server_url)
    roles = admin.roles_list()
    assert roles["success"]
    by_id = {role["_id"]: role for role in roles["roles"]}
    assert by_id["admin"]["scope"] == "Users" and by_id["owner"]["scope"] == "Subscriptions"

    name = unique("role-user")
    admin.users_create(email=f"{name}@example.org", name=name, password="pw-" + name, username=name)
    added = admin.roles_add_user_to_role("bot", name)
    assert added["success"] and added["role"]["_id"] == "bot"
    assert sorted(admin.users_info(username=name)["user"]["roles"]) == ["bot", "user"]
    assert name in [u["username"] for u in admin.roles_get_users_in_role("bot")]  # the client pages through "users"
    removed = admin.roles_remove_user_from_role("bot", name)
    assert removed["success"] and admin.users_info(username=name)["user"]["roles"] == ["user"]

    for role in ("owner", "emperor"):  # a room role; an unknown one
        with pytest.raises(RocketApiException):
            admin.roles_add_user_to_role(role, name)
    # Without edit-other-user-info: refused.
    plain = login(server_url, name, "pw-" + name)
    refused = requests.post(f"{server_url}/api/v1/roles.addUserToRole", headers=plain, json={"roleId": "admin", "username": name})
    assert refused.status_code == 403


def test_the_last_admin_keeps_the_role(airlock_binary):
    with tempfile.TemporaryDirectory() as data_dir:
        server = AirlockProcess(airlock_binary, data_dir)
        try:
            admin = login(server.url)
            r = requests.post(f"{server.url}/api/v1/roles.removeUserFromRole", headers=admin, json={"roleId": "admin", "username": ADMIN_USER})
            assert r.status_code == 400 and "last active admin" in r.json()["error"]
        finally:
            server.stop()


def test_inspect_jobs_and_stats_of_an_app(server_url):
    admin = login(server_url)
    package = zip_fixture("hello")
    # Inspect: the manifest, the permissions, who signed it; nothing installed.
    r = requests.post(f"{server_url}/api/apps/inspect", headers=admin, files={"app": ("hello.zip", package, "application/zip")})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["app"]["id"] == HELLO_ID and report["permissions"] == [{"name": "slashcommand"}] and report["permissionsDeclared"]
    assert report["signature"] == {"signed": False} and report["installed"] is None and report["refusal"] is None
    assert requests.get(f"{server_url}/api/apps/{HELLO_ID}", headers=admin).status_code == 404
    bad = requests.post(f"{server_url}/api/apps/inspect", headers=admin, files={"app": ("x.zip", b"not a zip", "application/zip")})
    assert bad.status_code == 400

    installed = requests.post(f"{server_url}/api/apps", headers=admin, files={"app": ("hello.zip", package, "application/zip")})
    assert installed.status_code == 200, installed.text
    try:
        again = requests.post(f"{server_url}/api/apps/inspect", headers=admin, files={"app": ("hello.zip", package, "application/zip")}).json()
        assert again["installed"]["status"] == "manually_enabled"

        stats = requests.get(f"{server_url}/api/apps/{HELLO_ID}/stats", headers=admin, params={"window": "1h"}).json()
        assert stats["success"] and stats["bucketSeconds"] == 60 and len(stats["buckets"]) == 60
        last = stats["buckets"][-1]
        assert last["calls"] >= 2 and "p99Ms" in last  # onInstall, initialize, onEnable just ran
        assert "onEnable" in stats["methods"]
        assert len(requests.get(f"{server_url}/api/apps/{HELLO_ID}/stats", headers=admin, params={"window": "15m"}).json()["buckets"]) == 15
        assert requests.get(f"{server_url}/api/apps/{HELLO_ID}/stats", headers=admin, params={"window": "2d"}).status_code == 400

        jobs = requests.get(f"{server_url}/api/apps/{HELLO_ID}/jobs", headers=admin).json()
        assert jobs["success"] and jobs["jobs"] == []
        assert requests.get(f"{server_url}/api/apps/nosuch/jobs", headers=admin).status_code in (400, 404)
    finally:
        requests.delete(f"{server_url}/api/apps/{HELLO_ID}", headers=admin)


def test_admin_rooms_and_user_search(server_url):
    """`rooms.adminRooms` (through `rocketchat-api`, which pages through it): every kind, narrowed by type and by a
    name; refused without view-room-administration. `users.list?filter=` narrows users by username or name."""
    admin = RocketChat(ADMIN_USER, ADMIN_PASSWORD, server_url=server_url)
    tag = unique("adm")
    admin.users_create(email=f"{tag}@example.org", name=f"Ada {tag}", password="pw-ada-123", username=tag)
    admin.channels_create(f"{tag}-open")
    admin.groups_create(f"{tag}-closed", members=[tag])
    every = list(admin.rooms_admin_rooms(filter=tag))
    assert {r["name"] for r in every} >= {f"{tag}-open", f"{tag}-closed"}
    assert [r["name"] for r in admin.rooms_admin_rooms(filter=tag, types=["p"])] == [f"{tag}-closed"]
    with pytest.raises(RocketApiException):
        list(RocketChat(tag, "pw-ada-123", server_url=server_url).rooms_admin_rooms())
    headers = login(server_url)
    found = requests.get(f"{server_url}/api/v1/users.list", headers=headers, params={"filter": f"ada {tag}"}).json()
    assert [u["username"] for u in found["users"]] == [tag] and found["total"] == 1
    assert requests.get(f"{server_url}/api/v1/rooms.adminRooms", headers=headers, params={"types[]": "x"}).status_code == 400
