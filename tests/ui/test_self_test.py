"""The self-test on pages written to be right or wrong in one way each: it clicks, types and
submits in a hidden copy, and says what a person would find, in their words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from desktop.core.checking.self_test import BLANK, Health
from desktop.ui.preview.self_test import SelfTestRunner
from tests.ui.conftest import close_and_delete, shown_preview

COUNTER = """<!DOCTYPE html><html><body><h1 id="n">0</h1>
<button id="plus">+</button><button id="minus">-</button>
<script>
let n = 0;
const show = () => { document.getElementById('n').textContent = n; };
document.getElementById('plus').onclick = () => { n++; show(); };
document.getElementById('minus').addEventListener('click', () => { n--; show(); });
</script></body></html>"""

STOPWATCH = """<!DOCTYPE html><html><body><h1 id="t">0.0</h1>
<button id="start">Start</button><button id="stop">Stop</button><button id="reset">Reset</button>
<script>
let tenths = 0, timer = null;
const t = document.getElementById('t');
const show = () => { t.textContent = (tenths / 10).toFixed(1); };
document.getElementById('start').onclick = () => {
  if (!timer) timer = setInterval(() => { tenths++; show(); }, 100);
};
document.getElementById('stop').onclick = () => { STOP };
document.getElementById('reset').onclick = () => { tenths = 0; show(); };
</script></body></html>"""
WORKING_STOPWATCH = STOPWATCH.replace("STOP", "clearInterval(timer); timer = null;")
DEAD_STOP = STOPWATCH.replace("STOP", "console.log('stopping');")

# A pomodoro whose Pause only sets a flag: its timer goes on firing but stops changing the
# page, which is Pause's doing.
FLAG_PAUSE = """<!DOCTYPE html><html><body><h1 id="t">25:00</h1>
<button id="start">Start</button><button id="pause">Pause</button>
<script>
let left = 1500, running = false;
const t = document.getElementById('t');
setInterval(() => {
  if (running) left--;
  t.textContent = String(Math.floor(left / 60)).padStart(2, '0') + ':' +
                  String(left % 60).padStart(2, '0');
}, 200);
document.getElementById('start').onclick = () => { running = true; };
document.getElementById('pause').onclick = () => { running = false; };
</script></body></html>"""

SORT_THROWS = """<!DOCTYPE html><html><body><ul id="fruits"><li>pear</li><li>apple</li></ul>
<button id="sort">Sort</button>
<script>
document.getElementById('sort').onclick = () => {
  const fruits = document.getElementById('fruits').children;
  fruits.sort();
};
</script></body></html>"""

INPUT_DOES_NOTHING = """<!DOCTYPE html><html><body>
<input type="number" id="x"><p id="out">Result:</p>
<script>document.getElementById('x').addEventListener('input', () => {});</script>
</body></html>"""

# Typing shows nothing until Calculate, which reads both fields: not dead.
FORM_WITH_A_BUTTON = """<!DOCTYPE html><html><body>
<input id="bill" type="number" placeholder="Bill"><input id="tip" type="number" placeholder="Tip %">
<button id="go">Calculate</button><p id="out"></p>
<script>
document.getElementById('go').onclick = () => {
  const bill = +document.getElementById('bill').value, tip = +document.getElementById('tip').value;
  document.getElementById('out').textContent = 'Tip: ' + (bill * tip / 100).toFixed(2);
};
</script></body></html>"""

BLANK_PAGE = """<!DOCTYPE html><html><body><div id="app"></div>
<script>const app = document.getElementById('app');</script></body></html>"""

# A class no style rule knows: the DOM changes, the page does not.
INVISIBLE_TABS = """<!DOCTYPE html><html><body>
<div class="tab"><h2>Home</h2><p>Welcome home.</p></div>
<div class="tab"><h2>About</h2><p>About us.</p></div>
<script>
const tabs = document.querySelectorAll('.tab');
tabs.forEach(tab => tab.addEventListener('click', () => {
  tabs.forEach(t => t.classList.remove('active'));
  tab.classList.add('active');
}));
</script></body></html>"""

NAN = """<!DOCTYPE html><html><body><input id="name" placeholder="Your name">
<button id="go">Add</button><p id="total"></p>
<script>
document.getElementById('go').onclick = () => {
  document.getElementById('total').textContent = 'Total: ' + parseFloat(
    document.getElementById('name').value);
};
</script></body></html>"""

UNHANDLED_FORM = """<!DOCTYPE html><html><body><form><input name="item" placeholder="Item">
<button>Add</button></form><ul id="list"></ul>
<script>
document.querySelector('button').addEventListener('click', () => {
  const li = document.createElement('li');
  li.textContent = document.querySelector('input').value;
  document.getElementById('list').appendChild(li);
});
</script></body></html>"""


def self_test(qtbot, code: str, instruction: str = "", val: bool = False):
    runner = SelfTestRunner()
    try:
        with qtbot.waitSignal(runner.finished, timeout=20000) as finished:
            (runner.run_val if val else runner.run)(code, instruction, "tag")
        result, tag = finished.args
        assert tag == "tag"
        return result
    finally:
        runner.close()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_a_working_counter_has_no_findings(qtbot):
    result = self_test(qtbot, COUNTER, "a counter with a + button and a - button")
    assert result.works and result.badge == "works"
    assert result.controls == 2


def test_a_working_stopwatch_is_no_false_alarm_though_its_timer_ticks_on(qtbot):
    result = self_test(qtbot, WORKING_STOPWATCH, "a stopwatch with Start, Stop and Reset buttons")
    assert result.problems == []
    assert result.ms < 2000


def test_a_stopwatch_whose_stop_does_nothing_is_caught(qtbot):
    result = self_test(qtbot, DEAD_STOP, "a stopwatch with Start and Stop buttons")
    assert result.problems == ["Clicking Stop changed nothing"]
    assert result.health is Health.PROBLEMS and result.badge == "1 problem"
    assert result.dead_control


def test_a_pause_that_only_sets_a_flag_counts_as_working(qtbot):
    assert self_test(qtbot, FLAG_PAUSE, "a pomodoro with Start and Pause buttons").works


def test_a_button_that_throws_is_named_with_its_error_and_line(qtbot):
    result = self_test(qtbot, SORT_THROWS)
    assert result.problems == [
        "Clicking Sort threw TypeError: fruits.sort is not a function (line 6)"]
    assert result.health is Health.THROWS and result.badge == "throws"


def test_an_input_that_changes_nothing_is_caught(qtbot):
    result = self_test(qtbot, INPUT_DOES_NOTHING)
    assert result.problems == ["Typing in the number input changed nothing on the page"]


def test_fields_a_button_reads_later_are_not_dead(qtbot):
    assert self_test(qtbot, FORM_WITH_A_BUTTON, "a tip calculator with a Calculate button").works


def test_fields_that_only_a_button_reads_are_a_problem_when_asked_to_update_live(qtbot):
    result = self_test(qtbot, FORM_WITH_A_BUTTON, "a tip calculator that updates as you type")
    assert result.problems[0].startswith('Typing in the "Bill" field changed nothing until a '
                                         'button was clicked')


def test_a_blank_page_is_said_to_be_blank(qtbot):
    assert self_test(qtbot, BLANK_PAGE).problems == [BLANK]


def test_a_control_the_request_names_must_be_there(qtbot):
    result = self_test(qtbot, COUNTER, "a counter with + and - buttons and a Reset button")
    assert result.problems == ["The request asks for a Reset button; the page has none"]


def test_a_change_nobody_can_see_is_no_change(qtbot):
    result = self_test(qtbot, INVISIBLE_TABS)
    assert result.problems == ["Clicking Home changed nothing", "Clicking About changed nothing"]


def test_nan_on_the_page_after_a_click_is_a_finding(qtbot):
    assert self_test(qtbot, NAN).problems == ["Clicking Add showed NaN"]


def test_a_form_that_would_reload_the_page_is_a_finding(qtbot):
    [finding] = self_test(qtbot, UNHANDLED_FORM).problems
    assert finding.startswith("Sending the form by clicking Add reloads the page")


def test_the_self_test_never_touches_the_page_the_user_sees(qtbot):
    view = shown_preview(qtbot, COUNTER)
    try:
        result = self_test(qtbot, COUNTER)
        assert result.works and result.controls == 2
        box = []
        view.page().runJavaScript("document.getElementById('n').textContent", 0, box.append)
        qtbot.waitUntil(lambda: bool(box))
        assert box == ["0"]  # the user's counter was never clicked
    finally:
        close_and_delete(view)


GUESTBOOK_VAL = """export default async function (req: Request): Promise<Response> {
  if (req.method === "POST") {
    const form = await req.formData();
    FAIL
    return new Response(`<p>Thanks, ${form.get("name")}!</p>`,
                        { headers: { "content-type": "text/html" } });
  }
  return new Response(`<!DOCTYPE html><html><body><h1>Guestbook</h1>
    <form method="post"><input name="name" placeholder="Name"><button>Sign</button></form>
    </body></html>`, { headers: { "content-type": "text/html" } });
}
"""


@pytest.mark.parametrize("fail", [False, True], ids=["posts", "fails with 500"])
def test_a_vals_form_posts_to_the_val(qtbot, fail):
    code = GUESTBOOK_VAL.replace(
        "FAIL", "const entries: any = null; entries.push(form.get('name'));" if fail else "")
    result = self_test(qtbot, code, "a guestbook with a Sign button", val=True)
    if not fail:
        assert result.works
        return
    assert result.health is Health.THROWS
    assert "Sending the form by clicking Sign failed: the val answered 500" in result.problems
    assert any("Cannot read properties of null" in p and "line 4" in p
               for p in result.problems)


def test_a_dialog_is_a_finding_not_an_effect(qtbot):
    page = ("<!DOCTYPE html><html><body><button id='b'>Guess</button><script>"
            "document.getElementById('b').onclick = () => alert('Too high!');</script>"
            "</body></html>")
    assert self_test(qtbot, page).problems == [
        'Clicking Guess opened a dialog, alert("Too high!"), which apps may not use: show it '
        'in the page instead']


def test_what_reading_the_code_finds_counts_though_no_click_reached_it(qtbot):
    page = ("<!DOCTYPE html><html><body><input id='n'><button id='b'>Check</button>"
            "<p id='out'></p><script>document.getElementById('b').onclick = () => {"
            "const n = document.getElementById('n').value; if (n === '42') alert('yes');"
            "document.getElementById('out').textContent = 'checked ' + n; };</script>"
            "</body></html>")
    assert self_test(qtbot, page).problems == [
        "The code uses alert(), prompt() or confirm(): apps may not; show it in the page "
        "instead"]


def test_a_vals_model_calls_are_not_tried_nor_held_against_it(qtbot):
    code = ('import { OpenAI } from "https://esm.town/v/std/openai";\n' +
            GUESTBOOK_VAL.replace("FAIL", "await new OpenAI().chat.completions.create({ model: "
                                  "'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });"))
    result = self_test(qtbot, code, "a guestbook with a Sign button", val=True)
    assert result.works, result.problems


STATS_VAL = """let visits = 0;
export default async function (req: Request): Promise<Response> {
  const url = new URL(req.url);
  if (url.pathname === "/api/stats") {
    const saved: any = null;
    return Response.json({ visits, best: saved.best });
  }
  visits++;
  return new Response(`<!DOCTYPE html><html><body><p id="n">0</p><button
    onclick="document.getElementById('n').textContent = +document.getElementById('n')
    .textContent + 1">Add</button></body></html>`, { headers: { "content-type": "text/html" } });
}
"""


def test_a_vals_route_its_page_never_opens_is_tried_too(qtbot):
    result = self_test(qtbot, STATS_VAL, "a counter with an Add button", val=True)
    assert result.health is Health.THROWS
    assert "Opening /api/stats failed: the val answered 500" in result.problems
    assert any("Cannot read properties of null" in p and "line 6" in p
               for p in result.problems), result.problems
    fixed = STATS_VAL.replace("saved.best", "saved?.best ?? 0")
    assert self_test(qtbot, fixed, "a counter with an Add button", val=True).works


LIKES = """<!DOCTYPE html><html><body><button id="like">Like</button> <span id="n">0</span>
<script>const n = document.getElementById('n');
document.getElementById('like').onclick = () => { n.textContent = n.textContent + 1; };
</script></body></html>"""
PRICES = """<!DOCTYPE html><html><body><input id="a" type="number" placeholder="Price">
<input id="b" type="number" placeholder="Shipping"><button id="go">Total</button>
<p id="out"></p><script>document.getElementById('go').onclick = () => {
  const a = document.getElementById('a').value, b = document.getElementById('b').value;
  document.getElementById('out').textContent = 'Total: ' + (SUM);
};</script></body></html>"""
KEYPAD = """<!DOCTYPE html><html><body><p id="code">0</p><div id="keys"></div><script>
const code = document.getElementById('code');
for (const digit of '1234567890') {
  const key = document.createElement('button');
  key.textContent = digit;
  key.onclick = () => { code.textContent = code.textContent + digit; };
  document.getElementById('keys').appendChild(key);
}</script></body></html>"""


def test_numbers_joined_as_text_instead_of_added_are_a_finding(qtbot):
    assert self_test(qtbot, LIKES).problems == [
        'Clicking Like showed "01": values were joined as text instead of added']
    assert self_test(qtbot, LIKES.replace('id="n">0<', 'id="n"><')).problems == [
        'Clicking Like showed "11": values were joined as text instead of added'], \
        "from nothing to 1 looks right: the second click shows it"
    assert self_test(qtbot, PRICES.replace("SUM", "a + b")).problems == [
        'Clicking Total showed "1212": values were joined as text instead of added']
    assert self_test(qtbot, PRICES.replace("SUM", "Number(a) + Number(b)")).works


def test_digits_a_keypad_adds_to_a_number_are_no_false_alarm(qtbot):
    assert self_test(qtbot, KEYPAD).works


def test_a_like_that_a_second_click_takes_back_still_works(qtbot):
    toggle = LIKES.replace("n.textContent = n.textContent + 1;",
                           "n.textContent = n.textContent === '0' ? '1' : '0';")
    assert self_test(qtbot, toggle).works
