"""Customers whose expectations fail on purpose: a timeout and an unexpected reply."""

from __future__ import annotations

from locust import constant

from boto3_connectparticipant_ext.loadtest import ChatUser, LoadConversation


class ImpatientCustomer(ChatUser):
    """Waits for a carousel the support flow never sends: StepTimeout."""

    wait_time = constant(0.2)
    timeout = 1.0

    def flow(self, talk: LoadConversation) -> None:
        talk.expect(text="Welcome", name="greeting")
        talk.expect(template="Carousel", name="carousel")


class QuietCustomer(ChatUser):
    """Expects silence where the flow greets: UnexpectedReply."""

    wait_time = constant(0.2)

    def flow(self, talk: LoadConversation) -> None:
        talk.expect_silence(1.0, name="silence")
