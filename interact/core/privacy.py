"""Masking of personal data: the one pipeline for everything published.

Public pages, the public API, FAQ entries made from letters, monthly summaries and typical
cases all pass citizen text through :func:`mask_text` (plain text) or :func:`mask_html`
(staff rich text), giving the names the person is known by (a letter's or opinion's name
field) so they are hidden wherever they are repeated. Staff pages show the original.

What is hidden:

- the given names, in full and as surname + 先生/女士/同志 … (also in traditional characters),
  and every name found in another field of the same record (:func:`names_in`) or in the
  records a staff text retells (:func:`names_of`: a summary's typical cases);
- Chinese personal names in salutation and signature positions (``王小明您好``,
  ``尊敬的李华女士``, ``此致 敬礼 张三``, ``来信人：张三``, ``我叫张三``, ``我的名字是赵敏``,
  ``联系人李建国电话…``, ``回复王五：``), before forms of address (``感谢刘桂英阿姨``,
  ``请转告陈志强先生``, ``隔壁李大爷``), of the people around the writer (``我丈夫司马青``,
  ``孩子叫上官小飞``, ``班主任钱多多老师``, ``我是王小明的母亲``) and alone before a phone
  number (``孙悟空，电话…``); names held up as examples (``向雷锋同志学习``) stay;
- addresses down to road, number, building, unit and room (with the province/city/district
  words written before them; ``B座1203``, ``3-2-401``, ``十八栋二单元六零三``, villages' 组);
- telephone numbers in any common writing: full-width digits, Chinese numerals
  (一三七…, 幺), both mixed (1三7一2…), separators (spaces, dots, dashes, brackets, line
  breaks), ``+86``/``0086``; landlines with area code;
- resident ID numbers (15/18 digits, any spacing or line break, final X or Ｘ), bank cards,
  account numbers of 12 digits and more after their label (公积金账号 1234 5678 9012,
  社保卡号…), the last digits of such a number written alone (身份证尾号2214), passport
  and travel-permit numbers (护照号 E12345678);
- e-mail addresses (also ``＠``, full-width letters, ``(at)``, ``at``/``dot``, ``#``, 艾特/点,
  and whatever follows an e-mail label even without a domain);
- WeChat ids and QQ numbers after 微信/vx/QQ (and 薇信/绿泡泡/威心), licence plates
  (粤B12345, 蒙A·D12345);
- other personal documents' numbers after their label (香港身份证, 军官证, 社保卡, 病历号,
  不动产权证号, 车架号 …), positions (北纬…东经…, two coordinates), an IP address after its
  label, a date of birth after its label;
- people by their role (户主王大力, 投诉对象：刘大强, 网格员陈晓梅, and any …人/…者 such as
  收件人/受害人/肇事者: one of the hundred commonest surnames after these words; after the
  roles of a case — 当事人, 嫌疑人, 患者, 家长, 代理律师, 房东, 民警 … — any surname, and
  after 嫌疑人/受害人 … any name followed by 在逃/受伤/骗 …), before their sex or age
  (王秀芬（女，45岁）), couples, signatures after a dash (——韩梅梅, ——Huangfu Xiaowen), a
  pinyin name after a label, @-mentions (@令狐冲), names in quotes before a form of address
  or a relation (“任盈盈”同学, 『岳灵珊』是我女儿), a name a sentence tells of (佘太君反映,
  据胡一刀称, 陈近南这个人, 我和田伯光是邻居), a name before the document it owns
  (张三丰身份证);
- accounts on other apps (钉钉, 小红书, TG @…, 支付宝 …), e-mails with a Chinese domain,
  basements and office rooms (地下室B7-23, 华润大厦2907), English addresses, a date
  followed by 出生;
- (attack batch 8) the name field in pinyin, in capitals, reversed, as initials (W.J.G.)
  or as an account made of it (wangjianguo1985, wjg1985sz: :mod:`privacy_pinyin`), its
  given name before 哥/姐 or what is said of a person (建国哥说); a nickname in pinyin is
  a name (Zhou Botong); names after more roles (维修工, 保姆, 外卖小哥, 租客, 证人, 继父 …,
  with no known surname when a strong verb follows: 保姆晴雯偷了; a word jieba's
  dictionary does not know before 的妈妈/的孩子 …: 仪琳的妈妈), in a 抄送 list, after
  我姓…名, …之妻, 叫作, 昵称是, Contact:/英文名：, a name and its pinyin in brackets, names
  written with ·; radio numerals (幺三拐洞洞…勾: 拐 7, 勾 9), Latin o for 零 among
  Chinese numerals, a mobile begun in spoken numerals (一百三十八…) or told in parts
  (前面是138，中间0013…), the first or last digits of an ID (身份证后六位), an ID with
  digits after it (残疾证号), welfare and disability documents (低保证号 LB2026-00123),
  Passport No., 卫星号/V❤ for WeChat, market stalls (12号摊位), addresses in pinyin
  (Jianshe Lu 15 Hao), a compact date of birth (出生19850315). A name with no known
  surname, a given name alone or a pinyin name is hidden whole (保姆**偷了东西); an IP
  address is labelled [IP地址];
- (attack batch 9) a name in brackets after or before who the person is (我爱人（刘晓燕）,
  周芷若（联系人）), after 房主/家属/退伍军人, before 家漏水 …, after 我是…，叫, before 收 (an
  addressee), each name of a list after a plural role (工友们：赵四、刘能…), a plain-text
  table's column under 姓名, English introductions (My name is Li Lei); the name field with
  an emoji inside; Kangxi radicals read as characters; 准考证号, handles with dots, map
  links' coordinates, Room 1203, Tower B, 第12户, 3层东305, a phone in English words;
  and what batch 8 had left: a name repeated (every repeat of a name found once), after
  兄弟/外号“…”的, alone after the last sentence, Guo, Jing, the name field reversed or as
  李某某; e-mails with 圈a, spaced out or "at gmail"; 一百三十八…八千; social profile URLs;
  dorm rooms, T3 1502, a flat told from a crossroads;
- (K2, session 9) names in quotes after 叫 (我邻居叫“王小虎”), after 儿媳妇/全名/大名,
  transliterated names with a middle dot (艾力·买买提, masked whole), pinyin after Mr./Dear,
  given name first, with tone marks or tone digits; social handles, Chinese ones too (我的微博
  @小鱼儿爱吃鱼, GitHub); plates written with spaces (粤 B 1 2 3 4 5); flats (房号1502,
  B-1205, 18/F, 第三组第5户, 东305室);
- (attack batch 11, L3) a neighbour's role before a name (邻居老太太马翠花, 老住户周建军), a
  place before one (群里的陈志强说), a hyphen inside a name (赵-铁-柱), a capitalised surname
  (ZHAO Tiezhu), an English relative's name (My wife Lily Chen), the name field's initials in
  capitals (ZTZ) or its given name before 他爸, what to search for on an app (抖音搜“…”),
  building-unit-flat after an estate's zone or where the writer lives (东区12-3-401, 我家住在
  3-1-502, B栋1502房, 8舍425), 十 for the first 1 of a mobile, a name in a link's path
  (src=".../赵铁柱身份证.jpg") and whose account a link's title says (title="铁柱的微博").

Every rule reads the text folded to one writing (:func:`_folded`: invisible characters
and combining marks dropped, digits and Latin letters of every script as ASCII, traditional
characters as simplified) and what it finds is hidden in the original, so one rule covers every writing of a digit (docs/privacy.md has the figures). Short service numbers (12345, 12333), dates, amounts, document numbers such
as 〔2024〕5号 and letter numbers (XJ20260105-0001) are left alone; a landline directly
after a hotline label (咨询电话：0471-6601234) is kept, because offices publish those on
purpose.

Every mask is a fixed label without any part of the original (``[电话]``, ``[身份证号]``),
so nothing of a number can be pieced together from several pages. Masking a masked text
changes nothing, so what was stored masked can be masked again when the rules change
(``flask --app interact letters reindex``). Ordinary text is left alone: the rate at which
real government texts and citizens' questions lose a word is bounded by
``tests/core/test_privacy_ordinary_text.py``.
"""
from __future__ import annotations

import bisect
import functools
import html as html_lib
import re
import unicodedata
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from markupsafe import Markup, escape

from interact.core import privacy_pinyin
from interact.core.sanitize import clean_html, linkify_html
from interact.core.textnorm import to_simplified

LABELS = {
    "name": "姓名",
    "birth_date": "出生日期",
    "location": "位置",
    "ip_address": "IP地址",
    "phone": "电话",
    "id_number": "身份证号",
    "bank_card": "银行卡号",
    "account_number": "账号",
    "card_number": "社保卡号",
    "passport": "证件号",
    "email": "电子邮箱",
    "account": "微信/QQ号",
    "plate": "车牌号",
    "address": "地址",
}

# --- digits in every writing -----------------------------------------------------------

_DIGIT_MAP: dict[str, str] = {str(d): str(d) for d in range(10)}
_DIGIT_MAP.update({chr(0xFF10 + d): str(d) for d in range(10)})  # full-width ０-９
_DIGIT_MAP.update(dict(zip("〇零一二三四五六七八九", "00123456789")))
_DIGIT_MAP.update(dict(zip("壹贰叁肆伍陆柒捌玖", "123456789")))
# The numerals of radio and military speech: 幺 1, 两 2, 拐 7, 勾 9, 洞 0 (幺三拐洞洞…).
_DIGIT_MAP.update({"幺": "1", "两": "2", "拐": "7", "勾": "9", "洞": "0"})
_CHINESE_DIGITS = set("〇零一二三四五六七八九壹贰叁肆伍陆柒捌玖幺两拐勾洞")
_DIGIT_CLASS = "0-9０-９〇零一二三四五六七八九壹贰叁肆伍陆柒捌玖幺两拐勾洞"
# Characters people put between digit groups.
_SEP_CLASS = r"\s\u3000\u00a0\-－—–‐.．·・_/、()（）\[\]【】杠"
_DIGIT_RUN = re.compile(
    rf"(?:[+＋]\s*)?[{_DIGIT_CLASS}](?:[{_SEP_CLASS}]{{0,3}}[{_DIGIT_CLASS}])*(?:[{_SEP_CLASS}]{{0,2}}[XxＸｘ×])?"
)
# Groups of three or more digits joined by a comma, an asterisk, a tilde, a full stop, a
# bar, a colon or a plus (138，0013，8000 / 138*0013*8003 / 138。0013。8000 /
# 440301|19850315|2214): read as one number only when every group is that long, so an
# ordinary list (1，2，3) stays a list and a time (9:00) stays a time.
_LOOSE_RUN = re.compile(
    rf"(?<![{_DIGIT_CLASS}])[{_DIGIT_CLASS}]{{3,}}(?:\s*[，,*＊~～。|｜:：+＋]\s*[{_DIGIT_CLASS}]{{3,}}){{1,5}}(?:[XxＸｘ×](?![A-Za-z]))?"
)
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_PHONE_CONTEXT = re.compile(r"(?:电话|手机|座机|号码|联系|致电|拨打|微信|QQ|qq|tel|Tel|TEL|call)[^。；;\n]{0,6}$")
# (微信公众号、12345政务服务热线: a hotline after an official account is not a QQ number.)
# The apps a person has an account on (钉钉号 xuanzp88, 小红书号 987650321, TG @xuanzp1985).
_APPS = (
    "微信|威信|薇信|威心|维信|微心|卫星|绿泡泡|vx|VX|Vx|wx|WX|v信|V信|加[vV微]|[vV微] ?[❤♥♡💗💕💓💖💚]|"
    "weixin|wechat|WeChat|QQ|qq|扣扣|企鹅号|"
    # (加我 tiezhu_1988, ➕V：tz19880808, +v …, Q：287654321: attack M1)
    "加我|[+＋➕]\\s?[vV]|(?<![A-Za-z])Q(?=\\s*[：:]\\s*(?:[0-9]|$))|"
    "抖音|快手|微博|钉钉|飞书|小红书|B站|b站|哔哩哔哩|知乎|豆瓣|陌陌|探探|支付宝|淘宝|闲鱼|"
    "(?<![A-Za-z])TG|Telegram|telegram|电报|推特|Twitter|twitter|Instagram|instagram|Facebook|facebook|脸书|"
    "Skype|skype|WhatsApp|whatsapp|"
    # (Line only before a colon: Line：tiezhu88 — attack P1; not a Line Manager)
    # (and not the end of another word: HOTLINE：12345678, DEADLINE: 2026-12-31 — review 13 F12)
    "(?<![A-Za-z])(?:Line|LINE)(?=\\s*(?:ID|id)?\\s*[：:])|"
    # where a programmer's account is (我的GitHub是 zhangwei-dev, 码云 zhaosi_dev)
    "GitHub|Github|github|GitLab|Gitlab|gitlab|Gitee|gitee|码云|CSDN|csdn"
)
_QQ_CONTEXT = re.compile(rf"(?:{_APPS}|Q号|q号)(?!公众号|群|平台|小程序)[^。；;、\n]{{0,4}}$")
# A label before a bank, social-security or housing-fund account number (公积金账号 1234 …).
_ACCOUNT_NUMBER_CONTEXT = re.compile(
    # (and a household's number with the water, power or gas company: 燃气户号 3100123456 — attack P1)
    r"(?P<label>账号|帐号|账户|帐户|卡号|社保卡|医保卡|银行卡|存折|公积金号|社保号|医保号|户号|用户编号|客户编号|缴费号)"
    r"(?:号码?)?\s*(?:是|为|[：:])?\s*$"
)
#: A household's number with a utility is shorter than a bank's (燃气户号 3100123456, 水费户号：20123456).
_HOUSEHOLD_NUMBER_LABELS = ("户号", "用户编号", "客户编号", "缴费号")
_ACCOUNT_KINDS = {"社保卡": "card_number", "医保卡": "card_number", "社保号": "card_number", "医保号": "card_number",
                  "卡号": "bank_card", "银行卡": "bank_card", "存折": "bank_card"}
# What follows an office's number, never a citizen's: 0755-12345678咨询 / …热线.
_OFFICE_AFTER = re.compile(r"\s*(?:咨询|查询|热线|服务热线|进行咨询|了解详情)")
_HOTLINE_CONTEXT = re.compile(
    r"(?:咨询|服务|办公|监督|投诉|举报|值班|受理|热线|客服|窗口|中心)(?:电话|热线|号码)?\s*[：:为是]?\s*$"
)

# --- e-mail ----------------------------------------------------------------------------

# Latin letters and digits in half and full width; the words people write for "@" and "."
# to get past filters (zhangsan (at) 163 dot com, zhangsan#163.com, zhangsan艾特163点com).
_AL = "A-Za-z0-9Ａ-Ｚａ-ｚ０-９"
_AT = r"(?:@|＠|[(（\[【]\s*(?:at|a)\s*[)）\]】]|\s+at\s+|#|＃|★|☆|艾特|爱特|圈[aA](?![A-Za-z])|圈|小老鼠|老鼠)"
_DOT = r"(?:[.．。]|[(（\[【]\s*dot\s*[)）\]】]|\s+dot\s+|点)"
# (Tried only from the first letter or digit of a run of the characters a name is made of:
# tried from every one, a run of n letters or digits cost n² steps. A match found from a
# later one is a part of the one found from the first.)
_EMAIL = re.compile(
    rf"(?<![{_AL}._%+\-])[._%+\-]*(?P<email>[{_AL}][{_AL}._%+\-]*\s*{_AT}\s*"
    rf"[{_AL}\-]+(?:\s*{_DOT}\s*[{_AL}\-]+)*\s*{_DOT}\s*[A-Za-zＡ-Ｚａ-ｚ]{{2,}}(?![{_AL}]))",
    re.IGNORECASE,
)
# An address whose name or domain is Chinese (禤展鹏@邮件.中国, zw@公司.网络).
_IDN_EMAIL = re.compile(
    rf"[{_AL}\u4e00-\u9fff._%+\-]{{1,30}}\s*[@＠]\s*[{_AL}\u4e00-\u9fff\-]+(?:\s*[.．]\s*[{_AL}\u4e00-\u9fff\-]+)*"
    rf"\s*[.．]\s*(?:[A-Za-z]{{2,}}|[\u4e00-\u9fff]{{2,4}})(?![{_AL}])"
)
# An address spelled out with a space between every character (z h a n g w e i @ q q . c o m).
_SPACED_EMAIL = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z0-9](?:\s[A-Za-z0-9._\-]){2,40}\s*[@＠]\s*[A-Za-z0-9](?:\s?[A-Za-z0-9\-]){0,30}"
    r"(?:\s?[.．]\s?[A-Za-z](?:\s?[A-Za-z]){1,5})+(?![A-Za-z0-9])"
)
# An account "at" a mail provider without the domain (zhangwei1988 at gmail, 我的 zhangwei
# at qq): an account with a digit or a dot in it, or one after Chinese text (not English
# words: meet at QQ).
_AT_PROVIDER = re.compile(
    r"(?<![A-Za-z0-9._%+\-])(?:[A-Za-z][A-Za-z]*[0-9._%+\-][A-Za-z0-9._%+\-]*|(?<=[\u4e00-\u9fff：:\s])(?<![A-Za-z]\s)[A-Za-z]{3,})"
    r"\s+(?i:at)\s+"
    r"(?i:gmail|qq|163|126|139|yeah|sina|sohu|yahoo|hotmail|outlook|live|foxmail|aliyun|icloud|protonmail)(?![A-Za-z0-9])"
)
# A person's page on a social site (我的微博 https://weibo.com/u/1234567890): hidden whole
# as an account.
_PROFILE_URL = re.compile(
    r"(?<![A-Za-z0-9.\-])(?:https?://)?(?:www\.|m\.)?(?:weibo\.com|weibo\.cn|douyin\.com/user|xiaohongshu\.com/user|zhihu\.com/people|"
    r"space\.bilibili\.com|github\.com|gitee\.com|gitlab\.com|instagram\.com|facebook\.com|twitter\.com|x\.com|tiktok\.com/@|kuaishou\.com/profile)"
    r"/?[^\s，,。；;、）)\]】\"'<>]+"
)
# What follows an e-mail label, even when it is not a whole address (邮箱：wanghong1988@163).
_LABELLED_EMAIL = re.compile(
    rf"(?:邮箱|邮件|电邮|e-?mail)(?:地址|号)?\s*(?:是|为|[：:])?\s*(?:发|到)?\s*"
    rf"(?P<value>[{_AL}][{_AL}._%+\-]{{2,}}(?:\s*{_AT}\s*[{_AL}\-]+(?:\s*{_DOT}\s*[{_AL}\-]+)*)?)",
    re.IGNORECASE,
)

# --- chat accounts and licence plates ---------------------------------------------------

# A WeChat id (a letter, then 5–19 letters, digits, _ or -) after 微信/vx/QQ…; numeric QQ
# numbers are found with the digits (see _classify).
_ACCOUNT = re.compile(
    rf"(?<![A-Za-z])(?:{_APPS})(?!公众号|群|平台|小程序)"
    r"(?:号|账号|帐号|号码|id|ID|UID|uid|用户名|昵称)?\s*"
    # (a Skype account written as its id, live:tiezhu_sz — attack N1)
    r"(?:就是|也是|是|为|叫|[：:])?\s*(?P<value>[@＠]?\s*(?:live:)?[A-Za-z](?:[A-Za-z0-9_\-]|\.(?=[A-Za-z0-9_])){5,29})(?![A-Za-z0-9_\-])"
)
# The writer's own channel (我的公众号叫“铁柱说事”) and parking space (我的车位B2-123, 车位号：B2-123 —
# attack N1; an office's 公众号 is not 我的).
_OWN_CHANNEL = re.compile(
    r"(?:我的|我自己的|本人的?)(?:微信)?(?:公众号|视频号|直播间)\s*(?:叫做|叫作|名叫|名字叫|名字是|叫|是|[：:])\s*(?P<quote>[“\"「『])?"
    # (without quotes, not a question or what the account is: 我的公众号是不是被封了, 是什么, 叫什么名字,
    # 是新注册的, 是被谁举报了, ：还没开通 — review 2 F3)
    r"(?(quote)|(?!不|没|还|被|新注册|新开|新申请|新建|什么|怎么|怎样|如何|哪|谁|啥|多少|几|已|刚|正在|可以|可不可以|能|要|"
    r"在|也|都|就|很|太|否|真|假|个|一个|同一|之前|以前|原来|现在|目前))"
    r"(?P<value>[^”\"」』，,。；;\s]{2,20})"
)
_PARKING = re.compile(
    # (or a space's number written as one after 车位 alone: 车位B2-123 as an interview nickname — attack N1)
    r"(?:(?:我的|我家的?|本人的?)车位号?|车位号|车位(?=\s*[A-Za-z][0-9]{0,2}\s*[-－]\s*[0-9]{2,4}(?![0-9])))\s*(?:是|为|[：:])?\s*"
    # (not a price, a year, an area or a count: 我的车位300元一个月, 我家的车位2020年买的, 我的车位12平方米 —
    # review 2 F2)
    r"(?P<value>[A-Za-z]?[0-9]{0,2}\s*[-－]?\s*[0-9]{2,4}(?![0-9]|\s*(?:[元块年月平㎡个天万米多岁%％]|m²|平方|公里))号?)"
)
# An account after ID/用户名 with no app named (ID 是 tiezhu1988): small letters first, so a
# letter's number (XJ20260105-0001) or a code in capitals is not one.
_BARE_ACCOUNT = re.compile(
    r"(?<![A-Za-z])(?:ID|Id|id|用户名|账号名|帐号名)\s*(?:就是|也是|是|为|[：:])\s*(?P<value>[a-z][a-z0-9_\-.]{4,29}[a-z0-9])(?![A-Za-z0-9_\-])"
)
# A handle on a social app, which may be Chinese (我的微博 @小鱼儿爱吃鱼, 微博名：一只小熊猫,
# 我抖音@阿杰的日常, 我的微博叫木子李2019): after the app and an @, after the app and a
# label of an account (名/号/昵称/ID), or after 我的 + the app + 叫/是; it runs to the next
# space or punctuation. Not an office's account (官方微博 @深圳发布, @平安深圳交警).
_HANDLE_APPS = (
    "淘宝|闲鱼|微博|抖音|快手|小红书|B站|b站|哔哩哔哩|知乎|豆瓣|今日头条|头条号|西瓜视频|视频号|贴吧|简书|博客园|"
    "Soul|SOUL|soul|陌陌|探探|"
    "GitHub|Github|github|GitLab|Gitlab|gitlab|Gitee|gitee|码云|CSDN|csdn|推特|Twitter|twitter|Instagram|instagram"
)
_HANDLE_LABEL = "(?:号|名|账号|帐号|昵称|ID|id|用户名|主页)"
_HANDLE = re.compile(
    rf"(?P<owner>我的|我|他的|她的|本人的?|对方的?|其)?(?P<app>{_HANDLE_APPS})\s*(?P<label>{_HANDLE_LABEL})?\s*"
    rf"(?P<verb>叫做|叫|是|为|[：:])?\s*(?P<value>[@＠]\s*[\u4e00-\u9fffA-Za-z0-9_\-·]{{2,30}}"
    rf"|(?<![@＠])[\u4e00-\u9fffA-Za-z0-9_\-·]{{2,30}})"
)
_OFFICIAL_HANDLE = re.compile(
    r"(?:发布|政务|交警|公安|警方|官方|政府|网信|卫健委?|融媒|日报|晚报|新闻|电视台|广播|在线|热线|服务|中心|[局委办厅院署])$"
    # (the names offices give their accounts: 平安深圳, 健康深圳, 共青团中央, 中国消防 — the word
    # and a place or a service, nothing more: 平安喜乐2018, 美丽人生李小花, 智慧妈妈王芳 are people's
    # nicknames — review 1 F0)
    r"|^(?:平安|健康|文明|共青团|中国|美丽|魅力|清风|廉洁|智慧|法治|诚信|人民|央视|新华)"
    r"(?:中央|消防|交警|公安|警方|应急|气象|环保|税务|医保|社保|海关|铁路|邮政|"
    r"北京|天津|上海|重庆|河北|河南|山东|山西|江苏|浙江|安徽|福建|江西|湖北|湖南|广东|广西|海南|四川|贵州|云南|"
    r"陕西|甘肃|青海|宁夏|新疆|西藏|内蒙古?|辽宁|吉林|黑龙江|香港|澳门|台湾|"
    r"深圳|广州|珠海|佛山|东莞|惠州|中山|汕头|杭州|宁波|温州|南京|苏州|无锡|武汉|长沙|成都|西安|郑州|济南|青岛|"
    r"合肥|福州|厦门|南昌|昆明|贵阳|南宁|海口|兰州|西宁|银川|拉萨|太原|石家庄|沈阳|大连|长春|哈尔滨|呼和浩特|乌鲁木齐|"
    r"[\u4e00-\u9fff]{1,3}[省市区县镇])"
    r"(?:发布|政务|交警|公安|消防|在线|[市省区县])?$"
)
# The writer's own account (我的抖音号, 我的微博叫…): never an office's.
_OWN = ("我的", "我", "本人", "本人的")


_HANDLE_HINT = re.compile(_HANDLE_APPS)


# 抖音搜“铁柱的日常”就能找到我: what to search for on an app to find the writer.
_HANDLE_SEARCH = re.compile(
    rf"(?:{_HANDLE_APPS}|微信|视频号)\s*(?:上|里)?\s*(?:搜索?一?下?|查找|找)\s*[“\"「『‘]\s*(?P<value>[^”\"」』’\s，,。]{{2,30}})\s*[”\"」』’]"
)


#: After a search on an app: it finds the writer or someone (就能找到我, 就是我, 能搜到他).
# (我们 read whole: 就能找到我们 is how an office writes it — review 2 F8)
_FINDS_A_PERSON = re.compile(r"[^。！？!?\n]{0,8}?(?:找到|搜到|看到|关注)(?:我们?|他们?|她们?|本人)|\s*(?:就是|是)(?:我们?|他|她)")


