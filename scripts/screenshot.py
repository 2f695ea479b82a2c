"""Screenshot a running bordermap app (offline) for a person to look at.

    .venv/bin/python scripts/screenshot.py http://localhost:8501/?... out.png [width height]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from browser import browser, map_frame, offline_page, wait_for_app  # noqa: E402

url, out = sys.argv[1], sys.argv[2]
w, h = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (1400, 1000)
with browser() as b:
    page, watch = offline_page(b, width=w, height=h)
    page.goto(url)
    wait_for_app(page)
    try:
        f = map_frame(page)
        print("events drawn:", f.evaluate("Bordermap.count()"))
    except TimeoutError as exc:
        print(exc)
    page.wait_for_timeout(1500)
    page.screenshot(path=out, full_page=True)
    print("\n".join(watch.problems()) or "no blocked requests, no console errors")
