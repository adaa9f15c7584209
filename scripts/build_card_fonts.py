"""Builds the fonts of the share image from Debian's fonts-noto-core (SIL Open Font License 1.1).

Noto Sans has no Arabic and Noto Sans Arabic has no Latin letters, while a title in Arabic often
names KLEEMA or Wana in Latin letters. Merging a Latin subset of the first with the second gives one
font that the text layout engine (HarfBuzz through raqm) can shape and order in a single pass.

    apt-get install fonts-noto-core && .venv/bin/pip install fonttools
    .venv/bin/python scripts/build_card_fonts.py
"""

import subprocess
import sys
import tempfile
from pathlib import Path

NOTO = Path("/usr/share/fonts/truetype/noto")
TARGET = Path(__file__).resolve().parent.parent / "petition" / "sharing" / "fonts"
# Latin with its extensions, general punctuation, currency and letter-like symbols.
LATIN = "U+0000-024F,U+0259,U+02B0-036F,U+1E00-1EFF,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2212,U+25CC,U+FFFD"


def run(*args: str) -> None:
    subprocess.run([sys.executable, "-m", *args], check=True)  # noqa: S603 (fixed arguments)


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for weight in ("Regular", "Bold"):
            latin = f"{tmp}/latin-{weight}.ttf"
            arabic = f"{tmp}/arabic-{weight}.ttf"
            run(
                "fontTools.subset",
                str(NOTO / f"NotoSans-{weight}.ttf"),
                f"--unicodes={LATIN}",
                "--layout-features=*",
                f"--output-file={latin}",
            )
            run(
                "fontTools.subset",
                str(NOTO / f"NotoSansArabic-{weight}.ttf"),
                "--unicodes=*",
                "--layout-features=*",
                f"--output-file={arabic}",
            )
            run(
                "fontTools.merge",
                latin,
                arabic,
                f"--output-file={TARGET / f'NotoSansLatinArabic-{weight}.ttf'}",
            )


if __name__ == "__main__":
    main()