# After an app and a colon alone, what reads as words and not a name (抖音：看到一个视频说…,
# 微博：已删除, 快手：直播间, 我在抖音：刷到一条消息 — review 1 F1), and a source cited (来源抖音：…).
_NOT_A_HANDLE = re.compile(
    r"^(?:已|刚|正在|看到|刷到|看|刷|搜|直播|视频|短视频|发布|发了|有人|有个|有一|说|据|转|最近|今天|昨天|前天|上面|里面|"
    r"一个|一条|一些|这个|这条|那个|那条|官方|网友|热门|热搜|无|没有|暂无|未|不|关于|如何|怎么|为什么|什么|哪|"
    r"点赞|评论|私信|转发|关注|粉丝|链接|截图|同上|同名|略|无法|登录|注册|注销|封号|被封)"
    r"|了|吗|呢|吧|说|看到|刷到|视频|消息|新闻|通知|政策|解读|规定|办理|申请"
)
_CITED = re.compile(r"(?:来源|来自|转自|摘自|引自|据|出处|信息源)\s*[：:]?\s*$")


# Soul上叫铁柱爱吃瓜, 抖音里的名字是…: what the writer (or someone) is called on an app (attack N1);
# not what is called for there (在抖音上叫卖, 微信上叫外卖, 叫他过来, 叫什么).
# The handle ends at the punctuation, or where the sentence goes on about its owner (Soul上叫
# 铁柱爱吃瓜欢迎来找我, 陌陌上叫小甜甜的那个人骗了我 — review 12: the rest of the sentence was
# hidden with it).
_CALLED_ON_APP = re.compile(
    rf"(?:{_HANDLE_APPS}|微信)\s*(?:上|里)\s*(?:(?:的名字|的昵称|的网名|的ID|的id|名字|昵称|网名)\s*(?:叫做|叫作|叫|是)|叫做|叫作|名叫|(?P<plain>叫))"
    r"\s*[“\"「『]?(?P<value>(?!卖|好|车|醒|停|外卖|他|她|我|你|人|啥|什么|谁|哪|这|那|一声|了|过)[^”\"」』，,。；;！!？?\s]{2,20}?)"
    r"(?=[”\"」』，,。；;！!？?\s]|$|的(?:那个|这个|人|男|女|家伙|账号|号)|(?:欢迎|可以|能|天天|每天|经常|一直|总是|"
    # (就/也/都/说 only before what begins a clause: 叫张三也行, 叫老王说了; 快手上叫老王说车 is one handle —
    # review 13 F7)
    r"(?:就|也|都)(?=是|在|会|要|能|不|没|行|可以|经常|天天|叫)|说(?=[：:，,了过他她我你要让])|"
    r"骗|加我|找我|私信|关注|给我|跟我|和我|把|被|发了))"
)
#: 叫 and the value's first character as a word this frequent in jieba's dictionary is a verb, not
#: a name given (叫价 19, 叫喊 321, 叫停 50, 叫板 59: 闲鱼上叫价太高 — review 12).
_CALL_VERB_FREQ = 10


# An app and a handle as the whole nickname (Soul铁柱爱吃瓜 — attack N1: :func:`as_name`); not who uses
# the app (抖音用户, 快手粉丝, 微博网友). (Not in a text: 淘宝运费怎么算 is a question.)
_APP_AND_HANDLE_ALONE = re.compile(
    rf"^\s*(?:{_HANDLE_APPS})\s*(?:号|名|ID|id)?\s*[：:]?\s*"
    # (nor a role on the app, which a question would then hide everywhere: 抖音客服, 美团骑手,
    # 淘宝卖家 — review 12)
    r"(?P<value>(?!用户|网友|粉丝|达人|爱好者|小编|官方|博主|主播|账号|帐号|"
    r"(?:人工|在线|智能)?客服|商家|店家|店主|卖家|买家|骑手|司机|师傅|工作人员|管理员|运营|平台|团队|小助手|助手|"
    r"会员|客户|商城|旗舰店|店铺|小店|直播间|群主|新手|老用户|新用户|买家秀)[\u4e00-\u9fffA-Za-z0-9_\-·]{2,20})\s*$"
)


def _colon_handle(text: str, m: re.Match) -> bool:
    """An app and a colon, as in a list of contacts (快手：铁柱在深圳 — attack M1): a short value
    that ends the line or the item and does not read as words."""
    value = m.group("value")
    after = text[m.end("value"):m.end("value") + 1]
    return (len(value) <= 12 and (not after or after in " \t\r\n\u3000，,；;、。！!？?）)")
            and not _NOT_A_HANDLE.search(value) and not _CITED.search(text[max(0, m.start() - 6):m.start("app")]))


def _handle_spans(text: str) -> list[_Span]:
    # (only a search that finds a person: 在抖音搜“防诈骗”观看视频 names a topic)
    # (and when it finds the writer — 就能找到我 — never an office's; 找到我们 may be an office's)
    spans = [_Span(m.start("value"), m.end("value"), "account") for m in _HANDLE_SEARCH.finditer(text)
             if (found := _FINDS_A_PERSON.match(text, m.end()))
             and (re.search(r"我(?!们)|本人", found.group(0)) or not _OFFICIAL_HANDLE.search(m.group("value")))]
    spans += [_Span(m.start("value"), m.end("value"), "account") for m in _CALLED_ON_APP.finditer(text)
              if not _OFFICIAL_HANDLE.search(m.group("value"))
              and not (m.group("plain") and _word_frequency("叫" + m.group("value")[0]) >= _CALL_VERB_FREQ)]
    for m in _HANDLE.finditer(text):
        value = m.group("value")
        by_at = value[0] in "@＠"
        # (我的微博是新注册的: after 是 without a label only an account with a letter or a digit;
        # the app and a colon, as in a list of contacts, is an account: 快手：铁柱在深圳 — attack M1)
        owned = m.group("owner") and m.group("verb") and (m.group("verb") != "是" or re.search(r"[A-Za-z0-9]", value))
        if not (by_at or m.group("label") or owned or m.group("verb") in ("：", ":") and _colon_handle(text, m)):
            continue
        if not by_at and not m.group("verb") and not re.match(r"\s", text[m.end("label") if m.group("label") else m.end("app"):]):
            continue  # (微博号码 …, 知乎上看到: no handle without @, a verb or a space)
        if (not by_at and not m.group("verb") and not m.group("owner") and not re.search(r"[A-Za-z0-9]", value)
                and (m.group("label") not in ("ID", "id", "用户名", "昵称") or _NOT_A_HANDLE.search(value))):
            continue  # (我局微博账号 已开通, 本单位抖音号 每周更新: words, not an account, unless someone's;
            # after ID or 用户名 a name: 贴吧ID 铁柱哥哥 — attack P1)
        if m.group("owner") not in _OWN and (
                _OFFICIAL_HANDLE.search(value)
                or re.search(r"官方|政务|公众号|关注|本单位|我单位|本局|我局|本中心|我委|我办", text[max(0, m.start() - 6):m.start()])):
            continue
        spans.append(_Span(m.start("value"), m.end("value"), "account"))
    return spans


# 粤B12345, 蒙A·D12345 (new energy), 京N 8A8B8: a province, a letter, five or six letters
# and digits with at least one digit; also written with a space between them (粤 B 1 2 3 4 5,
# 粤B 12 345).
_PLATE = re.compile(
    r"(?<![A-Za-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]\s*"
    r"[A-HJ-NP-Za-hj-np-z]\s*[·•・.\-]?\s*(?=(?:[A-Za-z][ \u3000]?)*[0-9〇零一二三四五六七八九])"
    # (the digits also in Chinese numerals: 粤B一二三四五; a trailer's 挂 last: 粤B1234挂)
    r"(?:(?:[A-HJ-NP-Za-hj-np-z0-9〇零一二三四五六七八九][ \u3000]?){4,5}[A-HJ-NP-Za-hj-np-z0-9〇零一二三四五六七八九]"
    r"|(?:[A-HJ-NP-Za-hj-np-z0-9][ \u3000]?){3}[A-HJ-NP-Za-hj-np-z0-9][挂学警领港澳])"
    r"(?![A-Za-z0-9〇零一二三四五六七八九])"
)
# A plate with its province in pinyin (yue B12345) or without it after a plate's label
# (车牌：B12345, 电动车牌 深圳 A12345: attack M1).
_PINYIN_PLATE = re.compile(
    r"(?<![A-Za-z])(?i:jing|jin|hu|yu|ji|yun|liao|hei|xiang|wan|lu|xin|su|zhe|gan|e|gui|meng|shan|min|yue|qing|zang|"
    r"chuan|ning|qiong)\s?[A-HJ-NP-Z]\s?[·.\-]?\s?(?=[A-Z]*[0-9])[A-HJ-NP-Z0-9]{5,6}(?![A-Za-z0-9])"
)
# The digits of an ID after its label, however many are written (身份证 44030119900101
# 后四位1234: the first 14 with the last four apart, attack M1).
_LABELLED_ID_DIGITS = re.compile(
    r"身份证(?:号码?)?\s*(?:是|为|[：:])?\s*(?P<value>[0-9]{6,17}[Xx]?)(?![0-9])"
)
# A Hong Kong or Macau number (+852 9123 4567, (+853) 6612 3456): eight digits in two groups.
_HK_MACAU_PHONE = re.compile(r"[(（]?\s*(?:\+|00)\s*85[23]\s*[)）]?[\s\-]*[0-9]{4}[\s\-]?[0-9]{4}(?![0-9])")
_PLATE_LETTERS = re.compile(r"[A-HJ-NP-Z]\s?[·.\-]?\s?[A-HJ-NP-Z0-9]{5}")
_LABELLED_PLATE = re.compile(
    r"车牌(?:号码?)?\s*(?:是|为|[：:])?\s*(?:[\u4e00-\u9fff]{2,4}\s+)?"
    r"(?P<value>[A-HJ-NP-Z]\s?[·.\-]?\s?(?=[A-Z]*[0-9])[A-HJ-NP-Z0-9]{5,6})(?![A-Za-z0-9])"
)

# --- the tail of a number, passports ----------------------------------------------------

# The last digits of an ID, card or account number written on their own
# (身份证号尾号2214, 卡号尾号是 8899): the number's label decides the mask.
_TAIL_LABELS = "身份证|证件|银行卡|卡|账号|帐号|账户|帐户|手机|电话"
_TAIL_PART = (rf"(?:尾号|尾数|(?:前|后|末|最后)[三四五六七八3-8]位)\s*(?:是|为|[：:])?\s*"
              rf"(?P<value>[{_DIGIT_CLASS}]{{3,8}}[XxＸｘ]?)(?![{_DIGIT_CLASS}])")
_TAIL_DIGITS = re.compile(rf"(?P<label>{_TAIL_LABELS})[^，,。；;\n\d]{{0,4}}?{_TAIL_PART}")
# The same written later in the sentence (身份证前六位440301，出生…，后四位2214).
_TAIL_LATER = re.compile(_TAIL_PART)
_TAIL_LABEL = re.compile(rf"({_TAIL_LABELS})[^。；;\n]{{0,30}}$")
_TAIL_KINDS = {"身份证": "id_number", "证件": "id_number", "银行卡": "bank_card", "卡": "bank_card",
               "手机": "phone", "电话": "phone"}
# 护照号 E12345678, 港澳通行证 C12345678.
_PASSPORT = re.compile(
    r"(?:护照|通行证|旅行证|(?i:passport)(?:\s*(?:No\.?|Number|#))?)(?:号码?|编号)?\s*(?:是|为|[：:])?\s*"
    r"(?P<value>[A-Za-zＡ-Ｚａ-ｚ]{1,2}\s*[0-9０-９]{6,9})(?![A-Za-z0-9０-９])"
)

# --- where a person is, when a person was born -----------------------------------------

# A position in degrees (北纬39.9042，东经116.4074 / 39.904211,116.407395): two numbers
# with four or more decimals, or one after 北纬/东经 ….
_COORDINATES = re.compile(
    r"(?:(?:北纬|南纬|纬度)\s*[：:]?\s*[0-9]{1,2}\.[0-9]{2,}°?|(?<![0-9.])-?[0-9]{1,3}\.[0-9]{4,}°?)"
    r"\s*(?:[,，、;；\s]|%2[Cc]|&(?:amp;)?(?:lng|lon|long|longitude|lat|latitude)=)\s*"
    r"(?:(?:东经|西经|经度)\s*[：:]?\s*[0-9]{1,3}\.[0-9]{2,}°?|-?[0-9]{1,3}\.[0-9]{4,}°?)(?![0-9])"
)
# An internet address after its label (我家IP是 116.23.45.67).
_IP_ADDRESS = re.compile(
    r"(?:IP|ip|Ip)(?:地址)?\s*(?:是|为|[：:])?\s*(?P<value>(?:[0-9]{1,3}\.){3}[0-9]{1,3})(?![0-9])"
)
# A date after a birth label (出生日期：1985年3月15日, 生日 1985-03-15).
_BIRTH_DATE = re.compile(
    rf"(?:出生日期|出生年月日?|生日|出生于|生于)\s*(?:是|为|[：:])?\s*"
    rf"(?P<value>[{_DIGIT_CLASS}]{{4}}\s*[年./\-]\s*[{_DIGIT_CLASS}十]{{1,2}}\s*[月./\-]\s*[{_DIGIT_CLASS}十]{{1,3}}\s*[日号]?)"
)

# Any other personal document's number after its label, whatever its letters around the
# digits (香港身份证A123456(7), 军官证号南字第123456号, 社保卡号A12345678, 住院号/病历号,
# 不动产权证号粤(2020)深圳市不动产权第0123456号, 车架号 LSVAU2180N2183294): up to the first
# run of five digits and what is glued to it.
_LABELLED_DOCUMENT = re.compile(
    # (attack N1: 社保电脑号 612345678, 结婚证字号 J440301-2010-001234, 出生医学证明编号,
    # 外国人永久居留身份证号)
    r"(?:香港身份证|澳门身份证|台胞证|回乡证|永居证|永久居留身份证|永久居留证|永久居留|居留许可|军官证|"
    r"社保电脑|结婚证|离婚证|出生医学证明|出生证明|出生证|士兵证|警官证|社保卡|医保卡|就诊卡|病历|"
    # (attack Q1: 病案号 0012345, 门诊号：MZ20230012345, 户口本编号 440300012345, 台湾身份证A123456789;
    # 病案, 门诊, 住院, 户口本/簿 only with a number word: a figure after the bare word is a
    # count, 我院门诊2023年接诊量达120000人次, 全院住院2023年共收治12000人次 — review 14 F1)
    r"(?:病案|门诊|住院|户口本|户口簿)(?=号|编号)|台湾居民身份证|台湾身份证|"
    r"不动产权证|不动产证|房产证|车架|发动机|驾驶证|行驶证|学生证|学籍|工作证|档案|"
    r"残疾人证|残疾证|低保证|低保|特困供养证|特困证|优待证|优抚证|老年证|退役军人证|救助证|"
    r"准考证|考生号|报名号|准考号)"
    # (a word after the bare label is not a number's: 档案管理中心, 住院业务预约电话)
    # (a number after a space is one: 台胞证 01234567, 军官证 南字第123456号)
    r"(?:(?:号码?|编号|字号)\s*(?:是|为|[：:])?\s*|\s*(?:是|为|[：:])\s*|(?=[A-Za-z0-9０-９])"
    r"|\s+(?=[^\s，,。；;、！!？?]{0,6}[0-9０-９]{5,}))"
    # (a check digit in brackets is the number's, A123456(7); a closing bracket alone is not)
    r"(?P<value>[^\s，,。；;、！!？?]{0,16}?[0-9０-９]{5,}[A-Za-z0-9０-９]*(?:[-－][A-Za-z0-9０-９]+)*(?:[(（][0-9A-Za-z][)）])?号?)"
)

# A date of birth written as eight digits after its label (出生19850315).
_BIRTH_COMPACT = re.compile(r"(?:出生日期|出生年月日?|出生|生日)\s*(?:是|为|[：:])?\s*(?P<value>(?:19|20)[0-9]{6})(?![0-9])")

# A date and then 出生 (我83年7月19号出生, 1985年3月15日生人).
_BORN_ON = re.compile(
    rf"(?P<value>(?:[{_DIGIT_CLASS}]{{4}}|[{_DIGIT_CLASS}]{{2}})\s*年\s*[{_DIGIT_CLASS}十]{{1,2}}\s*月\s*[{_DIGIT_CLASS}十]{{1,3}}\s*[日号]?)"
    r"\s*(?:出生|出世|生人|降生)"
)

# --- names -----------------------------------------------------------------------------

# The compound surnames of the 百家姓 and a few in use since, but not those that are
# ordinary words or place names first (东门, 第五, 濮阳, 微生).
_COMPOUND_SURNAMES = (
    "欧阳 司马 诸葛 上官 东方 皇甫 慕容 令狐 夏侯 公孙 长孙 尉迟 宇文 司徒 端木 独孤 南宫 "
    "西门 百里 呼延 轩辕 澹台 公冶 太史 申屠 闻人 万俟 钟离 拓跋 完颜 司空 司寇 赫连 公羊 "
    "宗政 淳于 单于 太叔 仲孙 鲜于 闾丘 亓官 颛孙 巫马 公西 漆雕 乐正 壤驷 公良 夹谷 宰父 "
    "谷梁 段干 东郭 羊舌 梁丘 左丘 归海 有琴 商牟 伯赏 墨哈 谯笪 阳佟 纳兰 爱新觉罗 "
    "叶赫那拉 钮祜禄"
).split()
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾"
    "尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师"
    "和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌"
    "奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容"
    "敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾"
    "茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
    # rarer surnames of the 百家姓 that are no everyday word (attack batch 7: 禤展鹏)
    "禤笪缑仉蒯隗郄訾逄郗邴郦雎芈琚宓禚庹洪"
)
_SURNAME_RE = "(?:" + "|".join(_COMPOUND_SURNAMES) + "|[" + "".join(sorted(_SURNAMES)) + "])"
# The first character of any surname: checked first, so the rules skip every other position
# at once instead of trying the list of ordinary words there.
_AT_SURNAME = "(?=[" + "".join(sorted(_SURNAMES | {s[0] for s in _COMPOUND_SURNAMES})) + "])"
_HAN = "[\u4e00-\u9fff]"
# Words that follow a surname in greetings but are not given names (王局长您好).
_TITLE_WORDS = (
    "局长|处长|科长|主任|书记|市长|区长|县长|镇长|乡长|村长|所长|院长|校长|站长|队长|部长|经理|"
    "老师|师傅|同志|先生|女士|小姐|阿姨|大爷|大姐|大哥|总|工|律师|医生|警官|"
    # (问问林老板就知道了, 马老板欠我工资 — review 2 F4)
    "老板娘|老板|老总"
)
_HONORIFIC = "(?:先生|女士|同志|小姐|老师|同学|阿姨|大爷)"
# A character of a given name: not a verb of going or getting (我叫车去机场, 我叫车回家: 车 is
# a surname, 叫车 calls a taxi).
_GIVEN_CHAR = r"(?:(?![去回到走吃喝买卖坐找说])[\u4e00-\u9fff])"
# (Not a particle or a negation at its end: 房主：欧阳锋不给开证明 names 欧阳锋.)
_GIVEN = rf"(?!(?:{_TITLE_WORDS}|您|你|们|[等的了和与及或各])){_GIVEN_CHAR}{{1,2}}(?<![吧吗呢啊了的么呀哦不没])"
# Ordinary words that begin with a surname character and stand where a name could.
_COMMON_WORDS = (
    "敬礼|谢谢|感谢|祝好|祝愿|顺祝|商祺|关心|关注|关于|高兴|方便|方面|方式|方法|方案|平时|平安|常见|明确|明白|"
    "明天|明年|安全|安排|全面|全部|万一|于是|和谐|向来|成为|时候|时间|应该|齐心|文明|金额|许多|余下|尚未|连续|"
    "申请|申报|查询|查看|包括|车辆|车位|房屋|房产|房租|公司|公积金|公告|单位|程序|项目|管理|任何|任务|严格|"
    "全体|那位|那些|那个|单位|高考|中考|成绩|周末|周岁|毕业|路上|车祸|文化|常年|全家|童年|钱款|干部|关系|班子|安置|"
    "江苏|湖南|湖北|广东|广西|黄河|长江|宁夏|吉林|云南|贵州|海南|福建|山东|山西|陕西|甘肃|青海|新疆|西藏|"
    # seen masked in ordinary government texts and citizens' questions (tests/core/test_privacy_ordinary_text.py)
    "信息|关切|呼声|利用|使用|单身|国产|全集|全本|高龄|来访|部门|华为|苏宁|安卓|"
    # an app before an account (支付宝 13800138000), schools before 同学
    "支付|高中|全班|权益|居住|居民|查验|查阅|查找|查收|戴眼镜|戴口罩|高品质|高质量|高效|马上|"
    "公安|公园|公交|公共|公众|公开|公示|"
    # a thing called by its name before 先生 (石头先生这部电影)
    "石头"
)
# A name written with a middle dot or a full stop between its parts (阿依古丽·吐尔逊,
# 帕提古丽.艾买提, 阿卜杜热合曼·艾力·买买提).
# (Its parts are of the characters names are transliterated with — Uyghur, Kazakh, Mongolian,
# Tibetan, Western names — so the name ends where the sentence goes on: 我丈夫买买提·吐尔逊在外地.)
_TRANSLITERATION = (
    "阿艾爱安昂奥敖巴拜班邦宝保鲍贝本比彼毕别宾滨波伯博卜布步才查察柴昌朝彻晨成赤楚次茨达大代戴丹旦当道德登"
    "迪狄地蒂丁东都杜敦顿多朵额俄厄恩尔法凡梵方菲费芬丰夫弗伏福甫富盖甘冈刚高戈格根更贡古谷瓜关圭贵果哈海"
    "汗汉罕杭豪浩好禾合和赫黑亨洪侯呼胡华怀欢焕惠霍基吉加佳贾坚杰捷金锦晋京久居喀卡开凯坎康考柯科可克肯孔"
    "库夸奎昆拉腊莱赖兰朗劳勒雷蕾黎里理力立利丽莉连列林琳玲铃刘留柳龙隆卢鲁陆路伦罗洛玛马迈麦曼芒毛茂梅美"
    "门蒙孟米密敏明缪摩莫墨默姆木穆那纳娜乃奈南楠内尼妮宁纽努诺欧帕潘庞佩彭皮珀普朴其齐奇琪恰乔切钦琴青琼"
    "丘曲却热仁日荣茹瑞若萨塞赛三桑色瑟森沙莎山善尚绍舍申圣施什史舒斯松苏索塔泰坦汤唐陶特提汀通同图吐托拖"
    "瓦万旺威韦维温文翁沃乌吾伍武西希锡夏香肖谢辛欣兴休雅亚延央扬耶叶伊依音尤于玉约云扎增詹哲珍正智朱卓孜"
    "兹宗佐买逊不甫合"
)
_DOTTED_NAME = rf"[{_TRANSLITERATION}]{{2,7}}(?:[·•・.．][{_TRANSLITERATION}]{{1,7}}){{1,2}}"
# A name may be written with a space after the surname (王 小明, 王\u3000小明).
_NAME = rf"{_AT_SURNAME}(?!(?:{_COMMON_WORDS})){_SURNAME_RE}[ \u3000]?{_GIVEN}"
# After a label, with a space between every character (张 三 丰).
# (or a hyphen or an underscore: 我的名字是赵-铁-柱)
# (or the surname apart: 欧阳·娜娜, 王 小明)
_SPACED_NAME = (rf"{_SURNAME_RE}(?:[ \u3000\-－_][\u4e00-\u9fff]){{1,2}}(?![\u4e00-\u9fff])"
                rf"|{_SURNAME_RE}[ \u3000\-－_·•・][\u4e00-\u9fff]{{1,2}}(?![\u4e00-\u9fff])")
