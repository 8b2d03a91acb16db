from training.keywords import KeywordIndex, words


def test_words_drop_function_words_and_punctuation():
    assert words("Didn't ask the caller BEFORE the hold!") == ["ask", "caller", "hold"]


def test_rare_matching_words_score_highest():
    index = KeywordIndex(
        [
            "Ask before you put the caller on hold, and thank them after the hold.",
            "Greet the caller with the company name and your own name.",
            "Point the caller to the online portal to track a claim.",
        ]
    )
    scores = index.scores("no mention of the online portal")
    assert scores.argmax() == 2 and scores[0] == scores[1] == 0
    assert index.scores("nothing in common").max() == 0
    assert KeywordIndex([]).scores("hold").shape == (0,)
