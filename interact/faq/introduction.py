"""What a citizen says about themselves before the question (#16, attack I4).

Citizens often introduce themselves first: 我是王某某，手机13900001111，想问问公积金怎么提取;
你好，我叫李建华，身份证440301…，我在公司交了五年公积金…. The name, phone number or ID
says nothing about what is asked, but to the engine they are words no entry has, so the
question matched its entry less well (0.14, and 0.002 with the phone in spoken digits).

:func:`without_introduction` drops the clauses (parts between commas, full stops …) that
are only such an introduction — a greeting; 我是 / 我叫 / 本人 / 姓名 and a name; 手机 / 电话 /
身份证 … and a number — recognised with the personal-data masking the ask log uses
(``interact.core.privacy``), so what it hides is what is dropped. The clauses that remain
are the question. A clause that says anything more (我是外地人, 我是一名退休教师, 我在公司交了五年公积金)
is kept, and a text that would be left empty is returned as it was.

The same reading applies to the knowledge base's texts: a question the ask log stored
masked (我是王**，手机[电话]，想问问公积金怎么提取) that a curator adds as a similar phrasing
is matched on 想问问公积金怎么提取.
"""
from __future__ import annotations

import re
from functools import lru_cache

from interact.core.privacy import scan_text

#: Where a question is split into clauses.
_CLAUSE_SPLIT = re.compile(r"([，,。；;！!？?\n]+)")
#: A text can hold an introduction only if it says one of these (checked before masking).
#: Whom a citizen greets before the question.
_ADDRESSEE = r"(?:领导|老师|同志|工作人员|师傅|主任|书记|市长|局长|处长|科长|客服|管理员)们?"
#: A greeting before the question: 您好 / 你好 / 大家好, said to someone (领导您好, 各位领导好,
#: 尊敬的领导, 老师们好; attack J6) or an apology for disturbing. An addressee alone counts
#: only after 尊敬的 / 各位 (领导干部… is a question). ``faq.matching`` removes the same
#: greetings at the start of a question.
GREETING = (rf"(?:(?:尊敬的|敬爱的|亲爱的)?(?:各位)?{_ADDRESSEE}(?:您好|你好|你们好|好)"
            rf"|(?:尊敬的|敬爱的|亲爱的)(?:各位)?{_ADDRESSEE}|各位{_ADDRESSEE}"
            r"|您好|你好|你们好|大家好|打扰一下|打扰了|打扰您了)")
_GREETING = rf"(?:{GREETING}|喂)"
#: A clause made only of these words is politeness before the question (attack K5: 麻烦问下领导，/
#: hi，/ 叔叔阿姨好，/ 领导辛苦了，/ 早上好，/ 想问个问题， left 8-19 of the demo's 36 standard
#: questions unanswered): greetings in any language a citizen types them, whom they address,
#: "may I ask", thanks. A clause with any other word (我是外地人, 领导干部…, 辛苦费怎么算) is kept.
_POLITE_WORD = (
    rf"(?:{_GREETING}|{_ADDRESSEE}|各位|大家|叔叔|阿姨|大哥|大姐|大叔|大爷|大妈|姐姐|哥哥|小姐姐|小哥哥|亲|朋友们?|小白|新手|萌新"
    r"|hi|hello|hey|hallo|哈喽|哈啰|哈罗|嗨|嘿|早上好|上午好|中午好|下午好|晚上好|早安|晚安|早"
    r"|在吗|在不在|在么|辛苦了|辛苦|谢谢|多谢|感谢|麻烦|请问|打扰|请教|咨询|问问|问|想|我|您|你|们|好"
    r"|一下|下|个|一个|件|事|事情|问题|了|啊|呀|哈|哦|呢|吗|嘛|的|能|可以|请)"
)
_POLITE_ONLY = re.compile(rf"^{_POLITE_WORD}+[:：]?$", re.IGNORECASE)
#: The clause must have one of these to be politeness (not only pronouns and particles: 你们好 is,
#: 我想问 is, 你能 is not a clause of its own worth dropping … but it is dropped only with one).
_POLITE_MARK = re.compile(
    rf"{_GREETING}|{_ADDRESSEE}|叔叔|阿姨|大哥|大姐|大叔|大爷|大妈|姐姐|哥哥|亲|小白|新手|萌新|hi|hello|hey|hallo|哈喽|哈啰|哈罗|嗨|嘿"
    r"|早上好|上午好|中午好|下午好|晚上好|在吗|在不在|在么|辛苦|谢谢|多谢|感谢|麻烦|请问|打扰|请教|咨询|问",
    re.IGNORECASE,
)
_MARKERS = re.compile(rf"我是|我叫|我姓|本人|姓名|名字|手机|电话|身份证|证件|联系方式|微信|邮箱|\*|\[|{_GREETING}|{_ADDRESSEE}"
                      r"|叔叔|阿姨|大哥|大姐|大叔|大爷|大妈|亲|小白|新手|萌新|hi|hello|hey|hallo|哈喽|哈啰|哈罗|嗨|嘿|早|好|在吗|在不在|在么"
                      r"|辛苦|谢|麻烦|请问|打扰|请教|咨询|问", re.IGNORECASE)
