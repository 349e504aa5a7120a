"""As deployed: two machines (gunicorn, two workers each), one scheduler, PostgreSQL, Redis
and an S3-compatible store. What a citizen, a clerk and an operator would notice."""
from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.deployment.conftest import FAQ_API_LIMIT, csrf_token, login
from tests.helpers import API_CAPTCHA

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def letter(marker: str, n: int) -> dict:
    return {"channel": "consultation", "kind": "consultation", "title": f"部署测试来信{marker}第{n}封",
            "body": "请问社保卡丢失后如何补办？", "name": "测试市民", "phone": "13800001234",
            "publish_consent": False}


def submit(base: str, marker: str, n: int, key: str, address: str, timeout: float = 30) -> requests.Response:
    return requests.post(f"{base}/api/v1/letters", json=letter(marker, n), timeout=timeout,
                         headers={"Idempotency-Key": key, "X-Forwarded-For": address, **API_CAPTCHA})


def stored_letters(deployment, marker: str) -> list[tuple[str, str]]:
    return [tuple(row) for row in deployment.sql(
        "SELECT number, title FROM letters WHERE title LIKE :pattern", pattern=f"部署测试来信{marker}第%")]


def test_letters_through_both_machines_are_stored_once(deployment):
    marker, address = uuid.uuid4().hex[:6], deployment.client_address()
    keys = [uuid.uuid4().hex for _ in range(20)]
    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda n: submit(deployment.a if n % 2 else deployment.b, marker, n, keys[n],
                                                   address), range(20)))
    assert [r.status_code for r in responses] == [201] * 20
    numbers = [r.json()["number"] for r in responses]
    # A citizen whose answer got lost sends again, reaching the other machine: same letter.
    again = submit(deployment.a, marker, 2, keys[2], address)  # first went through b
    assert again.status_code == 200 and again.json()["duplicate"] and again.json()["number"] == numbers[2]
    stored = stored_letters(deployment, marker)
    assert len(stored) == 20 and sorted(number for number, _ in stored) == sorted(numbers)
    assert len(set(numbers)) == 20


def test_rate_limit_is_shared_by_all_workers_of_both_machines(deployment):
    address = deployment.client_address()
    statuses = []
    for n in range(FAQ_API_LIMIT + 4):
        base = deployment.a if n % 2 else deployment.b
        response = requests.get(f"{base}/api/v1/faq/answer", params={"q": "社保卡怎么补办"}, timeout=30,
                                headers={"X-Forwarded-For": address})
        statuses.append(response.status_code)
    # Counted once for the installation: 20 answers in all, not 20 per worker.
    assert statuses[:FAQ_API_LIMIT] == [200] * FAQ_API_LIMIT
    assert statuses[FAQ_API_LIMIT:] == [429] * 4
    # Another visitor is not affected.
    other = requests.get(f"{deployment.a}/api/v1/faq/answer", params={"q": "社保卡怎么补办"}, timeout=30,
                         headers={"X-Forwarded-For": deployment.client_address()})
    assert other.status_code == 200


def test_session_ended_on_one_machine_is_ended_on_the_other(deployment):
    address = deployment.client_address()
    headers = {"X-Forwarded-For": address}
    office = requests.Session()
    deployment.closing.append(office)
    login(office, deployment.a, "office", address)
    assert office.get(f"{deployment.b}/staff/", headers=headers, allow_redirects=False).status_code == 200
    copied = dict(office.cookies)  # a copy of the cookie, as an attacker or a second tab keeps it
    page = office.get(f"{deployment.a}/staff/", headers=headers)
    logout = office.post(f"{deployment.a}/logout", headers=headers, allow_redirects=False,
                         data={"csrf_token": csrf_token(page.text)})
    assert logout.status_code == 302
    replay = requests.get(f"{deployment.b}/staff/", cookies=copied, headers=headers, allow_redirects=False,
                          timeout=30)
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]


def until_finished(session: requests.Session, page: requests.Response, headers: dict) -> requests.Response:
    """Follow an import job page as the curator's browser does: while the job is still
    running (the task worker may take it before the request runs it inline) the page
    refreshes itself every 2 s."""
    deadline = time.monotonic() + 60
    while 'http-equiv="refresh"' in page.text and time.monotonic() < deadline:
        time.sleep(1)
        page = session.get(page.url, headers=headers, timeout=30)
    return page


def test_faq_edit_on_one_machine_is_answered_by_the_other_within_seconds(deployment):
    address = deployment.client_address()
    question = "部署测试：无人机在市区飞行需要向哪里报备？"

    def ask_b():
        return requests.get(f"{deployment.b}/api/v1/faq/answer", params={"q": "无人机在市区飞行向哪里报备"},
                            headers={"X-Forwarded-For": address}, timeout=30).json()

    assert (ask_b()["best"] or {}).get("question") != question  # b's index is built and lacks it
    curator = requests.Session()
    deployment.closing.append(curator)
    login(curator, deployment.a, "curator", address)
    headers = {"X-Forwarded-For": address}
    page = curator.get(f"{deployment.a}/staff/faq/import", headers=headers, timeout=30)
    row = {"question": question, "answer_html": "<p>向公安机关报备飞行计划。</p>", "phrasings": ["无人机飞行报备"],
           "status": "published"}
    checked = curator.post(f"{deployment.a}/staff/faq/import", headers=headers, timeout=60, data={
        "csrf_token": csrf_token(page.text)}, files={"file": ("kb.jsonl", json.dumps(row, ensure_ascii=False) + "\n")})
    checked = until_finished(curator, checked, headers)
    assert checked.status_code == 200 and "预检通过" in checked.text, checked.text[:500]
    job_url = checked.url
    confirmed = curator.post(f"{job_url}/confirm", headers=headers, timeout=60,
                             data={"csrf_token": csrf_token(checked.text)})
    confirmed = until_finished(curator, confirmed, headers)
    assert confirmed.status_code == 200 and "已导入" in confirmed.text, confirmed.text[:500]
    edited_at = time.monotonic()
    while time.monotonic() - edited_at < 15:
        if (ask_b()["best"] or {}).get("question") == question:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("machine b never answered with the entry added on machine a")
    assert time.monotonic() - edited_at < 10