# A name in pinyin, each part capitalised (Zhang Wei, Huangfu Xiaowen, Li Lei).
_LATIN_NAME = r"[A-Z][a-z]{1,7}(?:[ ·][A-Z][a-z]{1,9}){1,2}"
_BOUNDARY = r"(?:^|(?<=[\s，,。.！!？?；;：:、“”\"'（(）)>】]))"
# Forms of address after a full name (王秀英阿姨), and words after which one comes.
_ADDRESS_FORM = "(?:先生|女士|同志|同学|阿姨|大爷|大妈|大娘|奶奶|爷爷|师傅|老人)"
_BEFORE_NAME = (
    "(?:的|为|帮|替|感谢|谢谢|多谢|转告|告诉|通知|联系|委托|找|叫|是|和|与|跟|同|给|向|请|让|被|把|对|由|关于|据|"
    "隔壁|邻居|楼上|楼下|对门|对面)"
)
# What follows a name after a label (联系人李建国电话…, 我叫刘德华今年65岁).
_AFTER_NAME = (
    "(?:电话|手机|联系|身份证|证件|住址|家住|住在|地址|反映|来信|今年|现年|性别|男|女|先生|女士|同志|"
    "年龄|岁|工作|系|在)"
)
# A name after words for the people around the writer (我丈夫司马青, 孩子叫上官小飞, 我同事
# 赵子龙也想问, 班主任钱多多老师): surnames that are also everyday words (和, 向, 于 …) are
# left out there, and the name must be followed by what follows a person in a sentence.
_RELATION_WORDS = (
    "丈夫|妻子|爱人|老公|老婆|前夫|前妻|儿子|女儿|孩子|小孩|闺女|儿媳妇|孙媳妇|侄媳妇|儿媳|女婿|孙女婿|孙子|孙女|外孙|外孙女|"
    "父亲|母亲|爸爸|妈妈|公公|婆婆|岳父|岳母|哥哥|姐姐|弟弟|妹妹|亲戚|舅舅|叔叔|姑姑|侄子|侄女|"
    "继父|继母|养父|养母|生父|生母|后妈|后爸|干爹|干妈|舅妈|姨妈|姑父|姨父|嫂子|弟媳|外甥女|外甥|"
    "堂哥|堂姐|堂弟|堂妹|表哥|表姐|表弟|表妹|伯父|伯母|叔父|婶婶|兄弟|姐妹|兄妹|姐弟|"
    # (主任 after the body it heads is an official's title: 市人大常委会主任蒋卓庆, 办公室主任; any
    # other 主任 may be anyone's — 公司的主任王秀英拖欠工资, 举报主任王建国: review 12)
    "同事|同学|朋友|室友|邻居|房东|租客|老乡|工友|班主任|老师(?!傅)|校长|医生|领导|经理|老板|师傅|"
    # (attack P1: 我继子马小龙, 我亲家王德顺, 我徒弟王德顺, 我发小李建军, 我闺蜜刘丽丽, 我上司李建军)
    "继子|继女|亲家|徒弟|发小|闺蜜|上司|"
    "(?<![会委办室局处厅院心部站所])主任"
)
# More people around the writer and the people a complaint or a case is about, by their
# role (attack batch 6, G1: 户主王大力, 投诉对象：刘大强, 网格员陈晓梅). These words also
# stand before ordinary words (学生宿舍, 患者居住所在区, 确保安全出行), so the name after
# them must begin with one of the hundred commonest surnames.
_ROLE_WORDS = (
    "爷爷|奶奶|外公|外婆|姥姥|姥爷|媳妇|男朋友|女朋友|男友|女友|前男友|前女友|未婚夫|未婚妻|老大|老二|老三|"
    # (被告方/原告方 is a party, not a person: 被告方赔偿)
    "户主|租户|承租人|出租人|投诉对象|被投诉人|被举报人|被申请人|被告(?!方)|原告(?!方)|法定代表人|法人代表|负责人|"
    "网格员|村支书|支书|村主任|保安|保姆|司机|学生|包工头|家属|"
    # the neighbours a writer tells of (邻居老太太马翠花, 我是3栋的老住户周建军)
    "老太太|老太|老头|老大爷|老大妈|老奶奶|老爷爷|老住户|住户|老业主|"
    # whom a letter is about, by their status (五保户郑老根, 患儿朱小宝, 我战友马志强 — attack
    # N1; whom the writer accuses is found by :func:`_accused_spans`; an official after 队长 is
    # named as such, docs/privacy.md: 中队长王建国说会处理)
    "五保户|低保户|贫困户|困难户|特困户|村民|农民工|患儿|产妇|孕妇|独居老人|孤寡老人|空巢老人|战友|小哥|保安队长|"
    "物业经理|中介|"
    # (attack P1: 我们村长李建军, 组长, 群主王翠兰把我踢出了群, 楼长, 村医, 牧民)
    "村长|组长|楼长|群主|村医|牧民|"
    # any person named by what they are or do: …人 / …者 (当事人, 受害人, 收件人, 犯罪嫌疑人,
    # 被执行人, 肇事者 …), but not 个人, 他人, 老人, 名人, 或者, 记者 … (no one in particular)
    "(?<=[\u4e00-\u9fff])(?<![个本他别每众老诗名达猎主女男无没有工军路商成夫的等之人一二两三四五多些文家])人"
    "|(?<![或再前后两三笔作读学记])者"
)
# The roles of the people a case is about, after which any surname begins a name (患者茅十八,
# 房东裘千尺签字, 家长：穆念慈, 派出所民警赵敏).
_CASE_ROLE_WORDS = (
    "当事人|受害人|被害人|嫌疑人|委托人|收件人|寄件人|收货人|承租人|出租人|患者|病人|证人|监护人|代理人|"
    "家长|律师|房东|(?<!住)房主(?![任管])|民警|辅警|交警|警察|(?<!行)业主|车主|店主|雇主|医生|护士|大夫|"
    # the people who work in a home or bring things to it (维修工赵铁柱师傅, 外卖小哥李逵)
    "维修工|修理工|水电工|电工|装修工|清洁工|保洁员|保洁|钟点工|护工|月嫂|保姆|外卖小哥|外卖员|"
    "快递小哥|快递员|骑手|租客|"
    # (军人 alone is no one in particular; 退伍军人岳不群 is someone)
    "退伍军人|退役军人|复员军人|转业军人|现役军人"
)
_RELATION = f"(?:{_RELATION_WORDS})"
_ROLE = f"(?:{_ROLE_WORDS})"
_CASE_ROLE = f"(?:{_CASE_ROLE_WORDS})"
_COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵钱严覃武戴莫孔汤"
)
_COMMON_NAME = rf"{_AT_SURNAME}(?!(?:{_COMMON_WORDS}))(?:{'|'.join(_COMPOUND_SURNAMES)}|[{_COMMON_SURNAMES}])[ \u3000]?{_GIVEN}"
_NUM = r"[0-9０-９一二三四五六七八九十百零〇两廿卅]+"  # (廿三号: attack M1)
_FUNCTION_SURNAMES = set("和向于都由但时应连那来相信展阴智幸奉富闭位满盘敬初计门云容区修")
_PLAIN_SURNAME_RE = (
    "(?:" + "|".join(_COMPOUND_SURNAMES) + "|[" + "".join(sorted(_SURNAMES - _FUNCTION_SURNAMES)) + "])"
)
_PLAIN_NAME = rf"{_AT_SURNAME}(?!(?:{_COMMON_WORDS})){_PLAIN_SURNAME_RE}[ \u3000]?{_GIVEN}"
_AFTER_PERSON = (
    rf"(?:{_HONORIFIC}|{_ADDRESS_FORM}|[，,。.！!？?；;：:、\s（(）)”\"]|$|也|说|的|在|今年|现年|反映|打|骂|被|是|因|已|"
    "和|与|带|去|来|从|到|都|还|又|就|才|不|没|曾|于|出生|工作|上学|读|患|住|生病|失业|现在|目前|经常|一直|"
    "对|让|把|给|向|跟|要|想|需要|办|申请|去世|受|身体|携带|拖欠|欠|克扣|拒|多次|长期|今天|昨天|去年|前年|"
    "退伍|态度|骑车|有纠纷|有矛盾|留下|留给|乱(?:收|扔|停|倒|搭|建|占|堆|排|写|贴|发)|"
    "行动|年迈|年纪|腿脚|患有|瘫痪|残疾|退休|下岗|卧床|住院|过世|名下|天天|总是|骚扰|开车|上门|贪污|怀孕|"
    rf"霸占|侵占|挪用|威胁|殴打|辱骂|私自|强行|违规|{_NUM}岁|"
    "家(?:漏水|渗水|装修|的|里|门口|养|占|堆|噪音|太吵|吵|人|孩子|老人|长|属)|均|皆|生(?:孩子|小孩|了|下|二胎|完)|或|以及|"
    "每天|每晚|每周|每次|整天|成天|"
    # (村支书王大海收了补偿款, 我儿子陈小宝三口人: attack M1)
    "收了|收受|收取|收红包|收钱|收礼|拿了|拿走|[两三四五六七八九]口人|一家|全家|"
    # (the person's documents: 老住户周建军社保卡丢了)
    "身份证|社保卡|医保卡|银行卡|户口|驾驶证|驾照|护照|房产证|结婚证|"
    "称|问|委托|签字|签名|同意|受伤|在逃|骗|偷|报案|建议|提出|要求|认为|这个人|这人|此人|可以|常|请|"
    rf"{_NUM}个多?月|"
    "等(?:人|反映|[0-9一二三四五六七八九十两几多]+(?:人|名|户)))"
)
_LABEL_BEFORE_NAME = (
    "来信人|写信人|致信人|反映人|投诉人|举报人|咨询人|申请人|当事人|署名|落款|签名|联系人|姓名|"
    "我的名字是|我的名字叫|名字是|名字叫|名字叫做|名字叫作|我叫|名叫|叫做|叫作|姓名为|姓名是|"
    "网名是|网名叫|网名|昵称是|昵称叫|昵称|微信名是|微信名|抄送人|"
    "起草人|拟稿人|撰稿人|填表人|制表人|我是|本人|"
    # the writer in dialect (俺叫王翠兰, 额叫马建国, 俺是王翠兰: attack M1)
    "俺叫|额叫|偶叫|咱叫|俺是|俺的名字是|俺的名字叫|中文名字?(?:叫|是)?|汉名|"
    # whose a bank account is (户名王翠兰, 收款人户名：王翠兰: attack M1)
    "户名|开户名|账户名|帐户名|持卡人"
)
# Labels after which only a name can follow (not 我是/本人: 我是单位职工).
_NAME_ONLY_LABEL = (
    "来信人|写信人|致信人|反映人|投诉人|举报人|咨询人|申请人|署名|落款|签名|联系人|姓名|"
    "我的名字是|我的名字叫|名字是|名字叫|名字叫做|名字叫作|我叫|名叫|叫做|叫作|姓名为|姓名是|"
    "网名是|网名叫|网名|昵称是|昵称叫|昵称|微信名是|微信名|抄送人|"
    "起草人|拟稿人|撰稿人|填表人|制表人|俺叫|额叫|偶叫|咱叫|俺的名字是|俺的名字叫|中文名字?(?:叫|是)?|汉名|"
    # whose a bank account is (户名王翠兰, 收款人户名：王翠兰: attack M1)
    "户名|开户名|账户名|帐户名|持卡人"
)
# A kinship or neighbour word the way people say it, with whose it is (attack M1: 我妈李桂香,
# 俺娘李桂香, 孩子他爹何大山, 我老伴儿吴淑芬, 阿拉姆妈张阿娣, 我对象叫刘敏, 老人叫李桂香).
_KIN_OWNER = "(?:我|俺|咱|额|偶|阿拉|他|她|孩子他|孩子她|孩他|孩她|娃他|娃她|孩子|我家|俺家|咱家|我们家|我屋头)的?"
_KIN_SHORT = (
    "(?:[大二三四五六七八九小老幺]?(?:爸|妈|爹|娘|哥|弟|姐|妹|叔|伯伯?|婶|舅|姨|姑|爷|奶)|儿|"
    "老伴儿?|先生|太太|丈母娘|老丈人|丈人|婆娘|媳妇儿|那口子|老头子?|老婆子|对象|姆妈|房客|租客|"
    "那个|阿嬷|阿婆|阿公|阿爸|阿妈)"
)
# (and the written register of an older writer's letter: 家父王德顺, 犬子赵小宝, 先父孙有财 — attack P1)
_KIN_ALONE = ("(?:亡夫|亡妻|先夫|本人|阿嬷|阿婆|阿公|对门的?|楼下的?|楼上的?|隔壁的?|老人(?=叫|名叫)|"
              "家父(?!母)|家母|家严|家慈|先父(?!母)|先母|先考|先妣|家兄|家姐|舍弟|舍妹|小女|犬子|小儿|外子|拙荆|贱内|"
              "令尊|令堂|令郎|令爱|令媛)")
# (Words that begin with a surname and follow a relative in a sentence: 我妈成天打麻将; more
# are told by the dictionary, :func:`_kin_name_spans`.)
_KIN_NOT_NAME = (
    "成天|时常|常常|常年|向来|从来|万一|宁可|宁愿|于是|曾经|毕竟|高兴|安心|简直|居然|尤其|连忙|单独|全都|全身|"
    "甘心|乐意|明明|明知|明白|方才|方便|齐心|平常|平日|平时|和我|跟我|与我|同我|也是|都是|还是|就是|只是"
)
# 我妈李桂香的退休金停了 / 俺娘叫李桂香 / 孩子他爹何大山 / 老人叫李桂香
_KIN_NAME = re.compile(
    rf"(?:{_KIN_OWNER}{_KIN_SHORT}|{_KIN_ALONE})\s*(?:的名字|名字|大名|真名)?(?:叫做|叫作|叫|名叫|是|为|[：:])?\s*"
    rf"(?!{_KIN_NOT_NAME})(?P<name>{_PLAIN_NAME})(?={_AFTER_PERSON})"
)
#: A word this frequent in jieba's dictionary after a relative is a word, not a name (我妈高血压,
#: 我妈江西人, 我叔严重); a full name seldom is (李娜 438, 李强 159 stay names).
_KIN_WORD_FREQ = 500
_KIN_PHRASE_FREQ = 50
#: What ends the name of a shop or a place (童装店, 麻将馆, 包子铺, 棋牌室), and how frequent
#: the word before it must be (童装 278, 麻将 253, 棋牌 36; a given name such as 桂香 is 0).
_PLACE_ENDINGS = "店馆铺厂室站场吧摊"
_PLACE_WORD_FREQ = 30
#: Surnames that are verbs too, before an ordinary word (包饺子, 包 + 饺子 378).
_VERB_SURNAMES = "包"


def _kin_name_spans(text: str) -> list["_Span"]:
    from interact.core.segment import ensure_jieba, jieba

    spans = []
    for m in _KIN_NAME.finditer(text):
        name = m.group("name").replace(" ", "").replace("\u3000", "")
        if any(ord(c) < 0x4e00 for c in name):
            continue
        ensure_jieba()
        freq = jieba.dt.FREQ
        if (freq.get(name) or 0) >= (_KIN_WORD_FREQ if len(name) == 2 else _KIN_PHRASE_FREQ):
            continue
        if len(name) == 3 and (freq.get(name[:2]) or 0) >= _KIN_WORD_FREQ:
            continue
        # 楼下的童装店 / 隔壁的麻将馆: a place named by what it sells or offers; 我妈包饺子: 包
        # (a surname too) as the verb before a word (review of batch 12's kin rule).
        if len(name) == 3 and ((name[2] in _PLACE_ENDINGS and (freq.get(name[:2]) or 0) >= _PLACE_WORD_FREQ)
                               or (name[0] in _VERB_SURNAMES and (freq.get(name[1:]) or 0) >= _PLACE_WORD_FREQ)):
            continue
        spans.append(_Span(m.start("name"), m.end("name"), "name"))
    return spans

# Whom the writer accuses (我要举报李建军，…, 投诉孙德胜长期…, 起诉周海涛借钱不还 — attack N1):
# the verb's object is as often a place, an office or a thing (投诉江北区的噪音, 举报林业局不作为,
# 投诉董事会的, 投诉许可证的, 投诉何时才能处理 — review 2 F1), so only a full name the dictionary
# does not know, not ending as a place or an organisation does, and a two-character one only before
# what a person does.
_ACCUSED = re.compile(
    rf"(?:举报|投诉|起诉|控告|状告|检举)了?\s*(?P<name>{_AT_SURNAME}(?!(?:{_COMMON_WORDS}))[{_COMMON_SURNAMES}]"
    rf"(?!(?:{_TITLE_WORDS}|您|你|们|[等的了和与及或各某])){_GIVEN_CHAR}(?![某])(?:{_GIVEN_CHAR}(?![某]))?"
    r"(?<![吧吗呢啊了的么呀哦不没]))"
)
#: … and before what follows a person, or what the person did (举报李建军违建, 投诉孙德胜乱停车,
#: 起诉周海涛借钱不还), not a brand's product (举报金龙鱼食用油, 投诉周大福金店).
_ACCUSED_NEXT = re.compile(rf"{_AFTER_PERSON}|[违乱借占收骗打骂偷抢拿霸欺扣拖私非逃贪养放堆搭卖开]")
#: The last character of a place, an office, a company or a thing (江北区, 林业局, 董事会, 许可证,
#: 高压线, 卢沟桥, 谭家湾, 曹家渡, 孔雀城, 蔡家坡), and the words that follow the name of a company.
_PLACE_ORG_ENDINGS = "区县市镇乡村庄屯寨站厂局所院园湾渡桥路街巷道店馆铺会证线港坊场房楼苑省州营室部处科委办厅司社校吧摊岛门坡城党毒"
#: … and of a village named after a family (朱家角, 马家堡, 汪家山).
_VILLAGE_ENDINGS = "角堡山嘴沟岭坪坝集台洼峪口湖河塘井"
_ORG_AFTER_NAME = re.compile(r"公司|集团|有限|大学|学院|中学|小学|医院|银行|小区|花园|广场|商场|超市|酒店|宾馆|物业|地产|置业"
                             r"|科技|实业|家园|山庄|大厦|中心|分局|工地|楼盘|餐厅|饭店|幼儿园|诊所|药店|公寓|品牌|牌|门店")
#: What a person accused does, after a two-character name (举报李明长期占道, 起诉张伟，他…).
_ACCUSED_DOES = re.compile(
    r"\s*(?:[，,]\s*(?:他|她)|同志|先生|女士|等人|态度|(?:长期|多次|经常|一直|总是|天天|私自|强行|违规)"
    r"|(?:殴打|打人|打了|辱骂|骂人|骚扰|威胁|贪污|受贿|收受|收了|侵占|霸占|挪用|拖欠|欠我|欠钱|克扣|骗|偷|违建|占道|乱))"
)


#: Shops and brands named like a person, after 投诉 (投诉周生生长期…, 投诉周黑鸭乱收费: a chain of
#: jewellers, of duck necks; the dictionary does not know them, or as a name), or in a list (1. 江小白).
_SURNAMED_BRANDS = frozenset(
    "周生生 周大福 周大生 周六福 周黑鸭 谢瑞麟 钱大妈 张小泉 王老吉 陈李济 马应龙 杨国福 杨铭宇 刘一手 "
    "王守义 张君雅 黄飞红 金龙鱼 江小白".split()
)


def _rare_dictionary_name(word: str) -> bool:
    """王建国 (12), 李建军, 刘德华 (37): a full name of three characters that jieba's dictionary tags
    as a name (``nr``) and has seen seldom — read as a name no dictionary knows. The tag alone is
    no proof: the dictionary tags 马拉松 (80), 维生素, 望远镜, 孔雀 and 白鹭 ``nr`` too (review 12:
    投诉马拉松多次封路 was 投诉马**多次封路); a frequent one is a word or a famous person."""
    return len(word) == 3 and word in _dictionary_names() and _word_frequency(word) < _RARE_NAME_FREQ


#: Below this count in jieba's dictionary a word it tags as a name is read as one (王建国 12,
#: 刘德华 37; 马拉松 80, 小学生 556, 维生素 1933 are words).
_RARE_NAME_FREQ = 50


def _accused_spans(text: str) -> list["_Span"]:
    from interact.core.segment import ensure_jieba, jieba

    spans = []
    for m in _ACCUSED.finditer(text):
        ensure_jieba()
        freq = jieba.dt.FREQ
        name = m.group("name")
        start = m.start("name")
        # (where the dictionary's words end: 投诉张亮麻辣烫 is 张亮 + 麻辣烫, 投诉林肯汽车 林肯 + 汽车)
        ends, words, at = set(), {}, start
        for token in jieba.lcut(text[start:start + 8], HMM=False):
            words[at] = at + len(token)
            at += len(token)
            ends.add(at)
        for candidate in (name, name[:2]) if len(name) == 3 else (name,):
            end = start + len(candidate)
            after = text[end:end + 4]
            # (after[:1] is "" at the end of the text, and "" is in every string: 举报李建军 as a nickname)
            if (candidate[-1] in _PLACE_ORG_ENDINGS or (after and after[0] in _PLACE_ORG_ENDINGS) or _ORG_AFTER_NAME.match(after)
                    or (candidate[1] == "家" and candidate[-1] in _VILLAGE_ENDINGS) or candidate in _SURNAMED_BRANDS):
                continue
            if not _unknown_word(candidate) and not _rare_dictionary_name(candidate):
                continue
            if end not in ends and any(e > end and (freq.get(text[end - 1:e]) or 0) >= _RARE_WORD
                                       for e in ends if e - end <= 3):
                continue
            # (its last character begins a word of the dictionary: 举报张伟收受贿赂 is 张伟 + 收受贿赂 —
            # review 12: 张**受贿赂)
            if words.get(end - 1, end) > end:
                continue
            if len(candidate) == 3 and ((freq.get(candidate[:2]) or 0) >= _KIN_WORD_FREQ
                                        or not _ACCUSED_NEXT.match(text, end)):
                continue
            if len(candidate) == 2 and not _ACCUSED_DOES.match(text, end):
                continue
            spans.append(_Span(m.start("name"), end, "name"))
            break
    return spans


def _dictionary_names() -> frozenset[str]:
    """The words of two or three characters jieba's dictionary tags as a person's name (``nr``,
    ``nrfg``: 王建国, 刘德华, 高峰, 李强)."""
    return _dictionary_tagged()[0]


def _dictionary_places() -> frozenset[str]:
    """… and as a place (``ns``: 江山, 黄山, 长江)."""
    return _dictionary_tagged()[1]


def _dictionary_verbs() -> frozenset[str]:
    """… and the words of two characters it has seen at least 100 times as a verb, an adverb, a
    conjunction, a preposition, a pronoun or a time (转给 148, 交给, 一直, 已经, 今年: never a given
    name; 满仓 22, 立新 51 may be)."""
    return _dictionary_tagged()[2]


#: The tags of :func:`_dictionary_verbs`.
_FUNCTION_TAGS = frozenset("v vd vn d ad c p r t u f m q".split())


