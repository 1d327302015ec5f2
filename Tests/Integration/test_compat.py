"""Apps-Engine compatibility, the way published Rocket.Chat apps meet Airlock: `compat-ts` is TypeScript importing the
definition modules it uses (single files and folder indexes), bundled by esbuild as rc-apps does, installed over
REST. Each test exercises one family of the Apps-Engine surface end to end, through the real clients."""

import os

import pytest
import requests
from rocketchat_API.rocketchat import RocketChat

from conftest import ADMIN_PASSWORD, ADMIN_USER, unique
from test_apps import FIXTURES, admin_login, build_rc_app

COMPAT_ID = "8d4e2b6a-1f3c-4a5e-9b7d-0c2e4f6a8b1d"


@pytest.fixture(scope="module")
def compat(server_url, tmp_path_factory):
    """The app installed once per server; uninstalled at the end."""
    headers = admin_login(server_url)
    package = build_rc_app(os.path.join(FIXTURES, "compat-ts"), str(tmp_path_factory.mktemp("compat") / "compat.zip"))
    with open(package, "rb") as f:
        reply = requests.post(f"{server_url}/api/apps", headers=headers, files={"app": f.read()}, timeout=60)
    assert reply.status_code == 200, reply.text
    yield reply.json()["app"]
    requests.delete(f"{server_url}/api/apps/{COMPAT_ID}", headers=headers, timeout=60)


@pytest.fixture(scope="module")
def admin(server_url):
    return RocketChat(ADMIN_USER, ADMIN_PASSWORD, server_url=server_url)


def run(server_url, room_id, params):
    reply = requests.post(f"{server_url}/api/v1/commands.run", headers=admin_login(server_url),
                          json={"command": "compat", "params": params, "roomId": room_id}, timeout=30)
    assert reply.status_code == 200, reply.text


def last_messages(admin, room_id):
    return list(admin.channels_history(room_id))


def app_logs(server_url, method):
    entries = requests.get(f"{server_url}/api/apps/{COMPAT_ID}/logs", headers=admin_login(server_url),
                           params={"method": method}, timeout=30).json()["logs"]
    return [" ".join(str(a) for a in entry["args"]) for line in entries for entry in line["entries"]]


def test_manifest_rules_and_cyclic_registrations(compat):
    # A SemVer pre-release version installs; an empty permission list means the Apps-Engine defaults; a slash
    # command keeping `this.app` and an endpoint holding the app install (cycles are dropped, as in Rocket.Chat).
    assert compat["status"] == "manually_enabled", compat
    assert compat["version"] == "2.0.0-alpha.1"
    granted = set(compat["permissionsGranted"])
    assert {"slashcommand", "message.write", "room.write", "api"} <= granted and "networking" in granted


def test_definition_modules_hold_rocket_chat_values(server_url, compat):
    surface = requests.get(f"{server_url}/api/apps/public/{COMPAT_ID}/surface", timeout=30)
    assert surface.status_code == 200 and surface.headers["content-type"].startswith("application/json")
    values = surface.json()
    assert values["paymentRequired"] == 402 and values["name504"] == "GATEWAY_TIMEOUT" and values["patch"] == "patch"
    assert values["invisible"] == "invisible" and values["button"] == "button" and values["horizontal"] == "horizontal"
    assert values["respond"] == "respondWithMessage" and values["systemMessage"] == "IPostSystemMessageSent"
    assert values["statusChanged"] == "executePostUserStatusChanged" and values["container"] == "view"
    assert values["enabled"] is True and values["blocks"] == ["section", "actions"] and values["record"] == ["misc", "surface"]
    # getAccessors().providedApiEndpoints, with the OAuth2 client's callback provided by createOAuth2Client().setup.
    assert values["endpoints"] == [f"/api/apps/public/{COMPAT_ID}/surface", f"/api/apps/public/{COMPAT_ID}/compat-callback"]
    settings = requests.get(f"{server_url}/api/apps/{COMPAT_ID}/settings", headers=admin_login(server_url), timeout=30).json()["settings"]
    assert {"mode", "compat-oauth-client-id", "compat-oauth-clientsecret"} <= set(settings)


def test_blocks_only_messages_from_the_bot_in_a_read_only_room_it_never_joined(server_url, compat, admin):
    name = unique("compat-ro")
    room = admin.channels_create(name, readOnly=True)["channel"]
    run(server_url, room["_id"], f"blocks {name}")
    [message] = [m for m in last_messages(admin, room["_id"]) if m.get("blocks")]
    assert message["u"]["username"] == "compat.bot" and not message.get("msg")
    assert message["blocks"][0]["type"] == "section" and message["blocks"][0]["appId"] == COMPAT_ID


