"""The PyPI client `rocketchat-api` (module rocketchat_API), unchanged, against a live Airlock."""

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import (
    RocketApiException,
    RocketAuthenticationException,
    RocketBadStatusCodeException,
)
from rocketchat_API.rocketchat import RocketChat

from conftest import ADMIN_PASSWORD, ADMIN_USER, unique


@pytest.fixture(scope="module")
def admin(server_url):
    return RocketChat(ADMIN_USER, ADMIN_PASSWORD, server_url=server_url)


def make_user(admin, server_url, prefix="user"):
    name = unique(prefix)
    password = "pw-" + name
    created = admin.users_create(email=f"{name}@example.org", name=name.title(), password=password, username=name)
    assert created["success"] is True
    return created["user"], RocketChat(name, password, server_url=server_url)


def test_info_and_login(server_url, admin):
    info = admin.info()
    assert info["success"] is True and "version" in info and "airlock" in info
    me = admin.me()
    assert me["success"] is True
    assert me["username"] == ADMIN_USER and "admin" in me["roles"]


def test_login_with_email_and_wrong_password(server_url, admin):
    user, _ = make_user(admin, server_url, "mail")
    client = RocketChat(f"{user['username']}@example.org", "pw-" + user["username"], server_url=server_url)
    assert client.me()["_id"] == user["_id"]
    with pytest.raises(RocketAuthenticationException):
        RocketChat(user["username"], "wrong password", server_url=server_url)


def test_users_create_info_list_update(server_url, admin):
    user, client = make_user(admin, server_url)
    info = admin.users_info(user_id=user["_id"])
    assert info["user"]["username"] == user["username"]
    assert info["user"]["emails"][0]["address"] == f"{user['username']}@example.org"
    by_name = admin.users_info(username=user["username"])
    assert by_name["user"]["_id"] == user["_id"]
    listed = [u["username"] for u in admin.users_list()]
    assert user["username"] in listed and ADMIN_USER in listed
    updated = admin.users_update(user["_id"], name="Renamed Person")
    assert updated["user"]["name"] == "Renamed Person"
    assert client.me()["name"] == "Renamed Person"


def test_users_info_hides_private_fields_from_others(server_url, admin):
    alice, alice_client = make_user(admin, server_url, "alice")
    bob, _ = make_user(admin, server_url, "bob")
    seen_by_alice = alice_client.users_info(user_id=bob["_id"])["user"]
    assert "emails" not in seen_by_alice
    own = alice_client.users_info(user_id=alice["_id"])["user"]
    assert own["emails"][0]["address"].startswith("alice")
    for payload in (seen_by_alice, own, admin.users_info(user_id=bob["_id"])["user"]):
        text = str(payload).lower()
        assert "password" not in text and "hash" not in text and "token" not in text and "services" not in text
    for listed in alice_client.users_list():
        if listed["_id"] != alice["_id"]:
            assert "emails" not in listed


def test_channels_create_invite_history_and_messages(server_url, admin):
    member, member_client = make_user(admin, server_url, "member")
    name = unique("chan")
    channel = admin.channels_create(name)["channel"]
    assert channel["name"] == name and channel["t"] == "c"
    invited = admin.channels_invite(channel["_id"], member["_id"])
    assert invited["channel"]["usersCount"] == 2

    posted = admin.chat_post_message("hello from admin", room_id=channel["_id"])
    assert posted["success"] is True and posted["message"]["msg"] == "hello from admin"
    reply = member_client.chat_post_message("hi back", channel="#" + name)
    assert reply["message"]["rid"] == channel["_id"]

    history = [m for m in member_client.channels_history(channel["_id"]) if "t" not in m]
    assert [m["msg"] for m in history][:2] == ["hi back", "hello from admin"]

    updated = admin.chat_update(channel["_id"], posted["message"]["_id"], "edited text")
    assert updated["message"]["msg"] == "edited text" and "editedAt" in updated["message"]
    fetched = member_client.chat_get_message(posted["message"]["_id"])
    assert fetched["message"]["msg"] == "edited text"

    # A plain member cannot edit someone else's message.
    with pytest.raises(RocketApiException) as refused:
        member_client.chat_update(channel["_id"], posted["message"]["_id"], "hijacked")
    assert refused.value.status_code == 400

    deleted = admin.chat_delete(channel["_id"], posted["message"]["_id"])
    assert deleted["_id"] == posted["message"]["_id"]
    remaining = [m["_id"] for m in admin.channels_history(channel["_id"])]
    assert posted["message"]["_id"] not in remaining

    members = [m["username"] for m in admin.channels_members(room_id=channel["_id"])]
    assert sorted(members) == sorted([ADMIN_USER, member["username"]])
    info = member_client.channels_info(room_id=channel["_id"])
    assert info["channel"]["_id"] == channel["_id"]


def test_send_message_with_client_id_and_reactions(server_url, admin):
    name = unique("react")
    channel = admin.channels_create(name)["channel"]
    sent = admin.chat_send_message({"_id": unique("client-id"), "rid": channel["_id"], "msg": "with my id"})
    assert sent["message"]["msg"] == "with my id"
    admin.chat_react(sent["message"]["_id"], emoji="smile")
    reacted = admin.chat_get_message(sent["message"]["_id"])["message"]
    assert reacted["reactions"][":smile:"]["usernames"] == [ADMIN_USER]
    with pytest.raises(RocketApiException):
        admin.chat_send_message({"_id": sent["message"]["_id"], "rid": channel["_id"], "msg": "reused id"})


