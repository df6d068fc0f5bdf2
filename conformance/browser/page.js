// Runs the shared chat scenario in the page and shows what chatjs delivers, the way a
// chat widget would: one line per message, attachment names, typing, receipts, state.
(function () {
  "use strict";
  const endpoint = new URLSearchParams(window.location.search).get("endpoint");
  const transcript = document.getElementById("transcript");
  const statusLine = document.getElementById("status");
  const checksList = document.getElementById("checks");
  window.__checks = [];
  window.__done = false;

  function lineFor(item) {
    const id = `item-${item.Id}`;
    let line = document.getElementById(id);
    if (!line) {
      line = document.createElement("li");
      line.id = id;
      transcript.appendChild(line);
    }
    return line;
  }

  function render(kind, item) {
    if (kind === "message") {
      if (item.Type === "MESSAGE") {
        const line = lineFor(item);
        line.className = "message";
        line.dataset.role = item.ParticipantRole;
        line.textContent = `${item.DisplayName || item.ParticipantRole}: ${item.Content}`;
      } else if (item.Type === "ATTACHMENT") {
        const line = lineFor(item);
        const attachment = item.Attachments[0];
        line.className = "attachment";
        line.dataset.status = attachment.Status || "";
        line.textContent = `${item.DisplayName}: [${attachment.AttachmentName}] ${attachment.Status || ""}`;
      } else if (item.Type === "EVENT") {
        const line = lineFor(item);
        line.className = "event";
        line.textContent = item.ContentType.split(".").slice(-2).join(".");
      }
    } else if (kind === "typing") {
      document.getElementById("typing").textContent = `${item.DisplayName} is typing`;
    } else if (kind === "read") {
      const target = document.getElementById(`item-${item.MessageMetadata.MessageId}`);
      if (target) {
        target.dataset.read = "yes";
      }
    } else if (kind === "connection") {
      statusLine.textContent = item.state;
    } else if (kind === "ended") {
      statusLine.textContent = "Chat ended";
    }
  }

  function report(check, ok, detail) {
    window.__checks.push({ check, ok: Boolean(ok), detail: detail === undefined ? null : detail });
    const line = document.createElement("li");
    line.textContent = `${ok ? "PASS" : "FAIL"} ${check}`;
    checksList.appendChild(line);
  }

  async function check(name, body) {
    try {
      report(name, true, (await body()) || null);
    } catch (error) {
      report(name, false, String((error && error.stack) || error).slice(0, 2000));
    }
  }

  runChatScenario({
    connect: window.connect,
    endpoint,
    control: emulatorControl(endpoint),
    check,
    report,
    render,
    makeFile: (name, text) => new File([text], name, { type: "text/plain" }),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  })
    .catch((error) => report("scenario", false, String((error && error.stack) || error)))
    .finally(() => {
      window.__done = true;
    });
})();
