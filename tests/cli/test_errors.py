"""Every failure of the command line is one ``error:`` line on stderr and a known exit code.

Exit codes: 1 for a govindex error (bad data, design or parameter), 2 for a usage error,
70 for an internal error (a bug); never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from govindex.cli import INTERNAL_ERROR_EXIT_CODE, main

Invoke = Callable[..., Result]

DESIGN = ("--weights", "pw", "--psu", "dnum", "--fpc", "fpc")


def assert_one_error(result: Result, *fragments: str, exit_code: int = 1) -> str:
    """The run failed with ``exit_code``, printed nothing on stdout and one error line."""
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines, "no error message"
    assert lines[0].startswith("error: ")
    assert all(line.startswith("hint: ") for line in lines[1:]), lines
    assert len(lines) <= 2, lines
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


@pytest.fixture
def apiclus1(data_folder: Path) -> Path:
    return data_folder / "apiclus1.csv"


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


# ---------------------------------------------------------------------- data and design errors
def test_unknown_column(invoke: Invoke, apiclus1: Path) -> None:
    result = invoke("estimate", apiclus1, *DESIGN, "--var", "nope")
    assert_one_error(result, "column `nope` is not in the data")


def test_non_numeric_weights(invoke: Invoke, tmp_path: Path) -> None:
    data = write(tmp_path / "d.csv", "psu,w,y\n1,1,1\n2,heavy,2\n3,1,3\n")
    result = invoke("estimate", data, "--weights", "w", "--psu", "psu", "--var", "y")
    assert_one_error(result, "weight column `w` must be numeric", "'heavy'")


def test_negative_weights(invoke: Invoke, tmp_path: Path) -> None:
    data = write(tmp_path / "d.csv", "psu,w,y\n1,1,1\n2,-2,2\n3,1,3\n")
    result = invoke("estimate", data, "--weights", "w", "--psu", "psu", "--var", "y")
    assert_one_error(result, "weight column `w` has -2.0 in row 2")


def test_lonely_psu_under_fail(invoke: Invoke, data_folder: Path) -> None:
    result = invoke(
        "estimate", data_folder / "lone.csv", "--weights", "pw", "--strata", "stype",
        "--var", "api00", "--lonely-psu", "fail",
    )  # fmt: skip
    assert_one_error(result, "stratum `H` has only one PSU")


def test_psu_codes_repeated_across_strata_need_nest(invoke: Invoke, data_folder: Path) -> None:
    args = (
        "estimate", data_folder / "apiclus2.csv", "--strata", "stype", "--psu", "dnum",
        "--weights", "pw", "--var", "api00",
    )  # fmt: skip
    assert_one_error(invoke(*args), "appears in more than one stratum", "--nest")
    assert invoke(*args, "--nest").exit_code == 0


def test_all_missing_variable(invoke: Invoke, apiclus1: Path) -> None:
    result = invoke("estimate", apiclus1, *DESIGN, "--var", "flag", "--na-rm")
    assert_one_error(result, "column `flag` has no non-missing values")


def test_missing_values_without_na_rm(invoke: Invoke, apiclus1: Path) -> None:
    result = invoke("estimate", apiclus1, *DESIGN, "--var", "acs.core")
    assert_one_error(result, "column `acs.core` has 144 missing value(s)", "--na-rm")


def test_empty_domain(invoke: Invoke, tmp_path: Path) -> None:
    data = write(tmp_path / "d.csv", "psu,w,g,y\n1,1,a,1\n2,1,a,2\n3,1,b,\n4,1,b,\n")
    result = invoke(
        "estimate", data, "--weights", "w", "--psu", "psu", "--var", "y", "--by", "g", "--na-rm"
    )
    assert_one_error(result, "domain `g`=`b` has no respondents with a value of `y`")


def test_margin_levels_must_match_the_data(invoke: Invoke, apiclus1: Path, tmp_path: Path) -> None:
    margin = write(tmp_path / "types.csv", "stype,Freq\nE,4421\nH,755\nX,1018\n")
    result = invoke("estimate", apiclus1, *DESIGN, "--var", "api00", "--rake", f"stype={margin}")
    assert_one_error(result, "margin `stype` does not match the data", "'M'", "'X'")


def test_margin_file_needs_freq_column(invoke: Invoke, apiclus1: Path, tmp_path: Path) -> None:
    margin = write(tmp_path / "types.csv", "stype,count\nE,4421\nH,755\nM,1018\n")
    result = invoke(
        "estimate", apiclus1, *DESIGN, "--var", "api00", "--post-stratify", f"stype={margin}"
    )
    assert_one_error(result, "has no column `Freq`")


def test_file_that_does_not_exist(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("estimate", tmp_path / "absent.csv", "--weights", "w", "--var", "y")
    assert_one_error(result, "absent.csv: no such file")


def test_unsupported_suffix(invoke: Invoke, tmp_path: Path) -> None:
    data = write(tmp_path / "d.txt", "psu,w,y\n1,1,1\n")
    result = invoke("estimate", data, "--weights", "w", "--var", "y")
    assert_one_error(result, "cannot read `.txt` files")


def test_bootstrap_needs_a_seed(invoke: Invoke, apiclus1: Path) -> None:
    result = invoke("estimate", apiclus1, *DESIGN, "--var", "api00", "--variance", "bootstrap")
    assert_one_error(result, "needs `seed`")


# ---------------------------------------------------------------------- usage errors
@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (("--weigths", "pw"), "No such option: --weigths"),
        (("--statistic", "median"), "'median' is not one of"),
        (("--statistic", "ratio"), "--denominator"),
        (("--denominator", "enroll"), "only used with --statistic ratio"),
        (("--seed", "1"), "only applies to replicate variance"),
        (("--variance", "jk1", "--fay-rho", "0.5"), "only applies to --variance fay"),
        (("--statistic", "quantile"), "--quantiles"),
        (("--statistic", "quantile", "--quantiles", "half"), "expected probabilities"),
        (("--rake", "stype"), "expected VAR=FILE"),
    ],
)
def test_usage_errors_exit_2(
    invoke: Invoke, apiclus1: Path, options: tuple[str, ...], fragment: str
) -> None:
    result = invoke("estimate", apiclus1, "--var", "api00", *options)
    assert_one_error(result, fragment, exit_code=2)
    assert "govindex estimate --help" in result.stderr


def test_unknown_command(invoke: Invoke) -> None:
    assert_one_error(invoke("estimat"), "No such command", exit_code=2)


# ---------------------------------------------------------------------- bugs and the entry point
def test_internal_error_is_one_line(
    invoke: Invoke, apiclus1: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govindex.survey import estimators

    def broken(*args: object, **kwargs: object) -> None:
        msg = "boom"
        raise ZeroDivisionError(msg)

    monkeypatch.setattr(estimators, "mean", broken)
    result = invoke("estimate", apiclus1, *DESIGN, "--var", "api00")
    line = assert_one_error(result, "internal error", "boom", exit_code=INTERNAL_ERROR_EXIT_CODE)
    assert "ZeroDivisionError" in line

    monkeypatch.setenv("GOVINDEX_DEBUG", "1")
    result = invoke("estimate", apiclus1, *DESIGN, "--var", "api00")
    assert isinstance(result.exception, ZeroDivisionError)


def test_main_exits_with_the_error_code(
    apiclus1: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        "sys.argv", ["govindex", "estimate", str(apiclus1), "--weights", "pw", "--var", "nope"]
    )
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: column `nope` is not in the data")
