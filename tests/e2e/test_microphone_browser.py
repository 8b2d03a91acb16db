"""A practice call from the browser microphone reaches the server as live call audio.

Chromium's fake microphone plays a tone from a WAV file; WebRTC runs over host candidates on this
machine's own address (no STUN server), and a tiny page reads the call's chunks the way the live
pipeline does and shows how much audio arrived.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.conftest import (
    _CHROMIUM_ARGS,
    CHROMIUM,
    ROOT,
    _free_port,
    _wait_until_up,
    screenshot,
)

pytestmark = pytest.mark.e2e

PAGE = textwrap.dedent(
    '''
    """Reads the microphone call like the live pipeline does and shows what arrived."""

    import threading

    import numpy as np
    import streamlit as st

    from ui.microphone import microphone_call

    source = microphone_call("practice-mic")
    if source is not None and st.session_state.get("heard_from") is not source:
        heard = {"seconds": 0.0, "squares": 0.0, "samples": 0, "ended": False}

        def read() -> None:
            for chunk in source.chunks():
                heard["seconds"] = chunk.end
                heard["squares"] += float(np.sum(chunk.samples.astype(np.float64) ** 2))
                heard["samples"] += chunk.samples.size
            heard["ended"] = True

        threading.Thread(target=read, daemon=True).start()
        st.session_state["heard_from"] = source
        st.session_state["heard"] = heard


    @st.fragment(run_every=0.5)
    def show() -> None:
        heard = st.session_state.get("heard")
        if heard and heard["samples"]:
            rms = (heard["squares"] / heard["samples"]) ** 0.5
            st.markdown(f"Heard **{heard['seconds']:.1f}** s, RMS **{rms:.3f}**")
            if heard["ended"]:
                st.markdown("The call has ended")
        else:
            st.markdown("Heard nothing yet")


    show()
    '''
)


# Whether the page says more than `seconds` of call audio were heard.
_HEARD_MORE_THAN = """seconds => [...document.querySelectorAll('[data-testid="stMarkdown"]')]
    .some(e => parseFloat((e.innerText.match(/Heard ([\\d.]+) s/) || [])[1]) > seconds)"""


def _tone_wav(path: Path, seconds: float = 3.0, rate: int = 48_000) -> None:
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())


@pytest.fixture(scope="module")
def microphone_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("microphone-page")
    script = folder / "microphone_page.py"
    script.write_text(PAGE)
    port = _free_port()
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    log = (folder / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_the_browser_microphone_streams_a_practice_call(browser, microphone_page, tmp_path):
    wav = tmp_path / "tone.wav"
    _tone_wav(wav)
    args = [
        *_CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
    ]
    # A second Chromium with a fake microphone, from the session's Playwright (only one sync
    # Playwright may run at a time).
    with_microphone = browser.browser_type.launch(executable_path=CHROMIUM, args=args)
    try:
        page = with_microphone.new_page(viewport={"width": 390, "height": 844})
        page.goto(microphone_page)
        page.get_by_text("Heard nothing yet").wait_for(timeout=30_000)
        widget = page.frame_locator("iframe[title*='streamlit_webrtc']")
        widget.get_by_role("button", name="Start microphone").click()
        widget.get_by_role("button", name="Stop microphone").wait_for(timeout=30_000)
        # The page refreshes twice a second; wait until more than 2 s of call have arrived.
        page.wait_for_function(_HEARD_MORE_THAN, arg=2, timeout=30_000)
        words = page.get_by_text("Heard ").first.inner_text().split()
        seconds, rms = float(words[1]), float(words[-1])
        screenshot(page, "microphone-practice-call")
        assert seconds > 2
        assert rms > 0.01  # the tone, not silence

        # Stopping the microphone ends the call: the reader's `chunks()` returns.
        widget.get_by_role("button", name="Stop microphone").click()
        page.get_by_text("The call has ended").wait_for(timeout=30_000)
    finally:
        with_microphone.close()