def test_upload_stored_through_one_machine_is_served_by_the_other(deployment):
    address = deployment.client_address()
    headers = {"X-Forwarded-For": address}
    citizen = requests.Session()
    deployment.closing.append(citizen)
    form = citizen.get(f"{deployment.a}/letters/new", headers=headers, timeout=30).text
    token = __import__("re").search(r'name="token"[^>]*value="([^"]+)"', form).group(1)
    title = f"部署测试附件{uuid.uuid4().hex[:6]}"
    sent = citizen.post(f"{deployment.a}/letters/new", headers=headers, timeout=60, allow_redirects=False, data={
        "csrf_token": csrf_token(form), "token": token, "channel": "consultation", "kind": "consultation",
        "title": title, "body": "附件是事发现场的照片，请查看后处理。", "name": "测试市民", "phone": "13800001234",
    }, files={"attachments": ("现场.png", PNG, "image/png")})
    assert sent.status_code == 302, sent.text[:500]
    [(letter_id, attachment_id)] = deployment.sql(
        "SELECT l.id, a.id FROM letters l JOIN letter_attachments a ON a.letter_id = l.id WHERE l.title = :t", t=title)
    office = requests.Session()
    deployment.closing.append(office)
    login(office, deployment.b, "office", address)
    response = office.get(f"{deployment.b}/staff/letters/{letter_id}/attachments/{attachment_id}", headers=headers,
                          timeout=30)
    assert response.status_code == 200 and response.content == PNG
    # Nothing in b's (or a's) local folder: the bytes live in the shared store.
    assert not any(p.is_file() for p in (deployment.logs.parent / "b").rglob("uploads/**/*"))


def test_kill_9_of_a_worker_under_load_loses_no_acknowledged_letter(deployment):
    marker, address = uuid.uuid4().hex[:6], deployment.client_address()
    acknowledged: dict[str, str] = {}  # idempotency key → number
    unanswered: list[tuple[int, str]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + 8
    counter = iter(range(100000))

    def client(slot: int) -> None:
        while time.monotonic() < stop_at:
            with lock:
                n = next(counter)
            key = uuid.uuid4().hex
            base = deployment.a if n % 2 else deployment.b
            try:
                response = submit(base, marker, n, key, address, timeout=20)
            except requests.RequestException:
                with lock:
                    unanswered.append((n, key))
                continue
            with lock:
                if response.status_code == 201:
                    acknowledged[key] = response.json()["number"]
                else:
                    unanswered.append((n, key))

    threads = [threading.Thread(target=client, args=(slot,)) for slot in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(2.5)
    victim = deployment.workers("a")[0]
    os.kill(victim, signal.SIGKILL)
    for thread in threads:
        thread.join(60)
    assert len(acknowledged) > 20
    stored = dict((number, title) for number, title in stored_letters(deployment, marker))
    # Every letter a citizen got a number for is there, once.
    assert set(acknowledged.values()) <= set(stored)
    assert len(stored) == len(stored_letters(deployment, marker))
    # Those who got no answer send again (same key) and get one letter, never two.
    for n, key in unanswered:
        retry = submit(deployment.b, marker, n, key, address)
        assert retry.status_code in (200, 201)
        acknowledged[key] = retry.json()["number"]
    stored_after = stored_letters(deployment, marker)
    assert len(stored_after) == len(acknowledged) == len({number for number, _ in stored_after})
    # The master replaced the killed worker; machine a still answers.
    assert victim not in deployment.workers("a") and len(deployment.workers("a")) == 2
    assert requests.get(f"{deployment.a}/readyz", timeout=10).status_code == 200


def test_metrics_add_up_the_workers_and_readyz_checks_redis(deployment):
    text = requests.get(f"{deployment.a}/metrics", timeout=30).text
    line = next(l for l in text.splitlines()
                if l.startswith('interact_http_requests_total{endpoint="api.submit_letter",method="POST",status="201"}'))
    assert float(line.split()[-1]) > 10
    assert "interact_faq_index_version_info{" in text and "interact_outbox_emails" in text
    ready = requests.get(f"{deployment.b}/readyz", timeout=10).json()
    assert ready == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
    # Through nginx /metrics is not reachable; from another address the app refuses it too.
    assert requests.get(f"{deployment.a}/metrics", headers={"X-Forwarded-For": "203.0.113.5"},
                        timeout=10).status_code == 404
