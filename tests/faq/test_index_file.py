"""The FAQ index written once to a file and memory-mapped by every worker (file mode)."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pytest

from interact.accounts.models import Role, User
from interact.extensions import db
from interact.faq import index, indexfile, semantic, services
from interact.faq.matching import FaqDoc, MatchingEngine
from tests.conftest import make_test_app
from tests.faq.conftest import KB

#: Questions to both engines: the entries' own wordings, reworded ones, unrelated ones.
QUESTIONS = [
    "公积金怎么取出来", "住房公积金提取要带什么", "社保卡掉了怎么办", "外地人办居住证要什么材料",
    "孩子上小学在哪报名", "领结婚证要带户口本吗", "厨余垃圾是什么", "护照怎么办理", "今天天气怎么样",
    "公积金贷款额度是多少", "居住证", "垃圾", "", "？？？", "社保卡补办需要多久？",
]


def kb_docs(extra: int = 300) -> list[FaqDoc]:
    docs = [FaqDoc(i + 1, q, tuple(p), ("公积金",) if i == 0 else ()) for i, (q, p, _) in enumerate(KB)]
    topics = ["公积金", "社保", "医保", "户口", "居住证", "驾驶证", "营业执照", "护照", "低保", "养老金"]
    verbs = ["怎么办理", "需要什么材料", "在哪里申请", "多久能办好", "可以网上办吗", "收费吗"]
    for n in range(extra):
        docs.append(FaqDoc(100 + n, f"{topics[n % 10]}{verbs[n // 10 % 6]}（第{n}问）"))
    return docs


def answers(engine: MatchingEngine, questions) -> list:
    return [(engine.answer(q), engine.search(q, 5)) for q in questions]


@pytest.mark.parametrize("string_ids, semantic_feature", [(False, False), (True, False), (False, True)])
def test_a_mapped_file_answers_exactly_like_the_engine_it_was_written_from(tmp_path, string_ids, semantic_feature):
    embedder = None
    if semantic_feature:
        if not semantic.available():
            pytest.skip("the semantic extra is not installed")
        embedder = semantic.default_embedder(str(tmp_path / "cache"))
    docs = kb_docs(120 if semantic_feature else 300)
    if string_ids:
        docs = [FaqDoc(f"E-{d.id}", d.question, d.phrasings, d.keywords) for d in docs]
    built = MatchingEngine(docs, synonyms=[["公积金", "住房公积金"], ["社保卡", "社会保障卡"]], embedder=embedder)
    meta, arrays = built.arrays()
    assert ("main.vecs" in arrays) == semantic_feature  # the embeddings are stored with the rows
    indexfile.write(tmp_path / "i.bin", meta, arrays)
    meta, mapped = indexfile.read(tmp_path / "i.bin", unmapped=index.UNMAPPED)  # as a worker reads it
    assert all(not a.flags.writeable for a in mapped.values() if isinstance(a, np.ndarray) and a.size)  # views of the read-only mapping
    # The embeddings are read row by row when asked for, never mapped (a worker's RSS).
    assert isinstance(mapped.get("main.vecs"), indexfile.FileRows) == semantic_feature
    loaded = MatchingEngine.from_arrays(meta, mapped, embedder=embedder)
    questions = QUESTIONS + [d.question for d in docs[::7]] + [p for d in docs for p in d.phrasings]
    assert answers(loaded, questions) == answers(built, questions)
    assert len(loaded) == len(built) and all(d.id in loaded for d in docs)

    # Changes on top of the file give what the same changes give in memory.
    first, second = docs[0].id, docs[1].id
    for engine in (built, loaded):
        engine.update_many([FaqDoc(second, "社保卡挂失以后多久能拿到新卡？")], removed=[first])
    assert first not in loaded and len(loaded) == len(built)
    assert answers(loaded, questions) == answers(built, questions)


def test_unmapped_rows_read_back_what_was_written(tmp_path):
    vecs = np.arange(7 * 4, dtype=np.float16).reshape(7, 4)
    indexfile.write(tmp_path / "v.bin", {}, {"a": np.arange(3), "vecs": vecs, "empty": np.zeros((0, 4), np.float16)})
    _, arrays = indexfile.read(tmp_path / "v.bin", unmapped=("vecs", "empty"))
    rows = arrays["vecs"]
    assert isinstance(rows, indexfile.FileRows) and len(rows) == 7 and rows.shape == (7, 4)
    for key in (0, 6, -1, np.int64(3), slice(2, 5), slice(5, 5), slice(None), slice(0, 7, 2), [4, 1],
                np.array([3, 3, 0, -1, 3]), []):
        assert np.array_equal(rows[key], vecs[key]), key
    assert np.array_equal(np.asarray(rows), vecs)
    with pytest.raises(IndexError):
        rows[7]
    assert arrays["empty"].shape == (0, 4)  # nothing to read: an ordinary empty array


def test_index_file_rejects_what_is_not_one(tmp_path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"not an index")
    with pytest.raises(indexfile.IndexFileError):
        indexfile.read(bad)
    good = tmp_path / "good.bin"
    indexfile.write(good, {"k": 1}, {"a": np.arange(10), "empty": np.zeros(0, np.int32)})
    good.write_bytes(good.read_bytes()[:-40])  # truncated
    with pytest.raises(indexfile.IndexFileError):
        indexfile.read(good)


# --- file mode in an application ----------------------------------------------------------


@pytest.fixture
def file_app(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'faq.db'}", FAQ_INDEX_IN_MEMORY=False,
                        FAQ_INDEX_DIR=str(tmp_path / "index"), FAQ_INDEX_BUILDER="thread")
    context = app.app_context()
    context.push()
    db.create_all()
    curator = User(username="curator", display_name="编辑", is_staff=True, password_hash="x")
    curator.set_roles({Role.CURATOR})
    db.session.add(curator)
    db.session.commit()
    app.curator = curator
    entries = []
    for question, phrasings, answer in KB:
        entry = services.create_entry(services.EntryData(question=question, answer_html=answer,
                                                         phrasings=list(phrasings)), actor=curator)
        services.publish_entry(entry, actor=curator)
        entries.append(entry)
    db.session.commit()
    app.entries = entries
    yield app
    db.session.remove()
    db.engine.dispose()
    context.pop()


def wait_for_file(directory, other_than=None, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        newest = index.newest_file(directory)
        if newest is not None and newest != other_than and not index.building(directory):
            return newest
        time.sleep(0.05)
    raise AssertionError("no new index file")


def fresh_worker(app) -> index.FaqIndex:
    """Another process's holder over the same database and folder."""
    return index.FaqIndex(directory=index.index_dir(app), builder="thread", app=app)


