"""TransferConfig validation, progress reporting, and the HTTP settings read from a client."""

from __future__ import annotations

import io
import os
import sys
import threading

import botocore.session
import pytest
from botocore.config import Config

from boto3_connectparticipant_ext import _progress_display
from boto3_connectparticipant_ext.transfer import ProgressBar, TransferConfig, TransferConfigError
from boto3_connectparticipant_ext.transfer._http import (
    TransferHttp,
    describe_error,
    http_for_client,
    settings_from_client,
)
from boto3_connectparticipant_ext.transfer.progress import ProgressTracker


@pytest.mark.parametrize(
    "changes",
    [
        {"chunk_size": 10},
        {"chunk_size": 1.5},
        {"max_attempts": 0},
        {"max_attempts": True},
        {"max_size_bytes": 0},
        {"allowed_extensions": "pdf"},
        {"allowed_extensions": []},
        {"allowed_extensions": ["", "pdf"]},
        {"connect_timeout": -1},
        {"read_timeout": float("nan")},
        {"scan_timeout": 0},
        {"wait_for_scan": "yes"},
        {"url_expiry_seconds": 301},
        {"fsync": 1},
        {"backoff_base": 2.0, "backoff_max": 1.0},
        {"backoff_base": 0.25, "backoff_max": 0},
        {"connect_timeout": 1e300},
        {"read_timeout": 10**400},
        {"scan_timeout": float("inf")},
        {"scan_poll_interval": 86400.5},
        {"backoff_base": 1e300, "backoff_max": 1e300},
    ],
)
def test_invalid_config_is_a_typed_error(changes: dict[str, object]) -> None:
    with pytest.raises(TransferConfigError):
        TransferConfig(**changes)  # type: ignore[arg-type]


def test_backoff_max_below_backoff_base_names_both_values() -> None:
    expected = r"backoff_max \(1\.5\) is below backoff_base \(2\)"
    with pytest.raises(TransferConfigError, match=expected):
        TransferConfig(backoff_base=2, backoff_max=1.5)
    with pytest.raises(TransferConfigError, match="backoff_max"):
        TransferConfig().replace(backoff_base=10.0)  # the default backoff_max is 8
    assert TransferConfig(backoff_base=3.0, backoff_max=3.0).backoff_max == 3.0
    assert TransferConfig(backoff_base=0, backoff_max=0).backoff_base == 0.0
    # A poll interval longer than the scan timeout is legitimate: one look, then one at the end.
    assert TransferConfig(scan_timeout=1.0, scan_poll_interval=5.0).scan_poll_interval == 5.0


def test_config_is_keyword_only_immutable_and_normalised() -> None:
    with pytest.raises(TypeError):
        TransferConfig(1024)  # type: ignore[call-arg]
    config = TransferConfig(allowed_extensions=[".PDF", "Png"], max_size_bytes=100 * 1024 * 1024)
    assert config.allowed_extensions == frozenset({"pdf", "png"})
    with pytest.raises(AttributeError):
        config.max_attempts = 3  # type: ignore[misc]
    assert config.replace(max_attempts=2) == TransferConfig(
        allowed_extensions={"pdf", "png"}, max_size_bytes=100 * 1024 * 1024, max_attempts=2
    )
    assert TransferConfig().max_size_bytes == 20 * 1024 * 1024


def test_tracker_rewinds_the_current_attempt_only() -> None:
    amounts: list[int] = []
    tracker = ProgressTracker(amounts.append)
    tracker.advance(10)
    tracker.advance(5)
    tracker.rewind()
    tracker.rewind()
    tracker.advance(7)
    assert amounts == [10, 5, -15, 7]
    ProgressTracker(None).advance(3)


