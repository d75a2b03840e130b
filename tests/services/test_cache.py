import datetime as dt

import pandas as pd
import pytest

from maillage.services.cache import AnalyticsCache, cache_key


def test_keys_depend_on_every_part():
    base = cache_key("v1", "public", "2024-01-01", {"top": 10})
    assert base == cache_key("v1", "public", dt.date(2024, 1, 1), {"top": 10})
    others = {
        cache_key("v2", "public", "2024-01-01", {"top": 10}),
        cache_key("v1", "members", "2024-01-01", {"top": 10}),
        cache_key("v1", "public", None, {"top": 10}),
        cache_key("v1", "public", "2024-01-01", {"top": 11}),
    }
    assert base not in others and len(others) == 4


def test_memory_is_least_recently_used():
    cache = AnalyticsCache(max_items=2)
    a, b, c = (cache_key("v", "public", None, {"n": n}) for n in range(3))
    cache.put(a, 1)
    cache.put(b, 2)
    assert cache.get(a) == 1  # a is now the most recent
    cache.put(c, 3)
    assert b not in cache and a in cache and c in cache


def test_disk_cache_is_shared_between_instances(tmp_path):
    key = cache_key("v1", "public", None, {"what": "metrics"})
    frame = pd.DataFrame({"x": [1.0, 2.0]}, index=["a", "b"])
    first = AnalyticsCache(tmp_path)
    first.put(key, frame)
    second = AnalyticsCache(tmp_path)
    calls = []
    got = second.get_or_compute(key, lambda: calls.append(1) or None)
    pd.testing.assert_frame_equal(got, frame)
    assert calls == []
    assert not list(tmp_path.glob("*.tmp"))
    second.clear()
    assert key not in AnalyticsCache(tmp_path)


def test_corrupt_file_is_recomputed(tmp_path):
    key = cache_key("v1", "public", None)
    (tmp_path / f"{key}.pickle").write_bytes(b"not a pickle")
    cache = AnalyticsCache(tmp_path)
    assert cache.get_or_compute(key, lambda: "fresh") == "fresh"
    assert AnalyticsCache(tmp_path).get(key) == "fresh"


def test_foreign_keys_are_refused(tmp_path):
    with pytest.raises(ValueError, match="cache_key"):
        AnalyticsCache(tmp_path).put("../escape", 1)
    with pytest.raises(ValueError, match="max_items"):
        AnalyticsCache(max_items=0)
