"""Scale benchmark of the letters pages on SQLite.

    PYTHONPATH=. .venv/bin/python bench/letters_scale.py              # 100,000 letters
    PYTHONPATH=. .venv/bin/python bench/letters_scale.py --letters 20000 --samples 30

1. Builds a fresh SQLite database in a temporary file (``db.create_all()``, which also
   creates the FTS5 search table) and fills it with ``--letters`` generated letters:
   about 30 departments, the four kinds, the three channels, every state, spread over
   the two years before today. Rows are bulk-inserted with the columns the services set
   — deadlines from :func:`interact.letters.workflow.deadline_after` on the working-day
   calendar, ``answered_workdays`` from ``workdays_between``, ``answered_on_time``
   against the deadline, hashed query codes — plus the public events of each step, and
   every published letter gets its public copy (``Letter.store_public_copy``) and is
   indexed with :func:`interact.letters.search.index_letter`'s own text preparation
   (``document_texts``: masked with the letter's names, jieba words + bigrams).
2. Runs ``ANALYZE`` unless ``--no-analyze`` (what ``PRAGMA optimize`` on a production
   database does; the figures without it are printed with ``--no-analyze``).
3. Requests each page through the Flask test client (the real routes, templates and
   queries) ``--samples`` times after a warm-up and prints p50/p95 in milliseconds:
   the public list (来信选登), two searches, a letter page, the statistics page, the
   office's overdue list and last year's annual report (logged in as the office), and the
   API equivalents.

The last line is one JSON object with the figures. Target: p95 <= 100 ms per page.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from interact import create_app  # noqa: E402
from interact.config import TestConfig  # noqa: E402
from interact.core import clock, workdays  # noqa: E402
from interact.extensions import db  # noqa: E402
from interact.letters import monthcounts, search, workflow  # noqa: E402
from interact.letters.models import (  # noqa: E402
    Letter,
    LetterChannel,
    LetterEvent,
    LetterKind,
    LetterRating,
    LetterStatus,
    RejectReason,
)

# --- generated content ------------------------------------------------------------------

#: Department → topics: (title pattern, question sentences, answer sentences).
DEPARTMENTS = {
    "市人力资源和社会保障局": [
        ("社保{x}问题咨询", ["我在本市缴纳社保已经{n}年，最近换了工作单位，", "请问社保关系转移接续需要办理哪些手续？",
                         "养老保险缴费年限怎么累计？"], ["社保关系转移可通过国家社会保险公共服务平台在线申请，", "养老保险缴费年限合并计算。"]),
        ("关于失业保险金{x}的咨询", ["本人于今年{n}月被单位解除劳动合同，", "请问失业保险金怎么申领，可以领多久？"],
         ["失业保险金可通过“电子社保卡”线上申领，", "领取期限根据累计缴费时间确定。"]),
        ("灵活就业人员社保{x}", ["我是灵活就业人员，想以个人身份参加社保，", "请问在哪里办理，每月缴多少钱？"],
         ["灵活就业人员可在社保经办窗口或网上办事大厅参保登记，", "缴费基数可在规定范围内自主选择。"]),
    ],
    "市住房公积金管理中心": [
        ("住房公积金提取{x}", ["我想提取住房公积金用于支付房租，", "请问需要准备哪些材料？每年可以提取几次？"],
         ["租房提取住房公积金需提供身份证和租赁合同，", "每年可提取一次，可在手机App办理。"]),
        ("公积金贷款额度{x}咨询", ["我和爱人都缴存公积金，打算购买首套住房，", "请问公积金贷款最高额度是多少？"],
         ["双职工缴存家庭首套住房公积金贷款最高额度按现行政策执行，", "具体以贷款审批为准。"]),
        ("异地转入公积金{x}", ["我从外省调到本市工作，", "原来的公积金账户怎么转移到本市？"],
         ["可通过全国住房公积金小程序办理异地转移接续，", "无需回原籍办理。"]),
    ],
    "市医疗保障局": [
        ("医保异地就医备案{x}", ["我父亲长期在外地居住，", "请问医保异地就医备案怎么办理？报销比例是多少？"],
         ["异地就医备案可通过国家医保服务平台App办理，", "备案后可直接结算。"]),
        ("门诊慢特病{x}认定", ["我患有高血压多年，", "请问门诊慢特病认定需要什么材料？"],
         ["门诊慢特病认定需提供近期病历和检查报告，", "可在定点医院申请。"]),
    ],
    "市公安局": [
        ("户口迁移{x}咨询", ["我在本市买了房子，想把户口迁过来，", "请问需要哪些材料，多长时间能办好？"],
         ["购房落户需提供不动产权证书和身份证件，", "材料齐全的当场受理。"]),
        ("居住证办理{x}", ["我来本市工作半年了，", "请问居住证在哪里办理，需要多久？"],
         ["居住证可在居住地派出所或网上申领，", "一般十五个工作日内制证。"]),
    ],
    "市教育局": [
        ("小学入学{x}政策咨询", ["孩子明年上小学，我们是租房户，", "请问学区怎么划分，需要准备哪些材料？"],
         ["租房家庭子女入学按照积分入学办法执行，", "具体材料以当年招生公告为准。"]),
        ("关于校外培训{x}的投诉", ["孩子报名的培训机构突然停课，", "预交的学费无法退还，请有关部门处理。"],
         ["经核查，该机构已被责令整改，", "已督促其按合同退还学费。"]),
    ],
    "市交通运输局": [
        ("公交线路{x}建议", ["我们小区附近没有公交站，", "建议增设一条公交线路方便居民出行。"],
         ["已将您的建议转交公交集团研究，", "将结合客流调查优化线路。"]),
        ("出租车拒载{x}投诉", ["今天晚上在火车站打车被拒载，", "司机还态度恶劣，请查处。"],
         ["经调查核实，已对涉事驾驶员依法处理，", "感谢您的监督。"]),
    ],
    "市市场监督管理局": [
        ("食品安全{x}投诉", ["我在某超市购买的食品已经过期，", "商家拒绝退换，请求处理。"],
         ["执法人员已对该超市进行检查，", "责令其下架过期食品并依法处罚。"]),
        ("营业执照办理{x}", ["我想开一家小餐馆，", "请问营业执照和食品经营许可证怎么办理？"],
         ["可通过政务服务网一网通办，", "营业执照和许可证可同时申请。"]),
    ],
    "市生态环境局": [
        ("夜间施工噪音{x}投诉", ["我家附近工地夜间一直施工，", "噪音很大严重影响休息，请求处理。"],
         ["执法人员已到现场检查，", "责令施工单位停止夜间违规施工。"]),
        ("河道污染{x}反映", ["小区旁边的河道有异味，", "怀疑有企业偷排污水。"],
         ["经现场排查已找到排污口，", "已依法立案查处。"]),
    ],
    "市住房和城乡建设局": [
        ("物业服务{x}投诉", ["小区物业长期不作为，电梯经常故障，", "请有关部门督促整改。"],
         ["已约谈物业服务企业并督促限期整改，", "将跟踪整改情况。"]),
        ("老旧小区改造{x}咨询", ["我们小区建成二十多年，", "请问是否列入老旧小区改造计划？"],
         ["该小区已列入明年改造计划，", "具体方案将征求居民意见。"]),
    ],
    "市民政局": [
        ("低保申请{x}咨询", ["家里老人身体不好没有收入，", "请问低保怎么申请，需要什么条件？"],
         ["低保申请可向户籍所在地乡镇（街道）提出，", "经家庭经济状况核对后审批。"]),
        ("养老服务补贴{x}", ["我母亲今年八十岁，", "请问高龄津贴怎么领取？"],
         ["八十周岁以上老年人可申领高龄津贴，", "由社区协助办理。"]),
    ],
}
MORE_DEPARTMENTS = [
    "市发展和改革委员会", "市财政局", "市自然资源和规划局", "市农业农村局", "市商务局", "市文化广电旅游局",
    "市卫生健康委员会", "市应急管理局", "市城市管理综合执法局", "市水务局", "市税务局", "市退役军人事务局",
    "市司法局", "市科学技术局", "市工业和信息化局", "市体育局", "市统计局", "市林业局", "市信访局", "市数据局",
]
GENERIC_TOPIC = ("关于{dept}{x}事项的咨询", ["我想咨询一下相关政策，", "请问办理流程和所需材料是什么？"],
                 ["相关政策和办事指南已在部门网站公开，", "也可拨打咨询电话了解。"])
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅志文"
EXTRAS = ["办理", "问题", "政策", "流程", "相关事宜", "时限", "材料", "情况"]
KIND_WEIGHTS = [(LetterKind.CONSULTATION, 55), (LetterKind.SUGGESTION, 15), (LetterKind.COMPLAINT, 20),
                (LetterKind.HELP, 10)]
CHANNEL_WEIGHTS = [(LetterChannel.CONSULTATION, 75), (LetterChannel.MAILBOX, 20), (LetterChannel.FORWARDED, 5)]


def weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


# --- working-day caches ------------------------------------------------------------------


class Calendar:
    """Memoised deadline arithmetic: the workflow's own functions, called once per day."""

    def __init__(self):
        self._deadline: dict[tuple[date, int], tuple[datetime, datetime]] = {}
        self._between: dict[tuple[date, date], int] = {}
        self._add: dict[tuple[date, int], date] = {}

    def deadline(self, start: datetime, n: int) -> tuple[datetime, datetime]:
        key = (workflow.local_date(start), n)
        if key not in self._deadline:
            self._deadline[key] = workflow.deadline_after(start, n)
        return self._deadline[key]

    def between(self, a: datetime, b: datetime) -> int:
        key = (workflow.local_date(a), workflow.local_date(b))
        if key not in self._between:
            self._between[key] = max(workdays.workdays_between(*key), 0)
        return self._between[key]

    def add(self, start: datetime, n: int) -> datetime:
        """A moment ``n`` working days after ``start`` (same wall-clock time)."""
        key = (workflow.local_date(start), n)
        if key not in self._add:
            self._add[key] = workdays.add_workdays(*key)
        day = self._add[key]
        local = clock.to_local(start)
        return clock.local_datetime(day, local.hour, local.minute)


