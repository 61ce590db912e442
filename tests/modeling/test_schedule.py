"""The one training schedule (this machine's workers and the fan-out): who starts when, and who is skipped."""

from __future__ import annotations

from lotto_models.modeling.catalog import training_order
from lotto_models.modeling.schedule import TrainingSchedule


def test_a_stacked_model_starts_once_its_stale_bases_are_settled_while_unrelated_models_still_train() -> None:
    schedule = TrainingSchedule(training_order())
    first = schedule.ready()
    assert set(first.start) == set(training_order()) - {"ls16"} and not first.skipped
    schedule.settle("ls14pp")
    assert schedule.ready().start == []
    schedule.settle("ls15pp")
    assert schedule.ready().start == ["ls16"]  # ls17 and ls18 are still training
    assert not schedule.finished


def test_a_base_that_is_not_stale_does_not_hold_its_stacked_model() -> None:
    assert TrainingSchedule(["ls16"]).ready().start == ["ls16"]


def test_models_ready_together_start_longest_expected_first_and_untimed_ones_before_them() -> None:
    schedule = TrainingSchedule(["ls14", "ls15", "ls17", "ls18"], expected_seconds={"ls14": 5.0, "ls15": 9.0})
    assert schedule.ready().start == ["ls18", "ls17", "ls15", "ls14"]  # untimed by their catalog prior


def test_a_failed_base_skips_its_stacked_model_naming_it_and_the_schedule_finishes() -> None:
    schedule = TrainingSchedule(["ls14pp", "ls15pp", "ls16"])
    assert schedule.ready().start == ["ls14pp", "ls15pp"]
    schedule.settle("ls14pp", failed=True)
    schedule.settle("ls15pp")
    after = schedule.ready()
    assert after.start == [] and after.skipped == {"ls16": ["ls14pp"]}
    assert schedule.finished and schedule.failed == {"ls14pp", "ls16"}


def test_with_free_workers_counted_the_longest_path_ahead_starts_first_even_a_model_ready_later() -> None:
    expected = {"ls14": 5.0, "ls15": 5.5, "ls14pp": 3.5, "ls15pp": 3.6, "ls16": 6.0, "ls17": 9.0, "ls18": 16.6}
    schedule = TrainingSchedule(["ls14", "ls15", "ls14pp", "ls15pp", "ls16", "ls17", "ls18"], expected)
    assert schedule.ready(free=2).start == ["ls18", "ls15pp"]  # 3.6 s and ls16's 6.0 s ahead: more than ls17's 9
    assert schedule.ready(free=1).start == ["ls14pp"]
    schedule.settle("ls14pp")
    schedule.settle("ls15pp")
    assert schedule.ready(free=1).start == ["ls17"]
    assert schedule.ready(free=1).start == ["ls16"]  # ready later, it starts before ls15 and ls14
    assert schedule.ready(free=0).start == [] and not schedule.finished
    assert schedule.ready().start == ["ls15", "ls14"]
