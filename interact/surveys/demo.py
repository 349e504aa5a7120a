"""Demo collections: one open (draft document as a generated PDF, questionnaire, opinions
waiting for moderation), one ended whose feedback is due in a few days, and one with its
result feedback published (adoption figures and questionnaire charts).

Written for this project; departments' plans, people and figures are fictional.
"""
from __future__ import annotations

import io
import random
from datetime import datetime, timedelta

from werkzeug.datastructures import FileStorage

from interact.core import clock
from interact.questionnaires import services as qs
from interact.questionnaires.models import QuestionKind
from interact.surveys import services, workflow
from interact.surveys.models import Adoption, CollectionKind, CollectionStatus


def draft_pdf(title: str, lines: list[str]) -> bytes:
    """A small real PDF with Chinese text in the standard Adobe-GB1 font (no embedding,
    no extra dependency): one page, title and numbered lines."""

    def hex_text(text: str) -> str:
        return "<" + text.encode("utf-16-be").hex().upper() + ">"

    content = ["BT", "/F1 18 Tf", "60 780 Td", f"{hex_text(title)} Tj", "/F1 12 Tf", "0 -36 Td"]
    for line in lines:
        content += [f"{hex_text(line)} Tj", "0 -22 Td"]
    content.append("ET")
    stream = "\n".join(content).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _at(moment: datetime):
    return clock.freeze(moment)


def _local_days(days: float, hour: int = 9) -> datetime:
    """A Beijing wall-clock time ``days`` from today at ``hour``."""
    day = clock.today() + timedelta(days=int(days))
    return clock.local_datetime(day, hour)


def _questions(questionnaire, actor, items) -> None:
    for kind, text, options, extra in items:
        qs.add_question(questionnaire, qs.QuestionData(kind=kind, text=text, options=list(options), **extra),
                        actor=actor)


def _answers(questionnaire, rng: random.Random, weights: dict[int, list[int]], texts: list[str]) -> dict:
    raw: dict[str, list[str]] = {}
    for question in questionnaire.questions:
        if question.kind is QuestionKind.SINGLE:
            options = [str(o.id) for o in question.options] + (["other"] if question.allow_other else [])
            choice = rng.choices(options, weights=weights.get(question.position, [1] * len(options)))[0]
            raw[question.field_name] = [choice]
            if choice == "other":
                raw[question.other_field_name] = [rng.choice(["自由职业", "在读研究生", "个体工商户"])]
        elif question.kind is QuestionKind.MULTIPLE:
            count = rng.randint(question.min_choices or 1, question.max_choices or len(question.options))
            picks = rng.sample(question.options, k=min(count, len(question.options)))
            raw[question.field_name] = [str(o.id) for o in picks]
        elif question.kind is QuestionKind.RATING:
            raw[question.field_name] = [str(rng.choices([5, 4, 3, 2, 1], weights=[40, 35, 15, 7, 3])[0])]
        elif rng.random() < 0.4:
            raw[question.field_name] = [rng.choice(texts)]
    return raw


