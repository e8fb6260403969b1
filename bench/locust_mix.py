"""The load test's crowd: readers, proposers, supporters (who also comment) and editors.

Logged-in users log in through the real form and post real forms with their CSRF tokens.
Every write that succeeded, as the user saw it, is recorded (with a unique token in its
text), so bench/loadtest.py can check afterwards that the database holds each one exactly
once. The users' input (paragraphs, amendments, accounts) comes from LOADTEST_INPUT; the
record goes to LOADTEST_RECORD when the run stops.
"""

from __future__ import annotations

import html
import json
import os
import random
import re
import uuid
from typing import Any

from locust import HttpUser, between, events, task

INPUT: dict[str, Any] = json.loads(open(os.environ["LOADTEST_INPUT"]).read())  # noqa: SIM115
RECORD: dict[str, list[Any]] = {
    "proposals": [],
    "proposals_refused": [],
    "supports": [],
    "supports_refused": [],
    "comments": [],
    "accepted": [],
    "rejected": [],
    "decisions_refused": [],
}
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_TEXTAREA = re.compile(r'<textarea name="text"[^>]*>(.*?)</textarea>', re.DOTALL)
_SEEN = re.compile(r'name="seen_version" value="(\d+)"')
_QUEUE_ITEM = re.compile(r'name="ids" value="(\d+)" id="pick-\d+">')
_accounts = {"member": 0, "editor": 0}


@events.test_stop.add_listener
def _write_record(**_: Any) -> None:
    with open(os.environ["LOADTEST_RECORD"], "w") as output:
        json.dump(RECORD, output)


def _token() -> str:
    return f"LT-{uuid.uuid4().hex[:12]}"


def _csrf(page: str) -> str:
    found = _CSRF.search(page)
    return found.group(1) if found else ""


class _Member(HttpUser):
    abstract = True
    role = "member"

    def on_start(self) -> None:
        accounts = INPUT[f"{self.role}s"]
        self.username = accounts[_accounts[self.role] % len(accounts)]
        _accounts[self.role] += 1
        page = self.client.get("/accounts/login/", name="log in (form)").text
        response = self.client.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": _csrf(page),
                "username": self.username,
                "password": INPUT["password"],
                "next": "/",
            },
            name="log in",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not log in ({response.status_code})")

    def amendment_page(self, pk: int) -> str:
        return self.client.get(f"/amendments/{pk}/", name="/amendments/[id]/").text


class Reader(HttpUser):
    """An anonymous visitor reading chapters, paragraphs and amendments."""

    weight = 10
    wait_time = between(0.2, 1.0)

    @task(3)
    def chapter(self) -> None:
        self.client.get(f"/chapters/{random.choice(INPUT['chapters'])}/", name="/chapters/[slug]/")

    @task(3)
    def paragraph(self) -> None:
        slug, key = random.choice(INPUT["paragraphs"])
        self.client.get(f"/chapters/{slug}/p/{key}/", name="/chapters/[slug]/p/[key]/")

    @task(3)
    def amendment(self) -> None:
        self.client.get(
            f"/amendments/{random.choice(INPUT['amendments'])}/", name="/amendments/[id]/"
        )

    @task(1)
    def index(self) -> None:
        self.client.get("/", name="/")

    @task(1)
    def compare(self) -> None:
        slug = random.choice(INPUT["chapters"])
        self.client.get(f"/chapters/{slug}/compare/", name="/chapters/[slug]/compare/")


class Proposer(_Member):
    """A member proposing changes: a sentence added to a paragraph, through the form."""

    weight = 3
    wait_time = between(0.5, 2.0)

    @task
    def propose(self) -> None:
        slug, key = random.choice(INPUT["busy"] if random.random() < 0.3 else INPUT["paragraphs"])
        url = f"/chapters/{slug}/p/{key}/propose/"
        page = self.client.get(url, name="/chapters/[slug]/p/[key]/propose/").text
        text, seen = _TEXTAREA.search(page), _SEEN.search(page)
        if not (text and seen):
            return
        token = _token()
        response = self.client.post(
            url,
            {
                "csrfmiddlewaretoken": _csrf(page),
                "kind": "replace",
                "title": f"Load test {token}",
                "text": html.unescape(text.group(1)) + f" The load test adds {token}.",
                "reason": "Measured under load.",
                "seen_version": seen.group(1),
                "action": "submit",
            },
            name="propose (POST)",
            allow_redirects=False,
        )
        if response.status_code == 302 and "/amendments/" in response.headers.get("Location", ""):
            number = int(response.headers["Location"].rstrip("/").split("/")[-1])
            RECORD["proposals"].append([token, number, self.username])
        elif response.status_code == 200:
            RECORD["proposals_refused"].append(token)  # the form came back with a reason


class Supporter(_Member):
    """A member supporting other members' amendments and commenting on them."""

    weight = 3
    wait_time = between(0.5, 2.0)

    @task(2)
    def support(self) -> None:
        pk = random.choice(INPUT["amendments"])
        page = self.amendment_page(pk)
        if f'action="/amendments/{pk}/support/"' not in page or 'value="remove"' in page:
            return  # their own, not open, or already supported
        response = self.client.post(
            f"/amendments/{pk}/support/",
            {"csrfmiddlewaretoken": _csrf(page)},
            name="support (POST)",
        )
        if "You support this amendment." in response.text:
            RECORD["supports"].append([pk, self.username])
        elif response.status_code == 200:
            RECORD["supports_refused"].append(pk)

    @task(1)
    def comment(self) -> None:
        pk = random.choice(INPUT["amendments"])
        page = self.amendment_page(pk)
        token = _token()
        response = self.client.post(
            f"/amendments/{pk}/comment/",
            {"csrfmiddlewaretoken": _csrf(page), "body": f"A comment under load, {token}."},
            name="comment (POST)",
            allow_redirects=False,
        )
        if response.status_code == 302 and "#comment-" in response.headers.get("Location", ""):
            RECORD["comments"].append([token, pk, self.username])


class Editor(_Member):
    """An editor working the review queue: accepting or rejecting what is on its first pages."""

    role = "editor"
    fixed_count = 2
    wait_time = between(1.0, 3.0)

    @task
    def decide(self) -> None:
        page = self.client.get(
            f"/review/?page={random.randint(1, 5)}", name="/review/?page=[n]"
        ).text
        candidates = [int(pk) for pk in _QUEUE_ITEM.findall(page)]
        if not candidates:
            return
        pk = random.choice(candidates)
        detail = self.amendment_page(pk)
        if f'action="/amendments/{pk}/accept/"' not in detail:
            return  # their own, or decided meanwhile
        accept = random.random() < 0.5
        response = self.client.post(
            f"/amendments/{pk}/{'accept' if accept else 'reject'}/",
            {"csrfmiddlewaretoken": _csrf(detail), "reject-reason": "Not this time."},
            name="accept (POST)" if accept else "reject (POST)",
        )
        done = "was accepted" if accept else "was rejected"
        if done in response.text:
            RECORD["accepted" if accept else "rejected"].append([pk, self.username])
        elif response.status_code == 200:
            RECORD["decisions_refused"].append(pk)
