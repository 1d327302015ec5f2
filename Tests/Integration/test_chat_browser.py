"""The web chat (/) in headless Chromium: a user runs the calendar sample's `/event new`, submits its modal (a field
error first, then success), sees the event with its buttons, clicks one and sees the update arrive over the realtime
API; a second window sees what the first typed. Threads, the app's action buttons (a contextual bar, a prefilled
modal), a slash command's previews and reactions; at 360 px wide, with the keyboard only; an open room following an
app switched off and on. Screenshots in $AIRLOCK_ARTIFACTS."""

import os
import subprocess
import tempfile
import time

import pytest
import requests
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ADMIN_PASSWORD, ADMIN_USER, AirlockProcess, headless_chromium, page_weight

SAMPLES = os.path.join(os.path.dirname(__file__), "../../SampleApps")


@pytest.fixture(scope="module")
def chat_server(airlock_binary):
    with tempfile.TemporaryDirectory() as data_dir:
        process = AirlockProcess(airlock_binary, data_dir)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
        deployed = subprocess.run(
            [airlock_binary, "dev", "deploy", "--dir", os.path.join(SAMPLES, "calendar"), "--url", process.url, "--user", ADMIN_USER,
             "--password", ADMIN_PASSWORD], env=env, capture_output=True, text=True, timeout=120)
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        yield process
        process.stop()


def until(driver, seconds=10):
    """A wait that retries while the page replaces what it found (messages are re-rendered in place on updates)."""
    return WebDriverWait(driver, seconds, poll_frequency=0.05, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))