# --- generation --------------------------------------------------------------------------


#: Letters generated, inserted and committed at a time (bounded memory at 1,000,000).
CHUNK = 20_000


def _segment(item):
    """A published letter's public copy (``Letter.store_public_copy``) and its search index
    texts, as publication stores them."""
    letter_id, title, body, name, answer = item
    letter = Letter(title=title, body=body, name=name, answer_html=answer)
    letter.store_public_copy()
    copy = {column: getattr(letter, column) for column in PUBLIC_COPY_COLUMNS}
    words, grams = search.document_texts(title, body, answer, letter.public_names)
    return letter_id, words, grams, copy


PUBLIC_COPY_COLUMNS = ("masked_rules", "masked_names", "masked_title", "masked_body", "masked_answer_html")


#: Above this many letters the generator writes this many in Python and copies them with
#: set-based ``INSERT … SELECT`` (new ids and numbers, same moments), so a million letters
#: take minutes instead of an hour.
REPLICATE_BASE = 100_000


def fill(n_letters: int, seed: int, now: datetime, log) -> dict:
    """Generate ``n_letters`` letters (see the module docstring); returns counts by state."""
    base = min(n_letters, REPLICATE_BASE)
    counts = _generate(base, seed, now, log)
    if n_letters > base:
        t0 = time.perf_counter()
        copies = replicate(base, n_letters)
        for key in counts:
            if key != "departments":
                counts[key] = counts[key] * n_letters // base  # approximately: whole copies of the base
        log(f"copied the {base} generated letters {copies} times set-based in {time.perf_counter() - t0:.0f} s")
    # The rows were inserted without the ORM: count the statistics' running totals once.
    monthcounts.rebuild(db.session.connection())
    seed_number_counters()
    db.session.commit()
    return counts


