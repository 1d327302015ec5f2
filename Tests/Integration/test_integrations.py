"""Webhook integrations as Rocket.Chat clients and services use them: the PyPI client `rockethook` and plain
form/JSON posts into incoming hooks, a GitHub-push script in Rocket.Chat's script style, the refusals (token,
disabled, size, rate, scripts that throw or never end), outgoing hooks calling a local server with retries and
posting its reply, and the `integrations.*` REST routes."""

import json
import os
import tempfile
import time

import pytest
import requests
import rockethook

from conftest import ADMIN_PASSWORD, ADMIN_USER, AirlockProcess, RecordingHTTPServer, wait_for

FIXTURES = os.path.join(os.path.dirname(__file__), "../Fixtures/Integrations")


@pytest.fixture(scope="module")
def hooks_server(airlock_binary):
    """Loopback allowed for outgoing hooks, a short retry backoff, a low per-hook rate."""
    with tempfile.TemporaryDirectory() as data_dir:
        process = AirlockProcess(airlock_binary, data_dir, extra_args=(
            "--apps-http-allow", "127.0.0.1", "--limit", "hooks.retryBaseMilliseconds=50", "--limit", "hooks.requestsPerMinute=60",
            "--limit", "http.maxBodyBytes=65536"))
        yield process
        process.stop()


def login(url, user=ADMIN_USER, password=ADMIN_PASSWORD):
    data = requests.post(f"{url}/api/v1/login", json={"user": user, "password": password}).json()["data"]
    return {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}


def create(url, headers, **fields):
    r = requests.post(f"{url}/api/v1/integrations.create", headers=headers, json=fields)
    assert r.status_code == 200, r.text
    return r.json()["integration"]


def channel(url, headers, name):
    r = requests.post(f"{url}/api/v1/channels.create", headers=headers, json={"name": name})
    assert r.status_code == 200, r.text
    return r.json()["channel"]


def history(url, headers, room_id):
    return requests.get(f"{url}/api/v1/channels.history", headers=headers, params={"roomId": room_id, "count": 100}).json()["messages"]


def hook_path(integration):
    return f"/hooks/{integration['_id']}/{integration['token']}"


def test_rockethook_and_form_and_json_posts(hooks_server):
    url = hooks_server.url
    admin = login(url)
    room = channel(url, admin, "ci-builds")
    hook = create(url, admin, type="webhook-incoming", name="CI", enabled=True, username="admin", channel="#ci-builds",
                  alias="CI", emoji=":robot:")
    assert len(hook["token"]) >= 24 and hook["channel"] == ["#ci-builds"] and hook["type"] == "webhook-incoming"

    # rockethook: a form `payload`, text and an attachment.
    webhook = rockethook.Webhook(url, f"{hook['_id']}/{hook['token']}")
    message = rockethook.Message(icon_url="https://ci.example/icon.png")
    message.append_text("Build #42 passed")
    message.add_attachment(title="Logs", title_link="https://ci.example/42", text="all green")
    webhook.post(message)
    webhook.quick_post("Build #43 started")

    # curl-style form field and Slack's field names in JSON.
    r = requests.post(url + hook_path(hook), data={"payload": json.dumps({"text": "from a form", "username": "Jenkins"})})
    assert r.status_code == 200 and r.json() == {"success": True}
    r = requests.post(url + hook_path(hook), json={"text": "slack style", "icon_emoji": ":ghost:", "icon_url": "https://x.example/a.png"})
    assert r.status_code == 200

    messages = {m["msg"]: m for m in history(url, admin, room["_id"])}
    first = messages["Build #42 passed"]
    assert first["alias"] == "CI" and first["avatar"] == "https://ci.example/icon.png" and first["u"]["username"] == "admin"
    assert first["attachments"][0]["title"] == "Logs" and first["attachments"][0]["title_link"] == "https://ci.example/42"
    assert messages["Build #43 started"]["emoji"] == ":robot:"
    assert messages["from a form"]["alias"] == "Jenkins"
    assert messages["slack style"]["emoji"] == ":ghost:" and messages["slack style"]["avatar"] == "https://x.example/a.png"