@functools.lru_cache(maxsize=1)
def _dictionary_tagged() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The names, places and verbs of :func:`_dictionary_names`, :func:`_dictionary_places` and
    :func:`_dictionary_verbs`, read from jieba's dictionary file once per process (0.3 s, ~9 MB;
    jieba.posseg would load its whole tagger, 0.7 s and 54 MB)."""
    from interact.core.segment import ensure_jieba, jieba

    ensure_jieba()
    names, places, verbs = set(), set(), set()
    with jieba.dt.get_dict_file() as lines:
        for line in lines:
            parts = line.decode("utf-8").split()
            if len(parts) == 3 and len(parts[0]) <= 3:
                if parts[2] in ("nr", "nrfg"):
                    names.add(parts[0])
                elif parts[2] == "ns":
                    places.add(parts[0])
                elif len(parts[0]) == 2 and parts[2] in _FUNCTION_TAGS and int(parts[1]) >= 100:
                    verbs.add(parts[0])
    return frozenset(names), frozenset(places), frozenset(verbs)


#: How frequent a word after 是 must be to be what someone is (司机 1455, 医生, 老师), not a name.
_IS_WHAT_FREQ = 1000


#: How frequent in jieba's dictionary a word before 师傅 must be to be a trade (司机 1455, 安装 2382,
#: 管道 1005), unless the dictionary tags it a name (高峰 1556 nr) or a place (江山 1224 ns).
_TRADE_FREQ = 100


def _trade_before_title(text: str, match: re.Match) -> bool:
    """让司机师傅出来道歉, 感谢安装师傅: a trade before 师傅 (or 同志), not a surname and a
    given name (司*师傅 was published)."""
    name = match.group("name")
    if len(name) != 2 or not re.match(r"师傅|师父|同志", text[match.end("name"):match.end("name") + 2]):
        return False
    from interact.core.segment import ensure_jieba, jieba

    ensure_jieba()
    # (nor a place's name: 江山师傅 is a man named 江山 — review 12)
    return ((jieba.dt.FREQ.get(name) or 0) >= _TRADE_FREQ and name not in _dictionary_names()
            and name not in _dictionary_places())


#: … and of a thing (被高仿货骗了, 被保健品骗了).
#: (and of a contest, a drink or a dish: 龙舟赛, 杨梅汁 — review 13 F2)
_THING_ENDINGS = "货品器机药酒菜赛汁茶面饼"


def _place_or_word(name: str) -> bool:
    """高铁站, 龙华区, 余杭区, 石材厂, 曹家渡: a place or an organisation where a three-character
    name could stand (review 2 F4); 何时能: a word and a character."""
    from interact.core.segment import jieba

    return (name[-1] in _PLACE_ORG_ENDINGS + _THING_ENDINGS or (name[1] == "家" and name[-1] in _VILLAGE_ENDINGS)
            or (jieba.dt.FREQ.get(name[:2]) or 0) >= _KIN_WORD_FREQ)


# A full name of three characters with one of the hundred commonest surnames, for the
# places below where only what follows says it is a person: the dictionary must not know it as
# a word (孙悟空, 王府井, 张家口, 林业局 stay).
_THREE_CHARACTER_NAME = (rf"{_AT_SURNAME}(?!(?:{_COMMON_WORDS}))[{_COMMON_SURNAMES}]"
                         rf"(?!(?:{_TITLE_WORDS}|您|你|们|[等的了和与及或各])){_GIVEN_CHAR}{{2}}")
_PLAIN_PLACE_NAME_PATTERNS = [
    # A full name as the object of what the writer asks of, or suffered from, a person (你们去问问
    # 王翠兰就知道了, 请转告李建军，, 我跟李建军吵了一架, 我被李建军打了, 必须叫李建军赔钱, 嫁给了李建军以后)
    # or as the subject of what a person owns or owes (王翠兰家的狗, 李建军的车, 钱国栋欠我工资,
    # 陈美玲今年七十三岁, 王翠兰和李建军都): attack N4. Only with what follows such a name.
    re.compile(rf"(?:问问|转告|嫁给了?|跟|被|叫|让|判决|(?<=[\u4e00-\u9fff])和)(?P<name>{_THREE_CHARACTER_NAME})"
               # (review 2's one-word variants: 我被李建军骗了, 叫李建军过来, 跟李建军借了钱)
               r"(?=就知道|出来|过来|赔|打了|打我|骂了|骂我|吵了|道歉|以后|都没|都不|骗了|骗我|坑了|坑我|欺负|威胁|借了|"
               r"拿了|偷了|抢了|占了|[，,]\s*(?:明天|今天|让他|叫他|请他))"),
    # A full name before its sex as a party is described (相关人员李建军，男，汉族 — attack P1).
    re.compile(rf"(?P<name>{_THREE_CHARACTER_NAME})(?=\s*[（(，,]\s*[男女]\s*[，,、）)])"),
    # A patient by the bed, a pupil by the class (12床的刘春花一直没人来换药, 三年级二班的王小虎被同学
    # 欺负 — attack N1; 12床的家属, 三年级二班的课表, 二班的任课老师 stay).
    re.compile(rf"{_NUM}\s*号?\s*(?:床位?|[)）]?\s*班)(?:里|上)?的?\s*(?P<name>{_PLAIN_NAME})(?={_AFTER_PERSON})"),
    re.compile(rf"(?:^|(?<=[。！？!?\n；;，,]))\s*(?P<name>{_THREE_CHARACTER_NAME})"
               # (家的鸡/家的鸭子, 李建军骂人 — review 2's variants)
               rf"(?=家的(?:狗|猫|鸡|鸭|鹅|猪|牛|羊|孩子|儿子|女儿|房子|车|树|空调|院子|装修)|的车(?:天天|经常|一直|总是)"
               rf"|欠(?:了)?我|今年{_NUM}岁|和{_THREE_CHARACTER_NAME}都"
               rf"|(?:经常|天天|总是|一直)?(?:骂人|打人|骗人|偷了|偷我|偷东西|抢了|抢我|欺负|威胁))"),
]


# A full name in any plain place of a sentence (attack P1, batch 14's second round: 我找王翠兰要钱,
# 向孙德胜借了, 对周海涛的处理结果, 帮钱国栋申请, 转给了吴秀珍, 比周海涛多交, 连王翠兰都, 经查，周海涛确实,
# 李建军是我们村的会计, 王翠兰的低保被取消了, 1. 王翠兰): after a word that takes a person as its object
# (a preposition or a verb of dealing with someone), or opening a clause or an item of a list. What
# surrounds it proves nothing here, so the name must stand alone as jieba's dictionary reads the
# sentence (:func:`_stands_alone`): 和田玉, 高新技术, 周一到周五, 王府井, 李白的诗 stay.
_NAME_IN_PLAIN_PLACE = re.compile(
    rf"(?:(?:找|向|对|与|帮|替|给|转给了?|交给了?|由|跟|同|比|连|让|被|问问|转告|嫁给了?|判决|陪|告诉|通知|"
    rf"联系|把|将|经查|据查|经核实|经核查|经调查|经了解|[，,]\s*叫|(?:村|组|队|楼|小区|单位|厂)里?的)[，,：:]?\s*"
    rf"|(?:和|是)(?={_THREE_CHARACTER_NAME}(?:一起|一块|干的|做的|弄的|偷的|打的|拿的))"
    # (关于 a person only before a deed or a letter about one: 关于周海涛违建的举报; not 关于吴孟达主演的电影)
    rf"|关于(?={_THREE_CHARACTER_NAME}(?:违|乱|占|欠|私|的(?:举报|投诉|问题|情况|反映|诉求|申请)))"
    rf"|(?:^|(?<=[\n]))\s*{_NUM}\s*[.、．）)]\s*(?=\S{{3}}\s*(?:$|\n|[，,；;。]))"
    rf"|(?:^|(?<=[。！？!?\n；;，,：:]))\s*(?={_THREE_CHARACTER_NAME}(?:是(?:我|本|村|社区|小区|他|她)|"
    rf"的(?:低保|补贴|养老金|退休金|抚恤金|工资|房子|宅基地|户口|医药费|欠款|借款)|确实|多次|长期|私自|"
    # (looked ahead, so a candidate refused does not hide the next: 我把钱转给了王翠兰)
    rf"强行|违规|拒不|不肯|不愿|至今|仍然|从来)))(?=(?P<name>{_THREE_CHARACTER_NAME}))"
)


# 牧民扎西多吉家的牛, 我邻居阿依古丽的孩子: a name of four to six of the characters transliterated
# names are written with, without its dot, after who the person is and before what follows a
# person (attack P1), unknown to the dictionary as a word.
_TRANSLITERATED_HINT = re.compile(rf"[{_TRANSLITERATION}]{{4}}")
_TRANSLITERATED_AFTER_WHO = re.compile(
    rf"(?:{_RELATION}|{_ROLE}|{_CASE_ROLE})\s*(?P<name>[{_TRANSLITERATION}]{{4,6}}?)(?={_AFTER_PERSON})"
)


def _plain_place_spans(text: str) -> list["_Span"]:
    """The names :data:`_NAME_IN_PLAIN_PLACE` finds: three characters the dictionary does not know, or
    knows seldom as a name (向王建国借了 — attack P5's re-check). (Two characters unknown to it, 张伟,
    were tried and dropped: 与陆毅, 把钱取出来, 与高德, 对高风险 were masked.)"""
    spans = []
    for m in _NAME_IN_PLAIN_PLACE.finditer(text):
        name, start = m.group("name"), m.start("name")
        # (nor a brand: 1. 江小白 — review 13 F2)
        if ((_unknown_word(name) or _rare_dictionary_name(name)) and not _place_or_word(name)
                and name not in _SURNAMED_BRANDS and _stands_alone(text, start, start + 3)):
            spans.append(_Span(start, start + 3, "name"))
    return spans


def _stands_alone(text: str, start: int, end: int, *, read_from_start: bool = False) -> bool:
    """Whether jieba's dictionary, reading the sentence around ``text[start:end]`` (a surname and
    two characters), finds a word of its own neither across its start nor across its end, and the
    surname a word alone (王/翠兰, 孙/德胜: a name; 和田玉, 高新/技术, 周一, 马上 are words).
    ``read_from_start``: where the name begins is known (after 业主, jieba reads 业/主张/伟)."""
    from interact.core.segment import ensure_jieba, jieba

    ensure_jieba()
    left = start if read_from_start else max(0, start - 3)
    bounds, at = set(), left
    for token in jieba.lcut(text[left:end + 6], HMM=False):
        bounds.add(at)
        at += len(token)
        bounds.add(at)
    given = text[start + 1:end]
    # (the surname a word alone, or the whole name one: 李建军 is in the dictionary, seen 3 times, as
    # a name — 田径队, seen 3 times, is a team: review 13 F2)
    return (start in bounds and end in bounds
            and (start + 1 in bounds or (start + 2 not in bounds and text[start:end] in _dictionary_names()))
            and not re.search(r"[的了着过们吗呢吧啊么是在和与及或把被给对向从到就都也还又才很太最更不没]", given)
            # (nor what ends the name of a kind or a thing: 对叶菜类蔬菜)
            and given[-1] not in "类型式性级品物费款项率量期证单表卡码员"
            # (nor a surname and a form of address: 小区里的王大妈说)
            and not re.fullmatch(rf"{_ADDRESS_FORM}|{_HONORIFIC}|{_TITLE_WORDS}|大叔|大婶|大哥|大姐|婆婆|阿婆|嫂子|老头|老太|姐姐|哥哥", given)
            and given not in _dictionary_verbs())



# Whoever the writer names right after who the person is to them (我邻居王翠兰占用楼道, 我丈夫陈志强家暴,
# 我发小李建军借钱不还, 她老公黄丽…) or after the party a complaint is about (业主王翠兰占用楼道, 楼上住户
# 王翠兰装修扰民), whatever verb follows (review 13 F1: :data:`_AFTER_PERSON` is a closed list, and 88
# of 88 relation × complaint-verb pairs were published). The name is one of the hundred commonest
# surnames and one or two characters that stand alone as jieba reads the sentence
# (:func:`_relation_name_spans`): 我邻居家的狗, 我丈夫单位, 业主大会, 我同事说, 我同事马上来 stay.
_WHOSE = "(?:我们|我|俺们|俺|咱们|咱|他们|她们|他|她|我家|俺家)的?"
_PARTY_ROLE = ("住户|业主|租户|户主|房东|房主|租客|承租人|出租人|被投诉人|被举报人|投诉对象|被申请人|当事人|"
               "车主|店主")
_RELATION_THEN_NAME = re.compile(
    rf"(?:{_WHOSE}(?:{_RELATION}|{_ROLE}|{_CASE_ROLE})|(?<![会委办室局处厅院心部站所])(?:{_PARTY_ROLE}))\s*"
    rf"(?=[{_COMMON_SURNAMES}]{_GIVEN_CHAR})"
)
#: Surnames that are also words before a noun (高工资, 原单位, 戴眼镜): a three-character candidate
#: made of one and a frequent word is that word, even tagged a name (戴眼镜 is, 8 times; 高建国 is lost
#: with them; 王建国 is a name).
_MODIFIER_SURNAMES = "高金白方石常严全明原单公车房龙江林田黄武文戴管包查"
#: A single-character verb after two characters that stand alone ends the name there (黄丽卖假货).
_VERB_AFTER_NAME = "卖骗偷抢打骂占借欠拿养放堵造违"


def _relation_name_spans(text: str) -> list["_Span"]:
    """The names :data:`_RELATION_THEN_NAME` finds: three characters as :func:`_plain_place_spans`
    takes them, else two the dictionary does not know (黄丽, 张伟: jieba reads 黄/丽) or knows
    seldom as a name (丽丽 81 is not; 陈述, 张罗 and 李家 are tagged names, and frequent)."""
    spans = []
    for m in _RELATION_THEN_NAME.finditer(text):
        start = m.end()
        three, two = text[start:start + 3], text[start:start + 2]
        if text[start + 2:start + 3] == "*" or text[start + 3:start + 4] == "*":
            continue
        tries = [2, 3] if text[start + 2:start + 3] in _VERB_AFTER_NAME else [3, 2]
        for size in tries:
            name = three if size == 3 else two
            if len(name) != size or not re.fullmatch(rf"{_HAN}+", name):
                continue
            if size == 3:
                ok = ((_unknown_word(name) or _rare_dictionary_name(name)) and not _place_or_word(name)
                      and not (name[0] in _MODIFIER_SURNAMES and _word_frequency(name[1:]) >= _KIN_WORD_FREQ)
                      and _stands_alone(text, start, start + 3, read_from_start=True))
            else:
                # (an unknown pair only with a character names are made of, and not before what ends a
                # place: 韩剧看多了, 侯车室 — 剧 is in none of the dictionary's names)
                ok = (((_unknown_word(name) and _given_name_characters()[name[1]] >= _GIVEN_CHARACTER_NAMES)
                       or (name in _dictionary_names() and _word_frequency(name) < _RARE_NAME_FREQ))
                      and text[start + 2:start + 3] not in _PLACE_ENDINGS_AFTER_TWO
                      and name not in _dictionary_places() and _two_stand_alone(text, start))
            if ok:
                spans.append(_Span(start, start + size, "name"))
                break
    return spans


#: In how many of the dictionary's names (``nr``) a character must be a given name's to begin one
#: (丽 276, 伟 165, 磊 7; 剧 0).
_GIVEN_CHARACTER_NAMES = 5
#: What, after two characters, makes them the beginning of a place's name (侯车室, 黄河站).
_PLACE_ENDINGS_AFTER_TWO = tuple("室站厂局所院馆店铺场")


@functools.lru_cache(maxsize=1)
def _given_name_characters() -> Counter[str]:
    """How many of the names jieba's dictionary knows have each character after the surname."""
    return Counter(ch for name in _dictionary_names() for ch in name[1:])


def _two_stand_alone(text: str, start: int) -> bool:
    """Whether ``text[start:start + 2]`` begins and ends where jieba's words do, read as one word (a
    name it knows) or as two characters, and the second is no function word (我同事都, 我丈夫也)."""
    from interact.core.segment import ensure_jieba, jieba

    ensure_jieba()
    # (read from the name on: where it begins is known, and after 业主 jieba reads 业/主张/伟)
    bounds, at = set(), start
    for token in jieba.lcut(text[start:start + 8], HMM=False):
        bounds.add(at)
        at += len(token)
        bounds.add(at)
    return (start + 2 in bounds
            and not re.search(r"[的了着过们吗呢吧啊么是在和与及或把被给对向从到就都也还又才很太最更不没说]", text[start + 1]))

# 张福贵、李有田、赵满仓等12户村民: the names of a list before 等 and how many people or households
# (attack N1), each a name the dictionary does not know or knows as one (张三、李四等人 too).
# (the last one after 和/与/及, and before 等 a count or who they are: 等村民, 等住户)
_LIST_WHO = "户|人|名|位|家|村民|居民|住户|业主|群众|工人|农民工|职工|老人|家属|同学|网友"
#: Where such a list ends: 等, a count, who they are. The list itself is read backwards from
#: here in Python: a pattern for the names before it (pieces of Han characters joined by
#: 、/和) splits a run of 和和和… in exponentially many ways (review 12: 60 × 和 took 24 s).
_NAME_LIST_END = re.compile(rf"等\s*(?:{_NUM}\s*)?(?:{_LIST_WHO})")
#: The longest list read before 等 (about 40 names).
_NAME_LIST_SPAN = 200


_NAME_LIST_HINT = re.compile(rf"[、，,和与及]{_HAN}{{2,3}}等\s*(?:{_NUM}\s*)?(?:{_LIST_WHO})")


#: What ends the name of a village or a hamlet in a list (王村、李庄等村民 — review 12: 王*、李*).
_SETTLEMENT_ENDINGS = "村庄屯寨湾镇乡坊营堡集洼峪沟坝"


def _name_list_spans(text: str) -> list["_Span"]:
    def is_name(piece: str) -> bool:
        return bool(re.fullmatch(rf"(?!(?:{_COMMON_WORDS})){_PLAIN_SURNAME_RE}{_GIVEN_CHAR}{{1,2}}", piece)
                    and piece[-1] not in _SETTLEMENT_ENDINGS and not (piece[1:2] == "家" and piece[-1] in _VILLAGE_ENDINGS)
                    and (_unknown_word(piece) or piece in _dictionary_names()))

    def surely_name(piece: str) -> bool:
        # (a word the dictionary tags as a name is no proof — 孔雀、白鹭等人工繁育: review 12 — so at
        # least one of the list is a name it does not know, or a rare one of three characters)
        return _unknown_word(piece) or _rare_dictionary_name(piece)

    spans = []
    for end in _NAME_LIST_END.finditer(text):
        run = _list_before(text, end.start())
        if run is None:
            continue
        offset, listed = run
        pieces = []
        for p in re.finditer(r"[^、，,\s]+", listed):
            # (李有田和赵满仓: the last two joined by 和/与/及, unless that is the name's: 李和平)
            joined = re.fullmatch(r"(.{2,3})[和与及](.{2,3})", p.group(0))
            if joined and not is_name(p.group(0)) and is_name(joined.group(1)) and is_name(joined.group(2)):
                pieces += [(p.start(), joined.group(1)), (p.start() + len(joined.group(1)) + 1, joined.group(2))]
            else:
                pieces.append((p.start(), p.group(0)))
        start, first = pieces[0]
        if len(first) == 4 or not re.fullmatch(_SURNAME_RE, first[0]):
            pieces[0] = (start + 1, first[1:])  # (给张三、李四等人: 给 is no part of the name)
        if all(is_name(piece) for _, piece in pieces) and any(surely_name(piece) for _, piece in pieces):
            spans += [_Span(offset + at, offset + at + len(piece), "name") for at, piece in pieces]
    return spans


def _list_before(text: str, end: int) -> tuple[int, str] | None:
    """The names' list that ends at ``end`` (where 等 is), as (where it starts, its text): the
    Han characters, 、，, and spaces before it, at least two pieces, the first piece at most its
    last four characters (给张三、李四等人). Linear in the list's length."""
    start = end
    while start > 0 and end - start < _NAME_LIST_SPAN and (
            "\u4e00" <= text[start - 1] <= "\u9fff" or text[start - 1] in "、，, \t\n"):
        start -= 1
    listed = text[start:end].lstrip("、，, \t\n")
    start = end - len(listed)
    chunks = re.split(r"[、，,\s]+", listed)
    if len(chunks) < 2 and not re.search(r".{2,3}[和与及].{2,3}$", listed):
        return None
    if any(len(c) < 2 for c in chunks):
        return None
    first = chunks[0]
    # (…的张三、李四: the list starts at most four characters before its first separator, or
    # at two names joined by 和: 我们李有田和赵满仓等村民)
    joined = re.search(r".{2,3}[和与及].{2,3}$", first) if len(chunks) == 1 else None
    keep = len(joined.group(0)) if joined else 4
    if len(first) > keep:
        cut = len(first) - keep
        listed, start = listed[cut:], start + cut
    return start, listed


# W翠兰反映的问题: a surname's initial and a given name the dictionary does not know, before what a
# person says (attack N1; the nickname rule of :func:`as_name`); A股市场, K线图说 stay.
_INITIAL_NAME = re.compile(
    # (not a city named by a letter: C市的问题, A市职称)
    # (in small letters too: w翠兰 — review 12)
    rf"(?<![A-Za-z0-9])(?P<name>[A-Za-z](?![市省县区镇乡村路街])(?:(?![的了是在和])[\u4e00-\u9fff]){{2}})"
    r"(?=反映|表示|来信|留言|说|同志|先生|女士|[，,：:]?\s*(?:您好|你好))"
)


def _lettered_word_or_room(name: str) -> bool:
    """B超室反映, X光室说, K歌房说, T恤店: a word written with a letter (B超, X光, T恤: jieba's
    dictionary knows them in capitals) or a room, a shop, a place — not a surname's initial and
    a given name (review 12: ***反映)."""
    return name[-1] in _PLACE_ORG_ENDINGS or _word_frequency(name[:2].upper()) > 0


# ——韩梅梅 / —— Huangfu Xiaowen: a signature after a dash, at the end of a line.
# (or before the date: ——李建军 12月1日 — attack P1; not a place, :func:`_signed_place`: ——张家界 12月1日)
_DASH_SIGNATURE = re.compile(rf"(?:——|—|--|－－)\s*(?P<name>{_NAME}|{_LATIN_NAME})\s*"
                             rf"(?=$|\n|[。.！!]|(?:{_NUM}\s*年\s*)?{_NUM}\s*月\s*{_NUM}\s*[日号]?\s*(?:$|\n))")


def _signed_place(name: str) -> bool:
    """——张家界, ——黄山: a place (or a famous person, 193 times in jieba's dictionary) under a text,
    not who wrote it (review 13 F2: ——张家界 12月1日 was ——张** 12月1日)."""
    return name in _dictionary_places() or (len(name) == 3 and (_place_or_word(name)
                                                                 or _word_frequency(name) >= _RARE_NAME_FREQ))


_NAME_PATTERNS = [
    # 户主王大力名下 / 投诉对象：刘大强，/ 我奶奶张李氏今年九十岁
    re.compile(rf"{_ROLE}\s*(?:的名字|名字)?(?:叫做|叫作|叫|名叫|是|为|[：:])?\s*(?P<name>{_COMMON_NAME})(?={_AFTER_PERSON})"),
    # 承租人樊一翁问 / 房东裘千尺签字 / 家长：东郭敬之
    re.compile(rf"{_CASE_ROLE}\s*(?:的名字|名字)?(?:叫做|叫作|叫|名叫|是|为|[：:])?\s*(?P<name>{_PLAIN_NAME})(?={_AFTER_PERSON})"),
    # 我丈夫司马青先生 / 孩子叫上官小飞 / 老师吴建国打了孩子 / 我同事赵子龙也想问
    re.compile(rf"{_RELATION}\s*(?:的名字|名字)?(?:叫做|叫作|叫|名叫|是|为|[：:])?\s*(?P<name>{_PLAIN_NAME})(?={_AFTER_PERSON})"),
    # 我是王小明的母亲
    # (嘅 in Cantonese: 我係黃家明嘅鄰居)
    re.compile(rf"(?:我是|本人是|本人系|我系|俺是)\s*(?P<name>{_NAME})(?=[的嘅](?:{_RELATION_WORDS}|家长|监护人|家属|亲属|代理人)"
               rf"|之(?:妻|夫|子|女|母|父|孙|孙女|兄|弟|姐|妹|媳|婿))"),
    # 我姓诸葛名亮: the given name after 我姓 … 名.
    re.compile(rf"我姓\s*{_SURNAME_RE}\s*[，,]?\s*名(?:叫|字叫|字是)?\s*(?P<name>{_GIVEN_CHAR}{{1,2}})(?={_AFTER_PERSON})"),
    # 回复王五：您的来信收悉 / 致李华：
    re.compile(rf"(?:回复|答复|致)\s*(?P<name>{_PLAIN_NAME})(?=\s*{_HONORIFIC}?\s*[：:，,])"),
    # 孙悟空，电话… / 诸葛亮13512345678: a name alone at the start, then a phone number.
    re.compile(
        rf"(?:^|(?<=[\n，,。；;])|(?<=联系))\s*(?P<name>{_PLAIN_NAME})"
        # (a word glued to 手机 is rather a brand: 华为手机, 安卓手机)
        rf"(?=[\s：:，,（(]+(?:(?:联系)?电话|手机|联系方式|身份证)|[\s：:，,]*(?:\+?86)?1[3-9][0-9]{{9}}(?![0-9]))"
    ),
    # 王小明您好 / 王小明先生：您好 / 尊敬的王小明同志，你好
    # (a footnote mark may stand between them: 赵铁柱<sup>1</sup>您好 — attack M1)
    re.compile(rf"{_BOUNDARY}(?:尊敬的|亲爱的)?\s*(?P<name>{_NAME})"
               rf"(?={_HONORIFIC}?\s*(?:[0-9]{{1,2}}|[*＊†‡]|[\[［][0-9]{{1,2}}[\]］])?\s*[，,：:！!\s]?\s*(?:您好|你好))"),
    # 尊敬的李华女士： / 尊敬的李华：
    re.compile(rf"(?:尊敬的|亲爱的)\s*(?P<name>{_NAME})(?=[ \u3000\u00a0]?{_HONORIFIC}?\s*[，,：:！!])"),
    # 来信人：张三 / 署名：张三 / 联系人 张三 / 我叫张三 / 本人张三
    re.compile(
        rf"(?:{_LABEL_BEFORE_NAME})"
        rf"\s*[：:（(]?\s*(?P<name>{_SPACED_NAME}|{_NAME})(?!{_HAN})"
    ),
    # 一个名叫周杰的人: after a label that is followed by a name, what is said of the person.
    re.compile(rf"(?:名叫|叫做|名字叫|名字是|我叫|姓名为|网名)\s*[：:]?\s*(?P<name>{_NAME})(?=的|{_AFTER_PERSON})"),
    # 我姓王，叫王大力
    re.compile(rf"我姓{_SURNAME_RE}[，,\s]*(?:名叫|叫做|叫|名字是)\s*(?P<name>{_NAME})"),
    # 王秀芬（女，45岁） / 赵丽颖，女，1985年生: a name before its sex.
    re.compile(rf"{_BOUNDARY}(?P<name>{_PLAIN_NAME})(?=\s*[（(，,]\s*[男女]\s*[，,、）)])"),
    # 张建国和李秀梅夫妇: both of a couple.
    re.compile(rf"(?P<name>{_PLAIN_NAME})(?=[和与及、]{_PLAIN_NAME}(?:夫妇|夫妻|两口子))"),
    re.compile(rf"(?<=[和与及、])(?P<name>{_PLAIN_NAME})(?=夫妇|夫妻|两口子)"),
    # 由王晓东代为办理
    re.compile(rf"由\s*(?P<name>{_PLAIN_NAME})(?=代为|代办|代理|代签|代交)"),
    _DASH_SIGNATURE,
    # 我叫 Zhang Wei / 我是Li Lei: a name in pinyin after a label.
    re.compile(rf"(?:{_LABEL_BEFORE_NAME})\s*[：:]?\s*(?P<name>{_LATIN_NAME})(?![A-Za-z])"),
    # 我是李Lei / 联系人ZWL: a surname with a given name in pinyin, or initials, after a
    # label that names a name (not an app's name: 联系人QQ).
    re.compile(rf"(?:{_LABEL_BEFORE_NAME})\s*[：:]?\s*(?P<name>{_SURNAME_RE}\s?[A-Z][a-z]{{1,10}})(?![A-Za-z])"),
    re.compile(rf"(?:{_NAME_ONLY_LABEL})\s*[：:]?\s*(?P<name>(?!QQ|VX|WX|ID|TG|IP|QR)[A-Z]{{2,4}})(?![A-Za-z0-9])"),
    # 李建军说他不知道: a full name at the start of a line, then what a person says.
    re.compile(rf"(?:^|(?<=\n))\s*(?P<name>{_PLAIN_SURNAME_RE}(?!{_TITLE_WORDS}){_GIVEN_CHAR}{{2}})(?<![地得着了们的])(?=说|表示|反映)"),
    # 联系人李建国电话… / 我叫刘德华今年65岁: a name followed by what is said of a person.
    re.compile(
        rf"(?:{_LABEL_BEFORE_NAME})"
        rf"\s*[：:]?\s*(?P<name>{_NAME})(?={_AFTER_NAME})"
    ),
    # 我叫司空摘星，… / 署名 欧阳娜娜娜: a longer name (a compound surname
    # not in the list, a three-character given name) after a label that only names a name.
    re.compile(
        rf"(?:{_NAME_ONLY_LABEL})"
        rf"\s*[：:]?\s*(?P<name>(?!(?:{_COMMON_WORDS})|{_HAN}{{0,3}}[的了么吗呢啊着过们])"
        rf"[{''.join(sorted(_SURNAMES))}]{_GIVEN_CHAR}{{3}})(?=[，,。.！!？?；;、\s（(]|$|{_AFTER_NAME})"
    ),
    # 感谢楼下的刘桂英阿姨 / 请转告陈志强先生 / 谢谢黄丽女士: a full name before a form of address.
    # (a space between them, as in a department's answer: 王翠兰 女士反映的, <p>赵铁柱&nbsp;同志：— attack P1)
    re.compile(rf"(?:{_BOUNDARY}|{_BEFORE_NAME})(?P<name>{_NAME})(?=[ \u3000\u00a0]?{_ADDRESS_FORM})"),
    # 我们楼的刘大妈叫刘桂芝: the full name of someone called by surname and a form of address (attack P5).
    re.compile(rf"{_SURNAME_RE}(?:大妈|大爷|阿姨|大叔|大婶|大娘|奶奶|爷爷|大姐|大哥|师傅|老师)\s*(?:的名字|大名|全名)?"
               rf"(?:叫做|叫作|名叫|叫)\s*(?P<name>{_PLAIN_NAME})(?={_AFTER_PERSON})"),
    # 隔壁李大爷 / 楼下王阿姨: a surname before a form of address used for elderly neighbours.
    re.compile(rf"(?:(?<![\u4e00-\u9fff])|{_BEFORE_NAME})(?P<name>{_SURNAME_RE})(?=阿姨|大爷|大妈|大娘|奶奶|爷爷|大姐|大哥|大叔|大婶)"),
    # 网友欧阳明华的问题 / 市民张三反映
    re.compile(
        rf"(?:网友|市民|群众|居民|(?<!行)业主|村民|患者|家长|职工|老人|同学)\s*(?P<name>{_PLAIN_NAME})"
        rf"(?=的|说|问|提|反映|来信|留言|[：:，,。\s（(])"
    ),
    # 此致 敬礼！ 张三
    re.compile(rf"此致\s*[,，]?\s*敬礼\s*[!！。]?\s*(?P<name>{_NAME})"),
    # A signature line: a name alone on a line after the text (not a text that is one
    # word: 杭州, 平稳), maybe with 敬上 or a date.
    # (Not an office signing: 公安局, 司法局, 常州市 alone on a line.)
    re.compile(
        rf"\n\s*(?P<name>{_NAME})(?<![局厅委办院所站部处科队会司馆社府市县区省镇乡村街组室])\s*(?:敬上|拜上|谨上|上)?\s*"
        rf"(?:[0-9０-９〇零一二三四五六七八九十]{{2,4}}\s*年[^\n]{{0,12}})?\s*(?=\n|$)"
    ),
    # 嫌疑人鳌拜在逃 / 嫌疑人鳌拜的下落: after the role of a case, a name of any first
    # character when what follows is said of a person (a suspect's flight, a victim's state).
    # (also after the people who work in a home: 保姆晴雯偷了东西, 证人刘姥姥可以作证)
    re.compile(rf"(?:嫌疑人|受害人|被害人|当事人|肇事者|死者|伤者|证人|保姆|租客|外卖小哥|快递小哥|维修工|护工|月嫂|钟点工)"
               rf"\s*[：:]?\s*"
               rf"(?P<name>(?!双方)(?![家本亲一该各其此某等及与和均们的在已对是为将可如若要也都所之无未不没称说被因于由向从到"
               rf"后前情身信姓名住地电手联签员方把证费工资合协房]){_GIVEN_CHAR}{{2,3}}?)"
               rf"(?=在逃|潜逃|逃跑|落网|被捕|骗|偷|抢|打人|伤人|作案|受伤|身亡|死亡|可以作证|作证|不同意|"
               rf"把|打我|打了|骂|的(?:下落|电话|手机|住址|情况|意见|问题|案子|案件|行为))"),
    # 监护人向问天不同意: after the role of a case, a surname that is also a function word
    # (向, 于, 时 …) when what follows is said of a person and the rest is no office.
    re.compile(rf"{_CASE_ROLE}\s*[：:]?\s*(?P<name>[{''.join(sorted(_FUNCTION_SURNAMES))}]"
               rf"(?!法院|法庭|公安|政府|单位|学校|医院|社区|村委|居委|街道|派出所|有关|相关|部门|领导|我|你|他|她)"
               rf"{_GIVEN_CHAR}{{2}})(?=不同意|同意|在逃|受伤|签字|签名|说|称|反映|是|的(?:电话|手机|住址))"),
    # 英文名：Jianguo Wang / Contact: Zhou Jielun: a pinyin name after an English or a
    # Chinese label for one.
    re.compile(rf"(?:Contact|Name|Attn\.?|From|Signed|Sincerely|Regards|英文名字?|拼音名?|English [Nn]ame)"
               rf"\s*[：:,，]?\s*(?P<name>{_LATIN_NAME})(?![A-Za-z])"),
    # 附件：张三丰身份证 / 王小明的户口本: whose document a file or an image is.
    re.compile(rf"{_BOUNDARY}(?P<name>{_PLAIN_NAME})(?=的?(?:身份证|户口本|户口簿|户籍|护照|驾驶证|驾照|结婚证|离婚证|"
               rf"出生证|毕业证|学位证|房产证|不动产证|社保卡|医保卡|银行卡|病历|诊断书|照片|签名|签字))"),
    # 佘太君反映 / 陈近南这个人欠钱不还 / 据胡一刀称: a name that a sentence tells of.
    re.compile(rf"{_BOUNDARY}(?P<name>{_PLAIN_NAME})(?=反映|表示|这个人|这人|此人)"),
    re.compile(rf"据\s*(?P<name>{_PLAIN_NAME})\s*(?=称|说|讲|反映|介绍|交代|透露)"),
    # 我和田伯光是邻居 / 我跟王明一起
    re.compile(rf"(?:我|我们|我家)(?:和|与|跟|同)\s*(?P<name>{_PLAIN_NAME})(?=是|都是|一起|之间|发生|{_AFTER_PERSON})"),
    # “任盈盈”同学 / 『岳灵珊』是我女儿: a name in quotes, then a form of address or a relation.
    re.compile(rf"[“\"『「‘'《]\s*(?P<name>{_NAME})\s*[”\"』」’'》]"
               rf"(?=\s*(?:{_ADDRESS_FORM}|{_HONORIFIC}|是我|是我的|是(?:{_RELATION_WORDS})|的(?:{_RELATION_WORDS})))"),
    # 杨 过 先生: a name spaced out before a form of address.
    re.compile(rf"(?:{_BOUNDARY}|{_BEFORE_NAME})(?P<name>{_SPACED_NAME})(?=\s*{_ADDRESS_FORM})"),
    # 我是一名环卫工人，叫宁中则: the name told after the writer says who they are.
    re.compile(rf"(?:我是|本人是|本人)[^。！？!?\n]{{0,20}}?[，,]\s*(?:名叫|叫做|叫作|名字叫|名字是|叫)\s*(?P<name>{_NAME})"),
    # 福中三路1号，赵灵儿收: the addressee after an address.
    re.compile(rf"(?:{_BOUNDARY}|(?<=[号室户]))(?P<name>{_PLAIN_NAME})\s*{_HONORIFIC}?\s*收(?=$|[，,。.！!；;\s）)])"),
    # 外号“小宝”的韦小宝: the person a nickname belongs to.
    re.compile(rf"(?:外号|绰号|小名|乳名|诨名)[^，,。；;\n]{{0,8}}?的\s*(?P<name>{_NAME})"),
    # 刘建设，小名狗蛋: a name, then its nickname (attack M1); the nickname itself below.
    re.compile(rf"{_BOUNDARY}(?P<name>{_PLAIN_NAME})\s*[，,（(]\s*(?:小名|乳名|外号|绰号|诨名|又名|别名|网名)"),
    re.compile(rf"(?:小名|乳名|外号|绰号|诨名)(?:叫做|叫|是)?\s*[：:]?\s*(?P<name>(?![的叫是为])[\u4e00-\u9fff]{{2,3}}?)"
               rf"(?=[，,。；;！!\s]|$)"),
    # 本人老孙，孙有才: a surname after 老, then the full name with it.
    re.compile(rf"老(?P<surname>{_SURNAME_RE})\s*[，,、（(]\s*(?P<name>(?P=surname){_GIVEN_CHAR}{{1,2}})(?![\u4e00-\u9fff])"),
    # 落款：一个普通市民 孙丽华: a name at the end of a signature line, after who signs.
    re.compile(rf"(?:落款|署名|签名)\s*[：:][^，,。；;\n]{{1,14}}?\s(?P<name>{_NAME})\s*$"),
    # ……望回复。李四光: a full name (three characters, or a compound surname and more)
    # alone after the last sentence, as a signature (not 。谢谢, 。严禁).
    # (on the same line: a name alone on the next is a signature line, below; not an office: 。司法局)
    re.compile(rf"(?<=[。！!])[ \u3000]*(?P<name>(?!(?:{_COMMON_WORDS}))(?:{'|'.join(_COMPOUND_SURNAMES)}){_GIVEN_CHAR}{{1,2}}"
               rf"|(?!(?:{_COMMON_WORDS}))[{''.join(sorted(_SURNAMES - _FUNCTION_SURNAMES))}](?!{_TITLE_WORDS}){_GIVEN_CHAR}{{2}})"
               # (nor a place: 。王府井, 。张家港, 。石家庄)
               rf"(?<![局厅委办院所站部处科队会司馆社府市县区省镇乡村街组室井港庄州湾岛浦埠屯寨坝角沱堡])[ \u3000]*$"),
    # Surname + honorific anywhere: 王先生 / 欧阳女士
    re.compile(rf"(?<![\u4e00-\u9fff])(?P<name>{_SURNAME_RE})(?=先生|女士)"),
]

