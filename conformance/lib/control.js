// The emulator's control API (/_emulator/...) over fetch; loaded by Node (require) and
// by the browser page (<script>), where every call is a cross-origin request.
(function (root) {
  "use strict";

  function control(endpoint) {
    async function call(method, path, body) {
      const answer = await fetch(`${endpoint}/_emulator/${path}`, {
        method,
        headers: { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await answer.text();
      const parsed = text ? JSON.parse(text) : null;
      if (!answer.ok) {
        throw new Error(`control ${method} ${path}: ${answer.status} ${text}`);
      }
      return parsed;
    }
    return {
      call,
      addAgent: (contact) =>
        call("POST", `contacts/${contact}/participants`, { role: "AGENT", display_name: "Agent" }),
      say: (contact, participant, content) =>
        call("POST", `contacts/${contact}/messages`, { participant_id: participant, content }),
      event: (contact, participant, contentType, content) =>
        call("POST", `contacts/${contact}/events`, {
          participant_id: participant,
          content_type: contentType,
          content,
        }),
      streamBot: (contact, chunks) => call("POST", `contacts/${contact}/bot-messages`, { chunks }),
      end: (contact) => call("POST", `contacts/${contact}/end`),
      fault: (rule) => call("POST", "faults", rule),
      clearFaults: () => call("DELETE", "faults"),
      config: (changes) => call("PATCH", "config", changes),
      transcript: (contact) => call("GET", `contacts/${contact}/transcript`),
      participants: (contact) => call("GET", `contacts/${contact}/participants`),
    };
  }

  root.emulatorControl = control;
  if (typeof module !== "undefined" && module.exports) {
    module.exports = { control };
  }
})(typeof globalThis !== "undefined" ? globalThis : this);
