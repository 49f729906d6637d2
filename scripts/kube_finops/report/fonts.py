"""Pick a matplotlib font that renders Hangul and Latin (tenant names may contain Hangul)."""

from __future__ import annotations

import logging
import os

from matplotlib import font_manager, rcParams

from kube_finops.report.errors import ReportError

log = logging.getLogger(__name__)

CJK_FAMILIES = ("Noto Sans CJK KR", "Noto Sans KR", "Noto Sans CJK JP", "NanumGothic")
FALLBACK_FAMILY = "DejaVu Sans"


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "false", "0")


def configure_fonts() -> str:
    """Set rcParams to a CJK-capable font and return its family name.

    Without one, CI fails (the charts would show tofu for Hangul names); elsewhere DejaVu Sans is
    used with a warning.
    """
    rcParams["text.parse_math"] = False  # tenant names are text, never mathtext ("$x$")
    available = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in available:
            rcParams["font.family"] = "sans-serif"
            rcParams["font.sans-serif"] = [family, FALLBACK_FAMILY]
            rcParams["axes.unicode_minus"] = False
            log.debug("chart font: %s", family)
            return family
    message = (
        "no font with Hangul glyphs found (looked for "
        + ", ".join(CJK_FAMILIES)
        + "); install fonts-noto-cjk (make setup-report)"
    )
    if _ci():
        raise ReportError(message)
    log.warning("%s; using %s, Hangul names will render as boxes", message, FALLBACK_FAMILY)
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [FALLBACK_FAMILY]
    return FALLBACK_FAMILY
