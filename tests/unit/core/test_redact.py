"""redact_text() on the shapes secrets take in botocore, urllib3 and websocket logs."""

from __future__ import annotations

import pytest

from boto3_connectparticipant_ext.redact import mask, redact_text

SECRET = "QVFJREFIaGVsbG8tc2VjcmV0LXRva2Vu=="


@pytest.mark.parametrize(
    "text",
    [
        f"{{'X-Amz-Bearer': b'{SECRET}', 'User-Agent': 'Boto3'}}",
        f"{{'X-Amz-Bearer': '{SECRET}'}}",
        f'b\'{{"ConnectionCredentials":{{"ConnectionToken":"{SECRET}","Expiry":"x"}}}}\'',
        f"{{'ParticipantToken': '{SECRET}', 'Type': ['WEBSOCKET']}}",
        f'{{"content":"{{\\"ConnectionToken\\":\\"{SECRET}\\"}}"}}',
        f'"PUT /bucket/key?X-Amz-Algorithm=AWS4&X-Amz-Signature={SECRET} HTTP/1.1" 200',
        f"https://s3.amazonaws.com/b/k?X-Amz-Credential={SECRET}%2F20240101&X-Amz-Expires=60",
        f"wss://abc.transport.connect.us-east-1.amazonaws.com/?{SECRET}",
        f"ws://127.0.0.1:1234/ws?AuthToken={SECRET}",
        f"x-amz-bearer: {SECRET}",
        f"Authorization: Bearer {SECRET}",
        f"{{'Authorization': b'AWS4-HMAC-SHA256 Credential=AKID/x, Signature={SECRET}'}}",
        f'{{"Url":"https://b.s3.amazonaws.com/k?a=1\\u0026X-Amz-Signature={SECRET}"}}',
    ],
)
def test_secret_is_removed(text: str) -> None:
    cleaned = redact_text(text)
    assert SECRET not in cleaned
    assert "<redacted>" in cleaned


def test_harmless_text_is_unchanged() -> None:
    text = "Making request for OperationModel(name=GetTranscript) with params: {'MaxResults': 100}"
    assert redact_text(text) == text
    assert redact_text("https://s3.amazonaws.com/b/k?list-type=2") == (
        "https://s3.amazonaws.com/b/k?list-type=2"
    )


def test_context_around_the_secret_survives() -> None:
    cleaned = redact_text(f"GET /file?X-Amz-Signature={SECRET}&x-id=GetObject")
    assert cleaned == "GET /file?X-Amz-Signature=<redacted>&x-id=GetObject"


def test_mask_hides_everything_but_the_length() -> None:
    assert SECRET not in mask(SECRET)
    assert mask(SECRET) == f"<redacted:{len(SECRET)} chars>"


@pytest.mark.parametrize(
    "text",
    [
        "Parameter validation failed:\nInvalid type for parameter ConnectionToken, "
        f"value: b'{SECRET}', type: <class 'bytes'>, valid types: <class 'str'>",
        f"Invalid type for parameter ParticipantToken, value: bytearray(b'{SECRET}'), type: x",
        f"{{'UploadMetadata': {{'Url': 'https://store.example/k?sig={SECRET}&e=1'}}}}",
        f'b\'{{"Url":"https://store.example/k?sig={SECRET}\\\\u0026e=1"}}\'',
    ],
)
def test_botocore_validation_values_and_url_keys_are_redacted(text: str) -> None:
    assert SECRET not in redact_text(text)


def test_learned_capability_urls_are_redacted_by_role_and_bounded() -> None:
    from boto3_connectparticipant_ext import redact

    url = f"https://user:pw@proxy.example/obj?grant={SECRET}&ttl=60"
    assert SECRET in redact_text(f"GET /obj?grant={SECRET}&ttl=60 HTTP/1.1")  # unknown name
    redact.remember_capability_url(url)
    for text in (
        f"GET /obj?grant={SECRET}&ttl=60 HTTP/1.1",
        f"Max retries exceeded with url: /obj?grant={SECRET}&ttl=60 (Caused by X)",
        repr({"link": url}),
        f"{url}).",
    ):
        cleaned = redact_text(text)
        assert SECRET not in cleaned and "user:pw" not in cleaned, cleaned
    assert redact_text("GET /obj?page=2 HTTP/1.1") == "GET /obj?page=2 HTTP/1.1"
    for number in range(redact.MAX_REMEMBERED_URLS):
        redact.remember_capability_url(f"https://s.example/k?x=filler{number}")
    # The oldest URL fell out of the bounded set; name-based rules remain.
    assert SECRET in redact_text(f"GET /obj?grant={SECRET}&ttl=60 HTTP/1.1")
    assert len(redact._learned.queries) == redact.MAX_REMEMBERED_URLS