def open_room(browser, url, user, password, room):
    browser.get(url + "/")
    wait = WebDriverWait(browser, 15)
    wait.until(EC.presence_of_element_located((By.ID, "login")))
    browser.find_element(By.NAME, "user").send_keys(user)
    browser.find_element(By.NAME, "password").send_keys(password + Keys.ENTER)
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f"button[data-room='{room}']"))).click()
    wait.until(lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-realtime") == "ready")
    return wait.until(EC.presence_of_element_located((By.ID, "text")))


def member_of_new_room(url, username, room):
    """Creates the user (password `pw-<name>-1`) and a channel with them in it, as the admin."""
    admin = requests.post(f"{url}/api/v1/login", json={"user": ADMIN_USER, "password": ADMIN_PASSWORD}).json()["data"]
    headers = {"X-User-Id": admin["userId"], "X-Auth-Token": admin["authToken"]}
    requests.post(f"{url}/api/v1/users.create", headers=headers, json={
        "username": username, "name": username.capitalize(), "email": f"{username}@example.org", "password": f"pw-{username}-1"}).raise_for_status()
    requests.post(f"{url}/api/v1/channels.create", headers=headers, json={"name": room, "members": [username]}).raise_for_status()


def test_modal_buttons_and_realtime_in_two_windows(chat_server, artifacts):
    url = chat_server.url
    member_of_new_room(url, "mia", "team")

    first, second = headless_chromium(1200, 850), headless_chromium(1200, 850)
    try:
        composer = open_room(first, url, "mia", "pw-mia-1", "team")
        other = open_room(second, url, ADMIN_USER, ADMIN_PASSWORD, "team")
        wait = until(first, 15)

        # The app's modal, opened by its slash command; a field error, then success.
        composer.send_keys("/event new" + Keys.ENTER)
        form = wait.until(EC.visibility_of_element_located((By.ID, "view")))
        fields = form.find_elements(By.CSS_SELECTOR, "input")
        fields[0].send_keys("Retro")
        fields[1].send_keys("someday soon")
        first.save_screenshot(os.path.join(artifacts, "chat-1-modal.png"))
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(lambda b: "not a time" in b.find_element(By.CSS_SELECTOR, "[data-error='when']").text)
        first.save_screenshot(os.path.join(artifacts, "chat-2-field-error.png"))
        fields[1].clear()
        fields[1].send_keys("tomorrow 16:00")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(EC.invisibility_of_element_located((By.ID, "view")))

        # The event arrives with its blocks; a click on Going comes back as an update over the realtime API.
        retro = "//li[@data-message][.//strong[text()='Retro']]"
        message_id = wait.until(lambda b: b.find_element(By.XPATH, retro).get_attribute("data-message"))
        wait.until(lambda b: "Going: —" in b.find_element(By.XPATH, retro).text)

        def click_going(b):
            b.find_element(By.XPATH, f"{retro}//button[text()='Going']").click()
            return True
        wait.until(click_going)
        wait.until(lambda b: "Going: @mia" in b.find_element(By.CSS_SELECTOR, f"li[data-message='{message_id}']").text)
        first.save_screenshot(os.path.join(artifacts, "chat-3-rsvp.png"))
        until(second).until(lambda b: "Going: @mia" in b.find_element(By.CSS_SELECTOR, f"li[data-message='{message_id}']").text)

        # What one window types, the other sees.
        started = time.monotonic()
        composer.send_keys("hello from the first window" + Keys.ENTER)
        until(second).until(lambda b: any("hello from the first window" in li.text for li in b.find_elements(By.CSS_SELECTOR, "#messages li")))
        print(f"typed in one window, shown in the other: {(time.monotonic() - started) * 1000:.0f} ms")
        second.save_screenshot(os.path.join(artifacts, "chat-4-second-window.png"))
        # Typing shows in the other window; edits, reactions and deletions arrive in place.
        composer.send_keys("still typ")
        until(second).until(lambda b: "mia is typing" in (b.find_elements(By.ID, "typing") or [None])[0].text
                                        if b.find_elements(By.ID, "typing") else False)
        composer.send_keys(Keys.CONTROL, "a")
        composer.send_keys(Keys.DELETE)
        sent = "//li[@data-message][.//span[@class='text' and text()='hello from the first window']]"
        sent_id = wait.until(lambda b: b.find_element(By.XPATH, sent).get_attribute("data-message"))

        def click(selector):
            def attempt(b):
                b.find_element(By.CSS_SELECTOR, selector).click()
                return True
            return attempt
        wait.until(click(f"li[data-message='{sent_id}'] .edit"))
        field = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f"li[data-message='{sent_id}'] .edit-field")))
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys("hello, edited" + Keys.ENTER)
        until(second).until(lambda b: "hello, edited (edited)" in b.find_element(By.CSS_SELECTOR, f"li[data-message='{sent_id}']").text)
        until(second).until(click(f"li[data-message='{sent_id}'] .react"))
        until(second).until(click(f"li[data-message='{sent_id}'] .emoji-picker [data-emoji=':thumbsup:']"))
        wait.until(lambda b: "👍 1" in b.find_element(By.CSS_SELECTOR, f"li[data-message='{sent_id}'] .reactions").text)
        wait.until(click(f"li[data-message='{sent_id}'] .delete"))
        first.switch_to.alert.accept()
        until(second).until(lambda b: not b.find_elements(By.CSS_SELECTOR, f"li[data-message='{sent_id}']"))
        second.save_screenshot(os.path.join(artifacts, "chat-5-after-delete.png"))

        # The chat page's own safeguards.
        page = requests.get(url + "/")
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    finally:
        first.quit()
        second.quit()


def click(selector, by=By.CSS_SELECTOR):
    def attempt(b):
        b.find_element(by, selector).click()
        return True
    return attempt


