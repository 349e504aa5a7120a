"""Demo letters in every state, spread over the last two months (written for this project;
people and numbers are fictional). Dates follow the clock, so the workspaces always show
new, near-due and overdue work."""
from __future__ import annotations

from datetime import datetime, timedelta

from interact.core import clock, workdays
from interact.extensions import db
from interact.letters import services
from interact.letters import summary as summaries
from interact.letters.models import LetterChannel, LetterKind, LetterRating, RejectReason

C, K = LetterChannel, LetterKind

# (title, body, name, phone, kind, channel, requested department code or leader index, consent)
LETTERS = {
    "gjj_rent": ("租房提取住房公积金需要哪些材料", "您好，我在本市无自有住房，目前租房居住，想提取住房公积金支付房租。请问需要准备哪些材料，可以在网上办理吗？每年可以提取几次？", "王建国", "13905710001", K.CONSULTATION, C.CONSULTATION, "GJJ", True),
    "rsj_card": ("社保卡丢失后如何补办", "上周不慎遗失了社会保障卡，请问补办需要到哪里办理，多长时间可以拿到新卡？补办期间看病能不能用医保电子凭证？", "李秀英", "13905710002", K.CONSULTATION, C.CONSULTATION, "RSJ", True),
    "jyj_school": ("随迁子女入学积分怎么计算", "我和爱人在本市工作三年，孩子明年上小学。想了解随迁子女入学积分的计算办法，社保缴纳年限和居住证年限分别怎么计分？", "陈志强", "13905710003", K.CONSULTATION, C.CONSULTATION, "JYJ", True),
    "rsj_wage": ("公司拖欠工资三个月", "我在某装修公司工作，公司已经拖欠三个月工资，多次讨要未果。请问应该向哪个部门投诉，需要提供什么证据？我的电话13905710004。", "赵海涛", "13905710004", K.COMPLAINT, C.CONSULTATION, None, True),
    "gjj_loan": ("公积金贷款额度如何计算", "准备购买首套住房，想了解住房公积金贷款的最高额度和计算方法，夫妻双方都缴存的话额度是否可以合并计算？", "孙丽华", "13905710005", K.CONSULTATION, C.CONSULTATION, "GJJ", True),
    "jtj_bus": ("建议增设到产业园区的公交线路", "新城产业园区现有员工上万人，但早晚高峰只有一条公交线路经过，车次少、等待时间长。建议增设直达线路或在高峰期加密班次。", "周晓明", "13905710006", K.SUGGESTION, C.MAILBOX, 2, True),
    "rsj_pension": ("灵活就业人员养老保险缴费档次", "我是灵活就业人员，想以个人身份缴纳养老保险。请问有哪些缴费档次可以选择，能否按月缴纳，在哪里办理？", "吴美玲", "13905710007", K.CONSULTATION, C.CONSULTATION, "RSJ", True),
    "cgj_noise": ("夜间施工噪音严重影响休息", "小区旁边的工地连续一周晚上十一点以后还在施工，噪音很大，老人和孩子无法休息，希望有关部门尽快查处。", "郑国平", "13905710008", K.COMPLAINT, C.CONSULTATION, "CGJ", False),
    "jyj_lunch": ("建议学校提供课后托管服务", "双职工家庭下午接孩子很困难，建议全市小学普遍开展课后托管服务，并公布收费标准和服务内容。", "冯雅琴", "13905710009", K.SUGGESTION, C.MAILBOX, 1, True),
    "gjj_transfer": ("异地转入公积金怎么办理", "我从外省调动到本市工作，原单位的住房公积金怎么转入本市账户？需要本人到外省办理吗？", "何俊杰", "13905710010", K.CONSULTATION, C.CONSULTATION, "GJJ", True),
    "rsj_training": ("失业人员职业技能培训补贴", "我目前处于失业状态，想参加电工职业技能培训，请问有没有培训补贴，如何申请？", "许文博", "13905710011", K.HELP, C.CONSULTATION, "RSJ", True),
    "dup": ("公积金提取问题", "我想问一下公积金提取的事情，之前已经写过信了，再问一次。", "王建国", "13905710001", K.CONSULTATION, C.CONSULTATION, None, False),
    "court": ("要求撤销法院判决", "去年的民事案件判决不公，要求政府出面撤销法院判决并赔偿损失。", "钱永福", "13905710012", K.COMPLAINT, C.MAILBOX, 0, False),
    "new1": ("医保异地就医备案怎么办理", "父母长期在外地随子女居住，想办理异地就医备案，请问线上可以办理吗？备案后在外地住院怎么报销？", "林晓燕", "13905710013", K.CONSULTATION, C.CONSULTATION, None, True),
    "new2": ("小区电梯老化存在安全隐患", "我们小区的电梯使用超过十五年，近期多次困人，物业一直没有维修更换，请相关部门督促处理。", "黄德明", "13905710014", K.HELP, C.CONSULTATION, "ZJJ", True),
    "jyj_teacher": ("教师资格证认定时间咨询", "今年通过了教师资格考试，请问本市教师资格认定一般在每年什么时候开始，需要哪些材料？", "高思远", "13905710015", K.CONSULTATION, C.CONSULTATION, "JYJ", True),
    "gjj_answered": ("离职后公积金可以一次性提取吗", "我已经从单位离职，准备回老家发展，请问住房公积金账户里的钱可以一次性全部提取吗？", "罗春生", "13905710016", K.CONSULTATION, C.CONSULTATION, "GJJ", True),
}

