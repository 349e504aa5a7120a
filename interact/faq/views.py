"""Public FAQ pages and the intelligent answer; the curators' knowledge-base pages."""
from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from interact.core import clock, contributions, metrics, pagecache, security, sessions
from interact.core.errors import PermissionDenied
from interact.core.pagecache import public_page
from interact.core.forms import ConfirmForm, attempt, first_error, perform, saved_elsewhere
from interact.core.permissions import has_role, roles_required
from interact.core.templating import switching_large_text
from interact.core.views import home_sections
from interact.departments.services import active_departments, get_department
from interact.extensions import client_address, csrf, db, limiter, public_post_limit
from interact.core.lookup import get_or_404
from interact.core.paging import ListPage
from interact.core.privacy import mask_text
from interact.faq import cli, importexport, learning, services, workflow
from interact.faq import index as faq_index
from interact.faq import metrics as faq_metrics
from interact.faq.forms import (
    CategoryForm,
    DismissForm,
    EntryForm,
    ImportForm,
    MergeForm,
    PhrasingsFromQuestionsForm,
    SynonymForm,
    UseModelForm,
    VoteForm,
    WithdrawForm,
)
from interact.faq.models import FaqCategory, FaqEntry, FaqImportJob, FaqPhrasing, FaqStatus, SynonymGroup

bp = Blueprint("faq", __name__)
cli.register(bp)


@bp.before_app_request
def _warm_index():
    """A worker's first request starts building the FAQ index in the background."""
    if current_app.config.get("FAQ_INDEX_WARM", True):
        faq_index.get_index().start_background_build(current_app._get_current_object())


CURATORS = services.CURATOR_ROLES
PER_PAGE = 20
#: Session key holding the ids of entries this browser has voted on.
VOTES_KEY = "faq_votes"


def _ask_limit() -> str:
    return current_app.config.get("RATELIMIT_FAQ_ASK", "60 per minute")




# ----------------------------------------------------------------------------- extension points


def _home_section():
    entries = services.popular_entries(8)
    return "faq/_home_section.html", {"entries": entries}


def _workspace_cards(user) -> list[dict]:
    if not has_role(user, *CURATORS):
        return []
    counts = services.staff_counts(user)
    cards = [
        {"title": "来信转化的草稿待审核", "count": counts["from_letters"], "url": url_for("faq.staff_entries", view="letters"),
         "hint": "已答复来信生成的知识库草稿", "level": "warning" if counts["from_letters"] else None},
        {"title": "知识库条目已过复核日期", "count": counts["review_due"], "url": url_for("faq.staff_entries", view="review"),
         "hint": "请核对答案是否仍然有效", "level": "danger" if counts["review_due"] else None},
        {"title": "本周未命中的问题", "count": counts["unanswered_week"], "url": url_for("faq.staff_unanswered", days=7),
         "hint": "近 7 天智能问答没答上或把握不大的问题（去重后）", "level": "warning" if counts["unanswered_week"] else None},
    ]
    if counts["drafts"] > counts["from_letters"]:
        cards.append({"title": "知识库草稿", "count": counts["drafts"], "url": url_for("faq.staff_entries", status="draft"),
                      "hint": "待完善和发布", "level": None})
    return cards


home_sections.append(_home_section)
# Hits and votes change on every visit; the public lists may show them a minute late.
pagecache.watch(FaqEntry, unless=lambda entry: pagecache.only_changed(entry, {"hits", "helpful", "not_helpful"}))
pagecache.watch(FaqCategory, FaqPhrasing)
contributions.workspace_cards.append(_workspace_cards)
metrics.contributors.append(faq_metrics.collect)


# ----------------------------------------------------------------------------- public pages


#: An entry's page shows nothing that follows the clock but its "helpful" count, which a
#: vote does not renew (like the hits on the lists): that count may lag this long. The
#: search page's order of the entries it finds by their text (most viewed first) too.
ENTRY_PAGE_SECONDS = 600


@bp.get("/faq/ask")
@limiter.limit(_ask_limit)
def ask():
    question = services.clean_query(request.args.get("q"))
    # Back from a vote, the question was logged and counted when first asked; the 关怀版
    # button without JavaScript shows the page again for what is in the box, which the
    # citizen did not ask (again): neither logged nor counted.
    log = request.args.get("voted") != "1" and not switching_large_text()
    answer = services.ask(question, source="web", log=log, viewer=client_address()) if question else None
    if question and log:
        db.session.commit()
    return render_template("faq/ask.html", question=question, answer=answer,
                           voted_ids=set(session.get(VOTES_KEY, [])))


