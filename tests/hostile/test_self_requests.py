"""Hostile pages ask the preview's scheme handler for documents: their own, thousands of
times (a copy per request once grew Keystroke to 5.9 GB and stalled the window for 7 s), and
earlier ones (other projects' code, by number)."""

from __future__ import annotations

from desktop.ui.preview.scheme import MAX_REQUESTS_PER_DOCUMENT
from desktop.ui.stall_monitor import StallMonitor

FILLER = "<!-- " + "x" * 1_000_000 + " -->"  # a 1 MB document


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def test_a_page_that_requests_itself_thousands_of_times_is_refused(qtbot, window, preview):
    page = ("<!DOCTYPE html><html><body><p id='r'>asking</p>" + FILLER + """<script>
    const ask = url => new Promise(done => { const x = new XMLHttpRequest();
      x.onload = () => done(x.status === 200 ? x.responseText : '');
      x.onerror = () => done(''); x.open('GET', url); x.send(); });
    const asks = Array.from({length: 2000}, () => ask(location.href)
      .then(text => text ? 'served' : 'refused'));
    Promise.all(asks).then(all => {
      document.getElementById('r').textContent =
        all.filter(a => a === 'served').length + ' served';
    });
    </script></body></html>""")
    before = rss_mb()
    stalls = StallMonitor(interval_ms=5)
    stalls.start()
    window.host.load(page)
    preview.wait_for_text(" served", timeout=60000)
    stalls.stop()
    served = int(preview.text().split(" served")[0].split()[-1])
    assert served <= MAX_REQUESTS_PER_DOCUMENT  # the load itself took one
    assert rss_mb() - before < 400
    assert stalls.longest_ms < 1000, stalls.longest_ms
    assert any("requested its own document more than" in e for e in window.error_bar.errors), (
        served, window.error_bar.errors)


def test_a_page_cannot_read_earlier_documents(qtbot, window, preview):
    window.host.load("<!DOCTYPE html><html><body><p>secret code of another app</p>"
                     "</body></html>")
    preview.wait_for_text("secret code")
    window.host.load("""<!DOCTYPE html><html><body><p id='r'>reading</p><script>
    const ask = url => new Promise(done => { const x = new XMLHttpRequest();
      x.onload = () => done(x.status === 200 ? x.responseText : '');
      x.onerror = () => done(''); x.open('GET', url); x.send(); });
    const mine = Number(location.pathname.split('/')[1]);
    Promise.all([...Array(mine).keys()].map(n => ask(`/${n}/`)))
      .then(all => { document.getElementById('r').textContent =
        all.some(t => t.includes('secret code')) ? 'read it' : 'nothing to read'; });
    </script></body></html>""")
    preview.wait_for_text("nothing to read", timeout=20000)


def test_keystroke_check_fails_a_page_that_floods_its_own_document(tmp_path, capsys):
    from desktop.cli.main import main

    page = tmp_path / "flood.html"
    page.write_text("""<!DOCTYPE html><html><body><p>asking</p><script>
    for (let i = 0; i < 200; i++) { const x = new XMLHttpRequest();
      x.open('GET', location.href); x.send(); }
    </script></body></html>""", encoding="utf-8")
    assert main(["check", str(page)]) == 1
    assert "refused: The page requested its own document more than 20" in \
        capsys.readouterr().out