def top_id(holder, text):
    matches = holder.engine().search(text, 1)
    return matches[0].id if matches else None


def test_workers_map_the_file_and_build_nothing_themselves(file_app):
    directory = index.index_dir(file_app)
    path = index.build_file(directory)
    assert path is not None and path.parent == directory
    assert index.build_file(directory) == path  # same version: not built again
    holder = fresh_worker(file_app)
    assert top_id(holder, "怎样把公积金取出来") == file_app.entries[0].id
    assert (holder.loads, holder.builds) == (1, 0)
    assert len(holder.engine()) == len(KB)


def test_a_new_machine_builds_its_file_and_the_first_question_waits_for_it(file_app):
    holder = fresh_worker(file_app)
    assert index.newest_file(index.index_dir(file_app)) is None
    assert top_id(holder, "居住证怎么办") == file_app.entries[2].id  # built in a thread, waited for
    assert holder.loads == 1 and holder.builds == 0


def test_changes_apply_at_once_on_top_of_the_file_and_a_new_file_follows(file_app):
    directory = index.index_dir(file_app)
    first = index.build_file(directory)
    holder = fresh_worker(file_app)
    holder.engine()
    question = "火箭发射场参观怎么预约？"
    services.update_entry(file_app.entries[5], services.EntryData(question=question, answer_html="<p>预约</p>"),
                          actor=file_app.curator)
    services.withdraw_entry(file_app.entries[4], actor=file_app.curator)
    db.session.commit()
    holder.mark_stale()
    assert top_id(holder, question) == file_app.entries[5].id  # at once, from the delta
    assert file_app.entries[4].id not in holder.engine()
    # The worker asked for a new file; once written every worker maps it.
    second = wait_for_file(directory, other_than=first)
    holder.mark_stale()
    assert top_id(holder, question) == file_app.entries[5].id
    assert holder.loads == 2 and holder.pending == 0
    assert len(holder.engine()) == len(KB) - 1
    assert indexfile.read_meta(second)["entries"] == len(KB) - 1
    assert not first.exists() or len(list(directory.glob("faq-index-*.bin"))) <= 1 + index.KEEP_FILES