ANSWERS = {
    "gjj_rent": "<p>您好！无自有住房的缴存职工租房可申请提取住房公积金，具体如下：</p><ol><li>材料：本人身份证、本市无房证明（可由系统自动核验）；</li><li>渠道：可通过市住房公积金管理中心网上服务大厅或手机App办理，无需到柜台；</li><li>频次：每年可提取一次，额度按本市规定的租房提取限额执行。</li></ol><p>如有疑问，请拨打服务热线咨询。</p>",
    "rsj_card": "<p>您好！社保卡遗失后请先通过电子社保卡或服务热线办理挂失，然后携带本人身份证到任一社保卡服务网点申请补卡，即时制卡网点可当场领取。补卡期间可使用医保电子凭证就医结算。</p>",
    "jyj_school": "<p>您好！随迁子女入学积分由居住证、社保缴纳、合法稳定住所等项目构成，其中社保缴纳每满一年计若干分，居住证每满一年计若干分，具体分值以当年发布的招生入学实施办法为准。请关注市教育局网站每年4月发布的通知。</p>",
    "gjj_loan": "<p>您好！首套住房公积金贷款最高额度按本市现行政策执行，夫妻双方均正常缴存的可合并计算额度。贷款额度同时受账户余额倍数、还款能力和房价比例限制，可通过中心网站的贷款计算器试算。</p>",
    "jtj_bus": "<p>您好！感谢您的建议。我局已会同公交集团对产业园区通勤需求进行调查，计划在早晚高峰开通两条园区通勤专线，并对现有线路加密班次，具体方案将于近期公布。</p>",
    "rsj_pension": "<p>您好！灵活就业人员可按本市公布的缴费基数上下限之间自主选择缴费档次，可按月、按季或按年缴纳，可通过税务App或社保经办窗口办理参保登记后缴费。</p>",
    "cgj_noise": "<p>您好！接到反映后，执法人员已于当晚到现场核查，确认该工地存在违规夜间施工行为，已依法责令停止夜间施工并立案调查，后续将加强巡查。</p>",
    "jyj_lunch": "<p>您好！感谢您的建议。本市已在全部公办小学推行课后服务，服务时间原则上不早于当地正常下班时间，收费标准经价格主管部门核定后向社会公布，家长自愿参加。</p>",
    "gjj_answered": "<p>您好！离职后户籍不在本市且在异地未继续缴存的，可申请销户提取住房公积金；如在异地继续就业缴存，建议办理异地转移接续。</p>",
}


def _moment(days_ago: float, hour: int = 10) -> datetime:
    day = clock.today() - timedelta(days=int(days_ago))
    return clock.local_datetime(day, hour)


def _workdays_back(n: int) -> datetime:
    """10:00 Beijing time ``n`` working days before today."""
    day = clock.today()
    while n:
        day -= timedelta(days=1)
        if workdays.is_workday(day):
            n -= 1
    return clock.local_datetime(day, 10)


