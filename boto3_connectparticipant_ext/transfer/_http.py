"""The HTTP layer of transfers: urllib3 pools built from a client's own settings.

Presigned PUTs and GETs go to S3, not to the participant endpoint, so botocore's
own HTTP session is not used for them; instead each client gets one pool
manager configured like botocore's: the same CA bundle or ``verify=False``, the
same client certificate, proxies (``Config(proxies=...)`` or the environment,
honouring ``NO_PROXY`` for the S3 host), proxy TLS settings, pool size and
timeouts.
"""

from __future__ import annotations

import dataclasses
import re
import ssl
import threading
import weakref
from base64 import b64encode
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Optional, Union
from urllib.parse import unquote, urlparse

import urllib3
from botocore.httpsession import get_cert_path
from botocore.utils import get_environ_proxies

from boto3_connectparticipant_ext._version import __version__
from boto3_connectparticipant_ext.redact import redact_text

if TYPE_CHECKING:
    from urllib3.response import BaseHTTPResponse

USER_AGENT = f"boto3-connectparticipant-ext/{__version__} (attachment transfer)"
_DEFAULT_TIMEOUT = 60.0
_DEFAULT_POOL = 10
_URL_QUERY = re.compile(r"\?[^\s'\"<>]*")
_URL_USERINFO = re.compile(r"//[^/\s'\"@]+@")

#: Errors of the transport (connection, TLS, protocol, truncated body).
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (urllib3.exceptions.HTTPError, OSError)


@dataclasses.dataclass(frozen=True)
class HttpSettings:
    """The network settings of a client that transfers must honour."""

    verify: Union[bool, str] = True
    proxies: Optional[Mapping[str, str]] = None
    proxies_config: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    connect_timeout: float = _DEFAULT_TIMEOUT
    read_timeout: float = _DEFAULT_TIMEOUT
    client_cert: Union[str, tuple[str, str], None] = None
    max_pool_connections: int = _DEFAULT_POOL

    def __repr__(self) -> str:
        # Proxy URLs may carry a user name and password.
        proxies = None if self.proxies is None else sorted(self.proxies)
        return (
            f"HttpSettings(verify={self.verify!r}, proxies={proxies!r}, "
            f"connect_timeout={self.connect_timeout}, read_timeout={self.read_timeout})"
        )


def settings_from_client(client: Any) -> HttpSettings:
    """Read the proxy, CA bundle, certificate, pool and timeout settings of ``client``.

    ``verify`` lives only on the client's HTTP session (botocore resolves the
    ``verify=`` argument, ``AWS_CA_BUNDLE`` and the ``ca_bundle`` setting into
    it at client creation); a guard test watches that private attribute.
    """
    config = client.meta.config
    http_session = getattr(getattr(client, "_endpoint", None), "http_session", None)
    verify = getattr(http_session, "_verify", True)
    if verify is None:
        verify = True
    return HttpSettings(
        verify=verify,
        proxies=dict(config.proxies) if config.proxies else None,
        proxies_config=dict(config.proxies_config or {}),
        connect_timeout=_number(config.connect_timeout),
        read_timeout=_number(config.read_timeout),
        client_cert=config.client_cert,
        max_pool_connections=int(config.max_pool_connections or _DEFAULT_POOL),
    )


def _number(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) else _DEFAULT_TIMEOUT


