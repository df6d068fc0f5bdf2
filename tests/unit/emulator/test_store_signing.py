"""Presigned URLs of the local store: what passes and what S3 would refuse."""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest

from boto3_connectparticipant_ext.emulator._store import LocalObjectStore, S3Error

HEADERS = {
    "Content-Type": "text/plain",
    "Content-Length": "3",
    "x-amz-acl": "bucket-owner-full-control",
    "x-amz-meta-contact_id": "c1",
}


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(clock: Clock) -> Iterator[LocalObjectStore]:
    created = LocalObjectStore(
        base_url="http://127.0.0.1:8000", bucket="bucket", region="us-east-1", clock=clock
    )
    yield created
    created.close()


def split(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path, dict(parse_qsl(parts.query))


def wire(headers: dict[str, str]) -> dict[str, str]:
    return {"Host": "127.0.0.1:8000", **headers}


def test_exact_headers_pass(store: LocalObjectStore) -> None:
    path, query = split(store.upload_url(key="a/b c.txt", headers=HEADERS, expires_in=60))
    assert store.key_of(path) == "a/b c.txt"
    assert query["X-Amz-SignedHeaders"] == (
        "content-length;content-type;host;x-amz-acl;x-amz-meta-contact_id"
    )
    store.verify("PUT", path, query, wire(HEADERS))
    store.verify("PUT", path, query, wire({name.upper(): value for name, value in HEADERS.items()}))


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_each_signed_header_matters(store: LocalObjectStore, name: str) -> None:
    path, query = split(store.upload_url(key="k", headers=HEADERS, expires_in=60))
    missing = {key: value for key, value in HEADERS.items() if key != name}
    with pytest.raises(S3Error) as caught:
        store.verify("PUT", path, query, wire(missing))
    assert (caught.value.status, caught.value.code) == (403, "SignatureDoesNotMatch")
    with pytest.raises(S3Error):
        store.verify("PUT", path, query, wire({**HEADERS, name: HEADERS[name] + "0"}))


def test_method_host_and_query_are_signed(store: LocalObjectStore) -> None:
    path, query = split(store.upload_url(key="k", headers=HEADERS, expires_in=60))
    with pytest.raises(S3Error):
        store.verify("GET", path, query, wire(HEADERS))
    with pytest.raises(S3Error):
        store.verify("PUT", path, query, {**HEADERS, "Host": "localhost:8000"})
    with pytest.raises(S3Error):
        store.verify("PUT", path, {**query, "X-Amz-Expires": "99999"}, wire(HEADERS))


def test_unsigned_amz_headers_are_refused(store: LocalObjectStore) -> None:
    path, query = split(store.upload_url(key="k", headers=HEADERS, expires_in=60))
    with pytest.raises(S3Error) as caught:
        store.verify(
            "PUT", path, query, wire({**HEADERS, "x-amz-server-side-encryption": "AES256"})
        )
    assert caught.value.code == "AccessDenied"
    assert "x-amz-server-side-encryption" in caught.value.xml("r")
    store.verify("PUT", path, query, wire({**HEADERS, "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}))


def test_expiry(store: LocalObjectStore, clock: Clock) -> None:
    path, query = split(store.upload_url(key="k", headers=HEADERS, expires_in=60))
    clock.now += 60
    store.verify("PUT", path, query, wire(HEADERS))
    clock.now += 1
    with pytest.raises(S3Error) as caught:
        store.verify("PUT", path, query, wire(HEADERS))
    assert caught.value.message == "Request has expired"
    assert "<X-Amz-Expires>60</X-Amz-Expires>" in caught.value.xml("r")


def test_missing_signature_parameters(store: LocalObjectStore) -> None:
    with pytest.raises(S3Error) as caught:
        store.verify("GET", "/_store/bucket/k", {}, wire({}))
    assert caught.value.code == "AccessDenied"


def test_download_url_signs_content_disposition(store: LocalObjectStore) -> None:
    url = store.download_url(key="k", expires_in=5, content_disposition='inline; filename="a"')
    path, query = split(url)
    assert query["response-content-disposition"] == 'inline; filename="a"'
    store.verify("GET", path, query, wire({}))
    with pytest.raises(S3Error):
        store.verify("GET", path, {**query, "response-content-disposition": "attachment"}, wire({}))


def test_objects_live_in_one_temporary_directory_removed_on_close(store: LocalObjectStore) -> None:
    descriptor, temp_path = store.new_temp_file()
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(b"abc")
    store.commit("k", temp_path, size=3, etag='"e"', headers={"Content-Type": "text/plain"})
    stored = store.get("k")
    assert stored is not None and store.object_size("k") == 3
    directory = os.path.dirname(stored.path)
    descriptor, second = store.new_temp_file()
    os.close(descriptor)
    store.commit("k", second, size=0, etag='"f"', headers={})
    assert not os.path.exists(stored.path)
    store.close()
    assert not os.path.exists(directory)
    assert store.object_size("k") is None


def test_error_xml_escapes() -> None:
    xml = S3Error(400, "Bad", "a < b & c", {"Detail": "<x>"}).xml("id")
    assert "a &lt; b &amp; c" in xml and "<Detail>&lt;x&gt;</Detail>" in xml
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
