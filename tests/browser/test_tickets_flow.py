"""Tickets in Chromium: an attendee opens their ticket from My events; at the
door the host's phone camera reads its QR code (a fake camera playing a video
of the QR code) and the person is checked in; a code typed by hand works too."""

import io
from datetime import timedelta

import pytest
from PIL import Image
from playwright.sync_api import expect

from meetup.events.services import events as hosting
from meetup.events.services.registration import register
from meetup.events.tickets import grouped, qr_code
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    log_in,
    on_the_servers_clock,
    screenshot,
    sign_up_people,
)
from tests.clock import NOW
from tests.events.helpers import event_details

pytestmark = pytest.mark.browser

PEOPLE = {
    "host": ("host@example.com", "Emi Host", "sme-consultant"),
    "aiko": ("aiko@example.com", "Aiko Tanaka", "tax-accountant"),
    "ken": ("ken@example.com", "Ken Mori", "lawyer"),
}
LAPTOP_1280 = {"width": 1280, "height": 900}
WIDTH, HEIGHT, MODULE = 640, 480, 10  # the fake camera's frame, and a module's side in pixels


@pytest.fixture
def tonight(committing_app):
    """Tonight's mixer (the door is open), with Aiko and Ken holding seats."""
    people = sign_up_people(PEOPLE)
    starts = NOW + timedelta(hours=1)
    event = hosting.create_event(people["host"], event_details(NOW, starts_at=starts, title="Lantern mixer"), now=NOW)
    hosting.publish_event(people["host"], event.id, now=NOW)
    tickets = {
        key: register(people[key], event.id, goals=["learn"], intro="", acknowledged=True, now=NOW).ticket_code
        for key in ("aiko", "ken")
    }
    return event.id, tickets


# A hand never holds a phone perfectly still, and ZXing's finder misses a few codes (about 1 in
# 40) in one perfectly still frame; turned a little, every code reads. So the fake camera's
# video, like the decoding of the ticket page, shows the code at these angles (degrees).
HAND_ANGLES = (0, 3, -6, 9, -11, 6, -3, 12)


