"""Topic storage and history (pricewatch/db/store/topic_*.py) on SQLite and PostgreSQL:
run-length series, deduplication by normalised title, failed and small captures, lists at a
time, movers over a window, one topic's history and source health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from reportdata import count_statements
from sqlalchemy import func, select

from pricewatch.db import Store
from pricewatch.db.models import Topic, TopicCapture, TopicObservation
from pricewatch.records import TopicCaptureRecord
from pricewatch.spiders.topics._base import rank
from pricewatch.topics.capture import TopicCapture as CaptureItem
from pricewatch.topics.capture import TopicEntry, to_topic_record

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def capture(
    at: datetime, titles: list[tuple[str, int | None]], source: str = "weibo", pinned: str = ""
) -> TopicCaptureRecord:
    entries = [TopicEntry(t, heat=h) for t, h in titles]
    if pinned:
        entries.insert(0, TopicEntry(pinned, pinned=True))
    item = CaptureItem(
        source=source, url="http://127.0.0.1/x", entries=rank(entries), captured_at=at
    )
    return to_topic_record(item)


def failed(at: datetime, reason: str = "blocked", source: str = "weibo") -> TopicCaptureRecord:
    return to_topic_record(
        CaptureItem(
            source=source,
            url="http://127.0.0.1/x",
            captured_at=at,
            reason=reason,
            detail="Sina Visitor System",
        )
    )


def count(store: Store, model: type) -> int:
    with store._read_session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_unchanged_entries_extend_their_row_and_movement_opens_one(store: Store) -> None:
    first = store.store_topic_capture(capture(T0, [("A", 100), ("B", 50)], pinned="P"))
    assert (first.status, first.entries, first.new_topics, first.opened) == ("ok", 2, 3, 3)
    again = store.store_topic_capture(
        capture(T0 + timedelta(minutes=10), [("A", 100), ("B", 50)], pinned="P")
    )
    assert (again.new_topics, again.opened, again.extended) == (0, 0, 3)
    moved = store.store_topic_capture(
        capture(T0 + timedelta(minutes=20), [("B", 80), ("A", 100)], pinned="P")
    )
    assert (moved.opened, moved.extended) == (2, 1)  # A and B moved; the pinned one did not
    assert count(store, TopicObservation) == 5
    assert count(store, Topic) == 3


def test_titles_are_deduplicated_by_their_normalised_form(store: Store) -> None:
    store.store_topic_capture(capture(T0, [("#NBA总决赛#", 1)]))
    store.store_topic_capture(capture(T0 + timedelta(minutes=5), [("NBA 总决赛", 2)]))
    [row] = store.topic_list("weibo")
    assert (row.title, row.heat, row.movement) == ("NBA 总决赛", 2, "same")
    assert count(store, Topic) == 1
    # The same title on another platform is another topic of that source.
    store.store_topic_capture(capture(T0, [("NBA总决赛", 1)], source="baidu"))
    assert count(store, Topic) == 2


def test_a_failed_capture_stores_no_entry_and_the_last_list_stays(store: Store) -> None:
    store.store_topic_capture(capture(T0, [("A", 1), ("B", 2)]))
    result = store.store_topic_capture(failed(T0 + timedelta(minutes=10)))
    assert (result.status, result.entries) == ("failed", 0)
    assert count(store, TopicObservation) == 2
    assert [r.title for r in store.topic_list("weibo")] == ["A", "B"]
    [source] = store.topic_sources()
    assert (source.source, source.captures, source.failures) == ("weibo", 2, 1)
    assert (source.last_reason, source.last_entries) == ("blocked", 2)
    assert source.last_failure == T0 + timedelta(minutes=10) and source.last_success == T0
    # The capture after a failure continues the rows (the failure is no absence).
    after = store.store_topic_capture(capture(T0 + timedelta(minutes=20), [("A", 1), ("B", 2)]))
    assert (after.opened, after.extended) == (0, 2)


def test_a_capture_far_below_the_usual_size_is_stored_but_flagged(store: Store) -> None:
    full = [(f"topic {i}", 1000 - i) for i in range(50)]
    for n in range(3):
        assert store.store_topic_capture(capture(T0 + timedelta(hours=n), full)).status == "ok"
    small = store.store_topic_capture(capture(T0 + timedelta(hours=3), full[:10]))
    assert (small.status, small.entries, small.median) == ("small", 10, 50)
    assert len(store.topic_list("weibo")) == 10  # stored all the same
    half = store.store_topic_capture(capture(T0 + timedelta(hours=4), full[:30]), small_share=0.5)
    assert half.status == "ok"  # 30 >= 0.5 x median(50, 50, 50, 10)


def test_the_list_at_a_time_with_movement_arrows(store: Store) -> None:
    store.store_topic_capture(capture(T0, [("A", 10), ("B", 9), ("C", 8)]))
    store.store_topic_capture(capture(T0 + timedelta(hours=1), [("C", 20), ("A", 10), ("D", 5)]))
    now = {r.title: r for r in store.topic_list("weibo")}
    assert (now["C"].rank, now["C"].movement, now["C"].rank_change) == (1, "up", 2)
    assert (now["A"].movement, now["A"].rank_change) == ("down", -1)
    assert (now["D"].movement, now["D"].rank_change) == ("new", None)
    assert now["C"].peak_heat == 20 and now["C"].first_seen == T0
    past = store.topic_list("weibo", T0 + timedelta(minutes=30))
    assert [(r.rank, r.title, r.movement) for r in past] == [
        (1, "A", None),
        (2, "B", None),
        (3, "C", None),
    ]
    assert store.topic_list("weibo", T0 - timedelta(days=1)) == []


def test_movers_over_a_window(store: Store) -> None:
    store.store_topic_capture(capture(T0, [("A", 100), ("B", 90), ("C", 80)]))
    store.store_topic_capture(capture(T0 + timedelta(hours=12), [("A", 150), ("B", 95), ("C", 90)]))
    store.store_topic_capture(capture(T0 + timedelta(hours=24), [("C", 300), ("A", 200), ("N", 1)]))
    movers = {
        m.title: m for m in store.topic_movers(timedelta(hours=24), now=T0 + timedelta(hours=24))
    }
    assert {t: m.status for t, m in movers.items()} == {
        "C": "rising",
        "A": "falling",
        "N": "new",
        "B": "gone",
    }
    assert (movers["C"].previous_rank, movers["C"].rank, movers["C"].rank_change) == (3, 1, 2)
    assert movers["C"].heat_per_hour == pytest.approx((300 - 80) / 24)
    assert movers["N"].rank_change is None and movers["B"].rank is None
    # A shorter window compares with the capture 12 hours ago.
    short = {
        m.title: m for m in store.topic_movers(timedelta(hours=12), now=T0 + timedelta(hours=24))
    }
    assert short["C"].heat_per_hour == pytest.approx((300 - 90) / 12)
    assert store.topic_movers(timedelta(hours=1), now=T0) == []  # one capture: nothing moves


def test_history_entered_peaks_time_on_list_and_re_entries(store: Store) -> None:
    store.store_topic_capture(capture(T0, [("X", 10), ("A", 100)]))
    store.store_topic_capture(capture(T0 + timedelta(hours=1), [("A", 300), ("X", 50)]))
    store.store_topic_capture(capture(T0 + timedelta(hours=2), [("X", 60)]))  # A left
    store.store_topic_capture(failed(T0 + timedelta(hours=3)))
    store.store_topic_capture(capture(T0 + timedelta(hours=4), [("X", 60), ("A", 80)]))
    store.store_topic_capture(capture(T0 + timedelta(hours=5), [("A", 200), ("X", 61)]))
    [history] = store.topic_history("a")
    assert (history.title, history.first_seen, history.peak_rank, history.peak_heat) == (
        "A",
        T0,
        1,
        300,
    )
    assert history.entries == 2 and history.on_list
    assert history.time_on_list == timedelta(hours=2)  # 0h..1h, then 4h..5h
    assert (history.rank_change, history.heat_per_hour) == (1, pytest.approx(120.0))
    assert [(p.rank, p.heat) for p in history.points] == [(2, 100), (1, 300), (2, 80), (1, 200)]
    [x] = store.topic_history(str(store.topic_history("X")[0].topic_id))
    assert x.time_on_list == timedelta(hours=5) and x.entries == 1  # the failure is no gap
    assert store.topic_history("no such topic") == []
    assert [h.title for h in store.topic_history("X")] == ["X"]


def test_topics_seen_in_a_period(store: Store) -> None:
    store.store_topic_capture(capture(T0, [("A", 100), ("B", 50)]))
    store.store_topic_capture(capture(T0 + timedelta(days=2), [("B", 70), ("C", 5)]))
    seen = {s.title: s for s in store.topics_seen(T0 + timedelta(days=1), T0 + timedelta(days=3))}
    assert set(seen) == {"B", "C"}
    assert (seen["B"].best_rank, seen["B"].peak_heat) == (1, 70)


def test_captures_since_and_the_store_refuses_anything_but_records(store: Store) -> None:
    store.store_topic_capture(capture(T0, [("A", 1)]))
    store.store_topic_capture(failed(T0 + timedelta(minutes=1), "http_503"))
    got = store.topic_captures_since(T0 + timedelta(seconds=30))
    assert [(c.status, c.reason) for c in got] == [("failed", "http_503")]
    with pytest.raises(TypeError):
        store.store_topic_capture({"source": "weibo"})  # type: ignore[arg-type]
    with store._read_session() as session:
        assert session.scalar(select(func.count()).select_from(TopicCapture)) == 2


def test_records_refuse_inconsistent_captures() -> None:
    good = capture(T0, [("A", 1)])
    with pytest.raises(ValueError, match="must not carry entries"):
        TopicCaptureRecord("weibo", "u", T0, good.entries, reason="blocked")
    with pytest.raises(ValueError, match=r"1\.\.n"):
        TopicCaptureRecord("weibo", "u", T0, (good.entries[0].__class__("b", "B", 3),))
    with pytest.raises(ValueError, match="naive"):
        TopicCaptureRecord("weibo", "u", datetime(2026, 1, 1), reason="blocked")
    item = CaptureItem(
        source="weibo", url="u", captured_at=T0, entries=[TopicEntry("A", rank=1, heat=-5)]
    )
    assert (to_topic_record(item).reason, to_topic_record(item).entries) == ("invalid", ())


def test_a_very_long_title_is_stored_under_a_bounded_key(store: Store) -> None:
    title = "很长的标题" * 150  # 750 characters
    store.store_topic_capture(capture(T0, [(title, 1)]))
    [row] = store.topic_list("weibo")
    assert row.title == title
    with store._read_session() as session:
        assert len(session.scalar(select(Topic.key)) or "") == 500


def test_a_capture_racing_another_on_a_new_topic_is_retried(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As if another process inserted topic A between this capture's SELECT and INSERT: the
    first lookup of known topics is made to miss it, the INSERT violates the unique key, and
    the capture is stored on the next attempt (nothing half-written)."""
    from pricewatch.db.store import topic_writes

    store.store_topic_capture(capture(T0, [("A", 1)]))  # the other process's capture
    real_chunks = topic_writes.chunks
    lookups: list[int] = []

    def first_lookup_misses(values: list[object]) -> object:
        lookups.append(len(values))
        return [] if len(lookups) == 1 else real_chunks(values)  # type: ignore[arg-type]

    monkeypatch.setattr(topic_writes, "chunks", first_lookup_misses)
    result = store.store_topic_capture(capture(T0 + timedelta(minutes=1), [("A", 5)]))
    assert result.new_topics == 0 and result.extended == 0 and result.opened == 1
    assert [(r.title, r.heat) for r in store.topic_list("weibo")] == [("A", 5)]
    assert count(store, Topic) == 1 and count(store, TopicCapture) == 2


