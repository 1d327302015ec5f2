"""The PyPI client `rocketchat-async` (DDP over WebSocket), unchanged, against a live Airlock."""

import asyncio

import pytest
from rocketchat_API.rocketchat import RocketChat as RestClient
from rocketchat_async import RocketChat as RealtimeClient

from conftest import ADMIN_PASSWORD, ADMIN_USER, unique


def ws_url(server_url):
    return server_url.replace("http://", "ws://") + "/websocket"


async def wait_for(predicate, timeout=10):
    deadline = asyncio.get_event_loop().time() + timeout
    while not predicate():
        if asyncio.get_event_loop().time() > deadline:
            raise AssertionError("timed out waiting for an event")
        await asyncio.sleep(0.02)


def test_login_channels_subscribe_receive_and_typing(server_url):
    rest = RestClient(ADMIN_USER, ADMIN_PASSWORD, server_url=server_url)
    name = unique("rt")
    password = "pw-" + name
    rest.users_create(email=f"{name}@example.org", name=name, password=password, username=name)
    channel = rest.channels_create(unique("rt-chan"), members=[name])["channel"]
    watcher = RestClient(name, password, server_url=server_url)

    async def scenario():
        client = RealtimeClient()
        await client.start(ws_url(server_url), name, password)
        assert client.user_id == watcher.me()["_id"]

        channels = await client.get_channels()
        assert (channel["_id"], "c") in channels

        received = []
        await client.subscribe_to_channel_messages(
            channel["_id"], lambda rid, sender, mid, tmid, text, *rest: received.append((rid, sender, text))
        )
        await asyncio.sleep(0.2)

        rest.chat_post_message("from rest", room_id=channel["_id"])
        await wait_for(lambda: any(text == "from rest" for _, _, text in received))

        await client.send_message("from the socket", channel["_id"])
        await wait_for(lambda: any(text == "from the socket" for _, _, text in received))
        history = [m["msg"] for m in rest.channels_history(channel["_id"])]
        assert "from the socket" in history

        # Typing goes out as stream-notify-room; the server answers the method.
        await client.send_typing_event(channel["_id"])
        client._ws_connection_task.cancel()

    asyncio.run(scenario())


def test_wrong_password_is_refused(server_url):
    async def scenario():
        client = RealtimeClient()
        with pytest.raises(RuntimeError):
            await client.start(ws_url(server_url), ADMIN_USER, "not the password")
        client._ws_connection_task.cancel()

    asyncio.run(scenario())


def test_resume_with_rest_token(server_url):
    rest = RestClient(ADMIN_USER, ADMIN_PASSWORD, server_url=server_url)

    async def scenario():
        client = RealtimeClient()
        await client.resume(ws_url(server_url), ADMIN_USER, rest.headers["X-Auth-Token"])
        assert client.user_id == rest.headers["X-User-Id"]
        client._ws_connection_task.cancel()

    asyncio.run(scenario())
