"""Demo interviews: one announced (with questions waiting for moderation), one archived
(with transcript, pictures, video link, summary and an answer given afterwards), and one
draft starting soon whose announcement is still missing (flagged on the dashboard).

Written for this project; people and figures are fictional.
"""
from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from werkzeug.datastructures import FileStorage

from interact.core import clock
from interact.interviews import services, workflow
from interact.interviews.models import InterviewStatus

S = InterviewStatus


def _png(width: int, height: int, background: tuple[int, int, int], accent: tuple[int, int, int],
         kind: str = "scene") -> FileStorage:
    """A small generated picture: a portrait silhouette or a studio scene."""
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    if kind == "portrait":
        cx = width // 2
        draw.ellipse((cx - width // 6, height // 6, cx + width // 6, height // 6 + width // 3), fill=accent)
        draw.rounded_rectangle((cx - width // 3, height // 2 + 10, cx + width // 3, height + 20), radius=30, fill=accent)
    else:
        draw.rectangle((0, int(height * 0.7), width, height), fill=(90, 60, 40))  # desk
        for i, x in enumerate((width // 4, width // 2, 3 * width // 4)):
            shade = tuple(min(255, c + 25 * i) for c in accent)
            draw.ellipse((x - 28, int(height * 0.3), x + 28, int(height * 0.3) + 56), fill=shade)
            draw.rectangle((x - 40, int(height * 0.45), x + 40, int(height * 0.72)), fill=shade)
        draw.rectangle((width // 2 - 120, 12, width // 2 + 120, 52), fill=(178, 34, 34))  # banner
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return FileStorage(stream=buffer, filename=f"{kind}.png", content_type="image/png")


def seed(context: dict) -> None:
    departments, users = context["departments"], context["users"]
    office, rsj, gjj = users["office"], users["rsj"], users["gjj"]
    now = clock.now()

    # 1. Archived: held three weeks ago by the human resources and social security bureau.
    start = clock.local_datetime((now - timedelta(days=21)).astimezone(clock.LOCAL_TZ).date(), 15)
    with clock.freeze(start - timedelta(days=8)):
        past = services.create_interview(services.InterviewData(
            topic="2026年高校毕业生就业创业政策解读",
            department_id=departments["RSJ"].id,
            host="林晓",
            scheduled_start=start,
            duration_minutes=90,
            introduction=(
                "<p>今年全市高校毕业生规模再创新高。市人力资源社会保障局负责同志做客在线访谈，"
                "解读就业见习补贴、一次性创业补贴、灵活就业社保补贴等政策，并在线回答网友提问。</p>"
            ),
        ), actor=rsj, cover=_png(640, 360, (230, 238, 247), (31, 78, 121)))
        zhou = services.add_guest(past, name="周海燕", title="市人力资源社会保障局局长",
                                  photo=_png(200, 200, (240, 240, 240), (31, 78, 121), "portrait"), actor=rsj)
        wu = services.add_guest(past, name="吴建国", title="市就业服务中心主任",
                                photo=_png(200, 200, (240, 240, 240), (120, 40, 40), "portrait"), actor=rsj)
        workflow.transition(past, S.ANNOUNCED, office, note="提前一周发布预告")
        asked = [
            ("应届生小陈", "毕业两年内没有就业，还能领取就业见习补贴吗？"),
            ("", "在本市创业开奶茶店，一次性创业补贴需要什么条件？"),
            ("宝妈阿敏", "灵活就业交社保有补贴吗？在哪里申请？"),
            ("", "见习期间生活补助是按月发吗？标准是多少？"),
            ("", "创业担保贷款最多能贷多少？要不要抵押？"),
            ("", "见习补贴毕业生怎么申请？"),
        ]
        questions = [services.submit_question(past, nickname=n, body=b) for n, b in asked]
    for q in questions[:5]:
        services.approve_question(q, actor=rsj)
    services.merge_question(questions[5], questions[0], actor=rsj)

    with clock.freeze(start):
        workflow.transition(past, S.LIVE, rsj)
        script = [
            ("host", "各位网友大家好！欢迎收看今天的在线访谈。今天我们邀请到市人力资源社会保障局周海燕局长、"
                     "市就业服务中心吴建国主任，为大家解读高校毕业生就业创业政策。", None),
            (zhou, "各位网友大家好！很高兴和大家在线交流。今年我们把稳就业放在突出位置，"
                   "围绕见习、创业、灵活就业三个方面出台了一揽子支持措施。", None),
            ("host", "首先请吴主任介绍一下就业见习政策。", None),
            (wu, "离校两年内未就业的高校毕业生都可以参加就业见习，见习期3至12个月，"
                 "见习期间由见习单位发放基本生活费，政府按当地最低工资标准的60%给予见习补贴。", questions[0]),
            (zhou, "创业的同学可以申请一次性创业补贴5000元，条件是在本市首次创办小微企业或从事个体经营，"
                   "正常经营6个月以上并按规定为员工缴纳社保。", questions[1]),
            (wu, "灵活就业的高校毕业生缴纳社会保险的，可按实际缴费的三分之二申请社保补贴，"
                 "最长不超过3年。通过市政务服务网或各街道便民服务中心都能申请。", questions[2]),
            ("host", "感谢两位嘉宾！由于时间关系，今天的访谈就到这里，未能在线答复的问题，"
                     "我们将在会后统一答复。", None),
        ]
        entries = []
        for speaker, body, question in script:
            clock.advance(timedelta(minutes=6))
            entries.append(services.post_entry(
                past, speaker="host" if speaker == "host" else f"guest:{speaker.id}", body=body, actor=rsj,
                question_id=question.id if question is not None else None,
            ))
        clock.advance(timedelta(minutes=1))
        services.correct_entry(entries[3], body=entries[3].body.replace("60%", "70%"),
                               reason="口误更正：补贴比例为70%", actor=rsj)
        services.set_pinned(entries[1], True, actor=rsj)
        for caption, colours in (("访谈现场", ((235, 235, 225), (31, 78, 121))),
                                 ("嘉宾解读就业见习政策", ((225, 235, 245), (120, 40, 40))),
                                 ("网友提问汇总", ((245, 240, 230), (46, 125, 50)))):
            services.add_image(past, _png(640, 360, *colours), caption=caption, actor=rsj)
        clock.advance(timedelta(minutes=50))
        workflow.transition(past, S.ENDED, rsj)

    with clock.freeze(start + timedelta(days=2)):
        services.answer_after(
            questions[4], actor=rsj, responder="市就业服务中心",
            body="个人创业担保贷款最高额度30万元，合伙创业的可按每人不超过30万元、总额不超过300万元申请，"
                 "贷款期限最长3年，由政府按规定贴息。符合条件的可免除反担保。",
        )
        services.update_archive(
            past, actor=rsj, video_url="https://video.example.gov.cn/interviews/2026-jiuye.mp4",
            summary=(
                "<p>本期访谈围绕高校毕业生就业创业，重点解读了三项政策：</p>"
                "<ul><li>就业见习：离校两年内未就业毕业生可参加见习，政府给予见习补贴；</li>"
                "<li>一次性创业补贴：首次创业并正常经营6个月以上，补贴5000元；</li>"
                "<li>灵活就业社保补贴：按实际缴费的三分之二补贴，最长3年。</li></ul>"
                "<p>访谈共收到网友提问6条，嘉宾在线答复3条，会后答复1条。</p>"
            ),
        )
        workflow.transition(past, S.ARCHIVED, rsj, note="回顾整理完毕")

    # 2. Announced: the housing provident fund centre, next week, questions coming in.
    upcoming_start = clock.local_datetime((now + timedelta(days=6)).astimezone(clock.LOCAL_TZ).date(), 15)
    upcoming = services.create_interview(services.InterviewData(
        topic="住房公积金租房提取和异地贷款新政解读",
        department_id=departments["GJJ"].id,
        host="林晓",
        scheduled_start=upcoming_start,
        duration_minutes=60,
        introduction=(
            "<p>为更好支持缴存职工租房和购房，市住房公积金管理中心调整了租房提取额度和异地贷款政策。"
            "本期访谈邀请中心负责同志解读新政，欢迎网友提前提问。</p>"
        ),
    ), actor=gjj, cover=_png(640, 360, (240, 246, 235), (46, 125, 50)))
    services.add_guest(upcoming, name="郑文涛", title="市住房公积金管理中心主任",
                       photo=_png(200, 200, (240, 240, 240), (46, 125, 50), "portrait"), actor=gjj)
    services.add_guest(upcoming, name="何丽娟", title="市住房公积金管理中心归集管理处处长", actor=gjj)
    workflow.transition(upcoming, S.ANNOUNCED, office, note="预告已审核")
    first = services.submit_question(upcoming, nickname="租房族小吴", body="租房提取公积金每年最多能取多少？需要租房合同吗？")
    services.approve_question(first, actor=gjj)
    for nickname, body in [
        ("", "在外地缴存的公积金，能在本市申请公积金贷款吗？"),
        ("老赵", "公积金贷款买二手房，房龄有没有限制？"),
        ("", "租房提取是每月自动打到卡里吗？"),
        ("", "听说中心有内部机密文件规定异地贷款额度，能公开吗？"),
    ]:
        services.submit_question(upcoming, nickname=nickname, body=body)

    # 3. Draft starting in two days without an announcement: shows up as a warning.
    soon = clock.local_datetime((now + timedelta(days=2)).astimezone(clock.LOCAL_TZ).date(), 10)
    draft = services.create_interview(services.InterviewData(
        topic="2026年义务教育阶段招生入学政策解读",
        department_id=departments["JYJ"].id,
        host="林晓",
        scheduled_start=soon,
        duration_minutes=60,
        introduction="<p>解读今年小学一年级和初中一年级招生入学的时间安排、材料要求和学区划分。</p>",
    ), actor=users["jyj"])
    services.add_guest(draft, name="钱永明", title="市教育局副局长", actor=users["jyj"])
    context["interviews"] = {"archived": past, "announced": upcoming, "draft": draft}
