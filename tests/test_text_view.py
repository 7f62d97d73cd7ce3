import threading

from thresher.stages.text.view import text_view

from test_text_samples import ENGLISH, JAPANESE


def test_view_is_cached_per_text_object_and_language():
    text = "".join(["some ", "text here"])
    v = text_view(text, "en")
    assert text_view(text, "en") is v
    assert text_view(text, "de") is not v
    other = "".join(["some ", "text here"])  # equal, not the same object
    assert text_view(other, "en") is not v


def test_view_words_lines_and_flags():
    v = text_view(ENGLISH, "en")
    assert v.words[:3] == ["The", "history", "of"]
    assert len(v.lines) == 4
    assert not v.unspaced and v.word_length_meaningful
    j = text_view(JAPANESE, None)  # unlabelled, but mostly kana/kanji
    assert j.unspaced and not j.word_length_meaningful
    assert text_view("한국어 문장입니다", "ko").word_length_meaningful is False
    assert int(v.word_lengths.sum()) == sum(map(len, v.words))
    assert len(v.word_hashes) == len(v.words)


def test_view_cache_is_thread_local():
    text = "".join(["thread ", "local"])
    main = text_view(text)
    seen = []
    t = threading.Thread(target=lambda: seen.append(text_view(text)))
    t.start()
    t.join()
    assert seen[0] is not main