def test_topics_in_period_ranked_only_with_time_on_list_within_it(store: Store) -> None:
    """Best rank and heat inside the period, time on the list clipped to it (a spell running
    when it starts counts from the start, a failed capture is no gap), pinned items left out,
    and the same two statements whatever the number of topics."""
    store.store_topic_capture(capture(T0, [("A", 100), ("B", 50)]))
    store.store_topic_capture(capture(T0 + timedelta(hours=2), [("B", 60), ("A", 90)], pinned="P"))
    store.store_topic_capture(failed(T0 + timedelta(hours=3)))
    store.store_topic_capture(capture(T0 + timedelta(hours=4), [("B", 70)]))
    store.store_topic_capture(capture(T0 + timedelta(hours=6), [("C", 5), ("B", 80)]))
    store.store_topic_capture(capture(T0 + timedelta(hours=9), [("C", 9)]))
    store.store_topic_capture(capture(T0 + timedelta(hours=1), [("Z", 1)], source="baidu"))
    start, end = T0 + timedelta(hours=1), T0 + timedelta(hours=7)
    got = {t.title: t for t in store.topics_in_period(start, end)}
    assert set(got) == {"A", "B", "C", "Z"}  # not the pinned P
    a, b, c = got["A"], got["B"], got["C"]
    # A: #1 at 0h (before the period), #2 at 2h, gone at 4h: one hour of the period.
    assert (a.best_rank, a.peak_heat, a.time_on_list, a.first_seen) == (
        2,
        90,
        timedelta(hours=1),
        T0,
    )
    assert not a.on_list_at_end
    # B: on every capture 0h..6h (the 3h failure no gap), clipped to 1h..6h.
    assert (b.best_rank, b.peak_heat, b.time_on_list, b.on_list_at_end) == (
        1,
        80,
        timedelta(hours=5),
        True,
    )
    # C: entered at 6h; its 9h capture is after the period: no time on the list within it.
    assert (c.best_rank, c.peak_heat, c.time_on_list) == (1, 5, timedelta())
    assert got["Z"].time_on_list == timedelta() and got["Z"].source == "baidu"
    assert store.topics_in_period(T0 + timedelta(hours=10), T0 + timedelta(hours=11)) == []
    assert [t.title for t in store.topics_in_period(T0 - timedelta(hours=1), T0)] == ["A", "B"]

    few = count_statements(store, lambda: store.topics_in_period(start, end))
    for n in range(30):
        titles = [(f"T{n}-{i}", i) for i in range(1, 20)]
        store.store_topic_capture(capture(T0 + timedelta(hours=5, minutes=n), titles, "x"))
    found: list[object] = []
    many = count_statements(store, lambda: found.extend(store.topics_in_period(start, end)))
    assert len(found) > 500 and many == few <= 3