#: 我是 / 我叫 / 本人 … and a name as the masking writes it (王**, 欧阳*): a name is dropped
#: only where the masking recognised one.
_NAME_INTRO = re.compile(
    rf"^{_GREETING}*(?:我是|我叫|我姓|本人是?|我的名字是|我的名字叫|我名字叫|名字叫|姓名是?)[:：]?\s*"
    r"[\u4e00-\u9fff]{1,2}\*+$"
)
#: A contact label and a number: masked ([电话]) or written in any digits, spoken ones included.
_CONTACT_INTRO = re.compile(
    rf"^{_GREETING}*(?:我的|本人)?(?:手机号码|手机号|手机|电话号码|联系电话|电话|联系方式|身份证号码|身份证号|身份证|"
    r"证件号码|证件号|微信号|微信|邮箱)(?:是|为)?[:：]?\s*"
    r"(?:\[[^\]]+\]|[0-9０-９零〇一二三四五六七八九幺两拐洞勾oOxX\s\-—]+)$"
)
_GREETING_ONLY = re.compile(rf"^{_GREETING}+[:：]?$")


def _is_introduction(clause: str, masked: str) -> bool:
    """Whether a clause (as typed, and as masked) is only a greeting or an introduction."""
    for text in (masked.strip(), clause.strip()):
        if _GREETING_ONLY.match(text) or _CONTACT_INTRO.match(text):
            return True
    return bool(_NAME_INTRO.match(masked.strip()))


def _is_politeness(clause: str) -> bool:
    """Whether a clause is only politeness (``_POLITE_ONLY``); dropped before the question only:
    thanks after it (…，谢谢) are left as they are."""
    polite = re.sub(r"\s+", "", clause)
    return bool(_POLITE_ONLY.match(polite) and _POLITE_MARK.search(polite))


@lru_cache(maxsize=4096)
def without_introduction(text: str) -> str:
    """*text* without the clauses that only greet or say who the citizen is (see the
    module's docstring); *text* itself when there is none or nothing else would remain."""
    if not isinstance(text, str) or not _MARKERS.search(text):
        return text
    parts = _CLAUSE_SPLIT.split(text)
    clauses = parts[0::2]
    if sum(1 for c in clauses if c.strip()) < 2:
        return text
    kept: list[str] = []
    dropped = False
    for i, clause in enumerate(clauses):
        leading = not any(c.strip() for c in kept)
        if clause.strip() and ((leading and _is_politeness(clause)) or _is_introduction(clause, scan_text(clause)[0])):
            dropped = True
            continue
        kept.append(clause + (parts[2 * i + 1] if 2 * i + 1 < len(parts) else ""))
    rest = "".join(kept).strip()
    if not dropped or not _CLAUSE_SPLIT.sub("", rest).strip():
        return text
    return rest