@bp.get("/faq")
@public_page
def index():
    text = request.args.get("q", "").strip()[:100]
    return render_template(
        "faq/index.html",
        tree=services.category_tree(),
        counts=services.published_count_by_category(),
        departments=services.departments_with_entries(),
        popular=services.popular_entries(10),
        q=text,
    )


def _search_engine_generation() -> tuple[int, int] | None:
    """The engine behind a search page (none for the empty page, which asks it nothing)."""
    return services.engine_generation() if services.clean_query(request.args.get("q")) else None


@bp.get("/faq/search")
# The engine's ranking and the published entries decide the page: kept until either
# changes (the engine's generation is part of the key), at most as long as an entry's page.
@public_page(seconds=ENTRY_PAGE_SECONDS, vary=_search_engine_generation)
def search():
    text = services.clean_query(request.args.get("q"))
    entries = services.search_entries(text) if text else []
    return render_template("faq/search.html", q=text, entries=entries)


@bp.get("/faq/category/<int:category_id>")
@public_page(params=("page",))
def category(category_id: int):
    node = services.get_category(category_id)
    page = max(request.args.get("page", 1, type=int), 1)
    entries = services.published_page(category=node, page=page, per_page=PER_PAGE)
    return render_template("faq/list.html", title=node.name, heading=node.path, entries=entries, category=node)


@bp.get("/faq/department/<int:department_id>")
@public_page(params=("page",))
def department(department_id: int):
    dept = get_department(department_id)
    page = max(request.args.get("page", 1, type=int), 1)
    entries = services.published_page(department_id=dept.id, page=page, per_page=PER_PAGE)
    return render_template("faq/list.html", title=dept.name, heading=f"{dept.name} · 常见问题", entries=entries,
                           department=dept)


def _count_view(entry_id: int) -> None:
    if request.args.get("voted") != "1":  # back from a vote: already counted
        services.count_hit(entry_id, viewer=client_address())
        db.session.commit()


@bp.get("/faq/<int:entry_id>")
@public_page(served=_count_view, seconds=ENTRY_PAGE_SECONDS)
def entry(entry_id: int):
    # The page is the same for every anonymous reader (its vote form carries no session
    # token, see ``vote``), so it is served from the page cache; the view is counted for
    # each reader all the same.
    item = services.page_entry(entry_id)
    merged_into = services.merged_into(item)
    if merged_into is not None:
        return redirect(url_for("faq.entry", entry_id=merged_into), 301)
    voted = item.id in session.get(VOTES_KEY, [])
    return render_template("faq/entry.html", entry=item, voted=voted)


@bp.post("/faq/<int:entry_id>/vote")
@csrf.exempt
@limiter.limit(public_post_limit)
def vote(entry_id: int):
    """An anonymous "was this helpful?" vote. It carries no session-bound CSRF token: the
    token would give every reader of the entry page a session and keep the page out of the
    page cache. What the token guards against — another site making a visitor's browser
    post — is refused by the browser's own headers instead (``security.from_this_site``),
    and such a post could gain nothing anyway: a vote is anonymous, counts once per
    browser session and is rate-limited per address, and anybody can vote directly."""
    if not security.from_this_site():
        raise PermissionDenied("请在本站页面上评价。")
    item = services.get_published_entry(entry_id)
    form = VoteForm()
    if not form.validate_on_submit() or form.helpful.data not in ("1", "0"):
        flash("提交失败，请刷新页面后重试。", "error")
        return redirect(url_for("faq.entry", entry_id=item.id), 303)
    voted = list(session.get(VOTES_KEY, []))
    # The list shows the browser what it voted on; the claim in the session store decides,
    # atomically, so copies of one cookie sent at the same instant count once.
    if item.id in voted or not sessions.claim_once(f"faq-vote:{sessions.key_for(session.sid)}:{item.id}",
                                                   current_app.permanent_session_lifetime):
        flash("您已经评价过这个回答，谢谢。", "info")
    else:
        services.vote(item, helpful=form.helpful.data == "1")
        db.session.commit()
        session[VOTES_KEY] = (voted + [item.id])[-200:]
        flash("感谢您的评价！" if form.helpful.data == "1" else "感谢反馈，我们会改进这个回答。", "success")
    back = request.form.get("back", "")
    if back == "ask" and request.form.get("q"):
        return redirect(url_for("faq.ask", q=services.clean_query(request.form.get("q")), voted=1), 303)
    return redirect(url_for("faq.entry", entry_id=item.id, voted=1), 303)