def test_refusals(hooks_server):
    url = hooks_server.url
    admin = login(url)
    room = channel(url, admin, "refusals")
    hook = create(url, admin, type="webhook-incoming", name="Refusals", enabled=True, username="admin", channel="#refusals")
    bad = requests.post(f"{url}/hooks/{hook['_id']}/{'x' * len(hook['token'])}", json={"text": "no"})
    assert bad.status_code == 400 and "Invalid integration id or token" in bad.json()["error"]
    assert requests.post(f"{url}/hooks/nosuch/{hook['token']}", json={"text": "no"}).status_code == 400
    assert requests.post(url + hook_path(hook), data="{not json", headers={"Content-Type": "application/json"}).status_code == 400
    assert requests.post(url + hook_path(hook), json={"attachments": "nope"}).status_code == 400
    assert requests.post(url + hook_path(hook), json={}).status_code == 400
    big = requests.post(url + hook_path(hook), json={"text": "x" * 70000})
    assert big.status_code == 413
    # The poster may not pick a private room its user is not in.
    other = login(url)
    requests.post(f"{url}/api/v1/groups.create", headers=other, json={"name": "secret-room"})
    assert requests.post(url + hook_path(hook), json={"text": "leak", "channel": "#no-such-room"}).status_code == 400

    r = requests.put(f"{url}/api/v1/integrations.update", headers=admin, json={"type": "webhook-incoming", "integrationId": hook["_id"], "enabled": False})
    assert r.status_code == 200 and r.json()["integration"]["enabled"] is False
    disabled = requests.post(url + hook_path(hook), json={"text": "while disabled"})
    assert disabled.status_code == 400
    assert history(url, admin, room["_id"]) == []

    # Per-hook rate: bursts of 10 at 60 a minute.
    limited = create(url, admin, type="webhook-incoming", name="Rate", enabled=True, username="admin", channel="#refusals")
    codes = [requests.post(url + hook_path(limited), json={"text": f"n{i}"}).status_code for i in range(14)]
    assert codes[:10] == [200] * 10 and 429 in codes[10:], codes


def test_github_push_script(hooks_server):
    url = hooks_server.url
    admin = login(url)
    room = channel(url, admin, "github")
    with open(os.path.join(FIXTURES, "github-push.js")) as f:
        script = f.read()
    hook = create(url, admin, type="webhook-incoming", name="GitHub", enabled=True, username="admin", channel="#github",
                  scriptEnabled=True, script=script)
    push = {
        "ref": "refs/heads/main", "compare": "https://github.com/acme/site/compare/abc...def",
        "repository": {"full_name": "acme/site"}, "pusher": {"name": "ana"},
        "commits": [
            {"id": "abcdef1234567", "url": "https://github.com/acme/site/commit/abcdef1", "message": "Fix the header\n\nLonger text", "author": {"name": "Ana"}},
            {"id": "1234567abcdef", "url": "https://github.com/acme/site/commit/1234567", "message": "Add tests", "author": {"name": "Ben"}},
        ],
    }
    r = requests.post(url + hook_path(hook), json=push, headers={"X-GitHub-Event": "push"})
    assert r.status_code == 200, r.text
    message = history(url, admin, room["_id"])[0]
    assert message["msg"] == "ana pushed 2 commits to acme/site@main"
    assert message["alias"] == "GitHub" and message["emoji"] == ":octocat:"
    assert "[abcdef1](https://github.com/acme/site/commit/abcdef1) Fix the header — Ana" in message["attachments"][0]["text"]
    # The script refuses what it does not handle, with its message.
    r = requests.post(url + hook_path(hook), json={"action": "opened"}, headers={"X-GitHub-Event": "issues"})
    assert r.status_code == 400 and "Unsupported GitHub event: issues" in r.json()["error"]
    assert requests.post(url + hook_path(hook), json={"zen": "Keep it simple."}, headers={"X-GitHub-Event": "ping"}).status_code == 200
    assert history(url, admin, room["_id"])[0]["msg"] == "GitHub says: Keep it simple."


