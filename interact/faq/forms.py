"""Forms of the knowledge base (shape only; the rules are in ``services``)."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from interact.core.forms import ChineseDateField, Form, VersionField


class EntryForm(Form):
    question = StringField("标准问题", validators=[DataRequired("请填写标准问题"), Length(max=200, message="不超过 200 个字")],
                           description="用市民常用的说法写成一个完整的问题，如“住房公积金怎么提取？”")
    phrasings = TextAreaField("相似问法", validators=[Optional(), Length(max=12000)],
                              description="每行一条，写同一个问题的其他问法，如“公积金怎么取出来”",
                              render_kw={"rows": 5})
    answer_html = TextAreaField("答案", validators=[DataRequired("请填写答案"), Length(max=50000)],
                                description="可使用 HTML：<p> 段落、<ol>/<ul>/<li> 列表、<strong> 加粗、<a href> 链接、<table> 表格；"
                                            "保存时自动清除脚本和样式",
                                render_kw={"rows": 12})
    category_id = SelectField("分类", coerce=str, validators=[Optional()])
    department_id = SelectField("责任部门", coerce=str, validators=[Optional()])
    keywords = StringField("关键词", validators=[Optional(), Length(max=300)],
                           description="用空格或逗号分隔，帮助检索，如“提取 销户 离职”")
    review_by = ChineseDateField("复核日期", validators=[Optional()], description="到期后列入“待复核”提醒管理员核对答案是否仍然正确")
    #: Questions from the unanswered list this entry answers (marked handled on save).
    asked = HiddenField()
    #: Editing: the version of the entry the form showed (``services.edit_version``).
    shown_version = VersionField()


class CategoryForm(Form):
    name = StringField("分类名称", validators=[DataRequired("请填写分类名称"), Length(max=40)])
    parent_id = SelectField("上级分类", coerce=str, validators=[Optional()])
    description = StringField("说明", validators=[Optional(), Length(max=200)])
    sort_order = IntegerField("排序", default=100, validators=[NumberRange(0, 100000, "排序应为 0–100000 的整数")])


class SynonymForm(Form):
    terms = StringField("同义词", validators=[DataRequired("请填写同义词"), Length(max=500)],
                        description="同一组的词用空格或“=”分隔，第一个词为标准词，如“公积金 = 住房公积金”")


class WithdrawForm(Form):
    note = StringField("原因（选填）", validators=[Optional(), Length(max=300)])


class MergeForm(Form):
    keep_id = IntegerField("保留的条目编号", validators=[DataRequired("请填写要保留的条目编号")],
                           description="本条的问题、相似问法、点击量和评价将并入该条目，本条撤下并跳转到该条目")


class PhrasingsFromQuestionsForm(Form):
    entry_id = IntegerField("加入到条目（编号）", validators=[DataRequired("请填写条目编号")])
    texts = HiddenField(validators=[DataRequired("没有选择问题")])


class DismissForm(Form):
    texts = HiddenField(validators=[DataRequired("没有选择问题")])


class UseModelForm(Form):
    version = IntegerField(validators=[NumberRange(0, 10**9, "版本号无效")])


class ImportForm(Form):
    file = FileField("文件", description="支持 JSONL（.jsonl）、CSV（.csv，UTF-8）和 Excel（.xlsx）；先预检，确认后再导入")
    #: One-time token of this copy of the form: a double click on 上传并预检 makes one dry run.
    token = HiddenField()


class VoteForm(Form):
    """"Was this helpful?" on an entry's page; without a CSRF token (see ``views.vote``)."""

    class Meta:
        csrf = False

    helpful = HiddenField()
