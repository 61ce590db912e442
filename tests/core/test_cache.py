"""The one process cache: a value is computed once per version of its source, and each kind keeps a bounded
number of entries."""

from pathlib import Path

from lotto_models.core.cache import ProcessCache, file_signature


def test_a_cached_value_is_recomputed_when_its_file_changes_and_only_then(tmp_path: Path) -> None:
    cache, calls = ProcessCache(), []
    source = tmp_path / "model.json"
    source.write_text("one")

    def read() -> str:
        calls.append(1)
        return source.read_text()

    assert cache.get("predictor", source, file_signature(source), read) == "one"
    assert cache.get("predictor", source, file_signature(source), read) == "one"
    source.write_text("two, longer")
    assert cache.get("predictor", source, file_signature(source), read) == "two, longer"
    assert len(calls) == 2


def test_each_kind_keeps_at_most_its_limit_of_entries() -> None:
    cache = ProcessCache(limits={"dataset": 2})
    for key in range(3):
        cache.get("dataset", key, None, lambda k=key: k)
    assert sorted(cache.values("dataset")) == [1, 2]


def test_clearing_the_cache_drops_its_entries() -> None:
    cache = ProcessCache(limits={"dataset": 2})
    for key in range(3):
        cache.get("dataset", key, None, lambda k=key: k)
    cache.clear()
    assert cache.values("dataset") == []
