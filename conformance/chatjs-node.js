"use strict";
// amazon-connect-chatjs (a browser library) in Node: a whole customer chat against the
// emulator. Usage: node chatjs-node.js '{"endpoint": "http://127.0.0.1:PORT"}'
//
// What chatjs needs from a browser, and what stands in for it here:
// - `window` and `self` (the bundle's UMD wrapper and its globals): globalThis;
// - `navigator.onLine` and `navigator.userAgent` (the websocket manager checks the
//   network every 250 ms and logs the agent): a plain object (Node 20 has no navigator);
// - `WebSocket` with addEventListener: the `ws` package (Node 20 has no WebSocket);
// - fetch, Blob, File, crypto: Node 20's own.
// Everything chatjs logs goes to stderr: stdout carries only the JSON report.
const WebSocket = require("ws");
const { options, reporter } = require("./lib/harness");
const { control } = require("./lib/control");
const { runChatScenario } = require("./lib/chat-scenario");

for (const method of ["log", "info", "debug", "warn", "error", "trace"]) {
  console[method] = (...args) => process.stderr.write(args.map(String).join(" ") + "\n");
}
globalThis.window = globalThis;
globalThis.self = globalThis;
if (typeof globalThis.navigator === "undefined") {
  Object.defineProperty(globalThis, "navigator", {
    value: { onLine: true, userAgent: `Node.js/${process.versions.node}` },
    configurable: true,
  });
}
globalThis.WebSocket = WebSocket;
require("amazon-connect-chatjs");

async function main() {
  const { endpoint } = options();
  const { report, check, done } = reporter();
  await runChatScenario({
    connect: globalThis.connect,
    endpoint,
    control: control(endpoint),
    check,
    report,
    render: () => {},
    makeFile: (name, text) => new File([text], name, { type: "text/plain" }),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  done();
  // chatjs keeps timers (network check, heartbeats) alive after the chat ends.
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(String((error && error.stack) || error) + "\n");
  process.exit(1);
});
