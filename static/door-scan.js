// The door page's "Scan a ticket": the phone's camera (the rear one where there is one) reads a
// ticket's QR code with ZXing (static/vendor/, built by make) and sends the code through the same
// form a host types codes into. Without JavaScript, a camera or the decoder, the form still works.
(() => {
  const section = document.querySelector("[data-door-scan]");
  const canScan = navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.ZXing;
  if (!section || !canScan) return;

  const form = section.querySelector("[data-ticket-form]");
  const input = form.querySelector("input[name=code]");
  const scanner = section.querySelector("[data-scanner]");
  const start = section.querySelector("[data-scan-start]");
  const stop = section.querySelector("[data-scan-stop]");
  const video = section.querySelector("[data-scan-video]");
  const status = section.querySelector("[data-scan-status]");
  const canvas = document.createElement("canvas");
  const reader = new ZXing.QRCodeReader();
  let stream = null;
  let timer = null;

  const say = (text) => { status.textContent = text; };

  function showCamera(on) {
    start.hidden = on;
    stop.hidden = !on;
    video.hidden = !on;
  }

  function close() {
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    showCamera(false);
  }

  // One frame: the code it shows, or null. Most frames show none, or only part of one.
  function read() {
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d", { willReadFrequently: true }).drawImage(video, 0, 0);
    const source = new ZXing.HTMLCanvasElementLuminanceSource(canvas);
    try {
      return reader.decode(new ZXing.BinaryBitmap(new ZXing.HybridBinarizer(source))).getText();
    } catch (error) {
      if (error instanceof ZXing.NotFoundException || error instanceof ZXing.ChecksumException ||
          error instanceof ZXing.FormatException) return null;
      throw error;
    }
  }

  function scan() {
    const code = video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth ? read() : null;
    if (code) {
      close();
      input.value = code;
      say(section.dataset.found);
      form.requestSubmit();
      return;
    }
    timer = setTimeout(scan, 150);
  }

  start.addEventListener("click", async () => {
    say(section.dataset.starting);
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
      video.srcObject = stream;
      showCamera(true);
      await video.play();
    } catch (error) {
      close();
      say(section.dataset.failed);
      input.focus();
      return;
    }
    say(section.dataset.looking);
    scan();
  });

  stop.addEventListener("click", () => { close(); say(""); });
  // Leaving the page (or going back to it from the history) never leaves the camera on.
  window.addEventListener("pagehide", close);
  scanner.hidden = false;
})();
