"""Cross-node delivery latency: a DDP client on node B follows the room while messages are posted over REST on node
A, one at a time; prints p50/p99/max of post-sent → message-received."""

import asyncio
import json
import sys
import time
import urllib.request

import websockets

url_a, url_b, user_id, token, room_id, samples = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])


def post(text):
    request = urllib.request.Request(
        f"{url_a}/api/v1/chat.postMessage", data=json.dumps({"roomId": room_id, "text": text}).encode(),
        headers={"Content-Type": "application/json", "X-User-Id": user_id, "X-Auth-Token": token})
    urllib.request.urlopen(request).read()


async def main():
    async with websockets.connect(url_b.replace("http://", "ws://") + "/websocket") as ws:
        await ws.send(json.dumps({"msg": "connect", "version": "1", "support": ["1"]}))
        await ws.send(json.dumps({"msg": "method", "method": "login", "id": "login", "params": [{"resume": token}]}))
        await ws.send(json.dumps({"msg": "sub", "id": "room", "name": "stream-room-messages", "params": [room_id, False]}))
        while json.loads(await ws.recv()).get("msg") != "ready":
            pass
        latencies = []
        loop = asyncio.get_running_loop()
        for n in range(samples):
            text = f"latency {n}"
            sent = time.monotonic()
            await loop.run_in_executor(None, post, text)
            while True:
                frame = json.loads(await ws.recv())
                if frame.get("msg") == "ping":
                    await ws.send(json.dumps({"msg": "pong"}))
                elif frame.get("msg") == "changed" and frame["fields"]["args"][0].get("msg") == text:
                    latencies.append((time.monotonic() - sent) * 1000)
                    break
        latencies.sort()
        print(f"BENCH cross_node_latency_ms p50={latencies[len(latencies) // 2]:.2f} "
              f"p99={latencies[max(0, int(len(latencies) * 0.99) - 1)]:.2f} max={latencies[-1]:.2f} samples={len(latencies)}")


asyncio.run(main())
