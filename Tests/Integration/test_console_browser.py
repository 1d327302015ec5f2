"""The apps console (/admin) in headless Chromium (Debian's chromium + chromium-driver, driven by selenium): an admin
logs in, inspects and installs an app by upload, changes a setting, reads its log and disables it; a user without
manage-apps is told so. Screenshots of each step go to $AIRLOCK_ARTIFACTS (default: a temporary folder)."""

import os
import tempfile
import time
import zipfile

import pytest
import requests
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ADMIN_PASSWORD, ADMIN_USER, AirlockProcess, headless_chromium, page_weight

FIXTURES = os.path.join(os.path.dirname(__file__), "../Fixtures/Apps")
HELLO_ID = "6f1c6a55-2b3f-4a0e-9c49-1f0f6f3b9a10"



@pytest.fixture(scope="module")
def console_server(airlock_binary):
    with tempfile.TemporaryDirectory() as data_dir:
        process = AirlockProcess(airlock_binary, data_dir)
        yield process
        process.stop()


@pytest.fixture()
def browser():
    driver = headless_chromium()
    yield driver
    driver.quit()


def zip_fixture(name, folder):
    path = os.path.join(folder, f"{name}.zip")
    source = os.path.join(FIXTURES, name)
    with zipfile.ZipFile(path, "w") as z:
        for root, _, files in os.walk(source):
            for file in files:
                full = os.path.join(root, file)
                z.write(full, os.path.relpath(full, source))
    return path


def log_in(browser, url, user, password):
    browser.get(url + "/admin")
    # Retries while the page replaces what it found (lists are re-rendered on every refresh).
    wait = WebDriverWait(browser, 15, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
    wait.until(EC.presence_of_element_located((By.ID, "login")))
    browser.find_element(By.NAME, "user").send_keys(user)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()
    return wait


def test_admin_installs_configures_reads_logs_and_disables(browser, console_server, artifacts, tmp_path):
    url = console_server.url
    started = time.monotonic()
    wait = log_in(browser, url, ADMIN_USER, ADMIN_PASSWORD)
    wait.until(EC.presence_of_element_located((By.ID, "apps")))
    first_list = time.monotonic() - started
    browser.save_screenshot(os.path.join(artifacts, "admin-1-apps.png"))

    # Inspect first: the permissions it asks for, then install with the progress bar.
    browser.find_element(By.ID, "package").send_keys(zip_fixture("hello", str(tmp_path)))
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#permissions li")))
    assert [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#permissions li")] == ["slashcommand"]
    assert "Not signed" in browser.find_element(By.ID, "inspect").text
    browser.save_screenshot(os.path.join(artifacts, "admin-2-inspect.png"))
    browser.find_element(By.ID, "install").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "notice"), "Hello 1.0.0: manually_enabled"))
    row = browser.find_element(By.CSS_SELECTOR, f"tr[data-app='{HELLO_ID}']")
    assert "manually_enabled" in row.find_element(By.CLASS_NAME, "status").text
    browser.save_screenshot(os.path.join(artifacts, "admin-3-installed.png"))

    # A setting, through the form generated from its type.
    row.find_element(By.CLASS_NAME, "settings").click()
    field = wait.until(EC.presence_of_element_located((By.ID, "setting-greeting")))
    assert field.get_attribute("value") == "Hello"
    field.clear()
    field.send_keys("Bonjour")
    browser.find_element(By.ID, "save-settings").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "settings-status"), "1 setting saved"))
    browser.save_screenshot(os.path.join(artifacts, "admin-4-settings.png"))
    admin = requests.post(f"{url}/api/v1/login", json={"user": ADMIN_USER, "password": ADMIN_PASSWORD}).json()["data"]
    headers = {"X-User-Id": admin["userId"], "X-Auth-Token": admin["authToken"]}
    assert requests.get(f"{url}/api/apps/{HELLO_ID}/settings", headers=headers).json()["settings"]["greeting"]["value"] == "Bonjour"

    # Its log, filtered by method.
    browser.find_element(By.CSS_SELECTOR, f"tr[data-app='{HELLO_ID}'] .logs").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "log-lines"), "greeting is"))
    browser.find_element(By.ID, "log-method").send_keys("onEnable\n")
    wait.until(lambda b: all("onEnable" in line.text for line in b.find_elements(By.CSS_SELECTOR, "#log-lines div")))
    browser.save_screenshot(os.path.join(artifacts, "admin-5-logs.png"))

    # What it provides, and its calls over the last hour.
    browser.find_element(By.CSS_SELECTOR, f"tr[data-app='{HELLO_ID}'] .details").click()
    wait.until(EC.presence_of_element_located((By.ID, "app-chart")))
    assert browser.find_element(By.ID, "app-commands").text.startswith("/hello")
    assert browser.find_element(By.ID, "app-endpoints").text == "No endpoints."
    assert browser.find_element(By.ID, "app-jobs").text == "No scheduled jobs."
    bars = browser.find_elements(By.CSS_SELECTOR, "#app-chart rect[data-calls]")
    assert len(bars) == 60 and sum(int(bar.get_attribute("data-calls")) for bar in bars) >= 3
    browser.save_screenshot(os.path.join(artifacts, "admin-5b-details.png"))

    # Disable.
    browser.find_element(By.CSS_SELECTOR, f"tr[data-app='{HELLO_ID}'] .toggle").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "notice"), "Hello: manually_disabled"))
    assert browser.find_element(By.CSS_SELECTOR, f"tr[data-app='{HELLO_ID}'] .toggle").text == "Enable"
    browser.save_screenshot(os.path.join(artifacts, "admin-6-disabled.png"))
    print(f"time from /admin to the apps list (headless Chromium, login included): {first_list * 1000:.0f} ms; "
          f"/admin transferred {page_weight(browser)} bytes")

    # The page's own safeguards.
    page = requests.get(f"{url}/admin")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"] and page.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(f"{url}/assets/nope.js").status_code == 404