def test_scripts_that_throw_or_never_end(hooks_server):
    url = hooks_server.url
    admin = login(url)
    room = channel(url, admin, "scripts")
    throws = create(url, admin, type="webhook-incoming", name="Throws", enabled=True, username="admin", channel="#scripts",
                    scriptEnabled=True, script="class Script { process_incoming_request() { throw new TypeError('bad payload'); } }")
    r = requests.post(url + hook_path(throws), json={"text": "x"})
    assert r.status_code == 400 and "TypeError: bad payload" in r.json()["error"]
    broken = create(url, admin, type="webhook-incoming", name="Broken", enabled=True, username="admin", channel="#scripts",
                    scriptEnabled=True, script="class Script { process_incoming_request( { ")
    r = requests.post(url + hook_path(broken), json={"text": "x"})
    assert r.status_code == 400 and "does not load" in r.json()["error"]

    loops = create(url, admin, type="webhook-incoming", name="Loops", enabled=True, username="admin", channel="#scripts",
                   scriptEnabled=True, script="class Script { process_incoming_request() { for (;;) {} } }")
    r = requests.post(url + hook_path(loops), json={"text": "x"}, timeout=30)
    assert r.status_code == 400 and "ran longer than 3 s" in r.json()["error"], r.text
    # A script that keeps more than 8 MB is stopped too.
    hog = create(url, admin, type="webhook-incoming", name="Hog", enabled=True, username="admin", channel="#scripts", scriptEnabled=True,
                 script="class Script { process_incoming_request() { Store.set('big', new Array(4e6).fill(0).map((_, i) => i)); return { content: { text: 'kept' } }; } }")
    r = requests.post(url + hook_path(hog), json={"text": "x"}, timeout=30)
    assert r.status_code == 400 and "more than 8 MB" in r.json()["error"], r.text
    # The server, and the other scripts, keep working.
    assert requests.get(f"{url}/api/info").status_code == 200
    ok = create(url, admin, type="webhook-incoming", name="Fine", enabled=True, username="admin", channel="#scripts", scriptEnabled=True,
                script="class Script { process_incoming_request({ request }) { return { content: { text: 'fine: ' + request.content.n } }; } }")
    assert requests.post(url + hook_path(ok), json={"n": 1}).status_code == 200
    assert history(url, admin, room["_id"])[0]["msg"] == "fine: 1"


def receiver_of(failures, reply):
    """A local service an outgoing hook calls: the first `failures` calls answer 500, then 200 with `reply`."""
    return RecordingHTTPServer(lambda call, calls: (500, {"error": "busy"}) if len(calls) <= failures else (200, reply), path="/hook")


def test_outgoing_hook_with_trigger_word_retries_and_replies(hooks_server):
    url = hooks_server.url
    admin = login(url)
    room = channel(url, admin, "deploys")
    receiver = receiver_of(1, {"text": "Deploying site to production", "username": "Deploy bot"})
    try:
        hook = create(url, admin, type="webhook-outgoing", name="Deploy", enabled=True, username="admin", channel="#deploys",
                      event="sendMessage", urls=[receiver.url], triggerWords=["!deploy"], token="shared-secret-123",
                      retryFailedCalls=True, retryCount=3, retryDelay="powers-of-two")
        assert hook["urls"] == [receiver.url] and hook["event"] == "sendMessage"
        requests.post(f"{url}/api/v1/chat.postMessage", headers=admin, json={"roomId": room["_id"], "text": "no trigger here"}).raise_for_status()
        # The sender's answer does not wait for the hook (it is called after the message is stored, on a task).
        r = requests.post(f"{url}/api/v1/chat.postMessage", headers=admin, json={"roomId": room["_id"], "text": "!deploy site"})
        assert r.status_code == 200
        wait_for(lambda: len(receiver.calls) >= 2, "the retry")
        first, second = receiver.calls[0], receiver.calls[1]
        assert first["body"] == second["body"]
        body = first["body"]
        assert body["token"] == "shared-secret-123" and body["trigger_word"] == "!deploy" and body["text"] == "!deploy site"
        assert body["channel_name"] == "deploys" and body["user_name"] == ADMIN_USER and body["bot"] is False
        assert second["at"] - first["at"] >= 0.04  # the backoff (50 ms base here)
        reply = wait_for(lambda: next((m for m in history(url, admin, room["_id"]) if m["msg"] == "Deploying site to production"), None), "the reply")
        assert reply["alias"] == "Deploy bot"
        time.sleep(0.3)
        assert len(receiver.calls) == 2  # "no trigger here" was never sent, and the reply did not call the hook again
    finally:
        receiver.stop()


