"use strict";
// amazon-connect-chatjs in headless Chromium (Debian's package, never a downloaded
// browser): a page served from its own 127.0.0.1 port runs a customer chat against the
// emulator (so CORS is really exercised), and this script reads what the page shows.
// Usage: node browser.js '{"endpoint": "http://127.0.0.1:PORT", "chromium": "/usr/bin/chromium"}'
const fs = require("fs");
const http = require("http");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");
const { options, reporter } = require("./lib/harness");
const { control } = require("./lib/control");

const HERE = __dirname;
const FILES = {
  "/": ["browser/page.html", "text/html; charset=utf-8"],
  "/browser/page.js": ["browser/page.js", "text/javascript"],
  "/lib/control.js": ["lib/control.js", "text/javascript"],
  "/lib/chat-scenario.js": ["lib/chat-scenario.js", "text/javascript"],
  "/chatjs/amazon-connect-chat.js": [
    path.relative(HERE, require.resolve("amazon-connect-chatjs")),
    "text/javascript",
  ],
};

function servePage() {
  const server = http.createServer((request, response) => {
    const entry = FILES[new URL(request.url, "http://127.0.0.1").pathname];
    if (!entry) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "Content-Type": entry[1], "Cache-Control": "no-store" });
    response.end(fs.readFileSync(path.join(HERE, entry[0])));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function main() {
  const settings = options();
  const endpoint = settings.endpoint;
  const { report, check, done } = reporter();
  const server = await servePage();
  const pageOrigin = `http://127.0.0.1:${server.address().port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "chatjs-conformance-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: settings.chromium || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    timeout: 60000,
  });
  const consoleErrors = [];
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on("console", (message) => {
      if (message.type() === "error") {
        consoleErrors.push(message.text());
      }
    });
    page.on("pageerror", (error) => consoleErrors.push(String(error)));
    await check("browser loads chatjs from a page on another origin", async () => {
      if (pageOrigin === endpoint) {
        throw new Error("the page must not share the emulator's origin");
      }
      await page.goto(`${pageOrigin}/?endpoint=${encodeURIComponent(endpoint)}`);
      const loaded = await page.evaluate(() => typeof window.connect === "object" && typeof window.connect.ChatSession);
      if (loaded !== "object") {
        throw new Error(`window.connect.ChatSession is ${loaded}`);
      }
      return { browser: context.browser() ? context.browser().version() : null };
    });
    await page.waitForFunction(() => window.__done === true, null, { timeout: 60000 });
    for (const entry of await page.evaluate(() => window.__checks)) {
      report(`browser: ${entry.check}`, entry.ok, entry.detail);
    }
    // What the page shows a person.
    await check("browser page shows the conversation", async () => {
      const lines = await page.locator("#transcript li.message").allTextContents();
      for (const expected of ["Web Customer: Hello, I need help", "Agent: Hi! Agent here.", "Agent: Still there?"]) {
        if (!lines.includes(expected)) {
          throw new Error(`the page does not show ${JSON.stringify(expected)}: ${JSON.stringify(lines)}`);
        }
      }
      return { lines: lines.length };
    });
    await check("browser page shows the whole streamed bot message", async () => {
      const lines = await page.locator("#transcript li.message[data-role=SYSTEM]").allTextContents();
      if (!lines.some((line) => line.endsWith(": Let me look that up for you."))) {
        throw new Error(`bot lines on the page: ${JSON.stringify(lines)}`);
      }
    });
    await check("browser page shows the attachment", async () => {
      const lines = await page.locator("#transcript li.attachment").allTextContents();
      if (!lines.some((line) => line.includes("[notes.txt]"))) {
        throw new Error(`attachment lines: ${JSON.stringify(lines)}`);
      }
    });
    await check("browser page shows the read receipt and the chat end", async () => {
      const read = await page.locator("#transcript li.message[data-read=yes]").count();
      if (read < 1) {
        throw new Error("no message marked read");
      }
      const status = await page.locator("#status").textContent();
      if (status !== "Chat ended") {
        throw new Error(`status line: ${status}`);
      }
    });
    await check("browser CORS: preflights answered, no CORS error", async () => {
      const requests = await control(endpoint).call("GET", "requests");
      const preflights = requests.filter((r) => r.operation === "CORSPreflight");
      const paths = new Set(preflights.map((r) => r.path.split("/").slice(0, 3).join("/")));
      for (const expected of ["/participant/connection", "/participant/message", "/_store/connect-emulator-attachments"]) {
        if (!paths.has(expected)) {
          throw new Error(`no preflight for ${expected}: ${JSON.stringify([...paths])}`);
        }
      }
      const cors = consoleErrors.filter((text) => /CORS|Access-Control/i.test(text));
      if (cors.length) {
        throw new Error(`CORS errors in the console: ${JSON.stringify(cors)}`);
      }
      return { preflights: preflights.length };
    });
  } finally {
    await context.close();
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  done();
}

main().catch((error) => {
  process.stderr.write(String((error && error.stack) || error) + "\n");
  process.exit(1);
});
