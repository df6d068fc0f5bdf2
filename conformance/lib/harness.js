"use strict";
const { control } = require("./control");
// Node side of the conformance scripts: arguments and the one-JSON-object-per-line
// report that tests/conformance reads.

function options() {
  const raw = process.argv[2];
  if (!raw) {
    throw new Error("usage: node <script> '<json options>'");
  }
  return JSON.parse(raw);
}

// One line per check: {"check": name, "ok": bool, "detail": ...}; a last {"done": true}.
function reporter() {
  const seen = new Set();
  function report(check, ok, detail) {
    seen.add(check);
    process.stdout.write(JSON.stringify({ check, ok: Boolean(ok), detail: detail ?? null }) + "\n");
  }
  async function check(name, body) {
    try {
      const detail = await body();
      report(name, true, detail);
      return true;
    } catch (error) {
      report(name, false, String((error && error.stack) || error).slice(0, 2000));
      return false;
    }
  }
  function done() {
    process.stdout.write(JSON.stringify({ done: true, checks: seen.size }) + "\n");
  }
  return { report, check, done };
}

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) {
    throw new Error(`${what}: expected ${e}, got ${a}`);
  }
}

async function until(predicate, what, timeoutMs = 10000, stepMs = 25) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

module.exports = { options, control, reporter, assert, equal, until };
