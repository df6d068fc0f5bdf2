"""The attachment store: objects on temporary files, and presigned URLs for them.

:class:`LocalObjectStore` serves the objects itself (see ``_store_http``) under
``/_store/<bucket>/<key>`` with S3-style query-string signatures: the
``X-Amz-Signature`` covers the method, path, query and every signed header, so a
PUT missing or altering one of ``HeadersToInclude`` fails like S3 does. Objects
live in one temporary directory, removed by :meth:`close`.

:class:`S3ObjectStore` hands out real presigned URLs of an S3-compatible server
(moto's server mode) for tests that need S3's own semantics.

Examples
--------
>>> store = LocalObjectStore(base_url="http://127.0.0.1:9", bucket="b", region="us-east-1")
>>> url = store.upload_url(key="k.txt", headers={"Content-Type": "text/plain"}, expires_in=60)
>>> url.startswith("http://127.0.0.1:9/_store/b/k.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256")
True
>>> store.close()
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import hmac
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Mapping
from typing import Any, Callable, Optional, Protocol
from urllib.parse import quote, urlencode

STORE_PREFIX = "/_store/"
_SIGNED_QUERY = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
)


class ObjectStore(Protocol):
    """What the participant API needs from an attachment store."""

    def upload_url(self, *, key: str, headers: Mapping[str, str], expires_in: float) -> str: ...

    def download_url(
        self, *, key: str, expires_in: float, content_disposition: Optional[str]
    ) -> str: ...

    def object_size(self, key: str) -> Optional[int]: ...

    def close(self) -> None: ...


class S3Error(Exception):
    """An S3 error answer (XML body)."""

    def __init__(
        self, status: int, code: str, message: str, details: Optional[dict[str, str]] = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = dict(details or {})

    def xml(self, request_id: str) -> str:
        extra = "".join(
            f"<{name}>{_xml_escape(value)}</{name}>" for name, value in self.details.items()
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{self.code}</Code><Message>{_xml_escape(self.message)}</Message>"
            f"{extra}<RequestId>{request_id}</RequestId>"
            f"<HostId>{secrets.token_urlsafe(48)}</HostId></Error>"
        )


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclasses.dataclass
class StoredObject:
    path: str
    size: int
    etag: str
    headers: dict[str, str]
    modified: float


class LocalObjectStore:
    """Objects on temporary files, reachable through presigned URLs of the emulator."""

    def __init__(
        self,
        *,
        base_url: str,
        bucket: str,
        region: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url
        self.bucket = bucket
        self.region = region
        self._clock = clock
        self._key = secrets.token_bytes(32)
        self.access_key_id = "ASIA" + secrets.token_hex(8).upper()
        self._directory: Optional[str] = None
        self._objects: dict[str, StoredObject] = {}
        self._counter = 0

    # -- presigning ----------------------------------------------------------------

    def upload_url(self, *, key: str, headers: Mapping[str, str], expires_in: float) -> str:
        return self._presign("PUT", key, headers=headers, expires_in=expires_in)

    def download_url(
        self, *, key: str, expires_in: float, content_disposition: Optional[str]
    ) -> str:
        extra = {"response-content-disposition": content_disposition} if content_disposition else {}
        return self._presign("GET", key, headers={}, expires_in=expires_in, extra_query=extra)

    def path_of(self, key: str) -> str:
        return f"{STORE_PREFIX}{self.bucket}/{quote(key, safe='/')}"

    def _presign(
        self,
        method: str,
        key: str,
        *,
        headers: Mapping[str, str],
        expires_in: float,
        extra_query: Optional[dict[str, str]] = None,
    ) -> str:
        now = datetime.datetime.fromtimestamp(self._clock(), tz=datetime.timezone.utc)
        amz_date = now.strftime("%Y%m%dT%H%M%SZ")
        host = self.base_url.split("://", 1)[1]
        signed = {"host": host, **{name.lower(): value for name, value in headers.items()}}
        query = {
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Credential": (
                f"{self.access_key_id}/{amz_date[:8]}/{self.region}/s3/aws4_request"
            ),
            "X-Amz-Date": amz_date,
            "X-Amz-Expires": str(max(1, int(expires_in))),
            "X-Amz-SignedHeaders": ";".join(sorted(signed)),
            **(extra_query or {}),
        }
        path = self.path_of(key)
        query["X-Amz-Signature"] = self._signature(method, path, query, signed)
        return f"{self.base_url}{path}?{urlencode(query, quote_via=quote)}"

    def _signature(
        self, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str]
    ) -> str:
        canonical_query = "&".join(
            f"{quote(name, safe='')}={quote(value, safe='')}"
            for name, value in sorted(query.items())
            if name != "X-Amz-Signature"
        )
        canonical_headers = "".join(
            f"{name}:{' '.join(value.split())}\n" for name, value in sorted(headers.items())
        )
        text = f"{method}\n{path}\n{canonical_query}\n{canonical_headers}"
        return hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).hexdigest()

    # -- verification -------------------------------------------------------------

    def verify(
        self, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str]
    ) -> None:
        """Raise :class:`S3Error` unless the request carries a valid, unexpired signature."""
        if any(name not in query for name in _SIGNED_QUERY):
            raise S3Error(
                403,
                "AccessDenied",
                "Query-string authentication requires the X-Amz-Signature, X-Amz-Date "
                "and X-Amz-Expires parameters",
            )
        try:
            signed_at = datetime.datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(
                tzinfo=datetime.timezone.utc
            )
            expires = int(query["X-Amz-Expires"])
        except ValueError:
            raise S3Error(403, "AccessDenied", "X-Amz-Date or X-Amz-Expires is malformed") from None
        expiry = signed_at.timestamp() + expires
        now = self._clock()
        if now > expiry:
            raise S3Error(
                403,
                "AccessDenied",
                "Request has expired",
                {"X-Amz-Expires": str(expires), "Expires": _iso(expiry), "ServerTime": _iso(now)},
            )
        names = [name for name in query["X-Amz-SignedHeaders"].split(";") if name]
        lowered = {name.lower(): value for name, value in headers.items()}
        unsigned = sorted(
            name
            for name in lowered
            if name.startswith("x-amz-") and name not in names and name != "x-amz-content-sha256"
        )
        if unsigned:
            raise S3Error(
                403,
                "AccessDenied",
                "There were headers present in the request which were not signed",
                {"HeadersNotSigned": ", ".join(unsigned)},
            )
        presented = {name: lowered.get(name, "") for name in names}
        expected = self._signature(method, path, query, presented)
        if not hmac.compare_digest(expected, query["X-Amz-Signature"]):
            raise S3Error(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you "
                "provided. Check your key and signing method.",
                {"AWSAccessKeyId": self.access_key_id},
            )

    # -- objects ------------------------------------------------------------------------

    def key_of(self, path: str) -> Optional[str]:
        """The object key of a ``/_store/<bucket>/<key>`` path (``None``: other bucket)."""
        from urllib.parse import unquote

        prefix = f"{STORE_PREFIX}{self.bucket}/"
        if not path.startswith(prefix):
            return None
        return unquote(path[len(prefix) :])

    def new_temp_file(self) -> tuple[int, str]:
        if self._directory is None:
            self._directory = tempfile.mkdtemp(prefix="connect-emulator-")
        return tempfile.mkstemp(dir=self._directory, suffix=".part")

    def commit(
        self, key: str, temp_path: str, *, size: int, etag: str, headers: dict[str, str]
    ) -> None:
        """Make a fully received upload the object ``key`` (replacing an older one)."""
        self._counter += 1
        assert self._directory is not None
        final = os.path.join(self._directory, f"object-{self._counter}")
        os.replace(temp_path, final)
        old = self._objects.get(key)
        self._objects[key] = StoredObject(final, size, etag, headers, self._clock())
        if old is not None:
            _remove(old.path)

    def get(self, key: str) -> Optional[StoredObject]:
        return self._objects.get(key)

    def object_size(self, key: str) -> Optional[int]:
        stored = self._objects.get(key)
        return None if stored is None else stored.size

    def close(self) -> None:
        """Delete every object and the temporary directory."""
        self._objects.clear()
        directory, self._directory = self._directory, None
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


def _iso(epoch: float) -> str:
    return datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


class S3ObjectStore:
    """Presigned URLs of a real S3-compatible server (moto in server mode).

    Examples
    --------
    >>> from moto.server import ThreadedMotoServer          # doctest: +SKIP
    >>> server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)  # doctest: +SKIP
    """

    def __init__(self, *, endpoint_url: str, bucket: str, region: str) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self._client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id="emulator",
            aws_secret_access_key="emulator-secret",
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )
        try:
            self._client.head_bucket(Bucket=bucket)
        except Exception:
            self._client.create_bucket(Bucket=bucket)

    def upload_url(self, *, key: str, headers: Mapping[str, str], expires_in: float) -> str:
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        metadata = {}
        for name, value in headers.items():
            lowered = name.lower()
            if lowered == "content-type":
                params["ContentType"] = value
            elif lowered == "content-disposition":
                params["ContentDisposition"] = value
            elif lowered == "content-length":
                params["ContentLength"] = int(value)
            elif lowered == "x-amz-acl":
                params["ACL"] = value
            elif lowered.startswith("x-amz-meta-"):
                metadata[lowered[len("x-amz-meta-") :]] = value
        if metadata:
            params["Metadata"] = metadata
        url: str = self._client.generate_presigned_url(
            "put_object", Params=params, ExpiresIn=int(expires_in)
        )
        return url

    def download_url(
        self, *, key: str, expires_in: float, content_disposition: Optional[str]
    ) -> str:
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if content_disposition:
            params["ResponseContentDisposition"] = content_disposition
        url: str = self._client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=int(expires_in)
        )
        return url

    def object_size(self, key: str) -> Optional[int]:
        from botocore.exceptions import ClientError

        try:
            answer = self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError:
            return None
        return int(answer["ContentLength"])

    def close(self) -> None:
        self._client.close()