# ----------------------------------------------------------------------------- curator: entries


def _require_entry(entry_id: int) -> FaqEntry:
    """Load an entry and check the current curator may act on it (403 otherwise)."""
    item = services.get_entry(entry_id)
    if not services.can_curate(current_user, item.department_id):
        abort(403)
    return item


def _form_choices(form: EntryForm) -> None:
    form.category_id.choices = [("", "（未分类）")] + [
        (str(c.id), "　" * depth + c.name) for c, depth in services.category_tree()
    ]
    if services.is_citywide_curator(current_user):
        form.department_id.choices = [("", "（全市通用）")] + [(str(d.id), d.name) for d in active_departments()]
    else:
        department = current_user.department
        form.department_id.choices = [(str(department.id), department.name)] if department else []


def _entry_data(form: EntryForm) -> services.EntryData:
    return services.EntryData(
        question=form.question.data or "",
        answer_html=form.answer_html.data or "",
        phrasings=services.split_lines(form.phrasings.data),
        category_id=int(form.category_id.data) if form.category_id.data else None,
        department_id=int(form.department_id.data) if form.department_id.data else None,
        keywords=services.split_terms(form.keywords.data),
        review_by=form.review_by.data,
    )


@bp.get("/staff/faq")
@roles_required(*CURATORS)
def staff_entries():
    status = request.args.get("status", "")
    view = request.args.get("view", "")
    text = request.args.get("q", "").strip()[:50]
    category_id = request.args.get("category", type=int)
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = services.staff_query(current_user, status=status, view=view, category_id=category_id, text=text)
    entries = db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)
    return render_template(
        "faq/staff/entries.html", entries=entries, status=status, view=view, q=text, category_id=category_id,
        tree=services.category_tree(), today=clock.today(), citywide=services.is_citywide_curator(current_user),
    )


@bp.route("/staff/faq/new", methods=["GET", "POST"])
@roles_required(*CURATORS)
def staff_new():
    form = EntryForm()
    _form_choices(form)
    if request.method == "GET":
        # Prefilled from the unanswered-question list: what goes into the entry is masked
        # with the rules of today (a question logged before them may hold a phone number);
        # ``asked`` keeps the logged texts, to take them off the list.
        asked = [t for t in request.args.getlist("asked") if t.strip()][:50]
        if asked:
            form.question.data = mask_text(asked[0])[:200]
            form.phrasings.data = "\n".join(mask_text(t) for t in asked[1:])
            form.asked.data = "\n".join(asked)
        if not services.is_citywide_curator(current_user) and current_user.department_id:
            form.department_id.data = str(current_user.department_id)
    if form.validate_on_submit():
        def create():
            return services.create_entry_for_questions(_entry_data(form), services.split_lines(form.asked.data),
                                                       actor=current_user)

        item, error = attempt(create, form=form)
        if error is not None:
            return render_template("faq/staff/form.html", form=form, entry=None), error.status_code
        flash("已保存为草稿。检查无误后请点击“发布”。", "success")
        return redirect(url_for("faq.staff_entry", entry_id=item.id))
    if request.method == "POST":
        flash(first_error(form) or "请检查填写的内容。", "error")
        return render_template("faq/staff/form.html", form=form, entry=None), 422
    return render_template("faq/staff/form.html", form=form, entry=None)


@bp.get("/staff/faq/<int:entry_id>")
@roles_required(*CURATORS)
def staff_entry(entry_id: int):
    item = _require_entry(entry_id)
    return render_template(
        "faq/staff/entry.html", entry=item, revisions=services.revisions(item), action_form=ConfirmForm(),
        actions=workflow.actions(item, current_user),
        withdraw_form=WithdrawForm(formdata=None), merge_form=MergeForm(formdata=None),
        withdraw_step=workflow.step_to(item, FaqStatus.WITHDRAWN), today=clock.today(),
    )