def test_direct_rooms_get_rocket_chat_ids(server_url, compat, admin):
    user = admin.users_create(email=f"{unique('c')}@example.org", name="C", password="pw-compat-1", username=unique("cuser"))["user"]
    room = admin.channels_create(unique("compat-dm"))["channel"]
    run(server_url, room["_id"], f"direct {user['username']}")
    bot = admin.users_info(username="compat.bot")["user"]
    expected = "".join(sorted([bot["_id"], user["_id"]]))
    client = RocketChat(user["username"], "pw-compat-1", server_url=server_url)
    assert expected in [r["rid"] for r in client.subscriptions_get()["update"]]
    assert any(m["msg"] == f"direct {expected}" for m in client.dm_history(expected)), "the bot posts into the new DM"


def test_rooms_reach_handlers_as_rocket_chat_room_objects(server_url, compat, admin):
    name = unique("compat-room")
    room = admin.channels_create(name)["channel"]
    run(server_url, room["_id"], "room")
    assert f"room {name} true true" in [m["msg"] for m in last_messages(admin, room["_id"])]


def test_joins_and_leaves_reach_apps_as_system_messages(server_url, compat, admin):
    name = unique("compat-sys")
    room = admin.channels_create(name)["channel"]
    user = admin.users_create(email=f"{unique('s')}@example.org", name="S", password="pw-compat-2", username=unique("suser"))["user"]
    admin.channels_invite(room["_id"], user["_id"])
    admin.channels_kick(room["_id"], user["_id"])
    lines = app_logs(server_url, "executePostSystemMessageSent")
    assert f"system au {user['username']} in {name}" in lines and f"system ru {user['username']} in {name}" in lines


def test_discussions_from_rest_and_from_apps(server_url, compat, admin):
    parent = admin.channels_create(unique("compat-parent"))["channel"]
    sent = admin.chat_post_message("where it started", room_id=parent["_id"])["message"]
    # REST (rocketchat-api's rooms_create_discussion): a discussion off a message, with a reply.
    made = admin.rooms_create_discussion(parent["_id"], "Release plan", pmid=sent["_id"], reply="let's plan")["discussion"]
    assert made["prid"] == parent["_id"] and made["fname"] == "Release plan" and made["t"] == "c"
    assert [m["msg"] for m in admin.channels_history(made["_id"])] == ["let's plan"]
    history = list(admin.channels_history(parent["_id"]))
    announced = [m for m in history if m.get("t") == "discussion-created"]
    assert announced and announced[0]["drid"] == made["_id"] and announced[0]["msg"] == "Release plan"
    assert [m for m in history if m["_id"] == sent["_id"]][0]["drid"] == made["_id"]
    # No discussion off a discussion.
    with pytest.raises(Exception) as nested:
        admin.rooms_create_discussion(made["_id"], "Nested")
    assert "error-nested-discussion" in str(nested.value)
    # IModifyCreator.startDiscussion: the bot starts one, with a first reply; the app sees its parent.
    run(server_url, parent["_id"], "discuss Retro")
    [line] = [m["msg"] for m in last_messages(admin, parent["_id"]) if m["msg"].startswith("discussion ")]
    discussion_id = line.split()[1]
    assert line == f"discussion {discussion_id} of {parent['_id']} named Retro"
    info = admin.channels_info(room_id=discussion_id)["channel"]
    assert info["prid"] == parent["_id"] and info["fname"] == "Retro" and info["u"]["username"] == "compat.bot"
    assert "first reply" in [m["msg"] for m in admin.channels_history(discussion_id)]