def test_threads_action_buttons_previews_and_reactions(chat_server, artifacts):
    url = chat_server.url
    member_of_new_room(url, "leo", "crew")

    first, second = headless_chromium(1280, 850), headless_chromium(1280, 850)
    try:
        composer = open_room(first, url, "leo", "pw-leo-1", "crew")
        open_room(second, url, ADMIN_USER, ADMIN_PASSWORD, "crew")
        wait = until(first, 15)
        composer.send_keys("Design review" + Keys.ENTER)
        review = "//ol[@id='messages']/li[@data-message][.//span[@class='text' and text()='Design review']]"
        review_id = wait.until(lambda b: b.find_element(By.XPATH, review).get_attribute("data-message"))
        in_main = f"#messages li[data-message='{review_id}']"

        # A thread: the panel opens on the message, a reply goes there (not to the room) and counts on the parent,
        # in both windows.
        wait.until(click(f"{in_main} .reply"))
        reply_box = wait.until(EC.visibility_of_element_located((By.ID, "thread-text")))
        reply_box.send_keys("I'll bring slides" + Keys.ENTER)
        wait.until(lambda b: "I'll bring slides" in b.find_element(By.ID, "thread-messages").text)
        wait.until(lambda b: b.find_element(By.CSS_SELECTOR, f"{in_main} .reply").text == "1 reply")
        assert "I'll bring slides" not in first.find_element(By.ID, "messages").text
        until(second).until(lambda b: b.find_element(By.CSS_SELECTOR, f"{in_main} .reply").text == "1 reply")
        first.save_screenshot(os.path.join(artifacts, "chat-6-thread.png"))
        first.find_element(By.CSS_SELECTOR, ".close-panel").click()
        wait.until(EC.invisibility_of_element_located((By.ID, "panel")))

        # The app's message action: the new-event form, its title taken from the message.
        wait.until(click(f"{in_main} .message-action"))
        form = wait.until(EC.visibility_of_element_located((By.ID, "view")))
        fields = form.find_elements(By.CSS_SELECTOR, "input")
        assert fields[0].get_attribute("value") == "Design review"
        fields[1].send_keys("tomorrow 15:00")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(EC.invisibility_of_element_located((By.ID, "view")))
        wait.until(lambda b: b.find_elements(By.XPATH, "//li[@data-message][.//strong[text()='Design review']]"))

        # The app's room action: the room's agenda in the contextual bar.
        wait.until(click("#room-header .room-action"))
        wait.until(lambda b: b.find_element(By.ID, "panel").get_attribute("data-kind") == "contextual-bar"
                   and "Design review" in b.find_element(By.ID, "panel").text and "you: no answer" in b.find_element(By.ID, "panel").text)
        first.save_screenshot(os.path.join(artifacts, "chat-7-contextual-bar.png"))
        first.find_element(By.CSS_SELECTOR, ".close-panel").click()

        # A slash command's previews: typing /agenda lists the room's events; picking one shares it.
        composer = first.find_element(By.ID, "text")
        composer.send_keys("/agenda")
        item = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#previews .preview-item")))
        assert "Design review" in item.text
        first.save_screenshot(os.path.join(artifacts, "chat-8-preview.png"))
        item.click()
        shared = "//ol[@id='messages']/li[@data-message][contains(., \"who's coming?\")]"
        wait.until(lambda b: "Leo" in b.find_element(By.XPATH, shared).find_element(By.CLASS_NAME, "author").text)
        assert first.find_element(By.ID, "text").get_attribute("value") == ""

        # Reactions from the picker, shown in the other window; a second click on the chip takes it back.
        wait.until(click(f"{in_main} .react"))
        wait.until(click(f"{in_main} .emoji-picker [data-emoji=':tada:']"))
        until(second).until(lambda b: "🎉 1" in b.find_element(By.CSS_SELECTOR, f"{in_main} .reactions").text)
        wait.until(click(f"{in_main} .reaction"))
        until(second).until(lambda b: not b.find_elements(By.CSS_SELECTOR, f"{in_main} .reactions"))
    finally:
        first.quit()
        second.quit()