def test_progress_bar_is_thread_safe_and_ends_at_the_total() -> None:
    # Drawn by rich since issue 12 (the hand-written frames are gone): one clean final line.
    console_module = pytest.importorskip("rich.console")  # the cli extra
    out = io.StringIO()
    console = console_module.Console(file=out, force_terminal=True, width=100, color_system=None)
    bar = ProgressBar(total=8000, label="x", console=console, width=10)

    def count() -> None:
        for _ in range(1000):
            bar(1)

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bar(-8000)
    assert bar.transferred == 0
    bar(8000)
    bar.close()
    bar.close()  # idempotent
    assert bar.transferred == 8000
    text = out.getvalue()
    assert text.endswith("\n\x1b[?25h")
    final = text.rsplit("\r\x1b[2K", 1)[-1]
    assert final.startswith("x ━━━━━━━━━━ 100% 8.0/8.0 kB ")


def test_progress_bar_draws_nothing_on_a_pipe() -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as pipe:
        bar = ProgressBar(total=10, label="x", stream=pipe)
        bar(10)
        bar.close()
    with os.fdopen(read_end, "rb") as drained:
        assert drained.read() == b""
    assert bar.transferred == 10


def test_progress_bar_without_rich_draws_a_plain_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rich.progress", None)  # the cli extra is absent
    assert not _progress_display.rich_available()

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    with ProgressBar(total=2048, label="file.pdf", stream=out) as bar:
        bar(2048)
    assert out.getvalue() == "\rfile.pdf 100%  2.0 KiB / 2.0 KiB\n"


def _client(**kwargs: object) -> object:
    session = botocore.session.get_session()
    return session.create_client(
        "s3", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b", **kwargs
    )


def test_settings_follow_the_client_guard_on_private_verify(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Guard: botocore keeps the resolved verify value on client._endpoint.http_session._verify.
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    assert settings_from_client(_client()).verify is True
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/env/bundle.pem")
    assert settings_from_client(_client()).verify == "/env/bundle.pem"
    assert settings_from_client(_client(verify=False)).verify is False
    assert (
        settings_from_client(_client(verify="/etc/ssl/bundle.pem")).verify == "/etc/ssl/bundle.pem"
    )


def test_settings_carry_proxies_timeouts_and_certificates() -> None:
    config = Config(
        proxies={"https": "http://user:pw@proxy.local:3128"},
        proxies_config={"proxy_use_forwarding_for_https": True},
        connect_timeout=3,
        read_timeout=7,
        client_cert=("/c.pem", "/k.pem"),
        max_pool_connections=4,
    )
    settings = settings_from_client(_client(config=config))
    assert settings.proxies == {"https": "http://user:pw@proxy.local:3128"}
    assert (settings.connect_timeout, settings.read_timeout) == (3.0, 7.0)
    assert settings.client_cert == ("/c.pem", "/k.pem")
    assert settings.max_pool_connections == 4
    assert "pw" not in repr(settings)
    http = TransferHttp(settings)
    assert http.proxy_for("https://bucket.s3.amazonaws.com/k") == "http://user:pw@proxy.local:3128"
    assert http.proxy_for("http://bucket.s3.amazonaws.com/k") is None
    timeout = http.timeout(connect=None, read=1.5)
    assert (timeout.connect_timeout, timeout.read_timeout) == (3.0, 1.5)


def test_environment_proxies_are_evaluated_per_target(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "proxy.corp:8080")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    http = TransferHttp(settings_from_client(_client()))
    assert http.proxy_for("https://bucket.s3.amazonaws.com/k") == "http://proxy.corp:8080"
    assert http.proxy_for("https://files.internal.example/k") is None


def test_one_pool_per_client() -> None:
    client = _client()
    assert http_for_client(client) is http_for_client(client)
    assert http_for_client(client) is not http_for_client(_client())


def test_error_descriptions_carry_no_url_query() -> None:
    text = describe_error(OSError("failed GET https://b/k?X-Amz-Signature=s3cr3t&X-Amz-Date=1"))
    assert "s3cr3t" not in text and "X-Amz-Date" not in text and text.startswith("OSError")
    proxy = describe_error(OSError("cannot reach http://user:pa55@proxy.corp:3128/"))
    assert "pa55" not in proxy and "proxy.corp:3128" in proxy
