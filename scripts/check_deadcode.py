"""Dead code in the package (``make deadcode``, also run by ``make lint``).

vulture reads the package together with the tests, examples, scripts and benchmarks (a public
name their code uses is alive) and reports, in the package only, what nothing uses: functions,
methods, constants, attributes written and never read. What is used dynamically (by name, by a
framework, by a protocol) is listed in ``USED_DYNAMICALLY``, each with the reason; anything else
it finds is dead and goes. Exit status 1 and one line per finding.

Examples
--------
>>> key_of("boto3_connectparticipant_ext/awscli.py", "awscli_initialize")
'awscli.py:awscli_initialize'
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "boto3_connectparticipant_ext"
# Where usages are read from; findings are reported for the package only.
READ = (PACKAGE, "tests", "examples", "scripts", "benchmarks")
MIN_CONFIDENCE = 60

# "<module path inside the package>:<name>" -> why it is alive although nothing calls it.
USED_DYNAMICALLY = {
    # Module-level __getattr__ (PEP 562): lazy public names.
    "__init__.py:__getattr__": "PEP 562 lazy attributes",
    "aio/__init__.py:__getattr__": "PEP 562 lazy attributes",
    "inject.py:__getattr__": "PEP 562 lazy attributes",
    "loadtest/__init__.py:__getattr__": "PEP 562 lazy attributes",
    # Entry points and framework hooks, called by name.
    "aio/_patch.py:client_flavour": "named as a string in _extensions.BUILTIN_FLAVOURS",
    "awscli.py:awscli_initialize": "the AWS CLI's plugin entry point",
    "conversation/pytest_plugin.py:pytest_addoption": "pytest hook",
    "conversation/pytest_plugin.py:connect_live_target": "pytest fixture (entry point pytest11)",
    "conversation/pytest_plugin.py:connect_start_chat": "pytest fixture (entry point pytest11)",
    "emulator/_quiet_http.py:handle_error": "aiohttp RequestHandler override",
    "chat/_protocol_socket.py:connection_made": "asyncio.Protocol callback",
    "chat/_protocol_socket.py:data_received": "asyncio.Protocol callback",
    "chat/_protocol_socket.py:eof_received": "asyncio.Protocol callback",
    "chat/_protocol_socket.py:connection_lost": "asyncio.Protocol callback",
    "cli/_chat.py:on_text_changed": "prompt_toolkit event (+= a handler)",
    "loadtest/user.py:abstract": "Locust User class attribute",
    "loadtest/user.py:start_rate": "set by a subclass, read by name in ChatUser.setting()",
    "loadtest/user.py:start_burst": "set by a subclass, read by name in ChatUser.setting()",
    "loadtest/user.py:on_stop": "Locust User hook",
    "loadtest/user.py:run_flow": "Locust @task",
    # Attributes the standard library and Python read.
    "redact.py:msg": "logging.LogRecord.msg, read by the formatter",
    "_plugin.py:__class__": "swaps the client's class for one with the helpers",
    "emulator/_quiet_http.py:__class__": "swaps aiohttp's handler class for the quiet one",
    "inject.py:__signature__": "read by inspect.signature (help(), IDEs)",
    # Parameters and fields that exist for their signature.
    "transfer/fileobj.py:whence": "io protocol parameter (seek)",
    "model.py:mtime_ns": "functools.lru_cache key: a newer file is read again",
    "conversation/_start.py:stop_contact_on_end": "read through locals() by _plan",
    # Public API kept for users (documented on the class), not called inside the repository.
    "emulator/_contact_streaming.py:unsubscribe": "public counterpart of subscribe()",
    # Dead, but removing it means editing tests that other branches were editing at the same
    # time (issue 11): remove after the merge.
    "emulator/_state_model.py:upload_expiry": "DEAD: written by StartAttachmentUpload, never read",
    "emulator/_faults.py:IMMEDIATE_FAULTS": "DEAD: never used (module owned by another branch)",
    "loadtest/_pacing.py:try_take": "only its own doctest uses it (owned by another branch)",
}


def key_of(filename: str, name: str) -> str:
    """The ``USED_DYNAMICALLY`` key of a finding in ``filename``."""
    path = Path(filename)
    parts = path.parts[path.parts.index(PACKAGE) + 1 :]
    return f"{'/'.join(parts)}:{name}"


def findings() -> list[str]:
    from vulture import Vulture  # type: ignore[import-untyped]  # (no type information)

    vulture = Vulture()
    vulture.scavenge([str(REPO / path) for path in READ if (REPO / path).exists()])
    package = REPO / PACKAGE
    lines = []
    for item in vulture.get_unused_code(min_confidence=MIN_CONFIDENCE):
        filename = Path(item.filename).resolve()
        if package not in filename.parents:
            continue
        if key_of(str(filename), item.name) in USED_DYNAMICALLY:
            continue
        where = filename.relative_to(REPO)
        lines.append(f"{where}:{item.first_lineno}: {item.message} ({item.confidence}%)")
    return sorted(lines)


def main() -> int:
    lines = findings()
    for line in lines:
        print(line)
    if lines:
        print("remove it, or list it in scripts/check_deadcode.py USED_DYNAMICALLY with the reason")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