# A word no dictionary knows before a person's relatives (仪琳的妈妈来问, 阿紫的爸爸): a name
# without a known surname, told by jieba's dictionary (a word with a frequency there, 孩子的
# 妈妈, 居民的孩子, is an ordinary word).
_BEFORE_KIN = re.compile(
    rf"{_BOUNDARY}(?P<name>(?![我你他她它这那该本此其各每某全])(?:(?![家父母哥姐弟妹爷奶叔姨舅婶师])[\u4e00-\u9fff]){{2,3}})"
    # (not a group's: 唐宝的妈妈们 are the mothers of children with Down's syndrome — attack P1)
    r"(?=的(?:妈妈|爸爸|母亲|父亲|丈夫|妻子|老公|老婆|儿子|女儿|孩子|家长|爷爷|奶奶|外婆|外公|哥哥|姐姐|弟弟|妹妹|监护人)(?!们))"
)
#: Below this count in jieba's dictionary a word is read as unknown (鳌拜 3, 任盈盈 3).
_RARE_WORD = 5


def _phrase_not_name(word: str) -> bool:
    """刚出生, 在外地, 没工作, 上大学: a character that begins no surname (an adverb, a
    preposition, a verb) before a word the dictionary knows is a phrase, not a name (attack
    M2: 刚出生的孩子 was published as ***的孩子, and a curator's phrasing with it)."""
    return len(word) == 3 and word[0] not in _SURNAMES and not _unknown_word(word[1:])


def _word_frequency(word: str) -> int:
    """How often jieba's dictionary has seen ``word`` (0 when it does not know it)."""
    from interact.core.segment import ensure_jieba, jieba

    ensure_jieba()
    return jieba.dt.FREQ.get(word) or 0


def _unknown_word(word: str) -> bool:
    # (jieba is imported here, not with this module: its dictionary is loaded only by a
    # process that meets such a text — the web workers have it loaded for the FAQ anyway.)
    from interact.core.segment import ensure_jieba, jieba

    ensure_jieba()
    return (jieba.dt.FREQ.get(word) or 0) < _RARE_WORD


_FULL_NAME_LABEL = (
    "(?:全名|大名|本名|真名|原名|学名|曾用名|真实姓名|实名)(?!单|册|录|称|额|鼎|字|义|[的之])(?:叫做|叫作|叫|是|为)?"
)
# In quotes after who the person is and 叫, any two to four characters but a pronoun or a
# word for a relative (孩子叫“妈妈”), a name in pinyin or with a middle dot.
_QUOTED_ANY_NAME = (
    rf"(?![我你他她它这那该本此其各每某])(?!(?:{_RELATION_WORDS})\s*[”\"’'」』】〕]){_HAN}{{2,4}}|{_LATIN_NAME}|{_DOTTED_NAME}"
)
# Patterns tried only when a text holds what they need (each would cost a scan of every
# text otherwise).
_GUARDED_NAME_PATTERNS = [
    # (a line of one character)
    # (or a compound surname: <p>欧阳</p><p>娜娜</p> — review 12)
    (re.compile(rf"(?:^|\n)[ \t\u3000]*(?:[\u4e00-\u9fff]|{'|'.join(_COMPOUND_SURNAMES)})[ \t\u3000]*\n"), [
        # <p>王</p><p>翠兰</p><p>您好: a name split over two paragraphs before a greeting (attack N1); the
        # given name is hidden (王 alone tells no more than 王先生 does).
        re.compile(rf"(?:^|(?<=\n))[ \t\u3000]*{_SURNAME_RE}[ \t\u3000]*\n\s*(?P<name>{_HAN}{{1,2}})"
                   rf"(?={_HONORIFIC}?\s*[，,：:！!]?\s*(?:您好|你好))"),
    ]),
    (re.compile("女士|太太|夫人"), [
        # 香港的陈方美玲女士: a married name of Hong Kong, the husband's surname before her own and
        # her given name (attack N1: 陈方**女士 showed 美玲).
        re.compile(rf"(?:{_BOUNDARY}|{_BEFORE_NAME})(?P<name>{_SURNAME_RE}{_PLAIN_SURNAME_RE}{_GIVEN_CHAR}{{2}})"
                   rf"(?=女士|太太|夫人)"),
    ]),
    # (a few Han characters in brackets)
    (re.compile(rf"[（(【\[〔]\s*{_HAN}{{2,4}}\s*[）)】\]〕，,、]"), [
        # 我爱人（刘晓燕） / 我和对象（马春花）: a name in brackets after who the person is
        # (not another word for the same person: 业主（房东）).
        re.compile(rf"(?:{_RELATION}|{_ROLE}|{_CASE_ROLE}|对象)\s*[（(【\[〔]\s*"
                   rf"(?!(?:{_RELATION_WORDS}|{_CASE_ROLE_WORDS}|{_ROLE_WORDS})\s*[）)】\]〕])(?P<name>{_PLAIN_NAME})\s*"
                   # (or the person's age after it: 女儿（黄思琪，12岁）)
                   rf"(?:[）)】\]〕]|[，,、]\s*(?:{_NUM}\s*[岁周]|[男女]))"),
        # 周芷若（联系人） / 段誉（儿子）: a name, then who the person is in brackets.
        re.compile(rf"{_BOUNDARY}(?P<name>{_PLAIN_NAME})\s*[（(【\[〔]\s*(?:{_NAME_ONLY_LABEL}|{_RELATION_WORDS}|"
                   rf"{_CASE_ROLE_WORDS}|本人|家属|对象|户主|租户|投诉对象|被投诉人|被举报人|法定代表人|负责人)\s*[）)】\]〕]"),
    ]),
    # 赵半山赵半山: a name written again and again (three characters written twice in a row).
    (re.compile(rf"({_HAN}{{3}})\1"), [
        re.compile(rf"(?P<name>{_AT_SURNAME}(?!(?:{_COMMON_WORDS}))(?P<first>{_PLAIN_SURNAME_RE})(?!(?P=first)(?P=first))"
                   rf"(?!{_TITLE_WORDS}){_GIVEN_CHAR}{{2}}(?<![吧吗呢啊了的么呀哦不没们]))(?=(?P=name))"),
    ]),
    # Wang Jianguo（王建国） / 王建国（Wang Jianguo）: a name and its pinyin in brackets.
    (re.compile(r"[A-Z][a-z].{0,30}[（(]|[（(]\s*[A-Z][a-z]"), [
        re.compile(rf"(?P<name>{_LATIN_NAME})\s*[（(]\s*{_NAME}\s*[）)]"),
        re.compile(rf"{_LATIN_NAME}\s*[（(]\s*(?P<name>{_NAME})\s*[）)]"),
        re.compile(rf"(?P<name>{_NAME})\s*[（(]\s*{_LATIN_NAME}\s*[）)]"),
        re.compile(rf"{_NAME}\s*[（(]\s*(?P<name>{_LATIN_NAME})\s*[）)]"),
    ]),
    # 邻居阿卜杜拉·买买提 / 我叫阿依古丽·吐尔逊 / 联系人：帕提古丽.艾买提: a name written with a
    # middle dot (or a full stop) after a relation, a role or a label, and where any name
    # stands: before a greeting, a form of address, a phone or what a person says, after
    # 尊敬的/感谢 …, alone on a line (艾力·买买提您好, 感谢巴特尔·朝鲁先生, …\n努尔兰·哈力木).
    (re.compile(rf"{_HAN}[·•・.．]{_HAN}"), [
        re.compile(rf"(?:{_RELATION}|{_ROLE}|{_CASE_ROLE}|{_LABEL_BEFORE_NAME})\s*[：:]?\s*"
                   rf"(?P<name>{_DOTTED_NAME})"),
        re.compile(rf"(?:{_BOUNDARY}|{_BEFORE_NAME}|尊敬的|亲爱的|(?<=[\n，,。；;：:]))\s*"
                   rf"(?P<name>(?!{_BEFORE_NAME}|尊敬的|亲爱的|我|你|他|她){_DOTTED_NAME})"
                   rf"(?=\s*(?:{_HONORIFIC}|{_ADDRESS_FORM}|[，,：:！!]?\s*(?:您好|你好)|反映|表示|来信|称|说|"
                   rf"[，,：:（(]?\s*(?:电话|手机|联系|身份证|[0-9])|[（(]\s*[男女]|\s*(?:\n|$)))"),
    ]),
    # 全名是赵德柱 / 大名王铁柱 / 真名叫郑大海: a person's full, formal, real or former name
    # (not 全名单/本名册/原名称/大名鼎鼎: a list, a register, an office's old name, fame).
    # (Its own patterns: in the labels' alternation it made every label pattern slower.)
    (re.compile("(?:全|大|本|真|原|学|曾用|实)名|真实姓名"), [
        re.compile(rf"{_FULL_NAME_LABEL}\s*[：:（(]?\s*(?P<name>{_SPACED_NAME}|{_NAME})(?!{_HAN})"),
        re.compile(rf"{_FULL_NAME_LABEL}\s*[：:]?\s*(?P<name>{_NAME})(?=的|{_AFTER_NAME}|{_AFTER_PERSON})"),
        re.compile(rf"{_FULL_NAME_LABEL}\s*[：:]?\s*(?P<name>(?!(?:{_COMMON_WORDS})|{_HAN}{{0,3}}[的了么吗呢啊着过们])"
                   rf"[{''.join(sorted(_SURNAMES))}]{_GIVEN_CHAR}{{3}})(?=[，,。.！!？?；;、\s（(]|$|{_AFTER_NAME})"),
        re.compile(rf"{_FULL_NAME_LABEL}\s*[：:]?\s*[“\"‘'「『【〔]\s*(?P<name>{_QUOTED_ANY_NAME})\s*[”\"’'」』】〕]"),
    ]),
    # 联系人 ZHAO Tiezhu / 联系人 Tiezhu ZHAO: one part in capitals (as passports write it)
    (re.compile(r"[A-Z]{2,8}\s+[A-Z][a-z]|[A-Z][a-z]{1,10}\s+[A-Z]{2}"), [
        re.compile(rf"(?:{_LABEL_BEFORE_NAME})\s*[：:]?\s*(?P<name>[A-Z]{{2,8}}\s+[A-Z][a-z]{{1,10}}|[A-Z][a-z]{{1,10}}\s+[A-Z]{{2,8}})"
                   rf"(?![A-Za-z])"),
    ]),
    # 业主群里的陈志强说 / 楼里的王大妈反映: a name after where the person is (…里的), then
    # what a person does.
    (re.compile("里的"), [
        re.compile(rf"(?:群里|群里面|小区里|楼里|楼道里|村里|单位里|公司里|班里|厂里|店里)的\s*"
                   rf"(?!{_SURNAME_RE}(?:大妈|大娘|大叔|大婶|奶奶|爷爷|大姐|大哥))(?P<name>{_COMMON_NAME})"
                   rf"(?=说|讲|称|发|骂|打|在|也|还|就|是|经常|一直|天天|每天|反映|表示|{_ADDRESS_FORM}|[，,。])"),
    ]),
    # 我邻居叫“王小虎” / 有个叫“阿强”的人 / 全名“赵德柱”: a name in quotes after who the person is
    # and 叫 (any two to four characters but a word for a relative: 孩子叫“妈妈”), or after a
    # label of a person's name; after 叫做/名叫 alone only a name with a surname (活动叫“百日攻坚”).
    (re.compile(r"[叫名人号称为是：:]\s*[：:]?\s*[“\"‘'「『【〔]"), [
        re.compile(rf"(?:(?:{_RELATION}|{_ROLE}|{_CASE_ROLE}|自称|那人|这人|那个人|此人|对方|"
                   rf"男子|女子|男的|女的|小伙子?|姑娘|网友|他|她)\s*(?:的名字|名字)?\s*(?:也|就|都|还|又)?"
                   rf"(?:叫做|叫作|名叫|叫|是|为)|{_NAME_ONLY_LABEL})\s*[：:]?\s*[“\"‘'「『【〔]\s*"
                   rf"(?P<name>{_QUOTED_ANY_NAME})\s*[”\"’'」』】〕]"),
        # 有个叫“阿强”的人: after 有个/一个 … what follows must say it is a person (一个叫“王者荣耀”的游戏)
        re.compile(rf"(?:有个|有一个|一个|一名|一位)\s*(?:名叫|叫做|叫作|叫)\s*[“\"‘'「『【〔]\s*(?P<name>{_QUOTED_ANY_NAME})\s*[”\"’'」』】〕]"
                   rf"(?=的(?:人|男子|女子|男人|女人|男的|女的|小伙子?|姑娘|老人|老头|老太太?|大爷|阿姨|孩子|小孩|学生|工人|"
                   rf"司机|包工头|老板|业主|租客|网友|骗子|同学|邻居|女孩|男孩)|\s*[，,]\s*(?:他|她))"),
        # (not after 简称/称为/名为: what things are called, 简称“安康码”; nor a place: 村叫“王家庄”)
        re.compile(rf"(?:叫|署名)\s*[：:]?\s*[“\"‘'「『【〔]\s*(?P<name>{_NAME})(?<![庄村镇港州井湾岛屯寨坝堡店桥河湖江路街区县市省])"
                   rf"\s*[”\"’'」』】〕]"),
    ]),
]

# An @-mention (@令狐冲 你看看, TG @xuanzp1985): a handle is someone's name or account (not
# an e-mail: those are found first).
_MENTION = re.compile(
    rf"(?<![A-Za-z0-9._%+\-])[@＠]\s*(?:(?P<name>{_NAME})|(?P<value>[A-Za-z][A-Za-z0-9_\-]{{3,29}}))(?![A-Za-z0-9_\-])"
)

# --- addresses -------------------------------------------------------------------------

# A character of a place name: not a digit, not punctuation, not a verb or pronoun that
# comes before an address (我家住在…, 地址是…).
_PLACE = r"[^\W\d_a-zA-Z我你他她们这那住在于是的了与及向从到为址]"
_DIVISION = r"(?:省|自治区|市|州|盟|地区|区|县|旗|镇|乡|街道|苏木|开发区|新区)"
_ROAD = r"(?:路|街|大街|大道|道|巷|弄|胡同|里|村|组|屯)"
_ESTATE = r"(?:小区|花园|家园|公寓|大厦|广场|苑|园|城|庭|府|湾|社区|新村|宿舍|家属院|大院)"
# A phase or a zone of an estate (二期, B区) says where an estate is, not where a person
# lives: an estate's name with nothing more than these is no address (兴汝金城二期).
_WEAK_UNIT = rf"(?:{_NUM}\s*(?:期|区)|[A-Za-zＡ-Ｚ东南西北中]\s*区)"
# (户 only after a building, in _TAIL: 社区8504户 counts households.)
_STRONG_UNIT = (
    rf"(?:(?:{_NUM}\s*(?:号楼|栋|幢|座|楼))|(?:[A-Za-zＡ-Ｚ]\s*(?:座|栋|幢|塔))|(?:{_NUM}\s*(?:单元|门))|(?:[东南西北中]\s*单元)"
    rf"|(?:{_NUM}\s*(?:室|号|层|楼)(?!线)))"
)
_UNIT = rf"(?:{_STRONG_UNIT}|{_WEAK_UNIT})"
# The flat after the building, in any digits (401, 六零三, 1203室).
# (Not a year or a date written right after: 10栋2单元2018年10月.)
# (A side of the floor may come first: 3层东305.)
# (a flat may end in a letter: 6座2B, 15C)
# (Taiwan's flat on a floor: 5樓之3)
_TAIL = (r"(?:\s*之\s*[0-9０-９一二三四五六七八九十]{1,3}(?![0-9０-９])"
         r"|\s*[-－]?\s*[东南西北]?\s*(?:[0-9０-９]{1,5}(?:[A-Za-z](?![A-Za-z0-9]))?(?![0-9０-９年月日])"
         r"|[零〇一二三四五六七八九]{2,5})(?:室|号|户)?)?")
# Building-unit-flat written with dashes after an estate's name (幸福小区3-2-401).
_DASHED = r"[0-9０-９]{1,3}\s*[-－—]\s*(?:[0-9０-９]{1,2}\s*[-－—]\s*)?[0-9０-９]{3,4}"
#: The last character of a public building's name (市民中心, 服务大厅, 政务服务站): a building
#: letter, unit or dormitory number right after it is an office's room, not a home.
_OFFICE_END = "心厅局府口处站馆"
#: What follows an office's room in an answer (到…1203室办理, 于…102室领取材料).
_NOT_OFFICE_USE = r"(?!\s*(?:室|号|房|寝室|宿舍)?\s*(?:办理|领取|咨询|办事|取号|递交|提交|报名|登记|窗口|办公))"
_ADDRESS = re.compile(
    rf"(?:{_PLACE}{{1,8}}?{_DIVISION})*"
    # (a section in numerals, 忠孝东路四段100号; 附3号 and 之3 after the number: Chongqing's and
    # Taiwan's forms — attack M1, N1)
    rf"(?:{_PLACE}{{1,8}}?{_ROAD}(?:[东南西北中一二三四五六七八九十]段)?\s*[甲乙丙丁]?\s*{_NUM}(?:\s*[-－]\s*{_NUM})?\s*(?:号楼|号(?!线)|弄|巷)"
    rf"(?:\s*(?:附|之)\s*{_NUM}\s*号?)?"
    rf"(?:\s*(?:院|{_PLACE}{{0,8}}?{_ESTATE}))?(?:\s*{_UNIT})*{_TAIL}"
    # (an estate's name may hold digits after its first character: 阳光100小区)
    rf"|{_PLACE}(?:{_PLACE}|[0-9]){{0,9}}?{_ESTATE}\s*(?:{_WEAK_UNIT}\s*)*{_STRONG_UNIT}\s*(?:{_UNIT}\s*)*{_TAIL}"
    rf"|{_PLACE}{{1,10}}?{_ESTATE}\s*(?:{_WEAK_UNIT}\s*)*{_DASHED}(?![0-9０-９])"
    rf"|{_PLACE}{{1,8}}?(?:村|屯|嘎查)\s*第?{_NUM}\s*(?:村民小组|组|社|队)(?:\s*第?{_NUM}\s*(?:号|户))?"
    # (a household of a village group without the village: 我家是第三组第5户)
    rf"|第{_NUM}\s*(?:村民小组|组|社|队)\s*第{_NUM}\s*(?:号|户)"
    # (a side of the floor before the flat: 7号楼西502室)
    rf"|{_NUM}\s*(?:号楼|栋|幢)\s*(?:(?:{_UNIT}\s*)+{_TAIL}|[东南西北]?\s*(?:[0-9０-９]{{3,4}}|[零〇一二三四五六七八九]{{3,4}})(?:室|号)?(?![0-9０-９户]))"
    # (a flat that ends in a letter after its building: 我住6栋2B, 住在A座2B)
    rf"|(?:{_NUM}|(?<![A-Za-z])[A-Za-z])\s*(?:号楼|栋|幢|座)\s*[0-9０-９]{{1,2}}\s*[A-Za-z](?![A-Za-z0-9])"
    # (a building named by a letter: 家住B栋1502房; a dormitory building, 8舍425)
    # Not an office's room (市民中心B栋1203室, 大厅A栋201室, 请于3单元102室领取): not after a
    # public building's last character, nor before what one does at an office.
    rf"|(?<![A-Za-z{_OFFICE_END}])[A-Za-z]\s*(?:栋|幢)\s*(?:{_NUM}\s*单元\s*)?[东南西北]?\s*[0-9０-９]{{3,4}}\s*(?:室|号|房)?(?![0-9０-９户]){_NOT_OFFICE_USE}"
    rf"|(?<![0-9０-９{_OFFICE_END}])[0-9０-９一二三四五六七八九十]{{1,3}}\s*舍\s*[0-9０-９]{{3,4}}\s*(?:室|寝室|宿舍|房)?(?![0-9０-９]){_NOT_OFFICE_USE}"
    # (a unit and its flat without the building: 2单元1102室)
    rf"|(?<![{_OFFICE_END}]){_NUM}\s*单元\s*[东南西北]?\s*(?:[0-9０-９]{{3,4}}|[零〇一二三四五六七八九]{{3,4}})\s*(?:室|号|房)?"
    r"(?![0-9０-９]|\s*(?:[年月日米元平户人万千百多余个名辆套间期届次线位家所条项份亩吨天]|号线))"
    rf"{_NOT_OFFICE_USE})"
)
# An office block and a room (华润大厦2907), not an amount or a year (广场3000平方米); a
# basement or a store room (地下室B7-23, 车库 2-15). Tried only where the hint is found.
_ROOM_HINT = re.compile(r"(?:大厦|大楼|写字楼|公寓|中心|广场|花园|小区|苑)\s*(?:[A-Za-z]\s*[-－]?\s*)?[0-9]{3,4}|地下室|车库|地库|储藏室|杂物间"
                        r"|别墅|联排|排屋|负\s*[一二三1-3]\s*层")