class TransferHttp:
    """Sends the presigned PUTs and GETs of one client.

    Examples
    --------
    >>> http = TransferHttp(HttpSettings(verify=False))
    >>> http.proxy_for("https://bucket.s3.amazonaws.com/key") is None or True
    True
    >>> http.close()
    """

    def __init__(self, settings: HttpSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._direct: Optional[urllib3.PoolManager] = None
        self._proxied: dict[str, urllib3.ProxyManager] = {}

    def timeout(
        self, *, connect: Optional[float] = None, read: Optional[float] = None
    ) -> urllib3.Timeout:
        """A urllib3 timeout: ``connect``/``read`` when given, else the client's."""
        return urllib3.Timeout(
            connect=connect if connect is not None else self.settings.connect_timeout,
            read=read if read is not None else self.settings.read_timeout,
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: Optional[Iterable[bytes]] = None,
        timeout: urllib3.Timeout,
    ) -> BaseHTTPResponse:
        """Send one request without urllib3 retries or redirects; the body is not preloaded."""
        manager = self._manager_for(self.proxy_for(url))
        return manager.urlopen(
            method,
            url,
            body=body,
            headers=dict(headers),
            retries=False,
            redirect=False,
            preload_content=False,
            decode_content=False,
            timeout=timeout,
            chunked=False,
            enforce_content_length=True,
        )

    def proxy_for(self, url: str) -> Optional[str]:
        """The proxy URL for ``url``: the client's ``proxies``, else the environment's."""
        proxies = self.settings.proxies
        if proxies is None:
            proxies = get_environ_proxies(url)
        proxy = proxies.get(urlparse(url).scheme) if proxies else None
        if not proxy:
            return None
        if proxy.startswith(("http:", "https:")):
            return proxy
        return "http:" + proxy if proxy.startswith("//") else "http://" + proxy

    def close(self) -> None:
        with self._lock:
            managers: list[urllib3.PoolManager] = list(self._proxied.values())
            if self._direct is not None:
                managers.append(self._direct)
            self._direct = None
            self._proxied = {}
        for manager in managers:
            manager.clear()

    def _manager_for(self, proxy_url: Optional[str]) -> urllib3.PoolManager:
        with self._lock:
            if proxy_url is None:
                if self._direct is None:
                    self._direct = urllib3.PoolManager(**self._pool_arguments())
                return self._direct
            manager = self._proxied.get(proxy_url)
            if manager is None:
                manager = self._proxy_manager(proxy_url)
                self._proxied[proxy_url] = manager
            return manager

    def _pool_arguments(self) -> dict[str, Any]:
        settings = self.settings
        arguments: dict[str, Any] = {
            "num_pools": 10,
            "maxsize": settings.max_pool_connections,
            "retries": False,
        }
        if settings.verify is False:
            arguments["cert_reqs"] = "CERT_NONE"
        else:
            arguments["cert_reqs"] = "CERT_REQUIRED"
            arguments["ca_certs"] = get_cert_path(settings.verify)
        if isinstance(settings.client_cert, str):
            arguments["cert_file"] = settings.client_cert
        elif isinstance(settings.client_cert, tuple):
            arguments["cert_file"], arguments["key_file"] = settings.client_cert
        return arguments

    def _proxy_manager(self, proxy_url: str) -> urllib3.ProxyManager:
        arguments = self._pool_arguments()
        parsed = urlparse(proxy_url)
        if parsed.username:
            user = unquote(parsed.username)
            password = unquote(parsed.password or "")
            token = b64encode(f"{user}:{password}".encode()).decode("ascii")
            arguments["proxy_headers"] = {"Proxy-Authorization": f"Basic {token}"}
        proxy_config = self.settings.proxies_config
        if proxy_config.get("proxy_use_forwarding_for_https"):
            arguments["use_forwarding_for_https"] = True
        context = _proxy_ssl_context(proxy_config)
        if context is not None:
            arguments["proxy_ssl_context"] = context
        return urllib3.ProxyManager(proxy_url, **arguments)


def _proxy_ssl_context(proxy_config: Mapping[str, Any]) -> Any:
    ca_bundle = proxy_config.get("proxy_ca_bundle")
    client_cert = proxy_config.get("proxy_client_cert")
    if ca_bundle is None and client_cert is None:
        return None
    import ssl

    context = ssl.create_default_context(cafile=ca_bundle)
    if isinstance(client_cert, tuple):
        context.load_cert_chain(client_cert[0], keyfile=client_cert[1])
    elif isinstance(client_cert, str):
        context.load_cert_chain(client_cert)
    return context


_POOLS: weakref.WeakKeyDictionary[Any, TransferHttp] = weakref.WeakKeyDictionary()
_POOLS_LOCK = threading.Lock()


def http_for_client(client: Any) -> TransferHttp:
    """The :class:`TransferHttp` of ``client``, created once and kept as long as the client."""
    with _POOLS_LOCK:
        try:
            existing = _POOLS.get(client)
        except TypeError:  # an object that cannot be weakly referenced
            return TransferHttp(settings_from_client(client))
        if existing is None:
            existing = TransferHttp(settings_from_client(client))
            _POOLS[client] = existing
        return existing


def describe_error(error: BaseException) -> str:
    """A one-line description of ``error`` safe to put in a message (no URL query, no token)."""
    text = _URL_USERINFO.sub("//<redacted>@", _URL_QUERY.sub("?<redacted>", str(error)))
    text = redact_text(text)
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def is_permanent(error: BaseException) -> bool:
    """True for transport errors no retry can fix: the server's certificate is not trusted."""
    pending: list[object] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen or not isinstance(current, BaseException):
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        pending.extend(current.args)
        pending.extend([current.__cause__, current.__context__])
    return False
