"""`read_draw_file` for every game of the catalog: the real history files read in full, each column into its
part of the draw, and a file of another game is refused naming the columns expected."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lotto_models.core.draws import DrawExtras
from lotto_models.core.errors import InvalidDrawError
from lotto_models.core.games import DIADESORTE, DUPLASENA, GAMES, LOTOFACIL, MEGASENA, QUINA, TIMEMANIA, Game
from lotto_models.ingest.history_files import UnknownFileLayoutError, candidate_from_record, read_draw_file
from tests.shared_data import history_path, needs_shared_data

OTHER_GAMES = [g for g in GAMES.values() if g.id != "lotofacil"]


def edited_copy(g: Game, tmp_path: Path, old: str, new: str) -> Path:
    """The game's real history file with one text replaced (once)."""
    text = history_path(g).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / history_path(g).name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@needs_shared_data
@pytest.mark.parametrize("g", OTHER_GAMES, ids=lambda g: g.id)
def test_each_real_history_file_reads_every_row_as_a_draw(g: Game) -> None:
    rows = read_draw_file(history_path(g), g)
    assert [row.error for row in rows if row.error] == []
    assert [row.concurso for row in rows] == list(range(1, len(rows) + 1))
    assert all(len(row.candidate.numbers) == g.numbers.drawn for row in rows if row.candidate)


@needs_shared_data
def test_dupla_senas_s_columns_are_its_second_draw() -> None:
    first = read_draw_file(history_path(DUPLASENA), DUPLASENA)[0].candidate
    assert first is not None
    assert (first.numbers, first.extras) == ((7, 15, 24, 41, 48, 50), DrawExtras(second_draw=(9, 37, 41, 43, 44, 49)))


@needs_shared_data
def test_dia_de_sortes_month_reads_as_one_of_twelve_whether_written_as_number_or_name() -> None:
    rows = read_draw_file(history_path(DIADESORTE), DIADESORTE)
    months = {(row.raw["mes"], row.candidate.extras.month) for row in rows if row.candidate}
    assert ("2", 2) in months and ("Março", 3) in months
    assert {month for _, month in months} == set(range(1, 13))


@needs_shared_data
def test_timemanias_team_keeps_caixas_padding() -> None:
    teams = {row.candidate.extras.team for row in read_draw_file(history_path(TIMEMANIA), TIMEMANIA) if row.candidate}
    assert "PAULISTA         /SP" in teams and "JUVENTUSE/SP" in teams


@needs_shared_data
def test_another_games_file_is_refused_naming_the_columns_expected() -> None:
    with pytest.raises(UnknownFileLayoutError) as error:
        read_draw_file(history_path(MEGASENA), DUPLASENA)
    assert "megasena_draws.csv" in str(error.value)
    assert "not lotoflow's Dupla Sena history layout: expected concurso, data, d1..d6, s1..s6" in str(error.value)


@needs_shared_data
def test_a_file_with_more_numbers_than_the_game_draws_is_refused_not_cut_short() -> None:
    with pytest.raises(UnknownFileLayoutError) as error:
        read_draw_file(history_path(GAMES["lotomania"]), LOTOFACIL)
    assert "the columns d16, d17, d18, d19, d20 belong to no Lotofácil history file" in str(error.value)
    assert "has the columns concurso, data, d1..d15" in str(error.value)


@needs_shared_data
def test_a_lotofacil_file_read_as_mega_sena_is_refused() -> None:
    with pytest.raises(UnknownFileLayoutError, match="belong to no Mega-Sena history file"):
        read_draw_file(history_path(LOTOFACIL), MEGASENA)


@needs_shared_data
def test_a_month_that_is_no_month_is_a_row_error_naming_the_line(tmp_path: Path) -> None:
    path = edited_copy(DIADESORTE, tmp_path, ",Março\n", ",Marchember\n")
    errors = [row.error for row in read_draw_file(path, DIADESORTE) if row.error]
    assert len(errors) == 1 and "mes 'Marchember' is neither a month number nor a Portuguese month name" in errors[0]