_ROOM_ADDRESS = re.compile(
    # (a block's letter may come first: 金地公寓B-1205)
    rf"{_PLACE}{{1,10}}?(?:大厦|大楼|写字楼|公寓|中心|广场|花园|小区|苑)\s*(?:[A-Za-z]\s*[-－]?\s*)?[0-9]{{3,4}}(?:室|房|号(?!线))?"
    r"(?![0-9]|\s*(?:[年月日米元平户人万千百多余个名辆套间期届次线位家所条项份亩吨]|号线))"
    r"|(?:地下室|地下车库|车库|地库|储藏室|杂物间)\s*[A-Za-z]?\s*[0-9]{1,4}\s*[-－—]\s*[0-9]{1,4}(?:号|室)?"
    # (a villa by its letter and number, a room on a basement floor: 碧桂园别墅区D-18, 我租的地下室负一层B102 —
    # attack P1)
    r"|(?:别墅区|别墅|联排|排屋)\s*(?:[A-Za-z]\s*[-－]?\s*[0-9]{1,4}|[0-9]{1,4}\s*(?:号|栋|幢))(?![0-9])"
    r"|(?:地下室|地下)?\s*负\s*[一二三1-3]\s*层\s*[A-Za-z]\s*[0-9]{2,4}(?:室|号|房)?(?![0-9])"
)
# A village's group without a household, as the subject of a sentence (向阳村二组的路灯坏了,
# K4组村民请求…: a public place — attack P1), is where someone lives only after a word of home (家住东风村5组, 住在长乐村11组, 老家在李家村一组, 住址：…).
_BARE_VILLAGE_GROUP = re.compile(rf"{_PLACE}{{1,6}}(?:村|屯|嘎查)\s*第?{_NUM}\s*(?:村民小组|组|社|队)")
_HOME_BEFORE = re.compile(r"家|住|户籍|籍贯|址|来自|老家|搬到|搬去")
#: … or written alone, as an address is (李家屯三社, ending the text or a clause).
_ALONE_AFTER = re.compile(r"\s*(?:$|[\n，,。；;！!？?、])")
#: A group is public only as the subject of what its village shares or asks for (向阳村二组的路灯坏了,
#: …组桃家坪至老燕塘水库村道硬化问题, A3…组农民盼养老, B7…组（爱花冲）请求进行道路硬化), not where the writer
#: or someone is (review 13 F13: 我是长乐镇向阳村二组村民，反映低保问题, 我父亲在向阳村二组养猪 were published).
_PUBLIC_AFTER_GROUP = re.compile(
    r"\s*(?:[（(][^）)\n]{1,8}[）)])?\s*(?:(?:全体)?(?:村民|群众|农民|居民)?(?:请求|盼|呼吁|联名)"
    r"|[^，,。；;！!？?\n]{0,20}?(?:路灯|道路|村道|公路|通村路|硬化|水渠|沟渠|桥|水库|河道|堰塘|饮水|自来水|电网|信号|垃圾))"
)
#: … unless the writer or someone is there (我是…, 本人系…, 在…).
_SOMEONE_BEFORE = re.compile(r"是|系|为|在|我|本人|俺")
# An address after the label of a person's address (收货地址：…W1-A栋5楼, 住址：xx镇xx村38号 — attack
# P1): the rest of the clause, when it holds a number (written in figures, or in words before 号, 栋,
# 组 …). Not what a form says to write there (家庭住址：请如实填写，门牌号必须准确, 户籍地址：与户口本一致
# — review 13 F3), and the number is looked for in the value only, no further than it may run (a
# look-ahead to the end of the line from every label made 40,000 characters of 住址： take 6.6 s).
_LABELLED_ADDRESS = re.compile(
    r"(?:收货地址|收件地址|收件人地址|家庭住址|家庭地址|现住址|居住地址|现居住地|户籍地址|家住址|(?<![办公单位])住址)\s*[：:]\s*"
    r"(?P<value>(?!请|填|如实|与|按|须|需|应|详见|参见|见|同上|不详|无|以)"
    r"(?=[^。；;\n，,]{0,60}?(?:[0-9０-９]|[一二三四五六七八九十百零〇两]\s*[号栋幢室楼户组单]))[^。；;\n，,]{4,60})"
)
# A dormitory room (宿舍楼B区304寝室), a flat in a tower written the developers' way (望京SOHO
# T3 1502), a flat told from a crossroads (建设路与人民路交叉口东北角的那栋楼2单元).
_DORM = re.compile(
    rf"{_PLACE}{{0,8}}?(?:宿舍楼|宿舍|公寓楼|寝室楼)\s*(?:[A-Za-z0-9]{{1,3}}\s*(?:区|栋|座|号楼)\s*)?[东南西北]?\s*[0-9]{{3,4}}\s*(?:寝室|宿舍|室|房|号)?"
    r"(?![0-9]|\s*(?:[年月日米元平户人万千百多余个名辆套间期届次线位家所条项份亩吨]))"
)
_TOWER_FLAT = re.compile(
    r"(?<![A-Za-z0-9])(?:T|Tower\s?)[0-9]{1,2}\s*(?:座|栋)?\s*[-－]?\s*[0-9]{3,4}"
    r"(?![0-9]|\s*(?:[年月日米元平户人万千百多余个名辆套间期届次位]|号线))"
)
_CROSSROADS = re.compile(
    rf"{_PLACE}{{1,8}}?{_ROAD}\s*(?:与|和|跟)\s*{_PLACE}{{1,8}}?{_ROAD}\s*(?:交叉口|交汇处|交界处|路口|十字路口)"
    rf"[^，,。；;\n]{{0,12}}?(?:栋|楼|幢|座)\s*(?:{_NUM}\s*(?:单元|层|室|号)|[0-9]{{3,4}})(?:\s*{_UNIT})*{_TAIL}"
)
# A flat after its label or after where the writer lives (房号1502, 门牌号：2-1502, 我家B-1205,
# 我住东305室), a floor written the Hong Kong way in a flat's address (Flat A, 18/F, Tower 2;
# 海景大厦18/F: not a floor of an office, 服务大厅位于2/F).
_FLAT_LABEL = re.compile(
    r"(?:房号|房间号|房屋号|门牌号码|门牌号|门牌|室号)\s*(?:是|为|[：:])?\s*"
    r"(?P<value>(?=[^，,。；;\s]{0,12}[0-9０-９])[A-Za-z0-9０-９\-－#栋座幢单元号楼室层东南西北]{2,16})"
)
_HOME_FLAT = re.compile(
    r"(?:我家|(?<!居)住在?|家住|家在|居住在?|现住|住址|地址)\s*(?:的|是|于|[：:])?\s*"
    r"(?P<value>[东南西北]\s*[0-9０-９]{3,4}\s*(?:室|房|号)?|(?:[A-Za-z]\s*[-－]?\s*)?[0-9０-９]{3,4}\s*(?:室|房|号)?"
    # (building-unit-flat: 我家住在 3-1-502)
    r"|[0-9０-９]{1,3}\s*[-－—]\s*[0-9０-９]{1,2}\s*[-－—]\s*[0-9０-９]{3,4}\s*(?:室|房|号)?"
    # (after an estate's name, a building's letter and number: 住 富力城 C2-1803; a block, its
    # floor and flat in words: 我住C座十五楼一号 — attack M1)
    r"|(?:[\u4e00-\u9fff]{2,6}\s*)?[A-Za-z][0-9０-９]{1,2}\s*[-－—]\s*[0-9０-９]{3,4}\s*(?:室|房|号)?"
    rf"|[A-Za-z]\s*(?:座|栋)\s*{_NUM}\s*(?:楼|层)\s*{_NUM}\s*(?:号|室|房)"
    # (a floor and its flat: 住在18楼F座, 住18F; a village household: 我家在三组五户)
    r"|[0-9０-９]{1,2}\s*(?:楼|层)\s*[A-Za-z]\s*座?|[0-9０-９]{1,2}\s*/?\s*F(?![A-Za-z])"
    rf"|第?{_NUM}\s*(?:村民小组|组|社|队)\s*第?{_NUM}\s*(?:户|号))"
    r"(?![0-9０-９]|\s*(?:[年月日米元平户人万千百多余个名辆套间期届次线位家所条项份亩吨天]|号线))"
)
_FLOOR_F = re.compile(
    r"(?P<flat>(?:Flat|Room|Rm|Unit|Apt|Suite)\.?\s*[A-Z0-9]{1,5}\s*,?\s*)?[0-9]{1,2}\s*/\s*F(?![A-Za-z0-9])"
    r"(?:\s*,?\s*(?:Tower|Block|Blk|Building|Bldg)\.?\s*[A-Za-z0-9]{1,3}\b)?"
)
_FLOOR_HOME = re.compile(r"(?:大厦|花园|苑|公寓|小区|Court|Mansion|Tower|Block|住|家)\s*$")


# Homes told by rows and households rather than by building and flat (attack M1, N1): a
# courtyard's or a work area's row (3号院2排5号, 东风林场三工区8排3号 — not a seat: 电影院8排3号座),
# a 兵团 company (农八师121团12连5号), the house of a village told from its end (王庄村东头第三家),
# the household on a floor (职工宿舍楼三楼东户).
_NOT_A_HOME = "超市|商店|小卖部|小店|店|饭馆|饭店|餐馆|餐厅|诊所|药店|药房|门市|铺|摊|厂|教室|公司|卫生室|工厂"
_ROW_HOME = re.compile(
    # (not a seat in a hall — 电影院, 医院, 法院, 戏院 8排3号 — nor a shop or a classroom counted
    # from the end of a village: 王庄村东头第三家超市门口, 3号院2排5号教室 — review 1 F1b)
    rf"(?:(?<![影剧医法戏学])院|{_NUM}?\s*(?:工区|作业区|片区)|林场|农场|牧场|{_PLACE}{{1,6}}?(?:村|屯|庄|(?<![车排])队))\s*第?{_NUM}\s*排\s*第?{_NUM}\s*(?:号|户|家)"
    rf"(?!\s*(?:座|位|坐|{_NOT_A_HOME}))"
    rf"|{_NUM}\s*团\s*{_NUM}\s*连(?:\s*{_NUM}\s*(?:排|栋|幢))?\s*{_NUM}\s*(?:号|户)"
    rf"|{_PLACE}{{1,6}}?(?:村|屯|庄)\s*[东南西北](?:头|边|面|口)?\s*(?:数)?第{_NUM}\s*(?:家|户)(?!\s*(?:{_NOT_A_HOME}))"
    rf"|(?:宿舍楼|宿舍|家属楼|家属院|楼)\s*{_NUM}\s*(?:楼|层)\s*[东南西北中](?:边|侧)?\s*(?:那一?)?(?:户|家)"
)


def _flat_spans(text: str) -> list[_Span]:
    spans = []
    if "排" in text or "连" in text or "第" in text or "户" in text:
        spans += [_Span(m.start(), m.end(), "address") for m in _ROW_HOME.finditer(text)]
    if "房" in text or "门牌" in text or "室号" in text:
        spans += [_Span(m.start("value"), m.end("value"), "address") for m in _FLAT_LABEL.finditer(text)]
    if "住" in text or "家" in text:
        spans += [_Span(m.start("value"), m.end("value"), "address") for m in _HOME_FLAT.finditer(text)]
    if "/F" in text or "/ F" in text:
        spans += [_Span(m.start(), m.end(), "address") for m in _FLOOR_F.finditer(text)
                  if m.group("flat") or _FLOOR_HOME.search(text, max(0, m.start() - 12), m.start())]
    return spans


# A market stall someone works at (农贸市场B区12号摊位).
_STALL = re.compile(
    rf"{_PLACE}{{0,10}}?(?:市场|商场|集市|夜市|商城)?\s*(?:[A-Za-zＡ-Ｚ0-9０-９一二三四五六七八九十]{{1,3}}\s*区\s*)?"
    rf"[A-Za-z]?{_NUM}\s*号\s*(?:摊位|档口|铺位|商铺|摊)"
)
# An address in pinyin (Jianshe Lu 15 Hao 3 Dong 502).
_PINYIN_ROAD = re.compile(r"\b(?:Lu|Jie|Dajie|Dadao|Xiang|Hutong|Nong|Cun)\b")
_PINYIN_ADDRESS = re.compile(
    r"(?<![A-Za-z])(?:[A-Z][a-z]+\s*){1,3}(?:Lu|Jie|Dajie|Dadao|Xiang|Hutong|Nong|Cun)\s*(?:No\.?\s*)?[0-9]+\s*[Hh]ao"
    r"(?:\s*[0-9]+\s*(?:Hao\s*Lou|Haolou|Dong|Zhuang|Lou|Danyuan|Shi|Ceng|Hao)\b)*(?:\s*[0-9]{2,5}\b)?"
)
# An address in English (Flat 17C, 66 Queen's Road / Room 1502, No.123 Jianshe Road / No.8
# Lane 1088, Yuyuan Road): flat and number words, then capitalised words and a road word.
_ENGLISH_ROAD_WORDS = "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Terrace|Place"
_ENGLISH_ROAD = re.compile(rf"\b(?:{_ENGLISH_ROAD_WORDS})\b")
_ENGLISH_ADDRESS = re.compile(
    r"(?:(?:Flat|Room|Rm|Unit|Apt|Suite|Block|Floor|Lane|No)\.?\s*[A-Za-z0-9\-]{0,6}\s*,?\s*)*"
    rf"(?:[0-9]{{1,5}}[A-Za-z]?\s*,?\s+)?(?:[A-Z][A-Za-z']*\s+){{1,3}}(?:{_ENGLISH_ROAD_WORDS})\b\.?"
)

