"""Charts render Hangul without tofu (fonts-noto-cjk, installed by make setup-report)."""

from __future__ import annotations

import warnings
from pathlib import Path

from kube_finops.report.fonts import CJK_FAMILIES, configure_fonts
from matplotlib import font_manager
from matplotlib.figure import Figure
from services import require_service


def test_hangul_renders_without_missing_glyphs(tmp_path: Path) -> None:
    available = {f.name for f in font_manager.fontManager.ttflist}
    if not available.intersection(CJK_FAMILIES):
        require_service("no CJK font installed (make setup-report installs fonts-noto-cjk)")
    assert configure_fonts() in CJK_FAMILIES
    fig = Figure(figsize=(4, 2))
    fig.add_subplot().set_title("결제팀 namespace · 낭비 core-hours")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" is a UserWarning
        fig.savefig(tmp_path / "hangul.png")