def seed(context: dict) -> None:
    departments = context["departments"]
    users = context["users"]
    office = users["office"]
    handlers = {"RSJ": users["rsj"], "GJJ": users["gjj"], "JYJ": users["jyj"]}
    leaders = sorted(departments["SZF"].leaders, key=lambda leader: leader.sort_order)
    citizen = users.get("citizen")

    def submit(key: str, when: datetime, *, by_citizen: bool = False):
        title, body, name, phone, kind, channel, target, consent = LETTERS[key]
        data = services.LetterInput(
            channel=channel, kind=kind, title=title, body=body, name=name, phone=phone,
            email=f"citizen{phone[-3:]}@example.com", publish_consent=consent,
            department_id=departments[target].id if channel is C.CONSULTATION and target else None,
            leader_id=leaders[target].id if channel is C.MAILBOX and leaders else None,
        )
        if channel is C.MAILBOX and not leaders:
            data.channel, data.leader_id = C.CONSULTATION, None
        with clock.freeze(when):
            return services.submit_letter(data, user=citizen if by_citizen else None).letter

    def at(when: datetime, action) -> None:
        with clock.freeze(when):
            action()

    def handled(key, days_ago, code, *, answer_after=3, close=True, publish=True, rating=None, comment=""):
        start = _moment(days_ago, 9)
        letter = submit(key, start, by_citizen=key == "gjj_rent")
        at(start + timedelta(hours=3), lambda: services.assign_letter(letter, departments[code].id, actor=office))
        handler = handlers.get(code, office)
        at(start + timedelta(days=answer_after, hours=2),
           lambda: services.answer_letter(letter, actor=handler, answer_html=ANSWERS[key]))
        if close:
            at(start + timedelta(days=answer_after + 1, hours=3),
               lambda: services.approve_answer(letter, actor=office, publish=publish and letter.publish_consent))
        if rating is not None:
            at(start + timedelta(days=answer_after + 3, hours=5), lambda: services.rate_letter(letter, rating, comment))
        return letter

    # Published and rated (the public list, search and statistics are not empty).
    handled("gjj_rent", 55, "GJJ", rating=LetterRating.SATISFIED, comment="答复清楚，网上就办好了")
    handled("rsj_card", 48, "RSJ", answer_after=2, rating=LetterRating.SATISFIED)
    handled("jyj_school", 41, "JYJ", answer_after=6, rating=LetterRating.BASIC, comment="希望公布具体分值")
    handled("gjj_loan", 33, "GJJ", answer_after=4)
    handled("jtj_bus", 27, "JTJ", answer_after=8, rating=LetterRating.SATISFIED)
    handled("rsj_pension", 20, "RSJ", answer_after=3, rating=LetterRating.UNSATISFIED, comment="没有说明具体缴费金额")
    handled("cgj_noise", 16, "CGJ", answer_after=1, publish=False, rating=LetterRating.SATISFIED)
    handled("jyj_lunch", 12, "JYJ", answer_after=5)
    # Answered, waiting for the office's review.
    handled("gjj_answered", 6, "GJJ", answer_after=2, close=False)

    # Rejected (reason shown to the citizen).
    duplicate = submit("dup", _moment(25, 15))
    at(_moment(24, 9), lambda: services.reject_letter(duplicate, actor=office, reason=RejectReason.DUPLICATE,
                                                      note="您反映的问题与此前来信重复，已在原来信中答复。"))
    court = submit("court", _moment(18, 16))
    at(_moment(17, 10), lambda: services.reject_letter(court, actor=office, reason=RejectReason.COURT))

    # Overdue (红牌): routed long ago, unanswered.
    wage = submit("rsj_wage", _moment(22, 11))
    at(_moment(22, 15), lambda: services.assign_letter(wage, departments["RSJ"].id, actor=office))
    # Near due (黄牌): routed so that the deadline is the next working day.
    limit = services.reply_limits()[K.CONSULTATION] - (1 if workdays.is_workday(clock.today()) else 0)
    transfer = submit("gjj_transfer", _workdays_back(limit) - timedelta(hours=2))
    at(_workdays_back(limit), lambda: services.assign_letter(transfer, departments["GJJ"].id, actor=office))
    # Assigned with time left, one with a pending extension request.
    teacher = submit("jyj_teacher", _workdays_back(1))
    at(_workdays_back(1) + timedelta(hours=1), lambda: services.assign_letter(teacher, departments["JYJ"].id, actor=office))
    training = submit("rsj_training", _workdays_back(3))
    at(_workdays_back(3) + timedelta(hours=1), lambda: services.assign_letter(training, departments["RSJ"].id, actor=office))
    at(_workdays_back(1) + timedelta(hours=2), lambda: services.request_extension(
        training, actor=handlers["RSJ"], extra_workdays=5, reason="需要与培训机构核实补贴目录，申请延期"))

    # New letters waiting for the office (one addressed to "不确定").
    submit("new1", clock.now() - timedelta(hours=3))
    submit("new2", clock.now() - timedelta(hours=1))

    # A letter forwarded from the higher level (主席信箱) with its own deadline.
    with clock.freeze(_workdays_back(2)):
        forwarded = services.enter_forwarded_letter(
            services.LetterInput(channel=C.CONSULTATION, kind=K.HELP, title="退役军人就业帮扶政策咨询",
                                 body="本人去年退役，想了解本市对退役军人就业创业有哪些帮扶政策和补贴。",
                                 name="马振宇", phone="13905710020", publish_consent=True),
            upstream_source="主席信箱", upstream_number="ZX-2026-0815",
            upstream_due=workdays.add_workdays(clock.today(), 6), department_id=departments["RSJ"].id, actor=office,
        )
    db.session.flush()
    context["letters_forwarded"] = forwarded.letter.number

    # Last month's leader-mailbox summary, drafted and published by the office.
    last_month = (clock.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    draft, _created = summaries.draft_summary(last_month, actor=office)
    summaries.publish_summary(draft, actor=office)