# A flat or a room and its tower or block, in English, without a road (Room 1203, Tower B).
_ENGLISH_FLAT_HINT = re.compile(r"\b(?:Room|Rm|Flat|Apt|Apartment|Unit|Suite)\b")
_ENGLISH_FLAT = re.compile(
    r"\b(?:Room|Rm|Flat|Apt|Apartment|Unit|Suite)\.?\s*#?\s*[0-9]{2,5}[A-Za-z]?\b"
    r"(?:\s*,?\s*(?:Tower|Block|Building|Bldg|Floor)\.?\s*[A-Za-z0-9]{1,3}\b)*"
)


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found in a text: its kind and the original words."""

    kind: str
    original: str

    @property
    def label(self) -> str:
        return LABELS[self.kind]


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str


def _mask_for(kind: str, original: str) -> str:
    if kind == "name":
        stripped = original.strip()
        if re.search(r"[\u4e00-\u9fff][·•・.．][\u4e00-\u9fff]", stripped):
            # A transliterated name (艾力·买买提) has no surname to show: only its dots stay.
            return re.sub(r"[^·•・.．]", "*", stripped)
        simplified = to_simplified(stripped)  # 歐陽娜娜 → 歐陽**, as 欧阳娜娜 → 欧阳**
        for surname in _COMPOUND_SURNAMES:
            if simplified.startswith(surname):
                return stripped[:len(surname)] + "*" * (len(stripped) - len(surname)) if len(stripped) > len(surname) else "*"
        if simplified[:1] not in _SURNAMES:
            # A given name alone (建国哥), a name without a known surname (晴雯) or in
            # pinyin (Wang Jianguo): nothing of it is shown.
            return "*" * len(stripped)
        return stripped[0] + "*" * (len(stripped) - 1) if len(stripped) > 1 else "*"
    return f"[{LABELS[kind]}]"


_DIGIT_GROUP = re.compile(rf"[{_DIGIT_CLASS}]+(?:[XxＸｘ×](?![A-Za-z]))?")


def _chinese_numerals(piece: str) -> bool:
    return all(char in _CHINESE_DIGITS for char in piece)


def _numeral_pieces(group: re.Match) -> list[tuple[int, int, str]]:
    """A group of digits split where ASCII or full-width digits are followed by Chinese
    numerals (``13800138000一`` → ``13800138000``, ``一``), so the numerals can be told apart."""
    text, pieces, start = group.group(0), [], 0
    for at in range(1, len(text)):
        if text[at] in _CHINESE_DIGITS and text[at - 1] not in _CHINESE_DIGITS:
            pieces.append((group.start() + start, group.start() + at, text[start:at]))
            start = at
    pieces.append((group.start() + start, group.end(), text[start:]))
    return pieces


def _trailing_words(groups: list[tuple[int, int, str]], first: int, last: int) -> bool:
    """The number taken from ``groups[first..last]`` ends in one or two Chinese numerals
    after a group written in digits."""
    trailing = 0
    while last > first and _chinese_numerals(groups[last][2]):
        trailing += len(groups[last][2])
        last -= 1
    # (one or two: more are digits written otherwise, 1380013八零零零)
    return 0 < trailing <= 2 and not _chinese_numerals(groups[last][2])


def _digit_spans(text: str) -> list[_Span]:
    """Numbers written with any digits and separators, classified by their digit count.

    A run of digit groups (``137 1234 5678、138 …``) may hold several numbers: from each
    group, the longest sequence of following groups that reads as a number is taken.
    """
    spans = []
    runs = list(_DIGIT_RUN.finditer(text)) + list(_LOOSE_RUN.finditer(text))
    for run in runs:
        groups = [(run.start() + start, run.start() + end, piece)
                  for g in _DIGIT_GROUP.finditer(run.group(0))
                  for start, end, piece in _numeral_pieces(g)][:40]
        i = 0
        while i < len(groups):
            found = None
            for j in range(len(groups) - 1, i - 1, -1):
                start, end = groups[i][0], groups[j][1]
                kind = _classify_run(text, start, end, "".join(g[2] for g in groups[i:j + 1]))
                if kind:
                    found = (j, _Span(start, end, kind))
                    break
            if found is not None and _trailing_words(groups, i, found[0]):
                # A number in digits followed by a word that begins with a Chinese numeral
                # (13800138000一直关机, 123456789 一起, 二十四小时): the word is no part of it
                # when the digits alone are a number (attack Q2).
                last = found[0]
                while last > i and _chinese_numerals(groups[last][2]):
                    last -= 1
                start, end = groups[i][0], groups[last][1]
                kind = _classify_run(text, start, end, "".join(g[2] for g in groups[i:last + 1]))
                if kind == found[1].kind:
                    found = (last, _Span(start, end, kind))
            if found is None:
                i += 1
                continue
            if found[1].kind != _KEEP:
                spans.append(_with_prefix(text, found[1]))
            i = found[0] + 1
    if "百" in text:
        spans += _spoken_phone_spans(text)
    if "十" in text:
        # 十三七一二三四五六七八: 十 for the 1 a mobile begins with
        spans += [_Span(m.start(), m.end(), "phone") for m in _TEN_PHONE.finditer(text)
                  if _is_mobile("1" + "".join(_DIGIT_MAP[c] for c in m.group(1)))]
    if _ENGLISH_DIGIT_HINT.search(text):
        spans += _english_phone_spans(text)
    return spans + _phone_part_spans(text)


# A number spelled partly or wholly in English words (手机 one three eight 0013 8000).
_ENGLISH_DIGITS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
                   "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_ENGLISH_DIGIT_WORD = "(?:" + "|".join(_ENGLISH_DIGITS) + ")"
_ENGLISH_DIGIT_HINT = re.compile(rf"(?i:\b{_ENGLISH_DIGIT_WORD}\b)")
_ENGLISH_DIGIT_RUN = re.compile(
    rf"(?i:(?<![A-Za-z0-9])(?:{_ENGLISH_DIGIT_WORD}|[0-9]+)(?:[\s\-,.]{{1,2}}(?:{_ENGLISH_DIGIT_WORD}|[0-9]+)){{2,}}(?![A-Za-z0-9]))"
)


def _english_phone_spans(text: str) -> list[_Span]:
    spans = []
    for m in _ENGLISH_DIGIT_RUN.finditer(text):
        tokens = re.findall(rf"(?i:{_ENGLISH_DIGIT_WORD}|[0-9]+)", m.group(0))
        if all(t.isdigit() for t in tokens):
            continue  # (digits alone are read by the rules above)
        digits = "".join(t if t.isdigit() else _ENGLISH_DIGITS[t.lower()] for t in tokens)
        if _is_mobile(digits) or (7 <= len(digits) <= 12 and _PHONE_CONTEXT.search(text[max(0, m.start() - 12):m.start()])):
            spans.append(_Span(m.start(), m.end(), "phone"))
    return spans


# A mobile number begun in spoken numerals (一百三十八零零一三八零零零: 138, then the rest; a
# last 八千 is 8000).
_SPOKEN_HUNDREDS = re.compile(
    rf"(?P<h>[一二三四五六七八九])百(?:(?P<t>[一二三四五六七八九])十|零)?(?P<u>[一二三四五六七八九])?"
    rf"(?P<rest>[{_SEP_CLASS}]{{0,2}}[{_DIGIT_CLASS}](?:[{_SEP_CLASS}]{{0,2}}[{_DIGIT_CLASS}])*)(?P<k>千)?"
)


_TEN_PHONE = re.compile(r"十((?:[三四五六七八九])[〇零一二三四五六七八九幺两拐勾洞]{9})(?![〇零一二三四五六七八九十百千万])")


def _spoken_phone_spans(text: str) -> list[_Span]:
    spans = []
    for m in _SPOKEN_HUNDREDS.finditer(text):
        head = _DIGIT_MAP[m.group("h")] + _DIGIT_MAP.get(m.group("t") or "零") + _DIGIT_MAP.get(m.group("u") or "零")
        digits = head + "".join(_DIGIT_MAP.get(c, "") for c in m.group("rest")) + ("000" if m.group("k") else "")
        if _is_mobile(digits):
            spans.append(_Span(m.start(), m.end(), "phone"))
    return spans


# A mobile number told in parts after its label (手机前面是138，中间0013，最后8000 /
# 手机前三位138，后八位00138000): groups of three or more digits within the sentence
# that together make one.
_PHONE_PARTS_LABEL = re.compile(r"(?:手机|电话|号码)")
_DIGIT_GROUP_3 = re.compile(rf"[{_DIGIT_CLASS}]{{3,}}")


def _phone_part_spans(text: str) -> list[_Span]:
    spans = []
    for label in _PHONE_PARTS_LABEL.finditer(text):
        window_end = label.end() + 40
        stop = re.search(r"[。；;\n]", text[label.end():window_end])
        if stop:
            window_end = label.end() + stop.start()
        groups = list(_DIGIT_GROUP_3.finditer(text, label.end(), window_end))
        if len(groups) < 2:
            continue
        digits = ""
        for count, group in enumerate(groups, 1):
            digits += "".join(_DIGIT_MAP.get(c, "") for c in group.group(0))
            if len(digits) >= 11:
                if _is_mobile(digits) and count > 1:
                    spans += [_Span(g.start(), g.end(), "phone") for g in groups[:count]]
                break
    return spans


_OPENING = {"(": ")", "（": "）", "[": "]", "【": "】"}


def _with_prefix(text: str, span: _Span) -> _Span:
    """The span with what belongs to the number before its first digit: a dialling
    ``+``/``＋`` (+86 137…) and an opening bracket closed inside it ((137)1234 5678), so
    the mask does not leave ``+[电话]`` or ``([电话]`` behind."""
    start = span.start
    while True:
        before = start
        while before > 0 and text[before - 1] in " \u3000":
            before -= 1
        if before > 0 and text[before - 1] in "+＋":
            start = before - 1
        elif start > 0 and text[start - 1] in _OPENING and _OPENING[text[start - 1]] in text[start:span.end]:
            start -= 1
        else:
            return _Span(start, span.end, span.kind)


def _classify_run(text: str, start: int, end: int, chars: str) -> str | None:
    # A plus sign just before (+86 …) belongs to the number.
    has_x = chars[-1:] in ("X", "x", "Ｘ", "ｘ", "×")
    digits = "".join(_DIGIT_MAP.get(c, "") for c in chars)
    chinese = sum(1 for c in chars if c in _CHINESE_DIGITS)
    if chinese and len(digits) < 7:
        return None
    before = text[max(0, start - 1):start]
    after = text[end:end + 1]
    # Letter numbers (XJ20260105-0001) and codes glued to Latin letters are not personal.
    if (before and _ASCII_ALNUM.match(before)) or (after and _ASCII_ALNUM.match(after)):
        return None
    context = text[max(0, start - 12):start]
    # A document's or a batch's number (第13800138000号文件, 第138期) is no one's.
    if before == "第" and text[end:end + 1] in ("号", "期", "批", "条", "届", "次"):
        return None
    # An office's number told to call for advice (或0755-12345678咨询) is published on purpose.
    if 7 <= len(digits) <= 12 and not (len(digits) == 11 and digits[0] == "1") and _OFFICE_AFTER.match(text, end):
        return _KEEP
    kind = _classify(digits, has_x, context)
    if kind is None and chinese and chinese < len(digits) - chinese:
        # Mostly digits with a numeral beside them (第一 13712345678): the digits alone;
        # a number mixing both writings (1三7一2…) was read whole above.
        kind = _classify("".join(_DIGIT_MAP.get(c, "") for c in chars if c not in _CHINESE_DIGITS), has_x, context)
    return kind


#: A number classified as published on purpose: its groups are consumed, not masked.
_KEEP = "keep"


def _classify(digits: str, has_x: bool, before: str) -> str | None:
    n = len(digits)
    if has_x:
        return "id_number" if n in (14, 17) else None
    if digits.startswith("0086") and 13 <= n <= 15:  # 0086 137…, 0086 755 8888 6666
        return "phone"
    if n == 13 and digits.startswith("86") and _is_mobile(digits[2:]):
        return "phone"
    if _is_mobile(digits):
        return "phone"
    if n == 18 and _plausible_birth(digits[6:14]):
        return "id_number"
    if n == 15 and _plausible_birth("19" + digits[6:12]):
        return "id_number"
    # An ID number with a few digits after it (a disability certificate's number is the ID
    # and two more: 44030119850315221443).
    if 19 <= n <= 22 and digits[0] in "12345678" and _plausible_birth(digits[6:14]):
        return "id_number"
    account = _ACCOUNT_NUMBER_CONTEXT.search(before)
    if account and (12 <= n <= 30 or 6 <= n <= 30 and account.group("label") in _HOUSEHOLD_NUMBER_LABELS):
        return _ACCOUNT_KINDS.get(account.group("label"), "account_number")
    if 16 <= n <= 19:
        return "bank_card"
    hotline = _HOTLINE_CONTEXT.search(before)
    if 10 <= n <= 12 and digits[0] == "0":
        # An office's published number (咨询电话：0471-6601234) stays, as one piece.
        return _KEEP if hotline else "phone"
    if 6 <= n <= 11 and _QQ_CONTEXT.search(before):
        return "account"
    if 7 <= n <= 8 and (hotline or _PHONE_CONTEXT.search(before)):
        return _KEEP if hotline else "phone"
    return None


def _is_mobile(digits: str) -> bool:
    """A mainland mobile number's eleven digits (13x … 19x)."""
    return len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789"


def _plausible_birth(ymd: str) -> bool:
    if len(ymd) != 8 or not ymd.isdigit():
        return False
    year, month, day = int(ymd[:4]), int(ymd[4:6]), int(ymd[6:])
    return 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


# What people (or a paste) put inside a written name: spaces, ideographic space, zero-width,
# and the dots, dashes, bars and stars that split it past a filter (李·小·芳, 李-小芳, 欧阳x娜娜).
# An emoji or a symbol put inside a name (王🌟建国) splits it the same way.
_INSIDE_NAME = ("[\\s\u200b-\u200d\u2060\ufeff·•・．.\\-－_/|｜*＊xX"
                "\u2190-\u2bff\u3200-\u33ff\U0001f000-\U0001faff]{0,3}")


def _written_as(name: str) -> re.Pattern:
    """``name`` however it is written in a text: with spaces or zero-width characters
    between its characters, Latin letters in full width or another case (ＺＨＡＮＧ ｓａｎ)."""
    parts = []
    for char in name:
        if char.isascii() and char.isalpha():
            wide = chr(ord(char.lower()) + 0xFEE0) + chr(ord(char.upper()) + 0xFEE0)
            parts.append(f"[{re.escape(char.lower())}{re.escape(char.upper())}{wide}]")
        else:
            parts.append(re.escape(char))
    return re.compile(_INSIDE_NAME.join(parts))


# Names of people held up as examples (向雷锋同志学习, 学习焦裕禄同志的精神) are public
# figures, not a writer's personal data.
_EXEMPLARY = re.compile(
    rf"向\s*{_NAME}\s*{_HONORIFIC}?\s*学习"
    rf"|学习\s*{_NAME}\s*{_HONORIFIC}?\s*的?\s*(?:精神|事迹|先进事迹|榜样|好榜样)"
    rf"|{_NAME}\s*{_HONORIFIC}?\s*(?:精神|式的?(?:好干部|英雄|好人|人物|榜样))"
)


# A list of people after 抄送 (抄送：刘备、关羽、张飞) or after people named by their role
# in the plural (工友们：赵四、刘能、谢广坤都没拿到钱): each item a whole name, not an office;
# the last one may be followed by what is said of them all.
# (The label is looked for before each colon: the text has few.)
_LIST_LABEL = re.compile(r"(?:抄送|抄报|参会人员|在场人员|出席人员|参加人员|"
                         rf"(?:{_RELATION_WORDS}|工友|家人|亲属|家属|村民|居民|业主|租户|住户|员工|职工|工人)们?)\s*$")
_COLON = re.compile(r"[：:]\s*")
_LIST_NAME = re.compile(rf"(?P<name>{_NAME})(?<![局厅委办院所站部处科队会司馆社府市县区省镇乡村街组室])"
                        r"(?=[、，,；;。\s）)」”]|$|都|等|也|还|均|他们|几[个位]|[两三四五六七八九十]+[个位人])")
_LIST_SEPARATOR = re.compile(r"\s*[、，,]\s*")
# What follows a given name used alone as a person's (建国哥说, 娜娜想问一下).
# (or the writer as the person's parent: 我是铁柱他爸, 铁柱的妈妈)
_AFTER_GIVEN = r"(?:哥|姐|叔|姨|伯|嫂|弟|妹|爷|奶|婶|仔|[他她的](?:爸|妈|爹|娘|爷爷|奶奶|老婆|老公|媳妇))"


def _listed_name_spans(text: str) -> list[_Span]:
    spans = []
    for colon in _COLON.finditer(text):
        if not _LIST_LABEL.search(text, max(0, colon.start() - 8), colon.start()):
            continue
        position = colon.end()
        while (item := _LIST_NAME.match(text, position)) is not None:
            spans.append(_Span(item.start("name"), item.end("name"), "name"))
            separator = _LIST_SEPARATOR.match(text, item.end())
            if separator is None:
                break
            position = separator.end()
    return spans


# A plain-text table (cells split by | or tabs) whose header names a column of people
# (姓名 | 电话 / 郭靖 | 13800138000): that column's cells below are names.
_TABLE_SPLIT = re.compile(r"[|｜\t]")
_TABLE_NAME_HEADER = re.compile(r"\s*(?:姓名|名字|联系人|申请人|当事人|户主|家属|学生姓名|患者姓名)\s*")
_CLAUSE_END = re.compile(r"[。！？!?；;：:，,]")
_TABLE_CELL_NAME = re.compile(rf"(?:{_NAME}|{_HAN}{{2,4}}|{_LATIN_NAME})")


def _table_name_spans(text: str) -> list[_Span]:
    spans: list[_Span] = []
    column = None
    position = 0
    for line in text.split("\n"):
        cells, start = [], position
        for piece in _TABLE_SPLIT.split(line):
            cells.append((start, piece))
            start += len(piece) + 1
        position += len(line) + 1
        if len(cells) < 2:
            column = None
            continue
        # (the first header may end a sentence: …，赵灵儿收。姓名 | 电话)
        headers = [i for i, (_, cell) in enumerate(cells)
                   if _TABLE_NAME_HEADER.fullmatch(_CLAUSE_END.split(cell)[-1] if i == 0 else cell)]
        if headers:
            column = headers[0]
            continue
        if column is None or column >= len(cells):
            continue
        offset, cell = cells[column]
        stripped = cell.strip()
        if stripped and _TABLE_CELL_NAME.fullmatch(stripped):
            begin = offset + cell.index(stripped)
            spans.append(_Span(begin, begin + len(stripped), "name"))
    return spans


# A name told in English (My name is Li Lei, Hello, I am Han Meimei from Nanshan): after
# "my name is" any capitalised name; after "I am"/"this is" only a name in pinyin (not "I
# am Very Happy").
# (and a person the writer names by who they are: My wife Lily Chen, our landlord Zhang Wei)
_ENGLISH_INTRODUCTION_HINT = re.compile(r"(?i:name is|name's|\bI am\b|\bI'm\b|\bthis is\b|call me|\b(?:my|our|his|her)\s)")
_ENGLISH_INTRODUCTION = re.compile(
    rf"(?:(?P<named>(?i:my name is|my name's|call me|(?:my|our|his|her)\s+(?:wife|husband|son|daughter|mother|father|mom|mum|"
    rf"dad|parents?|neighbou?r|landlord|landlady|tenant|friend|colleague|boss|brother|sister|child|kid|grandma|grandpa|"
    rf"grandmother|grandfather|partner|fianc[eé]e?|uncle|aunt|cousin|nephew|niece|teacher|classmate|roommate)))"
    rf"|(?i:\bI am|\bI'm|\bthis is))\s+(?P<name>{_LATIN_NAME})(?![A-Za-z])"
)


# A name in pinyin written surname, comma, given name, as forms ask for it (Guo, Jing).
_COMMA_NAME = re.compile(r"(?<![A-Za-z,])(?P<name>[A-Z][a-z]{1,6},\s?[A-Z][a-z]{1,12})(?![A-Za-z]|,?\s?[A-Z])")


# A name after an English title (Mr. Wang Jianguo, Ms Li, Mrs. Chen Meiling): any
# capitalised words; after a greeting (Dear Xiaoming Li, Hi Zhang Wei) or alone on a line
# (a signature: Thanks,\nXiaohong Liu) only a name in pinyin, surname first or last.
_LATIN_HINT = re.compile(r"(?i:M(?:r|rs|s|iss|x|adam|me)\b)|Dear|Hi\b|Hello|Hey|Thank|Best|Cheers|Yours|\n\s*[A-Z][a-z]+[ \-][A-Z]")
_LATIN_TITLED = re.compile(
    r"(?<![A-Za-z])(?:(?P<title>(?i:Mr|Mrs|Ms|Miss|Mx|Madam|Mme))(?:\.\s*|\s+)|(?P<greeting>Dear|Hi|Hello|Hey|Thanks|Thank you|"
    r"Best|Cheers|Yours(?: sincerely| truly)?)[,，]?\s+)(?:(?P<title2>(?i:Mr|Mrs|Ms|Miss|Dr))(?:\.\s*|\s+))?"
    r"(?P<name>[A-Z][A-Za-z]{1,9}(?:[ \-][A-Z][A-Za-z]{1,9}){0,2})(?![A-Za-z])"
)
_LATIN_LINE = re.compile(r"(?:^|(?<=\n))[ \t]*(?P<name>[A-Z][a-z]{1,9}(?:[ \-][A-Z][a-z]{1,9}){1,2})[ \t]*[.,]?[ \t]*(?=\n|$)")


def _latin_name_spans(text: str) -> list[_Span]:
    spans = []
    readings = _surname_readings()
    for m in _LATIN_TITLED.finditer(text):
        name = m.group("name")
        if m.group("title") or m.group("title2") or privacy_pinyin.is_pinyin_name(name, readings):
            spans.append(_Span(m.start("name"), m.end("name"), "name"))
    if "\n" in text:
        spans += [_Span(m.start("name"), m.end("name"), "name") for m in _LATIN_LINE.finditer(text)
                  if privacy_pinyin.is_pinyin_name(m.group("name"), readings)]
    return spans


def _english_name_spans(text: str) -> list[_Span]:
    return [_Span(m.start("name"), m.end("name"), "name") for m in _ENGLISH_INTRODUCTION.finditer(text)
            if m.group("named") or privacy_pinyin.is_pinyin_name(m.group("name"), _surname_readings())]


# A name in Latin letters in a letter's sentence (review 12: 我的邻居Tom Li天天堵门, Zhang Wei借钱不还,
# Zhang Wei took my money): after who the person is to the writer, any capitalised name; before or
# after what is said of a person, only a name in pinyin or an English given name and a surname's
# pinyin (Tom Li, Lily Chen) — not Feng Shui, Hong Kong or Tai Chi standing alone.
_LATIN_IN_TEXT_HINT = re.compile(r"[A-Z][a-z]{1,9}[ ·][A-Z][a-z]")
_LATIN_AFTER_WHO = re.compile(
    rf"(?:{_RELATION}|{_ROLE}|{_CASE_ROLE}|{_KIN_OWNER}{_KIN_SHORT})\s*(?:的名字|名字|的英文名|英文名)?"
    rf"(?:叫做|叫作|叫|名叫|是|为|[：:])?\s*(?P<name>{_LATIN_NAME})(?![A-Za-z])"
)
_LATIN_PERSON_SAID = re.compile(
    rf"(?:(?:举报|投诉|起诉|控告|转告|问问|嫁给了?|被|跟|让|叫|联系|找|通知|告诉|感谢|谢谢)\s*(?P<before>{_LATIN_NAME})(?![A-Za-z])"
    rf"|(?P<name>{_LATIN_NAME})(?![A-Za-z])\s*(?={_HONORIFIC}|{_ADDRESS_FORM}|说|反映|表示|欠|借了?钱|借我|打了|打我|骂|骗|偷|抢|"
    rf"拖欠|威胁|殴打|家的|今年{_NUM}岁|天天|经常|一直|总是|多次|长期|收了|拿了|是我的?(?:{_RELATION_WORDS})"
    r"|(?:took|takes|owes|owed|borrowed|hit|hits|beat|beats|said|says|told|tells|refused|refuses|stole|steals|"
    r"cheated|threatened|threatens|lives|lived|keeps|kept|parks|parked|is my|was my|has been|harass(?:ed|es))\b))"
)
_LATIN_NAMED = re.compile(rf"\b(?:named|called)\s+(?P<name>{_LATIN_NAME})(?![A-Za-z])")


def _latin_in_text_spans(text: str) -> list[_Span]:
    readings = _surname_readings()

    def reads_as_person(name: str) -> bool:
        words = re.split(r"[ ·]", name)
        return (privacy_pinyin.is_pinyin_name(name, readings)
                or len(words) == 2 and any(w.lower() in readings for w in words))

    spans = [_Span(m.start("name"), m.end("name"), "name") for m in _LATIN_AFTER_WHO.finditer(text)]
    spans += [_Span(m.start("name"), m.end("name"), "name") for m in _LATIN_NAMED.finditer(text)]
    for m in _LATIN_PERSON_SAID.finditer(text):
        group = "before" if m.group("before") else "name"
        if reads_as_person(m.group(group)):
            spans.append(_Span(m.start(group), m.end(group), "name"))
    return spans


def _comma_name_spans(text: str) -> list[_Span]:
    spans = []
    for m in _COMMA_NAME.finditer(text):
        surname, given = (part.strip() for part in m.group("name").split(","))
        if (surname.lower() in _surname_readings()
                and privacy_pinyin.is_pinyin_name(f"{surname} {given}", _surname_readings())):
            spans.append(_Span(m.start("name"), m.end("name"), "name"))
    return spans


def _known_name_spans(text: str, name: str) -> list[_Span]:
    """Where a name known from a record's fields is written: as typed (with spaces, dots
    or full-width letters inside), its surname + 先生/女士, its given name alone before 哥/姐
    or what is said of a person (建国哥说, 娜娜想问一下), in pinyin (Wang Jianguo,
    WANG JIANGUO, W.J.G.; an account made of it, wangjianguo1985, is hidden whole),
    reversed (芳小李 for 李小芳) and as its surname + 某某 (李某某: the writer half-hiding it)."""
    spans = []
    simplified = to_simplified(name)
    written = [simplified]
    if re.fullmatch(rf"{_HAN}{{3,4}}", simplified):
        written.append(simplified[::-1])
    for form in written:
        for match in _written_as(form).finditer(text):
            spans.append(_Span(match.start(), match.end(), "name"))
    surname = _surname_of(name)
    if not surname:
        return spans
    for match in re.finditer(rf"{re.escape(surname)}(?={_HONORIFIC})|{re.escape(surname)}某{{1,2}}", text):
        spans.append(_Span(match.start(), match.end(), "name"))
    given = simplified[len(surname):]
    if len(given) >= 2:
        # (大家叫我铁柱: the given name others call the writer by)
        for match in re.finditer(rf"{re.escape(given)}(?={_AFTER_GIVEN})|{_BOUNDARY}{re.escape(given)}(?={_AFTER_PERSON})"
                                 rf"|(?:(?<=叫我|喊我|称我)|(?<=管我叫)){re.escape(given)}", text):
            spans.append(_Span(match.start(), match.end(), "name"))
    if given and re.fullmatch(rf"{_HAN}{{1,2}}", given):
        # The pet names made of the given name's last character (柱子, 小柱, 阿柱, 柱柱 for 赵铁柱)
        # where a person is meant: before 他妈/哥 …, after 叫我 (柱子他妈让我来问 — attack M1).
        last = re.escape(given[-1])
        nickname = rf"(?:{last}子|[小阿]{last}|{last}{last})"
        for match in re.finditer(rf"{nickname}(?={_AFTER_GIVEN})|(?:(?<=叫我|喊我|称我)|(?<=管我叫)){nickname}", text):
            spans.append(_Span(match.start(), match.end(), "name"))
    if re.search("[A-Za-z]", text):
        latin = privacy_pinyin.name_pattern(simplified, len(surname))
        for match in latin.finditer(text) if latin else ():
            end = match.end()
            while end < len(text) and (text[end].isascii() and (text[end].isalnum() or text[end] in "_-")):
                end += 1
            spans.append(_Span(match.start(), end, "account" if end > match.end() else "name"))
    return spans


def _name_spans(text: str, names: Iterable[str]) -> list[_Span]:
    spans = []
    # (The text is read simplified (:func:`_folded`), so 歐陽娜娜 is found for 欧阳娜娜.)
    for name in _known_names(names):
        spans += _known_name_spans(text, name)
    if "抄" in text or "人员" in text or "：" in text or ":" in text:
        spans += _listed_name_spans(text)
    if "|" in text or "｜" in text or "\t" in text:
        spans += _table_name_spans(text)
    if _ENGLISH_INTRODUCTION_HINT.search(text):
        spans += _english_name_spans(text)
    if re.search(r"[a-z],\s?[A-Z]", text):
        spans += _comma_name_spans(text)
    if _LATIN_HINT.search(text):
        spans += _latin_name_spans(text)
    if _LATIN_IN_TEXT_HINT.search(text):
        spans += _latin_in_text_spans(text)
    exemplary = [m.span() for m in _EXEMPLARY.finditer(text)]
    spans += _kin_name_spans(text)
    if re.search("举报|投诉|起诉|控告|状告|检举", text):
        spans += _accused_spans(text)
    if "的" in text:
        spans += [_Span(m.start("name"), m.end("name"), "name") for m in _BEFORE_KIN.finditer(text)
                  if _unknown_word(m.group("name")) and not _phrase_not_name(m.group("name"))]
    if _NAME_LIST_HINT.search(text):
        spans += _name_list_spans(text)
    if re.search("[A-Za-z][\u4e00-\u9fff]", text):
        spans += [_Span(m.start("name"), m.end("name"), "name") for m in _INITIAL_NAME.finditer(text)
                  if _unknown_word(m.group("name")[1:]) and not _lettered_word_or_room(m.group("name"))]
    for pattern in _PLAIN_PLACE_NAME_PATTERNS:
        spans += [_Span(m.start("name"), m.end("name"), "name") for m in pattern.finditer(text)
                  if _unknown_word(m.group("name")) and not _place_or_word(m.group("name"))]
    # (or seldom seen: the dictionary knows 阿依古丽, 14 times; tried only on the texts that have four
    # such characters in a row: 142 of the 9,898 government texts)
    if _TRANSLITERATED_HINT.search(text):
        spans += [_Span(m.start("name"), m.end("name"), "name") for m in _TRANSLITERATED_AFTER_WHO.finditer(text)
                  if _word_frequency(m.group("name")) < _RARE_NAME_FREQ]
    spans += _plain_place_spans(text)
    spans += _relation_name_spans(text)
    patterns = list(_NAME_PATTERNS)
    for guard, guarded in _GUARDED_NAME_PATTERNS:
        if guard.search(text):
            patterns += guarded
    for pattern in patterns:
        for match in pattern.finditer(text):
            # (A name masked before, 司空**, is not masked again as 司*: masking a masked
            # text changes nothing, so stored masked copies can be masked again.)
            # (nor a province, a city, an office or a village where a name could stand: 我和江西省都没有关系,
            # 村民郭家庄 — review 2 F4)
            name = match.group("name")
            if (not any(a <= match.start("name") < b for a, b in exemplary)
                    and text[match.end("name"):match.end("name") + 1] != "*"
                    and not (len(name) == 3 and (name[-1] in "省市县区局厂站"
                                                 or (name[1] == "家" and name[-1] in _VILLAGE_ENDINGS + "庄村")))
                    and not _trade_before_title(text, match)
                    and not (pattern is _DASH_SIGNATURE and _signed_place(name))
                    # (张师傅是司机: after 是 a frequent word of the dictionary is what the person is, not a name)
                    and not (len(name) == 2 and text[max(0, match.start("name") - 1):match.start("name")] == "是"
                             and _word_frequency(name) >= _IS_WHAT_FREQ and name not in _dictionary_names()
                             # (a place is no trade: 我老公是江山 — review 13 F8)
                             and name not in _dictionary_places())):
                spans.append(_Span(match.start("name"), match.end("name"), "name"))
    # A name found once is hidden wherever the text repeats it (赵半山赵半山赵半山).
    found = {text[s.start:s.end] for s in spans if s.kind == "name" and s.end - s.start >= 2}
    for name in found:
        if re.fullmatch(rf"{_HAN}{{2,5}}", name):
            spans += [_Span(m.start(), m.end(), "name") for m in re.finditer(re.escape(name), text)]
    # (Of two names found at one place the longer is hidden: 申请人：周 树 人, not 周 树.)
    return sorted(spans, key=lambda s: (s.start, s.start - s.end))


# Han or Latin letters with the separators names are written with (张三, 欧阳明华,
# 阿依古丽·买买提, John Smith), at most as long as the name fields allow.
_NAME_LIKE = re.compile(r"[\u4e00-\u9fffA-Za-z·•.]{2,20}")


def _known_names(names: Iterable[str]) -> list[str]:
    result = []
    for name in names:
        name = re.sub(r"[\s\u200b-\u200d\u2060\ufeff]+", "", unicodedata.normalize("NFKC", name or ""))
        # A one-character "name" (or 匿名/网友) would mask ordinary words, and what is not
        # written like a name (markup, a sentence pasted into the field) would mask the
        # text itself rather than a person.
        if (len(name) >= 2 and name not in ("匿名", "网友", "市民", "群众")
                and _NAME_LIKE.fullmatch(name)):
            result.append(name)
    return sorted(set(result), key=len, reverse=True)


_NAME_ONLY = re.compile(_NAME)


def as_name(value: str | None) -> str | None:
    """The personal name a nickname or signature consists of (诸葛亮, 王小明,
    王小明13512345678 → 王小明, a name in pinyin: Zhou Botong), or ``None`` when it is not
    one (热心市民, 网友, 高兴, Happy Day): a nickname that is someone's name is hidden like a
    name field."""
    value = unicodedata.normalize("NFKC", value or "")
    alone = _APP_AND_HANDLE_ALONE.match(value)
    if (alone and not _OFFICIAL_HANDLE.search(alone.group("value")) and not _NOT_A_HANDLE.search(alone.group("value"))
            and not re.search("怎|什么|如何|哪|多少|吗|么|啥|能不能|可以", alone.group("value"))):
        return alone.group("value")  # (Soul铁柱爱吃瓜: the handle, hidden wherever the question repeats it)
    han = "".join(re.findall(_HAN, value))
    mixed = _mixed_script_name(value)
    if mixed:
        return mixed
    if 2 <= len(han) <= 4 and _NAME_ONLY.fullmatch(han):
        return han
    if not han and privacy_pinyin.is_pinyin_name(value, _surname_readings()):
        return value.strip()
    return None


_MIXED_NOT_NAME_END = re.compile(
    rf"(?:{_HONORIFIC}|{_ADDRESS_FORM}|妈妈|爸爸|大妈|大叔|大哥|大姐|叔叔|宝妈|宝爸|[妈爸哥姐弟妹叔婶姨爷奶男女总])$"
)


def _mixed_script_name(value: str) -> str | None:
    """A name written half in characters and half in pinyin (赵tie柱, Zhao铁柱, 赵铁zhu,
    chen小明), 小/老/阿 and a surname in pinyin (小chen), or a surname's initial before a given
    name (W翠兰): two to four syllables, the first a surname (or 小/老/阿 and one). Returned as
    written, so it is hidden whole wherever it is repeated."""
    compact = re.sub(r"[\s·.\-_]+", "", value)
    if not (re.fullmatch(r"[\u4e00-\u9fffA-Za-z]{2,14}", compact) and re.search(_HAN, compact)
            and re.search(r"[A-Za-z]", compact)):
        return None
    parts = re.findall(r"[\u4e00-\u9fff]|[A-Za-z]+", compact)
    # (a surname and a form of address, as 李先生 stays: Li先生, Wang女士, Zhang大爷, Chen同学, U盘哥 —
    # review 2 F6)
    if _MIXED_NOT_NAME_END.search("".join(p for p in parts if re.fullmatch(_HAN, p))):
        return None
    if (re.fullmatch(r"[A-Za-z]", parts[0]) and len(parts) == 3 and all(re.fullmatch(_HAN, p) for p in parts[1:])
            and _unknown_word("".join(parts[1:])) and not _lettered_word_or_room(compact)):
        return compact  # (W翠兰: the surname's initial; not A先生, K歌王)
    syllables = 0
    for part in parts:
        if re.fullmatch(_HAN, part):
            syllables += 1
        elif len(part) >= 2 and privacy_pinyin._splits_into_syllables(part, 2):
            syllables += 1 if privacy_pinyin.is_syllable(part) else 2
        else:
            return None
    if not 2 <= syllables <= 4:
        return None
    first, rest = parts[0], parts[1:]
    if first in "小老阿" and rest:
        first, rest = rest[0], rest[1:]
    readings = _surname_readings()
    is_surname = (to_simplified(first) in _SURNAMES if re.fullmatch(_HAN, first)
                  else first.lower() in readings or any(first.lower().startswith(r) and privacy_pinyin.is_syllable(first[len(r):])
                                                        for r in readings if len(r) < len(first)))
    return compact if is_surname else None


@functools.lru_cache(maxsize=1)
def _surname_readings() -> frozenset[str]:
    """The pinyin of every surname (wang, ouyang, zhuge …)."""
    found = set()
    for surname in list(_SURNAMES) + _COMPOUND_SURNAMES:
        spellings = [""]
        for char in surname:
            spellings = [s + r for s in spellings for r in privacy_pinyin.readings(char)[:3]]
        found.update(spellings)
    return frozenset(found)


def _surname_of(name: str) -> str:
    for surname in _COMPOUND_SURNAMES:
        if name.startswith(surname) and len(name) > len(surname):
            return surname
    if re.match(_HAN, name) and len(name) <= 4:
        return name[0]
    return ""


# Rooms of a public building, not a home (3号楼502会议室).
_PUBLIC_ROOM = re.compile(r"[0-9０-９]*\s*(?:会议室|办公室|教室|报告厅|多功能厅|大厅|窗口|展厅|阅览室|服务厅)")


def _address_spans(text: str) -> list[_Span]:
    spans = [_Span(m.start(), m.end(), "address") for m in _ADDRESS.finditer(text)
             if not _PUBLIC_ROOM.match(text, m.end())
             and not (_BARE_VILLAGE_GROUP.fullmatch(m.group(0)) and not _HOME_BEFORE.search(text, max(0, m.start() - 12), m.start())
                      and not _SOMEONE_BEFORE.search(text, max(0, m.start() - 12), m.start())
                      and not _ALONE_AFTER.match(text, m.end()) and _PUBLIC_AFTER_GROUP.match(text, m.end()))]
    if _ROOM_HINT.search(text):
        spans += [_Span(m.start(), m.end(), "address") for m in _ROOM_ADDRESS.finditer(text)
                  if not _PUBLIC_ROOM.match(text, m.end())]
    if "址" in text:
        spans += [_Span(m.start("value"), m.end("value"), "address") for m in _LABELLED_ADDRESS.finditer(text)]
    if "宿舍" in text or "寝室" in text or "公寓楼" in text:
        spans += [_Span(m.start(), m.end(), "address") for m in _DORM.finditer(text)]
    if "T" in text:
        spans += [_Span(m.start(), m.end(), "address") for m in _TOWER_FLAT.finditer(text)]
    if "交叉口" in text or "交汇处" in text or "交界处" in text or "路口" in text:
        spans += [_Span(m.start(), m.end(), "address") for m in _CROSSROADS.finditer(text)]
    if "摊" in text or "档口" in text or "铺位" in text:
        spans += [_Span(m.start(), m.end(), "address") for m in _STALL.finditer(text)]
    if _PINYIN_ROAD.search(text):
        spans += [_Span(m.start(), m.end(), "address") for m in _PINYIN_ADDRESS.finditer(text)]
    spans += _flat_spans(text)
    if _ENGLISH_FLAT_HINT.search(text):
        spans += [_Span(m.start(), m.end(), "address") for m in _ENGLISH_FLAT.finditer(text)]
    if _ENGLISH_ROAD.search(text):
        spans += [_Span(m.start(), m.end(), "address") for m in _ENGLISH_ADDRESS.finditer(text)
                  if re.search(r"[0-9]", m.group(0))]
    return spans


def _email_spans(text: str) -> list[_Span]:
    spans = [_Span(m.start("email"), m.end(), "email") for m in _EMAIL.finditer(text)]
    if " at " in text or " AT " in text or " At " in text:
        spans += [_Span(m.start(), m.end(), "email") for m in _AT_PROVIDER.finditer(text)]
    if ".com" in text or ".cn" in text:
        spans += [_Span(m.start(), m.end(), "account") for m in _PROFILE_URL.finditer(text)]
    if "@" in text or "＠" in text:
        spans += [_Span(m.start(), m.end(), "email") for m in _SPACED_EMAIL.finditer(text)]
        spans += [_Span(m.start(), m.end(), "email") for m in _IDN_EMAIL.finditer(text)]
        spans += [_Span(m.start(), m.end(), "name" if m.group("name") else "account")
                  for m in _MENTION.finditer(text)]
    spans += [_Span(m.start("value"), m.end("value"), "birth_date") for m in _BORN_ON.finditer(text)]
    spans += [_Span(m.start(), m.end(), "location") for m in _COORDINATES.finditer(text)]
    spans += [_Span(m.start("value"), m.end("value"), "ip_address") for m in _IP_ADDRESS.finditer(text)]
    spans += [_Span(m.start("value"), m.end("value"), "birth_date") for m in _BIRTH_DATE.finditer(text)]
    spans += [_Span(m.start("value"), m.end("value"), "birth_date") for m in _BIRTH_COMPACT.finditer(text)
              if _plausible_birth(m.group("value"))]
    spans += [_Span(m.start("value"), m.end("value"), "email") for m in _LABELLED_EMAIL.finditer(text)]
    spans += [_Span(m.start("value"), m.end("value"), "account") for m in _ACCOUNT.finditer(text)]
    spans += [_Span(m.start("value"), m.end("value"), "account") for m in _BARE_ACCOUNT.finditer(text)]
    if _HANDLE_HINT.search(text):
        spans += _handle_spans(text)
    if "公众号" in text or "视频号" in text or "直播间" in text:
        spans += [_Span(m.start("value"), m.end("value"), "account") for m in _OWN_CHANNEL.finditer(text)]
    if "车位" in text:
        spans += [_Span(m.start("value"), m.end("value"), "address") for m in _PARKING.finditer(text)]
    spans += [_Span(m.start(), m.end(), "plate") for m in _PLATE.finditer(text)]
    if _PLATE_LETTERS.search(text):  # (a capital, then five letters or digits: few texts have one)
        spans += [_Span(m.start(), m.end(), "plate") for m in _PINYIN_PLATE.finditer(text)]
    spans += [_Span(m.start("value"), m.end("value"), "id_number") for m in _LABELLED_ID_DIGITS.finditer(text)]
    spans += [_Span(m.start(), m.end(), "phone") for m in _HK_MACAU_PHONE.finditer(text)]
    spans += [_Span(m.start("value"), m.end("value"), "plate") for m in _LABELLED_PLATE.finditer(text)]
    spans += [_Span(m.start("value"), m.end("value"), _TAIL_KINDS.get(m.group("label"), "account_number"))
              for m in _TAIL_DIGITS.finditer(text)]
    for m in _TAIL_LATER.finditer(text):
        label = _TAIL_LABEL.search(text, max(0, m.start() - 30), m.start())
        if label:
            spans.append(_Span(m.start("value"), m.end("value"), _TAIL_KINDS.get(label.group(1), "account_number")))
    spans += [_Span(m.start("value"), m.end("value"), "passport") for m in _PASSPORT.finditer(text)]
    spans += [_Span(m.start("value"), m.end("value"), "passport") for m in _LABELLED_DOCUMENT.finditer(text)]
    return spans


# --- one reading of every writing ------------------------------------------------------

# Characters that show nothing (zero-width spaces and joiners, soft hyphen, word joiner,
# byte-order mark): a number or a name with them inside reads as one.
_INVISIBLE = frozenset("\u00ad\u034f\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff")


@functools.lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    """How the rules read one character: invisible ones are dropped, and so are combining
    marks (the keycap of 1️⃣ is a 1, a variation selector and a combining keycap); every
    digit and Latin letter in another writing (full width, circled ① and ❶ ⓿, bracketed
    ⑴, superscript ¹, mathematical 𝟏, Arabic-Indic ١, ＠) becomes its ASCII form (the
    Unicode digit value, then NFKC). Chinese punctuation and Chinese numerals are kept:
    the rules know them."""
    if char.isascii():
        return char
    if char in _INVISIBLE or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return ""
    digit = unicodedata.digit(char, None)
    if digit is not None:
        return str(digit)
    decomposed = unicodedata.normalize("NFD", char)
    if len(decomposed) > 1 and decomposed[0].isascii() and decomposed[0].isalpha():
        # A Latin letter with an accent or a tone mark (Wáng Jiànguó, Lǚ) is read as the
        # letter: pinyin with tones is a name as pinyin without.
        return decomposed[0]
    compat = unicodedata.normalize("NFKC", char)
    if compat != char and compat.isascii() and (compat.isalnum() or compat == "@"):
        return compat
    if compat != char and len(compat) == 1 and "\u4e00" <= compat <= "\u9fff":
        # A Kangxi radical or a compatibility ideograph that stands for a character
        # (⽥⼤⼒ is 田大力 to a reader).
        return compat
    return char


# Latin O/o and l/I among digits (138OO138OOO, l38OOl38OOO): read as 0 and 1 when the
# run has digits and nothing Latin around it.
_LOOKALIKE_RUN = re.compile(r"(?<![A-Za-z])(?=(?:[OoIl]*[0-9]){3})[0-9OoIl]{7,}(?![A-Za-z])")
_LOOKALIKE = str.maketrans("OoIl", "0011")
# Latin O/o for 零 among Chinese numerals (一三八oo一三八ooo): read as 〇.
_LOOKALIKE_CN_RUN = re.compile(
    r"(?<![A-Za-z])(?=(?:[Oo]*[〇零一二三四五六七八九幺两拐勾洞]){3})[〇零一二三四五六七八九幺两拐勾洞Oo]{7,}(?![A-Za-z])"
)


# Characters read as they are (ASCII, Chinese characters, the common Chinese punctuation):
# a text of only these is not folded character by character.
_AS_WRITTEN = re.compile(r"[\x00-\x7f\u4e00-\u9fff\u3000-\u303f\uff01-\uff0f\uff1a-\uff1f\u2014\u2018-\u201d\u2026\u00b7]*")


def _folded(text: str) -> tuple[str, list[int] | None]:
    """``text`` as the rules read it and, for each of its characters, the position in
    ``text`` it comes from (so what is found is hidden in the original writing); ``None``
    for the positions when they are the text's own. Traditional characters are read as
    simplified (我丈夫張國榮 as 我丈夫张国荣), character for character, so every rule and
    surname knows both writings."""
    if _AS_WRITTEN.fullmatch(text):
        folded, origin = text, None
    else:
        chars: list[str] = []
        origin = []
        for position, char in enumerate(text):
            for piece in _fold_char(char):
                chars.append(piece)
                origin.append(position)
        folded = "".join(chars)
    if "O" in folded or "o" in folded or "l" in folded or "I" in folded:
        folded = _LOOKALIKE_RUN.sub(lambda m: m.group(0).translate(_LOOKALIKE)
                                    if re.search(r"[OoIl]", m.group(0)) else m.group(0), folded)
        if "o" in folded or "O" in folded:
            folded = _LOOKALIKE_CN_RUN.sub(lambda m: re.sub("[Oo]", "〇", m.group(0)), folded)
    simplified = to_simplified(folded)
    if len(simplified) == len(folded):  # (a phrase conversion that changes the length is not used)
        folded = simplified
    if _TONE_NUMBER_HINT.search(folded):
        folded, origin = _without_tone_numbers(folded, origin)
    if _LONG_RUN.search(folded):
        folded, origin = _without_long_runs(folded, origin)
    return folded, origin


# A long run of one kind of character (thousands of newlines or spaces, of digits, of Latin
# letters, of Chinese numerals) is read as its first and last RUN_KEPT characters: many
# rules begin with ``\s*`` or a run of digits or letters, and a regular expression tries them
# again from every character of the run, so a run of n characters cost n² steps (20,000
# newlines took about a minute). No rule reads that far into a run (the longest bounded
# repeat is 30 characters, and nothing personal is found in the middle of a run of 33
# characters and more), and a newline in the dropped middle is kept, so lines stay lines.
RUN_KEPT = 32
_LONG_RUN = re.compile(
    rf"\s{{{2 * RUN_KEPT + 2},}}"
    rf"|[A-Za-z0-9〇零一二三四五六七八九十百千万廿卅壹贰叁肆伍陆柒捌玖幺两拐勾洞]{{{2 * RUN_KEPT + 2},}}"
)


def _without_long_runs(text: str, origin: list[int] | None) -> tuple[str, list[int] | None]:
    origin = origin if origin is not None else list(range(len(text)))
    pieces, kept, position = [], [], 0
    for m in _LONG_RUN.finditer(text):
        start, end = m.start() + RUN_KEPT, m.end() - RUN_KEPT
        middle = "\n" if "\n" in text[start:end] else text[start]
        pieces += [text[position:start], middle]
        kept += origin[position:start] + [origin[start + text[start:end].find(middle)]]
        position = end
    pieces.append(text[position:])
    kept += origin[position:]
    return "".join(pieces), kept


# Pinyin with its tones written as digits (Wang2 Jian4guo2): two or three words, each one to
# three syllables followed by a tone digit, read without the digits.
_TONE_NUMBER_HINT = re.compile(r"[A-Za-z][0-5]\s+[A-Za-z]")
_TONE_NUMBERED = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z]{1,6}[0-5]){1,3}(?:\s+(?:[A-Za-z]{1,6}[0-5]){1,3}){1,2}(?![A-Za-z0-9])")