def camera_video(path, code: str | None = None) -> None:
    """YUV4MPEG2 frames (640 × 480, 4:2:0) for Chromium's fake camera: white,
    with the ticket's QR code (and its quiet zone) if a code is given, turned
    a little differently in each frame as a hand holds it; both chroma planes
    a neutral 128."""
    frames = []
    for angle in HAND_ANGLES if code is not None else (0,):
        frame = Image.new("L", (WIDTH, HEIGHT), 255)
        if code is not None:
            buffer = io.BytesIO()
            qr_code(code).save(buffer, kind="png", scale=MODULE, border=4)
            symbol = (
                Image.open(buffer)
                .convert("L")
                .rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
            )
            frame.paste(symbol, ((WIDTH - symbol.width) // 2, (HEIGHT - symbol.height) // 2))
        frames.append(b"FRAME\n" + frame.tobytes() + b"\x80" * ((WIDTH // 2) * (HEIGHT // 2) * 2))
    path.write_bytes(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode() + b"".join(frames))


@pytest.fixture
def camera_phone(browser, tmp_path):
    """Factory: a phone whose rear camera plays a video, in a Chromium of its own with a fake camera."""
    opened = []

    def open_phone(video):
        camera = [
            "--use-fake-ui-for-media-stream",  # the camera permission is granted without asking
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ]
        chromium = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + camera)
        opened.append(chromium)
        context = on_the_servers_clock(
            chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-GB")
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_phone
    for chromium in opened:
        chromium.close()


def test_the_door_scans_a_ticket_with_the_phones_camera(live_server, tonight, camera_phone, tmp_path):
    event_id, tickets = tonight
    camera_video(tmp_path / "ticket.y4m", tickets["aiko"])
    page = camera_phone(tmp_path / "ticket.y4m")
    log_in(page, live_server, "host@example.com")
    page.goto(f"{live_server}/events/{event_id}/check-in")
    expect(page.get_by_text("0 of 2 checked in")).to_be_visible()
    page.get_by_role("button", name="Scan a ticket").click()
    expect(page.get_by_text("Aiko Tanaka is checked in.")).to_be_visible()
    expect(page.get_by_text("1 of 2 checked in")).to_be_visible()
    # The same ticket shown again: nothing changes, and the host hears when Aiko came in.
    page.get_by_role("button", name="Scan a ticket").click()
    expect(page.get_by_text("Aiko Tanaka is already checked in (since")).to_be_visible()
    expect(page.get_by_text("1 of 2 checked in")).to_be_visible()


def test_the_host_types_a_code_from_a_ticket_on_a_phone(live_server, tonight, phone, laptop):
    event_id, tickets = tonight
    log_in(phone, live_server, "host@example.com")
    phone.goto(f"{live_server}/events/{event_id}/check-in")
    expect(phone.get_by_role("button", name="Scan a ticket")).to_be_visible()  # the camera is offered
    screenshot(phone, "phone-door-scan")
    phone.get_by_label("Ticket code").fill(grouped(tickets["ken"]).lower())
    phone.get_by_role("button", name="Check in", exact=True).click()
    expect(phone.get_by_text("Ken Mori is checked in.")).to_be_visible()
    phone.get_by_label("Ticket code").fill("ABCDE-FGHJK")
    phone.get_by_role("button", name="Check in", exact=True).click()
    expect(phone.get_by_text("No ticket has the code ABCDE-FGHJK.")).to_be_visible()
    screenshot(phone, "phone-door-scan-refused")

    log_in(laptop, live_server, "host@example.com")
    laptop.set_viewport_size(LAPTOP_1280)
    laptop.goto(f"{live_server}/events/{event_id}/check-in")
    laptop.get_by_role("button", name="日本語").click()
    expect(laptop.get_by_role("button", name="チケットを読み取る")).to_be_visible()
    laptop.get_by_label("チケットのコード").fill(tickets["aiko"])
    laptop.get_by_role("button", name="チェックイン", exact=True).click()
    expect(laptop.get_by_text("Aiko Tanakaさんをチェックインしました。")).to_be_visible()
    screenshot(laptop, "laptop-door-scan-ja")


def test_an_attendee_opens_their_ticket_from_my_events(live_server, tonight, phone, laptop):
    event_id, tickets = tonight
    code = grouped(tickets["aiko"])
    for page, size, name in ((phone, PHONE, "phone"), (laptop, LAPTOP_1280, "laptop")):
        page.set_viewport_size(size)
        log_in(page, live_server, "aiko@example.com")
        page.goto(f"{live_server}/events/{event_id}")
        expect(page.get_by_role("link", name="Ticket", exact=True)).to_be_visible()
        screenshot(page, f"{name}-event-with-ticket")
        page.goto(f"{live_server}/events/mine")
        screenshot(page, f"{name}-my-events-with-ticket")
        page.get_by_role("link", name="Ticket", exact=True).click()
        expect(page.get_by_role("heading", name="Your ticket")).to_be_visible()
        expect(page.get_by_text(code, exact=True)).to_be_visible()
        expect(page.get_by_text("Aiko Tanaka")).to_be_visible()
        qr = page.get_by_role("img", name=f"QR code of ticket {code}")
        expect(qr).to_be_visible()
        assert qr.bounding_box()["width"] >= min(300, size["width"] - 60)  # large enough to scan from a phone
        screenshot(page, f"{name}-ticket")
    # What the page shows is what the door reads: the decoder the door uses reads the code from the
    # image, held as a hand holds a phone, at one of the angles a camera sees frame after frame.
    page.add_script_tag(url=f"{live_server}/static/vendor/zxing-library.min.js")
    read = page.evaluate(
        """async (angles) => {
          const image = document.querySelector("img.ticket-qr");
          await image.decode();
          const canvas = document.createElement("canvas");
          canvas.width = canvas.height = 400;
          const context = canvas.getContext("2d");
          for (const angle of angles) {
            context.resetTransform();
            context.fillStyle = "#fff";
            context.fillRect(0, 0, 400, 400);
            context.translate(200, 200);
            context.rotate((angle * Math.PI) / 180);
            context.drawImage(image, -174, -174, 348, 348);
            const source = new ZXing.HTMLCanvasElementLuminanceSource(canvas);
            try {
              const bitmap = new ZXing.BinaryBitmap(new ZXing.HybridBinarizer(source));
              return new ZXing.QRCodeReader().decode(bitmap).getText();
            } catch (error) {
              if (!(error instanceof ZXing.NotFoundException || error instanceof ZXing.ChecksumException ||
                    error instanceof ZXing.FormatException)) throw error;
            }
          }
          return null;
        }""",
        list(HAND_ANGLES),
    )
    assert read == tickets["aiko"]
    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_role("heading", name="あなたのチケット")).to_be_visible()
    screenshot(page, "laptop-ticket-ja")


def test_the_camera_looks_until_a_ticket_comes_and_stops_on_request(live_server, tonight, camera_phone, tmp_path):
    event_id, _tickets = tonight
    camera_video(tmp_path / "nothing.y4m")
    page = camera_phone(tmp_path / "nothing.y4m")
    log_in(page, live_server, "host@example.com")
    page.goto(f"{live_server}/events/{event_id}/check-in")
    video = page.locator("video.scan-video")
    for size, name in ((PHONE, "phone"), (LAPTOP_1280, "laptop")):
        page.set_viewport_size(size)
        page.get_by_role("button", name="Scan a ticket").click()
        expect(page.get_by_text("Hold the QR code of the ticket in front of the camera.")).to_be_visible()
        expect(video).to_be_visible()
        page.wait_for_function("document.querySelector('video.scan-video').videoWidth > 0")
        screenshot(page, f"{name}-door-scan-camera")
        page.get_by_role("button", name="Stop the camera").click()
        expect(video).to_be_hidden()
        expect(page.get_by_role("button", name="Scan a ticket")).to_be_visible()
    assert page.evaluate("document.querySelector('video.scan-video').srcObject") is None  # the camera is off
    expect(page.get_by_text("0 of 2 checked in")).to_be_visible()