def seed_number_counters() -> None:
    """The last number issued per day, as a live installation keeps it
    (``letter_number_counters``). The copies' numbers are not contiguous (``+ k·1000``), so
    without this today's first submission counted the day's letters, started inside the
    copies' numbers and every submission of the day met taken numbers (409 系统繁忙: 9,960 of
    10,000 in a 1M integrity run)."""
    seq = "CAST(substr(number, 12) AS INTEGER)"
    db.session.execute(sa.text("DELETE FROM letter_number_counters"))
    db.session.execute(sa.text(
        f"INSERT INTO letter_number_counters (day, last) SELECT substr(number, 3, 8), max({seq}) FROM letters "
        "WHERE number LIKE 'XJ________-%' GROUP BY substr(number, 3, 8)"))


def replicate(base: int, total: int) -> int:
    """Copy letters 1..``base`` (with their events and search rows) until ``total`` letters
    exist: copy ``k`` gets ids ``+ k·base`` and numbers ``+ k·1000`` within their day (the
    generator issues at most a few hundred a day). One ``INSERT … SELECT`` per table and copy."""
    dialect = db.engine.dialect.name
    columns = [c.key for c in Letter.__table__.columns]
    if dialect == "sqlite":
        number = "printf('%s-%04d', substr(number, 1, 10), CAST(substr(number, 12) AS INTEGER) + :k * 1000)"
    else:
        number = "substr(number, 1, 10) || '-' || lpad((substr(number, 12)::int + :k * 1000)::text, 4, '0')"
    special = {"id": "id + :offset", "number": number,
               "upstream_number": "CASE WHEN upstream_number IS NULL THEN NULL ELSE upstream_number || '-' || :k END",
               "idempotency_key": "NULL"}
    select = ", ".join(special.get(c, c) for c in columns)
    event_columns = [c.key for c in LetterEvent.__table__.columns if c.key != "id"]
    event_select = ", ".join("letter_id + :offset" if c == "letter_id" else c for c in event_columns)
    key = "rowid" if dialect == "sqlite" else "letter_id"
    copies = 0
    for k in range(1, -(-total // base)):
        offset = k * base
        last = min(base, total - offset)
        params = {"k": k, "offset": offset, "last": last}
        db.session.execute(sa.text(f"INSERT INTO letters ({', '.join(columns)}) SELECT {select} FROM letters "
                                   f"WHERE id <= :last ORDER BY id"), params)
        db.session.execute(sa.text(f"INSERT INTO letter_events ({', '.join(event_columns)}) SELECT {event_select} "
                                   f"FROM letter_events WHERE letter_id <= :last ORDER BY id"), params)
        texts = "words, grams" if dialect == "sqlite" else "tsv"
        db.session.execute(sa.text(f"INSERT INTO {search.TABLE} ({key}, {texts}) SELECT {key} + :offset, "
                                   f"{texts} FROM {search.TABLE} WHERE {key} <= :last"), params)
        db.session.commit()
        copies += 1
    if dialect == "postgresql":
        db.session.execute(sa.text("SELECT setval(pg_get_serial_sequence('letters', 'id'), (SELECT max(id) FROM letters))"))
        db.session.commit()
    return copies


def _generate(n_letters: int, seed: int, now: datetime, log) -> dict:
    rng = random.Random(seed)
    cal = Calendar()
    limits = workflow.reply_limits()
    from interact.accounts.models import Role, User
    from interact.accounts.services import hash_password
    from interact.departments.models import Department, Leader
    from interact.letters.services import hash_query_code

    departments = []
    names = list(DEPARTMENTS) + MORE_DEPARTMENTS
    for index, name in enumerate(names):
        department = Department(name=name, code=f"B{index:03d}", sort_order=index)
        db.session.add(department)
        departments.append(department)
    db.session.flush()
    leaders = []
    for index, title in enumerate(["市长", "常务副市长", "副市长", "副市长", "秘书长"]):
        leader = Leader(department_id=departments[0].id, name=f"{SURNAMES[index]}{GIVEN[index]}", title=title)
        db.session.add(leader)
        leaders.append(leader)
    office = User(username="bench_office", display_name="办公室", is_staff=True,
                  password_hash=hash_password("bench-password-1"))
    office.set_roles({Role.OFFICE})
    db.session.add(office)
    db.session.commit()
    dept_weights = [max(1, 60 - 2 * i) for i in range(len(departments))]

    start = now - timedelta(days=730)
    span = (now - start).total_seconds()
    letters: list[dict] = []
    events: list[dict] = []
    to_index: list[tuple] = []
    per_day: dict[date, int] = {}
    counts = {s.value: 0 for s in LetterStatus}
    counts.update(published=0, overdue=0)

    # page_serial: the database's default (0), as for a letter the services insert.
    columns = {c.key for c in Letter.__table__.columns} - {"page_serial"}
    search.segment_words("预热分词词典")  # load jieba's dictionary once, before the workers fork
    processes = max(1, min(os.cpu_count() or 1, 4))
    pool = multiprocessing.get_context("fork").Pool(processes)
    totals = {"letters": 0, "events": 0, "indexed": 0}
    t0 = time.perf_counter()

    def flush() -> None:
        """Insert what was generated so far (bulk executemany, one commit per chunk), so
        memory stays bounded whatever the number of letters."""
        rows = pool.map(_segment, to_index, chunksize=500) if to_index else []
        copies = {i: copy for i, _w, _g, copy in rows}
        for chunk in range(0, len(letters), 5000):
            batch = [{k: copies.get(row["id"], row).get(k) if k in PUBLIC_COPY_COLUMNS else row.get(k)
                      for k in columns} for row in letters[chunk:chunk + 5000]]
            db.session.execute(Letter.__table__.insert(), batch)
        for chunk in range(0, len(events), 20000):
            db.session.execute(LetterEvent.__table__.insert(), events[chunk:chunk + 20000])
        if rows:
            db.session.execute(search.insert_statement(db.engine.dialect.name),
                               [{"id": i, "words": w, "grams": g} for i, w, g, _copy in rows])
        db.session.commit()
        totals["letters"] += len(letters)
        totals["events"] += len(events)
        totals["indexed"] += len(to_index)
        letters.clear()
        events.clear()
        to_index.clear()
        if totals["letters"] % 100_000 < CHUNK:
            log(f"  {totals['letters']} letters in {time.perf_counter() - t0:.0f} s")

    submitted_times = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(n_letters))
    for letter_id, submitted in enumerate(submitted_times, start=1):
        local_day = clock.to_local(submitted).date()
        per_day[local_day] = per_day.get(local_day, 0) + 1
        number = f"XJ{local_day:%Y%m%d}-{per_day[local_day]:04d}"
        department = rng.choices(departments, weights=dept_weights)[0]
        topics = DEPARTMENTS.get(department.name) or [GENERIC_TOPIC]
        title_pattern, question, answer_lines = rng.choice(topics)
        kind = weighted(rng, KIND_WEIGHTS)
        channel = weighted(rng, CHANNEL_WEIGHTS)
        title = title_pattern.format(x=rng.choice(EXTRAS), dept=department.name[1:5])[:50]
        body = "".join(q.format(n=rng.randint(1, 12)) for q in question)
        body += rng.choice(["谢谢！", "盼复。", "望尽快答复，谢谢。", ""])
        if rng.random() < 0.15:
            body += f"我的联系电话是1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}。"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        phone = f"1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}"
        consent = rng.random() < 0.65
        age_days = (now - submitted).total_seconds() / 86400

        row = dict(
            id=letter_id, number=number, channel=channel, kind=kind, title=title, body=body, name=name,
            phone=phone, email=f"user{letter_id}@example.com" if rng.random() < 0.3 else None,
            publish_consent=consent, query_code_hash=hash_query_code(number, f"C{letter_id:07d}"),
            requested_department_id=department.id if channel is LetterChannel.CONSULTATION and rng.random() < 0.7
            else None,
            leader_id=rng.choice(leaders).id if channel is LetterChannel.MAILBOX else None,
            upstream_source="主席信箱" if channel is LetterChannel.FORWARDED else None,
            upstream_number=f"ZX{letter_id:08d}" if channel is LetterChannel.FORWARDED else None,
            submitted_at=submitted, created_at=submitted, updated_at=submitted, status=LetterStatus.SUBMITTED,
            held_for_review=False, published=False, reopen_count=0,
        )
        steps = [("submit", submitted, None, LetterStatus.SUBMITTED, "来信人", "来信已提交，等待受理。", True)]

        # Where the letter stands depends on its age (old letters are nearly all closed).
        roll = rng.random()
        if age_days > 45:
            state = "closed" if roll < 0.93 else "rejected" if roll < 0.985 else "open"
        elif age_days > 10:
            state = "closed" if roll < 0.75 else "rejected" if roll < 0.8 else "answered" if roll < 0.86 else "open"
        else:
            state = ("submitted" if roll < 0.12 else "rejected" if roll < 0.15 else "open" if roll < 0.65
                     else "answered" if roll < 0.8 else "closed")
        if state == "submitted":
            row["due_at"], row["warn_at"] = cal.deadline(submitted, 1)
        elif state == "rejected":
            moment = cal.add(submitted, rng.choice([0, 1]))
            reason = rng.choice(list(RejectReason))
            row.update(status=LetterStatus.REJECTED, rejection_reason=reason, closed_at=moment,
                       rejection_note="不属于本平台受理范围", accepted_at=None)
            steps.append(("reject", moment, LetterStatus.SUBMITTED, LetterStatus.REJECTED, "办公室",
                          "不予受理：不属于本平台受理范围", True))
        else:
            assigned = cal.add(submitted, rng.choice([0, 0, 1])) + timedelta(hours=rng.random() * 3)
            due_at, warn_at = cal.deadline(assigned, limits[kind])
            row.update(status=LetterStatus.ASSIGNED, department_id=department.id, accepted_at=assigned,
                       assigned_at=assigned, due_at=due_at, warn_at=warn_at)
            steps.append(("assign", assigned, LetterStatus.SUBMITTED, LetterStatus.ASSIGNED, "办公室",
                          f"已转交{department.name}办理。", True))
            if state in ("answered", "closed"):
                delay = rng.choice([0, 1, 2, 2, 3, 3, 4, 4, 5, 6, 8, 9]) if rng.random() < 0.9 else limits[kind] + 3
                answered = min(cal.add(assigned, delay) + timedelta(hours=rng.random() * 6), now - timedelta(hours=1))
                answer_html = "<p>您好！" + "".join(answer_lines) + "感谢您的来信。</p>"
                row.update(status=LetterStatus.ANSWERED, answer_html=answer_html, answered_at=answered,
                           answered_workdays=cal.between(assigned, answered), answered_on_time=answered <= due_at,
                           answered_by_id=None)
                steps.append(("answer", answered, LetterStatus.ASSIGNED, LetterStatus.ANSWERED, department.name,
                              "", False))
                if state == "closed":
                    closed = min(answered + timedelta(hours=rng.random() * 40), now - timedelta(minutes=30))
                    row.update(status=LetterStatus.CLOSED, reviewed_at=closed, closed_at=closed,
                               reviewed_by_id=office.id)
                    steps.append(("close", closed, LetterStatus.ANSWERED, LetterStatus.CLOSED, "办公室",
                                  "答复已审核，办理完毕。", True))
                    if consent and rng.random() < 0.6:
                        row.update(published=True, published_at=closed)
                        steps.append(("published", closed, None, None, "办公室", "", False))
                        to_index.append((letter_id, title, body, name, answer_html))
                        counts["published"] += 1
                    if rng.random() < 0.5:
                        rating = rng.choices(list(LetterRating), weights=[70, 20, 10])[0]
                        rated = min(closed + timedelta(days=rng.random() * 5), now - timedelta(minutes=10))
                        row.update(rating=rating, rated_at=rated)
                        steps.append(("rated", rated, None, None, "来信人", "来信人评价", True))
        if row["status"] in (LetterStatus.SUBMITTED, LetterStatus.ASSIGNED) and row.get("due_at") and row["due_at"] < now:
            counts["overdue"] += 1
        counts[row["status"].value] += 1
        letters.append(row)
        for action, moment, frm, to, label, public_note, public in steps:
            events.append(dict(letter_id=letter_id, occurred_at=moment, action=action, from_status=frm,
                               to_status=to, actor_id=None, actor_label=label, public_label=label, note="",
                               public_note=public_note, public=public, department_id=row.get("department_id"),
                               data=None))
        if len(letters) >= CHUNK:
            flush()

    flush()
    pool.close()
    pool.join()
    if db.engine.dialect.name == "postgresql":
        # Ids were given explicitly: move the sequence past them for the app's own inserts.
        db.session.execute(sa.text("SELECT setval(pg_get_serial_sequence('letters', 'id'), (SELECT max(id) FROM letters))"))
        db.session.commit()
    log(f"inserted {totals['letters']} letters and {totals['events']} events, indexed {totals['indexed']} published"
        f" letters in {time.perf_counter() - t0:.1f} s ({processes} processes segmenting)")
    counts["events"] = totals["events"]
    counts["departments"] = len(departments)
    return counts


# --- measurement ---------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lower = int(k)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (k - lower)


def measure(client, urls, samples: int, warmup: int = 3) -> dict:
    """``urls``: a URL or a callable returning the next URL (e.g. another letter)."""
    next_url = urls if callable(urls) else (lambda: urls)
    for _ in range(warmup):
        response = client.get(next_url())
        if response.status_code != 200:
            raise RuntimeError(f"{response.request.path} answered {response.status_code}")
    times, cpu_times = [], []
    for _ in range(samples):
        url = next_url()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu_started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    # Wall-clock time is what a visitor waits; CPU time of this process (SQLite runs in
    # it) shows the cost without the noise of other processes on a shared machine.
    return {"p50": round(statistics.median(times), 1), "p95": round(percentile(times, 95), 1),
            "max": round(max(times), 1), "cpu_p50": round(statistics.median(cpu_times), 1),
            "cpu_p95": round(percentile(cpu_times, 95), 1)}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--db", help="SQLite file to create (default: a temporary file, deleted afterwards)")
    parser.add_argument("--reuse", action="store_true", help="measure an existing --db file without filling it")
    parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE after filling")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    workdir = tempfile.TemporaryDirectory(prefix="letters-bench-")
    path = Path(args.db) if args.db else Path(workdir.name) / "bench.db"
    if path.exists() and not args.reuse:
        raise SystemExit(f"{path} exists; give a new file (or --reuse to measure it again)")
    if args.reuse and not path.exists():
        raise SystemExit(f"--reuse: {path} does not exist")
    config = type("BenchConfig", (TestConfig,), {
        "DATABASE_URL": f"sqlite:///{path}", "UPLOAD_FOLDER": str(Path(workdir.name) / "uploads"),
        "RATELIMIT_ENABLED": False, "TESTING": False, "SESSION_COOKIE_SECURE": False, "DEMO": True,
    })
    app = create_app(config)
    result: dict = {"letters": args.letters, "cpu": cpu_model(), "cpus": os.cpu_count(),
                    "sqlite": sqlite3.sqlite_version}
    with app.app_context():
        if not args.reuse:
            db.create_all()
            started = time.perf_counter()
            counts = fill(args.letters, args.seed, clock.now(), log)
            if not args.no_analyze:
                db.session.execute(sa.text("ANALYZE"))
                db.session.commit()
            result["fill_seconds"] = round(time.perf_counter() - started, 1)
            result["counts"] = counts
        else:
            result["letters"] = db.session.scalar(sa.select(sa.func.count(Letter.id)))
        result["db_mb"] = round(path.stat().st_size / 1e6, 1)
        log(f"database {path} ({result['db_mb']} MB), {result['letters']} letters")

        from interact.accounts.models import User

        office_id = db.session.scalar(sa.select(User.id).where(User.username == "bench_office"))
        published_ids = list(db.session.scalars(sa.select(Letter.id).where(Letter.published.is_(True))))
        db.session.remove()

    rng = random.Random(args.seed + 1)
    month = clock.today().strftime("%Y-%m")
    last_month = (clock.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    pages = {
        "public list (来信选登)": "/letters/",
        "public list, page 50": "/letters/?page=50",
        "search 社保": "/letters/?q=社保",
        "search 公积金 提取": "/letters/?q=公积金 提取",
        "letter page": lambda: f"/letters/{rng.choice(published_ids)}",
        "statistics page": f"/letters/stats?month={last_month}",
        "statistics, this month": f"/letters/stats?month={month}",
        "office overdue list": "/staff/letters/all?deadline=overdue",
        "annual report (互动交流)": f"/staff/reports/annual?year={clock.today().year - 1}",
        "API list search 公积金": "/api/v1/letters?q=公积金",
        "API statistics": f"/api/v1/stats/letters?month={last_month}",
    }
    figures = {}
    with app.app_context():
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(office_id)
            session["_fresh"] = True
        uncached = {
            "statistics page, uncached": pages["statistics page"],
            "API statistics, uncached": pages["API statistics"],
        }
        for label, url in [*pages.items(), *uncached.items()]:
            if label in uncached:  # every request computes the figures (no per-process cache)
                app.config["LETTER_STATS_CACHE_SECONDS"] = 0
            figures[label] = measure(client, url, args.samples)
            f = figures[label]
            log(f"{label:28s} p50 {f['p50']:7.1f} ms   p95 {f['p95']:7.1f} ms   (CPU p50 {f['cpu_p50']:6.1f}"
                f" / p95 {f['cpu_p95']:6.1f} ms)")
        db.session.remove()
        db.engine.dispose()
    result["pages_ms"] = figures
    result["analyzed"] = not args.no_analyze
    workdir.cleanup()
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