def test_dm_create_and_history(server_url, admin):
    friend, friend_client = make_user(admin, server_url, "friend")
    room = admin.dm_create(friend["username"])["room"]
    assert room["t"] == "d" and sorted(room["usernames"]) == sorted([ADMIN_USER, friend["username"]])
    admin.chat_post_message("psst", room_id=room["_id"])
    friend_client.chat_post_message("yes?", room_id=room["_id"])
    history = [m["msg"] for m in friend_client.dm_history(room["_id"])]
    assert history == ["yes?", "psst"]
    # Creating again answers the same room.
    assert friend_client.dm_create(ADMIN_USER)["room"]["_id"] == room["_id"]
    assert room["_id"] in [r["_id"] for r in friend_client.dm_list()]


def test_private_group_history_is_members_only(server_url, admin):
    insider, insider_client = make_user(admin, server_url, "insider")
    outsider, outsider_client = make_user(admin, server_url, "outsider")
    group = admin.groups_create(unique("group"), members=[insider["username"]])["group"]
    assert group["t"] == "p"
    insider_client.chat_post_message("secret plans", room_id=group["_id"])
    history = [m["msg"] for m in admin.groups_history(group["_id"]) if "t" not in m]
    assert history == ["secret plans"]
    with pytest.raises(RocketApiException) as refused:
        list(outsider_client.groups_history(group["_id"]))
    assert refused.value.error_type == "error-room-not-found"
    with pytest.raises(RocketApiException):
        outsider_client.chat_post_message("let me in", room_id=group["_id"])
    assert group["_id"] in [g["_id"] for g in insider_client.groups_list()]
    assert group["_id"] not in [g["_id"] for g in outsider_client.groups_list()]


def test_rooms_get_and_subscriptions(server_url, admin):
    user, client = make_user(admin, server_url, "subs")
    channel = admin.channels_create(unique("subs-chan"), members=[user["username"]])["channel"]
    admin.chat_post_message("unread for you", room_id=channel["_id"])
    rooms = client.rooms_get()
    assert channel["_id"] in [r["_id"] for r in rooms["update"]]
    subscriptions = client.subscriptions_get()
    sub = next(s for s in subscriptions["update"] if s["rid"] == channel["_id"])
    assert sub["unread"] == 1
    one = client.subscriptions_get_one(channel["_id"])
    assert one["subscription"]["rid"] == channel["_id"]
    client.subscriptions_read(channel["_id"])
    assert client.subscriptions_get_one(channel["_id"])["subscription"]["unread"] == 0


def test_channels_list_generator_yields_each_channel_once(server_url, admin):
    prefix = unique("bulk")
    names = {f"{prefix}-{i:03d}" for i in range(120)}
    for name in names:
        admin.channels_create(name)
    seen = [c["name"] for c in admin.channels_list() if c["name"].startswith(prefix)]
    assert len(seen) == 120 and set(seen) == names
    joined = [c["name"] for c in admin.channels_list_joined() if c["name"].startswith(prefix)]
    assert sorted(joined) == sorted(names)


def test_error_cases_surface_as_client_errors(server_url, admin):
    bad = RocketChat(auth_token="not-a-token", user_id=admin.headers["X-User-Id"], server_url=server_url)
    with pytest.raises(RocketBadStatusCodeException) as unauthenticated:
        bad.me()
    assert unauthenticated.value.status_code == 401
    assert unauthenticated.value.response_json["status"] == "error"

    _, plain = make_user(admin, server_url, "plain")
    with pytest.raises(RocketApiException) as forbidden:
        plain.users_create(email="x@example.org", name="X", password="x", username=unique("x"))
    assert forbidden.value.status_code == 403
    assert "error-unauthorized" in forbidden.value.error

    with pytest.raises(RocketApiException) as missing:
        admin.channels_info(room_id="doesNotExist12345")
    assert missing.value.status_code == 400 and missing.value.error_type == "error-room-not-found"

    with pytest.raises(RocketApiException) as duplicate:
        name = unique("dupe")
        admin.channels_create(name)
        admin.channels_create(name)
    assert duplicate.value.error_type == "error-duplicate-channel-name"


def test_im_create_answers_like_dm_create(server_url, admin):
    other, _ = make_user(admin, server_url, "im")
    headers = dict(admin.headers)
    dm = requests.post(f"{server_url}/api/v1/dm.create", json={"username": other["username"]}, headers=headers)
    im = requests.post(f"{server_url}/api/v1/im.create", json={"username": other["username"]}, headers=headers)
    assert dm.status_code == im.status_code == 200
    assert dm.json()["room"] == im.json()["room"]
    assert set(dm.json().keys()) == set(im.json().keys()) == {"room", "success"}


def test_logout_revokes_token(server_url, admin):
    user, client = make_user(admin, server_url, "logout")
    assert client.logout()["status"] == "success"
    with pytest.raises(RocketBadStatusCodeException):
        client.me()


def test_personal_access_token_authenticates(server_url, admin):
    user, client = make_user(admin, server_url, "pat")
    token = requests.post(
        f"{server_url}/api/v1/users.generatePersonalAccessToken", json={"tokenName": "ci"}, headers=client.headers
    ).json()["token"]
    pat_client = RocketChat(auth_token=token, user_id=user["_id"], server_url=server_url)
    assert pat_client.me()["username"] == user["username"]


def test_users_delete_removes_account(server_url, admin):
    user, client = make_user(admin, server_url, "gone")
    assert admin.users_delete(user["_id"])["success"] is True
    with pytest.raises(RocketApiException):
        admin.users_info(user_id=user["_id"])
    with pytest.raises(RocketBadStatusCodeException):
        client.me()
