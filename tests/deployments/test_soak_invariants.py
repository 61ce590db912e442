"""The soak's judgement of a plan that published nothing: a violation, unless none of the plan's members may
serve (no champion, or one below the constant forecast beyond noise) and the run said it skipped the plan."""

from __future__ import annotations

from deployments.soak.invariants import _fallbacks_besides, plans_without_a_member
from lotto_models.core.fallbacks import COMPLETED_WITH_FALLBACK
from lotto_models.core.games import LOTOFACIL
from lotto_models.training.challengers import promote_challenger
from tests.registry.test_below_baseline import below_baseline_champion  # noqa: F401 (a fixture)

SKIP = (
    "20:56:30.245 | WARNING | Flow run 'speedy-ferret' - Fallback: plan rnd serves nothing this time: Task run "
    "encountered an exception NoMemberCanServeError: plan rnd: no member can serve (ls17 left out: ...)"
)
RUN = "| Flow run 'speedy-ferret' -"
OTHER = f"20:56:29.100 | WARNING {RUN} Fallback: ls18 training failed: timed out; its champion keeps serving"
END = f"20:56:30.297 | INFO    {RUN} Finished in state Completed('{COMPLETED_WITH_FALLBACK}plan rnd ...')"


def test_a_plan_whose_only_member_is_below_the_baseline_has_no_member_to_serve_until_one_is_promoted(
    below_baseline_champion,  # noqa: F811
) -> None:
    ws, first, _, dataset = below_baseline_champion  # `stat-only`: the one plan of `stat` alone
    assert "stat-only" in plans_without_a_member(ws, LOTOFACIL)
    assert "rnd" in plans_without_a_member(ws, LOTOFACIL)  # ls17 and ls18 have no champion in this store
    assert promote_challenger(ws, "stat", first.id, dataset).promote  # a version not below the baseline
    assert "stat-only" not in plans_without_a_member(ws, LOTOFACIL)


def test_the_named_skip_of_a_plan_without_a_member_is_not_counted_as_a_fallback() -> None:
    assert _fallbacks_besides({"rnd"}, "\n".join([SKIP, END])) == []


def test_the_same_skip_counts_when_the_plan_has_a_member_that_may_serve() -> None:
    assert len(_fallbacks_besides(set(), "\n".join([SKIP, END]))) == 1


def test_any_other_fallback_beside_the_skip_still_counts() -> None:
    assert _fallbacks_besides({"rnd"}, "\n".join([OTHER, SKIP, END])) == [OTHER.split("Fallback: ", 1)[1]]


def test_a_run_completed_with_fallback_whose_log_names_none_counts_as_one() -> None:
    assert _fallbacks_besides({"rnd"}, END) == ["a fallback the log does not name"]
