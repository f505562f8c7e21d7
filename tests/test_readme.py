"""The README's promises: its commands match CI, and its console examples print what it says."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable

from conftest import ROOT, Result

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _sh_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)


def test_readme_opens_with_the_two_commands() -> None:
    install_and_run, tests = _sh_blocks()[:2]
    assert "pip install ." in install_and_run and "plan-cal" in install_and_run
    assert "examples/rmo-2019-2020.yaml" in install_and_run
    assert "pytest" in tests
    assert README.index(install_and_run) < README.index("## ")


def test_ci_runs_the_readme_test_command() -> None:
    tests = _sh_blocks()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()


def test_console_examples(cli: Callable[..., Result]) -> None:
    blocks = re.findall(r"```console\n(.*?)\n```", README, flags=re.S)
    assert blocks
    for block in blocks:
        command, *expected = block.splitlines()
        assert command.startswith("$ plan-cal ")
        result = cli(*shlex.split(command)[2:])  # drop "$ plan-cal"
        assert result.code == 0, result.err
        assert result.out.splitlines() == expected
