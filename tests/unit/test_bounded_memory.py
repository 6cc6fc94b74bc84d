"""Memory that does not grow with respondents: streamed input hashes, factored replicate weights."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from govindex.manifest import hash_bytes, hash_file, hash_files
from govindex.survey import ReplicateWeights


@settings(max_examples=40, deadline=None)
@given(content=st.binary(max_size=5_000), chunk=st.integers(min_value=1, max_value=6_000))
def test_streamed_digest_equals_whole_file_digest(
    tmp_path_factory: object, content: bytes, chunk: int
) -> None:
    folder = Path(tmp_path_factory.mktemp("hash"))  # type: ignore[attr-defined]
    path = folder / "data.csv"
    path.write_bytes(content)
    assert hash_file(path, chunk_bytes=chunk) == hashlib.sha256(content).hexdigest()
    assert hash_file(path, chunk_bytes=chunk) == hash_bytes(content)


def test_hash_files_digest_is_unchanged_by_streaming(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(b"x,y\n1,2\n")
    second.write_bytes(b"z\n3\n" * 1000)
    expected = hashlib.sha256(
        b"a.csv\0" + first.read_bytes() + b"b.csv\0" + second.read_bytes()
    ).hexdigest()
    assert hash_files([first, second]) == expected


def test_hashing_a_large_file_does_not_hold_it_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "large.bin"
    size = 48 * 1024 * 1024
    with path.open("wb") as stream:
        block = np.random.default_rng(1).integers(0, 256, 1024 * 1024, dtype=np.uint8).tobytes()
        for _ in range(size // len(block)):
            stream.write(block)
    tracemalloc.start()
    try:
        hash_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, f"hashing a 48 MiB file peaked at {peak / 2**20:.1f} MiB"


def test_built_replicates_keep_unit_factors_not_a_respondent_matrix() -> None:
    import polars as pl

    from govindex.survey import SurveyDesign
    from govindex.survey.replication import replicate_design

    rows = 6_000
    frame = pl.DataFrame(
        {
            "stratum": np.repeat(np.arange(30), rows // 30),
            "psu": np.repeat(np.arange(90), rows // 90 + 1)[:rows],
            "w": np.linspace(1.0, 3.0, rows),
        }
    ).with_columns((pl.col("psu") // 3).alias("stratum"))
    design = SurveyDesign.from_frame(frame, weights="w", strata="stratum", psu="psu")
    replicated = replicate_design(design, "jkn").replicates
    assert isinstance(replicated, ReplicateWeights)
    assert replicated.stored_weights is None
    assert replicated.count == 90
    assert replicated.structure is not None
    assert replicated.structure.unit_factors.shape == (90, 90)
    domain = replicate_design(design, "jkn").subset(frame["stratum"].to_numpy() < 10).replicates
    assert domain is not None
    assert domain.stored_weights is None
    # Formed on request, the matrix is exactly weight × factor of the row's PSU.
    matrix = replicated.weights
    assert matrix.shape == (rows, 90)
    np.testing.assert_array_equal(
        matrix, design.weights[:, None] * replicated.structure.unit_factors[design.stages[0].units]
    )
    picked = np.array([0, 17, rows - 1])
    np.testing.assert_array_equal(replicated.rows(picked), matrix[picked])


def _survey_with_gaps() -> object:
    import polars as pl

    generator = np.random.default_rng(11)
    rows = 900
    stratum = np.repeat(np.arange(10), rows // 10)
    frame = pl.DataFrame(
        {
            "stratum": stratum,
            "psu": stratum * 3 + generator.integers(0, 3, rows),
            "w": generator.lognormal(0.0, 0.4, rows),
            "region": generator.integers(0, 4, rows),
            **{
                f"y{index}": np.where(
                    generator.random(rows) < 0.1, np.nan, generator.normal(index, 1.0, rows)
                )
                for index in range(7)
            },
            "x": generator.uniform(1.0, 2.0, rows),
        }
    )
    return frame


def test_estimates_in_variable_blocks_equal_estimates_in_one_block(monkeypatch: object) -> None:
    import polars as pl

    from govindex.survey import SurveyDesign, mean, ratio
    from govindex.survey import estimators as estimator_module
    from govindex.survey.replication import replicate_design

    frame = _survey_with_gaps()
    assert isinstance(frame, pl.DataFrame)
    names = [f"y{index}" for index in range(7)]
    taylor = SurveyDesign.from_frame(frame, weights="w", strata="stratum", psu="psu", nest=True)
    jackknife = replicate_design(taylor, "jkn")

    def everything() -> list[object]:
        return [
            mean(taylor, names, by="region", na_rm=True),
            mean(jackknife, names, by="region", na_rm=True),
            mean(jackknife, names, na_rm=True),
            ratio(taylor, names, "x", by="region", na_rm=True),
        ]

    whole = everything()
    # 900 rows × 2 variables per block: four blocks of the seven variables.
    monkeypatch.setattr(estimator_module, "_BLOCK_CELLS", 1_800)  # type: ignore[attr-defined]
    blocked = everything()
    for one, many in zip(whole, blocked, strict=True):
        # Sums over a different number of columns may round in the last bits only.
        for field in ("estimate", "se", "n", "deff"):
            np.testing.assert_allclose(getattr(one, field), getattr(many, field), rtol=1e-12)
        if getattr(one, "replicate_estimates", None) is not None:
            np.testing.assert_allclose(
                one.replicate_estimates,  # type: ignore[attr-defined]
                many.replicate_estimates,  # type: ignore[attr-defined]
                rtol=1e-12,
            )