@bp.route("/staff/faq/<int:entry_id>/edit", methods=["GET", "POST"])
@roles_required(*CURATORS)
def staff_edit(entry_id: int):
    item = _require_entry(entry_id)
    form = _filled_entry_form(item) if request.method == "GET" else EntryForm()
    _form_choices(form)
    if form.validate_on_submit():
        error = perform(lambda: services.update_entry(item, _entry_data(form), actor=current_user,
                                                      shown_version=form.shown_version.data), form=form)
        if error is not None:
            differences = saved_elsewhere(error, form, services.edit_version(item), lambda: _filled_entry_form(item))
            return render_template("faq/staff/form.html", form=form, entry=item, actions=workflow.actions(item, current_user),
                                   differences=differences), error.status_code
        flash("已保存。" + ("已发布的答案立即生效。" if "view_public" in workflow.actions(item, current_user) else ""), "success")
        return redirect(url_for("faq.staff_entry", entry_id=item.id))
    if request.method == "POST":
        flash(first_error(form) or "请检查填写的内容。", "error")
        return render_template("faq/staff/form.html", form=form, entry=item, actions=workflow.actions(item, current_user)), 422
    return render_template("faq/staff/form.html", form=form, entry=item, actions=workflow.actions(item, current_user))


def _filled_entry_form(item) -> EntryForm:
    """The edit form as it opens: the entry as saved, and its version."""
    form = EntryForm(formdata=None, obj=item)
    _form_choices(form)
    form.phrasings.data = "\n".join(item.phrasing_texts)
    form.keywords.data = item.keywords
    form.category_id.data = str(item.category_id or "")
    form.department_id.data = str(item.department_id or "")
    form.shown_version.data = services.edit_version(item)
    return form


def _entry_action(entry_id: int, action, success: str):
    item = _require_entry(entry_id)
    if not ConfirmForm().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "error")
        return redirect(url_for("faq.staff_entry", entry_id=item.id))
    if perform(lambda: action(item)) is None:
        flash(success, "success")
    return redirect(url_for("faq.staff_entry", entry_id=item.id))


@bp.post("/staff/faq/<int:entry_id>/publish")
@roles_required(*CURATORS)
def staff_publish(entry_id: int):
    return _entry_action(entry_id, lambda e: services.publish_entry(e, actor=current_user), "已发布，智能问答立即可以用它回答。")


