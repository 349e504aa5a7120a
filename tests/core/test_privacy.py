"""The publication masking (core.privacy): personal data in every writing is hidden, and
ordinary text (dates, amounts, document and letter numbers, hotlines) is left alone."""
from __future__ import annotations

import re

import pytest

from interact.core.privacy import mask_html, mask_name, mask_text, scan_html, scan_text, summarize

HIDDEN = [
    # (text, names, fragments that must not survive)
    ("欧阳明华13712345678咨询公积金", ["欧阳明华"], ["明华", "13712345678", "5678"]),
    ("王小明您好！关于您反映的问题", [], ["小明"]),
    ("王小明，您好：来信收到", [], ["小明"]),
    ("尊敬的李华女士：您的来信已收到。", [], ["李华"]),
    ("您好，我是赵立新，想咨询医保。", [], ["立新"]),
    ("来信人：孙丽丽", [], ["丽丽"]),
    ("此致\n敬礼！\n周建国\n2026年1月5日", [], ["建国"]),
    ("问题已解决。\n钱晓燕 敬上", [], ["晓燕"]),
    ("王先生反映小区物业不作为", ["王小明"], ["王先生"]),
    ("欧阳女士的诉求已转交", ["欧阳明华"], ["欧阳女士"]),
    ("电话１３７１２３４５６７８", [], ["１３７１２３４５６７８", "５６７８"]),
    ("手机一三七一二三四五六七八", [], ["一三七一二三四五六七八", "五六七八"]),
    ("手机幺三七 幺二三四 五六七八", [], ["五六七八"]),
    ("电话137.1234.5678或137-1234-5678或137 1234 5678", [], ["1234", "5678"]),
    ("+86 138 0013 8000", [], ["0013", "8000"]),
    ("（0471）660-1234 是我家座机", [], ["660", "1234"]),
    ("0471-66012345", [], ["66012345"]),
    ("我的电话是 6601234", [], ["6601234"]),
    ("QQ：85412345", [], ["85412345"]),
    ("身份证号440301199001011234", [], ["4403", "1234", "19900101"]),
    ("身份证 440301 19900101 1234", [], ["440301", "1234"]),
    ("身份证 4403 0119 9001 0112 3X", [], ["4403", "3X"]),
    ("身份证 44030119900101123x", [], ["123x"]),
    ("旧证号 440301900101123", [], ["440301900101123"]),
    ("工资卡 6222 0212 3456 7890 123", [], ["6222", "7890"]),
    ("卡号6222021234567890", [], ["6222021234567890"]),
    ("邮箱 wang.xm@example.com", [], ["wang.xm", "example"]),
    ("邮箱 wang＠qq．com", [], ["wang"]),
    ("邮箱 abc (at) 163 . com", [], ["abc"]),
    ("我家住在内蒙古自治区呼和浩特市新城区新华大街1号2栋3单元401室", [], ["新华大街", "401"]),
    ("住址：幸福小区5号楼2单元301", [], ["幸福小区", "301"]),
    ("家住和平区南京路一百二十号", [], ["南京路", "一百二十"]),
    ("地址是阳光花园3栋2单元502", [], ["阳光花园", "502"]),
    # Written otherwise than in the name field: spaces, zero-width, full-width Latin.
    ("我是张 三，想问公积金", ["张三"], ["张 三"]),
    ("张\u3000三反映：门口漏水", ["张 三"], ["三反映"]),
    ("李\u200b四来信", ["李四"], ["\u200b四"]),
    ("ＺＨＡＮＧ　ＳＡＮ来信", ["zhang san"], ["ＨＡＮＧ", "ＳＡＮ"]),
    ("我叫 王\u3000小明，联系我", [], ["小明"]),
    ("来信人：赵 立新", [], ["立新"]),
    ("家住东风村5组", [], ["东风村", "5组"]),
    ("红旗嘎查三社12号", [], ["红旗嘎查", "12号"]),
    ("我住建设路18号院2号楼1单元301室", [], ["建设路", "301"]),
    ("身份证号：110101\n19900307\n1234", [], ["110101", "19900307"]),
    ("主页 http://example.com/u?phone=13812345678", [], ["13812345678"]),
    ("邮箱zhangsan@qq。com谢谢", [], ["zhangsan"]),
]


@pytest.mark.parametrize(("text", "names", "forbidden"), HIDDEN)
def test_personal_data_is_hidden(text, names, forbidden):
    masked = mask_text(text, names)
    for fragment in forbidden:
        assert fragment not in masked, (text, masked)


KEPT = [
    "根据〔2024〕5号文件执行。",
    "自2024年5月1日起，2024-05-01 09:30 开始受理。",
    "补贴金额为12345.67元，共计1,234,567元。",
    "请拨打12345政务服务热线或12333。",
    "咨询电话：0471-6601234。",
    "服务热线 0471-6601234",
    "来信编号XJ20260105-0001。",
    "市人力资源和社会保障局答复如下。",
    "请到市政务服务中心办理，工作日9:00-17:00。",
    "尊敬的市民朋友：您好！",
    "网友您好，感谢来信。",
    "李局长您好，想反映一个问题。",
    "第3号楼的住户",
    "全村共有5个村民小组，村里3组的道路已修好。",
]


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_text_is_left_alone(text):
    assert mask_text(text) == text


def test_known_name_is_hidden_everywhere_and_surname_with_title():
    text = "王小明反映：……王小明同志的问题。答复王先生：已办理。"
    masked, findings = scan_text(text, ["王小明"])
    assert "王小明" not in masked and "王先生" not in masked
    assert masked.count("王**") == 2 and "*先生" in masked
    assert {f.kind for f in findings} == {"name"}


def test_a_mask_keeps_nothing_of_a_number():
    masked = mask_text("身份证 440301 19900101 1234，电话 137 1234 5678")
    assert not re.search(r"\d", masked)
    assert "[身份证号]" in masked and "[电话]" in masked


def test_html_masking_finds_numbers_split_by_tags_and_keeps_markup():
    html = '<p>王小明您好：</p><p>已电话联系137<b>1234</b>5678，<a href="https://example.gov.cn/a">办事指南</a></p>'
    masked = str(mask_html(html, ["王小明"]))
    assert "小明" not in masked and "1234" not in masked and "5678" not in masked
    assert '<a href="https://example.gov.cn/a"' in masked and "办事指南" in masked
    assert "[电话]" in masked


def test_html_masking_sanitises_first():
    masked = str(mask_html('<p onclick="x()">电话13712345678</p><script>alert(1)</script>'))
    assert "onclick" not in masked and "<script" not in masked and "13712345678" not in masked


def test_scan_reports_what_was_hidden():
    _html, findings = scan_html("<p>身份证440301199001011234，邮箱a@b.cn，电话13712345678、13812345678</p>")
    assert summarize(findings) == "电话 2 处、身份证号 1 处、电子邮箱 1 处"
    assert summarize([]) == ""


def test_mask_name():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳修文") == "欧阳**"
    assert mask_name(" ") == "匿名"


def test_a_name_field_that_holds_no_name_does_not_mask_the_text():
    # Someone pasting a sentence or markup into the name field must not make the
    # published text disappear; a real name in the same field is still masked.
    text = "<b>请尽快答复</b>，谢谢"
    assert mask_text(text, names=["<b>请尽快答复</b>"]) == text
    assert "欧阳明华" not in mask_text("我是欧阳明华，请答复", names=["欧阳明华"])
