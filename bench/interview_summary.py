"""The first view of an archived interview's page after a restart (docs/privacy.md, #11 d).

The summary (访谈摘要) hides every name the approved questions hide. Gathering those names
masks every question; a new worker (no masking memo) paid it at its first view of the page.
Builds a throw-away SQLite database with one archived interview, ``--questions`` approved
questions (a name, a phone or an address in some of them) and a summary, then measures in one
process, the masking memo emptied before each "first view":

* ``gathered`` — the names gathered from every question (what each first view did before);
* ``first view, stored`` — ``GET /interviews/<id>`` with the names stored with the interview;
* ``warm view`` — the same page again (memo full);
* ``api first view, stored`` — ``GET /api/v1/interviews/<id>``.

Run::

    .venv/bin/python bench/interview_summary.py --questions 2000

CPU seconds (``time.process_time``) and wall seconds are printed; note ``uptime``'s load.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._interview_scene import interview_scene  # noqa: E402
from interact.extensions import db  # noqa: E402

BODIES = [
    "我叫{name}，孩子今年上小学，户口不在本市，随迁子女入学需要什么材料？",
    "请问灵活就业人员的社保补贴怎么申请？我的电话1381234{n:04d}。",
    "我家住幸福小区{n}栋2单元301，小区门口的路灯坏了半年。",
    "公积金提取到账要多久？上个月申请的还没到。",
    "邻居{name}家装修噪音太大，晚上十点还在施工，找谁管？",
    "失业保险金每个月能领多少？领完了还能再领吗？",
]
#: What citizens add (questions of 100–150 characters, as on the demo's interviews).
TAIL = "之前打过12345热线，也去过街道办事处咨询，但一直没有得到明确答复，希望相关部门尽快给个说法，谢谢！"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英志强丽娟德胜翠兰海涛春花满仓有田福贵小虎"


def build(questions: int, workdir: Path):
    from interact.interviews import services, workflow
    from interact.interviews.models import InterviewQuestion, InterviewStatus, QuestionStatus

    app, context, interview, editor = interview_scene(workdir, "就业政策在线访谈")
    try:
        for status in (InterviewStatus.ANNOUNCED, InterviewStatus.LIVE, InterviewStatus.ENDED):
            workflow.transition(interview, status, editor)
        for n in range(questions):  # (inserted directly: the moderation is not measured)
            name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 2) % len(GIVEN)] + GIVEN[(n * 2 + 1) % len(GIVEN)]
            db.session.add(InterviewQuestion(
                interview_id=interview.id, nickname=name if n % 7 == 0 else "热心市民",
                body=BODIES[n % len(BODIES)].format(name=name, n=n) + TAIL, status=QuestionStatus.APPROVED))
        services.update_archive(interview, summary="<p>本次访谈共收到网友提问，王建国、李秀英等网友关心的问题均已答复。</p>",
                                video_url="", actor=editor)
        db.session.commit()
        return app, interview.id
    finally:
        context.pop()


def _cold() -> None:
    from interact.core import privacy

    privacy._names_in.cache_clear()
    privacy._masked_text.cache_clear()
    privacy._masked_html.cache_clear()


def _timed(label: str, run) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    print(f"{label:28} {time.process_time() - cpu:7.3f} s CPU {time.perf_counter() - wall:7.3f} s wall")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        app, interview_id = build(args.questions, Path(workdir))
        from interact.core import privacy
        from interact.interviews import services
        from interact.interviews.models import Interview

        client = app.test_client()
        privacy.mask_text("预热 王建国")  # (jieba's dictionary, loaded by every worker anyway)
        with app.test_request_context():
            interview = db.session.get(Interview, interview_id)
            _cold()
            _timed("gathered (before)", lambda: privacy.names_of(services.public_questions(interview)))
        client.get(f"/interviews/{interview_id}")  # stores them
        for run in range(3):
            _cold()
            _timed(f"first view, stored #{run + 1}", lambda: client.get(f"/interviews/{interview_id}"))
            _timed(f"warm view #{run + 1}", lambda: client.get(f"/interviews/{interview_id}"))
        _cold()
        _timed("api first view, stored", lambda: client.get(f"/api/v1/interviews/{interview_id}"))


if __name__ == "__main__":
    main()
