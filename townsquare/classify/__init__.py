"""Classification of text, offline on CPU, without scikit-learn or torch at run time.

``townsquare.classify.services``: the API the inbox calls (``classify_texts`` at ingest,
``classify_texts_second_pass`` in the background, ``classification_correct`` for officers'
corrections), over ``pipeline`` (sentiment, categories, risk, language, service), ``linear`` (the
first pass's trained heads), ``categories``/``cues`` (category phrases in English and Welsh),
``language``, ``routing`` (per-council service routing) and ``offensive`` (the offensive-text model).
See docs/classifiers.md for the data, the figures and the known weaknesses.
"""
