"""The two sample apps, packaged and deployed with `airlock dev`, driven end to end over REST and DDP on a live
server: the WhatsApp bridge against a fake Cloud API on loopback (signed webhooks, verification, outbound calls,
statuses, failures), the team calendar (commands, the modal, RSVP buttons, the .ics feed, a reminder)."""

import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import pytest
import requests

from conftest import ADMIN_PASSWORD, ADMIN_USER, AirlockProcess, RecordingHTTPServer, wait_for
from realtime_events import UserEvents

SAMPLES = os.path.join(os.path.dirname(__file__), "../../SampleApps")
WHATSAPP_ID = "6f1e9a52-3c4d-4b8e-9f07-2a51c8d3e4b6"
CALENDAR_ID = "0d6b2f7e-8a41-4c39-b5e2-91f3c7a6d218"
SECRET = "e2e-app-secret"
PHONE_ID = "1098765"
UNREACHABLE = "15550000000"


def fake_cloud_api():
    """WhatsApp Cloud API's `POST /v19.0/{phone-number-id}/messages`: records each call (with its `Authorization`),
    answers a message id, or WhatsApp's error shape for the unreachable number."""

    def respond(call, calls):
        if call["body"].get("to") == UNREACHABLE:
            return 400, {"error": {"message": "Recipient phone number not in allowed list", "code": 131030}}
        return 200, {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.OUT{len(calls)}"}]}

    fake = RecordingHTTPServer(respond, path="/v19.0")
    fake.base = fake.url
    return fake


@pytest.fixture(scope="module")
def live(airlock_binary):
    """A server whose apps may call the fake Cloud API on loopback (`--apps-http-allow`)."""
    with tempfile.TemporaryDirectory() as data_dir:
        process = AirlockProcess(airlock_binary, data_dir, extra_args=("--apps-http-allow", "127.0.0.1"))
        yield process
        process.stop()


def login(url, user, password):
    data = requests.post(f"{url}/api/v1/login", json={"user": user, "password": password}).json()["data"]
    return {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}


def make_user(url, admin, name):
    requests.post(f"{url}/api/v1/users.create", headers=admin,
                  json={"username": name, "name": name.title(), "email": f"{name}@example.org", "password": "pw-" + name}).raise_for_status()
    return login(url, name, "pw-" + name)


def deploy(airlock_binary, url, sample):
    """`airlock dev deploy` from the sample's folder: packages it and installs it (or updates it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
    result = subprocess.run(
        [airlock_binary, "dev", "deploy", "--dir", os.path.join(SAMPLES, sample), "--url", url, "--user", ADMIN_USER,
         "--password", ADMIN_PASSWORD], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "manually_enabled" in result.stdout.splitlines()[-1], result.stdout
    return result.stdout


def set_settings(url, admin, app_id, values):
    for key, value in values.items():
        r = requests.post(f"{url}/api/apps/{app_id}/settings/{key}", headers=admin, json={"setting": {"id": key, "value": value}})
        assert r.status_code == 200, r.text


def history(url, headers, room_id):
    return requests.get(f"{url}/api/v1/channels.history", headers=headers, params={"roomId": room_id, "count": 100}).json()["messages"]


def run_command(url, headers, command, params, room_id):
    r = requests.post(f"{url}/api/v1/commands.run", headers=headers,
                      json={"command": command, "params": params, "roomId": room_id, "triggerId": f"t-{time.time()}"})
    assert r.status_code == 200, r.text
    return r


def signed(payload):
    body = json.dumps(payload).encode()
    return body, "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def inbound(wa_id, name, messages):
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"phone_number_id": PHONE_ID},
        "contacts": [{"profile": {"name": name}, "wa_id": wa_id}], "messages": messages}}]}]}


def test_whatsapp_bridge_end_to_end(live, airlock_binary):
    url = live.url
    admin = login(url, ADMIN_USER, ADMIN_PASSWORD)
    agent = make_user(url, admin, "agent")
    bridge = requests.post(f"{url}/api/v1/channels.create", headers=admin, json={"name": "whatsapp", "members": ["agent"]}).json()["channel"]
    fake = fake_cloud_api()
    events = UserEvents(url, agent["X-User-Id"], agent["X-Auth-Token"])
    try:
        assert "installed WhatsApp Bridge" in deploy(airlock_binary, url, "whatsapp-bridge")
        set_settings(url, admin, WHATSAPP_ID, {
            "phone_number_id": PHONE_ID, "access_token": "e2e-token", "app_secret": SECRET, "verify_token": "verify-me",
            "bridge_room": "whatsapp", "api_base_url": fake.base})
        hook = f"{url}/api/apps/public/{WHATSAPP_ID}/webhook"

        # The verification handshake.
        ok = requests.get(hook, params={"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "8675309"})
        assert ok.status_code == 200 and ok.text == "8675309"
        assert requests.get(hook, params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"}).status_code == 403

        # A badly signed or unsigned webhook is refused and posts nothing.
        payload = inbound("5511987654321", "Ana Lima", [
            {"from": "5511987654321", "id": "wamid.IN1", "timestamp": "1", "type": "text", "text": {"body": "Olá! Is my order ready?"}},
            {"from": "5511987654321", "id": "wamid.IN2", "timestamp": "2", "type": "image", "image": {"id": "m1", "caption": "the receipt"}},
            {"from": "5511987654321", "id": "wamid.IN3", "timestamp": "3", "type": "location",
             "location": {"latitude": -23.55, "longitude": -46.63, "name": "Loja Centro"}},
        ])
        body, signature = signed(payload)
        forged = requests.post(hook, data=body, headers={"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + "0" * 64})
        assert forged.status_code == 403
        assert requests.post(hook, data=body, headers={"Content-Type": "application/json"}).status_code == 403
        tampered = body.replace(b"ready", b"READY")
        assert requests.post(hook, data=tampered, headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature}).status_code == 403
        assert requests.get(f"{url}/api/v1/channels.info", headers=admin, params={"roomName": "whatsapp-5511987654321"}).status_code == 400
        assert history(url, admin, bridge["_id"]) == []

        # Signed: a room for the contact, announced in the bridge room; the messages as the bot, under the contact's name.
        accepted = requests.post(hook, data=body, headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})
        assert accepted.status_code == 200 and accepted.json()["posted"] == 3, accepted.text
        room = requests.get(f"{url}/api/v1/channels.info", headers=admin, params={"roomName": "whatsapp-5511987654321"}).json()["channel"]
        texts = [(m["msg"], m.get("alias")) for m in reversed(history(url, agent, room["_id"]))]
        assert texts[0] == ("Olá! Is my order ready?", "Ana Lima")
        assert texts[1] == ("📷 the receipt", "Ana Lima")
        assert texts[2][0].startswith("📍 Loja Centro (-23.55, -46.63)")
        assert any("New WhatsApp conversation with Ana Lima" in m["msg"] for m in history(url, agent, bridge["_id"]))
        # WhatsApp retries webhooks: the same message ids post nothing twice.
        again = requests.post(hook, data=body, headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})
        assert again.json()["posted"] == 0

        # A person's reply goes to the contact through the Cloud API, with the bearer token.
        reply = requests.post(f"{url}/api/v1/chat.postMessage", headers=agent, json={"roomId": room["_id"], "text": "Yes, at 5pm"}).json()["message"]
        call = wait_for(lambda: next((c for c in fake.calls if c["body"]["text"]["body"] == "Yes, at 5pm"), None), "the outbound call")
        assert call["path"] == f"/v19.0/{PHONE_ID}/messages" and call["headers"].get("Authorization") == "Bearer e2e-token"
        assert call["body"]["to"] == "5511987654321" and call["body"]["messaging_product"] == "whatsapp"

        # Its delivery status shows on the message.
        wamid = f"wamid.OUT{fake.calls.index(call) + 1}"
        status, status_signature = signed({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp", "metadata": {"phone_number_id": PHONE_ID},
            "statuses": [{"id": wamid, "status": "delivered", "timestamp": "9", "recipient_id": "5511987654321"}]}}]}]})
        assert requests.post(hook, data=status, headers={"X-Hub-Signature-256": status_signature}).json()["statuses"] == 1
        message = requests.get(f"{url}/api/v1/chat.getMessage", headers=agent, params={"msgId": reply["_id"]}).json()["message"]
        assert ":ballot_box_with_check:" in message.get("reactions", {}), message

        # A failed send is told to its sender only (an ephemeral message), and nothing is lost on the chat side.
        body, signature = signed(inbound(UNREACHABLE, "Test Number", [
            {"from": UNREACHABLE, "id": "wamid.IN9", "timestamp": "4", "type": "text", "text": {"body": "hi"}}]))
        assert requests.post(hook, data=body, headers={"X-Hub-Signature-256": signature}).json()["posted"] == 1
        failing = requests.get(f"{url}/api/v1/channels.info", headers=admin, params={"roomName": f"whatsapp-{UNREACHABLE}"}).json()["channel"]
        requests.post(f"{url}/api/v1/chat.postMessage", headers=agent, json={"roomId": failing["_id"], "text": "hello?"}).raise_for_status()
        notice = events.notice("Not delivered to WhatsApp")
        assert "Recipient phone number not in allowed list" in notice["msg"]

        # /whatsapp send and /whatsapp status, answered ephemerally.
        run_command(url, agent, "whatsapp", "send +44 7700 900123 Your table is ready", bridge["_id"])
        assert events.notice("Usage:")  # a phone number with spaces is not one argument
        run_command(url, agent, "whatsapp", "send +447700900123 Your table is ready", bridge["_id"])
        sent = events.notice("Sent to +447700900123")
        assert "#whatsapp-447700900123" in sent["msg"]
        assert fake.calls[-1]["body"]["to"] == "447700900123" and fake.calls[-1]["body"]["text"]["body"] == "Your table is ready"
        run_command(url, agent, "whatsapp", "status", bridge["_id"])
        status_notice = events.notice("Contacts: 3")
        assert "messages in: 4" in status_notice["msg"] and "failed: 1" in status_notice["msg"], status_notice["msg"]
        assert "access token: set" in status_notice["msg"] and "e2e-token" not in status_notice["msg"]
    finally:
        events.close()
        fake.stop()


def blocks_button(message, label):
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("type") == "button" and element["text"]["text"] == label:
                return block["blockId"], element
    raise AssertionError(f"no button {label} in {message}")


def click(url, headers, room_id, message, label):
    block_id, button = blocks_button(message, label)
    r = requests.post(f"{url}/api/apps/ui.interaction/{CALENDAR_ID}", headers=headers, json={
        "type": "blockAction", "actionId": button["actionId"], "triggerId": "t", "rid": room_id, "mid": message["_id"],
        "container": {"type": "message", "id": message["_id"]}, "payload": {"blockId": block_id, "value": button["value"]}})
    assert r.status_code == 200, r.text
    return r.json()


def test_calendar_end_to_end(live, airlock_binary):
    url = live.url
    admin = login(url, ADMIN_USER, ADMIN_PASSWORD)
    ana = make_user(url, admin, "ana")
    ben = make_user(url, admin, "ben")
    team = requests.post(f"{url}/api/v1/channels.create", headers=admin, json={"name": "team", "members": ["ana", "ben"]}).json()["channel"]
    ana_events = UserEvents(url, ana["X-User-Id"], ana["X-Auth-Token"])
    ben_events = UserEvents(url, ben["X-User-Id"], ben["X-Auth-Token"])
    try:
        deploy(airlock_binary, url, "calendar")
        # Reminders 114 s before: an event in 2 minutes is reminded ~6 s from now.
        set_settings(url, admin, CALENDAR_ID, {"reminder_seconds": 114})

        run_command(url, ana, "event", "add in 2m Standup", team["_id"])
        created = ana_events.notice('Created "Standup"')
        event_id = re.search(r"event (\w+)", created["msg"]).group(1)
        standup = wait_for(lambda: next((m for m in history(url, ana, team["_id"]) if "Standup" in m["msg"]), None), "the event message")

        # RSVP buttons update the event's message.
        assert click(url, ben, team["_id"], standup, "Going")["success"] is True
        updated = wait_for(lambda: next((m for m in history(url, ana, team["_id"]) if m["_id"] == standup["_id"] and "Going: @ben" in m["msg"]), None),
                           "the RSVP on the message")
        click(url, ana, team["_id"], updated, "Maybe")
        wait_for(lambda: "Maybe: @ana" in requests.get(f"{url}/api/v1/chat.getMessage", headers=ana, params={"msgId": standup["_id"]}).json()["message"]["msg"],
                 "the second answer")

        # The modal: opened by /event new, refused with field errors, then submitted.
        run_command(url, ana, "event", "new", team["_id"])
        opened = ana_events.wait_for("uiInteraction", lambda p: p.get("type") == "modal.open")
        view_id = opened["view"]["id"]
        assert view_id == f"calendar-new-event:{team['_id']}" and opened["view"]["blocks"][0]["blockId"] == "title"

        def submit(title, when):
            return requests.post(f"{url}/api/apps/ui.interaction/{CALENDAR_ID}", headers=ana, json={
                "type": "viewSubmit", "triggerId": "t", "viewId": view_id,
                "payload": {"view": {"id": view_id, "state": {"title": {"title": title}, "when": {"when": when}}}}}).json()
        refused = submit("Retro", "at some point")
        assert refused["type"] == "errors" and "when" in refused["errors"], refused
        assert submit("Retro", "tomorrow 16:00")["success"] is True
        wait_for(lambda: any("Retro" in m["msg"] for m in history(url, ana, team["_id"])), "the event from the modal")

        run_command(url, ben, "agenda", "", team["_id"])
        agenda = ben_events.notice("Agenda for the next 7 days")
        assert "Standup" in agenda["msg"] and "you: going" in agenda["msg"] and "Retro" in agenda["msg"]

        # The room's feed: a secret URL; a wrong token answers like an unknown room.
        run_command(url, ana, "event", "feed", team["_id"])
        feed_url = re.search(r"(https?://\S+calendar\.ics\S+)", ana_events.notice("calendar.ics")["msg"]).group(1)
        path = feed_url[feed_url.index("/api/apps/"):]
        feed = requests.get(url + path)
        assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
        assert feed.text.startswith("BEGIN:VCALENDAR\r\n") and "SUMMARY:Standup\r\n" in feed.text and "SUMMARY:Retro\r\n" in feed.text
        assert "DESCRIPTION:Going: @ben\r\n" in feed.text
        assert requests.get(url + re.sub(r"token=[^&]+", "token=wrong", path)).status_code == 404

        # The reminder: in the room, and by direct message to everyone going or maybe going.
        reminder = wait_for(lambda: next((m for m in history(url, ana, team["_id"]) if "Reminder: *Standup*" in m["msg"]), None), "the reminder", seconds=30)
        assert reminder["u"]["username"] == "team-calendar.bot"
        # The direct messages follow the room's line (the job sends them one after another).
        def direct_reminder():
            ims = requests.get(f"{url}/api/v1/im.list", headers=ben).json()["ims"]
            direct = next((im for im in ims if "team-calendar.bot" in im.get("usernames", [])), None)
            if direct is None:
                return None
            dm = requests.get(f"{url}/api/v1/im.history", headers=ben, params={"roomId": direct["_id"]}).json()["messages"]
            return next((m for m in dm if "Reminder: *Standup*" in m["msg"] and "#team" in m["msg"]), None)
        wait_for(direct_reminder, "the reminder by direct message", seconds=15)

        # Only its creator cancels an event; a cancelled event says so, loses its buttons and is cancelled in the feed.
        run_command(url, ben, "event", f"cancel {event_id}", team["_id"])
        assert "Only @ana" in ben_events.notice("can cancel")["msg"]
        run_command(url, ana, "event", f"cancel {event_id}", team["_id"])
        ana_events.notice('Cancelled "Standup"')
        cancelled = requests.get(f"{url}/api/v1/chat.getMessage", headers=ana, params={"msgId": standup["_id"]}).json()["message"]
        assert "cancelled" in cancelled["msg"] and len(cancelled["blocks"]) == 1
        assert "STATUS:CANCELLED" in requests.get(url + path).text
    finally:
        ana_events.close()
        ben_events.close()


@pytest.mark.parametrize("sample", ["whatsapp-bridge", "calendar"])
def test_sample_scenarios_pass_under_dev_test(airlock_binary, sample):
    """Each sample's own scenarios (`scenarios/*.yaml`), as its author runs them: `airlock dev test`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
    with tempfile.TemporaryDirectory() as folder:
        copy = os.path.join(folder, sample)
        shutil.copytree(os.path.join(SAMPLES, sample), copy, ignore=shutil.ignore_patterns("dist"))
        result = subprocess.run([airlock_binary, "dev", "test"], cwd=copy, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed" in result.stdout.splitlines()[-1] and "✗" not in result.stdout