def test_outgoing_hook_scripts_shape_the_request_and_the_reply(hooks_server):
    url = hooks_server.url
    admin = login(url)
    room = channel(url, admin, "scripted-out")
    receiver = receiver_of(0, {"status": "queued", "ticket": 17})
    script = """
class Script {
  prepare_outgoing_request({ request }) {
    if (request.data.text.includes('skip')) return null;
    return { url: request.url + '?from=airlock', method: 'POST', headers: { 'X-Ticket-Source': 'chat' },
             data: { summary: request.data.text.replace('!ticket ', ''), reporter: request.data.user_name } };
  }
  process_outgoing_response({ request, response }) {
    return { content: { text: `Ticket #${response.content.ticket} is ${response.content.status} (HTTP ${response.status_code})` } };
  }
}
"""
    try:
        create(url, admin, type="webhook-outgoing", name="Tickets", enabled=True, username="admin", channel="#scripted-out", event="sendMessage",
               urls=[receiver.url], triggerWords=["!ticket"], scriptEnabled=True, script=script)
        requests.post(f"{url}/api/v1/chat.postMessage", headers=admin, json={"roomId": room["_id"], "text": "!ticket skip this"}).raise_for_status()
        requests.post(f"{url}/api/v1/chat.postMessage", headers=admin, json={"roomId": room["_id"], "text": "!ticket printer on fire"}).raise_for_status()
        wait_for(lambda: any(m["msg"] == "Ticket #17 is queued (HTTP 200)" for m in history(url, admin, room["_id"])), "the scripted reply")
        assert len(receiver.calls) == 1
        call = receiver.calls[0]
        assert call["body"] == {"summary": "printer on fire", "reporter": ADMIN_USER}
        assert call["headers"].get("X-Ticket-Source") == "chat"
    finally:
        receiver.stop()


def test_integrations_rest_routes(hooks_server):
    url = hooks_server.url
    admin = login(url)
    channel(url, admin, "rest-routes")
    created = create(url, admin, type="webhook-incoming", name="Listed", enabled=True, username="admin", channel="#rest-routes")
    listed = requests.get(f"{url}/api/v1/integrations.list", headers=admin, params={"count": 100}).json()
    assert listed["success"] and created["_id"] in [i["_id"] for i in listed["integrations"]] and listed["total"] >= 1
    got = requests.get(f"{url}/api/v1/integrations.get", headers=admin, params={"integrationId": created["_id"]}).json()["integration"]
    assert got["name"] == "Listed" and got["_createdBy"]["username"] == ADMIN_USER and got["webhookURL"].endswith(hook_path(created))
    updated = requests.put(f"{url}/api/v1/integrations.update", headers=admin,
                           json={"type": "webhook-incoming", "integrationId": created["_id"], "name": "Renamed", "alias": "Bot"}).json()["integration"]
    assert updated["name"] == "Renamed" and updated["alias"] == "Bot" and updated["token"] == created["token"]

    for fields, reason in [
        ({"type": "webhook-incoming", "name": "x", "username": "admin", "channel": "#nope"}, "Invalid channel"),
        ({"type": "webhook-incoming", "name": "x", "username": "nobody-here", "channel": "#rest-routes"}, "Invalid user"),
        ({"type": "webhook-outgoing", "name": "x", "username": "admin", "urls": ["ftp://x"], "event": "sendMessage"}, "Invalid URL"),
        ({"type": "webhook-outgoing", "name": "x", "username": "admin", "urls": ["http://x.example"], "event": "roomCreated"}, "Invalid event"),
        ({"type": "bogus", "name": "x"}, "Invalid integration type"),
    ]:
        r = requests.post(f"{url}/api/v1/integrations.create", headers=admin, json=fields)
        assert r.status_code == 400 and reason in r.json()["error"], (fields, r.text)

    # Without the permission: 403, and nothing listed.
    requests.post(f"{url}/api/v1/users.create", headers=admin, json={"username": "plain", "name": "Plain", "email": "plain@example.org", "password": "pw-plain-1"})
    plain = login(url, "plain", "pw-plain-1")
    assert requests.get(f"{url}/api/v1/integrations.list", headers=plain).status_code == 403
    assert requests.post(f"{url}/api/v1/integrations.create", headers=plain, json={"type": "webhook-incoming", "name": "x", "username": "plain", "channel": "#rest-routes"}).status_code == 403

    removed = requests.post(f"{url}/api/v1/integrations.remove", headers=admin, json={"type": "webhook-incoming", "integrationId": created["_id"]})
    assert removed.status_code == 200 and removed.json()["integration"]["_id"] == created["_id"]
    assert requests.get(f"{url}/api/v1/integrations.get", headers=admin, params={"integrationId": created["_id"]}).status_code == 404
    assert requests.post(url + hook_path(created), json={"text": "gone"}).status_code == 400
