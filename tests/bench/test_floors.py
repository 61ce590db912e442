"""The floors `make bench` divides its run figures by (issue 29): the least time the machine's cores could train
the models in, respecting that a stacked model starts only after its bases."""

from __future__ import annotations

import pytest

from bench.floors import dag_floor, spread_floor
from lotto_models.modeling.catalog import MODELS, models_of


def test_independent_jobs_share_the_cores_evenly():
    assert spread_floor({"a": 4.0, "b": 2.0, "c": 2.0}, cores=2) == 4.0


def test_one_long_job_bounds_the_floor_however_many_cores():
    assert spread_floor({"long": 10.0, "short": 1.0, "other": 1.0}, cores=2) == 10.0


def test_a_chain_of_dependent_jobs_counts_end_to_end_even_with_idle_cores():
    # the sum over two cores is 6 s, but the stacked head waits for both its bases, the longest 4 s
    seconds = {"base1": 4.0, "base2": 1.0, "head": 3.0, "other": 4.0}
    depends_on = {"head": ("base1", "base2")}
    assert dag_floor(seconds, depends_on, cores=2) == 7.0
    assert dag_floor(seconds, {}, cores=2) == 6.0


def test_dependencies_outside_the_jobs_measured_are_ignored():
    assert dag_floor({"head": 2.0}, {"head": ("not-measured",)}, cores=1) == 2.0


def test_a_dependency_cycle_is_refused():
    with pytest.raises(ValueError, match="cycle"):
        dag_floor({"a": 1.0, "b": 1.0}, {"a": ("b",), "b": ("a",)}, cores=2)


def test_lotofacils_stacked_model_waits_for_its_bases_in_the_catalog_floor():
    seconds = {name: 1.0 for name in models_of()}
    seconds["ls14pp"] = 100.0  # a base of ls16: ls16's own second comes after it
    depends_on = {name: MODELS[name].depends_on for name in seconds}
    assert "ls14pp" in MODELS["ls16"].depends_on
    assert dag_floor(seconds, depends_on, cores=64) == 101.0


def test_a_run_over_its_floor_is_a_ratio_whose_spread_pairs_the_extremes():
    from bench.figures import SPREAD, figure
    from bench.floors import ratios

    results = {
        "noop_run_s": figure("noop_run_s", [2.0, 2.6, 3.0]),
        "noop_floor_s": figure("noop_floor_s", [1.0, 2.0, 2.5]),
    }
    assert ratios(results) == {"noop_vs_floor": 1.3}
    assert SPREAD["noop_vs_floor"] == [0.8, 1.3, 3.0]  # the run's min over the floor's max, max over min


def test_the_bench_ends_naming_each_figure_that_misses_its_goal():
    from bench.results_markdown import markdown, misses

    results = {
        "commit": "abc",
        "clean": True,
        "repeats": 1,
        "spread": {},
        "noop_vs_floor": 1.31,
        "incremental_vs_floor": 1.2,
        "web_routes": {"check": {"rps": 10.0, "p50_ms": 40.0, "p99_ms": 900.0, "failures": 0, "requests": 200}},
    }
    assert misses(results) == [
        "noop_vs_floor 1.31 (goal ≤ 1.3)",
        "web route check: p99 900.0 ms, 0 failures (goal p99 ≤ 50 ms, 0)",
    ]
    page = markdown(results)
    assert "| noop_vs_floor | 1.31 | one sample | ≤ 1.3 | NO |" in page
    assert "| check | 10.0 | 40.0 | 900.0 | 0 | 200 |" in page