def test_a_narrow_screen_and_the_keyboard_alone(chat_server, artifacts):
    """At 360 px: no horizontal scrolling; log in, open a room and send with Tab and Enter only."""
    url = chat_server.url
    member_of_new_room(url, "kai", "a-rather-long-room-name-for-a-phone")
    browser = headless_chromium(500, 740)
    try:
        # Headless Chromium's window is at least 500 px wide: the viewport is set to a phone's through DevTools.
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True})
        browser.get(url + "/")
        wait = until(browser, 15)
        wait.until(EC.presence_of_element_located((By.ID, "login")))
        ActionChains(browser).send_keys("kai", Keys.TAB, "pw-kai-1", Keys.ENTER).perform()
        wait.until(EC.presence_of_element_located((By.ID, "rooms")))
        for _ in range(10):
            active = browser.switch_to.active_element
            if active.get_attribute("data-room") == "a-rather-long-room-name-for-a-phone":
                break
            ActionChains(browser).send_keys(Keys.TAB).perform()
        assert browser.switch_to.active_element.get_attribute("data-room") == "a-rather-long-room-name-for-a-phone"
        ActionChains(browser).send_keys(Keys.ENTER).perform()
        wait.until(lambda b: b.switch_to.active_element.get_attribute("id") == "text")
        wait.until(lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-realtime") == "ready")
        ActionChains(browser).send_keys("sent from a phone, keyboard only" + Keys.ENTER).perform()
        wait.until(lambda b: "sent from a phone, keyboard only" in b.find_element(By.ID, "messages").text)
        widths = browser.execute_script("return [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
        assert widths[2] == 360 and max(widths[:2]) <= widths[2], widths
        browser.save_screenshot(os.path.join(artifacts, "chat-9-narrow.png"))

        # Weight and speed, logged in (the token kept): the page, the rooms list, a room's messages.
        started = time.monotonic()
        browser.refresh()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#rooms button[data-room]")))
        rooms_shown = time.monotonic()
        browser.find_element(By.CSS_SELECTOR, "#rooms button[data-room]").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#messages li[data-message]")))
        print(f"/ transferred {page_weight(browser)} bytes; rooms list after {(rooms_shown - started) * 1000:.0f} ms, "
              f"first messages after {(time.monotonic() - started) * 1000:.0f} ms")
    finally:
        browser.quit()


def test_an_open_room_follows_an_app_switched_off_and_on(chat_server, artifacts):
    """The calendar switched off by an admin: its room button and its commands leave the open room at once (the page
    follows `stream-apps`), and come back when it is switched on again; no reload."""
    url = chat_server.url
    member_of_new_room(url, "noor", "studio")
    admin = requests.post(f"{url}/api/v1/login", json={"user": ADMIN_USER, "password": ADMIN_PASSWORD}).json()["data"]
    headers = {"X-User-Id": admin["userId"], "X-Auth-Token": admin["authToken"]}
    calendar = "0d6b2f7e-8a41-4c39-b5e2-91f3c7a6d218"
    browser = headless_chromium(1280, 850)
    try:
        open_room(browser, url, "noor", "pw-noor-1", "studio")
        wait = until(browser, 15)
        buttons = lambda b: [e.text for e in b.find_elements(By.CSS_SELECTOR, "#room-header .room-action")]
        commands = lambda b: [e.get_attribute("value") for e in b.find_elements(By.CSS_SELECTOR, "#commands option")]
        wait.until(lambda b: "Upcoming events" in buttons(b) and "/event " in commands(b))
        requests.post(f"{url}/api/apps/{calendar}/status", headers=headers, json={"status": "manually_disabled"}).raise_for_status()
        wait.until(lambda b: "Upcoming events" not in buttons(b) and "/event " not in commands(b))
        browser.save_screenshot(os.path.join(artifacts, "chat-9-app-switched-off.png"))
        requests.post(f"{url}/api/apps/{calendar}/status", headers=headers, json={"status": "manually_enabled"}).raise_for_status()
        wait.until(lambda b: "Upcoming events" in buttons(b) and "/event " in commands(b))
    finally:
        requests.post(f"{url}/api/apps/{calendar}/status", headers=headers, json={"status": "manually_enabled"})
        browser.quit()
