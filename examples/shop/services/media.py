"""Product images: thumbnails are made by ImageMagick."""  # expect: BA-TEST-002

import subprocess
from pathlib import Path


def make_thumbnail_unsafe(upload_name: str, out_dir: str) -> None:
    # The file name comes from the client: `a.png; rm -rf /` runs as a second command.
    subprocess.run(f"convert {upload_name} -resize 200x200 {out_dir}/thumb.png", shell=True, check=True)  # expect: BA-INP-003


def make_thumbnail(upload: Path, out_dir: Path) -> Path:
    target = out_dir / "thumb.png"
    subprocess.run(["convert", str(upload), "-resize", "200x200", str(target)], check=True, timeout=30)
    return target
