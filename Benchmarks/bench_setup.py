"""Creates the benchmark fixture over REST (stdlib only): N members and one channel; prints shell exports."""

import json
import sys
import urllib.request

url, admin_user, admin_password, members = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])


def call(path, body=None, headers=None):
    request = urllib.request.Request(
        url + path, data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


login = call("/api/v1/login", {"user": admin_user, "password": admin_password})["data"]
auth = {"X-User-Id": login["userId"], "X-Auth-Token": login["authToken"]}
names = []
for i in range(members - 1):
    name = f"bench-member-{i}"
    call("/api/v1/users.create", {"username": name, "name": name, "email": f"{name}@example.org", "password": "pw"}, auth)
    names.append(name)
room = call("/api/v1/channels.create", {"name": "bench-room", "members": names}, auth)["channel"]
assert room["usersCount"] == members, room
print(f"export BENCH_USER_ID={login['userId']} BENCH_TOKEN={login['authToken']} BENCH_ROOM_ID={room['_id']}")
