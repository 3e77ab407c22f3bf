"""Builds what Glue runs: `dist/market_transform.py` (the job's ScriptLocation) and `dist/market.zip` (the `market`
package, passed as `--extra-py-files`). Glue ships one script file; the zip carries everything it imports.

The zip is byte-for-byte reproducible (sorted entries, fixed timestamps), so an unchanged package uploads as an
unchanged object. Usage: `.venv/bin/python packages/glue/build.py [out_dir]`.
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "src"
FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def build(out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    script = out_dir / "market_transform.py"
    shutil.copyfile(SOURCE / "market_transform.py", script)
    archive = out_dir / "market.zip"
    files = sorted(p for p in (SOURCE / "market").rglob("*.py") if "__pycache__" not in p.parts)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path in files:
            entry = zipfile.ZipInfo(path.relative_to(SOURCE).as_posix(), date_time=FIXED_TIME)
            entry.external_attr = 0o644 << 16
            bundle.writestr(entry, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED)
    return script, archive


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "dist"
    for built in build(target):
        print(built)