def _without_tone_numbers(text: str, origin: list[int] | None) -> tuple[str, list[int] | None]:
    drop = set()
    for m in _TONE_NUMBERED.finditer(text):
        parts = re.findall(r"([A-Za-z]+)([0-5])", m.group(0))
        if all(privacy_pinyin.is_syllable(syllable) for syllable, _ in parts):
            drop.update(m.start() + d.start() for d in re.finditer(r"[0-5]", m.group(0)))
    if not drop:
        return text, origin
    origin = origin if origin is not None else list(range(len(text)))
    kept = [i for i in range(len(text)) if i not in drop]
    return "".join(text[i] for i in kept), [origin[i] for i in kept]


def _find(text: str, names: Iterable[str]) -> list[_Span]:
    """All spans of ``text`` to hide. The rules read the text folded (:func:`_folded`:
    one writing of digits and letters, invisible characters gone); a span found there
    covers the characters of the original it was read from."""
    folded, origin = _folded(text)
    if origin is None:
        return _find_folded(folded, names)
    spans = []
    for s in _find_folded(folded, names):
        if s.end > s.start:
            end = origin[s.end - 1] + 1
            while end < len(text) and not _fold_char(text[end]):  # (the keycap after a 1 of 1️⃣)
                end += 1
            following = origin[s.end] if s.end < len(origin) else len(text)
            if end < following and re.fullmatch(r"[0-5]+", text[end:following]):  # (the tone of Jian4guo2)
                end = following
            spans.append(_Span(origin[s.start], end, s.kind))
    return spans


def _find_folded(text: str, names: Iterable[str]) -> list[_Span]:
    """All spans to hide, overlapping ones merged (the earlier, longer one wins)."""
    spans: list[_Span] = []
    # The spans taken, which never overlap, by where they start (and so by where they end): whether a
    # span is free is told by the last one starting before it ends (was a look at every one taken,
    # quadratic in a long text with many names — review 13 F11: 40,000 characters of 1. 王翠兰 took 4 s).
    starts: list[int] = []
    ends: list[int] = []

    def free(span: _Span) -> bool:
        at = bisect.bisect_left(starts, span.end)
        return at == 0 or ends[at - 1] <= span.start

    def take(span: _Span) -> None:
        at = bisect.bisect_left(starts, span.start)
        starts.insert(at, span.start)
        ends.insert(at, span.end)

    def release(span: _Span) -> None:
        at = bisect.bisect_left(starts, span.start)
        while (starts[at], ends[at]) != (span.start, span.end):
            at += 1
        del starts[at], ends[at]

    # Addresses and accounts first, the longest of overlapping ones.
    for span in sorted(_email_spans(text), key=lambda s: (s.start, s.start - s.end)):
        if free(span):
            spans.append(span)
            take(span)
    for span in _digit_spans(text) + _address_spans(text) + _name_spans(text, names):
        if span.end > span.start and free(span):
            spans.append(span)
            take(span)
        elif span.kind in ("address", "id_number", "bank_card", "phone"):
            # A longer span covering an earlier one replaces it (an address with a number).
            covered = [s for s in spans if span.start <= s.start and s.end <= span.end]
            if covered and all(span.end <= s.start or span.start >= s.end for s in spans if s not in covered):
                for s in covered:
                    spans.remove(s)
                    release(s)
                spans.append(span)
                take(span)
    return sorted(spans, key=lambda s: s.start)


def scan_text(text: str | None, names: Iterable[str] = ()) -> tuple[str, list[Finding]]:
    """Return ``(masked text, findings)`` for plain text."""
    if not text:
        return "", []
    names = tuple(names)
    out, findings, position = [], [], 0
    for span in _find(text, names):
        original = text[span.start:span.end]
        out.append(text[position:span.start])
        out.append(_mask_for(span.kind, original))
        findings.append(Finding(span.kind, original))
        position = span.end
    out.append(text[position:])
    return "".join(out), findings


def mask_text(text: str | None, names: Iterable[str] = ()) -> str:
    """Plain citizen text for a public page or the API, personal data hidden."""
    if not text:
        return ""
    names = tuple(names)
    if len(text) > MEMO_MAX_CHARS:
        return scan_text(text, names)[0]
    return _masked_text(text, names)


#: Masking is a pure function of the text and the names, and the public pages and the API
#: show the same letters again and again: the results for the last :data:`MEMO_SIZE` texts
#: (each at most :data:`MEMO_MAX_CHARS` long) are kept per process.
MEMO_SIZE = 2048
MEMO_MAX_CHARS = 10_000


@functools.lru_cache(maxsize=MEMO_SIZE)
def _masked_text(text: str, names: tuple[str, ...]) -> str:
    return scan_text(text, names)[0]


#: Kept name: templates and older call sites use it.
mask_personal_data = mask_text


def names_in(texts: Iterable[str | None], names: Iterable[str] = (), html: Iterable[str | None] = ()) -> tuple[str, ...]:
    """``names`` plus every person's name the masking finds in one of a record's texts
    (plain ``texts`` and ``html``), so a person named in one field is hidden in all of them:
    我母亲柏秀兰 in a letter makes 请您母亲柏秀兰携带材料 in the department's answer masked
    too. Pass the result as the ``names`` of every field's masking."""
    texts, names, html = tuple(t or "" for t in texts), tuple(names), tuple(h or "" for h in html)
    if sum(map(len, texts + html)) > MEMO_MAX_CHARS:
        return _names_in.__wrapped__(texts, names, html)
    return _names_in(texts, names, html)


@functools.lru_cache(maxsize=MEMO_SIZE)
def _names_in(texts: tuple[str, ...], names: tuple[str, ...], html: tuple[str, ...]) -> tuple[str, ...]:
    found = list(names)
    findings = [f for text in texts if text for f in scan_text(text, names)[1]]
    findings += [f for text in html if text for f in scan_html(text, names)[1]]
    found += [f.original for f in findings if f.kind == "name"]
    return tuple(sorted(set(_known_names(found)) | set(n for n in names if n)))


def names_of(records: Iterable) -> tuple[str, ...]:
    """The names hidden in any of ``records`` (each with ``public_names``: letters,
    opinions, interview questions), for staff text that quotes them: a monthly summary
    with its typical cases, an opinion collection's result feedback, an interview's
    summary. Pass the result as ``names`` of :func:`names_in` for the quoting text."""
    return tuple(sorted({name for record in records for name in record.public_names}))


_TAG_SPLIT = re.compile(r"(<[^>]*>)")
# (an image inside a line is read as part of it: 王<img src=…>小明 is a name split by a picture)
_INLINE_TAGS = re.compile(r"^</?(?:a|b|strong|i|em|u|span|sub|sup|code|small|mark|abbr|s|img)\b", re.IGNORECASE)


def scan_html(html: str | None, names: Iterable[str] = ()) -> tuple[str, list[Finding]]:
    """Return ``(masked html, findings)`` for staff rich text.

    The html is sanitised first; personal data is found in the text as a reader sees it
    (so a number split by inline tags such as ``137<b>1234</b>5678`` is found too) and
    replaced inside the text nodes; tags and attributes stay as they are.
    """
    parts = _TAG_SPLIT.split(clean_html(html, linkify=False))
    # The text as read: inline tags join their neighbours, block tags separate lines.
    pieces: list[tuple[int, str]] = []  # (index in parts, unescaped text) for text parts
    anchors: dict[int, int] = {}  # text part index -> index of the <a> tag around it
    text_chunks, offsets, cursor, anchor = [], [], 0, None
    for index, part in enumerate(parts):
        if part.startswith("<"):
            if re.match(r"<a\b", part, re.IGNORECASE):
                anchor = index
            elif re.match(r"</a\b", part, re.IGNORECASE):
                anchor = None
            if not _INLINE_TAGS.match(part):
                text_chunks.append("\n")
                cursor += 1
            continue
        plain = html_lib.unescape(part)
        pieces.append((index, plain))
        if anchor is not None:
            anchors[index] = anchor
        offsets.append(cursor)
        text_chunks.append(plain)
        cursor += len(plain)
    text = "".join(text_chunks)
    names = tuple(names)
    spans = _find(text, names)
    findings = [Finding(s.kind, text[s.start:s.end]) for s in spans]
    for index, part in enumerate(parts):
        if part.startswith("<"):
            parts[index] = _masked_tag(part, names, findings)
    for (index, plain), offset in zip(pieces, offsets):
        new, position = [], 0
        for span in spans:
            a, b = max(span.start - offset, 0), min(span.end - offset, len(plain))
            if a >= b:
                continue
            new.append(plain[position:a])
            if span.start >= offset:  # the mask goes where the span begins
                new.append(_mask_for(span.kind, text[span.start:span.end]))
            position = b
        new.append(plain[position:])
        masked = "".join(new)
        if masked != plain and index in anchors:
            # A link made of what was hidden (``<a href="http://ouyang.mh">``) loses its target.
            parts[anchors[index]] = re.sub(r'\shref="[^"]*"', "", parts[anchors[index]])
        parts[index] = str(escape(masked))
    # Bare addresses become links only now, so a masked e-mail cannot turn into a link.
    return linkify_html("".join(parts)), findings


_ATTRIBUTE = re.compile(r'(\s)([\w:-]+)="([^"]*)"')


# Whose account a link is, in its title or alt text (title="铁柱的微博").
_LINK_OWNER = re.compile(
    r"^\s*(?P<owner>[\u4e00-\u9fff]{2,4}|[A-Za-z][A-Za-z ]{1,20})\s*的\s*"
    rf"(?:{_HANDLE_APPS}|{_APPS}|主页|账号|帐号|博客|邮箱|空间|网页|个人)"
)


def _link_findings(value: str, names: tuple[str, ...]) -> list[Finding]:
    """What a link's target carries, read as written and with its URL escapes decoded and
    its punctuation as spaces (https://img.example.com/赵铁柱身份证.jpg names 赵铁柱)."""
    found = scan_text(value, names)[1]
    if not found:
        readable = re.sub(r"[/?&=#:._+%-]", " ", urllib.parse.unquote(value))
        found = scan_text(readable, names)[1]
    return found


def _masked_tag(tag: str, names: tuple[str, ...], findings: list[Finding]) -> str:
    """A link to ``mailto:``/``tel:`` or a URL carrying personal data loses its target; a
    title or alt text is masked like the text, and when the link was someone's account, the
    owner a title names (铁柱的微博) is hidden too."""
    values = {m.group(2): html_lib.unescape(m.group(3)) for m in _ATTRIBUTE.finditer(tag)}
    link = [f for key in ("href", "src") if key in values for f in _link_findings(values[key], names)]

    def attribute(match: re.Match) -> str:
        space, name, _ = match.groups()
        if name in ("href", "src"):
            found = _link_findings(values[name], names)
            findings.extend(found)
            return "" if found else match.group(0)
        masked, found = scan_text(values[name], names)
        owner = _LINK_OWNER.match(masked) if name in ("title", "alt") and link else None
        if owner and not _OFFICIAL_HANDLE.search(owner.group("owner")):
            masked = masked[:owner.start("owner")] + "*" * len(owner.group("owner")) + masked[owner.end("owner"):]
            found = found + [Finding("name", owner.group("owner"))]
        if not found:
            return match.group(0)
        findings.extend(found)
        return f'{space}{name}="{escape(masked)}"'

    return _ATTRIBUTE.sub(attribute, tag)


def mask_html(html: str | None, names: Iterable[str] = ()) -> Markup:
    """Staff rich text for a public page: sanitised, personal data hidden in its text."""
    if not html:
        return Markup("")
    names = tuple(names)
    if len(html) > MEMO_MAX_CHARS:
        return Markup(scan_html(html, names)[0])
    return _masked_html(html, names)


@functools.lru_cache(maxsize=MEMO_SIZE)
def _masked_html(html: str, names: tuple[str, ...]) -> Markup:
    return Markup(scan_html(html, names)[0])


mask_personal_html = mask_html


def summarize(findings: Iterable[Finding]) -> str:
    """``电话 2 处、身份证号 1 处`` for a curator's notice ('' when nothing was found)."""
    counts = Counter(f.kind for f in findings)
    return "、".join(f"{LABELS[kind]} {counts[kind]} 处" for kind in LABELS if counts[kind])


def mask_name(name: str | None) -> str:
    """张三 → 张*, 欧阳修文 → 欧阳**; empty names become 匿名."""
    name = (name or "").strip()
    if not name:
        return "匿名"
    return _mask_for("name", name)


def mask_phone(phone: str | None) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return "***"
    return f"{digits[:3]}****{digits[-4:]}"


_MOBILE_FIELD = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(phone: str | None) -> str | None:
    """A mainland mobile number as 11 digits, or ``None`` if it is not one."""
    digits = re.sub(r"[\s-]", "", phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if _MOBILE_FIELD.match(digits) else None