@bp.post("/staff/faq/<int:entry_id>/withdraw")
@roles_required(*CURATORS)
def staff_withdraw(entry_id: int):
    item = _require_entry(entry_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        step = workflow.step_to(item, FaqStatus.WITHDRAWN)
        if perform(lambda: services.withdraw_entry(item, actor=current_user, note=form.note.data or "")) is None:
            flash(f"已{step.label}。", "success")
    else:
        flash(first_error(form) or "页面已过期，请刷新后重试。", "error")
    return redirect(url_for("faq.staff_entry", entry_id=item.id))


@bp.post("/staff/faq/<int:entry_id>/merge")
@roles_required(*CURATORS)
def staff_merge(entry_id: int):
    duplicate = _require_entry(entry_id)
    form = MergeForm()
    if not form.validate_on_submit():
        flash(first_error(form) or "请填写要保留的条目编号。", "error")
        return redirect(url_for("faq.staff_entry", entry_id=duplicate.id))

    def merge():
        kept = services.get_entry(form.keep_id.data)
        services.merge_entries(kept, duplicate, actor=current_user)
        return kept

    keep, error = attempt(merge)
    if error is not None:
        return redirect(url_for("faq.staff_entry", entry_id=duplicate.id))
    flash(f"已合并到条目 #{keep.id}，原条目撤下并跳转。", "success")
    return redirect(url_for("faq.staff_entry", entry_id=keep.id))


# ----------------------------------------------------------------------------- curator: shared tables


def _save_shared(form, action, *, success: str, done_endpoint: str, invalid: str):
    """A posted form of the shared tables (synonyms, categories): ``(redirect, None)`` once
    saved, else ``(None, status)`` for showing the form again with its messages."""
    if form.validate_on_submit():
        error = perform(action, form=form)
        if error is None:
            flash(success, "success")
            return redirect(url_for(done_endpoint)), None
        return None, error.status_code
    if request.method == "POST":
        flash(first_error(form) or invalid, "error")
        return None, 422
    return None, 200


@bp.route("/staff/faq/synonyms", methods=["GET", "POST"])
@roles_required(*CURATORS)
def staff_synonyms():
    form = SynonymForm()
    done, status = _save_shared(form, lambda: services.save_synonym_group(form.terms.data, actor=current_user),
                                success="已保存，智能问答立即按新的同义词匹配。", done_endpoint="faq.staff_synonyms",
                                invalid="请填写同义词。")
    if done:
        return done
    return render_template("faq/staff/synonyms.html", form=form, groups=services.all_synonym_groups(),
                           action_form=ConfirmForm(), citywide=services.is_citywide_curator(current_user)), status


@bp.route("/staff/faq/synonyms/<int:group_id>", methods=["GET", "POST"])
@roles_required(*CURATORS)
def staff_synonym_edit(group_id: int):
    services.ensure_citywide(current_user)
    group = get_or_404(SynonymGroup, group_id, "该同义词组不存在。")
    form = SynonymForm(data={"terms": " = ".join(group.term_list)} if request.method == "GET" else None)
    done, status = _save_shared(
        form, lambda: services.save_synonym_group(form.terms.data, actor=current_user, group=group),
        success="已保存。", done_endpoint="faq.staff_synonyms", invalid="请填写同义词。")
    if done:
        return done
    return render_template("faq/staff/synonym_edit.html", form=form, group=group), status


@bp.post("/staff/faq/synonyms/<int:group_id>/delete")
@roles_required(*CURATORS)
def staff_synonym_delete(group_id: int):
    group = get_or_404(SynonymGroup, group_id, "该同义词组不存在。")
    if ConfirmForm().validate_on_submit() and perform(lambda: services.delete_synonym_group(group, actor=current_user)) is None:
        flash("已删除。", "success")
    return redirect(url_for("faq.staff_synonyms"))


def _save_category(form: CategoryForm, category: FaqCategory | None = None) -> None:
    services.save_category(name=form.name.data, parent_id=int(form.parent_id.data) if form.parent_id.data else None,
                           sort_order=form.sort_order.data or 100, description=form.description.data or "",
                           category=category, actor=current_user)


def _category_choices(form: CategoryForm, exclude: FaqCategory | None = None) -> None:
    form.parent_id.choices = [("", "（顶级分类）")] + [
        (str(c.id), "　" * depth + c.name) for c, depth in services.category_tree() if c is not exclude
    ]


@bp.route("/staff/faq/categories", methods=["GET", "POST"])
@roles_required(*CURATORS)
def staff_categories():
    form = CategoryForm()
    _category_choices(form)
    done, status = _save_shared(form, lambda: _save_category(form), success="分类已添加。",
                                done_endpoint="faq.staff_categories", invalid="请检查填写的内容。")
    if done:
        return done
    return render_template("faq/staff/categories.html", form=form, tree=services.category_tree(),
                           counts=services.published_count_by_category(), action_form=ConfirmForm(),
                           citywide=services.is_citywide_curator(current_user)), status


@bp.route("/staff/faq/categories/<int:category_id>", methods=["GET", "POST"])
@roles_required(*CURATORS)
def staff_category_edit(category_id: int):
    services.ensure_citywide(current_user)
    node = services.get_category(category_id)
    form = CategoryForm(obj=node if request.method == "GET" else None)
    _category_choices(form, exclude=node)
    if request.method == "GET":
        form.parent_id.data = str(node.parent_id or "")
    done, status = _save_shared(form, lambda: _save_category(form, node), success="已保存。",
                                done_endpoint="faq.staff_categories", invalid="请检查填写的内容。")
    if done:
        return done
    return render_template("faq/staff/category_edit.html", form=form, category=node), status


@bp.post("/staff/faq/categories/<int:category_id>/delete")
@roles_required(*CURATORS)
def staff_category_delete(category_id: int):
    node = services.get_category(category_id)
    if ConfirmForm().validate_on_submit() and perform(lambda: services.delete_category(node, actor=current_user)) is None:
        flash("分类已删除。", "success")
    return redirect(url_for("faq.staff_categories"))


# ----------------------------------------------------------------------------- curator: curation loop


#: Groups of questions per page of the unanswered list.
UNANSWERED_PER_PAGE = 50
#: Questions named in the notice of answers an added phrasing took away (the rest are counted).
TAKEN_AWAY_SHOWN = 3


@bp.get("/staff/faq/unanswered")
@roles_required(*CURATORS)
def staff_unanswered():
    days = request.args.get("days", 30, type=int)
    days = days if days in (7, 30, 90) else 30
    clusters = ListPage.of(services.unanswered_clusters(days=days), request.args.get("page", 1, type=int),
                           UNANSWERED_PER_PAGE)
    suggested = {
        e.id: e for e in db.session.scalars(
            db.select(FaqEntry).where(FaqEntry.id.in_({c.suggested_entry_id for c in clusters.items
                                                       if c.suggested_entry_id}))
        )
    }
    return render_template("faq/staff/unanswered.html", clusters=clusters, days=days, suggested=suggested,
                           phrasing_form=PhrasingsFromQuestionsForm(formdata=None), dismiss_form=DismissForm(formdata=None),
                           low_confidence=services.low_confidence(), model_version=faq_index.active_version(),
                           example_count=learning.example_count(),
                           citywide=services.is_citywide_curator(current_user))


@bp.post("/staff/faq/unanswered/phrasings")
@roles_required(*CURATORS)
def staff_add_phrasings():
    form = PhrasingsFromQuestionsForm()
    if not form.validate_on_submit():
        flash(first_error(form) or "请填写条目编号。", "error")
        return redirect(url_for("faq.staff_unanswered"))

    def add():
        entry = services.get_entry(form.entry_id.data)
        return entry, services.add_phrasings(entry, services.split_lines(form.texts.data), actor=current_user)

    result, error = attempt(add)
    if error is None:
        item, added = result
        flash(f"已为条目 #{item.id} 加入 {added} 条相似问法。", "success")
        if added:
            lost = services.answers_taken_away(item.id, services.split_lines(form.texts.data))
            if lost:
                shown = "；".join(f"“{text}”（原为条目 #{entry_id}）" for text, entry_id in lost[:TAKEN_AWAY_SHOWN])
                more = f"等 {len(lost)} 个问题" if len(lost) > TAKEN_AWAY_SHOWN else ""
                flash(f"注意：加入后，以前能直接回答的 {shown}{more}现在不再按原条目回答。"
                      "如它们仍应由原条目回答，请把它们作为原条目的相似问法加入。", "info")
    return redirect(url_for("faq.staff_unanswered"))


def _take_off_list(action, message: str):
    """Apply ``action(texts, actor=…) -> count`` to the questions of one group of the
    unanswered list and go back to it."""
    form = DismissForm()
    if form.validate_on_submit():
        count = action(services.split_lines(form.texts.data), actor=current_user)
        db.session.commit()
        flash(message.format(count=count), "success")
    return redirect(url_for("faq.staff_unanswered"))


@bp.post("/staff/faq/unanswered/dismiss")
@roles_required(*CURATORS)
def staff_dismiss():
    return _take_off_list(services.dismiss_questions, "已忽略（{count} 次提问）。")


@bp.post("/staff/faq/unanswered/no-answer")
@roles_required(*CURATORS)
def staff_no_answer():
    return _take_off_list(services.no_answer_questions,
                          "已记为“不应给出答案”（{count} 次提问），重新训练判定模型时会用到。")


@bp.get("/staff/faq/model")
@roles_required(*CURATORS)
def staff_model():
    services.ensure_citywide(current_user)
    versions = learning.versions()
    return render_template("faq/staff/model.html", versions=versions, active=faq_index.active_version(),
                           usable={v.id for v in versions if learning.refusal(v) is None},
                           example_count=learning.example_count(), examples=learning.recent_examples(),
                           min_held_back=learning.MIN_HELD_BACK,
                           use_form=UseModelForm(formdata=None), refit_job=learning.last_refit_job(),
                           action_form=ConfirmForm())


@bp.get("/staff/faq/model/refit/status")
@roles_required(*CURATORS)
def staff_model_refit_status():
    services.ensure_citywide(current_user)
    job = learning.last_refit_job()
    return {"status": job.status.value if job else None, "finished": job is None or job.finished}


@bp.post("/staff/faq/model/refit")
@roles_required(*CURATORS)
def staff_model_refit():
    """重新训练: the refit is queued for the background worker; the page shows its progress
    and result."""
    services.ensure_citywide(current_user)
    if not ConfirmForm().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "error")
    elif perform(lambda: learning.request_refit(actor=current_user)) is None:
        flash("已开始重新训练判定模型，完成后结果显示在本页。", "success")
    return redirect(url_for("faq.staff_model"))