def test_a_user_without_manage_apps_is_told_so(browser, console_server, artifacts):
    url = console_server.url
    admin = requests.post(f"{url}/api/v1/login", json={"user": ADMIN_USER, "password": ADMIN_PASSWORD}).json()["data"]
    headers = {"X-User-Id": admin["userId"], "X-Auth-Token": admin["authToken"]}
    requests.post(f"{url}/api/v1/users.create", headers=headers,
                  json={"username": "viewer", "name": "Viewer", "email": "viewer@example.org", "password": "pw-viewer-1"}).raise_for_status()
    wait = log_in(browser, url, "viewer", "pw-viewer-1")
    refused = wait.until(EC.presence_of_element_located((By.ID, "refused")))
    assert "manage-apps" in refused.text
    assert not browser.find_elements(By.ID, "apps")
    browser.save_screenshot(os.path.join(artifacts, "admin-7-refused.png"))
    # A wrong password is a clear message, not a broken page.
    browser.execute_script("localStorage.clear()")
    log_in(browser, url, "viewer", "wrong")
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        EC.text_to_be_present_in_element((By.ID, "login"), "Wrong username or password"))


def test_admin_finds_creates_deactivates_and_grants_roles(browser, console_server, artifacts):
    url = console_server.url
    wait = log_in(browser, url, ADMIN_USER, ADMIN_PASSWORD)
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "button[data-section='users']"))).click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f"#users tr[data-user='{ADMIN_USER}']")))

    # Create a user through the form; a clash comes back as the server's error, nothing lost.
    form = browser.find_element(By.ID, "create-user")
    for name, value in {"username": "zoe", "name": "Zoe Quinn", "email": "zoe@example.org", "password": "pw-zoe-12"}.items():
        form.find_element(By.NAME, name).send_keys(value)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "users-status"), "Created zoe"))
    for name, value in {"username": "zoe", "name": "Zoe Two", "email": "zoe2@example.org", "password": "pw-zoe-12"}.items():
        form.find_element(By.NAME, name).send_keys(value)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda b: "zoe" in b.find_element(By.ID, "users-status").text.lower()
               and "error" in b.find_element(By.ID, "users-status").get_attribute("class"))
    assert form.find_element(By.NAME, "name").get_attribute("value") == "Zoe Two"

    # Search narrows the list (by name as well as username).
    browser.find_element(By.ID, "user-search").send_keys("quinn")
    wait.until(lambda b: [r.get_attribute("data-user") for r in b.find_elements(By.CSS_SELECTOR, "#users tbody tr")] == ["zoe"])
    browser.save_screenshot(os.path.join(artifacts, "admin-8-users.png"))

    # A role granted and taken back; the account deactivated (its login refused) and reactivated.
    row = "#users tr[data-user='zoe']"
    wait.until(lambda b: Select(b.find_element(By.CSS_SELECTOR, f"{row} select")).select_by_value("bot") or True)
    browser.find_element(By.CSS_SELECTOR, f"{row} .add-role").click()
    wait.until(lambda b: "bot" in b.find_element(By.CSS_SELECTOR, f"{row} .roles").text)
    browser.find_element(By.CSS_SELECTOR, f"{row} .remove-role[aria-label='Take bot from zoe']").click()
    wait.until(lambda b: "bot" not in b.find_element(By.CSS_SELECTOR, f"{row} .roles").text)
    browser.find_element(By.CSS_SELECTOR, f"{row} .toggle-active").click()
    wait.until(lambda b: b.find_element(By.CSS_SELECTOR, f"{row} .active").text == "deactivated")
    assert requests.post(f"{url}/api/v1/login", json={"user": "zoe", "password": "pw-zoe-12"}).status_code == 401
    browser.find_element(By.CSS_SELECTOR, f"{row} .toggle-active").click()
    wait.until(lambda b: b.find_element(By.CSS_SELECTOR, f"{row} .active").text == "active")
    assert requests.post(f"{url}/api/v1/login", json={"user": "zoe", "password": "pw-zoe-12"}).status_code == 200

    # Rooms of every kind, searchable.
    admin = requests.post(f"{url}/api/v1/login", json={"user": ADMIN_USER, "password": ADMIN_PASSWORD}).json()["data"]
    headers = {"X-User-Id": admin["userId"], "X-Auth-Token": admin["authToken"]}
    requests.post(f"{url}/api/v1/groups.create", headers=headers, json={"name": "zoe-secret", "members": ["zoe"]}).raise_for_status()
    requests.post(f"{url}/api/v1/channels.create", headers=headers, json={"name": "lobby"}).raise_for_status()
    browser.find_element(By.CSS_SELECTOR, "button[data-section='rooms']").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#admin-rooms tr[data-room='lobby']")))
    browser.find_element(By.ID, "room-search").send_keys("zoe")
    wait.until(lambda b: [r.get_attribute("data-room") for r in b.find_elements(By.CSS_SELECTOR, "#admin-rooms tbody tr")] == ["zoe-secret"])
    assert "private group" in browser.find_element(By.CSS_SELECTOR, "#admin-rooms tr[data-room='zoe-secret']").text
    browser.save_screenshot(os.path.join(artifacts, "admin-9-rooms.png"))
