"""Guards on the botocore details our core relies on.

Each test pins down one private or semi-private botocore behaviour and names, in its failure
message, the code of ours that depends on it. They run in every cell of the matrix (noxfile.py),
so a failure says on which botocore release an assumption broke. Behaviour is checked over real
HTTP to a server on 127.0.0.1 wherever the assumption is about what reaches the wire.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import logging
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import botocore
import botocore.credentials
import botocore.exceptions
import botocore.loaders
import botocore.session
import pytest
from botocore.config import Config

from boto3_connectparticipant_ext import _plugin, auth, model

from .conftest import BOTOCORE_VERSION, RecordingServer

SERVICE = "connectparticipant"
API_VERSION = "2018-09-07"
GUARD_CREDENTIALS = {
    "aws_access_key_id": "AKIDGUARDEXAMPLE",
    "aws_secret_access_key": "guard-secret-access-key",
    "aws_session_token": "guard-session-token",
}
# Calls use GetTranscript: every botocore we support knows it (DescribeView came in 1.31.39).
SIGNING_HEADERS = ("authorization", "x-amz-security-token", "x-amz-date")
# Our model carries both markers; botocore honours "auth" from 1.35.0, "authtype" far earlier.
NOAUTH_HONOURED_SINCE = (1, 35, 0)
CLIENT_PLUGINS_SINCE = (1, 39, 9)
INITIALIZERS_SINCE = (1, 28, 0)
BEFORE_PARSE_SINCE = (1, 35, 16)


def _broken(what: str, relies: str) -> str:
    return (
        f"botocore {botocore.__version__} changed: {what}. "
        f"Our code that relies on it: {relies}. Update it (and this guard) before release."
    )


def _client(session: botocore.session.Session, server: RecordingServer, **kwargs: Any) -> Any:
    return session.create_client(
        SERVICE, region_name="us-east-1", endpoint_url=server.url, **kwargs
    )


def _our_model() -> dict[str, Any]:
    found = model.find_model_file([model.data_path()])
    assert found is not None, f"our model is missing under {model.data_path()}"
    loaded: dict[str, Any] = json.loads(found.read_text(encoding="utf-8"))
    return loaded


def _write_model(root: Path, service_model: dict[str, Any]) -> str:
    folder = root / SERVICE / API_VERSION
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(service_model), encoding="utf-8")
    return str(root)


def _marked_model(marker: str) -> dict[str, Any]:
    marked = copy.deepcopy(_our_model())
    marked["documentation"] = marker
    return marked


def _signing_headers(request_headers: dict[str, str]) -> list[str]:
    return [name for name in SIGNING_HEADERS if name in request_headers]


class RaisingCredentialProvider(botocore.credentials.CredentialProvider):  # type: ignore[misc]
    """A provider that fails the test when botocore asks it for credentials."""

    METHOD = "guard-raising"
    CANONICAL_NAME = "GuardRaising"
    calls = 0

    def load(self) -> None:
        type(self).calls += 1
        raise AssertionError("botocore looked up credentials")


# ---------------------------------------------------------------------------------------------
# Session.create_client: where the wrapper sits and what UNSIGNED skips


def test_create_client_is_defined_on_session_itself() -> None:
    assert "create_client" in vars(botocore.session.Session), _broken(
        "Session.create_client is no longer defined on botocore.session.Session itself",
        "_plugin.install() saves Session.__dict__['create_client'] and wraps it with wrapt",
    )


def test_create_client_config_parameter_position() -> None:
    parameters = list(inspect.signature(botocore.session.Session.create_client).parameters)
    assert "config" in parameters, _broken(
        "Session.create_client has no 'config' parameter",
        "_plugin._create_client_wrapper forces signature_version=UNSIGNED into config",
    )
    # ``self`` is first; the wrapper sees the arguments without it.
    position = parameters.index("config") - 1
    assert position == _plugin._CONFIG_POSITION, _broken(
        f"'config' is positional argument {position} of Session.create_client",
        f"_plugin._CONFIG_POSITION ({_plugin._CONFIG_POSITION}) replaces a positional config",
    )


def test_unsigned_config_skips_the_credential_lookup(recording_server: RecordingServer) -> None:
    session = botocore.session.Session()
    resolver = botocore.credentials.CredentialResolver(providers=[RaisingCredentialProvider()])
    session.register_component("credential_provider", resolver)
    RaisingCredentialProvider.calls = 0

    unsigned = Config(signature_version=botocore.UNSIGNED)
    client = _client(session, recording_server, config=unsigned)
    client.get_transcript(ConnectionToken="connection-token")

    assert RaisingCredentialProvider.calls == 0, _broken(
        "create_client(config=Config(signature_version=UNSIGNED)) looked up credentials",
        "auth.force_unsigned() / _plugin wrapper: instant client creation without credentials",
    )
    assert _signing_headers(recording_server.only_request().headers) == []
    # The control: without UNSIGNED the same session does consult the provider, so the check
    # above can fail.
    with pytest.raises(AssertionError, match="looked up credentials"):
        _client(session, recording_server)
    assert RaisingCredentialProvider.calls == 1


def test_config_merge_keeps_other_options_and_forces_unsigned() -> None:
    user = Config(user_agent_extra="guard/1", retries={"max_attempts": 7}, read_timeout=11)
    merged = auth.force_unsigned(user)
    assert merged.signature_version is botocore.UNSIGNED, _broken(
        "Config.merge no longer lets the other config's signature_version win",
        "auth.force_unsigned()",
    )
    assert (merged.user_agent_extra, merged.retries, merged.read_timeout) == (
        "guard/1",
        {"max_attempts": 7},
        11,
    ), _broken("Config.merge drops the user's options", "auth.force_unsigned()")


# ---------------------------------------------------------------------------------------------
# The data loader: search_paths and the per-instance cache


def test_loader_search_paths_is_the_live_mutable_list() -> None:
    loader = botocore.session.Session().get_component("data_loader")
    assert isinstance(loader, botocore.loaders.Loader)
    paths = loader.search_paths
    assert isinstance(paths, list), _broken(
        f"Loader.search_paths is a {type(paths).__name__}, not a list",
        "_plugin.prepare_session() inserts our data path with search_paths.insert(0, ...)",
    )
    paths.insert(0, "/guard/front")
    paths[:] = [path for path in paths if path != "/guard/back"]
    assert loader.search_paths is paths and loader.search_paths[0] == "/guard/front", _broken(
        "Loader.search_paths returns a copy: changes to it are lost",
        "_plugin.prepare_session() / _revert_session() edit it in place",
    )


def test_loader_search_paths_can_be_swapped_in_one_step() -> None:
    loader = botocore.session.Session().get_component("data_loader")
    assert loader._search_paths is loader.search_paths, _broken(
        "Loader.search_paths no longer returns Loader._search_paths",
        "_plugin._set_search_paths() swaps that list (atomic for threads mid-lookup)",
    )
    swapped = ["/guard/front", *loader.search_paths]
    loader._search_paths = swapped
    assert loader.search_paths is swapped, _broken(
        "assigning Loader._search_paths does not change Loader.search_paths",
        "_plugin._set_search_paths()",
    )


def test_loader_search_paths_include_botocores_own_data() -> None:
    loader = botocore.session.Session().get_component("data_loader")
    bundled = str(Path(botocore.__file__).resolve().parent / "data")
    resolved = [str(Path(path).resolve()) for path in loader.search_paths]
    assert bundled in resolved, _broken(
        "botocore's own data directory is not in Loader.search_paths",
        "model.other_model_is_newer(loader.search_paths) compares the bundled model with ours",
    )


def test_bundled_model_file_is_where_model_py_looks() -> None:
    loader = botocore.session.Session().get_component("data_loader")
    found = model.find_model_file(loader.search_paths)
    assert found is not None, _broken(
        f"no {SERVICE}/{API_VERSION}/service-2.json or .json.gz under the loader's search paths",
        "model.find_model_file() / other_model_is_newer(): the never-a-downgrade check",
    )
    loaded = loader.load_service_model(SERVICE, "service-2")
    assert model._read_json(found) == loaded, _broken(
        f"the file model.py reads ({found.name}) is not the one the loader loads",
        "model.other_model_is_newer(): it must judge the model botocore would use",
    )


def test_front_search_path_wins_only_after_the_cache_entry_is_dropped(tmp_path: Path) -> None:
    session = botocore.session.Session()
    loader = session.get_component("data_loader")
    first = loader.load_service_model(SERVICE, "service-2")

    cache = loader._cache
    assert isinstance(cache, dict) and all(
        isinstance(key, tuple) and isinstance(key[0], str) for key in cache
    ), _broken(
        "Loader._cache is not a dict keyed by (method name, *arguments) tuples",
        "_plugin._forget_cached_models() drops the cached entries of our service",
    )
    assert ("load_service_model", SERVICE, "service-2") in cache, _broken(
        f"no ('load_service_model', {SERVICE!r}, 'service-2') key in Loader._cache: "
        f"{sorted(map(str, cache))[:5]}",
        "_plugin._forget_cached_models()",
    )
    file_keys = [key for key in cache if any(str(part).startswith(f"{SERVICE}/") for part in key)]
    assert file_keys, _broken(
        "the loader's file-level cache key no longer holds a '<service>/<version>/<type>' path",
        "_plugin._forget_cached_models() matches that path prefix",
    )

    loader.search_paths.insert(0, _write_model(tmp_path, _marked_model("guard-marker")))
    assert loader.load_service_model(SERVICE, "service-2") is first, _broken(
        "the loader no longer caches per instance (a new front search path wins at once)",
        "_plugin._forget_cached_models() may be unnecessary; check prepare_session()",
    )

    _plugin._forget_cached_models(loader)
    reloaded = loader.load_service_model(SERVICE, "service-2")
    assert reloaded.get("documentation") == "guard-marker", _broken(
        "dropping the cached keys does not make the loader read the front search path",
        "_plugin.prepare_session(): our model would be ignored for an already-used session",
    )


def test_paginator_only_path_in_front_keeps_the_bundled_service_model(tmp_path: Path) -> None:
    session = botocore.session.Session()
    loader = session.get_component("data_loader")
    bundled = loader.load_service_model(SERVICE, "service-2")
    loader.search_paths.insert(0, model.paginators_only_path())
    _plugin._forget_cached_models(loader)

    assert loader.load_service_model(SERVICE, "service-2") == bundled, _broken(
        "a front search path holding only paginators-1.json hides the bundled service model",
        "prepare_session() when the bundled model is newer (model.paginators_only_path())",
    )
    client = session.create_client(
        SERVICE, region_name="us-east-1", config=Config(signature_version=botocore.UNSIGNED)
    )
    assert client.can_paginate("get_transcript"), _broken(
        "the paginator in a paginator-only front search path is not found",
        "model.paginators_only_path(): the GetTranscript paginator on a newer bundled model",
    )


# ---------------------------------------------------------------------------------------------
# Initializers and session-level handler registration


def test_register_initializer_runs_for_each_new_session() -> None:
    register = getattr(botocore, "register_initializer", None)
    unregister = getattr(botocore, "unregister_initializer", None)
    if BOTOCORE_VERSION < INITIALIZERS_SINCE:
        assert register is None, f"botocore {botocore.__version__} has register_initializer"
        pytest.skip(f"register_initializer arrived in {'.'.join(map(str, INITIALIZERS_SINCE))}")
    assert callable(register) and callable(unregister), _broken(
        "botocore.register_initializer / unregister_initializer are gone",
        "activation of new sessions without wrapping (architecture: prefer register_initializer)",
    )
    seen: list[Any] = []

    def initializer(session: Any) -> None:
        seen.append(session)

    register(initializer)
    try:
        session = botocore.session.Session()
    finally:
        unregister(initializer)
    botocore.session.Session()
    assert seen == [session], _broken(
        "an initializer is not called exactly once per new Session (or runs after unregister)",
        "session preparation through register_initializer",
    )


def test_session_register_unique_id_and_unregister(recording_server: RecordingServer) -> None:
    session = botocore.session.Session()
    calls: list[str] = []

    def first(**_: Any) -> Any:
        calls.append("first")
        return botocore.UNSIGNED

    def second(**_: Any) -> Any:
        calls.append("second")
        return botocore.UNSIGNED

    session.register(f"choose-signer.{SERVICE}", first, unique_id="guard-signer")
    session.register(f"choose-signer.{SERVICE}", second, unique_id="guard-signer")
    client = _client(session, recording_server, **GUARD_CREDENTIALS)
    client.get_transcript(ConnectionToken="connection-token")
    assert calls == ["first"], _broken(
        "session.register with an existing unique_id registers a second handler",
        "_plugin.prepare_session(): idempotent handler registration",
    )

    session.unregister(f"choose-signer.{SERVICE}", unique_id="guard-signer")
    client = _client(session, recording_server, **GUARD_CREDENTIALS)
    client.get_transcript(ConnectionToken="connection-token")
    assert calls == ["first"], _broken(
        "session.unregister(event, unique_id=...) does not remove the handler",
        "_plugin._revert_session() / uninstall()",
    )
    assert "authorization" in recording_server.requests[-1].headers


# ---------------------------------------------------------------------------------------------
# The events our handlers hang on, seen through a real HTTP call


def test_service_id_hyphenizes_to_the_event_name_we_register() -> None:
    client = botocore.session.Session().create_client(
        SERVICE, region_name="us-east-1", config=Config(signature_version=botocore.UNSIGNED)
    )
    assert client.meta.service_model.service_id.hyphenize() == SERVICE, _broken(
        "the service id no longer hyphenizes to 'connectparticipant'",
        "every '<event>.connectparticipant' handler in _plugin.py and auth.py",
    )


def test_choose_signer_returning_unsigned_sends_no_signature(
    recording_server: RecordingServer,
) -> None:
    session = botocore.session.Session()
    seen: list[dict[str, Any]] = []

    def unsigned(**kwargs: Any) -> Any:
        seen.append(kwargs)
        return botocore.UNSIGNED

    session.register(f"choose-signer.{SERVICE}", unsigned)
    client = _client(session, recording_server, **GUARD_CREDENTIALS)
    client.get_transcript(ConnectionToken="connection-token")

    assert len(seen) == 1, _broken(
        f"choose-signer.{SERVICE} is not emitted once per request",
        "auth.choose_unsigned_signer registered by _plugin.prepare_client()",
    )
    request = recording_server.only_request()
    assert _signing_headers(request.headers) == [], _broken(
        f"returning UNSIGNED from choose-signer.{SERVICE} still signs: "
        f"{_signing_headers(request.headers)}",
        "auth.choose_unsigned_signer: no SigV4 on the wire",
    )
    assert request.headers.get("x-amz-bearer") == "connection-token"


def test_choose_signer_on_a_built_client_takes_effect(recording_server: RecordingServer) -> None:
    client = _client(botocore.session.Session(), recording_server, **GUARD_CREDENTIALS)
    auth.make_client_unsigned(client)
    client.get_transcript(ConnectionToken="connection-token")
    assert _signing_headers(recording_server.only_request().headers) == [], _broken(
        "a choose-signer handler registered on client.meta.events after creation is ignored",
        "auth.make_client_unsigned() used by _plugin.initialize_client_plugin()",
    )


def test_each_client_has_its_own_class_and_its_own_copy_of_the_session_handlers() -> None:
    session = botocore.session.Session()
    config = Config(signature_version=botocore.UNSIGNED)
    first = session.create_client(SERVICE, region_name="us-east-1", config=config)
    second = session.create_client(SERVICE, region_name="us-east-1", config=config)
    assert type(first) is not type(second) and "get_transcript" in vars(type(first)), _broken(
        "clients no longer get a class of their own holding the operation methods",
        "_plugin._give_helpers() subclasses it and keeps botocore's method on a name clash",
    )
    first.meta.events.register(f"before-call.{SERVICE}", lambda **_: None, unique_id="guard-id")
    session_events = session.get_component("event_emitter")
    assert "guard-id" not in getattr(session_events, "_emitter", session_events)._unique_id_handlers
    assert "guard-id" not in second.meta.events._emitter._unique_id_handlers, _broken(
        "a client's emitter is no longer its own copy of the session's",
        "_plugin.prepare_client() registers our handlers on each client, not on the session",
    )


def test_before_parameter_build_can_fill_a_required_token(
    recording_server: RecordingServer,
) -> None:
    session = botocore.session.Session()
    seen: list[str] = []

    def fill(params: dict[str, Any], model: Any, **_: Any) -> None:
        seen.append(model.name)
        assert "ConnectionToken" in model.input_shape.members
        params.setdefault("ConnectionToken", "filled-token")

    session.register(f"before-parameter-build.{SERVICE}.GetTranscript", fill)
    client = _client(session, recording_server, config=Config(signature_version=botocore.UNSIGNED))
    client.get_transcript()

    assert seen == ["GetTranscript"], _broken(
        f"before-parameter-build.{SERVICE}.<Operation> is not emitted with params and model",
        "auth._TokenFiller registered by bind_tokens()",
    )
    assert recording_server.only_request().headers.get("x-amz-bearer") == "filled-token", _broken(
        "a token added by a before-parameter-build handler is not serialised (or is validated "
        "before the handler runs)",
        "auth.bind_tokens(): calls without a ConnectionToken argument",
    )


class GuardParseError(Exception):
    """Raised by a before-parse handler to see whether botocore lets it out."""


def test_before_parse_hands_over_the_raw_response(recording_server: RecordingServer) -> None:
    session = botocore.session.Session()
    seen: list[tuple[str, Any, Any]] = []

    def inspect_raw(response_dict: dict[str, Any], operation_model: Any, **_: Any) -> None:
        headers = response_dict.get("headers") or {}
        seen.append((operation_model.name, headers.get("content-length"), response_dict["body"]))

    session.register(f"before-parse.{SERVICE}", inspect_raw)
    client = _client(session, recording_server, config=Config(signature_version=botocore.UNSIGNED))
    client.get_transcript(ConnectionToken="connection-token")

    if BOTOCORE_VERSION < BEFORE_PARSE_SINCE:
        assert seen == [], (
            f"botocore {botocore.__version__} emits before-parse already: lower "
            "BEFORE_PARSE_SINCE (truncated answers are caught from that release)"
        )
        pytest.skip("before-parse arrived in 1.35.16: truncated answers parse as empty there")
    assert len(seen) == 1, _broken(
        f"before-parse.{SERVICE}.<Operation> is not emitted once per response",
        "_plugin._reject_truncated_body (IncompleteResponseError)",
    )
    name, declared, body = seen[0]
    assert name == "GetTranscript" and isinstance(body, bytes), _broken(
        "before-parse no longer passes operation_model and the raw body bytes",
        "_plugin._reject_truncated_body compares len(body) with Content-Length",
    )
    assert declared == str(len(body)), _broken(
        f"response_dict['headers'] has no matching content-length ({declared!r})",
        "_plugin._reject_truncated_body",
    )


@pytest.mark.skipif(BOTOCORE_VERSION < BEFORE_PARSE_SINCE, reason="no before-parse event yet")
def test_an_error_raised_in_before_parse_reaches_the_caller(
    recording_server: RecordingServer,
) -> None:
    session = botocore.session.Session()

    def refuse(**_: Any) -> None:
        raise GuardParseError("refused")

    session.register(f"before-parse.{SERVICE}", refuse)
    client = _client(session, recording_server, config=Config(signature_version=botocore.UNSIGNED))
    with pytest.raises(GuardParseError):
        client.get_transcript(ConnectionToken="connection-token")
    assert len(recording_server.requests) == 1, _broken(
        "an exception from a before-parse handler is retried",
        "_plugin._reject_truncated_body: IncompleteResponseError must reach the caller once",
    )


def test_client_level_handlers_register_and_unregister_by_unique_id(
    recording_server: RecordingServer,
) -> None:
    client = _client(
        botocore.session.Session(),
        recording_server,
        config=Config(signature_version=botocore.UNSIGNED),
    )
    auth.bind_tokens(client, connection_token="bound-token")
    auth.bind_tokens(client, connection_token="rebound-token")
    client.get_transcript()
    assert recording_server.only_request().headers.get("x-amz-bearer") == "rebound-token", _broken(
        "client.meta.events.register(before-parameter-build..., unique_id=...) misbehaves",
        "auth.bind_tokens()",
    )
    auth.unbind_tokens(client)
    with pytest.raises(botocore.exceptions.ParamValidationError):
        client.get_transcript()
    assert len(recording_server.requests) == 1, _broken(
        "client.meta.events.unregister(event, unique_id=...) left the handler in place",
        "auth.unbind_tokens()",
    )


def test_client_class_can_be_swapped_for_a_subclass(recording_server: RecordingServer) -> None:
    client = _client(
        botocore.session.Session(),
        recording_server,
        config=Config(signature_version=botocore.UNSIGNED),
    )
    base = type(client)
    client.__class__ = type(base.__name__, (base,), {"guard_helper": lambda self: "guard"})
    client.get_transcript(ConnectionToken="connection-token")
    assert client.guard_helper() == "guard" and len(recording_server.requests) == 1, _broken(
        "a built client cannot take a subclass as its __class__",
        "_plugin.initialize_client_plugin() gives the first plugin-built client its helpers",
    )


@pytest.mark.parametrize("verify", [None, False, "/guard/ca-bundle.pem"])
def test_http_session_keeps_the_resolved_verify_value(
    verify: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    client = botocore.session.Session().create_client(
        SERVICE,
        region_name="us-east-1",
        verify=verify,
        config=Config(signature_version=botocore.UNSIGNED, proxies_config={}, client_cert=None),
    )
    http_session = getattr(getattr(client, "_endpoint", None), "http_session", None)
    expected = True if verify is None else verify
    assert getattr(http_session, "_verify", "<missing>") == expected, _broken(
        "client._endpoint.http_session._verify no longer holds the resolved verify= value",
        "transfer._http.settings_from_client(): attachment transfers honour the client's TLS",
    )
    config = client.meta.config
    for option in ("proxies", "proxies_config", "connect_timeout", "read_timeout", "client_cert"):
        assert hasattr(config, option), _broken(
            f"client.meta.config has no {option}", "transfer._http.settings_from_client()"
        )


# ---------------------------------------------------------------------------------------------
# BOTOCORE_EXPERIMENTAL__PLUGINS (botocore >= 1.39.9)


@pytest.fixture
def plugin_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    name = "cpx_guard_client_plugin"
    (tmp_path / f"{name}.py").write_text(
        textwrap.dedent(
            """
            calls = []

            def initialize_client_plugin(client):
                calls.append(client)
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("BOTOCORE_EXPERIMENTAL__PLUGINS", f"guard={name}")
    yield importlib.import_module(name)
    sys.modules.pop(name, None)