def test_too_many_changes_answer_from_the_previous_file_until_the_new_one(file_app):
    directory = index.index_dir(file_app)
    first = index.build_file(directory)
    holder = fresh_worker(file_app)
    holder.file_delta = 0
    holder.engine()
    question = "火箭发射场参观怎么预约？"
    services.update_entry(file_app.entries[5], services.EntryData(question=question, answer_html="<p>预约</p>"),
                          actor=file_app.curator)
    db.session.commit()
    holder._build_requested = time.monotonic()  # this worker asked a moment ago: no build now
    holder.mark_stale()
    assert top_id(holder, question) != file_app.entries[5].id  # the previous version meanwhile
    assert holder.pending == 1
    index.build_file(directory)
    holder.mark_stale()
    assert top_id(holder, question) == file_app.entries[5].id
    assert holder.pending == 0 and index.newest_file(directory) != first


def test_a_file_of_other_code_is_never_used(file_app):
    directory = index.index_dir(file_app)
    path = index.build_file(directory)
    meta, arrays = indexfile.read(path)
    indexfile.write(path, {**meta, "code": "older-code"}, arrays)
    holder = fresh_worker(file_app)
    holder.engine()  # maps the rebuilt file (the thread builder replaced it)
    assert indexfile.read_meta(holder._loaded.path)["code"] == index.code_fingerprint()