def test_user_status_bio_and_the_app_s_own_users(server_url, compat, admin):
    headers = admin_login(server_url)
    room = admin.channels_create(unique("compat-status"))["channel"]
    # IUserUpdater.updateStatus on the sender; IPostUserStatusChanged sees it; REST shows it.
    run(server_url, room["_id"], "status meeting")
    status = requests.get(f"{server_url}/api/v1/users.getStatus", headers=headers, timeout=30).json()
    assert status["status"] == "busy" and status["message"] == "meeting"
    # A user's own users.setStatus reaches the app too.
    changed = requests.post(f"{server_url}/api/v1/users.setStatus", headers=headers, json={"status": "away", "message": "lunch"}, timeout=30)
    assert changed.status_code == 200, changed.text
    refused = requests.post(f"{server_url}/api/v1/users.setStatus", headers=headers, json={"status": "sleeping"}, timeout=30)
    assert refused.status_code == 400
    lines = app_logs(server_url, "executePostUserStatusChanged")
    assert "status admin online -> busy (meeting)" in lines and "status admin busy -> away (lunch)" in lines
    assert admin.users_info(username="admin")["user"]["statusText"] == "lunch"
    # startBotUser creates a user owned by the app; deleteUsers removes the app's own bots.
    name = unique("helper")
    run(server_url, room["_id"], f"bot {name}")
    made = admin.users_info(username=name)["user"]
    assert made["type"] == "bot" and made["name"] == "Helper"
    # A bad username is refused with the reason, and no user is left behind.
    bad = requests.post(f"{server_url}/api/v1/commands.run", headers=headers, timeout=30,
                        json={"command": "compat", "params": "bot no!good", "roomId": room["_id"]})
    assert bad.status_code == 400 and "valid username" in bad.text, bad.text
    assert requests.get(f"{server_url}/api/v1/users.info", headers=headers, params={"username": "no!good"}, timeout=30).status_code == 400
    run(server_url, room["_id"], "unbot")
    gone = requests.get(f"{server_url}/api/v1/users.info", headers=headers, params={"username": name}, timeout=30)
    assert gone.status_code == 400
    assert admin.users_info(username="compat.bot")["user"]["type"] == "app", "the app's own bot stays"


def test_the_app_writes_its_own_settings_and_switches_its_commands(server_url, compat, admin):
    headers = admin_login(server_url)
    room = admin.channels_create(unique("compat-mode"))["channel"]
    # IEnvironmentWrite: the app's own write takes the admin's path, onSettingUpdated included.
    run(server_url, room["_id"], "mode loud")
    setting = requests.get(f"{server_url}/api/apps/{COMPAT_ID}/settings/mode", headers=headers, timeout=30).json()["setting"]
    assert setting["value"] == "loud"
    assert "mode is now loud" in app_logs(server_url, "onSettingUpdated")
    # IConfigurationModify from onSettingUpdated: the second command goes away and comes back.
    def commands():
        return {c["command"] for c in requests.get(f"{server_url}/api/v1/commands.list", headers=headers, timeout=30).json()["commands"]}
    assert "compatx" in commands()
    run(server_url, room["_id"], "mode locked")
    assert "compatx" not in commands() and "compat" in commands()
    refused = requests.post(f"{server_url}/api/v1/commands.run", headers=headers, json={"command": "compatx", "roomId": room["_id"]}, timeout=30)
    assert refused.status_code == 400
    run(server_url, room["_id"], "mode open")
    assert "compatx" in commands()
    # Rocket.Chat's settings rules: saving the package default stores it; `required` is not enforced.
    saved = requests.post(f"{server_url}/api/apps/{COMPAT_ID}/settings", headers=headers, timeout=30,
                          json={"settings": [{"id": "mode", "value": "quiet"}]})
    assert saved.status_code == 200, saved.text
    emptied = requests.post(f"{server_url}/api/apps/{COMPAT_ID}/settings/mode", headers=headers, json={"setting": {"id": "mode", "value": ""}}, timeout=30)
    assert emptied.status_code == 200, emptied.text


def test_missing_features_answer_a_catchable_error_and_providers_register_without_effect(server_url, compat, admin):
    room = admin.channels_create(unique("compat-unsupported"))["channel"]
    run(server_url, room["_id"], "unsupported")
    texts = [m["msg"] for m in last_messages(admin, room["_id"])]
    assert "NotSupportedError: IUploadRead.getById is not supported by Airlock yet" in texts
    warnings = [line for line in app_logs(server_url, "extendConfiguration") if "video conference provider" in line]
    assert len(warnings) == 1 and "no effect" in warnings[0]


def test_action_buttons_answer_through_the_interaction_context(server_url, compat, admin):
    room = admin.channels_create(unique("compat-ui"))["channel"]
    reply = requests.post(f"{server_url}/api/apps/ui.interaction/{COMPAT_ID}", headers=admin_login(server_url), timeout=30, json={
        "type": "actionButton", "actionId": "compat-button", "rid": room["_id"], "triggerId": "t-1",
        "payload": {"context": "messageAction"},
    })
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["type"] == "modal.open" and body["triggerId"] == "t-1" and body["appId"] == COMPAT_ID
    view = body["view"]
    assert view["title"]["text"] == "compat-button in messageAction"
    assert view["type"] == "modal" and view["showIcon"] is True and view["id"] and view["appId"] == COMPAT_ID