@needs_shared_data
def test_a_blank_second_draw_cell_is_a_missing_number_for_the_suite(tmp_path: Path) -> None:
    path = edited_copy(
        DUPLASENA,
        tmp_path,
        "1,2001-11-06,7,15,24,41,48,50,9,37,41,43,44,49",
        "1,2001-11-06,7,15,24,41,48,50,9,37,41,43,44,",
    )
    first = read_draw_file(path, DUPLASENA)[0].candidate
    assert first is not None and first.extras.second_draw == (9, 37, 41, 43, 44)


@needs_shared_data
def test_a_held_row_reads_back_with_its_extras(tmp_path: Path) -> None:
    shutil.copy(history_path(TIMEMANIA), tmp_path / "t.csv")
    row = read_draw_file(tmp_path / "t.csv", TIMEMANIA)[1390]
    record = json.loads(row.payload())  # as the quarantine keeps it
    assert candidate_from_record(record, TIMEMANIA) == row.candidate


def test_a_held_row_of_another_game_is_refused_naming_the_columns_needed() -> None:
    with pytest.raises(InvalidDrawError, match=r"a row needs the columns \['concurso', 'data', 'd1'\]"):
        candidate_from_record({"line": 2, "concurso": "1", "data": "2020-01-01", "d1": "1"}, MEGASENA)


def official_spreadsheet(g: Game, tmp_path: Path, date_column: str, rows: int = 40, suffix: str = ".csv") -> Path:
    """The game's first real draws in the layout of CAIXA's results spreadsheet (as aretw0/loterias-caixa-db
    converted Mega-Sena's and Quina's: Concurso, the date, Bola1..BolaN, then prize columns lotoflow ignores)."""
    import pandas as pd

    draws = [row.candidate for row in read_draw_file(history_path(g), g)[:rows] if row.candidate]
    balls = [f"Bola{i}" for i in range(1, g.numbers.drawn + 1)]
    frame = pd.DataFrame(
        [[d.concurso, d.date.strftime("%d/%m/%Y"), *d.numbers, 0, ""] for d in draws],
        columns=["Concurso", date_column, *balls, f"Ganhadores {g.numbers.drawn} acertos", "Cidade / UF"],
    )
    path = tmp_path / f"{g.id}_oficial{suffix}"
    if suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


@needs_shared_data
@pytest.mark.parametrize(
    ("g", "date_column", "suffix"),
    [(MEGASENA, "Data do Sorteio", ".xlsx"), (QUINA, "Data Sorteio", ".csv")],
    ids=["megasena-xlsx", "quina-csv"],
)
def test_the_official_results_spreadsheet_of_mega_sena_and_quina_reads_as_their_real_draws(
    g: Game, date_column: str, suffix: str, tmp_path: Path
) -> None:
    rows = read_draw_file(official_spreadsheet(g, tmp_path, date_column, suffix=suffix), g)
    real = read_draw_file(history_path(g), g)[: len(rows)]
    assert [row.error for row in rows if row.error] == []
    assert [r.candidate for r in rows] == [r.candidate for r in real] and len(rows) == 40


@needs_shared_data
def test_a_mega_sena_spreadsheet_imported_as_quina_is_refused_not_cut_to_five_numbers(tmp_path: Path) -> None:
    path = official_spreadsheet(MEGASENA, tmp_path, "Data Sorteio")
    with pytest.raises(UnknownFileLayoutError) as error:
        read_draw_file(path, QUINA)
    assert "Bola1..Bola6 hold more numbers than a Quina draw's 5" in str(error.value)
    with pytest.raises(UnknownFileLayoutError) as error:
        read_draw_file(official_spreadsheet(MEGASENA, tmp_path, "Data do Sorteio"), LOTOFACIL)
    assert "are neither lotoflow's" in str(error.value)
