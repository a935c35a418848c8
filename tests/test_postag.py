import importlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jieba.posseg import char_state_tab_P, emit_P, start_P, trans_P

from assistant.postag import pos_words, tagged, viterbi

from .conftest import SEEDS

jieba_viterbi = importlib.import_module("jieba.posseg.viterbi")  # the module: its name in jieba.posseg is patched


def _decode_both(run: str) -> tuple[object, object]:
    return (
        jieba_viterbi.viterbi(run, char_state_tab_P, start_P, trans_P, emit_P),
        viterbi(run, char_state_tab_P, start_P, trans_P, emit_P),
    )


def test_the_fast_decoder_agrees_with_jiebas_on_every_run_of_the_seed_pages() -> None:
    runs = {
        r
        for path in sorted(SEEDS.glob("*.txt"))
        for r in re.findall(r"[\u4e00-\u9fff]+", path.read_text(encoding="utf-8"))
    }
    assert len(runs) > 1000
    for run in runs:
        ours, theirs = _decode_both(run)
        assert ours == theirs, run


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("山西省太原市瓦西里谢苗诺维奇鍾𠀀龘的了是和在有人民政府医院a"), min_size=1, max_size=12
    )
)
def test_the_fast_decoder_agrees_on_any_run_even_of_characters_the_model_never_saw(run: str) -> None:
    ours, theirs = _decode_both(run)
    assert ours == theirs


def test_tagging_finds_a_name_the_dictionary_lacks() -> None:
    assert ("谢苗诺", "nr") in tagged("瓦西里·谢苗诺维奇出席了会议")  # decoded by the model, not the dictionary
    assert pos_words("太原市政府") == tuple(tagged("太原市政府"))


def test_the_decoders_memory_of_characters_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.postag as postag

    monkeypatch.setattr(postag, "CHARACTERS_KEPT", 8)
    for ch in "瓦西里谢苗诺维奇鍾龘阵内智则黄敏惠":
        ours, theirs = _decode_both("阿" + ch + "斯")
        assert ours == theirs
    model = next(m for tables, m in postag._MODELS.values() if tables[2] is trans_P)
    assert 0 < len(model.columns) <= 8
