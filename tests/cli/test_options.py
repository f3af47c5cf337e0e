"""The options every face shares are declared once, in cli/options.py."""

from __future__ import annotations

import argparse
import ast

from cli.parser import build_parser
from tests.support.launcher import REPO_ROOT as REPO
from words import LANGUAGES

# Faces that still declare `--lang` themselves. cli/load.py is being reworked elsewhere: it moves to
# add_language there, and then leaves this set (the test below fails while an entry is no longer needed).
DECLARE_LANG_THEMSELVES = {"cli/load.py"}


def _faces() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    [faces] = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    return dict(faces.choices)


def test_lang_is_declared_only_by_add_language() -> None:
    declaring = set()
    for path in sorted((REPO / "cli").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.Constant) and node.value == "--lang" for node in ast.walk(tree)):
            declaring.add(path.relative_to(REPO).as_posix())
    assert declaring == {"cli/options.py", *DECLARE_LANG_THEMSELVES}


def test_every_face_takes_lang_es_or_en() -> None:
    for name, face in _faces().items():
        [lang] = [action for action in face._actions if "--lang" in action.option_strings]
        assert tuple(lang.choices or ()) == LANGUAGES and lang.default is None, name