def seed(context: dict) -> None:
    departments, users = context["departments"], context["users"]
    office, rsj, gjj, jyj = users["office"], users["rsj"], users["gjj"], users["jyj"]
    rng = random.Random(20260401)
    real_now = clock.now()

    # 1. Open: the education bureau's after-school services rules, with a draft document.
    open_start, open_end = _local_days(-5, 9), _local_days(20, 18)
    with _at(real_now - timedelta(days=6)):
        open_one = services.create_collection(services.CollectionData(
            title="关于《示范市义务教育阶段学校课后服务管理办法（征求意见稿）》公开征求意见",
            summary="课后服务时间、收费与减免、校外资源引入等内容，欢迎家长、教师和社会各界提出意见建议。",
            body=(
                "<p>为进一步规范义务教育阶段学校课后服务，减轻家长接送负担，市教育局起草了"
                "《示范市义务教育阶段学校课后服务管理办法（征求意见稿）》，现向社会公开征求意见。</p>"
                "<h3>主要内容</h3><ul><li>课后服务每周5天，每天结束时间原则上不早于当地正常下班时间；</li>"
                "<li>课后服务费实行成本补偿，低保、特困家庭学生免收；</li>"
                "<li>引入非学科类校外培训机构须经区教育局遴选并公示。</li></ul>"
                "<p>也可将意见发送至电子邮箱或邮寄至市教育局基础教育处（信封注明“课后服务意见”）。</p>"
            ),
            kind=CollectionKind.BOTH, starts_at=open_start, ends_at=open_end,
            department_id=departments["JYJ"].id, contact_email="jyj-khfw@example.gov.cn",
            contact_address="文教路18号 市教育局基础教育处（邮编 310000）",
        ), actor=jyj)
        pdf = draft_pdf("示范市义务教育阶段学校课后服务管理办法（征求意见稿）", [
            "第一条 为规范义务教育阶段学校课后服务，制定本办法。",
            "第二条 课后服务遵循学生自愿、家长申请、学校组织的原则。",
            "第三条 课后服务每周5天，每天不少于2小时。",
            "第四条 课后服务费实行成本补偿，低保、特困家庭学生免收。",
            "第五条 本办法自2026年9月1日起施行。",
        ])
        services.set_draft_document(open_one, FileStorage(stream=io.BytesIO(pdf), filename="课后服务管理办法（征求意见稿）.pdf",
                                                          content_type="application/pdf"), actor=jyj)
        _questions(open_one.questionnaire, jyj, [
            (QuestionKind.SINGLE, "您的身份", ["学生家长", "教师", "学生", "其他市民"], {}),
            (QuestionKind.SINGLE, "您希望课后服务每天结束的时间", ["17:00", "17:30", "18:00", "18:30 及以后"], {}),
            (QuestionKind.MULTIPLE, "您希望课后服务包含哪些内容（最多选3项）",
             ["作业辅导", "体育锻炼", "艺术活动", "科普阅读", "劳动实践"], {"min_choices": 1, "max_choices": 3}),
            (QuestionKind.RATING, "您对现有课后服务的满意程度", [], {}),
            (QuestionKind.LONG_TEXT, "您对课后服务还有哪些建议", [], {"required": False}),
        ])
        open_one.questionnaire.intro = "问卷约需3分钟，匿名填写，每人限填一次。"
        workflow.transition(open_one, CollectionStatus.SUBMITTED, actor=jyj)
        workflow.transition(open_one, CollectionStatus.PUBLISHED, actor=office)
    with _at(real_now - timedelta(days=3)):
        for content, name in [
            ("建议课后服务结束时间延长到18:30，双职工家庭实在来不及接孩子。", "陈女士"),
            ("课后服务不要变成集体补课，多安排体育活动。", ""),
            ("希望公布收费明细，做到收支公开。", "刘先生"),
        ]:
            opinion = services.submit_opinion(open_one, services.OpinionData(content=content, name=name))
            services.moderate_opinion(opinion, True, actor=jyj)
        services.submit_opinion(open_one, services.OpinionData(
            content="校外机构进校园要严格把关，防止变相收费。", name="家长"))
        for _ in range(6):
            services.submit_response(open_one, _answers(open_one.questionnaire, rng, {}, ["希望增加篮球和足球"]),
                                     device_token=f"demo-open-{rng.random()}")

    # 2. Ended 27 days ago (feedback due in a few days): social insurance contribution bands.
    ended = real_now - timedelta(days=27)
    with _at(ended - timedelta(days=35)):
        closing = services.create_collection(services.CollectionData(
            title="关于调整我市灵活就业人员企业职工基本养老保险缴费档次的意见征集",
            summary="拟增设60%缴费档次并允许按年度调整，征求灵活就业人员和社会各界意见。",
            body=("<p>为方便灵活就业人员参加企业职工基本养老保险，市人力资源社会保障局拟调整缴费档次，"
                  "在现有100%、150%、200%、300%基础上增设60%档次，并允许参保人每年调整一次。</p>"),
            kind=CollectionKind.OPINIONS, starts_at=ended - timedelta(days=30), ends_at=ended,
            department_id=departments["RSJ"].id, contact_email="rsj-ylbx@example.gov.cn",
            contact_address="人民路200号 市人力资源社会保障局养老保险处", phone_required=False,
        ), actor=rsj)
        workflow.transition(closing, CollectionStatus.PUBLISHED, actor=office)
    with _at(ended - timedelta(days=10)):
        texts = [
            ("支持增设60%档次，对收入不稳定的外卖骑手很有帮助。", "王师傅", Adoption.ADOPTED, ""),
            ("建议允许按月调整缴费档次，而不是一年一次。", "", Adoption.NOT_ADOPTED,
             "缴费档次按年度核定是省级经办规程的统一要求，暂不具备按月调整的条件。"),
            ("希望同时公布不同档次对应的养老金测算示例。", "周女士", Adoption.ADOPTED, ""),
            ("低档次缴费会影响将来待遇，建议加强提示。", "", None, ""),
            ("补缴历史欠费的政策也请一并明确。", "李先生", None, ""),
        ]
        created = [(services.submit_opinion(closing, services.OpinionData(content=c, name=n)), a, r)
                   for c, n, a, r in texts]
        for opinion, _adoption, _reason in created:
            services.moderate_opinion(opinion, True, actor=rsj)
    with _at(real_now - timedelta(days=2)):
        for opinion, adoption, reason in created:
            if adoption is not None:
                services.record_adoption(opinion, adoption, reason, actor=rsj)
        services.save_feedback(closing, "<p>（草稿）本次征集共收到意见5条……</p>", "", actor=rsj)

    # 3. Feedback published: the housing provident fund service satisfaction survey.
    end3 = real_now - timedelta(days=50)
    with _at(end3 - timedelta(days=25)):
        done = services.create_collection(services.CollectionData(
            title="住房公积金服务满意度及提取业务“跨省通办”需求调查",
            summary="了解缴存职工对公积金服务的评价和对跨省通办、线上提取的需求。",
            body=("<p>为提升住房公积金服务水平，市住房公积金管理中心开展本次问卷调查，"
                  "并就《住房公积金提取业务“一件事”办理方案》听取意见。</p>"),
            kind=CollectionKind.BOTH, starts_at=end3 - timedelta(days=21), ends_at=end3,
            department_id=departments["GJJ"].id, contact_email="gjj-fw@example.gov.cn",
        ), actor=gjj)
        _questions(done.questionnaire, gjj, [
            (QuestionKind.SINGLE, "您的职业类型",
             ["企业职工", "机关事业单位职工", "灵活就业人员"], {"allow_other": True}),
            (QuestionKind.SINGLE, "您最近一次办理公积金业务的渠道", ["服务大厅", "网上服务大厅", "手机App/小程序", "银行网点"], {}),
            (QuestionKind.MULTIPLE, "您最希望实现线上办理的业务（可多选，最多3项）",
             ["租房提取", "购房提取", "退休提取", "贷款申请", "缴存基数调整"], {"min_choices": 1, "max_choices": 3}),
            (QuestionKind.RATING, "您对公积金中心服务的总体满意度", [], {}),
            (QuestionKind.LONG_TEXT, "其他意见建议", [], {"required": False}),
        ])
        workflow.transition(done, CollectionStatus.PUBLISHED, actor=office)
    with _at(end3 - timedelta(days=10)):
        for number in range(48):
            services.submit_response(
                done, _answers(done.questionnaire, rng, {1: [55, 20, 20, 5], 2: [25, 30, 40, 5]},
                               ["希望租房提取改为按月自动到账", "App 登录经常掉线", "大厅周六开放就更方便了"]),
                device_token=f"demo-done-{number}-{rng.random()}")
        opinion_rows = [
            ("建议租房提取实现按月自动转入个人账户。", Adoption.ADOPTED, ""),
            ("异地购房提取材料太多，希望精简。", Adoption.PARTLY, "已取消购房合同原件要求，不动产登记信息需按规定核验。"),
            ("公积金贷款额度上限建议提高到120万元。", Adoption.NOT_ADOPTED, "贷款额度上限由市住房公积金管理委员会根据资金流动性统一确定，已转委员会研究。"),
            ("希望周六上午开放服务大厅。", Adoption.ADOPTED, ""),
            ("微信搜“代办提取”找我，包过。", None, ""),
        ]
        opinions = [(services.submit_opinion(done, services.OpinionData(content=c)), a, r) for c, a, r in opinion_rows]
        for opinion, adoption, _reason in opinions:
            services.moderate_opinion(opinion, adoption is not None,
                                      "" if adoption is not None else "广告信息", actor=gjj)
    with _at(end3 + timedelta(days=12)):
        for opinion, adoption, reason in opinions:
            if adoption is not None:
                services.record_adoption(opinion, adoption, reason, actor=gjj)
        services.save_feedback(done, (
            "<p>本次调查共收回有效问卷48份，收到意见建议5条，其中有效意见4条。"
            "调查显示，手机App/小程序已成为办理公积金业务的主要渠道，租房提取和购房提取是最希望线上办理的业务。</p>"
            "<p>根据调查结果，我中心将于下季度上线租房提取按月自动到账功能，服务大厅自下月起周六上午开放。</p>"
        ), "<p>涉及贷款额度等政策调整的意见，已提交市住房公积金管理委员会研究。</p>", actor=gjj)
        services.submit_feedback(done, actor=gjj)
    with _at(end3 + timedelta(days=16)):
        services.publish_feedback(done, actor=office)
    context["collections"] = {"open": open_one, "awaiting": closing, "done": done}