@bp.post("/staff/faq/model/use")
@roles_required(*CURATORS)
def staff_model_use():
    services.ensure_citywide(current_user)
    form = UseModelForm()
    if not form.validate_on_submit():
        flash("版本号无效。", "error")
    else:
        _, error = attempt(lambda: learning.use_version(form.version.data or 0, actor=current_user, note="管理员启用"))
        if error is None:
            flash(f"已启用第 {form.version.data or 0} 版判定模型。", "success")
    return redirect(url_for("faq.staff_model"))


# ----------------------------------------------------------------------------- curator: import / export


@bp.get("/staff/faq/export")
@roles_required(*CURATORS)
def staff_export():
    services.ensure_citywide(current_user)
    file_format = request.args.get("format", "xlsx")
    if file_format not in importexport.MEDIA_TYPES:
        file_format = "xlsx"
    include_all = request.args.get("all") == "1"
    data = importexport.export_bytes(file_format, include_all=include_all)
    name = f"faq-{clock.today().isoformat()}.{file_format}"
    return Response(data, mimetype=importexport.MEDIA_TYPES[file_format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.route("/staff/faq/import", methods=["GET", "POST"])
@roles_required(*CURATORS)
def staff_import():
    services.ensure_citywide(current_user)
    form = ImportForm()
    if request.method == "GET":
        form.token.data = secrets.token_hex(16)
    if form.validate_on_submit():
        # A copy of the form (a double click) lands on the dry run the first copy made.
        job, error = attempt(lambda: importexport.start_job(form.file.data, actor=current_user,
                                                            form_token=form.token.data), form=form)
        if error is not None:
            return _import_page(form), error.status_code
        _run(job)
        return redirect(url_for("faq.staff_import_job", job_id=job.id))
    if request.method == "POST":
        flash(first_error(form) or "请选择文件。", "error")
        return _import_page(form), 422
    return _import_page(form)


def _import_page(form: ImportForm):
    jobs = db.session.scalars(db.select(FaqImportJob).order_by(FaqImportJob.id.desc()).limit(10)).all()
    return render_template("faq/staff/import.html", form=form, jobs=jobs)


def _run(job: FaqImportJob) -> None:
    """A small file is checked (or imported) now; a large one waits for the background
    worker of the scheduler process, and its page shows the progress."""
    if not importexport.should_run_in_background(job) and importexport.claim(job.id):
        importexport.run_job(job.id)


@bp.get("/staff/faq/import/<int:job_id>")
@roles_required(*CURATORS)
def staff_import_job(job_id: int):
    services.ensure_citywide(current_user)
    job = get_or_404(FaqImportJob, job_id, "该导入任务不存在。")
    return render_template("faq/staff/import_job.html", job=job, action_form=ConfirmForm(),
                           summary=importexport.job_counts_text(job.report))


@bp.get("/staff/faq/import/<int:job_id>/status")
@roles_required(*CURATORS)
def staff_import_status(job_id: int):
    services.ensure_citywide(current_user)
    job = get_or_404(FaqImportJob, job_id, "该导入任务不存在。")
    return {"status": job.status.value, "processed": job.processed_rows, "total": job.total_rows,
            "percent": job.percent, "finished": job.finished}


@bp.post("/staff/faq/import/<int:job_id>/confirm")
@roles_required(*CURATORS)
def staff_import_confirm(job_id: int):
    dry = get_or_404(FaqImportJob, job_id, "该导入任务不存在。")
    if not ConfirmForm().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "error")
        return redirect(url_for("faq.staff_import_job", job_id=dry.id))
    job, error = attempt(lambda: importexport.confirm_job(dry, actor=current_user))
    if error is not None:
        return redirect(url_for("faq.staff_import_job", job_id=dry.id))
    _run(job)
    return redirect(url_for("faq.staff_import_job", job_id=job.id))