@pytest.mark.skipif(BOTOCORE_VERSION < CLIENT_PLUGINS_SINCE, reason="no client plugins yet")
def test_client_plugins_call_initialize_client_plugin(plugin_module: Any) -> None:
    client = botocore.session.Session().create_client(
        SERVICE, region_name="us-east-1", config=Config(signature_version=botocore.UNSIGNED)
    )
    assert plugin_module.calls == [client], _broken(
        "BOTOCORE_EXPERIMENTAL__PLUGINS=name=module no longer calls "
        "module.initialize_client_plugin(client) once per new client",
        "_plugin.initialize_client_plugin(), the zero-code activation route",
    )
    from botocore import plugin as botocore_plugin

    assert callable(getattr(botocore_plugin, "load_client_plugins", None)), _broken(
        "botocore.plugin.load_client_plugins is gone", "_plugin.initialize_client_plugin()"
    )


@pytest.mark.skipif(BOTOCORE_VERSION >= CLIENT_PLUGINS_SINCE, reason="client plugins exist")
def test_before_client_plugins_the_variable_does_nothing(plugin_module: Any) -> None:
    botocore.session.Session().create_client(
        SERVICE, region_name="us-east-1", config=Config(signature_version=botocore.UNSIGNED)
    )
    assert plugin_module.calls == [], (
        f"botocore {botocore.__version__} already loads client plugins: lower "
        "CLIENT_PLUGINS_SINCE here and the version in the README's activation routes"
    )
    with pytest.raises(ImportError):
        importlib.import_module("botocore.plugin")


