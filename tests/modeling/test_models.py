"""The model zoo: training order, honest evaluation in both directions, formats, warm start, odd_even."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deployments.cli import main as lotto
from lotto_models.core.settings import PROFILES, TrainingProfile
from lotto_models.modeling.catalog import MODELS, training_order
from lotto_models.modeling.evaluation import BASELINE_BCE, BASELINE_HITS, evaluate_holdout
from lotto_models.modeling.feature_sets import columns_of
from lotto_models.modeling.features import (
    NUMBER_COLUMNS,
    Dataset,
    FeatureParams,
    FeatureSet,
    build_dataset,
    draw_matrix,
)
from lotto_models.modeling.fitting import (
    KERAS_ARTIFACT,
    SAVED_MODEL,
    TRAINING_LOG,
    convert_to_saved_model,
    fit_model,
    hyperparameters_for,
    load_network_predictor,
    load_predictor,
    warm_startable,
)
from lotto_models.modeling.splits import time_splits
from lotto_models.serving.ensembles import guess_with_odd_range, odd_range_from_history

PARAMS = FeatureParams()
QUICK = TrainingProfile(**PROFILES["quick"])
NETWORKS = [name for name in training_order() if MODELS[name].kind != "stat"]  # custom layers included (ls17)


@pytest.fixture(scope="module")
def frame(history) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "concurso": [d.concurso for d in history],
            "date": [d.date for d in history],
            **{col: [d.numbers[i] for d in history] for i, col in enumerate(NUMBER_COLUMNS)},
        }
    )


@pytest.fixture(scope="module")
def trained(frame, tmp_path_factory) -> dict[str, tuple[Dataset, Path]]:
    """Every network of the catalog (ls16 stacked on the ls14pp and ls15pp trained here), trained once for
    the module (quick profile), in dependency order."""
    root = tmp_path_factory.mktemp("zoo")
    out: dict[str, tuple[Dataset, Path]] = {}
    for name in NETWORKS:
        spec = MODELS[name]
        dataset = build_dataset(frame, spec.feature_set, PARAMS)
        splits = time_splits(len(dataset.targets), 500, 300, 200)
        bases = {b: out[b][1] for b in spec.depends_on}
        params = hyperparameters_for(spec, PARAMS, QUICK, {b: f"{b}/v1" for b in bases})
        fit_model(spec, dataset, splits, params, root / name, seed=1, base_dirs=bases)
        out[name] = (dataset, root / name)
    return out


def test_models_train_in_the_prescribed_order() -> None:
    assert training_order() == ["stat", "ls14", "ls15", "ls14pp", "ls15pp", "ls16", "ls17", "ls18"]
    assert training_order(["ls16"]) == ["ls14pp", "ls15pp", "ls16"]


def test_ls15pp_columns_sit_inside_ls14pp_steps(frame) -> None:
    ls14pp = build_dataset(frame, FeatureSet.LS14PP, PARAMS)
    ls15pp = build_dataset(frame, FeatureSet.LS15PP, PARAMS)
    columns = columns_of(FeatureSet.LS15PP, FeatureSet.LS14PP, PARAMS.game.pool)
    np.testing.assert_array_equal(ls14pp.inputs[..., columns], ls15pp.inputs)


@pytest.mark.slow
@pytest.mark.parametrize("name", NETWORKS)
def test_keras_file_and_saved_model_give_the_same_probabilities(trained, name) -> None:
    dataset, directory = trained[name]
    sample = dataset.inputs[-50:]
    from_keras = load_network_predictor(directory / KERAS_ARTIFACT)(sample)
    exported = convert_to_saved_model(directory / KERAS_ARTIFACT, directory.parent / f"{name}-{SAVED_MODEL}")
    from_saved_model = load_network_predictor(exported)(sample)
    np.testing.assert_allclose(from_keras, from_saved_model, rtol=1e-5, atol=1e-6)
    assert from_keras.shape == (50, 25) and np.all((from_keras > 0) & (from_keras < 1))


@pytest.mark.slow
def test_ls18_is_a_tcn_over_60_draws_of_ls15pp_features_whose_outputs_ignore_nothing_in_the_window(
    frame, trained
) -> None:
    """Causal dilated convolutions whose receptive field covers the 60-draw window."""
    import keras

    dataset, directory = trained["ls18"]
    ls15pp = build_dataset(frame, FeatureSet.LS15PP, PARAMS)
    assert dataset.inputs.shape[1:] == (60, ls15pp.inputs.shape[-1])
    np.testing.assert_array_equal(dataset.inputs[-1, -10:], ls15pp.inputs[-1])  # the same steps, a longer window
    model = keras.saving.load_model(directory / KERAS_ARTIFACT, compile=False)
    from lotto_models.modeling.networks import DilatedCausalSteps

    convolutions = [layer for layer in model.layers if isinstance(layer, DilatedCausalSteps)]
    assert [layer.dilation for layer in convolutions] == [1, 2, 4, 8, 16, 32]
    predict = load_network_predictor(directory / KERAS_ARTIFACT)
    window = dataset.inputs[-1:].copy()
    base = predict(window)
    window[0, 0] = 1 - window[0, 0]  # the oldest step still reaches the output
    assert not np.allclose(predict(window), base)


@pytest.mark.slow
def test_ls18_computes_what_a_stack_of_causal_conv1d_computes_with_the_same_weights_at_a_sixth_of_the_steps() -> None:
    """Only the newest step reaches the output, so each block computes just the steps the block above reads."""
    from lotto_models.modeling.networks import NetworkConfig, build_tcn, tcn_dilations, tcn_steps

    config = NetworkConfig(name="ls18", window=60, features=77, units=16)
    network = build_tcn(config)
    rng = np.random.default_rng(0)
    weights = {
        layer.name: [rng.normal(0, 0.3, w.shape).astype("float32") for w in layer.get_weights()]
        for layer in network.layers
        if layer.weights
    }
    for layer in network.layers:
        if layer.weights:
            layer.set_weights(weights[layer.name])
    batch = rng.random((32, 60, 77)).astype("float32")
    np.testing.assert_allclose(
        np.asarray(network(batch)), np.asarray(_full_causal_tcn(config, weights)(batch)), atol=1e-5
    )
    computed = sum(len(steps) for steps in tcn_steps(60, tcn_dilations(60, 2))[1:])
    assert computed == 60  # step outputs over the six blocks, where full convolutions compute 6 × 60


def _full_causal_tcn(config, weights):
    """The reference: every block a `Conv1D(padding="causal")` over every step, with the given weights."""
    import keras

    from lotto_models.modeling.networks import tcn_dilations

    inputs = keras.Input(shape=(config.window, config.features))
    x = keras.layers.Conv1D(config.units, 1, name="project")(inputs)
    for dilation in tcn_dilations(config.window, 2):
        conv = keras.layers.Conv1D(
            config.units,
            2,
            padding="causal",
            dilation_rate=dilation,
            activation="relu",
            name=f"causal_conv_d{dilation}",
        )
        x = keras.layers.Add()([x, conv(x)])
    x = keras.layers.Lambda(lambda t: t[:, -1, :])(x)
    outputs = keras.layers.Dense(25, activation="sigmoid", name="probabilities")(x)
    model = keras.Model(inputs, outputs)
    for name, values in weights.items():
        model.get_layer(name).set_weights(values)
    return model


@pytest.mark.slow
def test_ls16_is_self_contained_and_its_bases_frozen(trained) -> None:
    """The stacked artifact carries its bases: it loads and predicts with the base directories gone."""
    import keras

    model = keras.saving.load_model(trained["ls16"][1] / KERAS_ARTIFACT, compile=False)
    base_layers = {layer.name for layer in model.layers if isinstance(layer, keras.Model)}
    assert base_layers == {"ls14pp", "ls15pp"}
    assert all(not model.get_layer(name).trainable for name in base_layers)
    ls14pp_alone = load_network_predictor(trained["ls14pp"][1] / KERAS_ARTIFACT)(trained["ls16"][0].inputs[-5:])
    inner = model.get_layer("ls14pp")(trained["ls16"][0].inputs[-5:])
    np.testing.assert_allclose(np.asarray(inner), ls14pp_alone, rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_lotto_convert_turns_a_keras_file_into_a_saved_model(trained, tmp_path, capsys) -> None:
    dataset, directory = trained["ls15pp"]
    assert lotto(["convert", str(directory / KERAS_ARTIFACT), str(tmp_path / "exported")]) == 0
    assert (tmp_path / "exported" / "saved_model.pb").exists()
    np.testing.assert_allclose(
        load_network_predictor(tmp_path / "exported")(dataset.inputs[-3:]),
        load_network_predictor(directory / KERAS_ARTIFACT)(dataset.inputs[-3:]),
        rtol=1e-5,
        atol=1e-6,
    )
    only_saved_model = tmp_path / "only"
    only_saved_model.mkdir()
    (tmp_path / "exported").rename(only_saved_model / SAVED_MODEL)
    probabilities = load_predictor(MODELS["ls15pp"], only_saved_model)(dataset.inputs[-3:])
    assert probabilities.shape == (3, 25)


@pytest.mark.slow
def test_training_logs_epochs_and_warm_starts_from_a_previous_version(frame, trained, tmp_path) -> None:
    dataset, directory = trained["ls15pp"]
    log = pd.read_csv(directory / TRAINING_LOG)
    assert {"epoch", "loss", "val_loss"} <= set(log.columns) and len(log) >= 1
    splits = time_splits(len(dataset.targets), 500, 300, 200)
    params = hyperparameters_for(MODELS["ls15pp"], PARAMS, QUICK)
    outcome = fit_model(MODELS["ls15pp"], dataset, splits, params, tmp_path / "warm", 1, warm_start_dir=directory)
    assert outcome.warm_started
    first_epoch_warm = pd.read_csv(tmp_path / "warm" / TRAINING_LOG)["loss"].iloc[0]
    assert first_epoch_warm <= log["loss"].iloc[0]  # it starts where the earlier version ended, not from scratch


def test_a_stacked_head_may_start_from_a_version_over_other_bases_but_nothing_starts_across_other_changes() -> None:
    over = {b: hyperparameters_for(MODELS["ls16"], PARAMS, QUICK, {"ls14pp": b, "ls15pp": "ls15pp/v1"}) for b in "12"}
    assert over["1"] != over["2"] and warm_startable(over["1"], over["2"])
    wider = hyperparameters_for(MODELS["ls16"], PARAMS, TrainingProfile(**PROFILES["full"]), {"ls14pp": "1"})
    assert not warm_startable(over["1"], wider)
    ls15 = hyperparameters_for(MODELS["ls15"], PARAMS, QUICK)
    assert not warm_startable(ls15, {**ls15, "window": ls15["window"] + 1})


@pytest.mark.slow
def test_a_stacked_head_over_a_new_base_version_starts_from_its_previous_head_and_stacks_the_new_base(
    trained, tmp_path
) -> None:
    """A new base champion no longer means a head trained from scratch: the head's weights come from the
    previous ls16, the frozen bases are the new versions."""
    import keras

    splits = time_splits(len(trained["ls14pp"][0].targets), 500, 300, 200)
    base_params = hyperparameters_for(MODELS["ls14pp"], PARAMS, QUICK)
    new_base = tmp_path / "ls14pp-v2"
    fit_model(MODELS["ls14pp"], trained["ls14pp"][0], splits, base_params, new_base, 2, trained["ls14pp"][1])
    dataset, previous = trained["ls16"]
    params = hyperparameters_for(MODELS["ls16"], PARAMS, QUICK, {"ls14pp": "ls14pp/v2", "ls15pp": "ls15pp/v1"})
    bases = {"ls14pp": new_base, "ls15pp": trained["ls15pp"][1]}
    outcome = fit_model(MODELS["ls16"], dataset, splits, params, tmp_path / "ls16", 1, previous, bases)
    assert outcome.warm_started

    def load(directory: Path):
        return keras.saving.load_model(directory / KERAS_ARTIFACT, compile=False)

    old, new, base = load(previous), load(tmp_path / "ls16"), load(new_base)
    old_base = old.get_layer("ls14pp").get_weights()
    assert not all(np.array_equal(a, b) for a, b in zip(old_base, base.get_weights(), strict=True))
    for stacked, fresh in zip(new.get_layer("ls14pp").get_weights(), base.get_weights(), strict=True):
        np.testing.assert_array_equal(stacked, fresh)
    # one short epoch moves the head by a few optimizer steps (learning rate 1e-3); a new head is random
    assert np.abs(new.get_layer("head").get_weights()[0] - old.get_layer("head").get_weights()[0]).max() < 0.01


@pytest.mark.slow
def test_a_model_trained_on_shuffled_targets_scores_at_the_baseline(frame, tmp_path) -> None:
    dataset = build_dataset(frame, FeatureSet.LS15, PARAMS)
    splits = time_splits(len(dataset.targets), 500, 300, 200)
    shuffled = dataset.targets.copy()
    rng = np.random.default_rng(0)
    shuffled[: splits.validation.stop] = shuffled[rng.permutation(splits.validation.stop)]
    noisy = Dataset(
        dataset.feature_set,
        dataset.inputs,
        shuffled,
        dataset.target_concursos,
        dataset.next_inputs,
        dataset.next_concurso,
        dataset.fingerprint,
    )
    params = hyperparameters_for(MODELS["ls15"], PARAMS, QUICK)
    fit_model(MODELS["ls15"], noisy, splits, params, tmp_path, seed=3)
    metrics = evaluate_holdout(
        load_predictor(MODELS["ls15"], tmp_path)(dataset.inputs[splits.holdout]), dataset.targets[splits.holdout]
    )
    assert metrics.hits_ci95_low <= BASELINE_HITS <= metrics.hits_ci95_high
    assert abs(metrics.bce - BASELINE_BCE) < 0.005
    assert not metrics.leakage_suspected


@pytest.mark.slow
def test_a_deliberately_leaky_feature_trips_the_leakage_flag(frame, tmp_path) -> None:
    """Windows shifted by one draw contain the draw they predict: the flag must fire."""
    dataset = build_dataset(frame, FeatureSet.LS15, PARAMS)
    hot = draw_matrix(frame)
    leaky_inputs = np.lib.stride_tricks.sliding_window_view(hot, PARAMS.window, axis=0).transpose(0, 2, 1)[1:]
    leaky = Dataset(
        dataset.feature_set,
        np.ascontiguousarray(leaky_inputs),
        dataset.targets,
        dataset.target_concursos,
        dataset.next_inputs,
        dataset.next_concurso,
        "leaky",
    )
    splits = time_splits(len(dataset.targets), 500, 300, 200)
    params = hyperparameters_for(MODELS["ls15"], PARAMS, QUICK)
    fit_model(MODELS["ls15"], leaky, splits, params, tmp_path, seed=3)
    metrics = evaluate_holdout(
        load_predictor(MODELS["ls15"], tmp_path)(leaky.inputs[splits.holdout]), leaky.targets[splits.holdout]
    )
    assert metrics.leakage_suspected and metrics.mean_hits > 10
    assert "suspected leakage" in metrics.verdict()


def test_odd_even_keeps_the_guess_in_the_usual_odd_count_range(frame) -> None:
    odd_range = odd_range_from_history(draw_matrix(frame))
    assert odd_range == (7, 9)  # 76% of real draws have 7, 8 or 9 odd numbers
    all_odd_first = np.where(np.arange(1, 26) % 2 == 1, 0.9, 0.1)
    guess = guess_with_odd_range(all_odd_first, odd_range)
    assert len(guess) == 15 and sum(n % 2 for n in guess) == 9  # as many odds as the range allows
    # evens favoured: as few odds as the range allows (7), the rest the 8 best evens
    assert guess_with_odd_range(1 - all_odd_first, odd_range) == sorted([*range(2, 17, 2), *range(1, 14, 2)])