def test_cli_builds_the_file(file_app):
    runner = file_app.test_cli_runner()
    result = runner.invoke(args=["faq", "build-index"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(index.newest_file(index.index_dir(file_app)))
    assert runner.invoke(args=["faq", "build-index"]).output == result.output  # current: kept


def test_a_worker_builds_the_file_in_a_child_process(file_app, monkeypatch):
    """What a gunicorn worker does: ``flask faq build-index`` in a child process, configured
    by the same INTERACT_* environment (the database URL and folder passed explicitly)."""
    monkeypatch.setenv("INTERACT_SECRET_KEY", "test-secret-key-not-for-production")
    monkeypatch.setenv("INTERACT_DEMO", "true")
    spawned = []
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        spawned.append(real_popen(*args, **kwargs))
        return spawned[-1]

    monkeypatch.setattr(subprocess, "Popen", popen)
    holder = index.FaqIndex(directory=index.index_dir(file_app), builder="process", app=file_app, wait_seconds=120)
    assert top_id(holder, "垃圾怎么分类") == file_app.entries[5].id
    assert len(spawned) == 1 and spawned[0].args[:3] == [sys.executable, "-m", "flask"]
    assert spawned[0].wait(60) == 0
    assert os.path.dirname(holder._loaded.path) == str(index.index_dir(file_app))


class _Child:
    """A build process as the worker starts it, without running anything: it keeps a copy
    of the descriptors passed to it (as an inherited one stays open in a real child)."""

    def __init__(self, args, pass_fds=(), env=None, **_kwargs):
        self.args, self.env, self.pid = args, env, 0
        self.fds = [os.dup(fd) for fd in pass_fds]

    def wait(self, timeout=None):
        return 0

    def exit(self):
        for fd in self.fds:
            os.close(fd)


def test_workers_that_notice_a_change_at_once_start_one_build(file_app, monkeypatch):
    """Attack L9: each of three workers that noticed a change started its own
    ``faq build-index``, because the child took the build lock only after loading the
    application. The asking worker takes it and hands it to the child."""
    directory = index.index_dir(file_app)
    children = []

    def popen(args, **kwargs):
        children.append(_Child(args, **kwargs))
        return children[-1]

    monkeypatch.setattr(subprocess, "Popen", popen)
    workers = [index.FaqIndex(directory=directory, builder="process", app=file_app) for _ in range(3)]
    try:
        for worker in workers:
            worker._request_build()
        assert len(children) == 1
        assert index.building(directory)  # held by the child alone (the worker closed its copy)
    finally:
        for child in children:
            child.exit()
    assert not index.building(directory)  # the build's end frees it for the next change


def test_the_build_process_uses_the_lock_its_worker_handed_it(file_app, monkeypatch):
    """``flask faq build-index`` started by a worker builds under the worker's lock (taken
    by the worker, so another open of the lock file could not take it), not 'another
    process is building'."""
    directory = index.index_dir(file_app)
    handed = index._BuildLock(directory)
    assert handed.acquire()
    monkeypatch.setenv(index.LOCK_FD_ENV, str(os.dup(handed.fd)))
    handed.close()  # the worker's copy: the child's (the duplicate) keeps the lock
    assert index.building(directory)
    result = file_app.test_cli_runner().invoke(args=["faq", "build-index"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(index.newest_file(directory))
    assert not index.building(directory)  # given back when the build ended


def _hung_build(directory, seconds: float) -> subprocess.Popen:
    """A ``faq build-index`` process that hangs while it holds the build lock (stuck on a
    lock of the database, a mount, a bug), its deadline *seconds* from now — started the
    way a worker starts a build, with the lock handed to it."""
    lock = index._BuildLock(directory)
    assert lock.acquire()
    try:
        process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"],
                                   pass_fds=(lock.fd,), start_new_session=True)
        lock.record(process.pid, seconds)
    finally:
        lock.close()
    return process


def test_a_build_hung_past_its_deadline_is_stopped_and_the_next_change_is_built(file_app):
    """A hung build held ``build.lock`` for ever: every later change of the knowledge base
    found "another process is building" and no new file was written again."""
    directory = index.index_dir(file_app)
    hung = _hung_build(directory, seconds=-1)  # overdue
    try:
        assert index.building(directory)
        worker = fresh_worker(file_app)
        worker._request_build()
        assert hung.wait(10) == -9  # stopped
        wait_for_file(directory)  # and the worker's build ran
    finally:
        hung.kill()
        hung.wait()


def test_a_build_within_its_deadline_is_left_alone(file_app):
    directory = index.index_dir(file_app)
    hung = _hung_build(directory, seconds=600)
    try:
        fresh_worker(file_app)._request_build()
        result = file_app.test_cli_runner().invoke(args=["faq", "build-index"])
        assert result.output.strip() == "another process is building the index file"
        assert hung.poll() is None and index.building(directory)
    finally:
        hung.kill()
        hung.wait()
    assert not index.building(directory)


def test_the_build_command_ends_itself_at_its_deadline(file_app, monkeypatch):
    """``flask faq build-index`` sets an alarm for ``FAQ_INDEX_BUILD_SECONDS`` (the kernel
    ends the process then, even inside C code) and clears it when the build is done."""
    import signal

    alarms = []
    monkeypatch.setattr(signal, "alarm", lambda seconds: alarms.append(seconds) or 0)
    file_app.config["FAQ_INDEX_BUILD_SECONDS"] = 120
    result = file_app.test_cli_runner().invoke(args=["faq", "build-index"])
    assert result.exit_code == 0, result.output
    assert alarms == [120, 0]