@pytest.mark.skipif(BOTOCORE_VERSION < CLIENT_PLUGINS_SINCE, reason="no client plugins yet")
def test_our_package_works_as_a_client_plugin(
    recording_server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOTOCORE_EXPERIMENTAL__PLUGINS", f"{SERVICE}=boto3_connectparticipant_ext")
    try:
        client = _client(botocore.session.Session(), recording_server, **GUARD_CREDENTIALS)
        client.get_transcript(ConnectionToken="connection-token")
        assert _plugin.is_installed(), _broken(
            "botocore did not call boto3_connectparticipant_ext.initialize_client_plugin "
            "(botocore swallows a plugin's errors and logs them at DEBUG only)",
            "the BOTOCORE_EXPERIMENTAL__PLUGINS activation route",
        )
        assert _signing_headers(recording_server.only_request().headers) == [], _broken(
            "the first client built through the plugin route is still signed",
            "_plugin.initialize_client_plugin() / auth.make_client_unsigned()",
        )
    finally:
        _plugin.uninstall()


# ---------------------------------------------------------------------------------------------
# The model's own auth markers (the AWS_DATA_PATH route, no install())


def _call_with_model(
    tmp_path: Path, server: RecordingServer, edit: Callable[[dict[str, Any]], None]
) -> dict[str, str]:
    service_model = copy.deepcopy(_our_model())
    edit(service_model)
    session = botocore.session.Session()
    loader = session.get_component("data_loader")
    loader.search_paths.insert(0, _write_model(tmp_path, service_model))
    client = _client(session, server, **GUARD_CREDENTIALS)
    client.get_transcript(ConnectionToken="connection-token")
    return server.only_request().headers


def _keep(*markers: str) -> Callable[[dict[str, Any]], None]:
    def edit(service_model: dict[str, Any]) -> None:
        for operation in service_model["operations"].values():
            for marker in ("authtype", "auth"):
                if marker not in markers:
                    operation.pop(marker, None)

    return edit


def test_our_model_is_unsigned_with_credentials_present(
    tmp_path: Path, recording_server: RecordingServer
) -> None:
    headers = _call_with_model(tmp_path, recording_server, _keep("authtype", "auth"))
    assert _signing_headers(headers) == [], _broken(
        f"our model's authtype/auth markers no longer make calls unsigned: {headers}",
        "the AWS_DATA_PATH route (`cpx data-path`) and the model built by scripts/build_model.py",
    )
    assert headers.get("x-amz-bearer") == "connection-token"


def test_authtype_none_alone_is_honoured(tmp_path: Path, recording_server: RecordingServer) -> None:
    headers = _call_with_model(tmp_path, recording_server, _keep("authtype"))
    assert _signing_headers(headers) == [], _broken(
        '"authtype": "none" no longer makes an operation unsigned',
        "scripts/build_model.py marks every operation with it for old botocore",
    )


def test_noauth_alone_is_honoured_from_1_35(
    tmp_path: Path, recording_server: RecordingServer
) -> None:
    headers = _call_with_model(tmp_path, recording_server, _keep("auth"))
    honoured = _signing_headers(headers) == []
    expected = BOTOCORE_VERSION >= NOAUTH_HONOURED_SINCE
    assert honoured == expected, _broken(
        f'"auth": ["smithy.api#noAuth"] honoured={honoured}, expected {expected} '
        f"(the facts table says from {'.'.join(map(str, NOAUTH_HONOURED_SINCE))})",
        "scripts/build_model.py keeps both markers; docs/service facts",
    )


def test_the_stock_model_still_signs(recording_server: RecordingServer) -> None:
    client = _client(botocore.session.Session(), recording_server, **GUARD_CREDENTIALS)
    client.get_transcript(ConnectionToken="connection-token")
    assert "authorization" in recording_server.only_request().headers, (
        f"botocore {botocore.__version__}'s own {SERVICE} model is unsigned now: the "
        "credential-free part of this package may be unnecessary from this release (README)"
    )


def test_debug_logging_still_shows_the_bearer(
    recording_server: RecordingServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = _client(
        botocore.session.Session(),
        recording_server,
        config=Config(signature_version=botocore.UNSIGNED),
    )
    with caplog.at_level(logging.DEBUG, logger="botocore"):
        client.get_transcript(ConnectionToken="guard-bearer-in-logs")
    assert "guard-bearer-in-logs" in caplog.text, (
        "botocore no longer logs request headers/params at DEBUG: redact.py's log redaction "
        "can be simplified, and this guard removed"
    )
